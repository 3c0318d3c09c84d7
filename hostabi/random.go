package hostabi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// randomGet implements random_get(buf, buf_len) -> errno. The System fills
// the guest buffer in place (no copy, no allocation: a hot path).
// Errnos: EFAULT, or the System's.
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#random_get
func (h *host) randomGet(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	buf, ok := h.memoryOf(mod).slice(arg32(stack, 0), arg32(stack, 1))
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	ret(stack, h.sys.RandomGet(ctx, buf))
}
