//go:build wasip1

package main

// Raw probes for the denial tests. Each makes the calls of one operation
// through the WasmEdge imports and prints one line per call,
// "<call> <errno>" (the WASI errno, 0 for success), stopping after the
// first failure; the exit status is 0 unless the arguments are bad.
//
//	op       calls
//	open     sock_open(family, stream)
//	connect  sock_open(family, stream), sock_connect(addr, port)
//	listen   sock_open(family, stream), sock_bind(addr, port), sock_listen
//	sendto   sock_open(family, dgram), sock_send_to("probe", addr, port)
//
// family is inet, inet6 or unix; addr is an IP literal, passed as its raw
// 4 or 16 bytes exactly as written (so ::ffff:127.0.0.1 reaches the host
// as IPv4-mapped IPv6, which guest/sock would have unmapped), or unix:PATH,
// passed as a 128-byte V2 address block of family unix (3).

import (
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

//go:wasmimport wasi_snapshot_preview1 sock_open
//go:noescape
func sock_open(af, socktype int32, fd unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_bind
//go:noescape
func sock_bind(fd int32, addr unsafe.Pointer, port uint32) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_connect
//go:noescape
func sock_connect(fd int32, addr unsafe.Pointer, port uint32) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_listen
//go:noescape
func sock_listen(fd, backlog int32) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_send_to
//go:noescape
func sock_send_to(fd int32, iovs unsafe.Pointer, iovsLen uint32, addr unsafe.Pointer, port uint32, flags uint32, nwritten unsafe.Pointer) syscall.Errno

const (
	afInet  = 1
	afInet6 = 2
	afUnix  = 3

	sockDgram  = 1
	sockStream = 2
)

// rawAddr is an address argument: {u32 buf_ptr; u32 buf_len} pointing at
// buf, in one heap object so that the pointer stays valid.
type rawAddr struct {
	buf  [128]byte
	desc [2]uint32
}

func ptr32(p unsafe.Pointer) uint32 { return uint32(uintptr(p)) }

func parseAddr(s string) (*rawAddr, bool) {
	a := &rawAddr{}
	n := 0
	if path, ok := strings.CutPrefix(s, "unix:"); ok {
		if len(path) > len(a.buf)-3 {
			return nil, false
		}
		a.buf[0] = afUnix // u16 little-endian family
		copy(a.buf[2:], path)
		n = len(a.buf)
	} else {
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return nil, false
		}
		if ip.Is4() {
			b := ip.As4()
			n = copy(a.buf[:], b[:])
		} else {
			b := ip.As16()
			n = copy(a.buf[:], b[:])
		}
	}
	a.desc = [2]uint32{ptr32(unsafe.Pointer(&a.buf)), uint32(n)}
	return a, true
}

func probe(op, family, addr, port string) int {
	var af int32
	switch family {
	case "inet":
		af = afInet
	case "inet6":
		af = afInet6
	case "unix":
		af = afUnix
	default:
		usage()
	}
	a, ok := parseAddr(addr)
	p, err := strconv.ParseUint(port, 10, 16)
	if !ok || err != nil {
		usage()
	}
	typ := int32(sockStream)
	if op == "sendto" {
		typ = sockDgram
	}
	report := func(call string, e syscall.Errno) bool {
		fmt.Printf("%s %d\n", call, uint16(e))
		return e == 0
	}
	var fd int32
	if !report("sock_open", sock_open(af, typ, unsafe.Pointer(&fd))) {
		return 0
	}
	switch op {
	case "open":
	case "connect":
		report("sock_connect", sock_connect(fd, unsafe.Pointer(&a.desc), uint32(p)))
	case "listen":
		if report("sock_bind", sock_bind(fd, unsafe.Pointer(&a.desc), uint32(p))) {
			report("sock_listen", sock_listen(fd, 16))
		}
	case "sendto":
		msg := []byte("probe")
		iov := [2]uint32{ptr32(unsafe.Pointer(&msg[0])), uint32(len(msg))}
		var n uint32
		report("sock_send_to", sock_send_to(fd, unsafe.Pointer(&iov), 1, unsafe.Pointer(&a.desc), uint32(p), 0, unsafe.Pointer(&n)))
		runtime.KeepAlive(msg)
	default:
		usage()
	}
	runtime.KeepAlive(a)
	os.Stdout.Sync()
	return 0
}
