package wasi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// decidingSystem is a fake guard: it decides path_open and sock_connect,
// records the decision with RecordDecision, and denies with EACCES.
type decidingSystem struct {
	fakeSystem
}

func (d *decidingSystem) PathOpen(ctx context.Context, fd FD, dirFlags LookupFlags, path string, oflags OFlags, base, inh Rights, fdFlags FDFlags) (FD, Errno) {
	if strings.HasSuffix(path, ".pem") {
		RecordDecision(ctx, TraceDecision{Grant: "fs.deny", Reason: `fs.deny "**/*.pem" at app.yaml:9`})
		return 0, EACCES
	}
	RecordDecision(ctx, TraceDecision{Allow: true, Grant: "fs.mounts"})
	return d.fakeSystem.PathOpen(ctx, fd, dirFlags, path, oflags, base, inh, fdFlags)
}

func (d *decidingSystem) PathRename(ctx context.Context, fd FD, oldPath string, newFD FD, newPath string) Errno {
	// Two decisions: the denial must win whatever the order.
	RecordDecision(ctx, TraceDecision{Allow: true, Grant: "fs.mounts"})
	RecordDecision(ctx, TraceDecision{Grant: "policy", Reason: "no renames"})
	RecordDecision(ctx, TraceDecision{Allow: true, Grant: "fs.mounts"})
	return EACCES
}

func (d *decidingSystem) SockConnect(ctx context.Context, fd FD, addr SockAddr) Errno {
	if addr.Addr.Port() != 443 {
		RecordDecision(ctx, TraceDecision{Grant: "net.connect", Reason: "no net.connect grant matches"})
		return EACCES
	}
	RecordDecision(ctx, TraceDecision{Allow: true, Grant: "tcp://10.0.0.0/8:443"})
	return ESUCCESS
}

// traceSequence is what a small guest does: read its arguments and
// environment, find its preopen, open and read a file, write to stdout,
// be denied a key file, wait, use the network, exit.
func traceSequence(ctx context.Context, s System) {
	s.ArgsGet(ctx)
	s.EnvironGet(ctx)
	s.FDPrestatGet(ctx, 3)
	s.FDPrestatDirName(ctx, 3)
	s.FDPrestatGet(ctx, 4)
	fd, _ := s.PathOpen(ctx, 3, SymlinkFollow, "data/in.csv", 0, FDReadRight|FDSeekRight, 0, 0)
	s.FDStatGet(ctx, fd)
	s.FDFileStatGet(ctx, fd)
	s.FDRead(ctx, fd, []IOVec{make([]byte, 4), make([]byte, 60)})
	s.FDClose(ctx, fd)
	s.FDWrite(ctx, 1, []IOVec{[]byte("héllo\n\x1b[2J")})
	s.PathOpen(ctx, 3, 0, "keys/\"id\"\n.pem", OCreate|0x20, AllRights, DirectoryRights|FileRights, 0)
	s.PathRename(ctx, 3, "a", 3, "b")
	s.ClockTimeGet(ctx, Monotonic, 1)
	s.RandomGet(ctx, make([]byte, 8))
	s.PollOneOff(ctx, []Subscription{
		{UserData: 7, EventType: ClockEvent, ClockID: Realtime, Timeout: 5, Flags: SubscriptionClockAbstime},
		{UserData: 8, EventType: FDWriteEvent, FD: 1},
	}, make([]Event, 2))
	s.SockAddressInfo(ctx, "api.example.com", "443", AddrInfo{Family: InetFamily, SocketType: StreamSocket}, make([]AddrInfo, 2))
	sfd, _ := s.SockOpen(ctx, InetFamily, StreamSocket, TCPProtocol, SocketRights, 0)
	s.SockConnect(ctx, sfd, SockAddr{Family: InetFamily, Addr: netip.MustParseAddrPort("10.0.0.1:443")})
	s.SockConnect(ctx, sfd, SockAddr{Family: InetFamily, Addr: netip.MustParseAddrPort("10.0.0.1:22")})
	s.SockSetOpt(ctx, sfd, SolSocket, SoLinger, make([]byte, 8))
	s.SockSend(ctx, sfd, []IOVec{[]byte("GET / HTTP/1.1\r\n")}, 0)
	s.SockRecv(ctx, sfd, []IOVec{make([]byte, 32)}, 0)
	s.SockBind(ctx, sfd, SockAddr{Family: UnixFamily, Path: "/run/s\x00ck"})
	s.SockSendTo(ctx, sfd, nil, 0, SockAddr{})
	s.ProcExit(ctx, 0)
}

