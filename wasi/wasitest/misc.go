package wasitest

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// Tests of args, environ, clocks, poll_oneoff, sched_yield and random_get,
// and the cross-cutting groups: bad descriptors, rights, stdio.

func (s *suite) argsEnviron(t *testing.T) {
	s.test(t, "args_get", func(e *env) {
		_, errno := e.sys.ArgsGet(e.ctx)
		e.errno("args_get", errno, wasi.ESUCCESS)
	})
	s.test(t, "environ_get", func(e *env) {
		_, errno := e.sys.EnvironGet(e.ctx)
		e.errno("environ_get", errno, wasi.ESUCCESS)
	})
}

func (s *suite) clockResGet(t *testing.T) {
	s.test(t, "clocks", func(e *env) {
		for _, id := range []wasi.ClockID{wasi.Realtime, wasi.Monotonic} {
			res, errno := e.sys.ClockResGet(e.ctx, id)
			if e.errno(fmt.Sprintf("clock_res_get(%v)", id), errno, wasi.ESUCCESS) && (res == 0 || res > 1e9) {
				e.t.Errorf("clock_res_get(%v) = %d ns, want 1 ns to 1 s", id, res)
			}
		}
		// CPU-time clocks are optional.
		for _, id := range []wasi.ClockID{wasi.ProcessCPUTimeID, wasi.ThreadCPUTimeID} {
			_, errno := e.sys.ClockResGet(e.ctx, id)
			e.errno(fmt.Sprintf("clock_res_get(%v)", id), errno, wasi.ESUCCESS, wasi.EINVAL, wasi.ENOTSUP)
		}
	})
	s.test(t, "unknown clock", func(e *env) {
		for _, id := range []wasi.ClockID{4, 99, math.MaxUint32} {
			_, errno := e.sys.ClockResGet(e.ctx, id)
			e.errno(fmt.Sprintf("clock_res_get(%d)", id), errno, wasi.EINVAL)
		}
	})
}

func (s *suite) clockTimeGet(t *testing.T) {
	s.test(t, "clocks", func(e *env) {
		now, errno := e.sys.ClockTimeGet(e.ctx, wasi.Realtime, 0)
		if e.errno("clock_time_get(realtime)", errno, wasi.ESUCCESS) && now == 0 {
			e.t.Error("clock_time_get(realtime) = 0")
		}
		prev, errno := e.sys.ClockTimeGet(e.ctx, wasi.Monotonic, 1)
		e.must("clock_time_get(monotonic)", errno)
		for range 100 {
			next, errno := e.sys.ClockTimeGet(e.ctx, wasi.Monotonic, math.MaxUint64)
			e.must("clock_time_get(monotonic)", errno)
			if next < prev {
				e.t.Fatalf("monotonic clock went back from %d to %d", prev, next)
			}
			prev = next
		}
	})
	s.test(t, "unknown clock", func(e *env) {
		for _, id := range []wasi.ClockID{4, 1 << 31} {
			_, errno := e.sys.ClockTimeGet(e.ctx, id, 0)
			e.errno(fmt.Sprintf("clock_time_get(%d)", id), errno, wasi.EINVAL)
		}
	})
}

// poll calls poll_oneoff and returns the events it wrote.
func (e *env) poll(subs ...wasi.Subscription) ([]wasi.Event, wasi.Errno) {
	e.t.Helper()
	events := make([]wasi.Event, len(subs))
	n, errno := e.sys.PollOneOff(e.ctx, subs, events)
	if n < 0 || n > len(subs) {
		e.t.Fatalf("poll_oneoff returned %d events for %d subscriptions", n, len(subs))
	}
	return events[:n], errno
}

func clockSub(ud wasi.UserData, id wasi.ClockID, timeout wasi.Timestamp, flags wasi.SubClockFlags) wasi.Subscription {
	return wasi.Subscription{UserData: ud, EventType: wasi.ClockEvent, ClockID: id, Timeout: timeout, Flags: flags}
}

func fdSub(ud wasi.UserData, typ wasi.EventType, fd wasi.FD) wasi.Subscription {
	return wasi.Subscription{UserData: ud, EventType: typ, FD: fd}
}

// A timeout long enough that it never fires while a test runs, short
// enough that a wrong implementation fails in reasonable time.
const never = 5e9

func find(events []wasi.Event, ud wasi.UserData) (wasi.Event, bool) {
	i := slices.IndexFunc(events, func(ev wasi.Event) bool { return ev.UserData == ud })
	if i < 0 {
		return wasi.Event{}, false
	}
	return events[i], true
}

