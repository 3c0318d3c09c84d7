//go:build linux

package unix

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// Socket tests use loopback addresses only (127.0.0.1, ::1, and
// ::ffff:127.0.0.1 for the dual-stack case), and port 0 to bind.

// sockEnv is a System that may open sockets, with a preopen (fd 3) and no
// stdio.
type sockEnv struct {
	t *testing.T
	s *System
}

const sockPreopen wasi.FD = 3

func newSockEnv(t *testing.T) *sockEnv {
	t.Helper()
	return newSockEnvConfig(t, Config{AllowSockets: true})
}

func newSockEnvConfig(t *testing.T, cfg Config) *sockEnv {
	t.Helper()
	cfg.Stdin, cfg.Stdout, cfg.Stderr = -1, -1, -1
	cfg.Preopens = []Preopen{{HostPath: t.TempDir(), GuestPath: "/sandbox"}}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return &sockEnv{t: t, s: s}
}

func sockWant(tb testing.TB, what string, got, want wasi.Errno) {
	tb.Helper()
	if got != want {
		tb.Fatalf("%s: errno %v, want %v", what, got, want)
	}
}

var sockFamilies = []struct {
	name   string
	family wasi.ProtocolFamily
	lo     netip.Addr
}{
	{"inet", wasi.InetFamily, netip.MustParseAddr("127.0.0.1")},
	{"inet6", wasi.Inet6Family, netip.IPv6Loopback()},
}

func loAddr(family wasi.ProtocolFamily, ip netip.Addr, port uint16) wasi.SockAddr {
	return wasi.SockAddr{Family: family, Addr: netip.AddrPortFrom(ip, port)}
}

func (e *sockEnv) open(family wasi.ProtocolFamily, typ wasi.SocketType) wasi.FD {
	e.t.Helper()
	fd, errno := e.s.SockOpen(e.t.Context(), family, typ, 0, wasi.SocketRights, wasi.SocketRights)
	sockWant(e.t, "SockOpen", errno, wasi.ESUCCESS)
	return fd
}

// bound opens a socket bound to lo:0, skipping the test when the host has
// no such loopback (an IPv6-less kernel or sandbox).
func (e *sockEnv) bound(family wasi.ProtocolFamily, typ wasi.SocketType, lo netip.Addr) (wasi.FD, wasi.SockAddr) {
	e.t.Helper()
	fd, errno := e.s.SockOpen(e.t.Context(), family, typ, 0, wasi.SocketRights, wasi.SocketRights)
	if errno == wasi.EAFNOSUPPORT {
		e.t.Skipf("no %v sockets here", family)
	}
	sockWant(e.t, "SockOpen", errno, wasi.ESUCCESS)
	errno = e.s.SockBind(e.t.Context(), fd, loAddr(family, lo, 0))
	if errno == wasi.EADDRNOTAVAIL || errno == wasi.EAFNOSUPPORT {
		e.t.Skipf("no %v loopback here: %v", lo, errno)
	}
	sockWant(e.t, "SockBind", errno, wasi.ESUCCESS)
	addr, errno := e.s.SockLocalAddress(e.t.Context(), fd)
	sockWant(e.t, "SockLocalAddress", errno, wasi.ESUCCESS)
	if addr.Addr.Port() == 0 || addr.Addr.Addr() != lo {
		e.t.Fatalf("local address %v, want %v and a port", addr, lo)
	}
	return fd, addr
}

func (e *sockEnv) listener(family wasi.ProtocolFamily, lo netip.Addr) (wasi.FD, wasi.SockAddr) {
	e.t.Helper()
	fd, addr := e.bound(family, wasi.StreamSocket, lo)
	sockWant(e.t, "SockListen", e.s.SockListen(e.t.Context(), fd, 16), wasi.ESUCCESS)
	return fd, addr
}

// conn returns a connected pair: the client's fd and the accepted fd.
func (e *sockEnv) conn(family wasi.ProtocolFamily, lo netip.Addr) (client, server wasi.FD) {
	e.t.Helper()
	l, addr := e.listener(family, lo)
	client = e.open(family, wasi.StreamSocket)
	sockWant(e.t, "SockConnect", e.s.SockConnect(e.t.Context(), client, addr), wasi.ESUCCESS)
	server, _, errno := e.s.SockAccept(e.t.Context(), l, 0)
	sockWant(e.t, "SockAccept", errno, wasi.ESUCCESS)
	return client, server
}

func (e *sockEnv) send(fd wasi.FD, data string) {
	e.t.Helper()
	n, errno := e.s.SockSend(e.t.Context(), fd, []wasi.IOVec{[]byte(data)}, 0)
	sockWant(e.t, "SockSend", errno, wasi.ESUCCESS)
	if int(n) != len(data) {
		e.t.Fatalf("SockSend sent %d bytes, want %d", n, len(data))
	}
}

func (e *sockEnv) recv(fd wasi.FD, size int, flags wasi.RIFlags) string {
	e.t.Helper()
	buf := make([]byte, size)
	n, _, errno := e.s.SockRecv(e.t.Context(), fd, []wasi.IOVec{buf}, flags)
	sockWant(e.t, "SockRecv", errno, wasi.ESUCCESS)
	return string(buf[:n])
}