const goldenText = `args_get() => args=["app", "-v"] ESUCCESS
environ_get() => names=["HOME", "TOKEN", "EMPTY"] ESUCCESS
fd_prestat_get(fd=3) => prestat={type=dir name_len=1} ESUCCESS
fd_prestat_dir_name(fd=3) => name="/" ESUCCESS
fd_prestat_get(fd=4) => prestat={type=dir name_len=1} ESUCCESS
path_open(fd=3, dirflags=symlink_follow, path="data/in.csv", oflags=0, base=fd_read|fd_seek, inheriting=0, fdflags=0) => fd=4 ESUCCESS [allow fs.mounts]
fd_fdstat_get(fd=4) => stat={type=regular_file flags=append base=fd_read|fd_write inheriting=0} ESUCCESS
fd_filestat_get(fd=4) => stat={type=regular_file size=12 dev=1 ino=2 nlink=1 atim=3 mtim=4 ctim=5} ESUCCESS
fd_read(fd=4, iovs=[64B in 2 iovs]) => nread=11 data="hello"… ESUCCESS
fd_close(fd=4) => ESUCCESS
fd_write(fd=1, iovs=[11B "héll"…(11B)]) => nwritten=11 ESUCCESS
path_open(fd=3, dirflags=0, path="keys/\"id\"\n.pem", oflags=creat|0x20, base=all, inheriting=directory_rights|file_rights, fdflags=0) => EACCES [deny fs.deny "fs.deny \"**/*.pem\" at app.yaml:9"]
path_rename(fd=3, old_path="a", new_fd=3, new_path="b") => EACCES [deny policy "no renames"]
clock_time_get(id=monotonic, precision=1) => time=42 ESUCCESS
random_get(buf=[8B]) => ESUCCESS
poll_oneoff(subs=[{ud=7 clock id=realtime timeout=5 precision=0 flags=abstime}, {ud=8 fd_write fd=1}]) => nevents=2 events=[{ud=7 clock ESUCCESS}, {ud=8 fd_write ESUCCESS nbytes=5 flags=hangup}] ESUCCESS
sock_getaddrinfo(node="api.example.com", service="443", hints={flags=0 family=inet type=stream protocol=0}, max=2) => n=1 results=[stream 10.0.0.1:443] ESUCCESS
sock_open(family=inet, type=stream, protocol=6, base=fd_read|fd_fdstat_set_flags|fd_write|fd_filestat_get|poll_fd_readwrite|sock_shutdown|sock_accept, inheriting=0) => fd=6 ESUCCESS
sock_connect(fd=6, addr=10.0.0.1:443) => ESUCCESS [allow tcp://10.0.0.0/8:443]
sock_connect(fd=6, addr=10.0.0.1:22) => EACCES [deny net.connect "no net.connect grant matches"]
sock_setsockopt(fd=6, level=0, name=9, value=0) => ESUCCESS
sock_send(fd=6, iovs=[16B "GET /"…(16B)], flags=0) => nwritten=16 ESUCCESS
sock_recv(fd=6, iovs=[32B], flags=0) => nread=11 data="hello"…(11B) oflags=recv_data_truncated ESUCCESS
sock_bind(fd=6, addr=unix:"/run/s\x00ck") => ESUCCESS
sock_send_to(fd=6, iovs=[0B in 0 iovs], flags=0, addr=<none>) => nwritten=0 ESUCCESS
proc_exit(rval=0) => ESUCCESS
`