func (s *suite) pollOneOff(t *testing.T) {
	s.test(t, "no subscriptions", func(e *env) {
		_, errno := e.poll()
		e.errno("poll_oneoff with no subscriptions", errno, wasi.EINVAL) // the spec says so
	})
	s.test(t, "clocks", func(e *env) {
		now, _ := e.sys.ClockTimeGet(e.ctx, wasi.Monotonic, 0)
		for _, c := range []struct {
			name string
			sub  wasi.Subscription
		}{
			{"relative 1ms", clockSub(math.MaxUint64, wasi.Monotonic, 1e6, 0)},
			{"relative 0", clockSub(2, wasi.Monotonic, 0, 0)},
			{"realtime", clockSub(3, wasi.Realtime, 1e6, 0)},
			{"absolute in the past", clockSub(4, wasi.Monotonic, 1, wasi.SubscriptionClockAbstime)},
			{"absolute soon", clockSub(5, wasi.Monotonic, now+1e6, wasi.SubscriptionClockAbstime)},
		} {
			events, errno := e.poll(c.sub)
			if !e.errno("poll_oneoff: "+c.name, errno, wasi.ESUCCESS) {
				continue
			}
			want := wasi.Event{UserData: c.sub.UserData, EventType: wasi.ClockEvent}
			if len(events) != 1 || events[0] != want {
				e.t.Errorf("poll_oneoff %s: events %+v, want [%+v]", c.name, events, want)
			}
		}
	})
	s.test(t, "earliest clock", func(e *env) {
		events, errno := e.poll(clockSub(1, wasi.Monotonic, never, 0), clockSub(2, wasi.Monotonic, 0, 0))
		if e.errno("poll_oneoff", errno, wasi.ESUCCESS) && (len(events) != 1 || events[0].UserData != 2) {
			e.t.Errorf("events %+v, want only the expired clock (userdata 2)", events)
		}
	})
	s.test(t, "many expired clocks", func(e *env) {
		var subs []wasi.Subscription
		for i := range 64 {
			subs = append(subs, clockSub(wasi.UserData(i), wasi.Monotonic, 0, 0))
		}
		events, errno := e.poll(subs...)
		if e.errno("poll_oneoff with 64 expired clocks", errno, wasi.ESUCCESS) && len(events) != 64 {
			e.t.Errorf("%d events, want all 64", len(events))
		}
	})
	s.test(t, "regular file", func(e *env) {
		// "This event always triggers for regular files."
		fd := e.openFile("f", fileContent)
		events, errno := e.poll(fdSub(1, wasi.FDReadEvent, fd), fdSub(2, wasi.FDWriteEvent, fd), clockSub(3, wasi.Monotonic, never, 0))
		if !e.errno("poll_oneoff on a file", errno, wasi.ESUCCESS) {
			return
		}
		for _, c := range []struct {
			ud  wasi.UserData
			typ wasi.EventType
		}{{1, wasi.FDReadEvent}, {2, wasi.FDWriteEvent}} {
			ev, ok := find(events, c.ud)
			if !ok || ev.EventType != c.typ || ev.Errno != wasi.ESUCCESS {
				e.t.Errorf("event for %v on a file = %+v (found %v), want a ready %v", c.typ, ev, ok, c.typ)
			}
		}
		if _, ok := find(events, 3); ok {
			e.t.Error("the clock fired too")
		}
	})
	s.test(t, "stdout", func(e *env) {
		events, errno := e.poll(fdSub(1, wasi.FDWriteEvent, 1), clockSub(2, wasi.Monotonic, never, 0))
		if !e.errno("poll_oneoff(fd_write on stdout)", errno, wasi.ESUCCESS) {
			return
		}
		if ev, ok := find(events, 1); !ok || ev.Errno != wasi.ESUCCESS || ev.EventType != wasi.FDWriteEvent {
			e.t.Errorf("events %+v, want stdout writable (userdata 1)", events)
		}
	})
	s.test(t, "stdin without data", func(e *env) {
		events, errno := e.poll(fdSub(1, wasi.FDReadEvent, 0), clockSub(2, wasi.Monotonic, 1e6, 0))
		if !e.errno("poll_oneoff(fd_read on stdin, 1ms)", errno, wasi.ESUCCESS) {
			return
		}
		if len(events) != 1 || events[0].UserData != 2 {
			e.t.Errorf("events %+v, want only the clock (stdin has no data)", events)
		}
	})
	s.test(t, "bad descriptor", func(e *env) {
		// Reported in the event or by the call: both exist in the wild.
		events, errno := e.poll(fdSub(1, wasi.FDReadEvent, 99), clockSub(2, wasi.Monotonic, never, 0))
		if !e.errno("poll_oneoff(fd_read on fd 99)", errno, wasi.ESUCCESS, wasi.EBADF) || errno != wasi.ESUCCESS {
			return
		}
		if ev, ok := find(events, 1); !ok || ev.Errno != wasi.EBADF {
			e.t.Errorf("events %+v, want EBADF for userdata 1", events)
		}
	})
	s.test(t, "missing right", func(e *env) {
		e.hostWrite("f", "x")
		fd := e.open("f", 0, wasi.FDReadRight, 0)
		events, errno := e.poll(fdSub(1, wasi.FDReadEvent, fd), clockSub(2, wasi.Monotonic, never, 0))
		if !e.errno("poll_oneoff without poll_fd_readwrite", errno, wasi.ESUCCESS, wasi.ENOTCAPABLE) || errno != wasi.ESUCCESS {
			return
		}
		if ev, ok := find(events, 1); !ok || ev.Errno != wasi.ENOTCAPABLE {
			e.t.Errorf("events %+v, want ENOTCAPABLE for userdata 1", events)
		}
	})
	s.test(t, "unknown event type", func(e *env) {
		// The Subscription decoder keeps an unknown tag so that the System
		// answers it with EINVAL in its event.
		events, errno := e.poll(wasi.Subscription{UserData: 1, EventType: 9}, clockSub(2, wasi.Monotonic, never, 0))
		if !e.errno("poll_oneoff with event type 9", errno, wasi.ESUCCESS) {
			return
		}
		if ev, ok := find(events, 1); !ok || ev.Errno != wasi.EINVAL {
			e.t.Errorf("events %+v, want EINVAL for userdata 1", events)
		}
	})
	s.test(t, "unknown clock", func(e *env) {
		events, errno := e.poll(clockSub(1, 99, 0, 0))
		if !e.errno("poll_oneoff on clock 99", errno, wasi.ESUCCESS, wasi.EINVAL) || errno != wasi.ESUCCESS {
			return
		}
		if ev, ok := find(events, 1); !ok || ev.Errno != wasi.EINVAL {
			e.t.Errorf("events %+v, want EINVAL for userdata 1", events)
		}
	})
}