// hostSide accepts one connection on a guest listener's address from the
// test itself (the host), so that a test can drive the peer while a guest
// call blocks.
func dialHost(t *testing.T, addr wasi.SockAddr) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr.Addr.String())
	if err != nil {
		t.Fatalf("dial %v: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// sockDone fails the test if done is not closed in time: a guard against a
// hang, not a timing assertion.
func sockDone(t *testing.T, done <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: still blocked after 20s", what)
	}
}

func TestSockTCP(t *testing.T) {
	for _, tc := range sockFamilies {
		t.Run(tc.name, func(t *testing.T) {
			e := newSockEnv(t)
			ctx := t.Context()
			l, laddr := e.listener(tc.family, tc.lo)
			c := e.open(tc.family, wasi.StreamSocket)
			sockWant(t, "SockConnect", e.s.SockConnect(ctx, c, laddr), wasi.ESUCCESS)
			caddr, errno := e.s.SockLocalAddress(ctx, c)
			sockWant(t, "SockLocalAddress", errno, wasi.ESUCCESS)

			a, peer, errno := e.s.SockAccept(ctx, l, 0)
			sockWant(t, "SockAccept", errno, wasi.ESUCCESS)
			if peer != caddr {
				t.Errorf("accepted peer %v, want the client's address %v", peer, caddr)
			}
			if got, errno := e.s.SockPeerAddress(ctx, c); errno != wasi.ESUCCESS || got != laddr {
				t.Errorf("client's peer %v (%v), want %v", got, errno, laddr)
			}
			st, errno := e.s.FDStatGet(ctx, a)
			sockWant(t, "FDStatGet", errno, wasi.ESUCCESS)
			if st.FileType != wasi.SocketStreamType || st.Flags != 0 || st.RightsBase != wasi.SocketRights {
				t.Errorf("accepted fdstat %+v, want a blocking stream socket with the socket rights", st)
			}

			e.send(c, "hello")
			if got := e.recv(a, 64, 0); got != "hello" {
				t.Errorf("server received %q, want hello", got)
			}
			// Scattered both ways.
			n, errno := e.s.SockSend(ctx, a, []wasi.IOVec{[]byte("wor"), nil, []byte("ld")}, 0)
			if errno != wasi.ESUCCESS || n != 5 {
				t.Fatalf("SockSend: %d, %v", n, errno)
			}
			b1, b2 := make([]byte, 2), make([]byte, 3)
			n, ro, from, errno := e.s.SockRecvFrom(ctx, c, []wasi.IOVec{b1, b2}, wasi.RecvWaitAll)
			if errno != wasi.ESUCCESS || n != 5 || ro != 0 || string(b1)+string(b2) != "world" {
				t.Errorf("SockRecvFrom: %d %q %q %v %v", n, b1, b2, ro, errno)
			}
			if from.IsValid() {
				t.Errorf("SockRecvFrom on a stream socket gave source %v, want none", from)
			}
			// Close the client: the server sees end of stream.
			sockWant(t, "FDClose", e.s.FDClose(ctx, c), wasi.ESUCCESS)
			if got := e.recv(a, 8, 0); got != "" {
				t.Errorf("after the peer closed: %q, want end of stream", got)
			}
		})
	}
}

// An IPv4 address given to an inet6 socket is connected as IPv4-mapped,
// and addresses are reported as the kernel gives them.
func TestSockDualStack(t *testing.T) {
	e := newSockEnv(t)
	ctx := t.Context()
	mapped := netip.MustParseAddr("::ffff:127.0.0.1")
	l, laddr := e.listener(wasi.Inet6Family, mapped)
	c := e.open(wasi.Inet6Family, wasi.StreamSocket)
	v4 := loAddr(wasi.InetFamily, netip.MustParseAddr("127.0.0.1"), laddr.Addr.Port())
	sockWant(t, "SockConnect (IPv4 on inet6)", e.s.SockConnect(ctx, c, v4), wasi.ESUCCESS)
	_, peer, errno := e.s.SockAccept(ctx, l, 0)
	sockWant(t, "SockAccept", errno, wasi.ESUCCESS)
	if peer.Family != wasi.Inet6Family || peer.Addr.Addr() != mapped {
		t.Errorf("peer %v (family %v), want %v reported as inet6", peer, peer.Family, mapped)
	}

	// An inet socket takes an IPv4-mapped address, but no real IPv6 one.
	c4 := e.open(wasi.InetFamily, wasi.StreamSocket)
	sockWant(t, "SockConnect (::1 on inet)", e.s.SockConnect(ctx, c4, loAddr(wasi.Inet6Family, netip.IPv6Loopback(), 1)), wasi.EAFNOSUPPORT)
	l4, l4addr := e.listener(wasi.InetFamily, netip.MustParseAddr("127.0.0.1"))
	m := loAddr(wasi.Inet6Family, mapped, l4addr.Addr.Port())
	sockWant(t, "SockConnect (mapped on inet)", e.s.SockConnect(ctx, c4, m), wasi.ESUCCESS)
	if _, _, errno := e.s.SockAccept(ctx, l4, 0); errno != wasi.ESUCCESS {
		t.Errorf("SockAccept: %v", errno)
	}
	sockWant(t, "SockBind (no address)", e.s.SockBind(ctx, e.open(wasi.InetFamily, wasi.StreamSocket), wasi.SockAddr{}), wasi.EINVAL)
	sockWant(t, "SockBind (unix path)", e.s.SockBind(ctx, e.open(wasi.InetFamily, wasi.StreamSocket), wasi.SockAddr{Family: wasi.UnixFamily, Path: "/tmp/x"}), wasi.EAFNOSUPPORT)
}

func TestSockAcceptNonBlocking(t *testing.T) {
	e := newSockEnv(t)
	ctx := t.Context()
	l, laddr := e.listener(wasi.InetFamily, sockFamilies[0].lo)
	sockWant(t, "FDStatSetFlags", e.s.FDStatSetFlags(ctx, l, wasi.NonBlock), wasi.ESUCCESS)
	if _, _, errno := e.s.SockAccept(ctx, l, 0); errno != wasi.EAGAIN {
		t.Fatalf("SockAccept with nothing pending: %v, want EAGAIN", errno)
	}
	if _, _, errno := e.s.SockAccept(ctx, l, wasi.Append); errno != wasi.EINVAL {
		t.Errorf("SockAccept(append): %v, want EINVAL", errno)
	}
	host := dialHost(t, laddr)
	var a wasi.FD
	var errno wasi.Errno
	// The host's connect completes on loopback before Dial returns, so the
	// connection is queued; poll only in case the kernel is slow to queue.
	for range 1000 {
		if a, _, errno = e.s.SockAccept(ctx, l, wasi.NonBlock); errno != wasi.EAGAIN {
			break
		}
		e.s.waitFD(e.s.files[l].fd, unix.POLLIN)
	}
	sockWant(t, "SockAccept(nonblock)", errno, wasi.ESUCCESS)
	st, _ := e.s.FDStatGet(ctx, a)
	if st.Flags != wasi.NonBlock {
		t.Errorf("accepted flags %v, want nonblock", st.Flags)
	}
	if fl, _ := unix.FcntlInt(uintptr(e.s.files[a].fd), unix.F_GETFL, 0); fl&unix.O_NONBLOCK == 0 {
		t.Error("accepted host descriptor is blocking")
	}
	if _, _, errno := e.s.SockRecv(ctx, a, []wasi.IOVec{make([]byte, 4)}, 0); errno != wasi.EAGAIN {
		t.Errorf("SockRecv on an empty non-blocking socket: %v, want EAGAIN", errno)
	}
	host.Write([]byte("ping"))
	e.s.waitFD(e.s.files[a].fd, unix.POLLIN)
	if got := e.recv(a, 8, 0); got != "ping" {
		t.Errorf("received %q, want ping", got)
	}
}

func TestSockConnectInProgress(t *testing.T) {
	e := newSockEnv(t)
	ctx := t.Context()
	l, laddr := e.listener(wasi.InetFamily, sockFamilies[0].lo)
	c := e.open(wasi.InetFamily, wasi.StreamSocket)
	sockWant(t, "FDStatSetFlags", e.s.FDStatSetFlags(ctx, c, wasi.NonBlock), wasi.ESUCCESS)
	errno := e.s.SockConnect(ctx, c, laddr)
	if errno != wasi.EINPROGRESS && errno != wasi.ESUCCESS {
		t.Fatalf("non-blocking SockConnect: %v, want EINPROGRESS", errno)
	}
	// Wait as a guest would, for writability, then read SO_ERROR.
	sockWant(t, "waitFD", e.s.waitFD(e.s.files[c].fd, unix.POLLOUT), wasi.ESUCCESS)
	if v := getOptInt(t, e.s, c, wasi.SolSocket, wasi.SoError); v != 0 {
		t.Errorf("SO_ERROR after connecting: %v", wasi.Errno(v))
	}
	if got, errno := e.s.SockPeerAddress(ctx, c); errno != wasi.ESUCCESS || got != laddr {
		t.Errorf("SockPeerAddress: %v %v, want %v", got, errno, laddr)
	}
	// Linux reports the completed connection once more (0), then EISCONN.
	if errno := e.s.SockConnect(ctx, c, laddr); errno != wasi.ESUCCESS && errno != wasi.EISCONN {
		t.Errorf("second SockConnect: %v", errno)
	}
	sockWant(t, "third SockConnect", e.s.SockConnect(ctx, c, laddr), wasi.EISCONN)
	if _, _, errno := e.s.SockAccept(ctx, l, 0); errno != wasi.ESUCCESS {
		t.Errorf("SockAccept: %v", errno)
	}
}

// A refused connection: directly on a blocking socket, through SO_ERROR
// (as a WASI errno) on a non-blocking one.
func TestSockConnectRefused(t *testing.T) {
	e := newSockEnv(t)
	ctx := t.Context()
	// A port that was just bound on loopback and is now closed.
	tmp, addr := e.bound(wasi.InetFamily, wasi.StreamSocket, sockFamilies[0].lo)
	sockWant(t, "FDClose", e.s.FDClose(ctx, tmp), wasi.ESUCCESS)

	c := e.open(wasi.InetFamily, wasi.StreamSocket)
	sockWant(t, "blocking SockConnect", e.s.SockConnect(ctx, c, addr), wasi.ECONNREFUSED)

	nb := e.open(wasi.InetFamily, wasi.StreamSocket)
	e.s.FDStatSetFlags(ctx, nb, wasi.NonBlock)
	switch errno := e.s.SockConnect(ctx, nb, addr); errno {
	case wasi.ECONNREFUSED:
	case wasi.EINPROGRESS:
		e.s.waitFD(e.s.files[nb].fd, unix.POLLOUT)
		if v := getOptInt(t, e.s, nb, wasi.SolSocket, wasi.SoError); wasi.Errno(v) != wasi.ECONNREFUSED {
			t.Errorf("SO_ERROR: %d (%v), want ECONNREFUSED as a WASI errno", v, wasi.Errno(v))
		}
	default:
		t.Errorf("non-blocking SockConnect: %v", errno)
	}
}

func TestSockUDP(t *testing.T) {
	for _, tc := range sockFamilies {
		t.Run(tc.name, func(t *testing.T) {
			e := newSockEnv(t)
			ctx := t.Context()
			a, aaddr := e.bound(tc.family, wasi.DatagramSocket, tc.lo)
			b, baddr := e.bound(tc.family, wasi.DatagramSocket, tc.lo)
			if st, _ := e.s.FDStatGet(ctx, a); st.FileType != wasi.SocketDGramType {
				t.Errorf("file type %v, want socket_dgram", st.FileType)
			}

			n, errno := e.s.SockSendTo(ctx, a, []wasi.IOVec{[]byte("0123"), []byte("456789")}, 0, baddr)
			if errno != wasi.ESUCCESS || n != 10 {
				t.Fatalf("SockSendTo: %d, %v", n, errno)
			}
			// Peek first: the datagram stays queued.
			buf := make([]byte, 16)
			n, ro, from, errno := e.s.SockRecvFrom(ctx, b, []wasi.IOVec{buf}, wasi.RecvPeek)
			if errno != wasi.ESUCCESS || string(buf[:n]) != "0123456789" || ro != 0 || from != aaddr {
				t.Errorf("peek: %q %v from %v (%v), want 0123456789 from %v", buf[:n], ro, from, errno, aaddr)
			}
			// Then a short buffer: truncated, and the rest is gone.
			short := make([]byte, 4)
			n, ro, from, errno = e.s.SockRecvFrom(ctx, b, []wasi.IOVec{short}, 0)
			if errno != wasi.ESUCCESS || string(short[:n]) != "0123" || ro != wasi.RecvDataTruncated || from != aaddr {
				t.Errorf("short read: %q %v from %v (%v), want 0123 truncated from %v", short[:n], ro, from, errno, aaddr)
			}
			e.s.FDStatSetFlags(ctx, b, wasi.NonBlock)
			if _, _, _, errno := e.s.SockRecvFrom(ctx, b, []wasi.IOVec{buf}, 0); errno != wasi.EAGAIN {
				t.Errorf("after the truncated datagram: %v, want EAGAIN (nothing left)", errno)
			}
			// A connected datagram socket: SockSend, SockRecv.
			sockWant(t, "SockConnect(udp)", e.s.SockConnect(ctx, b, aaddr), wasi.ESUCCESS)
			e.send(b, "back")
			if got := e.recv(a, 16, 0); got != "back" {
				t.Errorf("received %q, want back", got)
			}
		})
	}
}

func TestSockRecvWaitAll(t *testing.T) {
	e := newSockEnv(t)
	ctx := t.Context()
	l, laddr := e.listener(wasi.InetFamily, sockFamilies[0].lo)
	host := dialHost(t, laddr)
	a, _, errno := e.s.SockAccept(ctx, l, 0)
	sockWant(t, "SockAccept", errno, wasi.ESUCCESS)

	// The peer writes in two parts; RecvWaitAll returns both, whenever
	// the second part arrives.
	go func() {
		host.Write([]byte("ab"))
		time.Sleep(20 * time.Millisecond)
		host.Write([]byte("cd"))
	}()
	b1, b2 := make([]byte, 1), make([]byte, 3)
	n, _, errno := e.s.SockRecv(ctx, a, []wasi.IOVec{b1, b2}, wasi.RecvWaitAll)
	if errno != wasi.ESUCCESS || n != 4 || string(b1)+string(b2) != "abcd" {
		t.Fatalf("RecvWaitAll: %d %q%q %v, want abcd", n, b1, b2, errno)
	}

	// Peek leaves the data; WaitAll stops at end of stream.
	host.Write([]byte("xy"))
	e.s.waitFD(e.s.files[a].fd, unix.POLLIN)
	if got := e.recv(a, 2, wasi.RecvPeek); got != "xy" {
		t.Errorf("peek: %q, want xy", got)
	}
	host.(*net.TCPConn).CloseWrite()
	if got := e.recv(a, 8, wasi.RecvWaitAll); got != "xy" {
		t.Errorf("RecvWaitAll up to end of stream: %q, want xy", got)
	}
}

func TestSockShutdown(t *testing.T) {
	e := newSockEnv(t)
	ctx := t.Context()
	c, a := e.conn(wasi.InetFamily, sockFamilies[0].lo)
	for _, how := range []wasi.SDFlags{0, 4, 7} {
		sockWant(t, "SockShutdown(invalid)", e.s.SockShutdown(ctx, c, how), wasi.EINVAL)
	}
	sockWant(t, "SockShutdown(wr)", e.s.SockShutdown(ctx, c, wasi.ShutdownWR), wasi.ESUCCESS)
	if got := e.recv(a, 8, 0); got != "" {
		t.Errorf("after the peer's shutdown: %q, want end of stream", got)
	}
	if _, errno := e.s.SockSend(ctx, c, []wasi.IOVec{[]byte("x")}, 0); errno != wasi.EPIPE {
		t.Errorf("SockSend after shutdown(wr): %v, want EPIPE", errno)
	}
	sockWant(t, "SockShutdown(both)", e.s.SockShutdown(ctx, a, wasi.ShutdownRD|wasi.ShutdownWR), wasi.ESUCCESS)
	sockWant(t, "SockShutdown(unconnected)", e.s.SockShutdown(ctx, e.open(wasi.InetFamily, wasi.StreamSocket), wasi.ShutdownRD), wasi.ENOTCONN)
	sockWant(t, "FDStatSetRights", e.s.FDStatSetRights(ctx, a, wasi.SocketRights&^wasi.SockShutdownRight, 0), wasi.ESUCCESS)
	sockWant(t, "SockShutdown without the right", e.s.SockShutdown(ctx, a, wasi.ShutdownRD), wasi.ENOTCAPABLE)
}

// Every socket call checks the descriptor: EBADF, ENOTSOCK for a
// directory, ENOTCAPABLE without the call's right.
func TestSockDescriptorChecks(t *testing.T) {
	e := newSockEnv(t)
	ctx := t.Context()
	buf := []wasi.IOVec{make([]byte, 4)}
	addr := loAddr(wasi.InetFamily, sockFamilies[0].lo, 9)
	calls := []struct {
		name string
		need wasi.Rights
		call func(fd wasi.FD) wasi.Errno
	}{
		{"accept", wasi.SockAcceptRight, func(fd wasi.FD) wasi.Errno { _, _, errno := e.s.SockAccept(ctx, fd, 0); return errno }},
		{"recv", wasi.FDReadRight, func(fd wasi.FD) wasi.Errno { _, _, errno := e.s.SockRecv(ctx, fd, buf, 0); return errno }},
		{"recv_from", wasi.FDReadRight, func(fd wasi.FD) wasi.Errno {
			_, _, _, errno := e.s.SockRecvFrom(ctx, fd, buf, 0)
			return errno
		}},
		{"send", wasi.FDWriteRight, func(fd wasi.FD) wasi.Errno { _, errno := e.s.SockSend(ctx, fd, buf, 0); return errno }},
		{"send_to", wasi.FDWriteRight, func(fd wasi.FD) wasi.Errno { _, errno := e.s.SockSendTo(ctx, fd, buf, 0, addr); return errno }},
		{"shutdown", wasi.SockShutdownRight, func(fd wasi.FD) wasi.Errno { return e.s.SockShutdown(ctx, fd, wasi.ShutdownRD) }},
		{"bind", 0, func(fd wasi.FD) wasi.Errno { return e.s.SockBind(ctx, fd, addr) }},
		{"connect", 0, func(fd wasi.FD) wasi.Errno { return e.s.SockConnect(ctx, fd, addr) }},
		{"listen", 0, func(fd wasi.FD) wasi.Errno { return e.s.SockListen(ctx, fd, 1) }},
		{"getlocaladdr", 0, func(fd wasi.FD) wasi.Errno { _, errno := e.s.SockLocalAddress(ctx, fd); return errno }},
		{"getpeeraddr", 0, func(fd wasi.FD) wasi.Errno { _, errno := e.s.SockPeerAddress(ctx, fd); return errno }},
		{"getsockopt", 0, func(fd wasi.FD) wasi.Errno {
			_, errno := e.s.SockGetOpt(ctx, fd, wasi.SolSocket, wasi.SoType, make([]byte, 4))
			return errno
		}},
		{"setsockopt", 0, func(fd wasi.FD) wasi.Errno {
			return e.s.SockSetOpt(ctx, fd, wasi.SolSocket, wasi.SoKeepAlive, make([]byte, 4))
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			sockWant(t, "closed fd", c.call(77), wasi.EBADF)
			sockWant(t, "negative fd", c.call(-1), wasi.EBADF)
			sockWant(t, "directory", c.call(sockPreopen), wasi.ENOTSOCK)
			if c.need != 0 {
				fd, errno := e.s.SockOpen(ctx, wasi.InetFamily, wasi.StreamSocket, 0, wasi.SocketRights&^c.need, 0)
				sockWant(t, "SockOpen", errno, wasi.ESUCCESS)
				sockWant(t, "without "+c.need.String(), c.call(fd), wasi.ENOTCAPABLE)
			}
		})
	}
}

func TestSockOpen(t *testing.T) {
	e := newSockEnv(t)
	ctx := t.Context()
	for _, tc := range []struct {
		name   string
		family wasi.ProtocolFamily
		typ    wasi.SocketType
		proto  wasi.Protocol
		want   wasi.Errno
		ftype  wasi.FileType
	}{
		{"any is stream", wasi.InetFamily, wasi.AnySocket, 0, wasi.ESUCCESS, wasi.SocketStreamType},
		{"tcp", wasi.InetFamily, wasi.StreamSocket, wasi.TCPProtocol, wasi.ESUCCESS, wasi.SocketStreamType},
		{"udp", wasi.InetFamily, wasi.DatagramSocket, wasi.UDPProtocol, wasi.ESUCCESS, wasi.SocketDGramType},
		{"stream udp", wasi.InetFamily, wasi.StreamSocket, wasi.UDPProtocol, wasi.EPROTONOSUPPORT, 0},
		{"dgram icmp", wasi.InetFamily, wasi.DatagramSocket, 1, wasi.EPROTONOSUPPORT, 0},
		{"unknown type", wasi.InetFamily, 3, 0, wasi.EINVAL, 0},
		{"unix refused", wasi.UnixFamily, wasi.StreamSocket, 0, wasi.EACCES, 0},
		{"unspec", wasi.UnspecifiedFamily, wasi.StreamSocket, 0, wasi.EAFNOSUPPORT, 0},
		{"unknown family", 9, wasi.StreamSocket, 0, wasi.EAFNOSUPPORT, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fd, errno := e.s.SockOpen(ctx, tc.family, tc.typ, tc.proto, wasi.AllRights, wasi.AllRights)
			sockWant(t, "SockOpen", errno, tc.want)
			if errno != wasi.ESUCCESS {
				return
			}
			st, _ := e.s.FDStatGet(ctx, fd)
			if st.FileType != tc.ftype || st.Flags != 0 || st.RightsBase != wasi.SocketRights || st.RightsInheriting != wasi.SocketRights {
				t.Errorf("fdstat %+v, want %v, blocking, rights limited to the socket rights", st, tc.ftype)
			}
			hfd := e.s.files[fd].fd
			if fl, _ := unix.FcntlInt(uintptr(hfd), unix.F_GETFL, 0); fl&unix.O_NONBLOCK == 0 {
				t.Error("host socket is blocking")
			}
			if fl, _ := unix.FcntlInt(uintptr(hfd), unix.F_GETFD, 0); fl&unix.FD_CLOEXEC == 0 {
				t.Error("host socket is not close-on-exec")
			}
		})
	}
}

