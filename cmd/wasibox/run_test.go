package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/wasibox/wasibox"
	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/wasi"
)

// End-to-end tests: the real binary running WAT guests through hostabi and
// unix. They assert outcomes and exit codes, never durations.

func TestRunExitCodes(t *testing.T) {
	missingDir := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		name       string
		args       []string // {"guest:NAME"} is replaced by the compiled testdata/NAME.wat
		want       int
		wantStdout string
		wantStderr string // substring; "" = stderr must be empty
	}{
		{name: "exit 0", args: []string{"guest:exit", "0"}, want: 0},
		{name: "exit 3", args: []string{"guest:exit", "3"}, want: 3},
		{name: "exit 255", args: []string{"guest:exit", "255"}, want: 255},
		{name: "exit 300 becomes 1", args: []string{"guest:exit", "300"}, want: 1, wantStderr: "guest exit code 300 is out of range 0-255"},
		{name: "return from _start", args: []string{"guest:hello"}, want: 0, wantStdout: "hello\n"},
		{name: "reactor _initialize", args: []string{"guest:reactor"}, want: 0, wantStdout: "init\n"},
		{name: "trap", args: []string{"guest:trap"}, want: exitTrap, wantStderr: "wasm stack trace:"},
		{name: "link error", args: []string{"guest:badimport"}, want: exitFailed, wantStderr: "wasibox: instantiate"},
		{name: "module not found", args: []string{filepath.Join(t.TempDir(), "nope.wasm")}, want: exitFailed, wantStderr: "no such file or directory"},
		{name: "not a module", args: []string{"testdata/exit.wat"}, want: exitFailed, wantStderr: "wasibox: compile"},
		{name: "missing --dir host", args: []string{"--dir", missingDir + ":/data", "guest:exit"}, want: exitFailed, wantStderr: "no such file or directory"},
		{name: "usage error", args: []string{"--timeout", "x", "guest:exit"}, want: exitUsage, wantStderr: "usage: wasibox run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"run"}, tt.args...)
			for i, a := range args {
				if name, ok := strings.CutPrefix(a, "guest:"); ok {
					args[i] = watGuest(t, name)
				}
			}
			r := runWasibox(t, args...)
			if r.code != tt.want {
				t.Errorf("exit code %d, want %d (stderr %q)", r.code, tt.want, r.stderr)
			}
			if r.stdout != tt.wantStdout {
				t.Errorf("stdout %q, want %q", r.stdout, tt.wantStdout)
			}
			if tt.wantStderr == "" && r.stderr != "" {
				t.Errorf("stderr %q, want none", r.stderr)
			}
			if !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("stderr %q, want it to contain %q", r.stderr, tt.wantStderr)
			}
		})
	}
}

func TestRunTrapStackTrace(t *testing.T) {
	r := runWasibox(t, "run", watGuest(t, "trap"))
	if r.code != exitTrap {
		t.Fatalf("exit code %d, want %d (stderr %q)", r.code, exitTrap, r.stderr)
	}
	// The trace names the frames, innermost first.
	in, out := strings.Index(r.stderr, "inner"), strings.Index(r.stderr, "outer")
	if !strings.HasPrefix(r.stderr, "wasibox: trap: wasm error: unreachable") || in < 0 || out < in {
		t.Fatalf("stderr %q, want the trap and a stack trace with inner then outer", r.stderr)
	}
}

func TestRunLinkErrorIsOneLine(t *testing.T) {
	r := runWasibox(t, "run", watGuest(t, "badimport"))
	if r.code != exitFailed || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "wasibox: ") {
		t.Fatalf("exit %d, stderr %q; want 125 and one line prefixed wasibox:", r.code, r.stderr)
	}
}

func TestRunTimeoutInPoll(t *testing.T) {
	r := runWasibox(t, "run", "--timeout", "1s", watGuest(t, "sleep"))
	if r.code != exitTimeout || r.stdout != "sleeping\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 124 after the guest reached poll_oneoff", r.code, r.stdout, r.stderr)
	}
}

// TestRunTimeoutSpinning: a guest that never makes a host call is not
// reached by the module close or the wake fd; the CLI ends it with the
// process after a grace period, with the timeout's status.
func TestRunTimeoutSpinning(t *testing.T) {
	r := runWasibox(t, "run", "--timeout", "1s", watGuest(t, "spin"))
	if r.code != exitTimeout {
		t.Fatalf("exit %d, stderr %q; want 124", r.code, r.stderr)
	}
}

