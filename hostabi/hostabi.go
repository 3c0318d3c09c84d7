// Package hostabi is the wazero host module "wasi_snapshot_preview1" (and,
// for guests that import it, "wasi_unstable", WASI preview 0, translated
// onto the same System: unstable.go): it decodes guest memory, checks every
// pointer and length before any side effect, caps every guest-driven
// count, and calls a wasi.System.
//
// Trust boundary: everything read from the guest (stack values and linear
// memory) is hostile. A guest pointer never leaves this package; the System
// sees Go values and slices that alias validated guest memory. The System
// itself is trusted to honour its contract (it is wasibox's own code), but
// counts it returns are still clamped to the buffers they describe so that a
// buggy System cannot make this package write out of bounds.
//
// Every host function follows the same order, so that a bad argument never
// has a side effect:
//
//  1. a closed module stops here (the guest is terminated with the module's
//     exit code, design decision 8);
//  2. integer arguments that do not fit their witx type, and guest-driven
//     counts over a cap, are rejected (EINVAL, ENAMETOOLONG);
//  3. every input and output range is bounds-checked (EFAULT), with uint64
//     arithmetic so that ptr+len cannot wrap;
//  4. the System is called;
//  5. results are written to the ranges checked in step 3.
//
// Hot paths (fd_read, fd_write, clock_time_get, random_get, poll_oneoff) do
// not allocate: the iovec, subscription and event slices are scratch space
// owned by the host instance that Instantiate creates.
//
// Usage:
//
//	r := wazero.NewRuntime(ctx)
//	guest, _ := r.CompileModule(ctx, wasm)
//	sys, _ := unix.New(unix.Config{Args: []string{"app"}, Stdin: 0, Stdout: 1, Stderr: 2})
//	host, err := hostabi.Instantiate(ctx, r, sys, guest)
//	if err != nil { ... }
//	defer host.Close(ctx)
//	_, err = r.InstantiateModule(ctx, guest, wazero.NewModuleConfig())
package hostabi

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox/wasi"
)

// ModuleName is the import module name of WASI preview 1.
const ModuleName = "wasi_snapshot_preview1"

// Caps on guest-driven counts, checked before anything is allocated or read
// (design decision 6).
const (
	// MaxIOVecs is the largest iovec count accepted by fd_read, fd_write,
	// fd_pread, fd_pwrite, sock_recv and sock_send; more is EINVAL, as
	// readv(2) does past IOV_MAX (1024 on Linux).
	MaxIOVecs = 1024
	// MaxPathLen is the longest path accepted, in bytes; longer is
	// ENAMETOOLONG, as PATH_MAX (4096 on Linux).
	MaxPathLen = 4096
	// MaxPollSubscriptions is the largest nsubscriptions accepted by
	// poll_oneoff; more is EINVAL. It bounds the scratch space kept per
	// instance (4096 * (48+32) bytes = 320 KiB at most).
	MaxPollSubscriptions = 4096
)

// Instantiate builds and instantiates the host module in r, backed by sys.
// guest, if not nil, is the compiled guest module: its imports select the
// WasmEdge socket ABI generation to export (V1 or V2 signatures), and
// whether the preview 0 module "wasi_unstable" is instantiated as well
// (unstable.go). The returned closer removes the host modules from r.
//
// The host module serves one guest instance (design decision 10): its
// scratch buffers are not safe for concurrent host calls, so a guest that
// runs several threads needs one Instantiate (and one System) per thread
// group. Instantiate may be called once per runtime, as wazero refuses two
// modules with the same name.
func Instantiate(ctx context.Context, r wazero.Runtime, sys wasi.System, guest wazero.CompiledModule) (api.Closer, error) {
	if sys == nil {
		return nil, fmt.Errorf("hostabi: nil wasi.System")
	}
	h := newHost(sys)
	b := r.NewHostModuleBuilder(ModuleName)
	h.register(b)
	// The WasmEdge extensions are registered after preview 1 so that an
	// extension whose name collides with a preview 1 function (sock_accept
	// in the V1 ABI) replaces it: wazero keeps the last export of a name.
	if err := h.registerWasmEdge(b, guest); err != nil {
		return nil, fmt.Errorf("hostabi: %w", err)
	}
	m, err := b.Instantiate(ctx)
	if err != nil {
		return nil, fmt.Errorf("hostabi: instantiate %s: %w", ModuleName, err)
	}
	return h.instantiateUnstable(ctx, r, guest, m) // wasi_unstable too, if guest imports it
}

// host is one instance of the host module: the System it calls and the
// scratch space that keeps hot paths allocation-free. Invariant: scratch
// slices are only used within one host call; nothing in them is meaningful
// between calls.
type host struct {
	sys wasi.System

	// mod and mem cache the calling module and its memory (see memoryOf).
	mod api.Module
	mem api.Memory

	iovs   [][]byte            // decoded iovecs, aliasing guest memory; len ≤ MaxIOVecs
	subs   []wasi.Subscription // decoded poll_oneoff subscriptions; len ≤ MaxPollSubscriptions
	events []wasi.Event        // poll_oneoff events filled by the System

	pacer // pace, called at the start of every host call (sched.go)
}

func newHost(sys wasi.System) *host {
	return &host{
		sys:    sys,
		iovs:   make([][]byte, 0, 16),
		subs:   make([]wasi.Subscription, 0, 8),
		events: make([]wasi.Event, 0, 8),
	}
}

// register exports every preview 1 function of the table, in spec order.
func (h *host) register(b wazero.HostModuleBuilder) {
	h.registerFuncs(b, table())
}

// registerFuncs exports the functions of t, bound to h. Preview 0
// (unstable.go) registers its table through it too, so that both host
// modules wrap their functions the same way.
func (h *host) registerFuncs(b wazero.HostModuleBuilder, t []FuncInfo) {
	for _, f := range t {
		fn := f.impl
		b.NewFunctionBuilder().
			WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, mod api.Module, stack []uint64) {
				h.pace()
				fn(h, ctx, mod, stack)
			}), f.ParamTypes, f.ResultTypes).
			WithParameterNames(f.ParamNames...).
			WithResultNames(f.ResultNames...).
			Export(f.Name)
	}
}

// exitIfClosed terminates the guest when its module was closed, by a
// timeout, a signal or another goroutine (design decision 8): without it, a
// guest that loops over host calls would keep running after Close. The
// check is one atomic load; the slow path is out of line.
func exitIfClosed(mod api.Module) {
	if mod.IsClosed() {
		exitClosed(mod)
	}
}

// exitClosed panics with the *sys.ExitError that wazero itself reports for
// a closed module, so that callers see the exit code given to
// CloseWithExitCode. wazero's module instance has FailIfClosed for that;
// it is not part of api.Module, hence the interface assertion.
//
//go:noinline
func exitClosed(mod api.Module) {
	if f, ok := mod.(interface{ FailIfClosed() error }); ok {
		if err := f.FailIfClosed(); err != nil {
			panic(err)
		}
	}
	panic(sys.NewExitError(sys.ExitCodeContextCanceled))
}

// ret stores errno as the result of a host function.
func ret(stack []uint64, errno wasi.Errno) {
	stack[0] = uint64(errno)
}
