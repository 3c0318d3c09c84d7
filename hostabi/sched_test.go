package hostabi

import (
	"testing"
	"time"
)

// TestPacerReadsClockEveryPaceCheck checks that the pacer reads the clock
// only once every paceCheck host calls: the first reading sets the epoch.
func TestPacerReadsClockEveryPaceCheck(t *testing.T) {
	var p pacer
	for i := 1; i < paceCheck; i++ {
		p.pace()
		if !p.epoch.IsZero() {
			t.Fatalf("clock read after %d calls, want %d", i, paceCheck)
		}
	}
	p.pace()
	if p.epoch.IsZero() {
		t.Fatalf("clock not read after %d calls", paceCheck)
	}
}

// TestPacerDue checks the yield schedule: one yield per yieldAfter of host
// calls, counted from the last yield.
func TestPacerDue(t *testing.T) {
	var p pacer
	ms := time.Millisecond
	steps := []struct {
		now  time.Duration
		want bool
	}{
		{0, false},
		{yieldAfter - 1, false},
		{yieldAfter, true},
		{yieldAfter + ms, false},
		{2*yieldAfter - 1, false},
		{2 * yieldAfter, true},
		{10 * yieldAfter, true}, // after a long host call: one yield, not several
		{10*yieldAfter + ms, false},
	}
	for _, s := range steps {
		if got := p.due(s.now); got != s.want {
			t.Errorf("due(%v) = %v, want %v", s.now, got, s.want)
		}
	}
}

// TestPacerAllocs checks that pacing allocates nothing (every host call
// pays it).
func TestPacerAllocs(t *testing.T) {
	var p pacer
	if n := testing.AllocsPerRun(1000, p.pace); n != 0 {
		t.Errorf("pace: %v allocs, want 0", n)
	}
}