func TestRunTimeoutInStdinRead(t *testing.T) {
	cmd := wasiboxCmd(t, "run", "--timeout", "1s", watGuest(t, "stdin"))
	w := pipeStdin(t, cmd) // kept open: the read never completes by itself
	r := wait(t, start(t, cmd))
	w.Close()
	if r.code != exitTimeout || r.stdout != "reading\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 124 after the guest reached fd_read", r.code, r.stdout, r.stderr)
	}
}

// TestRunStdinRead is the control for the timeout test: the same guest
// completes once stdin has data.
func TestRunStdinRead(t *testing.T) {
	cmd := wasiboxCmd(t, "run", "--timeout", "50s", watGuest(t, "stdin"))
	w := pipeStdin(t, cmd)
	s := start(t, cmd)
	s.waitOutput(t, "reading\n")
	if _, err := w.WriteString("x"); err != nil {
		t.Fatal(err)
	}
	r := wait(t, s)
	w.Close()
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q; want 0 (fd_read succeeded)", r.code, r.stderr)
	}
}

func TestRunSignalWhileBlocked(t *testing.T) {
	tests := []struct {
		name  string
		guest string
		ready string
		sig   syscall.Signal
		want  int
	}{
		{name: "SIGINT in poll_oneoff", guest: "sleep", ready: "sleeping\n", sig: syscall.SIGINT, want: 130},
		{name: "SIGTERM in poll_oneoff", guest: "sleep", ready: "sleeping\n", sig: syscall.SIGTERM, want: 143},
		{name: "SIGINT in fd_read on stdin", guest: "stdin", ready: "reading\n", sig: syscall.SIGINT, want: 130},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := wasiboxCmd(t, "run", watGuest(t, tt.guest))
			w := pipeStdin(t, cmd)
			s := start(t, cmd)
			s.waitOutput(t, tt.ready)
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			r := wait(t, s)
			w.Close()
			if r.code != tt.want {
				t.Fatalf("exit %d, stderr %q; want %d", r.code, r.stderr, tt.want)
			}
		})
	}
}

func TestRunNoCapabilityByDefault(t *testing.T) {
	dir := t.TempDir()
	const ebadf, esuccess = 8, 0
	tests := []struct {
		name string
		args []string
		want int
	}{
		{name: "no --dir, no preopen", args: []string{"guest:prestat"}, want: ebadf},
		{name: "--dir gives fd 3", args: []string{"--dir", dir + ":/data", "guest:prestat"}, want: esuccess},
		{name: "--dir on / read-only", args: []string{"--dir", dir + ":/:ro", "guest:prestat"}, want: esuccess},
		// wasiboxCmd's environment has PATH and HOME; none reaches the guest.
		{name: "no environment", args: []string{"guest:environ"}, want: 0},
		{name: "--env and --env-inherit", args: []string{"--env", "A=1", "--env-inherit", "HOME", "--env-inherit", "NOT_SET", "guest:environ"}, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"run"}, tt.args...)
			name, _ := strings.CutPrefix(args[len(args)-1], "guest:")
			args[len(args)-1] = watGuest(t, name)
			if r := runWasibox(t, args...); r.code != tt.want {
				t.Fatalf("exit %d, want %d (stderr %q)", r.code, tt.want, r.stderr)
			}
		})
	}
}

func TestRunCompilationCache(t *testing.T) {
	for _, noCache := range []bool{false, true} {
		cacheHome := t.TempDir()
		args := []string{"run", watGuest(t, "hello")}
		if noCache {
			args = []string{"run", "--no-cache", watGuest(t, "hello")}
		}
		cmd := wasiboxCmd(t, args...)
		cmd.Env = append(cmd.Env, "XDG_CACHE_HOME="+cacheHome) // the last one wins
		if r := wait(t, start(t, cmd)); r.code != 0 {
			t.Fatalf("%q: exit %d, stderr %q", args, r.code, r.stderr)
		}
		dir := filepath.Join(cacheHome, "wasibox")
		_, err := os.Lstat(dir)
		if noCache {
			if err == nil {
				t.Errorf("--no-cache created %s", dir)
			}
			continue
		}
		assertMode(t, dir, 0o700)
		entries, _ := filepath.Glob(filepath.Join(dir, "cli", "wazero-*", "*"))
		if len(entries) == 0 {
			t.Errorf("no compiled module cached under %s", dir)
		}
	}
}

// pipeStdin gives cmd a pipe as stdin and returns its write end, which the
// caller closes.
func pipeStdin(t *testing.T, cmd *exec.Cmd) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	cmd.Stdin = r // an *os.File becomes the child's fd 0 as is
	return w
}