const goldenJSON = `{"call":"args_get","args":{},"result":{"args":["app","-v"]},"errno":"ESUCCESS"}
{"call":"environ_get","args":{},"result":{"names":["HOME","TOKEN","EMPTY"]},"errno":"ESUCCESS"}
{"call":"fd_prestat_get","args":{"fd":3},"result":{"prestat":{"type":"dir","name_len":1}},"errno":"ESUCCESS"}
{"call":"fd_prestat_dir_name","args":{"fd":3},"result":{"name":"/"},"errno":"ESUCCESS"}
{"call":"fd_prestat_get","args":{"fd":4},"result":{"prestat":{"type":"dir","name_len":1}},"errno":"ESUCCESS"}
{"call":"path_open","args":{"fd":3,"dirflags":["symlink_follow"],"path":"data/in.csv","oflags":[],"base":["fd_read","fd_seek"],"inheriting":[],"fdflags":[]},"result":{"fd":4},"decision":{"allow":true,"grant":"fs.mounts"},"errno":"ESUCCESS"}
{"call":"fd_fdstat_get","args":{"fd":4},"result":{"stat":{"type":"regular_file","flags":["append"],"base":["fd_read","fd_write"],"inheriting":[]}},"errno":"ESUCCESS"}
{"call":"fd_filestat_get","args":{"fd":4},"result":{"stat":{"type":"regular_file","size":12,"dev":1,"ino":2,"nlink":1,"atim":3,"mtim":4,"ctim":5}},"errno":"ESUCCESS"}
{"call":"fd_read","args":{"fd":4,"iovs":{"len":64,"count":2}},"result":{"nread":11,"data":"hello…(11B)"},"errno":"ESUCCESS"}
{"call":"fd_close","args":{"fd":4},"result":{},"errno":"ESUCCESS"}
{"call":"fd_write","args":{"fd":1,"iovs":{"len":11,"count":1,"data":"héll…(11B)"}},"result":{"nwritten":11},"errno":"ESUCCESS"}
{"call":"path_open","args":{"fd":3,"dirflags":[],"path":"keys/\"id\"\n.pem","oflags":["creat","0x20"],"base":["all"],"inheriting":["directory_rights","file_rights"],"fdflags":[]},"result":{},"decision":{"allow":false,"grant":"fs.deny","reason":"fs.deny \"**/*.pem\" at app.yaml:9"},"errno":"EACCES"}
{"call":"path_rename","args":{"fd":3,"old_path":"a","new_fd":3,"new_path":"b"},"result":{},"decision":{"allow":false,"grant":"policy","reason":"no renames"},"errno":"EACCES"}
{"call":"clock_time_get","args":{"id":"monotonic","precision":1},"result":{"time":42},"errno":"ESUCCESS"}
{"call":"random_get","args":{"buf":{"len":8}},"result":{},"errno":"ESUCCESS"}
{"call":"poll_oneoff","args":{"subs":[{"ud":7,"type":"clock","id":"realtime","timeout":5,"precision":0,"flags":["abstime"]},{"ud":8,"type":"fd_write","fd":1}]},"result":{"nevents":2,"events":[{"ud":7,"type":"clock","errno":"ESUCCESS"},{"ud":8,"type":"fd_write","errno":"ESUCCESS","nbytes":5,"flags":["hangup"]}]},"errno":"ESUCCESS"}
{"call":"sock_getaddrinfo","args":{"node":"api.example.com","service":"443","hints":{"flags":[],"family":"inet","type":"stream","protocol":0},"max":2},"result":{"n":1,"results":[{"type":"stream","addr":"10.0.0.1:443"}]},"errno":"ESUCCESS"}
{"call":"sock_open","args":{"family":"inet","type":"stream","protocol":6,"base":["fd_read","fd_fdstat_set_flags","fd_write","fd_filestat_get","poll_fd_readwrite","sock_shutdown","sock_accept"],"inheriting":[]},"result":{"fd":6},"errno":"ESUCCESS"}
{"call":"sock_connect","args":{"fd":6,"addr":"10.0.0.1:443"},"result":{},"decision":{"allow":true,"grant":"tcp://10.0.0.0/8:443"},"errno":"ESUCCESS"}
{"call":"sock_connect","args":{"fd":6,"addr":"10.0.0.1:22"},"result":{},"decision":{"allow":false,"grant":"net.connect","reason":"no net.connect grant matches"},"errno":"EACCES"}
{"call":"sock_setsockopt","args":{"fd":6,"level":0,"name":9,"value":0},"result":{},"errno":"ESUCCESS"}
{"call":"sock_send","args":{"fd":6,"iovs":{"len":16,"count":1,"data":"GET /…(16B)"},"flags":[]},"result":{"nwritten":16},"errno":"ESUCCESS"}
{"call":"sock_recv","args":{"fd":6,"iovs":{"len":32,"count":1},"flags":[]},"result":{"nread":11,"data":"hello…(11B)","oflags":["recv_data_truncated"]},"errno":"ESUCCESS"}
{"call":"sock_bind","args":{"fd":6,"addr":"unix:/run/s\u0000ck"},"result":{},"errno":"ESUCCESS"}
{"call":"sock_send_to","args":{"fd":6,"iovs":{"len":0,"count":0},"flags":[],"addr":null},"result":{"nwritten":0},"errno":"ESUCCESS"}
{"call":"proc_exit","args":{"rval":0},"result":{},"errno":"ESUCCESS"}
`

