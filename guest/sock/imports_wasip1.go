//go:build wasip1

package sock

import (
	"syscall"
	"unsafe"
)

// Host imports, WasmEdge V2 signatures (a host that only knows V1 rejects
// sock_recv_from and sock_get*addr at link time). Addresses are passed as
// {u32 buf_ptr; u32 buf_len}: raw 4- and 16-byte addresses in, 128-byte
// storage blocks (u16 family, address at offset 2) out. Accepting goes
// through Go's own syscall.Accept (preview 1's sock_accept).

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

//go:wasmimport wasi_snapshot_preview1 sock_getsockopt
//go:noescape
func sock_getsockopt(fd, level, name int32, value, valueLen unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_setsockopt
//go:noescape
func sock_setsockopt(fd, level, name int32, value unsafe.Pointer, valueLen uint32) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_getlocaladdr
//go:noescape
func sock_getlocaladdr(fd int32, addr, port unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_getpeeraddr
//go:noescape
func sock_getpeeraddr(fd int32, addr, port unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_recv_from
//go:noescape
func sock_recv_from(fd int32, iovs unsafe.Pointer, iovsLen uint32, addr unsafe.Pointer, flags uint32, port, nread, oflags unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_send_to
//go:noescape
func sock_send_to(fd int32, iovs unsafe.Pointer, iovsLen uint32, addr unsafe.Pointer, port uint32, flags uint32, nwritten unsafe.Pointer) syscall.Errno

//go:wasmimport wasi_snapshot_preview1 sock_getaddrinfo
//go:noescape
func sock_getaddrinfo(node unsafe.Pointer, nodeLen uint32, service unsafe.Pointer, serviceLen uint32, hints, res unsafe.Pointer, maxResLen uint32, resLen unsafe.Pointer) syscall.Errno
