//go:build wasip1

package sock

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Listen announces on the local network address, as net.Listen does.
// network must be "tcp", "tcp4" or "tcp6". An empty host listens on all
// IPv4 addresses ("tcp", "tcp4") or all IPv6 addresses ("tcp6"); a host
// name is resolved with sock_getaddrinfo and the first address of the
// network's family is used; port 0 picks a free port (see Addr).
func Listen(network, address string) (net.Listener, error) {
	ctx := context.Background()
	ap, err := resolveLocal(ctx, network, address, "tcp")
	if err != nil {
		return nil, opError("listen", network, nil, address, err)
	}
	fd, err := socket(familyOf(ap.Addr()), sockStream)
	if err != nil {
		return nil, opError("listen", network, nil, address, os.NewSyscallError("socket", err))
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, opError("listen", network, nil, address, os.NewSyscallError("setnonblock", err))
	}
	// As Go does everywhere else, so that a restarted server can bind at
	// once. Best effort: a host may not allow the option.
	_ = setsockoptInt(fd, solSocket, soReuseAddr, 1)
	if err := bind(fd, ap); err != nil {
		syscall.Close(fd)
		return nil, opError("listen", network, nil, address, os.NewSyscallError("bind", err))
	}
	if err := listen(fd, backlog); err != nil {
		syscall.Close(fd)
		return nil, opError("listen", network, nil, address, os.NewSyscallError("listen", err))
	}
	if bound, err := sockname(fd, false); err == nil {
		ap = bound // the port the kernel picked for port 0
	}
	f := os.NewFile(uintptr(fd), "tcp:"+ap.String())
	fl, err := net.FileListener(f)
	f.Close() // fl holds its own reference to the descriptor
	if err != nil {
		return nil, opError("listen", network, nil, address, err)
	}
	return &listener{TCPListener: fl.(*net.TCPListener), addr: net.TCPAddrFromAddrPort(ap)}, nil
}

// listener is a *net.TCPListener over a socket opened by Listen. It knows
// its address (the wasip1 netFD has none) and sets TCP_NODELAY on the
// connections it accepts.
type listener struct {
	*net.TCPListener
	addr net.Addr
}

// Accept waits for and returns the next connection.
func (l *listener) Accept() (net.Conn, error) {
	c, err := l.TCPListener.AcceptTCP()
	if err != nil {
		return nil, err
	}
	if rc, err := c.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { setNoDelay(int(fd)) })
	}
	return &tcpConn{TCPConn: c}, nil
}

// Addr returns the listener's network address.
func (l *listener) Addr() net.Addr { return l.addr }

// setNoDelay turns Nagle's algorithm off, as Go does for every TCP
// connection on other platforms. Best effort: WasmEdge itself knows no
// TCP-level option.
func setNoDelay(fd int) { _ = setsockoptInt(fd, solTCP, tcpNoDelay, 1) }

// tcpConn is a *net.TCPConn that reports its addresses (the wasip1 netFD
// has none); they are read from the host on first use.
type tcpConn struct {
	*net.TCPConn
	once         sync.Once
	laddr, raddr net.Addr
}

func (c *tcpConn) addrs() {
	c.once.Do(func() {
		rc, err := c.TCPConn.SyscallConn()
		if err != nil {
			return
		}
		// Control fails once the connection is closed, so a descriptor
		// number reused by another socket is never asked.
		rc.Control(func(fd uintptr) {
			if c.laddr == nil {
				if ap, err := sockname(int(fd), false); err == nil {
					c.laddr = net.TCPAddrFromAddrPort(ap)
				}
			}
			if c.raddr == nil {
				if ap, err := sockname(int(fd), true); err == nil {
					c.raddr = net.TCPAddrFromAddrPort(ap)
				}
			}
		})
	})
}

// LocalAddr returns the local network address (nil if unknown).
func (c *tcpConn) LocalAddr() net.Addr {
	c.addrs()
	return c.laddr
}

// RemoteAddr returns the remote network address (nil if unknown).
func (c *tcpConn) RemoteAddr() net.Addr {
	c.addrs()
	return c.raddr
}

// udpConn is a connected *net.UDPConn (Read and Write; ReadFrom and
// WriteTo are not available on wasip1's netFD) that reports its addresses.
type udpConn struct {
	*net.UDPConn
	laddr, raddr net.Addr
}

// LocalAddr returns the local network address.
func (c *udpConn) LocalAddr() net.Addr { return c.laddr }