// Without Config.AllowSockets no socket is created and no name resolved,
// but a socket passed in as stdio works.
func TestSockNotAllowed(t *testing.T) {
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(pair[0])
	defer unix.Close(pair[1])
	s, err := New(Config{Stdin: pair[0], Stdout: -1, Stderr: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ctx := t.Context()
	for _, family := range []wasi.ProtocolFamily{wasi.InetFamily, wasi.Inet6Family, wasi.UnixFamily} {
		if _, errno := s.SockOpen(ctx, family, wasi.StreamSocket, 0, wasi.SocketRights, wasi.SocketRights); errno != wasi.EACCES {
			t.Errorf("SockOpen(%v): %v, want EACCES", family, errno)
		}
	}
	res := make([]wasi.AddrInfo, 4)
	if _, errno := s.SockAddressInfo(ctx, "127.0.0.1", "80", wasi.AddrInfo{}, res); errno != wasi.EACCES {
		t.Errorf("SockAddressInfo: %v, want EACCES", errno)
	}

	if n, errno := s.SockSend(ctx, 0, []wasi.IOVec{[]byte("out")}, 0); errno != wasi.ESUCCESS || n != 3 {
		t.Errorf("SockSend on a stdio socket: %d %v", n, errno)
	}
	got := make([]byte, 8)
	if n, err := unix.Read(pair[1], got); err != nil || string(got[:n]) != "out" {
		t.Errorf("peer read %q %v", got[:n], err)
	}
	unix.Write(pair[1], []byte("in"))
	buf := make([]byte, 8)
	if n, _, errno := s.SockRecv(ctx, 0, []wasi.IOVec{buf}, 0); errno != wasi.ESUCCESS || string(buf[:n]) != "in" {
		t.Errorf("SockRecv on a stdio socket: %q %v", buf[:n], errno)
	}
	if a, errno := s.SockLocalAddress(ctx, 0); errno != wasi.ESUCCESS || a.Family != wasi.UnixFamily {
		t.Errorf("SockLocalAddress on a socketpair: %v (family %v) %v", a, a.Family, errno)
	}
	// A unix-domain peer is never reachable by path.
	if errno := s.SockConnect(ctx, 0, wasi.SockAddr{Family: wasi.UnixFamily, Path: "/run/x.sock"}); errno != wasi.ENOTSUP && errno != wasi.EACCES {
		t.Errorf("SockConnect on a stdio socket: %v", errno)
	}
	if errno := s.SockBind(ctx, 0, wasi.SockAddr{Family: wasi.UnixFamily, Path: "/tmp/x.sock"}); errno != wasi.EACCES {
		t.Errorf("SockBind(unix path): %v, want EACCES", errno)
	}
	// The host descriptor stays blocking (it is shared) and the guest's
	// NONBLOCK is honoured without blocking the host.
	s.FDStatSetFlags(ctx, 0, wasi.NonBlock)
	if _, _, errno := s.SockRecv(ctx, 0, []wasi.IOVec{buf}, 0); errno != wasi.EAGAIN {
		t.Errorf("non-blocking SockRecv with nothing queued: %v, want EAGAIN", errno)
	}
}

func TestSockMaxOpenFiles(t *testing.T) {
	e := newSockEnvConfig(t, Config{AllowSockets: true, MaxOpenFiles: 3})
	ctx := t.Context()
	l, laddr := e.listener(wasi.InetFamily, sockFamilies[0].lo)
	c := e.open(wasi.InetFamily, wasi.StreamSocket) // table full: preopen, l, c
	if _, errno := e.s.SockOpen(ctx, wasi.InetFamily, wasi.StreamSocket, 0, wasi.SocketRights, 0); errno != wasi.EMFILE {
		t.Fatalf("SockOpen past the limit: %v, want EMFILE", errno)
	}
	sockWant(t, "SockConnect", e.s.SockConnect(ctx, c, laddr), wasi.ESUCCESS)
	if _, _, errno := e.s.SockAccept(ctx, l, 0); errno != wasi.EMFILE {
		t.Fatalf("SockAccept with a full table: %v, want EMFILE", errno)
	}
	// The connection stayed queued.
	sockWant(t, "FDClose", e.s.FDClose(ctx, sockPreopen), wasi.ESUCCESS)
	if _, peer, errno := e.s.SockAccept(ctx, l, 0); errno != wasi.ESUCCESS || !peer.IsValid() {
		t.Errorf("SockAccept after room was made: %v %v", peer, errno)
	}
}

func TestSockListenBacklog(t *testing.T) {
	e := newSockEnv(t)
	for _, backlog := range []int{-1 << 31, -1, 0, 1, 1 << 30} {
		fd, _ := e.bound(wasi.InetFamily, wasi.StreamSocket, sockFamilies[0].lo)
		sockWant(t, "SockListen", e.s.SockListen(t.Context(), fd, backlog), wasi.ESUCCESS)
		if v := getOptInt(t, e.s, fd, wasi.SolSocket, wasi.SoAcceptConn); v != 1 {
			t.Errorf("SO_ACCEPTCONN after listen(%d): %d", backlog, v)
		}
	}
	udp, _ := e.bound(wasi.InetFamily, wasi.DatagramSocket, sockFamilies[0].lo)
	sockWant(t, "SockListen(udp)", e.s.SockListen(t.Context(), udp, 1), wasi.ENOTSUP)
}

func getOptInt(t *testing.T, s *System, fd wasi.FD, level wasi.SockOptLevel, name wasi.SockOption) int32 {
	t.Helper()
	v := make([]byte, 4)
	n, errno := s.SockGetOpt(t.Context(), fd, level, name, v)
	if errno != wasi.ESUCCESS || n != 4 {
		t.Fatalf("SockGetOpt(%d, %d): %d bytes, %v", level, name, n, errno)
	}
	return int32(binary.LittleEndian.Uint32(v))
}

func setOptInt(t *testing.T, s *System, fd wasi.FD, level wasi.SockOptLevel, name wasi.SockOption, v int32) {
	t.Helper()
	b := binary.LittleEndian.AppendUint32(nil, uint32(v))
	sockWant(t, "SockSetOpt", s.SockSetOpt(t.Context(), fd, level, name, b), wasi.ESUCCESS)
}

func TestSockOptions(t *testing.T) {
	e := newSockEnv(t)
	ctx := t.Context()
	tcp := e.open(wasi.InetFamily, wasi.StreamSocket)
	udp := e.open(wasi.InetFamily, wasi.DatagramSocket)

	t.Run("ints", func(t *testing.T) {
		for _, tc := range []struct {
			fd    wasi.FD
			level wasi.SockOptLevel
			name  wasi.SockOption
		}{
			{tcp, wasi.SolSocket, wasi.SoReuseAddr},
			{tcp, wasi.SolSocket, wasi.SoKeepAlive},
			{udp, wasi.SolSocket, wasi.SoBroadcast},
			{tcp, wasi.SolTCP, wasi.TCPNoDelay},
		} {
			setOptInt(t, e.s, tc.fd, tc.level, tc.name, 1)
			if v := getOptInt(t, e.s, tc.fd, tc.level, tc.name); v != 1 {
				t.Errorf("option %d/%d: %d after setting 1", tc.level, tc.name, v)
			}
			setOptInt(t, e.s, tc.fd, tc.level, tc.name, 0)
			if v := getOptInt(t, e.s, tc.fd, tc.level, tc.name); v != 0 {
				t.Errorf("option %d/%d: %d after setting 0", tc.level, tc.name, v)
			}
		}
		for _, name := range []wasi.SockOption{wasi.SoSndBuf, wasi.SoRcvBuf} {
			setOptInt(t, e.s, tcp, wasi.SolSocket, name, 64<<10)
			if v := getOptInt(t, e.s, tcp, wasi.SolSocket, name); v < 32<<10 {
				t.Errorf("buffer option %d: %d after setting 64 KiB", name, v)
			}
		}
	})

	t.Run("read-only", func(t *testing.T) {
		if v := getOptInt(t, e.s, tcp, wasi.SolSocket, wasi.SoType); v != int32(wasi.StreamSocket) {
			t.Errorf("SO_TYPE of a stream socket: %d, want %d (WasmEdge numbering)", v, wasi.StreamSocket)
		}
		if v := getOptInt(t, e.s, udp, wasi.SolSocket, wasi.SoType); v != int32(wasi.DatagramSocket) {
			t.Errorf("SO_TYPE of a datagram socket: %d, want %d", v, wasi.DatagramSocket)
		}
		if v := getOptInt(t, e.s, tcp, wasi.SolSocket, wasi.SoError); v != 0 {
			t.Errorf("SO_ERROR: %d", v)
		}
		if v := getOptInt(t, e.s, tcp, wasi.SolSocket, wasi.SoAcceptConn); v != 0 {
			t.Errorf("SO_ACCEPTCONN before listen: %d", v)
		}
		for _, name := range []wasi.SockOption{wasi.SoType, wasi.SoError, wasi.SoAcceptConn} {
			if errno := e.s.SockSetOpt(ctx, tcp, wasi.SolSocket, name, make([]byte, 4)); errno != wasi.ENOPROTOOPT {
				t.Errorf("setting read-only option %d: %v, want ENOPROTOOPT", name, errno)
			}
		}
	})

	t.Run("linger", func(t *testing.T) {
		v := make([]byte, 8)
		for _, tc := range []struct {
			on, secs int32
			hostOn   int32 // what the host socket gets
		}{
			{1, 0, 1},  // abortive close: passed on
			{1, 30, 0}, // lingering close: kept, not passed on
			{0, 5, 0},
		} {
			binary.LittleEndian.PutUint32(v[0:], uint32(tc.on))
			binary.LittleEndian.PutUint32(v[4:], uint32(tc.secs))
			sockWant(t, "set SO_LINGER", e.s.SockSetOpt(ctx, tcp, wasi.SolSocket, wasi.SoLinger, v), wasi.ESUCCESS)
			got := make([]byte, 8)
			n, errno := e.s.SockGetOpt(ctx, tcp, wasi.SolSocket, wasi.SoLinger, got)
			if errno != wasi.ESUCCESS || n != 8 || !bytes.Equal(got, v) {
				t.Errorf("SO_LINGER {%d,%d}: read back %x (%d, %v)", tc.on, tc.secs, got, n, errno)
			}
			l, err := unix.GetsockoptLinger(e.s.files[tcp].fd, unix.SOL_SOCKET, unix.SO_LINGER)
			if err != nil || l.Onoff != tc.hostOn {
				t.Errorf("SO_LINGER {%d,%d}: host has %+v (%v), want onoff %d", tc.on, tc.secs, l, err, tc.hostOn)
			}
		}
	})

	t.Run("timeouts", func(t *testing.T) {
		for _, name := range []wasi.SockOption{wasi.SoRcvTimeo, wasi.SoSndTimeo} {
			v := make([]byte, 16)
			binary.LittleEndian.PutUint64(v[0:], 2)
			binary.LittleEndian.PutUint64(v[8:], 500000)
			sockWant(t, "set", e.s.SockSetOpt(ctx, tcp, wasi.SolSocket, name, v), wasi.ESUCCESS)
			got := make([]byte, 32)
			n, errno := e.s.SockGetOpt(ctx, tcp, wasi.SolSocket, name, got)
			if errno != wasi.ESUCCESS || n != 16 || !bytes.Equal(got[:16], v) {
				t.Errorf("option %d: read back %x (%d, %v), want %x", name, got[:n], n, errno, v)
			}
			binary.LittleEndian.PutUint64(v[8:], 1000000)
			sockWant(t, "tv_usec out of range", e.s.SockSetOpt(ctx, tcp, wasi.SolSocket, name, v), wasi.EDOM)
			sockWant(t, "short timeval", e.s.SockSetOpt(ctx, tcp, wasi.SolSocket, name, v[:8]), wasi.EINVAL)
		}
		// The host socket's own timeouts are untouched: it never blocks.
		if tv, err := unix.GetsockoptTimeval(e.s.files[tcp].fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO); err != nil || tv.Sec != 0 || tv.Usec != 0 {
			t.Errorf("host SO_RCVTIMEO %+v %v, want none", tv, err)
		}
	})

	t.Run("refused", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			level wasi.SockOptLevel
			opt   wasi.SockOption
		}{
			{"SO_BINDTODEVICE", wasi.SolSocket, wasi.SoBindToDevice},
			{"SO_DONTROUTE", wasi.SolSocket, wasi.SoDontRoute},
			{"SO_OOBINLINE", wasi.SolSocket, wasi.SoOOBInline},
			{"SO_RCVLOWAT", wasi.SolSocket, wasi.SoRcvLowat},
			{"unknown name", wasi.SolSocket, 99},
			{"negative name", wasi.SolSocket, -1},
			{"TCP level, socket name", wasi.SolTCP, wasi.SoReuseAddr},
			{"unknown level", 1, wasi.SoReuseAddr},
		} {
			v := []byte("eth0\x00\x00\x00\x00")
			if errno := e.s.SockSetOpt(ctx, tcp, tc.level, tc.opt, v); errno != wasi.ENOPROTOOPT {
				t.Errorf("set %s: %v, want ENOPROTOOPT", tc.name, errno)
			}
			if _, errno := e.s.SockGetOpt(ctx, tcp, tc.level, tc.opt, v); errno != wasi.ENOPROTOOPT {
				t.Errorf("get %s: %v, want ENOPROTOOPT", tc.name, errno)
			}
		}
		if _, errno := e.s.SockGetOpt(ctx, tcp, wasi.SolSocket, wasi.SoReuseAddr, make([]byte, 3)); errno != wasi.EINVAL {
			t.Errorf("get into 3 bytes: %v, want EINVAL", errno)
		}
		if errno := e.s.SockSetOpt(ctx, tcp, wasi.SolSocket, wasi.SoReuseAddr, nil); errno != wasi.EINVAL {
			t.Errorf("set from 0 bytes: %v, want EINVAL", errno)
		}
	})
}

