package hostabi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox/wasi"
)

// procExit implements proc_exit(rval), which does not return: the System is
// told, then the module is closed with the exit code and the call unwinds
// with *sys.ExitError, as wazero's own WASI does, so that nothing runs after
// it (LLVM puts `unreachable` after calls to exit, see
// https://github.com/emscripten-core/emscripten/issues/12322). The exit code
// is passed through as is; wasibox run maps codes above 255.
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#proc_exit
func (h *host) procExit(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	code := arg32(stack, 0)
	_ = h.sys.ProcExit(ctx, code) // noreturn: an errno has nowhere to go
	_ = mod.CloseWithExitCode(ctx, code)
	panic(sys.NewExitError(code))
}

// procRaise implements proc_raise(sig) -> errno.
// Errnos: EINVAL (sig does not fit the u8 signal type), or the System's.
func (h *host) procRaise(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	sig, ok := argU8(stack, 0)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	ret(stack, h.sys.ProcRaise(ctx, wasi.Signal(sig)))
}

// schedYield implements sched_yield() -> errno.
func (h *host) schedYield(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	ret(stack, h.sys.SchedYield(ctx))
}