func (s *suite) schedYield(t *testing.T) {
	s.test(t, "yield", func(e *env) {
		e.errno("sched_yield", e.sys.SchedYield(e.ctx), wasi.ESUCCESS)
	})
}

func (s *suite) randomGet(t *testing.T) {
	s.test(t, "fills", func(e *env) {
		a, b := make([]byte, 64), make([]byte, 64)
		e.must("random_get", e.sys.RandomGet(e.ctx, a))
		e.must("random_get", e.sys.RandomGet(e.ctx, b))
		if bytes.Equal(a, b) || bytes.Equal(a, make([]byte, 64)) {
			e.t.Errorf("random_get gave %x then %x", a, b)
		}
	})
	s.test(t, "sizes", func(e *env) {
		e.errno("random_get(0 bytes)", e.sys.RandomGet(e.ctx, nil), wasi.ESUCCESS)
		big := make([]byte, 1<<20)
		e.errno("random_get(1 MiB)", e.sys.RandomGet(e.ctx, big), wasi.ESUCCESS)
		if bytes.Equal(big[len(big)-64:], make([]byte, 64)) {
			e.t.Error("random_get(1 MiB) left the end of the buffer zero")
		}
	})
}

// badFD calls every function that takes a descriptor with numbers that are
// not open: each must say EBADF and touch nothing.
func (s *suite) badFD(t *testing.T) {
	iov := []wasi.IOVec{make([]byte, 8)}
	calls := []struct {
		name string
		call func(e *env, fd wasi.FD) wasi.Errno
	}{
		{"fd_advise", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.FDAdvise(e.ctx, fd, 0, 0, 0) }},
		{"fd_allocate", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.FDAllocate(e.ctx, fd, 0, 1) }},
		{"fd_close", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.FDClose(e.ctx, fd) }},
		{"fd_datasync", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.FDDataSync(e.ctx, fd) }},
		{"fd_fdstat_get", func(e *env, fd wasi.FD) wasi.Errno { _, err := e.sys.FDStatGet(e.ctx, fd); return err }},
		{"fd_fdstat_set_flags", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.FDStatSetFlags(e.ctx, fd, 0) }},
		{"fd_fdstat_set_rights", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.FDStatSetRights(e.ctx, fd, 0, 0) }},
		{"fd_filestat_get", func(e *env, fd wasi.FD) wasi.Errno { _, err := e.sys.FDFileStatGet(e.ctx, fd); return err }},
		{"fd_filestat_set_size", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.FDFileStatSetSize(e.ctx, fd, 0) }},
		{"fd_filestat_set_times", func(e *env, fd wasi.FD) wasi.Errno {
			return e.sys.FDFileStatSetTimes(e.ctx, fd, 0, 0, wasi.ModifyTimeNow)
		}},
		{"fd_pread", func(e *env, fd wasi.FD) wasi.Errno { _, err := e.sys.FDPread(e.ctx, fd, iov, 0); return err }},
		{"fd_prestat_get", func(e *env, fd wasi.FD) wasi.Errno { _, err := e.sys.FDPrestatGet(e.ctx, fd); return err }},
		{"fd_prestat_dir_name", func(e *env, fd wasi.FD) wasi.Errno { _, err := e.sys.FDPrestatDirName(e.ctx, fd); return err }},
		{"fd_pwrite", func(e *env, fd wasi.FD) wasi.Errno { _, err := e.sys.FDPwrite(e.ctx, fd, iov, 0); return err }},
		{"fd_read", func(e *env, fd wasi.FD) wasi.Errno { _, err := e.sys.FDRead(e.ctx, fd, iov); return err }},
		{"fd_readdir", func(e *env, fd wasi.FD) wasi.Errno {
			_, err := e.sys.FDReadDir(e.ctx, fd, make([]byte, 64), 0)
			return err
		}},
		{"fd_renumber from", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.FDRenumber(e.ctx, fd, Root) }},
		{"fd_renumber to", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.FDRenumber(e.ctx, Root, fd) }},
		{"fd_seek", func(e *env, fd wasi.FD) wasi.Errno { _, err := e.sys.FDSeek(e.ctx, fd, 0, wasi.WhenceCur); return err }},
		{"fd_sync", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.FDSync(e.ctx, fd) }},
		{"fd_tell", func(e *env, fd wasi.FD) wasi.Errno { _, err := e.sys.FDTell(e.ctx, fd); return err }},
		{"fd_write", func(e *env, fd wasi.FD) wasi.Errno { _, err := e.sys.FDWrite(e.ctx, fd, iov); return err }},
		{"path_create_directory", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.PathCreateDirectory(e.ctx, fd, "d") }},
		{"path_filestat_get", func(e *env, fd wasi.FD) wasi.Errno {
			_, err := e.sys.PathFileStatGet(e.ctx, fd, 0, "file")
			return err
		}},
		{"path_filestat_set_times", func(e *env, fd wasi.FD) wasi.Errno {
			return e.sys.PathFileStatSetTimes(e.ctx, fd, 0, "file", 0, 0, wasi.ModifyTimeNow)
		}},
		{"path_link old", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.PathLink(e.ctx, fd, 0, "file", Root, "l") }},
		{"path_link new", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.PathLink(e.ctx, Root, 0, "file", fd, "l") }},
		{"path_open", func(e *env, fd wasi.FD) wasi.Errno {
			_, err := e.openAt(fd, 0, "file", 0, readRights, 0)
			return err
		}},
		{"path_readlink", func(e *env, fd wasi.FD) wasi.Errno {
			_, err := e.sys.PathReadLink(e.ctx, fd, "link", make([]byte, 16))
			return err
		}},
		{"path_remove_directory", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.PathRemoveDirectory(e.ctx, fd, "dir") }},
		{"path_rename old", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.PathRename(e.ctx, fd, "file", Root, "r") }},
		{"path_rename new", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.PathRename(e.ctx, Root, "file", fd, "r") }},
		{"path_symlink", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.PathSymlink(e.ctx, "file", fd, "s") }},
		{"path_unlink_file", func(e *env, fd wasi.FD) wasi.Errno { return e.sys.PathUnlinkFile(e.ctx, fd, "file") }},
	}
	s.test(t, "not open", func(e *env) {
		e.hostWrite("file", "x")
		e.hostMkdir("dir")
		e.hostSymlink("file", "link")
		closed := e.openFile("closed", "")
		e.close(closed)
		for _, fd := range []wasi.FD{-1, closed, 1000, 1 << 16, math.MaxInt32, math.MinInt32} {
			for _, c := range calls {
				e.errno(fmt.Sprintf("%s(fd %d)", c.name, fd), c.call(e, fd), wasi.EBADF)
			}
		}
		if got := e.hostRead("file"); got != "x" {
			e.t.Errorf("file = %q", got)
		}
		for _, name := range []string{"d", "l", "r", "s", "dir", "link"} {
			_, ok := e.hostType(name)
			if want := name == "dir" || name == "link"; ok != want {
				e.t.Errorf("%s exists: %v, want %v", name, ok, want)
			}
		}
		if !e.isOpen(Root) {
			e.t.Fatal("root was closed")
		}
	})
}