// SO_RCVTIMEO bounds blocking receives and accepts; the result, not the
// time taken, is checked.
func TestSockRecvTimeout(t *testing.T) {
	e := newSockEnv(t)
	ctx := t.Context()
	c, a := e.conn(wasi.InetFamily, sockFamilies[0].lo)
	tv := make([]byte, 16)
	binary.LittleEndian.PutUint64(tv[8:], 10000) // 10 ms
	sockWant(t, "SO_RCVTIMEO", e.s.SockSetOpt(ctx, a, wasi.SolSocket, wasi.SoRcvTimeo, tv), wasi.ESUCCESS)
	if _, _, errno := e.s.SockRecv(ctx, a, []wasi.IOVec{make([]byte, 4)}, 0); errno != wasi.EAGAIN {
		t.Errorf("SockRecv past SO_RCVTIMEO: %v, want EAGAIN", errno)
	}
	// WaitAll with part of the data: the part is returned at the timeout.
	e.send(c, "ab")
	if got := e.recv(a, 4, wasi.RecvWaitAll); got != "ab" {
		t.Errorf("RecvWaitAll past SO_RCVTIMEO: %q, want ab", got)
	}
	l, _ := e.listener(wasi.InetFamily, sockFamilies[0].lo)
	binary.LittleEndian.PutUint64(tv[0:], ^uint64(0)) // negative: do not wait
	binary.LittleEndian.PutUint64(tv[8:], 0)
	sockWant(t, "SO_RCVTIMEO", e.s.SockSetOpt(ctx, l, wasi.SolSocket, wasi.SoRcvTimeo, tv), wasi.ESUCCESS)
	if _, _, errno := e.s.SockAccept(ctx, l, 0); errno != wasi.EAGAIN {
		t.Errorf("SockAccept past SO_RCVTIMEO: %v, want EAGAIN", errno)
	}
}