// TestTraceGolden runs one guest-like sequence of calls through Trace over
// a deciding fake System, in both formats.
func TestTraceGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format TraceFormat
		want   string
	}{
		{"text", TraceText, goldenText},
		{"json", TraceJSON, goldenJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			s := Trace(&decidingSystem{}, &out, TraceWithFormat(tc.format), TraceDurations(false), TracePayload(5))
			traceSequence(t.Context(), s)
			if got := out.String(); got != tc.want {
				gl, wl := strings.Split(got, "\n"), strings.Split(tc.want, "\n")
				for i := range max(len(gl), len(wl)) {
					g, w := "", ""
					if i < len(gl) {
						g = gl[i]
					}
					if i < len(wl) {
						w = wl[i]
					}
					if g != w {
						t.Errorf("line %d:\n got %s\nwant %s", i+1, g, w)
					}
				}
			}
		})
	}
}

// TestTraceJSONParses: every line of the golden sequence, and of every
// System method called with zero values, is one valid JSON object with the
// members in the documented order, and strings decode to what the guest
// passed.
func TestTraceJSONParses(t *testing.T) {
	var out bytes.Buffer
	s := Trace(&decidingSystem{}, &out, TraceWithFormat(TraceJSON), TracePayload(5))
	traceSequence(t.Context(), s)
	iface := reflect.TypeFor[System]()
	v := reflect.ValueOf(s)
	for i := range iface.NumMethod() {
		fn := v.MethodByName(iface.Method(i).Name)
		args := make([]reflect.Value, fn.Type().NumIn())
		for j := range args {
			if j == 0 {
				args[j] = reflect.ValueOf(t.Context())
				continue
			}
			args[j] = reflect.Zero(fn.Type().In(j))
		}
		fn.Call(args)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) < iface.NumMethod() {
		t.Fatalf("%d lines", len(lines))
	}
	order := []string{"ts", "call", "args", "result", "decision", "errno", "dur_ns"}
	for _, line := range lines {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Errorf("invalid JSON %v: %s", err, line)
			continue
		}
		for _, k := range []string{"ts", "call", "args", "result", "errno", "dur_ns"} {
			if _, ok := m[k]; !ok {
				t.Errorf("no %q in %s", k, line)
			}
		}
		last := -1
		for i, k := range order {
			at := strings.Index(line, `"`+k+`":`)
			if _, ok := m[k]; !ok {
				continue
			}
			if at < last {
				t.Errorf("%q out of order in %s", order[i], line)
			}
			last = at
		}
	}
	// A path with quotes, a newline and a NUL decodes to itself.
	var rec struct {
		Args struct {
			Path string `json:"path"`
		} `json:"args"`
	}
	for _, line := range lines {
		if strings.Contains(line, `.pem"`) {
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatal(err)
			}
		}
	}
	if rec.Args.Path != "keys/\"id\"\n.pem" {
		t.Errorf("path decoded as %q", rec.Args.Path)
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"plain", 0, `"plain"`},
		{"tab\there\r\n", 0, `"tab\there\r\n"`},
		{"q\"b\\", 0, `"q\"b\\"`},
		{"\x00\x1b\x7f", 0, `"\u0000\u001b\u007f"`},
		{"héllo ✓", 0, `"héllo ✓"`},
		{"bad\xff\xfeutf8", 0, `"bad\ufffd\ufffdutf8"`},
		{"\u200b\u202e\u2028", 0, `"\u200b\u202e\u2028"`},
		{"\U000e0001", 0, `"\udb40\udc01"`}, // a non-printable tag character, as a surrogate pair
		{"<&>", 0, `"<&>"`},
		{"abcdef", 3, `"abc…(6B)"`},
		{"é", 1, `"…(2B)"`},
	} {
		got := string(appendJSONString(nil, c.in, c.max))
		if got != c.want {
			t.Errorf("appendJSONString(%q, %d) = %s, want %s", c.in, c.max, got, c.want)
		}
		var dec string
		if err := json.Unmarshal([]byte(got), &dec); err != nil {
			t.Errorf("appendJSONString(%q) = %s: %v", c.in, got, err)
		}
		if c.max == 0 && utf8.ValidString(c.in) && dec != c.in {
			t.Errorf("appendJSONString(%q) decodes to %q", c.in, dec)
		}
	}
	if got := string(appendJSONBytes(nil, []byte("é"), 1)); got != `"\ufffd…(2B)"` {
		t.Errorf("appendJSONBytes cut in a character = %s", got)
	}
}

