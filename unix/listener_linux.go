//go:build linux

package unix

// Preopened listening sockets: the host binds and listens, the guest gets
// the socket as a descriptor and serves it with preview 1's sock_accept.
// This is how guests written for wasmtime's --tcplisten or wazero's
// sock.WithTCPListener receive their listener (Go's
// net.FileListener(os.NewFile(3, "")), Rust's TcpListener::from_raw_fd(3)),
// and it needs no socket-creating import at all.

import (
	"fmt"
	"net/netip"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// ListenTCP creates a listening TCP socket on ap (non-blocking,
// close-on-exec, SO_REUSEADDR so that a restarted guest can bind again at
// once, TCP_NODELAY for the connections it accepts) with the system's maximum backlog, and returns its host
// descriptor, which the caller owns. An IPv4 or IPv4-mapped address gives
// an inet socket; any other IPv6 address an inet6 one, dual-stack only
// for the unspecified address "::" as Linux decides by default. Port 0
// picks a free port (see ListenerAddr).
func ListenTCP(ap netip.AddrPort) (int, error) {
	a := ap.Addr().Unmap()
	if !a.IsValid() {
		return -1, fmt.Errorf("unix: listen: invalid address %v", ap)
	}
	var sa unix.Sockaddr
	af := unix.AF_INET
	if a.Is4() {
		sa = &unix.SockaddrInet4{Port: int(ap.Port()), Addr: a.As4()}
	} else {
		if a.Zone() != "" {
			return -1, fmt.Errorf("unix: listen %v: zoned addresses are not supported", ap)
		}
		af = unix.AF_INET6
		sa = &unix.SockaddrInet6{Port: int(ap.Port()), Addr: a.As16()}
	}
	fd, err := unix.Socket(af, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return -1, fmt.Errorf("unix: listen %v: socket: %w", ap, err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("unix: listen %v: SO_REUSEADDR: %w", ap, err)
	}
	// Accepted connections inherit TCP_NODELAY from the listener (Linux
	// copies it), as Go's net, and so wazero's listeners, give it to every
	// connection: a plain preview 1 guest has no setsockopt, and Nagle's
	// algorithm against the client's delayed ACK stalls a response written
	// in pieces for ~40 ms (internal/netbench, 64KiB-1conn).
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("unix: listen %v: TCP_NODELAY: %w", ap, err)
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("unix: listen %v: bind: %w", netip.AddrPortFrom(a, ap.Port()), err)
	}
	if err := unix.Listen(fd, unix.SOMAXCONN); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("unix: listen %v: %w", ap, err)
	}
	return fd, nil
}

// ListenerAddr returns the local address of the listening socket hfd (the
// port the kernel picked when ListenTCP was given port 0).
func ListenerAddr(hfd int) (netip.AddrPort, error) {
	sa, err := unix.Getsockname(hfd)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("unix: getsockname: %w", err)
	}
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port)), nil
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr), uint16(sa.Port)), nil
	}
	return netip.AddrPort{}, fmt.Errorf("unix: getsockname: not an inet socket")
}

// addListener installs the listening socket hfd (duplicated; the caller
// keeps its descriptor) as the guest's next descriptor.
//
// It must be a listening inet or inet6 stream socket. Its open file
// description is made non-blocking (the duplicate shares it): like every
// host descriptor wasibox opens for the guest, it must never block a
// thread, so that Wake reaches a guest waiting in sock_accept. The guest
// descriptor starts blocking, as a fresh socket does, with the socket
// rights (sock_accept, poll, fdstat, shutdown, options); connections
// accepted from it inherit them.
func (s *System) addListener(hfd int) error {
	nfd, err := unix.FcntlInt(uintptr(hfd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("unix: listener fd %d: %w", hfd, err)
	}
	fail := func(format string, args ...any) error {
		unix.Close(nfd)
		return fmt.Errorf("unix: listener fd %d: "+format, append([]any{hfd}, args...)...)
	}
	if typ, err := unix.GetsockoptInt(nfd, unix.SOL_SOCKET, unix.SO_TYPE); err != nil {
		return fail("%w", err)
	} else if typ != unix.SOCK_STREAM {
		return fail("not a stream socket")
	}
	var family wasi.ProtocolFamily
	switch d, _ := unix.GetsockoptInt(nfd, unix.SOL_SOCKET, unix.SO_DOMAIN); d {
	case unix.AF_INET:
		family = wasi.InetFamily
	case unix.AF_INET6:
		family = wasi.Inet6Family
	default:
		return fail("not an inet or inet6 socket")
	}
	if on, err := unix.GetsockoptInt(nfd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN); err != nil || on != 1 {
		return fail("not listening")
	}
	if err := unix.SetNonblock(nfd, true); err != nil {
		return fail("%w", err)
	}
	f := &file{
		fd:      nfd,
		typ:     wasi.SocketStreamType,
		base:    wasi.SocketRights,
		inherit: wasi.SocketRights,
		sock:    &sockState{family: family},
	}
	if _, errno := s.install(f); errno != wasi.ESUCCESS {
		unix.Close(nfd)
		return fmt.Errorf("unix: listener fd %d: %w", hfd, errno)
	}
	return nil
}
