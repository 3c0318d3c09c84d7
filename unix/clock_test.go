//go:build linux

package unix

import (
	"testing"
	"time"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

func TestClockTimeGetMonotonic(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	prev := mono(t, s)
	for range 10000 {
		v := mono(t, s)
		if v < prev {
			t.Fatalf("monotonic went backwards: %d after %d", v, prev)
		}
		prev = v
	}
	// It is the host's CLOCK_MONOTONIC (to within the cost of a read).
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		t.Fatal(err)
	}
	if d := time.Duration(int64(mono(t, s)) - ts.Nano()); d < -time.Second || d > time.Second {
		t.Errorf("monotonic is %v away from CLOCK_MONOTONIC", d)
	}
}

func TestClockTimeGetHost(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	ctx := t.Context()
	rt, errno := s.ClockTimeGet(ctx, wasi.Realtime, 1)
	if errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	if d := time.Duration(int64(rt) - time.Now().UnixNano()); d < -time.Minute || d > time.Minute {
		t.Errorf("realtime is %v away from time.Now", d)
	}
	for _, id := range []wasi.ClockID{wasi.ProcessCPUTimeID, wasi.ThreadCPUTimeID} {
		v, errno := s.ClockTimeGet(ctx, id, 1)
		if errno != wasi.ESUCCESS || v == 0 {
			t.Errorf("%v: got (%d, %v), want a non-zero time", id, v, errno)
		}
	}
	for _, id := range []wasi.ClockID{wasi.Realtime, wasi.Monotonic, wasi.ProcessCPUTimeID, wasi.ThreadCPUTimeID} {
		res, errno := s.ClockResGet(ctx, id)
		if errno != wasi.ESUCCESS || res == 0 || res > wasi.Timestamp(time.Second) {
			t.Errorf("resolution of %v: got (%d, %v)", id, res, errno)
		}
	}
}

func TestClockUnknown(t *testing.T) {
	for _, tc := range []struct {
		name  string
		clock Clock
	}{{"host", nil}, {"config", frozenClock{t: 5}}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := noStdio()
			cfg.Clock = tc.clock
			s := newMiscSystem(t, cfg)
			for _, id := range []wasi.ClockID{4, 99, 1 << 31} {
				if _, errno := s.ClockTimeGet(t.Context(), id, 0); errno != wasi.EINVAL {
					t.Errorf("ClockTimeGet(%v): got %v, want EINVAL", id, errno)
				}
				if _, errno := s.ClockResGet(t.Context(), id); errno != wasi.EINVAL {
					t.Errorf("ClockResGet(%v): got %v, want EINVAL", id, errno)
				}
			}
		})
	}
}

func TestClockConfig(t *testing.T) {
	cfg := noStdio()
	cfg.Clock = frozenClock{t: 1234, noRealtime: true}
	s := newMiscSystem(t, cfg)
	ctx := t.Context()
	if v, errno := s.ClockTimeGet(ctx, wasi.Monotonic, 0); v != 1234 || errno != wasi.ESUCCESS {
		t.Errorf("monotonic: got (%d, %v), want (1234, ESUCCESS)", v, errno)
	}
	if _, errno := s.ClockTimeGet(ctx, wasi.Realtime, 0); errno != wasi.ENOTSUP {
		t.Errorf("refused realtime: got %v, want ENOTSUP", errno)
	}
	// The CPU clocks are the Config.Clock's to answer too (here: refused).
	if _, errno := s.ClockTimeGet(ctx, wasi.ProcessCPUTimeID, 0); errno != wasi.EINVAL {
		t.Errorf("process cputime: got %v, want the clock's EINVAL", errno)
	}
	// A resolution of 0 is reported as 1: guests divide by it.
	if res, errno := s.ClockResGet(ctx, wasi.Monotonic); res != 1 || errno != wasi.ESUCCESS {
		t.Errorf("resolution: got (%d, %v), want (1, ESUCCESS)", res, errno)
	}
}

func TestClockNoAllocs(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	ctx := t.Context()
	for _, id := range []wasi.ClockID{wasi.Realtime, wasi.Monotonic, wasi.ProcessCPUTimeID} {
		if allocs := testing.AllocsPerRun(100, func() { s.ClockTimeGet(ctx, id, 1) }); allocs != 0 {
			t.Errorf("%v: %v allocs per ClockTimeGet, want 0", id, allocs)
		}
	}
}