var update = flag.Bool("update", false, "rewrite the golden files of testdata/trace")

// normalizeTrace removes what changes from run to run: durations (text)
// and start times and durations (JSON).
func normalizeTrace(s string) string {
	s = regexp.MustCompile(`(?m) \([0-9.]+(ns|µs|ms|s|m[0-9.]*s|h[0-9hms.]*)\)$`).ReplaceAllString(s, "")
	s = regexp.MustCompile(`"ts":"[^"]*",`).ReplaceAllString(s, "")
	return regexp.MustCompile(`,"dur_ns":[0-9]+`).ReplaceAllString(s, "")
}

// TestRunTraceGolden: the trace of a small guest under a manifest with
// fs.deny, in both formats, to a file; the guest's output and the denial
// line are unaffected. Update with: go test -run TestRunTraceGolden -update
func TestRunTraceGolden(t *testing.T) {
	wasm := testGuest(t, "trace/traced.wat")
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			trace := filepath.Join(t.TempDir(), "trace.out")
			r := runWasibox(t, "run", "-c", "testdata/trace/manifest.yaml", "--trace="+trace, "--trace-format", format, wasm)
			if r.code != 0 || r.stdout != "hello from in.txt\n" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			if !strings.HasPrefix(r.stderr, "wasibox: denied path_open /data/key.pem") || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr %q, want the one denial line", r.stderr)
			}
			b, err := os.ReadFile(trace)
			if err != nil {
				t.Fatal(err)
			}
			got := normalizeTrace(string(b))
			golden := filepath.Join("testdata", "trace", "traced."+format)
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("trace differs from %s (run with -update if the change is meant):\n got:\n%s\nwant:\n%s", golden, got, want)
			}
			if format == "json" {
				for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
					var v map[string]any
					if err := json.Unmarshal([]byte(line), &v); err != nil {
						t.Errorf("not JSON: %q: %v", line, err)
					}
				}
			}
		})
	}
}

// TestRunTraceStderr: a bare --trace writes to stderr, one whole line per
// call, in order with the denial line; --trace-max-string shortens paths.
func TestRunTraceStderr(t *testing.T) {
	r := runWasibox(t, "run", "-c", "testdata/trace/manifest.yaml", "--trace", "--trace-max-string", "3", testGuest(t, "trace/traced.wat"))
	if r.code != 0 || r.stdout != "hello from in.txt\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	var calls []string
	for _, l := range lines {
		name, _, _ := strings.Cut(l, "(")
		calls = append(calls, name)
	}
	want := []string{"path_open", "fd_read", "fd_write", "fd_close", "wasibox: denied path_open /data/key.pem ", "path_open"}
	if len(calls) != len(want) {
		t.Fatalf("stderr lines %q, want calls %q", lines, want)
	}
	for i := range want {
		if !strings.HasPrefix(calls[i], want[i]) {
			t.Errorf("line %d = %q, want %q", i, lines[i], want[i])
		}
	}
	if !strings.Contains(lines[0], `path="in."…(6B),`) {
		t.Errorf("path not shortened to 3 bytes: %q", lines[0])
	}
}

// statsRow returns the fields of the --stats row of call.
func statsRow(t *testing.T, stderr, call string) []string {
	t.Helper()
	for _, line := range strings.Split(stderr, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[len(f)-1] == call {
			return f
		}
	}
	t.Fatalf("no --stats row for %s in %q", call, stderr)
	return nil
}

func TestRunStats(t *testing.T) {
	r := runWasibox(t, "run", "-c", "testdata/trace/manifest.yaml", "--stats", testGuest(t, "trace/traced.wat"))
	if r.code != 0 || r.stdout != "hello from in.txt\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "% time     seconds  usecs/call     calls    errors   denials call\n") {
		t.Fatalf("no stats table on stderr: %q", r.stderr)
	}
	// % time, seconds, usecs/call, calls, errors, denials, name.
	if f := statsRow(t, r.stderr, "path_open"); len(f) != 7 || f[3] != "2" || f[4] != "1" || f[5] != "1" {
		t.Errorf("path_open row %q: want 2 calls, 1 error, 1 denial", f)
	}
	if f := statsRow(t, r.stderr, "fd_write"); len(f) != 5 || f[3] != "1" {
		t.Errorf("fd_write row %q: want 1 call, no errors", f)
	}
	if f := statsRow(t, r.stderr, "total"); f[3] != "5" {
		t.Errorf("total row %q: want 5 calls", f)
	}
}

