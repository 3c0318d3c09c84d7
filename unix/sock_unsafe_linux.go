//go:build linux

package unix

// Raw socket system calls. golang.org/x/sys/unix wraps these with a
// unix.Sockaddr interface value and a freshly allocated []unix.Iovec per
// call; sock_send and sock_recv are hot paths that must not allocate, and
// recvmsg's msg_flags (MSG_TRUNC) is needed for wasi.RecvDataTruncated, so
// the socket code builds the kernel structures itself. All unsafe pointer
// conversions of the socket code live in this file.

import (
	"net/netip"
	"syscall"
	"unsafe"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// sockaddr is a kernel socket address being built or decoded: room for any
// family, and the length that the kernel takes or gave back.
type sockaddr struct {
	raw unix.RawSockaddrAny
	len uint32
}

func (sa *sockaddr) ptr() uintptr { return uintptr(unsafe.Pointer(&sa.raw)) }

// setInet4 stores an AF_INET address.
func (sa *sockaddr) setInet4(ip [4]byte, port uint16) {
	p := (*unix.RawSockaddrInet4)(unsafe.Pointer(&sa.raw))
	*p = unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: ip}
	putPort(&p.Port, port)
	sa.len = unix.SizeofSockaddrInet4
}

// setInet6 stores an AF_INET6 address. The zone is dropped (design
// decision 5): scope ids are host interface numbers the guest cannot know.
func (sa *sockaddr) setInet6(ip [16]byte, port uint16) {
	p := (*unix.RawSockaddrInet6)(unsafe.Pointer(&sa.raw))
	*p = unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: ip}
	putPort(&p.Port, port)
	sa.len = unix.SizeofSockaddrInet6
}

// sockAddr decodes the address the kernel wrote. An address the kernel left
// empty (a connected stream's recvmsg) is the zero SockAddr; an unnamed
// unix-domain socket has the unix family and an empty path. inet and inet6
// never allocate.
func (sa *sockaddr) sockAddr() wasi.SockAddr {
	if sa.len < 2 {
		return wasi.SockAddr{}
	}
	switch sa.raw.Addr.Family {
	case unix.AF_INET:
		if sa.len < unix.SizeofSockaddrInet4 {
			return wasi.SockAddr{}
		}
		p := (*unix.RawSockaddrInet4)(unsafe.Pointer(&sa.raw))
		return wasi.SockAddr{Family: wasi.InetFamily,
			Addr: netip.AddrPortFrom(netip.AddrFrom4(p.Addr), getPort(&p.Port))}
	case unix.AF_INET6:
		if sa.len < unix.SizeofSockaddrInet6 {
			return wasi.SockAddr{}
		}
		p := (*unix.RawSockaddrInet6)(unsafe.Pointer(&sa.raw))
		return wasi.SockAddr{Family: wasi.Inet6Family,
			Addr: netip.AddrPortFrom(netip.AddrFrom16(p.Addr), getPort(&p.Port))}
	case unix.AF_UNIX:
		p := (*unix.RawSockaddrUnix)(unsafe.Pointer(&sa.raw))
		n := int(sa.len) - 2
		if n <= 0 {
			return wasi.SockAddr{Family: wasi.UnixFamily} // unnamed
		}
		n = min(n, len(p.Path))
		path := unsafe.Slice((*byte)(unsafe.Pointer(&p.Path[0])), n)
		if path[0] == 0 {
			// Abstract namespace: shown with a leading '@' as ss(8) does.
			return wasi.SockAddr{Family: wasi.UnixFamily, Path: "@" + string(path[1:])}
		}
		for i, c := range path {
			if c == 0 {
				path = path[:i]
				break
			}
		}
		return wasi.SockAddr{Family: wasi.UnixFamily, Path: string(path)}
	}
	return wasi.SockAddr{}
}

// Ports are in network byte order in the kernel's structures.
func putPort(p *uint16, port uint16) {
	b := (*[2]byte)(unsafe.Pointer(p))
	b[0], b[1] = byte(port>>8), byte(port)
}

func getPort(p *uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(p))
	return uint16(b[0])<<8 | uint16(b[1])
}

// sendmsg sends iov to the connected peer, or to *to when to is not nil.
func sendmsg(fd int, iov []unix.Iovec, to *sockaddr, flags int) (int, syscall.Errno) {
	var msg unix.Msghdr
	if to != nil {
		msg.Name = (*byte)(unsafe.Pointer(&to.raw))
		msg.Namelen = to.len
	}
	if len(iov) > 0 {
		msg.Iov = unsafe.SliceData(iov)
		msg.SetIovlen(len(iov))
	}
	n, _, e := unix.Syscall(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), uintptr(flags))
	if e != 0 {
		return 0, e
	}
	return int(n), 0
}

// recvmsg receives into iov and returns the count and msg_flags; when from
// is not nil it receives the source address.
func recvmsg(fd int, iov []unix.Iovec, from *sockaddr, flags int) (int, int, syscall.Errno) {
	var msg unix.Msghdr
	if from != nil {
		msg.Name = (*byte)(unsafe.Pointer(&from.raw))
		msg.Namelen = unix.SizeofSockaddrAny
	}
	if len(iov) > 0 {
		msg.Iov = unsafe.SliceData(iov)
		msg.SetIovlen(len(iov))
	}
	n, _, e := unix.Syscall(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), uintptr(flags))
	if e != 0 {
		return 0, 0, e
	}
	if from != nil {
		from.len = msg.Namelen
	}
	return int(n), int(msg.Flags), 0
}

// bind and connect take a built address.
func bind(fd int, sa *sockaddr) syscall.Errno {
	_, _, e := unix.Syscall(unix.SYS_BIND, uintptr(fd), sa.ptr(), uintptr(sa.len))
	return e
}

func connect(fd int, sa *sockaddr) syscall.Errno {
	_, _, e := unix.Syscall(unix.SYS_CONNECT, uintptr(fd), sa.ptr(), uintptr(sa.len))
	return e
}

// accept4 accepts a connection and stores the peer's address in from.
func accept4(fd int, from *sockaddr, flags int) (int, syscall.Errno) {
	from.len = unix.SizeofSockaddrAny
	n, _, e := unix.Syscall6(unix.SYS_ACCEPT4, uintptr(fd), from.ptr(), uintptr(unsafe.Pointer(&from.len)), uintptr(flags), 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(n), 0
}

// getsockname and getpeername store the local or peer address in sa.
func getsockname(fd int, sa *sockaddr) syscall.Errno {
	sa.len = unix.SizeofSockaddrAny
	_, _, e := unix.RawSyscall(unix.SYS_GETSOCKNAME, uintptr(fd), sa.ptr(), uintptr(unsafe.Pointer(&sa.len)))
	return e
}

func getpeername(fd int, sa *sockaddr) syscall.Errno {
	sa.len = unix.SizeofSockaddrAny
	_, _, e := unix.RawSyscall(unix.SYS_GETPEERNAME, uintptr(fd), sa.ptr(), uintptr(unsafe.Pointer(&sa.len)))
	return e
}
