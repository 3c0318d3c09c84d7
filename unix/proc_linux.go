//go:build linux

package unix

import (
	"context"
	"crypto/rand"
	"io"
	"runtime"
	"sync/atomic"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// rtState is the per-System state of the args, clock, poll, proc and random
// calls (clock_linux.go, poll_linux.go, this file).
type rtState struct {
	clock hostClock

	// woken is set by Wake before it writes the wake eventfd, so that a
	// poll_oneoff that would not block (zero timeout, no descriptors) can
	// tell cancellation without a system call.
	woken atomic.Bool

	// exit is exitRecorded|code once proc_exit was called. Atomic because
	// the embedder may read it from another goroutine while the guest's
	// goroutine unwinds.
	exit atomic.Uint64

	// ts is the ppoll timeout, kept here so that its address handed to the
	// kernel never makes it escape to the heap.
	ts unix.Timespec
}

const exitRecorded = 1 << 32

// ArgsGet implements wasi.System. It returns Config.Args as is (argv[0]
// first); the caller must not modify the slice.
//
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#args_get
func (s *System) ArgsGet(ctx context.Context) ([]string, wasi.Errno) {
	return s.args, wasi.ESUCCESS
}

// EnvironGet implements wasi.System. It returns Config.Environ as is
// ("KEY=value" strings); the caller must not modify the slice.
//
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#environ_get
func (s *System) EnvironGet(ctx context.Context) ([]string, wasi.Errno) {
	return s.environ, wasi.ESUCCESS
}

// ProcExit implements wasi.System. It only records code (see ExitCode) and
// returns ESUCCESS: terminating the guest is the host module's job (it
// unwinds with sys.ExitError), and the System must not block or exit the
// host process here.
//
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#proc_exit
func (s *System) ProcExit(ctx context.Context, code wasi.ExitCode) wasi.Errno {
	s.rt.exit.Store(exitRecorded | uint64(code))
	return wasi.ESUCCESS
}

// ExitCode reports the code the guest passed to proc_exit, and whether it
// called proc_exit at all. It is safe to call from any goroutine.
func (s *System) ExitCode() (code wasi.ExitCode, exited bool) {
	v := s.rt.exit.Load()
	return wasi.ExitCode(v), v&exitRecorded != 0
}

// ProcRaise implements wasi.System. It never signals the host process: a
// signal raised by a sandboxed guest would reach wasibox itself (SIGKILL,
// SIGSTOP, SIGINT...). Like wazero (ENOSYS) and unlike wasmtime (which
// traps), it reports the call as unsupported and leaves the decision to the
// guest: proc_raise was removed from WASI after preview 1
// (WebAssembly/WASI#136), and wasi-libc's raise() emulates signals inside
// the guest without calling it.
//
// Errors: EINVAL for a signal number preview 1 does not define, ENOSYS
// otherwise.
//
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#proc_raise
func (s *System) ProcRaise(ctx context.Context, sig wasi.Signal) wasi.Errno {
	if sig > wasi.SigSys {
		return wasi.EINVAL
	}
	return wasi.ENOSYS
}

// SchedYield implements wasi.System. The guest runs on a goroutine, so
// yielding means letting other goroutines run (runtime.Gosched), not
// sched_yield(2), which would only yield the current OS thread.
//
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#sched_yield
func (s *System) SchedYield(ctx context.Context) wasi.Errno {
	runtime.Gosched()
	return wasi.ESUCCESS
}

// RandomGet implements wasi.System. It fills buf from Config.Rand when set
// (io.ReadFull: a short source is EIO, never a partly filled buffer
// reported as success). Otherwise it calls getrandom(2), which x/sys
// serves from the vDSO on recent kernels without allocating (about 20%
// faster than crypto/rand.Read, which adds its own checks around the same
// call; see BenchmarkRandomGet); where getrandom fails for any reason but
// EINTR, crypto/rand, which has its own fallbacks and never fails, fills
// what is left.
//
// Errors: EIO when Config.Rand fails.
//
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#random_get
func (s *System) RandomGet(ctx context.Context, buf []byte) wasi.Errno {
	if s.rand != nil {
		if _, err := io.ReadFull(s.rand, buf); err != nil {
			return wasi.EIO
		}
		return wasi.ESUCCESS
	}
	for len(buf) > 0 {
		n, err := unix.Getrandom(buf, 0)
		if err == unix.EINTR {
			continue // large requests can be interrupted by Go's preemption signal
		}
		if err != nil || n <= 0 || n > len(buf) {
			rand.Read(buf) // documented never to fail (it crashes the process instead)
			break
		}
		buf = buf[n:]
	}
	return wasi.ESUCCESS
}