// TestRunAuditLog: --audit-log and the manifest's audit.log both get a
// record per decision, allowed and denied, with the deciding grant or
// rule and the module's hash; the flag is accepted with -c.
func TestRunAuditLog(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "data"), 0o755)
	os.WriteFile(filepath.Join(dir, "data", "in.txt"), []byte("hello from in.txt\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "data", "key.pem"), []byte("secret\n"), 0o644)
	manifest := filepath.Join(dir, "m.yaml")
	os.WriteFile(manifest, []byte(`version: 1
fs:
  mounts: [{host: ./data, guest: /data, mode: ro}]
  deny: ["**/*.pem"]
audit: {log: ./manifest-audit.jsonl}
`), 0o644)
	wasm := testGuest(t, "trace/traced.wat")
	sum, _ := os.ReadFile(wasm)
	flagLog := filepath.Join(dir, "flag-audit.jsonl")
	r := runWasibox(t, "run", "-c", manifest, "--audit-log", flagLog, wasm)
	if r.code != 0 || r.stdout != "hello from in.txt\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, file := range []string{flagLog, filepath.Join(dir, "manifest-audit.jsonl")} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var recs []map[string]any
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			var v map[string]any
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				t.Fatalf("%s: not JSON: %q", file, line)
			}
			recs = append(recs, v)
		}
		if len(recs) != 2 {
			t.Fatalf("%s: %d records, want 2:\n%s", file, len(recs), b)
		}
		allowed, denied := recs[0], recs[1]
		if res := allowed["result"].(map[string]any); res["allow"] != true || allowed["grant"] != "fs.mounts /data ro" ||
			allowed["object"] != "/data/in.txt" || allowed["path"] != "wasibox/path_open" {
			t.Errorf("%s: allowed record %v", file, allowed)
		}
		res := denied["result"].(map[string]any)
		if res["allow"] != false || !strings.Contains(res["reason"].(string), `fs.deny "**/*.pem"`) || denied["object"] != "/data/key.pem" {
			t.Errorf("%s: denied record %v", file, denied)
		}
		in := denied["input"].(map[string]any)
		if in["path"] != "/data/key.pem" || in["mount"] != "/data" || in["op"] != "path_open" {
			t.Errorf("%s: denied input %v", file, in)
		}
		labels := denied["labels"].(map[string]any)
		if labels["module_sha256"] != fmt.Sprintf("%x", sha256.Sum256(sum)) || labels["manifest"] != manifest {
			t.Errorf("%s: labels %v", file, labels)
		}
		if _, ok := denied["decision_id"].(string); !ok {
			t.Errorf("%s: no decision_id", file)
		}
	}
}

// TestRunProfiles: --cpuprofile and --memprofile write pprof files
// (gzipped protocol buffers), with the Landlock backstop on.
func TestRunProfiles(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	r := runWasibox(t, "run", "--cpuprofile", cpu, "--memprofile="+mem, watGuest(t, "hello"))
	if r.code != 0 || r.stdout != "hello\n" || r.stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for file, sampleType := range map[string]string{cpu: "nanoseconds", mem: "inuse_space"} {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: not gzip: %v", file, err)
		}
		b, err := io.ReadAll(zr)
		f.Close()
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: %d bytes, %v", file, len(b), err)
		}
		// The profile's string table names its sample types.
		if !bytes.Contains(b, []byte(sampleType)) {
			t.Errorf("%s is not a pprof profile with %s samples", file, sampleType)
		}
	}
	if r := runWasibox(t, "run", "--cpuprofile", filepath.Join(dir, "no", "such", "cpu.prof"), watGuest(t, "hello")); r.code != exitFailed {
		t.Errorf("unwritable --cpuprofile: exit %d, want 125", r.code)
	}
}

