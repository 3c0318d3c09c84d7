//go:build linux

package unix

// TEMPORARY: ENOSYS stubs, removed as each method is implemented.

import (
	"context"

	"github.com/wasibox/wasibox/wasi"
)

// ArgsGet implements wasi.System.
func (s *System) ArgsGet(ctx context.Context) ([]string, wasi.Errno) {
	return nil, wasi.ENOSYS
}

// EnvironGet implements wasi.System.
func (s *System) EnvironGet(ctx context.Context) ([]string, wasi.Errno) {
	return nil, wasi.ENOSYS
}

// ClockResGet implements wasi.System.
func (s *System) ClockResGet(ctx context.Context, id wasi.ClockID) (wasi.Timestamp, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// ClockTimeGet implements wasi.System.
func (s *System) ClockTimeGet(ctx context.Context, id wasi.ClockID, precision wasi.Timestamp) (wasi.Timestamp, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// PollOneOff implements wasi.System.
func (s *System) PollOneOff(ctx context.Context, subs []wasi.Subscription, events []wasi.Event) (int, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// ProcExit implements wasi.System.
func (s *System) ProcExit(ctx context.Context, code wasi.ExitCode) wasi.Errno {
	return wasi.ENOSYS
}

// ProcRaise implements wasi.System.
func (s *System) ProcRaise(ctx context.Context, sig wasi.Signal) wasi.Errno {
	return wasi.ENOSYS
}

// SchedYield implements wasi.System.
func (s *System) SchedYield(ctx context.Context) wasi.Errno {
	return wasi.ENOSYS
}

// RandomGet implements wasi.System.
func (s *System) RandomGet(ctx context.Context, buf []byte) wasi.Errno {
	return wasi.ENOSYS
}