// Wake interrupts a blocking accept and a blocking receive.
func TestSockWake(t *testing.T) {
	for _, name := range []string{"accept", "recv", "recv waitall"} {
		t.Run(name, func(t *testing.T) {
			e := newSockEnv(t)
			// Set up on this goroutine; only the blocking call runs on
			// another (Wake is the one method safe to call concurrently).
			var call func() wasi.Errno
			if name == "accept" {
				l, _ := e.listener(wasi.InetFamily, sockFamilies[0].lo)
				call = func() wasi.Errno { _, _, errno := e.s.SockAccept(context.Background(), l, 0); return errno }
			} else {
				_, a := e.conn(wasi.InetFamily, sockFamilies[0].lo)
				flags := wasi.RIFlags(0)
				if name == "recv waitall" {
					flags = wasi.RecvWaitAll
				}
				call = func() wasi.Errno {
					_, _, errno := e.s.SockRecv(context.Background(), a, []wasi.IOVec{make([]byte, 4)}, flags)
					return errno
				}
			}
			done := make(chan struct{})
			var got wasi.Errno
			go func() {
				defer close(done)
				got = call()
			}()
			time.Sleep(10 * time.Millisecond) // usually blocked by now; either way it must end
			e.s.Wake()
			sockDone(t, done, name)
			sockWant(t, name+" after Wake", got, wasi.ECANCELED)
		})
	}
}

