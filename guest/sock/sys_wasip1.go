//go:build wasip1

package sock

import (
	"encoding/binary"
	"net/netip"
	"runtime"
	"syscall"
	"unsafe"
)

// WasmEdge numbering of families, socket types and options.
const (
	afInet  = 1
	afInet6 = 2

	sockDgram  = 1
	sockStream = 2

	solSocket   = 0
	soReuseAddr = 0
	soError     = 2
	soBroadcast = 4
	solTCP      = 6
	tcpNoDelay  = 15

	// backlog of listening sockets; the host clamps it to its own maximum.
	backlog = 1024

	// addrStorageSize is the V2 output address block: u16 family, then
	// the address at offset 2.
	addrStorageSize = 128
)

// uintptr32 is a guest pointer as the host sees it (wasm32 linear memory).
type uintptr32 = uint32

func ptr32(p unsafe.Pointer) uintptr32 { return uintptr32(uintptr(p)) }

// addrDesc is the {u32 buf_ptr; u32 buf_len} that every address argument
// points to.
type addrDesc struct {
	buf    uintptr32
	bufLen uint32
}

// iovec is a wasm32 iovec.
type iovec struct {
	buf    uintptr32
	bufLen uint32
}

// rawAddr is an input address: the raw bytes and their descriptor, in one
// heap object so that the pointer inside desc stays valid during the call.
type rawAddr struct {
	ip   [16]byte
	desc addrDesc
}

func newRawAddr(ip netip.Addr) *rawAddr {
	a := &rawAddr{}
	if ip.Is4() {
		b := ip.As4()
		copy(a.ip[:], b[:])
		a.desc = addrDesc{ptr32(unsafe.Pointer(&a.ip)), 4}
	} else {
		a.ip = ip.As16()
		a.desc = addrDesc{ptr32(unsafe.Pointer(&a.ip)), 16}
	}
	return a
}

// storage is an output address block with its descriptor.
type storage struct {
	b    [addrStorageSize]byte
	desc addrDesc
	port uint32 // written as a u16 or a u32 by hosts: read the low 16 bits
}

func newStorage() *storage {
	s := &storage{}
	s.desc = addrDesc{ptr32(unsafe.Pointer(&s.b)), addrStorageSize}
	return s
}

// addrPort decodes the block (ok false for a family other than inet and
// inet6, e.g. an unconnected stream socket's zero family).
func (s *storage) addrPort() (netip.AddrPort, bool) {
	port := uint16(s.port)
	switch binary.LittleEndian.Uint16(s.b[:]) {
	case afInet:
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte(s.b[2:6])), port), true
	case afInet6:
		return netip.AddrPortFrom(netip.AddrFrom16([16]byte(s.b[2:18])).Unmap(), port), true
	}
	return netip.AddrPort{}, false
}

func errnoErr(e syscall.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}

func socket(af, typ int) (int, error) {
	var fd int32
	errno := sock_open(int32(af), int32(typ), unsafe.Pointer(&fd))
	if errno != 0 {
		return -1, errno
	}
	return int(fd), nil
}

func familyOf(ip netip.Addr) int {
	if ip.Is4() {
		return afInet
	}
	return afInet6
}

func bind(fd int, ap netip.AddrPort) error {
	a := newRawAddr(ap.Addr())
	errno := sock_bind(int32(fd), unsafe.Pointer(&a.desc), uint32(ap.Port()))
	runtime.KeepAlive(a)
	return errnoErr(errno)
}

func connect(fd int, ap netip.AddrPort) error {
	a := newRawAddr(ap.Addr())
	errno := sock_connect(int32(fd), unsafe.Pointer(&a.desc), uint32(ap.Port()))
	runtime.KeepAlive(a)
	return errnoErr(errno)
}

func listen(fd, n int) error { return errnoErr(sock_listen(int32(fd), int32(n))) }

func getsockoptInt(fd, level, name int) (int, error) {
	var v int32
	n := uint32(4)
	errno := sock_getsockopt(int32(fd), int32(level), int32(name), unsafe.Pointer(&v), unsafe.Pointer(&n))
	if errno != 0 {
		return 0, errno
	}
	return int(v), nil
}

func setsockoptInt(fd, level, name, value int) error {
	v := int32(value)
	return errnoErr(sock_setsockopt(int32(fd), int32(level), int32(name), unsafe.Pointer(&v), 4))
}

// sockname returns the local (peer false) or peer address of fd.
func sockname(fd int, peer bool) (netip.AddrPort, error) {
	s := newStorage()
	var errno syscall.Errno
	if peer {
		errno = sock_getpeeraddr(int32(fd), unsafe.Pointer(&s.desc), unsafe.Pointer(&s.port))
	} else {
		errno = sock_getlocaladdr(int32(fd), unsafe.Pointer(&s.desc), unsafe.Pointer(&s.port))
	}
	if errno != 0 {
		return netip.AddrPort{}, errno
	}
	ap, ok := s.addrPort()
	if !ok {
		return netip.AddrPort{}, syscall.EAFNOSUPPORT
	}
	return ap, nil
}

// recvFrom receives one datagram into p. s is the caller's scratch block
// (its descriptor is reused).
func recvFrom(fd int, p []byte, s *storage) (int, netip.AddrPort, error) {
	iov := iovec{ptr32(unsafe.Pointer(unsafe.SliceData(p))), uint32(len(p))}
	var n uint32
	var oflags uint32
	s.port = 0
	errno := sock_recv_from(int32(fd), unsafe.Pointer(&iov), 1, unsafe.Pointer(&s.desc), 0,
		unsafe.Pointer(&s.port), unsafe.Pointer(&n), unsafe.Pointer(&oflags))
	runtime.KeepAlive(p)
	if errno != 0 {
		return 0, netip.AddrPort{}, errno
	}
	ap, _ := s.addrPort()
	return int(min(n, uint32(len(p)))), ap, nil
}

// sendTo sends p as one datagram to ap.
func sendTo(fd int, p []byte, ap netip.AddrPort) (int, error) {
	a := newRawAddr(ap.Addr())
	iov := iovec{ptr32(unsafe.Pointer(unsafe.SliceData(p))), uint32(len(p))}
	var n uint32
	errno := sock_send_to(int32(fd), unsafe.Pointer(&iov), 1, unsafe.Pointer(&a.desc), uint32(ap.Port()), 0, unsafe.Pointer(&n))
	runtime.KeepAlive(p)
	runtime.KeepAlive(a)
	if errno != 0 {
		return 0, errno
	}
	return int(min(n, uint32(len(p)))), nil
}