// RemoteAddr returns the remote network address.
func (c *udpConn) RemoteAddr() net.Addr { return c.raddr }

// Dial connects to the address on the named network, as net.Dial does:
// "tcp", "tcp4", "tcp6", "udp", "udp4" or "udp6". A host name is resolved
// with sock_getaddrinfo and its addresses are tried in order.
func Dial(network, address string) (net.Conn, error) {
	return DialContext(context.Background(), network, address)
}

// DialContext is Dial with a context: its deadline and cancellation bound
// the connection attempts (not the name lookup, which is one blocking host
// call). It has the signature of http.Transport's DialContext.
func DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	typ, err := socketType(network)
	if err != nil {
		return nil, opError("dial", network, nil, address, err)
	}
	host, service, err := net.SplitHostPort(address)
	if err != nil {
		return nil, opError("dial", network, nil, address, err)
	}
	port, err := lookupPort(ctx, network, service)
	if err != nil {
		return nil, opError("dial", network, nil, address, err)
	}
	ips, err := resolveHost(ctx, network, host, false)
	if err != nil {
		return nil, opError("dial", network, nil, address, err)
	}
	var first error
	for _, ip := range ips {
		ap := netip.AddrPortFrom(ip, uint16(port))
		c, err := dialOne(ctx, network, typ, ap)
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// aLongTimeAgo is a deadline in the past, to wake a pending wait.
var aLongTimeAgo = time.Unix(1, 0)

func dialOne(ctx context.Context, network string, typ int, ap netip.AddrPort) (net.Conn, error) {
	raddr := addrOf(network, ap)
	fail := func(err error) (net.Conn, error) { return nil, opError("dial", network, nil, raddr, err) }
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	fd, err := socket(familyOf(ap.Addr()), typ)
	if err != nil {
		return fail(os.NewSyscallError("socket", err))
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return fail(os.NewSyscallError("setnonblock", err))
	}
	if typ == sockDgram {
		_ = setsockoptInt(fd, solSocket, soBroadcast, 1) // as Go does; best effort
	}
	err = connect(fd, ap)
	inProgress := err == syscall.EINPROGRESS
	if err != nil && !inProgress {
		syscall.Close(fd)
		return fail(os.NewSyscallError("connect", err))
	}
	f := os.NewFile(uintptr(fd), network+":"+ap.String())
	defer f.Close() // the net.Conn holds its own reference
	if inProgress {
		if err := waitConnect(ctx, f); err != nil {
			return fail(err)
		}
	}
	if typ == sockStream {
		setNoDelay(fd)
	}
	var laddr net.Addr
	if ap, err := sockname(fd, false); err == nil {
		laddr = addrOf(network, ap)
	}
	fc, err := net.FileConn(f)
	if err != nil {
		return fail(err)
	}
	switch c := fc.(type) {
	case *net.TCPConn:
		return &tcpConn{TCPConn: c, laddr: laddr, raddr: raddr}, nil
	case *net.UDPConn:
		return &udpConn{UDPConn: c, laddr: laddr, raddr: raddr}, nil
	}
	return fc, nil
}

// waitConnect waits, in Go's netpoller, for a non-blocking connect to
// finish, and returns its outcome (SO_ERROR). The context's deadline and
// cancellation end the wait through a write deadline.
func waitConnect(ctx context.Context, f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok {
		f.SetWriteDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { f.SetWriteDeadline(aLongTimeAgo) })
	defer stop()
	var cerr error
	werr := rc.Write(func(fd uintptr) bool {
		v, err := getsockoptInt(int(fd), solSocket, soError)
		if err != nil {
			cerr = os.NewSyscallError("getsockopt", err)
			return true
		}
		switch e := syscall.Errno(v); e {
		case 0:
			// Writable with no error: connected, unless the wakeup was
			// spurious (the peer address tells).
			_, err := sockname(int(fd), true)
			return err == nil
		case syscall.EINPROGRESS, syscall.EALREADY, syscall.EINTR:
			return false
		default:
			cerr = os.NewSyscallError("connect", e)
			return true
		}
	})
	if werr != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(werr, os.ErrDeadlineExceeded) {
			return mapCtxErr(ctxErr)
		}
		return werr
	}
	f.SetWriteDeadline(time.Time{})
	return cerr
}

// mapCtxErr returns the error net returns for an ended context.
func mapCtxErr(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return os.ErrDeadlineExceeded // a net.Error with Timeout() true
	}
	return err
}

