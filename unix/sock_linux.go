//go:build linux

package unix

// Sockets: preview 1's sock_accept, sock_recv, sock_send and sock_shutdown,
// and the WasmEdge extension calls (sock_open, sock_bind, sock_connect,
// sock_listen, sock_send_to, sock_recv_from, sock_getlocaladdr,
// sock_getpeeraddr). Socket options are in sockopt_linux.go and
// sock_getaddrinfo in addrinfo_linux.go.
//
// Every host socket this package creates is O_NONBLOCK|SOCK_CLOEXEC. A guest
// socket is blocking until the guest sets wasi.NonBlock; blocking is then
// emulated: the call tries once, and on EAGAIN waits in poll(2) on the socket
// and the wake eventfd, so that Wake interrupts it (design decision 8), for
// at most the SO_RCVTIMEO / SO_SNDTIMEO the guest set (sockopt_linux.go).
// Sockets inherited through stdio are blocking on the host and shared with
// another process; they are only ever used with MSG_DONTWAIT, or after poll
// said they were ready.

import (
	"context"
	"syscall"
	"time"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// sockState is what a guest socket needs beyond the host descriptor: what
// the kernel cannot hold for us because the host socket is non-blocking.
//
// It is created by SockOpen and SockAccept, and on first use for a socket
// inherited through stdio (sockOf).
type sockState struct {
	family wasi.ProtocolFamily // of the host socket: inet, inet6 or (stdio only) unix

	// rcvTimeout and sndTimeout are SO_RCVTIMEO and SO_SNDTIMEO as the guest
	// set them; 0 means wait for ever. They bound the emulated blocking waits
	// (the host socket never blocks, so setting them on it would do nothing).
	rcvTimeout, sndTimeout time.Duration

	// linger is SO_LINGER as the guest set it (see sockopt_linux.go for why
	// a lingering close is not passed to the host).
	lingerOn     bool
	lingerSecond int32
}

// sockFile returns fd's file if it is a socket (ENOTSOCK otherwise) and
// holds all of need (ENOTCAPABLE otherwise), with its sockState.
func (s *System) sockFile(fd wasi.FD, need wasi.Rights) (*file, wasi.Errno) {
	f, errno := s.lookup(fd, 0)
	if errno != wasi.ESUCCESS {
		return nil, errno
	}
	// The type is checked before the rights: a regular file lacks the socket
	// rights too, and "not a socket" is the more useful answer.
	if f.typ != wasi.SocketStreamType && f.typ != wasi.SocketDGramType {
		return nil, wasi.ENOTSOCK
	}
	if !f.base.Has(need) {
		return nil, wasi.ENOTCAPABLE
	}
	if f.sock == nil {
		f.sock = sockStateOf(f.fd)
	}
	return f, wasi.ESUCCESS
}

// sockStateOf builds the state of a socket this package did not open
// (stdio), reading its family from the kernel.
func sockStateOf(hfd int) *sockState {
	st := &sockState{}
	if d, err := unix.GetsockoptInt(hfd, unix.SOL_SOCKET, unix.SO_DOMAIN); err == nil {
		switch d {
		case unix.AF_INET:
			st.family = wasi.InetFamily
		case unix.AF_INET6:
			st.family = wasi.Inet6Family
		case unix.AF_UNIX:
			st.family = wasi.UnixFamily
		}
	}
	return st
}

// SockOpen implements wasi.System (WasmEdge sock_open).
//
// It creates an inet or inet6, stream or datagram socket; AnySocket means
// stream. The protocol must be 0 or the one of the type (TCP for stream,
// UDP for datagram). The descriptor gets rightsBase and rightsInheriting,
// each limited to wasi.SocketRights; the socket starts blocking, as
// socket(2) does.
//
// Errors: EACCES when Config.AllowSockets is false, and for unix-domain
// sockets; EAFNOSUPPORT for any other family; EINVAL for an unknown type;
// EPROTONOSUPPORT for another protocol; EMFILE when the descriptor table
// is full; or the kernel's error.
func (s *System) SockOpen(ctx context.Context, family wasi.ProtocolFamily, socktype wasi.SocketType, protocol wasi.Protocol, rightsBase, rightsInheriting wasi.Rights) (wasi.FD, wasi.Errno) {
	if !s.allowSockets {
		// Fail closed: without a network grant the guest gets no new
		// sockets at all (sockets passed in through stdio still work).
		return -1, wasi.EACCES
	}
	var af int
	switch family {
	case wasi.InetFamily:
		af = unix.AF_INET
	case wasi.Inet6Family:
		af = unix.AF_INET6
	case wasi.UnixFamily:
		// A unix-domain socket address is a host path, outside any
		// preopen's confinement, and the abstract namespace reaches every
		// local service. Refused until the guard can grant paths
		// (design decision 5).
		return -1, wasi.EACCES
	default:
		return -1, wasi.EAFNOSUPPORT
	}
	var st, proto int
	var typ wasi.FileType
	switch socktype {
	case wasi.AnySocket, wasi.StreamSocket:
		st, typ = unix.SOCK_STREAM, wasi.SocketStreamType
		proto = unix.IPPROTO_TCP
	case wasi.DatagramSocket:
		st, typ = unix.SOCK_DGRAM, wasi.SocketDGramType
		proto = unix.IPPROTO_UDP
	default:
		return -1, wasi.EINVAL
	}
	// Only the type's own protocol: anything else (IPPROTO_ICMP datagram
	// "ping" sockets, SCTP, ...) is a different network capability.
	if protocol != wasi.IPProtocol && int(protocol) != proto {
		return -1, wasi.EPROTONOSUPPORT
	}
	if s.nfiles >= s.maxOpen {
		return -1, wasi.EMFILE
	}
	hfd, err := unix.Socket(af, st|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return -1, wasi.ErrnoOf(err)
	}
	f := &file{
		fd:      hfd,
		typ:     typ,
		base:    rightsBase & wasi.SocketRights,
		inherit: rightsInheriting & wasi.SocketRights,
		sock:    &sockState{family: family},
	}
	nfd, errno := s.install(f)
	if errno != wasi.ESUCCESS {
		unix.Close(hfd)
		return -1, errno
	}
	return nfd, wasi.ESUCCESS
}

// sockaddrOf builds the kernel address for addr on socket f. An IPv4
// address on an inet6 socket becomes IPv4-mapped (the kernel's dual-stack
// form); an IPv4-mapped address on an inet socket is unmapped.
func sockaddrOf(f *file, addr wasi.SockAddr, sa *sockaddr) wasi.Errno {
	switch f.sock.family {
	case wasi.UnixFamily:
		// Only a socket inherited through stdio can be a unix-domain one; a
		// path is not granted here (see SockOpen).
		return wasi.EACCES
	}
	switch addr.Family {
	case wasi.InetFamily, wasi.Inet6Family:
	case wasi.UnixFamily:
		return wasi.EAFNOSUPPORT
	default:
		return wasi.EINVAL
	}
	ip := addr.Addr.Addr()
	if !ip.IsValid() {
		return wasi.EINVAL
	}
	if f.sock.family == wasi.InetFamily {
		ip = ip.Unmap()
		if !ip.Is4() {
			return wasi.EAFNOSUPPORT
		}
		sa.setInet4(ip.As4(), addr.Addr.Port())
		return wasi.ESUCCESS
	}
	sa.setInet6(ip.As16(), addr.Addr.Port())
	return wasi.ESUCCESS
}

// SockBind implements wasi.System (WasmEdge sock_bind).
//
// Errors: ENOTSOCK, EAFNOSUPPORT (an address the socket's family cannot
// hold), EINVAL (no address), EACCES (a unix-domain socket), or the
// kernel's (EADDRINUSE, EACCES for a privileged port, ...).
func (s *System) SockBind(ctx context.Context, fd wasi.FD, addr wasi.SockAddr) wasi.Errno {
	f, errno := s.sockFile(fd, 0)
	if errno != wasi.ESUCCESS {
		return errno
	}
	var sa sockaddr
	if errno := sockaddrOf(f, addr, &sa); errno != wasi.ESUCCESS {
		return errno
	}
	return errnoOf(bind(f.fd, &sa))
}

// SockConnect implements wasi.System (WasmEdge sock_connect).
//
// On a non-blocking guest socket a stream connection that is under way
// returns EINPROGRESS, as the kernel does; the guest polls for writability
// and reads SO_ERROR. On a blocking guest socket it waits for the outcome
// (at most SO_SNDTIMEO, then EINPROGRESS as Linux does) and returns the
// connection's error. A datagram socket connects at once.
//
// Errors: as SockBind, plus ECONNREFUSED, ETIMEDOUT, ENETUNREACH, ...,
// EALREADY / EISCONN from the kernel, ECANCELED when woken, and ENOTSUP for
// a socket inherited through stdio (its host descriptor is blocking and
// shared, and a blocking connect could not be interrupted).
func (s *System) SockConnect(ctx context.Context, fd wasi.FD, addr wasi.SockAddr) wasi.Errno {
	f, errno := s.sockFile(fd, 0)
	if errno != wasi.ESUCCESS {
		return errno
	}
	if f.hostBlocking {
		return wasi.ENOTSUP
	}
	var sa sockaddr
	if errno := sockaddrOf(f, addr, &sa); errno != wasi.ESUCCESS {
		return errno
	}
	// The host socket is non-blocking, so connect(2) never sleeps (and
	// never returns EINTR).
	e := connect(f.fd, &sa)
	if e != unix.EINPROGRESS || f.flags.Has(wasi.NonBlock) {
		return errnoOf(e)
	}
	var deadline time.Time
	if errno := s.sockWait(f, unix.POLLOUT, f.sock.sndTimeout, &deadline); errno != wasi.ESUCCESS {
		if errno == wasi.EAGAIN {
			return wasi.EINPROGRESS // SO_SNDTIMEO expired; the attempt goes on
		}
		return errno
	}
	soErr, err := unix.GetsockoptInt(f.fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return wasi.ErrnoOf(err)
	}
	return errnoOf(syscall.Errno(soErr))
}

// SockListen implements wasi.System (WasmEdge sock_listen). The backlog is
// clamped to [1, SOMAXCONN].
//
// Errors: ENOTSOCK, ENOTSUP for a datagram socket, or the kernel's.
func (s *System) SockListen(ctx context.Context, fd wasi.FD, backlog int) wasi.Errno {
	f, errno := s.sockFile(fd, 0)
	if errno != wasi.ESUCCESS {
		return errno
	}
	backlog = max(1, min(backlog, unix.SOMAXCONN))
	return wasi.ErrnoOf(unix.Listen(f.fd, backlog))
}

// SockAccept implements wasi.System (preview 1 sock_accept).
//
// flags may hold only wasi.NonBlock, the guest flag of the new descriptor
// (its host descriptor is O_NONBLOCK whatever the flags). The new
// descriptor has the listener's rights, limited to wasi.SocketRights:
// accepting cannot widen what the listener may do. A non-blocking listener
// with no pending connection returns EAGAIN; a blocking one waits (at most
// SO_RCVTIMEO, then EAGAIN, as Linux does).
//
// Errors: EBADF, ENOTSOCK, ENOTCAPABLE (no SockAcceptRight), EINVAL (other
// flags, or a socket that is not listening), EMFILE (table full; the
// pending connection stays queued), EAGAIN, ECANCELED, or the kernel's.
func (s *System) SockAccept(ctx context.Context, fd wasi.FD, flags wasi.FDFlags) (wasi.FD, wasi.SockAddr, wasi.Errno) {
	f, errno := s.sockFile(fd, wasi.SockAcceptRight)
	if errno != wasi.ESUCCESS {
		return -1, wasi.SockAddr{}, errno
	}
	if flags&^wasi.NonBlock != 0 {
		return -1, wasi.SockAddr{}, wasi.EINVAL
	}
	// Checked before accepting, so that a full table leaves the connection
	// in the kernel's queue instead of dropping it.
	if s.nfiles >= s.maxOpen {
		return -1, wasi.SockAddr{}, wasi.EMFILE
	}
	var peer sockaddr
	var deadline time.Time
	nonBlock := f.flags.Has(wasi.NonBlock)
	for {
		if f.hostBlocking {
			// accept4 has no MSG_DONTWAIT: never call it on a blocking host
			// descriptor before poll says a connection is pending.
			var errno wasi.Errno
			if nonBlock {
				errno = s.waitFDUntil(f.fd, unix.POLLIN, time.Time{}) // look only
			} else {
				errno = s.sockWait(f, unix.POLLIN, f.sock.rcvTimeout, &deadline)
			}
			if errno != wasi.ESUCCESS {
				return -1, wasi.SockAddr{}, errno
			}
		}
		nfd, e := accept4(f.fd, &peer, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		switch e {
		case 0:
			nf := &file{
				fd:    nfd,
				typ:   f.typ,
				flags: flags,
				base:  f.base & wasi.SocketRights,
				// The listener's inheriting rights pass on unchanged.
				inherit: f.inherit & wasi.SocketRights,
				sock:    &sockState{family: f.sock.family},
			}
			gfd, errno := s.install(nf)
			if errno != wasi.ESUCCESS {
				unix.Close(nfd)
				return -1, wasi.SockAddr{}, errno
			}
			return gfd, peer.sockAddr(), wasi.ESUCCESS
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			if nonBlock {
				return -1, wasi.SockAddr{}, wasi.EAGAIN
			}
			if f.hostBlocking {
				continue // another process took it: wait again at the top
			}
			if errno := s.sockWait(f, unix.POLLIN, f.sock.rcvTimeout, &deadline); errno != wasi.ESUCCESS {
				return -1, wasi.SockAddr{}, errno
			}
		default:
			return -1, wasi.SockAddr{}, errnoOf(e)
		}
	}
}

// SockRecv implements wasi.System (preview 1 sock_recv).
//
// RecvPeek leaves the data queued (MSG_PEEK). RecvWaitAll on a stream
// socket keeps receiving until iovs are full, the peer shuts down, an error
// happens or a wait ends (a timeout, or Wake): what was received is then
// returned. It is emulated, because MSG_WAITALL means nothing on a
// non-blocking host socket; with RecvPeek, or on a non-blocking guest
// socket, it returns what one receive gives. A datagram larger than iovs
// is truncated and sets wasi.RecvDataTruncated. Other flag bits are
// ignored. A blocking guest socket waits at most SO_RCVTIMEO (then EAGAIN).
//
// Errors: EBADF, ENOTSOCK, ENOTCAPABLE (no FDReadRight: a socket has no
// access mode, so unlike fd_read this is not EBADF; RATIONALE.md), EAGAIN,
// ECANCELED (woken before any data), or the kernel's. Like fd_read, it
// uses at most 1024 iovecs (the kernel's IOV_MAX) and skips empty ones.
// It does not allocate.
func (s *System) SockRecv(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.RIFlags) (wasi.Size, wasi.ROFlags, wasi.Errno) {
	f, errno := s.sockFile(fd, wasi.FDReadRight)
	if errno != wasi.ESUCCESS {
		return 0, 0, errno
	}
	return s.recv(f, iovs, flags, nil)
}

// SockRecvFrom implements wasi.System (WasmEdge sock_recv_from): SockRecv
// that also returns the source address of a datagram (the zero SockAddr on
// a connected stream socket, whose kernel gives none).
func (s *System) SockRecvFrom(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.RIFlags) (wasi.Size, wasi.ROFlags, wasi.SockAddr, wasi.Errno) {
	f, errno := s.sockFile(fd, wasi.FDReadRight)
	if errno != wasi.ESUCCESS {
		return 0, 0, wasi.SockAddr{}, errno
	}
	var from sockaddr
	n, ro, errno := s.recv(f, iovs, flags, &from)
	if errno != wasi.ESUCCESS {
		return n, ro, wasi.SockAddr{}, errno
	}
	return n, ro, from.sockAddr(), wasi.ESUCCESS
}

func (s *System) recv(f *file, iovs []wasi.IOVec, flags wasi.RIFlags, from *sockaddr) (wasi.Size, wasi.ROFlags, wasi.Errno) {
	hflags := unix.MSG_DONTWAIT
	peek := flags.Has(wasi.RecvPeek)
	if peek {
		hflags |= unix.MSG_PEEK
	}
	nonBlock := f.flags.Has(wasi.NonBlock)
	waitAll := flags.Has(wasi.RecvWaitAll) && !peek && !nonBlock && f.typ == wasi.SocketStreamType
	iov, want := s.loadIOVecs(iovs)
	defer s.releaseIOVecs(iov)

	var ro wasi.ROFlags
	var deadline time.Time
	total := 0
	for {
		n, mflags, e := recvmsg(f.fd, iov, from, hflags)
		switch e {
		case 0:
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			if nonBlock {
				return 0, 0, wasi.EAGAIN
			}
			if errno := s.sockWait(f, unix.POLLIN, f.sock.rcvTimeout, &deadline); errno != wasi.ESUCCESS {
				if total > 0 {
					return wasi.Size(total), ro, wasi.ESUCCESS
				}
				return 0, 0, errno
			}
			continue
		default:
			if total > 0 {
				// As the kernel does: the data already received is
				// returned; the error shows again on the next call
				// (pending socket errors are sticky until read).
				return wasi.Size(total), ro, wasi.ESUCCESS
			}
			return 0, 0, errnoOf(e)
		}
		total += n
		if mflags&unix.MSG_TRUNC != 0 {
			ro |= wasi.RecvDataTruncated
		}
		if !waitAll || n == 0 || total >= want {
			return wasi.Size(total), ro, wasi.ESUCCESS
		}
		iov = advance(iov, n)
	}
}

// SockSend implements wasi.System (preview 1 sock_send).
//
// On a blocking guest stream socket it sends everything, waiting for room
// as a blocking send(2) does, unless a wait ends first (SO_SNDTIMEO, or
// Wake) or an error happens: the count sent so far is then returned, or the
// error if nothing was sent. On a non-blocking guest socket it sends what
// fits (EAGAIN if nothing does). It never raises SIGPIPE (MSG_NOSIGNAL);
// a closed peer is EPIPE. No send flags are defined by preview 1; the
// flags are ignored rather than passed to the host (WasmEdge passes none
// either, and MSG_OOB or MSG_MORE are not the guest's to set).
//
// Errors: EBADF, ENOTSOCK, ENOTCAPABLE (no FDWriteRight; not EBADF, as
// SockRecv says), EAGAIN, ECANCELED, EPIPE, or the kernel's. Like
// fd_write, it uses at most 1024 iovecs and skips empty ones. It does not
// allocate.
func (s *System) SockSend(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.SIFlags) (wasi.Size, wasi.Errno) {
	f, errno := s.sockFile(fd, wasi.FDWriteRight)
	if errno != wasi.ESUCCESS {
		return 0, errno
	}
	return s.send(f, iovs, nil)
}

// SockSendTo implements wasi.System (WasmEdge sock_send_to): SockSend to
// addr, for datagram sockets (on a connected stream socket the kernel
// ignores the address or returns EISCONN). Errors: as SockSend and
// SockBind.
func (s *System) SockSendTo(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.SIFlags, addr wasi.SockAddr) (wasi.Size, wasi.Errno) {
	f, errno := s.sockFile(fd, wasi.FDWriteRight)
	if errno != wasi.ESUCCESS {
		return 0, errno
	}
	var to sockaddr
	if errno := sockaddrOf(f, addr, &to); errno != wasi.ESUCCESS {
		return 0, errno
	}
	return s.send(f, iovs, &to)
}

func (s *System) send(f *file, iovs []wasi.IOVec, to *sockaddr) (wasi.Size, wasi.Errno) {
	iov, want := s.loadIOVecs(iovs)
	defer s.releaseIOVecs(iov)
	// A socket passed in as stdout or stderr is under their byte limit
	// (limits_linux.go).
	iov, want, b, errno := s.charge(f, iov, want)
	if errno != wasi.ESUCCESS {
		return 0, errno
	}
	n, errno := s.sendv(f, iov, want, to)
	b.refund(int64(want) - int64(n))
	return n, errno
}

// sendv sends iov (want bytes) on f, as send describes.
func (s *System) sendv(f *file, iov []unix.Iovec, want int, to *sockaddr) (wasi.Size, wasi.Errno) {
	nonBlock := f.flags.Has(wasi.NonBlock)
	stream := f.typ == wasi.SocketStreamType

	var deadline time.Time
	total := 0
	for {
		n, e := sendmsg(f.fd, iov, to, unix.MSG_NOSIGNAL|unix.MSG_DONTWAIT)
		switch e {
		case 0:
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			if nonBlock {
				if total > 0 {
					return wasi.Size(total), wasi.ESUCCESS
				}
				return 0, wasi.EAGAIN
			}
			if errno := s.sockWait(f, unix.POLLOUT, f.sock.sndTimeout, &deadline); errno != wasi.ESUCCESS {
				if total > 0 {
					return wasi.Size(total), wasi.ESUCCESS
				}
				return 0, errno
			}
			continue
		default:
			if total > 0 {
				return wasi.Size(total), wasi.ESUCCESS
			}
			return 0, errnoOf(e)
		}
		total += n
		if !stream || nonBlock || total >= want {
			return wasi.Size(total), wasi.ESUCCESS
		}
		iov = advance(iov, n)
	}
}

// SockShutdown implements wasi.System (preview 1 sock_shutdown).
//
// how is ShutdownRD, ShutdownWR or both. Errors: EBADF, ENOTSOCK,
// ENOTCAPABLE (no SockShutdownRight), EINVAL (any other how), ENOTCONN.
func (s *System) SockShutdown(ctx context.Context, fd wasi.FD, how wasi.SDFlags) wasi.Errno {
	f, errno := s.sockFile(fd, wasi.SockShutdownRight)
	if errno != wasi.ESUCCESS {
		return errno
	}
	var h int
	switch how {
	case wasi.ShutdownRD:
		h = unix.SHUT_RD
	case wasi.ShutdownWR:
		h = unix.SHUT_WR
	case wasi.ShutdownRD | wasi.ShutdownWR:
		h = unix.SHUT_RDWR
	default:
		return wasi.EINVAL
	}
	return wasi.ErrnoOf(unix.Shutdown(f.fd, h))
}

// SockLocalAddress implements wasi.System (WasmEdge sock_getlocaladdr).
// The address is reported as the kernel gives it: an inet6 socket reports
// an IPv4 peer as IPv4-mapped IPv6. Errors: EBADF, ENOTSOCK, or the
// kernel's.
func (s *System) SockLocalAddress(ctx context.Context, fd wasi.FD) (wasi.SockAddr, wasi.Errno) {
	f, errno := s.sockFile(fd, 0)
	if errno != wasi.ESUCCESS {
		return wasi.SockAddr{}, errno
	}
	var sa sockaddr
	if e := getsockname(f.fd, &sa); e != 0 {
		return wasi.SockAddr{}, errnoOf(e)
	}
	return sa.sockAddr(), wasi.ESUCCESS
}

// SockPeerAddress implements wasi.System (WasmEdge sock_getpeeraddr), as
// SockLocalAddress; ENOTCONN on a socket that is not connected.
func (s *System) SockPeerAddress(ctx context.Context, fd wasi.FD) (wasi.SockAddr, wasi.Errno) {
	f, errno := s.sockFile(fd, 0)
	if errno != wasi.ESUCCESS {
		return wasi.SockAddr{}, errno
	}
	var sa sockaddr
	if e := getpeername(f.fd, &sa); e != 0 {
		return wasi.SockAddr{}, errnoOf(e)
	}
	return sa.sockAddr(), wasi.ESUCCESS
}

// sockWait waits until f has events, like waitFD, for at most timeout
// (0: no limit) counted from the first wait of the call: *deadline is set
// by the first wait and kept by the following ones, so that a call that
// waits several times still honours one SO_RCVTIMEO / SO_SNDTIMEO. It
// returns EAGAIN when the time is up (what Linux returns when those
// options expire) and ECANCELED when the System is woken.
func (s *System) sockWait(f *file, events int16, timeout time.Duration, deadline *time.Time) wasi.Errno {
	if timeout <= 0 {
		return s.waitFD(f.fd, events)
	}
	if deadline.IsZero() {
		*deadline = time.Now().Add(timeout)
	}
	return s.waitFDUntil(f.fd, events, *deadline)
}
