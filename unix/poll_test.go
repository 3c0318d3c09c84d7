//go:build linux

package unix

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// newMiscSystem returns a System with no stdio unless cfg says otherwise
// (fields left at -1), closed when the test ends.
func newMiscSystem(tb testing.TB, cfg Config) *System {
	tb.Helper()
	s, err := New(cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func noStdio() Config { return Config{Stdin: -1, Stdout: -1, Stderr: -1} }

// installHost puts host descriptor hfd (ownership passes to s) in the
// guest's table with the given type and rights.
func installHost(tb testing.TB, s *System, hfd int, typ wasi.FileType, rights wasi.Rights) wasi.FD {
	tb.Helper()
	fd, errno := s.install(&file{fd: hfd, typ: typ, base: rights})
	if errno != wasi.ESUCCESS {
		unix.Close(hfd)
		tb.Fatalf("install: %v", errno)
	}
	return fd
}

// pollPipe makes a pipe; the end named by guestEnd (0 read, 1 write) goes to
// the guest, the other end is returned to the test (closed at cleanup
// unless the test closes it first and says so by setting it to -1).
func pollPipe(tb testing.TB, s *System, guestEnd int, rights wasi.Rights) (wasi.FD, *int) {
	tb.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		tb.Fatal(err)
	}
	fd := installHost(tb, s, p[guestEnd], fileTypeOf(unix.S_IFIFO), rights)
	other := new(int)
	*other = p[1-guestEnd]
	tb.Cleanup(func() {
		if *other >= 0 {
			unix.Close(*other)
		}
	})
	return fd, other
}

func clockSub(ud wasi.UserData, id wasi.ClockID, timeout wasi.Timestamp, flags wasi.SubClockFlags) wasi.Subscription {
	return wasi.Subscription{UserData: ud, EventType: wasi.ClockEvent, ClockID: id, Timeout: timeout, Flags: flags}
}

func fdSub(ud wasi.UserData, typ wasi.EventType, fd wasi.FD) wasi.Subscription {
	return wasi.Subscription{UserData: ud, EventType: typ, FD: fd}
}

func poll(t *testing.T, s *System, subs ...wasi.Subscription) []wasi.Event {
	t.Helper()
	events := make([]wasi.Event, len(subs))
	n, errno := s.PollOneOff(t.Context(), subs, events)
	if errno != wasi.ESUCCESS {
		t.Fatalf("PollOneOff: errno %v", errno)
	}
	if n < 1 || n > len(subs) {
		t.Fatalf("PollOneOff: %d events for %d subscriptions", n, len(subs))
	}
	return events[:n]
}

func eventFor(events []wasi.Event, ud wasi.UserData) (wasi.Event, bool) {
	for _, e := range events {
		if e.UserData == ud {
			return e, true
		}
	}
	return wasi.Event{}, false
}

func mustEvent(t *testing.T, events []wasi.Event, ud wasi.UserData) wasi.Event {
	t.Helper()
	e, ok := eventFor(events, ud)
	if !ok {
		t.Fatalf("no event for userdata %d in %+v", ud, events)
	}
	return e
}

func mono(t *testing.T, s *System) wasi.Timestamp {
	t.Helper()
	v, errno := s.ClockTimeGet(t.Context(), wasi.Monotonic, 1)
	if errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	return v
}

const (
	ms   = wasi.Timestamp(time.Millisecond)
	hour = wasi.Timestamp(time.Hour)
)

func TestPollOneOffArgs(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	if n, errno := s.PollOneOff(t.Context(), nil, nil); errno != wasi.EINVAL || n != 0 {
		t.Errorf("no subscriptions: got (%d, %v), want (0, EINVAL)", n, errno)
	}
	subs := []wasi.Subscription{clockSub(1, wasi.Monotonic, 0, 0), clockSub(2, wasi.Monotonic, 0, 0)}
	if _, errno := s.PollOneOff(t.Context(), subs, make([]wasi.Event, 1)); errno != wasi.EINVAL {
		t.Errorf("events shorter than subs: got %v, want EINVAL", errno)
	}
}

func TestPollOneOffRelativeClock(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	for _, id := range []wasi.ClockID{wasi.Monotonic, wasi.Realtime} {
		t.Run(id.String(), func(t *testing.T) {
			start := mono(t, s)
			events := poll(t, s, clockSub(7, id, 20*ms, 0))
			if got := mono(t, s) - start; got < 20*ms {
				t.Errorf("returned after %v, before the 20ms timeout", time.Duration(got))
			}
			want := wasi.Event{UserData: 7, EventType: wasi.ClockEvent}
			if len(events) != 1 || events[0] != want {
				t.Errorf("events = %+v, want [%+v]", events, want)
			}
		})
	}
}

func TestPollOneOffAbsoluteClock(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	for _, id := range []wasi.ClockID{wasi.Monotonic, wasi.Realtime} {
		t.Run(id.String(), func(t *testing.T) {
			now, _ := s.ClockTimeGet(t.Context(), id, 1)
			deadline := now + 20*ms
			events := poll(t, s, clockSub(9, id, deadline, wasi.SubscriptionClockAbstime))
			if after, _ := s.ClockTimeGet(t.Context(), id, 1); after < deadline {
				t.Errorf("returned %v before the deadline", time.Duration(deadline-after))
			}
			if e := mustEvent(t, events, 9); e.Errno != wasi.ESUCCESS || e.EventType != wasi.ClockEvent {
				t.Errorf("event = %+v", e)
			}
		})
	}
	t.Run("past", func(t *testing.T) {
		events := poll(t, s, clockSub(3, wasi.Monotonic, 1, wasi.SubscriptionClockAbstime))
		mustEvent(t, events, 3)
	})
}

func TestPollOneOffMultipleClocks(t *testing.T) {
	s := newMiscSystem(t, noStdio())

	t.Run("earliest", func(t *testing.T) {
		start := mono(t, s)
		events := poll(t, s,
			clockSub(1, wasi.Monotonic, 30*ms, 0),
			clockSub(2, wasi.Monotonic, hour, 0),
			clockSub(3, wasi.Monotonic, start+10*ms, wasi.SubscriptionClockAbstime),
		)
		elapsed := mono(t, s) - start
		if elapsed < 10*ms {
			t.Errorf("returned after %v, before the earliest deadline (10ms)", time.Duration(elapsed))
		}
		mustEvent(t, events, 3)
		if _, ok := eventFor(events, 2); ok {
			t.Errorf("the 1h clock fired: %+v", events)
		}
		if _, ok := eventFor(events, 1); ok && elapsed < 30*ms {
			t.Errorf("the 30ms clock fired after %v", time.Duration(elapsed))
		}
	})

	t.Run("all passed reported", func(t *testing.T) {
		events := poll(t, s,
			clockSub(1, wasi.Monotonic, 0, 0),
			clockSub(2, wasi.Monotonic, hour, 0),
			clockSub(3, wasi.Realtime, 1, wasi.SubscriptionClockAbstime),
			clockSub(4, wasi.Monotonic, 0, wasi.SubscriptionClockAbstime),
		)
		for _, ud := range []wasi.UserData{1, 3, 4} {
			mustEvent(t, events, ud)
		}
		if len(events) != 3 {
			t.Errorf("events = %+v, want userdata 1, 3, 4", events)
		}
	})
}

func TestPollOneOffErrorEvents(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	noPoll, _ := pollPipe(t, s, 0, wasi.SocketRights&^wasi.PollFDReadWriteRight)
	tests := []struct {
		name string
		sub  wasi.Subscription
		want wasi.Errno
	}{
		{"unknown clock", clockSub(1, 9, 0, 0), wasi.EINVAL},
		{"process cputime", clockSub(1, wasi.ProcessCPUTimeID, 0, 0), wasi.EINVAL},
		{"thread cputime abstime", clockSub(1, wasi.ThreadCPUTimeID, 0, wasi.SubscriptionClockAbstime), wasi.EINVAL},
		{"bad fd", fdSub(1, wasi.FDReadEvent, 99), wasi.EBADF},
		{"negative fd", fdSub(1, wasi.FDWriteEvent, -1), wasi.EBADF},
		{"huge fd", fdSub(1, wasi.FDWriteEvent, 1<<30), wasi.EBADF},
		{"no poll right read", fdSub(1, wasi.FDReadEvent, noPoll), wasi.ENOTCAPABLE},
		{"no poll right write", fdSub(1, wasi.FDWriteEvent, noPoll), wasi.ENOTCAPABLE},
		{"unknown event type", wasi.Subscription{UserData: 1, EventType: 7}, wasi.EINVAL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The 1h clock must not delay an error event.
			events := poll(t, s, tc.sub, clockSub(2, wasi.Monotonic, hour, 0))
			e := mustEvent(t, events, 1)
			if e.Errno != tc.want || e.EventType != tc.sub.EventType {
				t.Errorf("event = %+v, want errno %v type %v", e, tc.want, tc.sub.EventType)
			}
			if len(events) != 1 {
				t.Errorf("events = %+v, want only userdata 1", events)
			}
		})
	}
}