// FuzzTraceJSONString: any string becomes valid JSON that decodes to the
// string itself, when that is valid UTF-8 and short enough.
func FuzzTraceJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00\xff", "\u2028", "é\U0001F600"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendJSONString(nil, s, 64)
		var dec string
		if err := json.Unmarshal(b, &dec); err != nil {
			t.Fatalf("%q -> %s: %v", s, b, err)
		}
		if bytes.ContainsAny(b, "\n\r\x1b") {
			t.Fatalf("%q -> %q has a raw control character", s, b)
		}
		if len(s) <= 64 && utf8.ValidString(s) && dec != s {
			t.Fatalf("%q decodes to %q", s, dec)
		}
	})
}

func TestAppendJSONFlags(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{string(appendJSONFlags(nil, 0, oFlagNames[:])), `[]`},
		{string(appendJSONFlags(nil, 0x31, oFlagNames[:])), `["creat","0x30"]`},
		{string(appendJSONFlags(nil, 0x30, oFlagNames[:])), `["0x30"]`},
		{string(appendJSONRights(nil, AllRights)), `["all"]`},
		{string(appendJSONRights(nil, 0)), `[]`},
		{string(appendJSONRights(nil, FileRights|SockShutdownRight|1<<40)), `["file_rights","sock_shutdown","0x10000000000"]`},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}

// TestTraceJSONLongList: lists past 16 elements are cut and counted.
func TestTraceJSONLongList(t *testing.T) {
	var out bytes.Buffer
	s := Trace(&fakeSystem{}, &out, TraceWithFormat(TraceJSON), TraceDurations(false))
	subs := make([]Subscription, 20)
	s.PollOneOff(t.Context(), subs, make([]Event, 20))
	var rec struct {
		Args struct {
			Subs     []json.RawMessage `json:"subs"`
			SubsMore int               `json:"subs_more"`
		} `json:"args"`
		Result struct {
			Events     []json.RawMessage `json:"events"`
			EventsMore int               `json:"events_more"`
		} `json:"result"`
	}
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if len(rec.Args.Subs) != 16 || rec.Args.SubsMore != 4 || len(rec.Result.Events) != 16 || rec.Result.EventsMore != 4 {
		t.Errorf("subs %d+%d, events %d+%d, want 16+4 each", len(rec.Args.Subs), rec.Args.SubsMore, len(rec.Result.Events), rec.Result.EventsMore)
	}
}