// fakeResolver answers from tables, for the results cap and error mapping.
type fakeResolver struct {
	ips   []netip.Addr
	err   error
	cname string
}

func (r *fakeResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return append([]netip.Addr(nil), r.ips...), r.err
}

func (r *fakeResolver) LookupPort(ctx context.Context, network, service string) (int, error) {
	if service == "http" {
		return 80, nil
	}
	if service == "tcponly" && network == "tcp" {
		return 7, nil
	}
	return 0, errors.New("unknown port")
}

func (r *fakeResolver) LookupCNAME(ctx context.Context, host string) (string, error) {
	return r.cname, nil
}

// aiWant is the part of a getaddrinfo result a table checks.
type aiWant struct {
	ip   netip.Addr
	port uint16
	typ  wasi.SocketType
}

func TestAddrInfoRules(t *testing.T) {
	v4, v6 := netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()
	mapped := netip.MustParseAddr("::ffff:127.0.0.1")
	stream := wasi.AddrInfo{SocketType: wasi.StreamSocket}
	for _, tc := range []struct {
		name          string
		r             fakeResolver
		node, service string
		hints         wasi.AddrInfo
		nres          int
		want          []aiWant
		wantErr       wasi.Errno
	}{
		{name: "numeric v4", node: "127.0.0.1", service: "80", hints: stream, nres: 8, want: []aiWant{{v4, 80, wasi.StreamSocket}}},
		{name: "numeric v6 zone dropped", node: "::1%lo", service: "http", hints: stream, nres: 8, want: []aiWant{{v6, 80, wasi.StreamSocket}}},
		{name: "any socket type", node: "127.0.0.1", service: "5", nres: 8, want: []aiWant{{v4, 5, wasi.StreamSocket}, {v4, 5, wasi.DatagramSocket}}},
		{name: "service of one protocol", node: "127.0.0.1", service: "tcponly", nres: 8, want: []aiWant{{v4, 7, wasi.StreamSocket}}},
		{name: "udp protocol", node: "127.0.0.1", hints: wasi.AddrInfo{Protocol: wasi.UDPProtocol}, service: "9", nres: 8, want: []aiWant{{v4, 9, wasi.DatagramSocket}}},
		{name: "capped by results", node: "127.0.0.1", service: "1", nres: 1, want: []aiWant{{v4, 1, wasi.StreamSocket}}},
		{name: "no results wanted", node: "127.0.0.1", service: "1", nres: 0, want: []aiWant{}},
		{name: "passive empty node", service: "8080", hints: wasi.AddrInfo{Flags: wasi.AIPassive, SocketType: wasi.StreamSocket}, nres: 8,
			want: []aiWant{{netip.IPv4Unspecified(), 8080, wasi.StreamSocket}, {netip.IPv6Unspecified(), 8080, wasi.StreamSocket}}},
		{name: "empty node is loopback", service: "8080", hints: wasi.AddrInfo{Family: wasi.Inet6Family, SocketType: wasi.StreamSocket}, nres: 8,
			want: []aiWant{{v6, 8080, wasi.StreamSocket}}},
		{name: "name, mapped results unmapped, family filter", r: fakeResolver{ips: []netip.Addr{mapped, v6}}, node: "svc.example", service: "1",
			hints: wasi.AddrInfo{Family: wasi.InetFamily, SocketType: wasi.StreamSocket}, nres: 8, want: []aiWant{{v4, 1, wasi.StreamSocket}}},
		{name: "not found", r: fakeResolver{err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}, node: "x.invalid", nres: 8, service: "1", wantErr: eaiNoName},
		{name: "temporary", r: fakeResolver{err: &net.DNSError{Err: "timeout", Name: "x", IsTimeout: true}}, node: "x.example", nres: 8, service: "1", wantErr: eaiAgain},
		{name: "other failure", r: fakeResolver{err: errors.New("boom")}, node: "x.example", nres: 8, service: "1", wantErr: eaiFail},
		{name: "no address of the family", r: fakeResolver{ips: []netip.Addr{v6}}, node: "x.example", nres: 8, service: "1", hints: wasi.AddrInfo{Family: wasi.InetFamily}, wantErr: eaiAddrFamily},
		{name: "numeric family mismatch", node: "127.0.0.1", nres: 8, hints: wasi.AddrInfo{Family: wasi.Inet6Family}, wantErr: eaiAddrFamily},
		{name: "numerichost refuses names", node: "localhost", nres: 8, hints: wasi.AddrInfo{Flags: wasi.AINumericHost}, wantErr: eaiNoName},
		{name: "numericserv refuses names", node: "127.0.0.1", service: "http", nres: 8, hints: wasi.AddrInfo{Flags: wasi.AINumericServ}, wantErr: eaiNoName},
		{name: "nothing", nres: 8, wantErr: eaiNoName},
		{name: "port too large", node: "127.0.0.1", service: "65536", nres: 8, wantErr: eaiService},
		{name: "unknown service", node: "127.0.0.1", service: "nosuch", nres: 8, wantErr: eaiService},
		{name: "bad family", node: "127.0.0.1", nres: 8, hints: wasi.AddrInfo{Family: wasi.UnixFamily}, wantErr: eaiFamily},
		{name: "bad socket type", node: "127.0.0.1", nres: 8, hints: wasi.AddrInfo{SocketType: 9}, wantErr: eaiSockType},
		{name: "protocol against type", node: "127.0.0.1", nres: 8, hints: wasi.AddrInfo{SocketType: wasi.StreamSocket, Protocol: wasi.UDPProtocol}, wantErr: eaiSockType},
		{name: "bad protocol", node: "127.0.0.1", nres: 8, hints: wasi.AddrInfo{Protocol: 1}, wantErr: eaiSockType},
		{name: "canonname without node", service: "1", nres: 8, hints: wasi.AddrInfo{Flags: wasi.AICanonName}, wantErr: eaiBadFlags},
		{name: "node too long", node: strings.Repeat("a", 256), nres: 8, wantErr: eaiNoName},
		{name: "service too long", node: "127.0.0.1", service: strings.Repeat("9", 65), nres: 8, wantErr: eaiService},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := make([]wasi.AddrInfo, tc.nres)
			n, errno := addrInfo(t.Context(), &tc.r, tc.node, tc.service, tc.hints, res)
			sockWant(t, "addrInfo", errno, tc.wantErr)
			if errno != wasi.ESUCCESS {
				return
			}
			got := make([]aiWant, n)
			for i, ai := range res[:n] {
				got[i] = aiWant{ai.Addr.Addr.Addr(), ai.Addr.Addr.Port(), ai.SocketType}
				wantFamily := wasi.Inet6Family
				if ai.Addr.Addr.Addr().Is4() {
					wantFamily = wasi.InetFamily
				}
				if ai.Family != wantFamily || ai.Addr.Family != wantFamily || ai.Flags != tc.hints.Flags {
					t.Errorf("result %d: %+v: family or flags wrong", i, ai)
				}
				if (ai.SocketType == wasi.StreamSocket) != (ai.Protocol == wasi.TCPProtocol) {
					t.Errorf("result %d: %v with protocol %d", i, ai.SocketType, ai.Protocol)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("results %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("results %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestAddrInfoCapAndCanonName(t *testing.T) {
	r := &fakeResolver{cname: "real.example."}
	for i := range 100 {
		r.ips = append(r.ips, netip.AddrFrom4([4]byte{127, 0, 1, byte(i)}))
	}
	res := make([]wasi.AddrInfo, 3*wasi.MaxAddrInfoResults)
	hints := wasi.AddrInfo{Flags: wasi.AICanonName}
	n, errno := addrInfo(t.Context(), r, "alias.example", "80", hints, res)
	sockWant(t, "addrInfo", errno, wasi.ESUCCESS)
	if n != wasi.MaxAddrInfoResults {
		t.Errorf("%d results, want the cap %d", n, wasi.MaxAddrInfoResults)
	}
	if res[0].CanonName != "real.example" || res[1].CanonName != "" {
		t.Errorf("canonical names %q, %q: want real.example on the first only", res[0].CanonName, res[1].CanonName)
	}
	if res[n].Addr.IsValid() {
		t.Errorf("result %d past the cap was written: %+v", n, res[n])
	}
	n, errno = addrInfo(t.Context(), r, "127.0.0.2", "80", hints, res)
	if errno != wasi.ESUCCESS || n != 2 || res[0].CanonName != "127.0.0.2" {
		t.Errorf("numeric node with AICanonName: %d %q %v", n, res[0].CanonName, errno)
	}
}

// SockAddressInfo with Go's resolver: "localhost" from /etc/hosts (no DNS
// query is ever sent by this test) and a numeric host.
func TestSockAddressInfo(t *testing.T) {
	e := newSockEnv(t)
	ctx := t.Context()
	res := make([]wasi.AddrInfo, 8)
	n, errno := e.s.SockAddressInfo(ctx, "127.0.0.1", "8080", wasi.AddrInfo{SocketType: wasi.DatagramSocket}, res)
	want := wasi.SockAddr{Family: wasi.InetFamily, Addr: netip.MustParseAddrPort("127.0.0.1:8080")}
	if errno != wasi.ESUCCESS || n != 1 || res[0].Addr != want || res[0].SocketType != wasi.DatagramSocket {
		t.Errorf("numeric: %d %+v %v", n, res[0], errno)
	}

	hosts, err := os.ReadFile("/etc/hosts")
	if err != nil || !hostsHasLocalhost(string(hosts)) {
		t.Skip("no localhost in /etc/hosts: resolving it would need DNS")
	}
	hints := wasi.AddrInfo{Family: wasi.InetFamily, SocketType: wasi.StreamSocket}
	n, errno = e.s.SockAddressInfo(ctx, "localhost", "http", hints, res)
	if errno != wasi.ESUCCESS || n < 1 {
		t.Fatalf("localhost: %d results, %v", n, errno)
	}
	for _, ai := range res[:n] {
		if !ai.Addr.Addr.Addr().IsLoopback() || ai.Addr.Addr.Port() != 80 || ai.SocketType != wasi.StreamSocket {
			t.Errorf("localhost result %+v, want a loopback address, port 80, stream", ai)
		}
	}
	// Capped by the guest's array.
	if n, errno := e.s.SockAddressInfo(ctx, "localhost", "80", wasi.AddrInfo{}, res[:1]); errno != wasi.ESUCCESS || n != 1 {
		t.Errorf("localhost into one result: %d %v", n, errno)
	}
}

func hostsHasLocalhost(hosts string) bool {
	for _, line := range strings.Split(hosts, "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		if ip, err := netip.ParseAddr(f[0]); err == nil && ip.Is4() && ip.IsLoopback() {
			for _, name := range f[1:] {
				if name == "localhost" {
					return true
				}
			}
		}
	}
	return false
}

// SockAddressInfo on a woken System returns at once.
func TestSockAddressInfoWoken(t *testing.T) {
	e := newSockEnv(t)
	e.s.Wake()
	if _, errno := e.s.SockAddressInfo(t.Context(), "localhost", "80", wasi.AddrInfo{}, make([]wasi.AddrInfo, 4)); errno != wasi.ECANCELED {
		t.Errorf("after Wake: %v, want ECANCELED", errno)
	}
}

// The wake watcher of a lookup cancels its context when woken.
func TestSockWakeContext(t *testing.T) {
	e := newSockEnv(t)
	ctx, stop := e.s.wakeContext(t.Context())
	defer stop()
	e.s.Wake()
	select {
	case <-ctx.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("lookup context not cancelled by Wake")
	}
	ctx2, stop2 := newSockEnv(t).s.wakeContext(t.Context())
	stop2()
	if ctx2.Err() == nil {
		t.Error("stop left the context running")
	}
}

// sock_send and sock_recv make no allocation, stream or datagram.
func TestSockNoAllocs(t *testing.T) {
	e := newSockEnv(t)
	ctx := t.Context()
	c, a := e.conn(wasi.InetFamily, sockFamilies[0].lo)
	out := []wasi.IOVec{[]byte("0123456789abcdef"), []byte("ghij")}
	in := []wasi.IOVec{make([]byte, 8), make([]byte, 12)}
	allocs := testing.AllocsPerRun(200, func() {
		if _, errno := e.s.SockSend(ctx, c, out, 0); errno != wasi.ESUCCESS {
			t.Fatal(errno)
		}
		if _, _, errno := e.s.SockRecv(ctx, a, in, wasi.RecvWaitAll); errno != wasi.ESUCCESS {
			t.Fatal(errno)
		}
	})
	if allocs != 0 {
		t.Errorf("stream send+recv: %v allocations, want 0", allocs)
	}

	u1, _ := e.bound(wasi.InetFamily, wasi.DatagramSocket, sockFamilies[0].lo)
	u2, a2 := e.bound(wasi.InetFamily, wasi.DatagramSocket, sockFamilies[0].lo)
	allocs = testing.AllocsPerRun(200, func() {
		if _, errno := e.s.SockSendTo(ctx, u1, out, 0, a2); errno != wasi.ESUCCESS {
			t.Fatal(errno)
		}
		if _, _, _, errno := e.s.SockRecvFrom(ctx, u2, in, 0); errno != wasi.ESUCCESS {
			t.Fatal(errno)
		}
	})
	if allocs != 0 {
		t.Errorf("datagram send_to+recv_from: %v allocations, want 0", allocs)
	}
}

func BenchmarkSockSendRecv(b *testing.B) {
	s, err := New(Config{Stdin: -1, Stdout: -1, Stderr: -1, AllowSockets: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(context.Background())
	ctx := context.Background()
	l, _ := s.SockOpen(ctx, wasi.InetFamily, wasi.StreamSocket, 0, wasi.SocketRights, 0)
	s.SockBind(ctx, l, wasi.SockAddr{Family: wasi.InetFamily, Addr: netip.MustParseAddrPort("127.0.0.1:0")})
	s.SockListen(ctx, l, 1)
	addr, _ := s.SockLocalAddress(ctx, l)
	c, _ := s.SockOpen(ctx, wasi.InetFamily, wasi.StreamSocket, 0, wasi.SocketRights, 0)
	if errno := s.SockConnect(ctx, c, addr); errno != wasi.ESUCCESS {
		b.Fatal(errno)
	}
	a, _, errno := s.SockAccept(ctx, l, 0)
	if errno != wasi.ESUCCESS {
		b.Fatal(errno)
	}
	for _, size := range []int{64, 16 << 10} {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			out := []wasi.IOVec{make([]byte, size)}
			in := []wasi.IOVec{make([]byte, size)}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				s.SockSend(ctx, c, out, 0)
				s.SockRecv(ctx, a, in, wasi.RecvWaitAll)
			}
		})
	}
}

// addrInfo never panics and never writes past min(len(results), the cap),
// whatever the guest passes (the resolver is a fake: no network).
func FuzzAddrInfo(f *testing.F) {
	f.Add("localhost", "http", uint16(0), uint8(0), uint8(0), uint8(0), uint8(4))
	f.Add("::1%eth0", "65535", uint16(15), uint8(2), uint8(2), uint8(6), uint8(1))
	f.Add("", "", uint16(2), uint8(9), uint8(9), uint8(9), uint8(0))
	r := &fakeResolver{ips: []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()}, cname: "c."}
	f.Fuzz(func(t *testing.T, node, service string, flags uint16, family, socktype, proto, nres uint8) {
		res := make([]wasi.AddrInfo, int(nres)+1)
		hints := wasi.AddrInfo{Flags: wasi.AddrInfoFlags(flags), Family: wasi.ProtocolFamily(family),
			SocketType: wasi.SocketType(socktype), Protocol: wasi.Protocol(proto)}
		n, errno := addrInfo(context.Background(), r, node, service, hints, res[:nres])
		if n < 0 || n > int(nres) || n > wasi.MaxAddrInfoResults || (errno != wasi.ESUCCESS && n != 0) {
			t.Fatalf("%d results (%v) for a %d-entry array", n, errno, nres)
		}
		if res[nres].Addr.IsValid() {
			t.Fatal("wrote past the array")
		}
	})
}
