package hostabi

import (
	"runtime"
	"time"
)

// Pacing of the guest's goroutine (see pacer).
const (
	// yieldAfter is how long the guest's goroutine runs host calls before
	// it yields: well inside the 10 ms after which Go's sysmon forcibly
	// preempts a goroutine, and long enough that the yields themselves
	// (a Gosched wakes an idle P, so the goroutine may continue on another
	// thread) cost nothing measurable.
	yieldAfter = 4 * time.Millisecond
	// paceCheck is how many host calls pass between two readings of the
	// clock: one monotonic vDSO read (~30 ns) per 32 calls.
	paceCheck = 32
)

// pacer makes the guest's goroutine yield the processor with
// runtime.Gosched about every yieldAfter of host calls. The host module
// calls pace at the start of every host call.
//
// Why: a guest goroutine that makes host call after host call never passes
// through Go's scheduler on its own (a system call made with
// syscall.Syscall that returns quickly keeps its P), so its P's schedule
// tick stays the same. Once that has lasted 10 ms, sysmon treats the
// goroutine as long-running: it asks for a preemption, and when it finds
// the goroutine inside a system call, which a guest doing I/O nearly
// always is, it takes the P away (retake, handoffp) and wakes another
// thread for it. The system call then returns without a P, the goroutine
// is rescheduled, often on the other thread, and because sysmon retook a
// P it keeps polling every 20 µs instead of backing off to 10 ms, which
// keeps interrupting the guest's thread. On a 2-core host, 2 M 64-byte
// file writes from one goroutine made ~30,000 context switches (C: ~600)
// and cost ~+250 ns of CPU per write, spread over every kernel function
// of the write (cold caches after each thread switch). A Gosched now and
// then moves the schedule tick forward, so the forced preemption never
// comes, without RawSyscall's danger of holding the P through a call
// that blocks. The yield is timed rather than counted because a Gosched
// is not free either: it wakes an idle P, whose thread often takes the
// goroutine over, so yielding every few hundred calls made as many thread
// switches as it saved.
//
// A yield also lets other goroutines of the host process run (other
// guests, timers), which is only fair. The state is not atomic: a host
// instance serves one guest, one call at a time (Instantiate).
type pacer struct {
	calls   uint32        // host calls made
	epoch   time.Time     // the clock's origin, with a monotonic reading
	yielded time.Duration // when the goroutine last yielded, since epoch
}

// pace counts one host call, and yields when one is due.
func (p *pacer) pace() {
	p.calls++
	if p.calls%paceCheck != 0 {
		return
	}
	if p.epoch.IsZero() {
		p.epoch = time.Now()
	}
	if p.due(time.Since(p.epoch)) { // Since reads only the monotonic clock
		runtime.Gosched()
	}
}

// due reports whether the goroutine should yield at now (time since
// epoch), and if so records that it did.
func (p *pacer) due(now time.Duration) bool {
	if now-p.yielded < yieldAfter {
		return false
	}
	p.yielded = now
	return true
}
