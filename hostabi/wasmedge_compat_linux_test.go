package hostabi

// The call sequences of the Rust crate wasmedge_wasi_socket (src/lib.rs,
// src/socket.rs, src/poll.rs), made through testdata/wasmedge_crate.wat
// (the crate's import signatures) on a real unix.System over loopback,
// with the crate's memory layouts. Each step checks what the crate reads
// back. The peers are plain Go sockets.

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

// Guest memory of the crate sequences.
const (
	cFD      = 0x100 // u32 results: fd, lengths, ports, address types
	cLen     = 0x104
	cFlags   = 0x108 // the crate's `oflags: usize`
	cPort    = 0x10c
	cType    = 0x110
	cVal     = 0x114 // socket option value (i32)
	cValLen  = 0x118 // its length (u32)
	cAddr    = 0x200 // WasiAddress {buf, size}
	cAddrBuf = 0x300 // up to 128 bytes
	cIOV     = 0x400 // IovecRead / IovecWrite {buf, size}
	cStat    = 0x500 // fdstat (24 bytes)
	cSubs    = 0x600 // two subscriptions (48 bytes each)
	cEvents  = 0x700 // two events (32 bytes each)
	cNEvents = 0x780
	cData    = 0x1000 // 256 bytes
	cNode    = 0x2000
	cService = 0x2040
	cHints   = 0x2080
	cResPtr  = 0x20c0
	cResLen  = 0x20c4
	cAI      = 0x3000 // 10 addrinfo entries, 28 bytes each (repr(C, packed(4)))
	cSA      = 0x3200 // 10 WasiSockaddr, 12 bytes each
	cSABuf   = 0x3300 // 10 sa_data buffers, 26 bytes each
	cCanon   = 0x3500 // 10 canonical name buffers, 30 bytes each
)

// crateGuest is wasmedge_crate.wat over a real System.
type crateGuest struct {
	t   *testing.T
	ctx context.Context
	env *guestEnv
	mem []byte
}

func newCrateGuest(t *testing.T) *crateGuest {
	t.Helper()
	ctx := t.Context()
	s, err := unix.New(unix.Config{Args: []string{"crate"}, Stdin: -1, Stdout: -1, Stderr: -1, AllowSockets: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	e := newGuestEnv(t, ctx, s, "wasmedge_crate")
	return &crateGuest{t: t, ctx: ctx, env: e, mem: e.mem(t)}
}

// call calls fn and returns its errno.
func (g *crateGuest) call(fn string, params ...uint64) wasi.Errno {
	g.t.Helper()
	errno, err := g.env.call(g.t, g.ctx, fn, params...)
	if err != nil {
		g.t.Fatalf("%s: %v", fn, err)
	}
	return errno
}

// must calls fn and fails the test unless it succeeds.
func (g *crateGuest) must(fn string, params ...uint64) {
	g.t.Helper()
	if errno := g.call(fn, params...); errno != wasi.ESUCCESS {
		g.t.Fatalf("%s: %v", fn, errno)
	}
}

func (g *crateGuest) u32(off uint32) uint32      { return binary.LittleEndian.Uint32(g.mem[off:]) }
func (g *crateGuest) put32(off uint32, v uint32) { binary.LittleEndian.PutUint32(g.mem[off:], v) }

// address writes WasiAddress {buf: cAddrBuf, size: n} with b in the buffer.
func (g *crateGuest) address(b []byte, n uint32) uint64 {
	clear(g.mem[cAddrBuf : cAddrBuf+addrStorageSize])
	copy(g.mem[cAddrBuf:], b)
	g.put32(cAddr, cAddrBuf)
	g.put32(cAddr+4, n)
	return cAddr
}

// iov writes one iovec over cData holding b (or n bytes of room).
func (g *crateGuest) iov(b []byte, n uint32) uint64 {
	copy(g.mem[cData:], b)
	g.put32(cIOV, cData)
	g.put32(cIOV+4, n)
	return cIOV
}

// setNonblocking is Socket::set_nonblocking: wasi-libc's fcntl(F_GETFL)
// (fd_fdstat_get) and, when the flag changes, fcntl(F_SETFL)
// (fd_fdstat_set_flags).
func (g *crateGuest) setNonblocking(fd uint64, on bool) {
	g.t.Helper()
	g.must("fd_fdstat_get", fd, cStat)
	prev := binary.LittleEndian.Uint16(g.mem[cStat+2:])
	next := prev &^ uint16(wasi.NonBlock)
	if on {
		next |= uint16(wasi.NonBlock)
	}
	if next != prev {
		g.must("fd_fdstat_set_flags", fd, uint64(next))
	}
}

// addr is Socket::get_local and Socket::get_peer: V1 sock_getlocaladdr or
// sock_getpeeraddr into 16 bytes, address type 4 or 6, port u32.
func (g *crateGuest) addr(fn string, fd uint64) netip.AddrPort {
	g.t.Helper()
	g.address(nil, 16)
	g.must(fn, fd, cAddr, cType, cPort)
	port := uint16(g.u32(cPort))
	switch g.u32(cType) {
	case 4:
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte(g.mem[cAddrBuf:])), port)
	case 6:
		return netip.AddrPortFrom(netip.AddrFrom16([16]byte(g.mem[cAddrBuf:])), port)
	}
	g.t.Fatalf("%s: address type %d", fn, g.u32(cType))
	return netip.AddrPort{}
}

