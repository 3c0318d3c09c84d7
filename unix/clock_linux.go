//go:build linux

package unix

import (
	"context"
	"time"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// hostClock is the state behind the host's monotonic clock.
//
// The guest's monotonic clock reads CLOCK_MONOTONIC, but through Go's
// runtime: base carries a monotonic reading and time.Since(base) costs one
// vDSO call with no allocation, whereas unix.ClockGettime is a real system
// call (x/sys does not use the vDSO), several times slower; see
// BenchmarkClockTimeGet in misc_bench_test.go. offset is CLOCK_MONOTONIC at
// base, so the values the guest sees are the host's CLOCK_MONOTONIC to
// within the few nanoseconds between the two readings, and never go
// backwards because time.Since uses only the monotonic reading.
type hostClock struct {
	base   time.Time
	offset uint64
	ok     bool // base and offset are set
}

// monoNow returns the host's monotonic clock in nanoseconds. It is also the
// clock poll_oneoff waits on, whatever Config.Clock says.
func (s *System) monoNow() uint64 {
	c := &s.rt.clock
	if !c.ok {
		c.init()
	}
	return c.offset + uint64(time.Since(c.base))
}

func (c *hostClock) init() {
	c.base = time.Now()
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) == nil {
		c.offset = uint64(ts.Nano())
	}
	c.ok = true
}

// realNow returns the host's realtime clock in nanoseconds since the Unix
// epoch (0 for a host clock set before 1970).
func realNow() uint64 {
	ns := time.Now().UnixNano()
	if ns < 0 {
		return 0
	}
	return uint64(ns)
}

// hostClockID maps a WASI clock to the Linux clock it reads, or returns
// false for a clock preview 1 does not define.
func hostClockID(id wasi.ClockID) (int32, bool) {
	switch id {
	case wasi.Realtime:
		return unix.CLOCK_REALTIME, true
	case wasi.Monotonic:
		return unix.CLOCK_MONOTONIC, true
	case wasi.ProcessCPUTimeID:
		return unix.CLOCK_PROCESS_CPUTIME_ID, true
	case wasi.ThreadCPUTimeID:
		return unix.CLOCK_THREAD_CPUTIME_ID, true
	}
	return 0, false
}

// ClockResGet implements wasi.System.
//
// With Config.Clock set, every clock id that preview 1 defines is asked of
// it (so a fixed or replayed clock can also hide the CPU-time clocks);
// otherwise the result is the host's clock_getres. The result is never 0:
// guests divide by it.
//
// Errors: EINVAL for a clock id preview 1 does not define, or any errno
// Config.Clock returns.
//
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#clock_res_get
func (s *System) ClockResGet(ctx context.Context, id wasi.ClockID) (wasi.Timestamp, wasi.Errno) {
	hid, ok := hostClockID(id)
	if !ok {
		return 0, wasi.EINVAL
	}
	var res wasi.Timestamp
	if s.clock != nil {
		r, errno := s.clock.Resolution(id)
		if errno != wasi.ESUCCESS {
			return 0, errno
		}
		res = r
	} else {
		var ts unix.Timespec
		if err := unix.ClockGetres(hid, &ts); err != nil {
			return 0, wasi.ErrnoOf(err)
		}
		res = wasi.Timestamp(ts.Nano())
	}
	if res == 0 {
		res = 1
	}
	return res, wasi.ESUCCESS
}

// ClockTimeGet implements wasi.System.
//
// With Config.Clock set, every clock id that preview 1 defines is asked of
// it. Otherwise realtime and monotonic are read through Go's runtime (vDSO,
// no system call, no allocation) and the CPU-time clocks with
// clock_gettime. The precision argument is a hint and is ignored, as the
// spec allows.
//
// The thread CPU-time clock is that of the host thread running the guest at
// the moment of the call; Go may move a guest between threads, so it is
// only approximate (the process clock counts the whole host process).
//
// Errors: EINVAL for a clock id preview 1 does not define, or any errno
// Config.Clock returns.
//
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#clock_time_get
func (s *System) ClockTimeGet(ctx context.Context, id wasi.ClockID, precision wasi.Timestamp) (wasi.Timestamp, wasi.Errno) {
	if s.clock != nil {
		if _, ok := hostClockID(id); !ok {
			return 0, wasi.EINVAL
		}
		return s.clock.Now(id)
	}
	switch id {
	case wasi.Realtime:
		return realNow(), wasi.ESUCCESS
	case wasi.Monotonic:
		return s.monoNow(), wasi.ESUCCESS
	}
	hid, ok := hostClockID(id)
	if !ok {
		return 0, wasi.EINVAL
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(hid, &ts); err != nil {
		return 0, wasi.ErrnoOf(err)
	}
	return wasi.Timestamp(ts.Nano()), wasi.ESUCCESS
}

// now reads clock id for poll_oneoff (realtime or monotonic only).
func (s *System) now(id wasi.ClockID) (wasi.Timestamp, wasi.Errno) {
	if s.clock != nil {
		return s.clock.Now(id)
	}
	if id == wasi.Realtime {
		return realNow(), wasi.ESUCCESS
	}
	return s.monoNow(), wasi.ESUCCESS
}