// BenchmarkRunTrace runs a guest that opens, writes and closes a file b.N
// times (three host calls each, one of them decided by the guard), in
// process through the root package: untraced (nothing is wrapped), traced
// to a file in both formats, and counted (--stats). ns/op is one
// iteration, three calls; it includes compiling the guest once, so use a
// large fixed -benchtime (e.g. 200000x) to compare.
func BenchmarkRunTrace(b *testing.B) {
	wasm, err := os.ReadFile(testGuest(b, "learn/writeloop.c"))
	if err != nil {
		b.Fatal(err)
	}
	// tmpfs where there is one: the benchmark is about wasibox's cost
	// per call, not the disk's (on some virtual machines a disk open
	// costs 300 µs).
	dir, err := os.MkdirTemp("/dev/shm", "wasibox-bench-")
	if err != nil {
		dir = b.TempDir()
	} else {
		defer os.RemoveAll(dir)
	}
	m := &policy.Manifest{Version: 1, Dir: dir, EnvSet: map[string]string{},
		Mounts:   []policy.Mount{{Host: dir, Guest: "/tmp", Mode: policy.ReadWrite}},
		Realtime: policy.ClockMode{Kind: "host"}, Monotonic: policy.ClockMode{Kind: "host"}, Random: policy.Random{Kind: "host"},
		Stdin: policy.Stdio{Kind: "inherit"}, Stdout: policy.Stdio{Kind: "inherit"}, Stderr: policy.Stdio{Kind: "inherit"},
		OnDenyErrno: wasi.EACCES}
	for _, bc := range []struct {
		name  string
		trace string // "" none, else the format
		stats bool
	}{
		{name: "untraced"},
		{name: "trace=text", trace: "text"},
		{name: "trace=json", trace: "json"},
		{name: "stats", stats: true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			o := wasibox.Options{Manifest: m, Args: []string{"writeloop", strconv.Itoa(b.N)}, HostEnv: []string{}, Stats: bc.stats}
			if bc.trace != "" {
				f, err := os.Create(filepath.Join(dir, "trace"))
				if err != nil {
					b.Fatal(err)
				}
				lb := newLineBuffer(f)
				defer os.Remove(f.Name())
				defer lb.Close()
				format, _ := wasi.ParseTraceFormat(bc.trace)
				o.Trace, o.TraceOptions = lb, []wasi.TraceOption{wasi.TraceWithFormat(format)}
			}
			b.ReportAllocs()
			b.ResetTimer()
			code, err := wasibox.Run(context.Background(), wasm, o)
			b.StopTimer()
			if code != 0 || err != nil {
				b.Fatalf("exit %d, %v", code, err)
			}
		})
	}
}

// BenchmarkSystemCall measures what observation costs per host call,
// without a guest: fd_write of 16 bytes to /dev/null, and path_open plus
// fd_close of a file in a tmpfs mount, on the System a run hands to the
// host module, untraced (the guard itself), traced to a file and counted.
func BenchmarkSystemCall(b *testing.B) {
	dir, err := os.MkdirTemp("/dev/shm", "wasibox-bench-")
	if err != nil {
		dir = b.TempDir()
	} else {
		defer os.RemoveAll(dir)
	}
	os.WriteFile(filepath.Join(dir, "f"), nil, 0o644)
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devNull.Close()
	m := &policy.Manifest{Version: 1, Dir: dir, EnvSet: map[string]string{},
		Mounts:   []policy.Mount{{Host: dir, Guest: "/tmp", Mode: policy.ReadWrite}},
		Realtime: policy.ClockMode{Kind: "host"}, Monotonic: policy.ClockMode{Kind: "host"}, Random: policy.Random{Kind: "host"},
		Stdin: policy.Stdio{Kind: "inherit"}, Stdout: policy.Stdio{Kind: "inherit"}, Stderr: policy.Stdio{Kind: "inherit"},
		OnDenyErrno: wasi.EACCES}
	for _, mode := range []string{"untraced", "trace=text", "trace=json", "stats"} {
		o := wasibox.Options{Manifest: m, HostEnv: []string{}, Stdout: devNull, Stats: mode == "stats"}
		if format, ok := strings.CutPrefix(mode, "trace="); ok {
			f, err := os.Create(filepath.Join(dir, "trace"))
			if err != nil {
				b.Fatal(err)
			}
			lb := newLineBuffer(f)
			defer lb.Close()
			tf, _ := wasi.ParseTraceFormat(format)
			o.Trace, o.TraceOptions = lb, []wasi.TraceOption{wasi.TraceWithFormat(tf)}
		}
		s, err := wasibox.NewSystem(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close(context.Background())
		sys := s.System
		ctx := context.Background()
		iovs := []wasi.IOVec{[]byte("0123456789abcdef")}
		b.Run("fd_write/"+mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, errno := sys.FDWrite(ctx, 1, iovs); errno != wasi.ESUCCESS {
					b.Fatal(errno)
				}
			}
		})
		b.Run("path_open+fd_close/"+mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fd, errno := sys.PathOpen(ctx, 3, 0, "f", 0, wasi.FDWriteRight, 0, 0)
				if errno != wasi.ESUCCESS {
					b.Fatal(errno)
				}
				sys.FDClose(ctx, fd)
			}
		})
	}
}