// pollRead is poll::poll with one Subscription::io (read) and a realtime
// absolute timeout, as the crate's poll module builds them; it returns the
// events.
func (g *crateGuest) pollRead(fd uint64) []byte {
	g.t.Helper()
	clear(g.mem[cSubs : cSubs+96])
	le := binary.LittleEndian
	le.PutUint64(g.mem[cSubs:], 7) // userdata
	g.mem[cSubs+8] = byte(wasi.FDReadEvent)
	le.PutUint32(g.mem[cSubs+16:], uint32(fd))
	s := cSubs + 48
	le.PutUint64(g.mem[s:], 7)
	g.mem[s+8] = byte(wasi.ClockEvent)
	le.PutUint32(g.mem[s+16:], uint32(wasi.Realtime))
	le.PutUint64(g.mem[s+24:], uint64(time.Now().Add(netGuestTimeout).UnixNano()))
	le.PutUint16(g.mem[s+40:], uint16(wasi.SubscriptionClockAbstime))
	g.must("poll_oneoff", cSubs, cEvents, 2, cNEvents)
	return g.mem[cEvents : cEvents+32*g.u32(cNEvents)]
}

// pollMio polls fd as mio's wasi selector does (src/sys/wasi/p1.rs): its
// registered fd_write then fd_read subscriptions (userdata: the token, 1),
// then a monotonic clock relative to now (flags 0) with the timeout token
// u64::MAX. It checks for exactly one event: fd_write, no error, no
// hangup.
func (g *crateGuest) pollMio(fd uint64) {
	g.t.Helper()
	le := binary.LittleEndian
	clear(g.mem[cSubs : cSubs+3*48])
	for i, typ := range []wasi.EventType{wasi.FDWriteEvent, wasi.FDReadEvent} {
		s := cSubs + 48*uint32(i)
		le.PutUint64(g.mem[s:], 1)
		g.mem[s+8] = byte(typ)
		le.PutUint32(g.mem[s+16:], uint32(fd))
	}
	s := cSubs + 96
	le.PutUint64(g.mem[s:], ^uint64(0))
	g.mem[s+8] = byte(wasi.ClockEvent)
	le.PutUint32(g.mem[s+16:], uint32(wasi.Monotonic))
	le.PutUint64(g.mem[s+24:], uint64(netGuestTimeout))
	le.PutUint64(g.mem[s+32:], uint64(time.Millisecond))
	g.must("poll_oneoff", cSubs, cEvents, 3, cNEvents)
	ev := g.mem[cEvents : cEvents+32*g.u32(cNEvents)]
	if len(ev) != 32 || le.Uint64(ev) != 1 || ev[10] != byte(wasi.FDWriteEvent) ||
		le.Uint16(ev[8:]) != 0 || le.Uint16(ev[24:]) != 0 {
		g.t.Fatalf("mio poll events %x, want one fd_write event, no error, no hangup", ev)
	}
}