// TestTraceDecisionNested: a Trace of a Trace shows the decision on both.
func TestTraceDecisionNested(t *testing.T) {
	var inner, outer bytes.Buffer
	s := Trace(Trace(&decidingSystem{}, &inner, TraceDurations(false)), &outer, TraceDurations(false))
	s.PathOpen(t.Context(), 3, 0, "x.pem", 0, 0, 0, 0)
	s.PathOpen(t.Context(), 3, 0, "x", 0, 0, 0, 0)
	for _, out := range []string{inner.String(), outer.String()} {
		if !strings.Contains(out, `=> EACCES [deny fs.deny`) || !strings.Contains(out, `=> fd=4 ESUCCESS [allow fs.mounts]`) {
			t.Errorf("trace %q lacks the decisions", out)
		}
	}
}

// TestTraceDecisionOnlyForItsCall: a decision never leaks onto the next
// line, and a call the policy did not decide shows none.
func TestTraceDecisionOnlyForItsCall(t *testing.T) {
	var out bytes.Buffer
	s := Trace(&decidingSystem{}, &out, TraceDurations(false))
	s.PathOpen(t.Context(), 3, 0, "x.pem", 0, 0, 0, 0)
	s.PathUnlinkFile(t.Context(), 3, "y") // asks, nobody answers
	s.FDClose(t.Context(), 4)
	lines := strings.Split(out.String(), "\n")
	if strings.Contains(lines[1], "[") && strings.Contains(lines[1], "deny") || strings.Contains(lines[2], "deny") {
		t.Errorf("decision leaked: %q", out.String())
	}
	// Without a tracer, RecordDecision is a no-op.
	RecordDecision(t.Context(), TraceDecision{Grant: "x"})
}

// TestTraceDecisionConcurrent: concurrent sensitive calls each get their
// own decision (the shared slot is taken by one at a time). Run with -race.
func TestTraceDecisionConcurrent(t *testing.T) {
	var w lineWriter
	var mu sync.Mutex
	var lines []string
	s := Trace(&decidingSystem{}, io.MultiWriter(&w, writerFunc(func(p []byte) {
		mu.Lock()
		lines = append(lines, string(p))
		mu.Unlock()
	})), TraceDurations(false))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 100 {
				if (g+i)%2 == 0 {
					s.PathOpen(t.Context(), 3, 0, "k.pem", 0, 0, 0, 0)
				} else {
					s.PathOpen(t.Context(), 3, 0, "ok", 0, 0, 0, 0)
				}
			}
		})
	}
	wg.Wait()
	for _, l := range lines {
		pem := strings.Contains(l, `"k.pem"`)
		if pem != strings.Contains(l, "EACCES [deny fs.deny") || !pem != strings.Contains(l, "ESUCCESS [allow fs.mounts]") {
			t.Fatalf("line with the wrong decision: %q", l)
		}
	}
	if len(w.bad) > 0 {
		t.Errorf("split writes: %q", w.bad[0])
	}
}