// rights calls functions on descriptors that lack the right they need:
// each must say ENOTCAPABLE and change nothing, except that a descriptor
// without fd_write is not open for writing, and fd_write and fd_pwrite on it
// say EBADF, as write(2) does.
func (s *suite) rights(t *testing.T) {
	s.test(t, "file", func(e *env) {
		e.hostWrite("f", fileContent)
		fd := e.open("f", 0, wasi.FDReadRight, 0)
		iov := []wasi.IOVec{[]byte("x")}
		for _, c := range []struct {
			name string
			got  wasi.Errno
			also wasi.Errno // another acceptable answer, or 0
		}{
			{"fd_write", second(e.sys.FDWrite(e.ctx, fd, iov)), 0},
			{"fd_pwrite", second(e.sys.FDPwrite(e.ctx, fd, iov, 0)), 0},
			// fd_read held, fd_seek not: ENOTCAPABLE.
			{"fd_pread", second(e.sys.FDPread(e.ctx, fd, []wasi.IOVec{make([]byte, 4)}, 0)), 0},
			{"fd_seek", second(e.sys.FDSeek(e.ctx, fd, 1, wasi.WhenceSet)), 0},
			{"fd_tell", second(e.sys.FDTell(e.ctx, fd)), 0},
			{"fd_advise", e.sys.FDAdvise(e.ctx, fd, 0, 0, wasi.AdviceNormal), 0},
			{"fd_allocate", e.sys.FDAllocate(e.ctx, fd, 0, 100), wasi.ENOTSUP},
			{"fd_datasync", e.sys.FDDataSync(e.ctx, fd), 0},
			{"fd_sync", e.sys.FDSync(e.ctx, fd), 0},
			{"fd_filestat_get", second(e.sys.FDFileStatGet(e.ctx, fd)), 0},
			{"fd_filestat_set_size", e.sys.FDFileStatSetSize(e.ctx, fd, 0), 0},
			{"fd_filestat_set_times", e.sys.FDFileStatSetTimes(e.ctx, fd, 0, 0, wasi.ModifyTimeNow), 0},
			{"fd_fdstat_set_flags", e.sys.FDStatSetFlags(e.ctx, fd, wasi.Append), 0},
			{"fd_readdir", second(e.sys.FDReadDir(e.ctx, fd, make([]byte, 64), 0)), wasi.EBADF}, // not a directory descriptor (wasmtime, wazero)
		} {
			want := []wasi.Errno{wasi.ENOTCAPABLE}
			if c.name == "fd_write" || c.name == "fd_pwrite" {
				want[0] = wasi.EBADF
			}
			if c.also != 0 {
				want = append(want, c.also)
			}
			e.errno(c.name+" on a descriptor with only fd_read", c.got, want...)
		}
		if got := e.hostRead("f"); got != fileContent {
			e.t.Errorf("file = %q", got)
		}
		if st := e.pathStat("f", 0); st.Size != uint64(len(fileContent)) {
			e.t.Errorf("size = %d", st.Size)
		}
		if got, _ := e.read(fd, 64); got != fileContent {
			e.t.Errorf("fd_read, the one right held, = %q", got)
		}
	})
	s.test(t, "directory", func(e *env) {
		e.hostWrite("d/file", "x")
		e.hostMkdir("d/sub")
		e.hostSymlink("file", "d/link")
		d := e.openDir("d", wasi.PathOpenRight)
		for _, c := range []struct {
			name string
			got  wasi.Errno
		}{
			{"path_create_directory", e.sys.PathCreateDirectory(e.ctx, d, "new")},
			{"path_filestat_get", second(e.sys.PathFileStatGet(e.ctx, d, 0, "file"))},
			{"path_filestat_set_times", e.sys.PathFileStatSetTimes(e.ctx, d, 0, "file", 0, 0, wasi.ModifyTimeNow)},
			{"path_link source", e.sys.PathLink(e.ctx, d, 0, "file", Root, "l")},
			{"path_link target", e.sys.PathLink(e.ctx, Root, 0, "d/file", d, "l")},
			{"path_readlink", second(e.sys.PathReadLink(e.ctx, d, "link", make([]byte, 16)))},
			{"path_remove_directory", e.sys.PathRemoveDirectory(e.ctx, d, "sub")},
			{"path_rename source", e.sys.PathRename(e.ctx, d, "file", Root, "r")},
			{"path_rename target", e.sys.PathRename(e.ctx, Root, "d/file", d, "r")},
			{"path_symlink", e.sys.PathSymlink(e.ctx, "file", d, "s")},
			{"path_unlink_file", e.sys.PathUnlinkFile(e.ctx, d, "file")},
			{"fd_readdir", second(e.sys.FDReadDir(e.ctx, d, make([]byte, 256), 0))},
			{"path_open(creat)", second(e.openAt(d, 0, "new", wasi.OCreate, readRights, 0))},
			{"path_open(trunc)", second(e.openAt(d, 0, "file", wasi.OTruncate, fileRights, 0))},
		} {
			e.errno(c.name+" on a directory with only path_open", c.got, wasi.ENOTCAPABLE)
		}
		for _, name := range []string{"d/new", "l", "r", "d/r", "d/l", "d/s"} {
			if _, ok := e.hostType(name); ok {
				e.t.Errorf("%s was created", name)
			}
		}
		for _, name := range []string{"d/file", "d/sub", "d/link"} {
			if _, ok := e.hostType(name); !ok {
				e.t.Errorf("%s was removed", name)
			}
		}
		if got := e.hostRead("d/file"); got != "x" {
			e.t.Errorf("d/file = %q", got)
		}
		fd, errno := e.openAt(d, 0, "file", 0, readRights, 0)
		if e.errno("path_open, the one right held", errno, wasi.ESUCCESS) {
			if got := e.readAll(fd); got != "x" {
				e.t.Errorf("reads %q", got)
			}
		}
	})
}