// TestWasmEdgeCompatCrateTCP runs TcpListener::bind(addr, true), accept,
// peer_addr, read, write, take_error, shutdown and drop.
func TestWasmEdgeCompatCrateTCP(t *testing.T) {
	g := newCrateGuest(t)

	// TcpListener::bind: Socket::new, setsockopt(SO_REUSEADDR, 1i32),
	// bind, listen(128), set_nonblocking.
	g.must("sock_open", uint64(wasi.InetFamily), uint64(wasi.StreamSocket), cFD)
	l := uint64(g.u32(cFD))
	g.put32(cVal, 1)
	g.must("sock_setsockopt", l, 0, 0, cVal, 4)
	g.must("sock_bind", l, g.address([]byte{127, 0, 0, 1}, 4), 0)
	g.must("sock_listen", l, 128)
	g.setNonblocking(l, true)
	if typ := g.mem[cStat]; typ != byte(wasi.SocketStreamType) {
		t.Errorf("fd_fdstat_get filetype = %d, want socket_stream", typ)
	}
	local := g.addr("sock_getlocaladdr", l)
	if local.Addr() != netip.MustParseAddr("127.0.0.1") || local.Port() == 0 {
		t.Fatalf("listener address %v", local)
	}

	// Nothing to accept yet: WouldBlock.
	if errno := g.call("sock_accept", l, cFD); errno != wasi.EAGAIN {
		t.Fatalf("sock_accept on an idle non-blocking listener: %v, want EAGAIN", errno)
	}
	peer, err := net.DialTimeout("tcp", local.String(), netGuestTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	peer.SetDeadline(time.Now().Add(netGuestTimeout))
	ev := g.pollRead(l)
	if len(ev) != 32 || binary.LittleEndian.Uint64(ev) != 7 || ev[10] != byte(wasi.FDReadEvent) || ev[8] != 0 {
		t.Fatalf("poll_oneoff events %x, want one fd_read event without error", ev)
	}

	// TcpListener::accept(false): V1 sock_accept, set_nonblocking(false),
	// peer_addr.
	g.must("sock_accept", l, cFD)
	c := uint64(g.u32(cFD))
	g.setNonblocking(c, false)
	if got, want := g.addr("sock_getpeeraddr", c), netip.MustParseAddrPort(peer.LocalAddr().String()); got != want {
		t.Errorf("peer_addr = %v, want %v", got, want)
	}

	// mio's Selector::select (tokio): fd_write and fd_read subscriptions
	// and a relative monotonic timeout with 1 ms precision. The idle
	// connection is writable, not readable, and no event carries an error
	// (mio fails the whole poll on one).
	g.pollMio(c)

	// Read and Write: sock_recv and sock_send with one iovec.
	if _, err := peer.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	g.put32(cFlags, 0xFFFFFFFF)
	g.must("sock_recv", c, g.iov(nil, 256), 1, 0, cLen, cFlags)
	if n := g.u32(cLen); n != 4 || string(g.mem[cData:cData+4]) != "ping" {
		t.Errorf("sock_recv: %d bytes %q", n, g.mem[cData:cData+n])
	}
	if f := binary.LittleEndian.Uint16(g.mem[cFlags:]); f != 0 {
		t.Errorf("ro_flags = %d, want 0", f)
	}
	g.must("sock_send", c, g.iov([]byte("pong"), 4), 1, 0, cLen)
	if n := g.u32(cLen); n != 4 {
		t.Errorf("sock_send wrote %d bytes", n)
	}
	buf := make([]byte, 4)
	if _, err := io.ReadFull(peer, buf); err != nil || string(buf) != "pong" {
		t.Fatalf("peer read %q, %v", buf, err)
	}

	// take_error: SO_ERROR with the length by pointer.
	g.put32(cVal, 0xFFFFFFFF)
	g.put32(cValLen, 4)
	g.must("sock_getsockopt", c, 0, uint64(wasi.SoError), cVal, cValLen)
	if v, n := g.u32(cVal), g.u32(cValLen); v != 0 || n != 4 {
		t.Errorf("SO_ERROR = %d (length %d), want 0 (4)", v, n)
	}

	// Drop: shutdown(Both) (errors ignored) and close.
	g.must("sock_shutdown", c, 3)
	if n, err := peer.Read(buf); n != 0 || err != io.EOF {
		t.Errorf("peer read after shutdown: %d, %v; want EOF", n, err)
	}
	g.must("fd_close", c)
	g.call("sock_shutdown", l, 3) // ENOTCONN on a listener; the crate ignores it
	g.must("fd_close", l)
}

// TestWasmEdgeCompatCrateUDP runs UdpSocket::bind, recv_from (the
// wasmedge_0_12 form: 128-byte address, u32 port) and send_to (a raw
// 4-byte address).
func TestWasmEdgeCompatCrateUDP(t *testing.T) {
	g := newCrateGuest(t)
	g.must("sock_open", uint64(wasi.InetFamily), uint64(wasi.DatagramSocket), cFD)
	u := uint64(g.u32(cFD))
	g.must("sock_bind", u, g.address([]byte{127, 0, 0, 1}, 4), 0)
	local := g.addr("sock_getlocaladdr", u)

	peer, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(local))
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	peer.SetDeadline(time.Now().Add(netGuestTimeout))
	if _, err := peer.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	from := netip.MustParseAddrPort(peer.LocalAddr().String())

	g.put32(cPort, 0) // let mut sin_port: u32 = 0
	g.must("sock_recv_from", u, g.iov(nil, 256), 1, g.address(nil, 128), 0, cPort, cLen, cFlags)
	if n := g.u32(cLen); n != 5 || string(g.mem[cData:cData+5]) != "hello" {
		t.Errorf("sock_recv_from: %d bytes %q", n, g.mem[cData:cData+n])
	}
	family := binary.LittleEndian.Uint16(g.mem[cAddrBuf:])
	ip := netip.AddrFrom4([4]byte(g.mem[cAddrBuf+2:]))
	if family != uint16(wasi.InetFamily) || ip != from.Addr() || uint16(g.u32(cPort)) != from.Port() {
		t.Errorf("source: family %d, %v port %d; want 1, %v", family, ip, uint16(g.u32(cPort)), from)
	}

	g.must("sock_send_to", u, g.iov([]byte("world"), 5), 1, g.address(from.Addr().AsSlice(), 4), uint64(from.Port()), 0, cLen)
	buf := make([]byte, 16)
	n, err := peer.Read(buf)
	if err != nil || string(buf[:n]) != "world" {
		t.Fatalf("peer read %q, %v", buf[:n], err)
	}
	g.must("fd_close", u)
}