type writerFunc func(p []byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

func TestTraceJSONAllocs(t *testing.T) {
	ctx := t.Context()
	s := Trace(&decidingSystem{}, io.Discard, TraceWithFormat(TraceJSON), TracePayload(16))
	iovs := []IOVec{make([]byte, 64)}
	subs := []Subscription{{UserData: 1, EventType: ClockEvent}, {UserData: 2, EventType: FDReadEvent}}
	events := make([]Event, 2)
	for _, c := range []struct {
		name string
		call func()
	}{
		{"fd_write", func() { s.FDWrite(ctx, 1, iovs) }},
		{"fd_read", func() { s.FDRead(ctx, 0, iovs) }},
		{"path_open allowed", func() { s.PathOpen(ctx, 3, SymlinkFollow, "a/b/c", OCreate, AllRights, AllRights, 0) }},
		{"path_open denied", func() { s.PathOpen(ctx, 3, 0, "a.pem", 0, 0, 0, 0) }},
		{"poll_oneoff", func() { s.PollOneOff(ctx, subs, events) }},
		{"sock_accept", func() { s.SockAccept(ctx, 3, 0) }},
	} {
		c.call()
		if n := testing.AllocsPerRun(100, c.call); n != 0 {
			t.Errorf("%s: %.1f allocs per call, want 0", c.name, n)
		}
	}
}

func BenchmarkTraceFormats(b *testing.B) {
	ctx := b.Context()
	iovs := []IOVec{[]byte("hello, world\n")}
	for _, f := range []struct {
		name   string
		format TraceFormat
	}{{"text", TraceText}, {"json", TraceJSON}} {
		b.Run(f.name+"/fd_write", func(b *testing.B) {
			s := Trace(&fakeSystem{}, io.Discard, TraceWithFormat(f.format))
			b.ReportAllocs()
			for b.Loop() {
				s.FDWrite(ctx, 1, iovs)
			}
		})
		b.Run(f.name+"/path_open_decided", func(b *testing.B) {
			s := Trace(&decidingSystem{}, io.Discard, TraceWithFormat(f.format))
			b.ReportAllocs()
			for b.Loop() {
				s.PathOpen(ctx, 3, SymlinkFollow, "data/some/file.txt", OCreate|OTruncate, FileRights, FileRights, 0)
			}
		})
	}
}

func TestParseTraceFormat(t *testing.T) {
	for _, f := range []TraceFormat{TraceText, TraceJSON} {
		if got, err := ParseTraceFormat(f.String()); got != f || err != nil {
			t.Errorf("ParseTraceFormat(%q) = %v, %v", f.String(), got, err)
		}
	}
	if _, err := ParseTraceFormat("yaml"); err == nil {
		t.Error("ParseTraceFormat(yaml) succeeded")
	}
}

// A JSON trace: one object per line, for jq and log pipelines.
func ExampleTraceWithFormat() {
	sys := Trace(&decidingSystem{}, os.Stdout, TraceWithFormat(TraceJSON), TraceDurations(false))
	ctx := context.Background()
	sys.FDWrite(ctx, 1, []IOVec{[]byte("hello\n")})
	sys.PathOpen(ctx, 3, 0, "id.pem", 0, FDReadRight, 0, 0)
	// Output:
	// {"call":"fd_write","args":{"fd":1,"iovs":{"len":6,"count":1}},"result":{"nwritten":6},"errno":"ESUCCESS"}
	// {"call":"path_open","args":{"fd":3,"dirflags":[],"path":"id.pem","oflags":[],"base":["fd_read"],"inheriting":[],"fdflags":[]},"result":{},"decision":{"allow":false,"grant":"fs.deny","reason":"fs.deny \"**/*.pem\" at app.yaml:9"},"errno":"EACCES"}
}

// A System that decides calls reports each decision with RecordDecision;
// a Trace above it shows it on the call's line.
func ExampleRecordDecision() {
	sys := Trace(&decidingSystem{}, os.Stdout, TraceDurations(false))
	ctx := context.Background()
	sys.SockConnect(ctx, 6, SockAddr{Family: InetFamily, Addr: netip.MustParseAddrPort("10.0.0.1:443")})
	sys.SockConnect(ctx, 6, SockAddr{Family: InetFamily, Addr: netip.MustParseAddrPort("10.0.0.1:22")})
	// Output:
	// sock_connect(fd=6, addr=10.0.0.1:443) => ESUCCESS [allow tcp://10.0.0.0/8:443]
	// sock_connect(fd=6, addr=10.0.0.1:22) => EACCES [deny net.connect "no net.connect grant matches"]
}