// ListenPacket announces on the local network address for datagrams, as
// net.ListenPacket does. network must be "udp", "udp4" or "udp6"; the
// address is as for Listen.
func ListenPacket(network, address string) (net.PacketConn, error) {
	ctx := context.Background()
	ap, err := resolveLocal(ctx, network, address, "udp")
	if err != nil {
		return nil, opError("listen", network, nil, address, err)
	}
	fd, err := socket(familyOf(ap.Addr()), sockDgram)
	if err != nil {
		return nil, opError("listen", network, nil, address, os.NewSyscallError("socket", err))
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, opError("listen", network, nil, address, os.NewSyscallError("setnonblock", err))
	}
	_ = setsockoptInt(fd, solSocket, soBroadcast, 1) // as Go does; best effort
	if err := bind(fd, ap); err != nil {
		syscall.Close(fd)
		return nil, opError("listen", network, nil, address, os.NewSyscallError("bind", err))
	}
	if bound, err := sockname(fd, false); err == nil {
		ap = bound
	}
	f := os.NewFile(uintptr(fd), "udp:"+ap.String())
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, opError("listen", network, nil, address, err)
	}
	return &packetConn{f: f, rc: rc, network: network, laddr: net.UDPAddrFromAddrPort(ap), rs: newStorage()}, nil
}

// packetConn is a UDP socket driven by Go's netpoller through the file's
// RawConn: sock_recv_from and sock_send_to are tried, and on EAGAIN the
// goroutine waits in poll_oneoff. Deadlines are the file's.
type packetConn struct {
	f       *os.File
	rc      syscall.RawConn
	network string
	laddr   net.Addr
	rs      *storage // recvFrom scratch; used under the RawConn's read lock
}

// ReadFrom reads one datagram into p and returns its size and source.
func (c *packetConn) ReadFrom(p []byte) (int, net.Addr, error) {
	n, from, err := c.ReadFromAddrPort(p)
	if err != nil {
		return 0, nil, err
	}
	return n, net.UDPAddrFromAddrPort(from), nil
}

// ReadFromAddrPort is ReadFrom returning a netip.AddrPort (no allocation
// for the address).
func (c *packetConn) ReadFromAddrPort(p []byte) (int, netip.AddrPort, error) {
	var n int
	var from netip.AddrPort
	var err error
	rerr := c.rc.Read(func(fd uintptr) bool {
		n, from, err = recvFrom(int(fd), p, c.rs)
		return err != syscall.EAGAIN
	})
	if rerr == nil {
		rerr = err
	}
	if rerr != nil {
		return 0, netip.AddrPort{}, opError("read", c.network, c.laddr, nil, rerr)
	}
	return n, from, nil
}

// WriteTo sends p as one datagram to addr (a *net.UDPAddr).
func (c *packetConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	ua, ok := addr.(*net.UDPAddr)
	if !ok || ua == nil {
		return 0, opError("write", c.network, c.laddr, addr, syscall.EINVAL)
	}
	return c.WriteToAddrPort(p, ua.AddrPort())
}

// WriteToAddrPort sends p as one datagram to ap.
func (c *packetConn) WriteToAddrPort(p []byte, ap netip.AddrPort) (int, error) {
	var n int
	var err error
	werr := c.rc.Write(func(fd uintptr) bool {
		n, err = sendTo(int(fd), p, ap)
		return err != syscall.EAGAIN
	})
	if werr == nil {
		werr = err
	}
	if werr != nil {
		return 0, opError("write", c.network, c.laddr, net.UDPAddrFromAddrPort(ap), werr)
	}
	return n, nil
}

// Close closes the socket; blocked reads and writes return net.ErrClosed.
func (c *packetConn) Close() error {
	if err := c.f.Close(); err != nil {
		return opError("close", c.network, c.laddr, nil, err)
	}
	return nil
}

// LocalAddr returns the local network address.
func (c *packetConn) LocalAddr() net.Addr { return c.laddr }

// SetDeadline sets the read and write deadlines.
func (c *packetConn) SetDeadline(t time.Time) error { return c.f.SetDeadline(t) }

// SetReadDeadline sets the deadline of ReadFrom.
func (c *packetConn) SetReadDeadline(t time.Time) error { return c.f.SetReadDeadline(t) }

// SetWriteDeadline sets the deadline of WriteTo.
func (c *packetConn) SetWriteDeadline(t time.Time) error { return c.f.SetWriteDeadline(t) }