func second[T any](_ T, errno wasi.Errno) wasi.Errno { return errno }

func (s *suite) stdio(t *testing.T) {
	s.test(t, "fdstat", func(e *env) {
		for fd, need := range []wasi.Rights{wasi.FDReadRight, wasi.FDWriteRight, wasi.FDWriteRight} {
			st, errno := e.sys.FDStatGet(e.ctx, wasi.FD(fd))
			if e.errno(fmt.Sprintf("fd_fdstat_get(%d)", fd), errno, wasi.ESUCCESS) && !st.RightsBase.Has(need) {
				e.t.Errorf("fd %d has rights %v, want %v", fd, st.RightsBase, need)
			}
		}
	})
	s.test(t, "write", func(e *env) {
		for _, fd := range []wasi.FD{1, 2} {
			n, errno := e.sys.FDWrite(e.ctx, fd, []wasi.IOVec{[]byte("wasitest\n")})
			if e.errno(fmt.Sprintf("fd_write(%d)", fd), errno, wasi.ESUCCESS) && n != 9 {
				e.t.Errorf("fd_write(%d) = %d, want 9", fd, n)
			}
		}
	})
	s.test(t, "non-blocking read", func(e *env) {
		e.must("fd_fdstat_set_flags(0, nonblock)", e.sys.FDStatSetFlags(e.ctx, 0, wasi.NonBlock))
		if st := e.fdstat(0); !st.Flags.Has(wasi.NonBlock) {
			e.t.Errorf("stdin flags = %v, want nonblock", st.Flags)
		}
		for range 2 {
			n, errno := e.sys.FDRead(e.ctx, 0, []wasi.IOVec{make([]byte, 16)})
			if e.errno("fd_read(stdin) with no data, non-blocking", errno, wasi.EAGAIN) && n != 0 {
				e.t.Errorf("fd_read(stdin) = %d bytes with EAGAIN", n)
			}
		}
	})
	s.test(t, "not seekable", func(e *env) {
		_, errno := e.sys.FDSeek(e.ctx, 0, 0, wasi.WhenceCur)
		e.errno("fd_seek(stdin)", errno, wasi.ESPIPE, wasi.ENOTCAPABLE)
	})
}
