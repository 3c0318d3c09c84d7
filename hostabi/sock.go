package hostabi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// The preview 1 socket functions. Sockets are created by preopens or by the
// WasmEdge extensions (wasmedge.go). Errnos: EINVAL (an argument that does
// not fit its witx type, or more than MaxIOVecs iovecs), EFAULT, or the
// System's.

// sockAccept implements sock_accept(fd, flags, result.fd) -> errno.
// The peer address is not part of the preview 1 ABI and is dropped.
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#sock_accept
func (h *host) sockAccept(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	flags, ok := argU16(stack, 1)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	out, ok := h.memoryOf(mod).slice(arg32(stack, 2), 4)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	fd, _, errno := h.sys.SockAccept(ctx, argFD(stack, 0), wasi.FDFlags(flags))
	if errno == wasi.ESUCCESS {
		le.PutUint32(out, uint32(fd))
	}
	ret(stack, errno)
}

// sockRecv implements sock_recv(fd, ri_data, ri_data_len, ri_flags,
// result.ro_datalen, result.ro_flags) -> errno. ro_datalen is a u32 and
// ro_flags a u16 (2 bytes written).
func (h *host) sockRecv(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	riFlags, ok := argU16(stack, 3)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	m := h.memoryOf(mod)
	iovs, out, errno := h.ioArgs(m, stack, 4)
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	flagsOut, ok := m.slice(arg32(stack, 5), 2)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	n, roFlags, e := h.sys.SockRecv(ctx, argFD(stack, 0), iovs, wasi.RIFlags(riFlags))
	errno = putCount(out, n, e, iovs)
	if errno == wasi.ESUCCESS {
		le.PutUint16(flagsOut, uint16(roFlags))
	}
	ret(stack, errno)
}

// sockSend implements sock_send(fd, si_data, si_data_len, si_flags,
// result.so_datalen) -> errno.
func (h *host) sockSend(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	siFlags, ok := argU16(stack, 3)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	iovs, out, errno := h.ioArgs(h.memoryOf(mod), stack, 4)
	if errno == wasi.ESUCCESS {
		n, e := h.sys.SockSend(ctx, argFD(stack, 0), iovs, wasi.SIFlags(siFlags))
		errno = putCount(out, n, e, iovs)
	}
	ret(stack, errno)
}

// sockShutdown implements sock_shutdown(fd, how) -> errno.
func (h *host) sockShutdown(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	how, ok := argU8(stack, 1)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	ret(stack, h.sys.SockShutdown(ctx, argFD(stack, 0), wasi.SDFlags(how)))
}