func TestPollOneOffPipe(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	r, w := pollPipe(t, s, 0, wasi.SocketRights)

	// Empty: only the zero-timeout clock fires.
	events := poll(t, s, fdSub(1, wasi.FDReadEvent, r), clockSub(2, wasi.Monotonic, 0, 0))
	if _, ok := eventFor(events, 1); ok || len(events) != 1 {
		t.Fatalf("empty pipe: events = %+v, want only the clock", events)
	}

	if _, err := unix.Write(*w, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	events = poll(t, s, fdSub(1, wasi.FDReadEvent, r), clockSub(2, wasi.Monotonic, hour, 0))
	want := wasi.Event{UserData: 1, EventType: wasi.FDReadEvent, NBytes: 5}
	if len(events) != 1 || events[0] != want {
		t.Errorf("readable pipe: events = %+v, want [%+v]", events, want)
	}

	wfd, _ := pollPipe(t, s, 1, wasi.SocketRights)
	events = poll(t, s, fdSub(4, wasi.FDWriteEvent, wfd))
	if e := mustEvent(t, events, 4); e.Errno != wasi.ESUCCESS || e.EventType != wasi.FDWriteEvent || e.Flags != 0 {
		t.Errorf("writable pipe: event = %+v", e)
	}
}

func TestPollOneOffHangup(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	r, w := pollPipe(t, s, 0, wasi.SocketRights)
	unix.Close(*w)
	*w = -1
	events := poll(t, s, fdSub(1, wasi.FDReadEvent, r))
	want := wasi.Event{UserData: 1, EventType: wasi.FDReadEvent, Flags: wasi.FDReadWriteHangup}
	if len(events) != 1 || events[0] != want {
		t.Errorf("events = %+v, want [%+v]", events, want)
	}
}

func TestPollOneOffRegularFile(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	name := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(name, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	hfd, err := unix.Open(name, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := unix.Seek(hfd, 3, 0); err != nil {
		t.Fatal(err)
	}
	fd := installHost(t, s, hfd, wasi.RegularFileType, wasi.FileRights)
	events := poll(t, s, fdSub(1, wasi.FDReadEvent, fd), fdSub(2, wasi.FDWriteEvent, fd), clockSub(3, wasi.Monotonic, hour, 0))
	if e := mustEvent(t, events, 1); e.NBytes != 7 || e.Errno != wasi.ESUCCESS {
		t.Errorf("read event = %+v, want nbytes 7", e)
	}
	if e := mustEvent(t, events, 2); e.Errno != wasi.ESUCCESS || e.EventType != wasi.FDWriteEvent {
		t.Errorf("write event = %+v", e)
	}
	if len(events) != 2 {
		t.Errorf("events = %+v, want 2", events)
	}
	// At the end of the file a regular file is still ready, with nothing left.
	if _, err := unix.Seek(hfd, 0, 2); err != nil {
		t.Fatal(err)
	}
	if e := mustEvent(t, poll(t, s, fdSub(1, wasi.FDReadEvent, fd)), 1); e.NBytes != 0 || e.Errno != wasi.ESUCCESS {
		t.Errorf("read event at EOF = %+v, want nbytes 0", e)
	}
}

func TestPollOneOffStdout(t *testing.T) {
	s := newMiscSystem(t, Config{Stdin: -1, Stdout: 1, Stderr: -1})
	events := poll(t, s, fdSub(1, wasi.FDWriteEvent, 1), clockSub(2, wasi.Monotonic, hour, 0))
	if e := mustEvent(t, events, 1); e.Errno != wasi.ESUCCESS {
		t.Errorf("stdout (%v): event = %+v", s.files[1].typ, e)
	}
}

func TestPollOneOffWake(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	r, _ := pollPipe(t, s, 0, wasi.SocketRights)
	go func() {
		time.Sleep(20 * time.Millisecond)
		s.Wake()
	}()
	// No clock: without Wake this would block forever.
	events := make([]wasi.Event, 1)
	if n, errno := s.PollOneOff(t.Context(), []wasi.Subscription{fdSub(1, wasi.FDReadEvent, r)}, events); errno != wasi.ECANCELED || n != 0 {
		t.Fatalf("got (%d, %v), want (0, ECANCELED)", n, errno)
	}
	// Once woken, every later poll is cancelled too, even one that would
	// not block.
	for _, subs := range [][]wasi.Subscription{
		{clockSub(1, wasi.Monotonic, 0, 0)},
		{clockSub(1, wasi.Monotonic, hour, 0)},
		{fdSub(1, wasi.FDReadEvent, r), clockSub(2, wasi.Monotonic, 0, 0)},
	} {
		if n, errno := s.PollOneOff(t.Context(), subs, make([]wasi.Event, len(subs))); errno != wasi.ECANCELED || n != 0 {
			t.Errorf("after Wake, %+v: got (%d, %v), want (0, ECANCELED)", subs, n, errno)
		}
	}
}

func TestPollOneOffClosed(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	s.Close(t.Context())
	subs := []wasi.Subscription{clockSub(1, wasi.Monotonic, 0, 0)}
	if _, errno := s.PollOneOff(t.Context(), subs, make([]wasi.Event, 1)); errno != wasi.ECANCELED {
		t.Errorf("after Close: got %v, want ECANCELED", errno)
	}
}

// frozenClock is a Config.Clock that never advances; realtime can be
// disabled.
type frozenClock struct {
	t          wasi.Timestamp
	noRealtime bool
}

func (c frozenClock) Now(id wasi.ClockID) (wasi.Timestamp, wasi.Errno) {
	if id == wasi.Realtime && c.noRealtime {
		return 0, wasi.ENOTSUP
	}
	if id == wasi.Realtime || id == wasi.Monotonic {
		return c.t, wasi.ESUCCESS
	}
	return 0, wasi.EINVAL
}

func (c frozenClock) Resolution(id wasi.ClockID) (wasi.Timestamp, wasi.Errno) {
	return 0, wasi.ESUCCESS
}

func TestPollOneOffConfigClock(t *testing.T) {
	cfg := noStdio()
	cfg.Clock = frozenClock{t: 1e18, noRealtime: true}
	s := newMiscSystem(t, cfg)

	// An absolute deadline on a clock that stands still still fires, after
	// the real time it was away from the clock's reading.
	start := time.Now()
	events := poll(t, s, clockSub(1, wasi.Monotonic, 1e18+uint64(10*ms), wasi.SubscriptionClockAbstime))
	if got := time.Since(start); got < 10*time.Millisecond {
		t.Errorf("returned after %v, before the 10ms deadline", got)
	}
	mustEvent(t, events, 1)

	// A clock the Config.Clock refuses gives that errno on its event.
	events = poll(t, s, clockSub(2, wasi.Realtime, 0, 0), clockSub(3, wasi.Monotonic, hour, 0))
	if e := mustEvent(t, events, 2); e.Errno != wasi.ENOTSUP || len(events) != 1 {
		t.Errorf("events = %+v, want only userdata 2 with ENOTSUP", events)
	}
}

func TestPollOneOffNoAllocs(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	r, w := pollPipe(t, s, 0, wasi.SocketRights)
	if _, err := unix.Write(*w, []byte("x")); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	events := make([]wasi.Event, 2)
	for _, tc := range []struct {
		name string
		subs []wasi.Subscription
	}{
		{"zero clock", []wasi.Subscription{clockSub(1, wasi.Monotonic, 0, 0)}},
		{"ready fd", []wasi.Subscription{fdSub(1, wasi.FDReadEvent, r), clockSub(2, wasi.Monotonic, hour, 0)}},
		{"error event", []wasi.Subscription{fdSub(1, wasi.FDReadEvent, 42)}},
	} {
		allocs := testing.AllocsPerRun(100, func() {
			if _, errno := s.PollOneOff(ctx, tc.subs, events); errno != wasi.ESUCCESS {
				t.Fatal(errno)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocs per PollOneOff, want 0", tc.name, allocs)
		}
	}
}