// crateLookup lays out WasiAddrinfo::get_addrinfo's buffers (10 entries:
// sa_data_len 14 over 26-byte buffers, canonical name length 0) with
// WasiAddrinfo::default() hints of the given family, padding 0xAA, and
// calls sock_getaddrinfo; it returns the errno and the result count.
func (g *crateGuest) crateLookup(node, service string, family wasi.ProtocolFamily) (wasi.Errno, uint32) {
	g.t.Helper()
	node, service = node+"\x00", service+"\x00"
	copy(g.mem[cNode:], node)
	copy(g.mem[cService:], service)
	copy(g.mem[cHints:], []byte{0, 0, byte(family), byte(wasi.StreamSocket), 1, 0xAA, 0xAA, 0xAA})
	clear(g.mem[cHints+8 : cHints+28])
	clear(g.mem[cAI:cCanon])
	for i := range uint32(10) {
		ai, sa := cAI+28*i, cSA+12*i
		g.mem[ai+2], g.mem[ai+3], g.mem[ai+4] = byte(wasi.InetFamily), byte(wasi.StreamSocket), 1
		g.put32(ai+12, sa)
		g.put32(ai+16, cCanon+30*i)
		if i < 9 {
			g.put32(ai+24, ai+28)
		}
		g.mem[sa] = byte(wasi.InetFamily)
		g.put32(sa+4, 14)
		g.put32(sa+8, cSABuf+26*i)
	}
	g.put32(cResPtr, cAI)
	g.put32(cResLen, 0)
	errno := g.call("sock_getaddrinfo", cNode, uint64(len(node)), cService, uint64(len(service)), cHints, cResPtr, 10, cResLen)
	return errno, g.u32(cResLen)
}

// TestWasmEdgeCompatCrateLookup runs the crate's nslookup (hints from
// WasiAddrinfo::default(), whose padding is undefined) and the parsing the
// crate does: sockaddr family byte, big-endian port at sa_data[0], IPv4
// address at sa_data[2].
func TestWasmEdgeCompatCrateLookup(t *testing.T) {
	g := newCrateGuest(t)
	errno, n := g.crateLookup("127.0.0.1", "http", wasi.InetFamily)
	if errno != wasi.ESUCCESS || n != 1 {
		t.Fatalf("sock_getaddrinfo: %v, %d results; want one", errno, n)
	}
	ai := g.mem[cAI : cAI+28]
	if ai[2] != byte(wasi.InetFamily) || ai[3] != byte(wasi.StreamSocket) || ai[4] != 1 || binary.LittleEndian.Uint32(ai[8:]) != 16 {
		t.Errorf("addrinfo %x: want family 1, stream, TCP (1), addrlen 16", ai)
	}
	sa := g.mem[cSA : cSA+12]
	data := g.mem[cSABuf : cSABuf+26]
	port := binary.BigEndian.Uint16(data)
	if sa[0] != byte(wasi.InetFamily) || binary.LittleEndian.Uint32(sa[4:]) != 14 ||
		port != 80 || !bytes.Equal(data[2:6], []byte{127, 0, 0, 1}) {
		t.Errorf("sockaddr %x sa_data %x: want family 1, 14 bytes, 127.0.0.1:80", sa, data)
	}
	if got := binary.LittleEndian.Uint32(ai[20:]); got != 0 {
		t.Errorf("ai_canonnamelen = %d, want 0", got)
	}

	// An IPv6 result does not fit the 14 bytes the crate declares:
	// EFAULT, count untouched (WasmEdge's
	// GetAddrinfoRejectsShortIPv6SocketAddressBuffer).
	errno, n = g.crateLookup("::1", strconv.Itoa(8080), wasi.Inet6Family)
	if errno != wasi.EFAULT || n != 0 {
		t.Errorf("IPv6 into sa_data_len 14: %v, %d results; want EFAULT, 0", errno, n)
	}
	if !bytes.Equal(g.mem[cSABuf:cSABuf+26], make([]byte, 26)) {
		t.Errorf("sa_data written on EFAULT: %x", g.mem[cSABuf:cSABuf+26])
	}
}
