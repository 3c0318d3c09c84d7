package hostabi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// clockResGet implements clock_res_get(id, result.resolution) -> errno.
// Errnos: EFAULT, or the System's (EINVAL for an unsupported clock).
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#clock_res_get
func (h *host) clockResGet(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	out, ok := h.memoryOf(mod).slice(arg32(stack, 1), 8)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	res, errno := h.sys.ClockResGet(ctx, wasi.ClockID(arg32(stack, 0)))
	if errno == wasi.ESUCCESS {
		le.PutUint64(out, res)
	}
	ret(stack, errno)
}

// clockTimeGet implements clock_time_get(id, precision, result.timestamp) -> errno.
// A hot path: no allocation.
// Errnos: EFAULT, or the System's (EINVAL for an unsupported clock).
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#clock_time_get
func (h *host) clockTimeGet(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	out, ok := h.memoryOf(mod).slice(arg32(stack, 2), 8)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	t, errno := h.sys.ClockTimeGet(ctx, wasi.ClockID(arg32(stack, 0)), stack[1])
	if errno == wasi.ESUCCESS {
		le.PutUint64(out, t)
	}
	ret(stack, errno)
}