// socketType maps a network name to a WasmEdge socket type.
func socketType(network string) (int, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
		return sockStream, nil
	case "udp", "udp4", "udp6":
		return sockDgram, nil
	}
	return 0, net.UnknownNetworkError(network)
}

// addrOf returns ap as a *net.TCPAddr or *net.UDPAddr for network.
func addrOf(network string, ap netip.AddrPort) net.Addr {
	if typ, _ := socketType(network); typ == sockDgram {
		return net.UDPAddrFromAddrPort(ap)
	}
	return net.TCPAddrFromAddrPort(ap)
}

// resolveLocal resolves a local address to listen on; proto is "tcp" or
// "udp" and network must be one of its networks.
func resolveLocal(ctx context.Context, network, address, proto string) (netip.AddrPort, error) {
	if typ, err := socketType(network); err != nil || (typ == sockStream) != (proto == "tcp") {
		return netip.AddrPort{}, net.UnknownNetworkError(network)
	}
	host, service, err := net.SplitHostPort(address)
	if err != nil {
		return netip.AddrPort{}, err
	}
	port, err := lookupPort(ctx, network, service)
	if err != nil {
		return netip.AddrPort{}, err
	}
	ips, err := resolveHost(ctx, network, host, true)
	if err != nil {
		return netip.AddrPort{}, err
	}
	// As net.Listen: a name with both families listens on its first IPv4
	// address.
	ip := ips[0]
	for _, a := range ips {
		if a.Is4() {
			ip = a
			break
		}
	}
	return netip.AddrPortFrom(ip, uint16(port)), nil
}

// resolveHost returns the addresses of host for network: an IP literal as
// it is, an empty host as the unspecified (listen) or loopback (dial)
// address, a name through sock_getaddrinfo; only addresses of the
// network's family ("tcp4": IPv4, ...) are kept.
func resolveHost(ctx context.Context, network, host string, listen bool) ([]netip.Addr, error) {
	want6 := network[len(network)-1] == '6'
	want4 := network[len(network)-1] == '4'
	if host == "" {
		switch {
		case want6 && listen:
			return []netip.Addr{netip.IPv6Unspecified()}, nil
		case want6:
			return []netip.Addr{netip.IPv6Loopback()}, nil
		case listen:
			return []netip.Addr{netip.IPv4Unspecified()}, nil
		}
		return []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1})}, nil
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Zone() != "" {
			return nil, &net.AddrError{Err: "IPv6 zones are not supported", Addr: host}
		}
		ips = []netip.Addr{ip.Unmap()}
	} else {
		family := "ip"
		if want4 {
			family = "ip4"
		} else if want6 {
			family = "ip6"
		}
		var r Resolver
		if ips, err = r.LookupNetIP(ctx, family, host); err != nil {
			return nil, err
		}
	}
	kept := ips[:0]
	for _, ip := range ips {
		if want4 && !ip.Is4() || want6 && ip.Is4() {
			continue
		}
		kept = append(kept, ip)
	}
	if len(kept) == 0 {
		return nil, &net.AddrError{Err: "no suitable address found", Addr: host}
	}
	return kept, nil
}

// lookupPort parses a numeric port or resolves a service name.
func lookupPort(ctx context.Context, network, service string) (int, error) {
	if p, err := strconv.ParseUint(service, 10, 16); err == nil {
		return int(p), nil
	}
	var r Resolver
	return r.LookupPort(ctx, network, service)
}

// opError wraps err as the *net.OpError that package net returns.
func opError(op, network string, source net.Addr, addr any, err error) error {
	oe := &net.OpError{Op: op, Net: network, Source: source, Err: err}
	switch a := addr.(type) {
	case net.Addr:
		oe.Addr = a
	case string:
		if a != "" {
			oe.Addr = stringAddr{network, a}
		}
	}
	if errors.Is(err, os.ErrClosed) || err.Error() == errFileClosing {
		oe.Err = net.ErrClosed
	}
	return oe
}

// errFileClosing is the text of internal/poll's ErrFileClosing, which a
// closed file's RawConn returns as it is (os maps it to os.ErrClosed only
// in its own methods).
const errFileClosing = "use of closed file"

// stringAddr is an address known only as a string (before resolution).
type stringAddr struct{ net, addr string }

func (a stringAddr) Network() string { return a.net }
func (a stringAddr) String() string  { return a.addr }
