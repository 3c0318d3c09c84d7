package wasi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// errnoSystem is a fakeSystem whose PathOpen fails for some names.
type errnoSystem struct{ fakeSystem }

func (e *errnoSystem) PathOpen(ctx context.Context, fd FD, _ LookupFlags, path string, _ OFlags, _, _ Rights, _ FDFlags) (FD, Errno) {
	switch path {
	case "denied":
		return 0, EACCES
	case "missing":
		return 0, ENOENT
	}
	return 4, ESUCCESS
}

func TestStatsCounts(t *testing.T) {
	ctx := t.Context()
	for _, tc := range []struct {
		name        string
		opts        []StatsOption
		wantDenials uint64
	}{
		{"no denial errno", nil, 0},
		{"EACCES is a denial", []StatsOption{StatsDenials(EACCES)}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Stats(&errnoSystem{}, tc.opts...)
			for range 3 {
				s.FDWrite(ctx, 1, []IOVec{[]byte("x")})
			}
			for _, p := range []string{"ok", "denied", "missing", "ok"} {
				s.PathOpen(ctx, 3, 0, p, 0, 0, 0, 0)
			}
			s.Close(ctx)
			got := map[string]CallStats{}
			for _, r := range s.Snapshot() {
				got[r.Name] = r
			}
			if len(got) != 3 {
				t.Errorf("snapshot has %d calls, want 3: %v", len(got), got)
			}
			if r := got["fd_write"]; r.Calls != 3 || r.Errors != 0 || r.Denials != 0 {
				t.Errorf("fd_write: %+v, want 3 calls, no errors", r)
			}
			if r := got["path_open"]; r.Calls != 4 || r.Errors != 2 || r.Denials != tc.wantDenials {
				t.Errorf("path_open: %+v, want 4 calls, 2 errors, %d denials", r, tc.wantDenials)
			}
			if r := got["close"]; r.Calls != 1 || r.Errors != 0 {
				t.Errorf("close: %+v", r)
			}
		})
	}
}

// TestStatsEveryMethod: every System method forwards, returns the inner
// errno, and is counted once under the name Trace gives it.
func TestStatsEveryMethod(t *testing.T) {
	iface := reflect.TypeFor[System]()
	var out bytes.Buffer
	st := Stats(Trace(&fakeSystem{errno: EBADMSG}, &out, TraceDurations(false)), StatsDenials(EBADMSG))
	v := reflect.ValueOf(st)
	for i := range iface.NumMethod() {
		m := iface.Method(i)
		fn := v.MethodByName(m.Name)
		args := make([]reflect.Value, fn.Type().NumIn())
		for j := range args {
			if j == 0 {
				args[j] = reflect.ValueOf(t.Context())
				continue
			}
			args[j] = reflect.Zero(fn.Type().In(j))
		}
		out.Reset()
		before := len(st.Snapshot())
		results := fn.Call(args)
		if e, ok := results[len(results)-1].Interface().(Errno); ok && e != EBADMSG {
			t.Errorf("%s returned %v, want the inner EBADMSG", m.Name, e)
		}
		traced, _, _ := strings.Cut(out.String(), "(")
		found := false
		for _, r := range st.Snapshot() {
			if r.Name == traced {
				found = true
				if r.Calls != 1 || r.Errors != 1 || r.Denials != 1 {
					t.Errorf("%s: %+v, want one call, error and denial", m.Name, r)
				}
			}
		}
		if !found || len(st.Snapshot()) != before+1 {
			t.Errorf("%s was not counted as %q", m.Name, traced)
		}
	}
}

func TestStatsWriteTable(t *testing.T) {
	s := Stats(&fakeSystem{})
	set := func(id callID, calls, errors, denials uint64, d time.Duration) {
		c := &s.counts[id]
		c.calls.Store(calls)
		c.errors.Store(errors)
		c.denials.Store(denials)
		c.nanos.Store(int64(d))
	}
	set(callFDWrite, 10, 0, 0, 130*time.Microsecond)
	set(callPathOpen, 2, 1, 1, 30*time.Microsecond)
	set(callClockTimeGet, 4, 0, 0, 0)
	set(callFDClose, 1, 0, 0, 0) // same time as clock_time_get, fewer calls
	var out bytes.Buffer
	if err := s.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	want := `% time     seconds  usecs/call     calls    errors   denials call
------ ----------- ----------- --------- --------- --------- ----------------
 81.25    0.000130          13        10                     fd_write
 18.75    0.000030          15         2         1         1 path_open
  0.00    0.000000           0         4                     clock_time_get
  0.00    0.000000           0         1                     fd_close
------ ----------- ----------- --------- --------- --------- ----------------
100.00    0.000160           9        17         1         1 total
`
	if got := out.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}

	out.Reset()
	Stats(&fakeSystem{}).WriteTable(&out)
	if want := "% time     seconds  usecs/call     calls    errors   denials call\n" +
		"------ ----------- ----------- --------- --------- --------- ----------------\n" +
		"------ ----------- ----------- --------- --------- --------- ----------------\n" +
		"  0.00    0.000000           0         0                     total\n"; out.String() != want {
		t.Errorf("empty table:\n%s", out.String())
	}
}

// TestStatsConcurrent: counts are exact under concurrent calls. Run with -race.
func TestStatsConcurrent(t *testing.T) {
	s := Stats(&fakeSystem{})
	iovs := []IOVec{[]byte("x")}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 500 {
				s.FDWrite(t.Context(), 1, iovs)
				s.Snapshot()
			}
		})
	}
	wg.Wait()
	if r := s.Snapshot(); len(r) != 1 || r[0].Calls != 2000 {
		t.Errorf("snapshot %+v, want 2000 fd_write", r)
	}
}

func TestStatsAllocs(t *testing.T) {
	ctx := t.Context()
	s := Stats(&fakeSystem{}, StatsDenials(EACCES))
	iovs := []IOVec{make([]byte, 64)}
	for _, c := range []struct {
		name string
		call func()
	}{
		{"fd_write", func() { s.FDWrite(ctx, 1, iovs) }},
		{"fd_read", func() { s.FDRead(ctx, 0, iovs) }},
		{"clock_time_get", func() { s.ClockTimeGet(ctx, Monotonic, 0) }},
		{"path_open", func() { s.PathOpen(ctx, 3, 0, "a", 0, 0, 0, 0) }},
	} {
		if n := testing.AllocsPerRun(100, c.call); n != 0 {
			t.Errorf("%s: %.1f allocs per call, want 0", c.name, n)
		}
	}
}

// BenchmarkStatsFDWrite compares fd_write on a System that does nothing,
// directly and through Stats: the difference is the cost of counting.
func BenchmarkStatsFDWrite(b *testing.B) {
	ctx := b.Context()
	iovs := []IOVec{[]byte("hello, world\n")}
	for _, c := range []struct {
		name string
		sys  System
	}{
		{"direct", &fakeSystem{}},
		{"stats", Stats(&fakeSystem{}, StatsDenials(EACCES))},
		{"traced", Trace(&fakeSystem{}, io.Discard)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.sys.FDWrite(ctx, 1, iovs)
			}
		})
	}
}

func ExampleStats() {
	sys := Stats(&fakeSystem{}, StatsDenials(EACCES))
	ctx := context.Background()
	sys.FDWrite(ctx, 1, []IOVec{[]byte("hello\n")})
	sys.FDWrite(ctx, 1, []IOVec{[]byte("world\n")})
	for _, r := range sys.Snapshot() {
		fmt.Println(r.Name, r.Calls, r.Errors, r.Denials)
	}
	// Output:
	// fd_write 2 0 0
}
