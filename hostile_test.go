package wasibox_test

// The hostile-guest suite (issue 6): one guest, testdata/guests/c/hostile.c,
// interprets a list of hostile calls given as arguments and reports each
// one's errno; the cases below say what every call must get. For every
// case the suite also checks that
//
//   - a sentinel tree outside the mounts, and the read-only mount itself,
//     are unchanged (names, types, modes, sizes, mtimes, contents, link
//     targets): the errno alone would not show a side effect;
//   - the host is alive: in process, the test goes on and no goroutine is
//     left behind; through the CLI, the exit status is the expected one
//     and nothing panicked;
//   - host memory stays bounded: in process, HeapInuse after a GC and the
//     memory the runtime took from the OS (Sys, which never shrinks, so it
//     bounds the peak); through the CLI, the child's peak RSS from
//     rusage. The bounds are generous (the machine is shared and noisy):
//     they catch gigabytes, not megabytes.
//
// Cases that need an exit status (timeouts, limits enforced at start) run
// the wasibox binary; the others run in process through wasibox.Run, which
// never applies the Landlock backstop, so that they test wasibox's own
// checks rather than the kernel's second line.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wasibox/wasibox"
	"github.com/wasibox/wasibox/internal/testguest"
	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/unix"
)

// Memory bounds (generous: they catch a runaway allocation, not noise).
const (
	hostileHeapGrowth = 64 << 20  // HeapInuse after a GC, after minus before
	hostileSysGrowth  = 512 << 20 // Sys after minus before: bounds the peak heap
	hostileMaxRSS     = 512 << 20 // peak RSS of a wasibox child
)

// step is one guest command and what it must report: "ERRNO" or
// "ERRNO|ERRNO..." then optional checks on the reported fields:
// "key=value" (equal) or "key<=N" (a number at most N); "-" for a
// command that never returns.
type step struct {
	cmd  string
	want string
}

// report is one "R <index> <verb> <ERRNO> key=value..." line of the guest.
type report struct {
	verb, errno string
	fields      map[string]string
}

func parseReports(out string) map[int]report {
	reps := map[int]report{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || f[0] != "R" {
			continue
		}
		i, err := strconv.Atoi(f[1])
		if err != nil {
			continue
		}
		if _, dup := reps[i]; dup {
			// The first line of a command counts: a blocking command
			// reports "sleeping"/"accepting" first, and may report again
			// if cancellation lets it return before the guest is stopped.
			continue
		}
		r := report{verb: f[2], errno: f[3], fields: map[string]string{}}
		for _, kv := range f[4:] {
			if k, v, ok := strings.Cut(kv, "="); ok {
				r.fields[k] = v
			}
		}
		reps[i] = r
	}
	return reps
}

// checkSteps compares the guest's reports with the steps (report i is
// step i-1; argv[0] is the program).
func checkSteps(t *testing.T, steps []step, out string) {
	t.Helper()
	reps := parseReports(out)
	for i, s := range steps {
		if s.want == "-" {
			continue // never reports (cut short by a timeout)
		}
		r, ok := reps[i+1]
		if !ok {
			t.Errorf("%q: no report (guest output %q)", s.cmd, tail(out))
			continue
		}
		want := strings.Fields(s.want)
		if !slices.Contains(strings.Split(want[0], "|"), r.errno) {
			t.Errorf("%q: errno %s %v, want %s", s.cmd, r.errno, r.fields, want[0])
			continue
		}
		for _, w := range want[1:] {
			if k, v, ok := strings.Cut(w, "<="); ok {
				got, err1 := strconv.ParseUint(r.fields[k], 10, 64)
				lim, err2 := strconv.ParseUint(v, 10, 64)
				if err1 != nil || err2 != nil || got > lim {
					t.Errorf("%q: %s=%s, want at most %s", s.cmd, k, r.fields[k], v)
				}
				continue
			}
			k, v, _ := strings.Cut(w, "=")
			if r.fields[k] != v {
				t.Errorf("%q: %s=%q, want %q", s.cmd, k, r.fields[k], v)
			}
		}
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

func cmds(steps []step) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = s.cmd
	}
	return out
}

// --- the host tree -----------------------------------------------------------

// hostileTree is the host side of every case:
//
//	root/sentinel/   never mounted: secret.txt, key.pem, dir/inner.txt
//	root/data/       mounted read-only at /data, with planted links
//	root/out/        mounted read-write at /out
//	root/rules/      the Rego policy of the -c manifests
//
// The sentinel and data trees must be unchanged after every case.
type hostileTree struct {
	root string
}

func newHostileTree(t *testing.T) *hostileTree {
	t.Helper()
	h := &hostileTree{root: t.TempDir()}
	r := h.root
	files := map[string]string{
		"sentinel/secret.txt":    "sentinel secret\n",
		"sentinel/key.pem":       "sentinel key\n",
		"sentinel/dir/inner.txt": "sentinel inner\n",
		"data/a.txt":             "hello\n",
		"data/private/key.pem":   "private key\n",
		"data/secret/s.txt":      "data secret\n",
		"data/sub/b.txt":         "bee\n",
		"out/o.txt":              "out\n",
		"out/a/private/k.txt":    "out private\n",
	}
	for name, content := range files {
		p := filepath.Join(r, name)
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(content), 0o644))
	}
	links := map[string]string{
		"data/up":     "../sentinel/secret.txt",
		"data/abs":    filepath.Join(r, "sentinel/secret.txt"),
		"data/dotdot": "..",
		"data/pem":    "private/key.pem",
		"data/sec":    "secret/s.txt",
		"data/proc":   "/proc/self/root",
		"data/loop":   "loop",
		"data/chain1": "chain2",
		"data/chain2": "private",
		"data/subup":  "sub/../../sentinel",
	}
	for name, target := range links {
		must(t, os.Symlink(target, filepath.Join(r, name)))
	}
	// Old mtimes, so that a touch shows in the snapshot.
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, d := range []string{"sentinel", "data"} {
		filepath.WalkDir(filepath.Join(r, d), func(p string, e fs.DirEntry, err error) error {
			if err == nil && e.Type()&fs.ModeSymlink == 0 {
				os.Chtimes(p, old, old)
			}
			return nil
		})
	}
	return h
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (h *hostileTree) path(rel string) string { return filepath.Join(h.root, rel) }

// snapshot describes the trees that no case may change.
func (h *hostileTree) snapshot(t *testing.T) string {
	t.Helper()
	var lines []string
	for _, d := range []string{"sentinel", "data"} {
		err := filepath.WalkDir(h.path(d), func(p string, _ fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			fi, err := os.Lstat(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(h.root, p)
			line := fmt.Sprintf("%s %v %d %d", rel, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				line += fmt.Sprintf(" nlink=%d", st.Nlink) // a hard link made from outside shows here
			}
			switch {
			case fi.Mode()&fs.ModeSymlink != 0:
				target, _ := os.Readlink(p)
				line += " -> " + target
			case fi.Mode().IsRegular():
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				line += fmt.Sprintf(" %x", sha256.Sum256(b))
			}
			lines = append(lines, line)
			return nil
		})
		must(t, err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// manifest writes root/manifest.yaml (and rules/policy.rego if rego is
// set) and loads it.
func (h *hostileTree) manifest(t *testing.T, yaml, rego string) *policy.Manifest {
	t.Helper()
	if rego != "" {
		must(t, os.MkdirAll(h.path("rules"), 0o755))
		must(t, os.WriteFile(h.path("rules/policy.rego"), []byte(rego), 0o644))
	}
	file := h.path("manifest.yaml")
	must(t, os.WriteFile(file, []byte(yaml), 0o644))
	m, err := policy.Load(file)
	if err != nil {
		t.Fatalf("manifest: %v\n%s", err, yaml)
	}
	return m
}

// --- in-process runs --------------------------------------------------------

// inProcess is what one in-process run produced.
type inProcess struct {
	code           uint32
	err            error
	stdout, denied string
}

// runInProcess runs the hostile guest under m through wasibox.Run and
// checks the invariants: trees unchanged, memory bounded, no goroutine
// left behind.
func runInProcess(t *testing.T, h *hostileTree, m *policy.Manifest, o runOpts, args ...string) inProcess {
	t.Helper()
	wasm, err := os.ReadFile(testguest.Path(t, "hostile"))
	must(t, err)
	before := h.snapshot(t)
	stdout, err := os.CreateTemp(t.TempDir(), "stdout")
	must(t, err)
	defer stdout.Close()
	devnull, err := os.Open(os.DevNull)
	must(t, err)
	defer devnull.Close()
	var denied bytes.Buffer

	goroutines := runtime.NumGoroutine()
	heap0, sys0 := memNow()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a hang fails, never blocks CI
	defer cancel()
	code, runErr := wasibox.Run(ctx, wasm, wasibox.Options{
		Manifest: m,
		Args:     append([]string{"hostile"}, args...),
		Stdin:    devnull,
		Stdout:   stdout,
		Stderr:   stdout,
		DenyLog:  &denied,
		Resolver: o.resolver,
		Engine:   o.engine,
	})
	heap1, sys1 := memNow()
	heapBound := int64(hostileHeapGrowth)
	if o.heapBound > 0 {
		heapBound = o.heapBound
	}
	if testing.Verbose() {
		t.Logf("heap in use %+d KiB, obtained from the OS %+d KiB", (heap1-heap0)>>10, (sys1-sys0)>>10)
	}
	if d := heap1 - heap0; d > heapBound {
		t.Errorf("heap in use grew by %d KiB (bound %d KiB)", d>>10, heapBound>>10)
	}
	if d := sys1 - sys0; d > hostileSysGrowth {
		t.Errorf("memory obtained from the OS grew by %d MiB (bound %d MiB)", d>>20, hostileSysGrowth>>20)
	}
	waitGoroutines(t, goroutines)
	if after := h.snapshot(t); after != before {
		t.Errorf("the sentinel or read-only tree changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	out, err := os.ReadFile(stdout.Name())
	must(t, err)
	return inProcess{code: code, err: runErr, stdout: string(out), denied: denied.String()}
}

func memNow() (heapInuse, sys int64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse), int64(ms.Sys)
}

// waitGoroutines fails if goroutines started by a run are still there
// after a while (they may take a moment to notice they are done).
func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before+2 {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Errorf("%d goroutines after the run, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runOpts are the knobs of an in-process run.
type runOpts struct {
	resolver  unix.Resolver
	engine    *policy.Engine // nil: compiled from the manifest
	heapBound int64          // 0: hostileHeapGrowth
}

// inProcessCase runs steps under a manifest in process and checks them.
func inProcessCase(t *testing.T, h *hostileTree, m *policy.Manifest, o runOpts, steps []step) inProcess {
	t.Helper()
	r := runInProcess(t, h, m, o, cmds(steps)...)
	if r.err != nil || r.code != 0 {
		t.Fatalf("run: exit %d, %v\noutput:\n%s", r.code, r.err, tail(r.stdout))
	}
	checkSteps(t, steps, r.stdout)
	if t.Failed() || testing.Verbose() {
		t.Logf("guest output:\n%s\ndenials:\n%s", tail(r.stdout), tail(r.denied))
	}
	return r
}

// --- CLI runs -----------------------------------------------------------------

// hostileCLI is the wasibox binary the CLI cases share, and its
// compilation cache (private to the tests, shared between them so that
// the module is compiled once). TestMain removes dir.
var hostileCLI struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if hostileCLI.dir != "" {
		os.RemoveAll(hostileCLI.dir)
	}
	os.Exit(code)
}

// wasiboxBinary builds the CLI once per test binary, cgo-free as shipped
// (only then does the Landlock backstop cover every thread).
func wasiboxBinary(t *testing.T) string {
	t.Helper()
	hostileCLI.once.Do(func() {
		dir, err := os.MkdirTemp("", "wasibox-hostile-")
		if err != nil {
			hostileCLI.err = err
			return
		}
		hostileCLI.dir = dir
		bin := filepath.Join(dir, "wasibox")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/wasibox")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=", "GOARCH=", "GOFLAGS=")
		if raceEnabled() {
			// Under `go test -race` the child is race-checked too: its
			// signal, timeout and Wake paths run only there. The race
			// detector needs cgo, so that binary applies no backstop
			// (the cases do not depend on it).
			cmd = exec.Command("go", "build", "-race", "-o", bin, "./cmd/wasibox")
			cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOOS=", "GOARCH=", "GOFLAGS=")
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			hostileCLI.err = fmt.Errorf("go build ./cmd/wasibox: %v\n%s", err, out)
			return
		}
		hostileCLI.bin = bin
	})
	if hostileCLI.err != nil {
		t.Fatal(hostileCLI.err)
	}
	return hostileCLI.bin
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// cliResult is one run of the wasibox binary.
type cliResult struct {
	code           int
	stdout, stderr string
	maxRSS         int64 // bytes
}

// cliRun runs `wasibox args...` with stdin (nil: /dev/null), checks that
// it did not crash, that its peak RSS is bounded (rssBound 0: the default
// bound) and that the trees are unchanged.
func cliRun(t *testing.T, h *hostileTree, stdin io.Reader, rssBound int64, args ...string) cliResult {
	t.Helper()
	before := h.snapshot(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, wasiboxBinary(t), args...)
	cmd.Dir = h.root
	// A private compilation cache, so that the cases do not depend on (or
	// fill) the user's.
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(hostileCLI.dir, "cache"))
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("wasibox %v: %v", args, err)
	}
	r := cliResult{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss << 10 // KiB on Linux
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Errorf("wasibox killed by %v; stderr:\n%s", ws.Signal(), tail(r.stderr))
	}
	for _, crash := range []string{"panic:", "fatal error:", "goroutine ", "WARNING: DATA RACE"} {
		if strings.Contains(r.stderr, crash) {
			t.Errorf("wasibox crashed (%q on stderr):\n%s", crash, tail(r.stderr))
		}
	}
	if rssBound == 0 {
		rssBound = hostileMaxRSS
	}
	if raceEnabled() {
		rssBound *= 8 // the race detector's shadow memory
	}
	if r.maxRSS > rssBound {
		t.Errorf("peak RSS %d MiB, bound %d MiB", r.maxRSS>>20, rssBound>>20)
	}
	if after := h.snapshot(t); after != before {
		t.Errorf("the sentinel or read-only tree changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	return r
}

// --- escapes -------------------------------------------------------------------

// hostileManifest is the -c manifest of the escape and rights cases:
// /data read-only, /out read-write, fs.deny globs and Rego rules, so
// that decisions are visibly taken on resolved paths.
const hostileManifest = `version: 1
fs:
  mounts:
    - {host: ./data, guest: /data, mode: ro}
    - {host: ./out, guest: /out, mode: rw}
  deny: ["**/*.pem", "/data/private/**", "/out/a/private/**"]
policy:
  modules: [./rules/policy.rego]
`

const hostileRego = `package wasibox

import rego.v1

deny contains "the secret folder is off limits" if {
	startswith(input.path, "/data/secret/")
}

deny contains "no new name may mention secrets" if {
	contains(input.new_path, "secret")
}
`

// TestHostileEscapes tries to leave the mounts, or reach what fs.deny and
// the Rego rules deny, with every path call: "..", absolute paths, links
// planted by the host and made by the guest, /proc magic links, renames
// and links out. A path that leaves its mount is NOTCAPABLE; a path that
// stays inside but is denied (by name or once its links are followed) is
// ACCES. It runs with both resolvers (openat2 and the openat walk).
func TestHostileEscapes(t *testing.T) {
	escape := "NOTCAPABLE"
	steps := []step{
		// Controls: what is granted works.
		{"cat /data a.txt", "SUCCESS data=hello_"},
		{"cat /data sub/../a.txt", "SUCCESS data=hello_"},
		{"cat /out o.txt", "SUCCESS data=out_"},

		// "..", absolute paths.
		{"cat /data ../sentinel/secret.txt", escape},
		{"cat /data sub/../../sentinel/secret.txt", escape},
		{"cat /data ../../../../../../etc/passwd", escape},
		{"cat /data /etc/passwd", escape},
		{"cat /data {root}/sentinel/secret.txt", escape},
		{"cat /out ../data/a.txt", escape},
		{"stat /data .. f", escape},
		{"open /data .. rd $z", escape},

		// Links planted by the host.
		{"cat /data up f", escape},
		{"cat /data abs f", escape},
		{"cat /data dotdot/sentinel/secret.txt", escape},
		{"cat /data subup/secret.txt", escape},
		{"cat /data proc/etc/passwd", escape},
		{"stat /data up f", escape},
		{"stat /data up", "SUCCESS type=7"}, // the link itself is in the mount
		{"readlink /data up", "SUCCESS target=../sentinel/secret.txt"},
		{"cat /data loop f", "LOOP"},

		// Inside the mount but denied: by name, and once links are followed.
		{"cat /data private/key.pem", "ACCES"},
		{"cat /data pem f", "ACCES"},
		{"cat /data chain1/key.pem f", "ACCES"},
		{"stat /data pem f", "ACCES"},
		{"cat /data secret/s.txt", "ACCES"},
		{"cat /data sec f", "ACCES"},
		{"cat /data sub/../secret/s.txt", "ACCES"},
		{"cat /data sub/../sec f", "ACCES"},
		{"open /data private rd $y", "ACCES"},
		{"cat /out a/private/k.txt", "ACCES"},

		// Links made by the guest.
		{"symlink ../sentinel/secret.txt /out l1", "SUCCESS"},
		{"cat /out l1 f", escape},
		// Absolute targets are refused when the link is made (they could
		// never be followed beneath the mount anyway).
		{"symlink {root}/sentinel/secret.txt /out l2", "NOTCAPABLE|SUCCESS"},
		{"cat /out l2 f", "NOTCAPABLE|NOENT"},
		{"symlink /proc/self/root /out l3", "NOTCAPABLE|SUCCESS"},
		{"cat /out l3/etc/passwd f", "NOTCAPABLE|NOENT"},
		{"symlink a/private/k.txt /out l4", "SUCCESS"},
		{"cat /out l4 f", "ACCES"},
		{"symlink a /out l5", "SUCCESS"},
		{"cat /out l5/private/k.txt f", "ACCES"},
		{"open /out l5/private rdf $x", "ACCES"},
		{"symlink x /out ../sentinel/planted", escape},
		{"symlink x /data planted", "NOTCAPABLE|ROFS|ACCES"},

		// Writes, renames and links out of the mounts.
		{"open /out ../sentinel/new.txt wc $w", escape},
		{"open /out l1 wtf $w", escape},
		{"open /data new.txt wc $w", "NOTCAPABLE|ROFS"},
		{"open /data a.txt wt $w", "NOTCAPABLE|ROFS"},
		{"mkdir /out ../sentinel/newdir", escape},
		{"mkdir /data newdir", "NOTCAPABLE|ROFS"},
		{"unlink /out ../sentinel/secret.txt", escape},
		{"unlink /data a.txt", "NOTCAPABLE|ROFS"},
		{"rmdir /out ../sentinel/dir", escape},
		{"utimes /out ../sentinel/secret.txt", escape},
		{"utimes /data a.txt", "NOTCAPABLE|ROFS"},
		{"rename /out o.txt /out ../sentinel/stolen", escape},
		{"rename /out ../sentinel/secret.txt /out stolen", escape},
		{"rename /out o.txt /data o.txt", "NOTCAPABLE|ROFS|XDEV"},
		{"rename /data a.txt /out a.txt", "NOTCAPABLE|ROFS|XDEV"},
		{"link /out o.txt /out ../sentinel/hard", escape},
		{"link /out l1 /out hard f", escape},
		{"link /data a.txt /out hard", "NOTCAPABLE|ROFS"},
		{"link /data up /out hard f", "NOTCAPABLE|ROFS"},

		// Renames and links around fs.deny and the Rego rules.
		{"rename /out a/private/k.txt /out k.txt", "ACCES"},
		{"link /out a/private/k.txt /out k.txt", "ACCES"},
		{"link /out l4 /out k.txt f", "ACCES"},
		{"rename /out a/private /out pub", "ACCES"},
		{"rename /out o.txt /out secret.txt", "ACCES"},
		{"rename /out o.txt /out x.pem", "ACCES"},
		{"cat /out o.txt", "SUCCESS data=out_"},
	}
	for _, res := range []unix.Resolver{unix.ResolveOpenat2, unix.ResolveWalk} {
		t.Run(res.String(), func(t *testing.T) {
			h := newHostileTree(t)
			m := h.manifest(t, hostileManifest, hostileRego)
			s := slices.Clone(steps)
			for i := range s {
				s[i].cmd = strings.ReplaceAll(s[i].cmd, "{root}", h.root)
			}
			r := inProcessCase(t, h, m, runOpts{resolver: res}, s)
			// Every denial was explained on the deny log, on one line each.
			if n := strings.Count(r.denied, "wasibox: denied "); n < 15 {
				t.Errorf("%d denial lines, want one per ACCES:\n%s", n, r.denied)
			}
			// Nothing in /out is a hard link to a file outside it.
			checkNoForeignLinks(t, h)
		})
	}
}

// checkNoForeignLinks fails if a file in out/ shares an inode with one in
// sentinel/ or data/.
func checkNoForeignLinks(t *testing.T, h *hostileTree) {
	t.Helper()
	inodes := map[uint64]string{}
	for _, d := range []string{"sentinel", "data"} {
		filepath.WalkDir(h.path(d), func(p string, e fs.DirEntry, err error) error {
			if fi, err := os.Lstat(p); err == nil {
				inodes[fi.Sys().(*syscall.Stat_t).Ino] = p
			}
			return nil
		})
	}
	filepath.WalkDir(h.path("out"), func(p string, e fs.DirEntry, err error) error {
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
			if other, ok := inodes[fi.Sys().(*syscall.Stat_t).Ino]; ok {
				t.Errorf("%s is a hard link to %s", p, other)
			}
		}
		return nil
	})
}

// TestHostileProcMagicLinks mounts the host's /proc read-only and follows
// its magic links (root, cwd, exe, fd/N of this very process): none may be
// followed (RESOLVE_NO_MAGICLINKS, or the walk's own refusal).
func TestHostileProcMagicLinks(t *testing.T) {
	h := newHostileTree(t)
	m := h.manifest(t, `version: 1
fs:
  mounts:
    - {host: /proc, guest: /proc, mode: ro}
`, "")
	magic := "NOTCAPABLE|LOOP|NOENT|ACCES"
	steps := []step{
		{"stat /proc self", "SUCCESS"},
		{"cat /proc self/root/etc/passwd", magic},
		{"cat /proc self/root/" + strings.TrimPrefix(h.path("sentinel/secret.txt"), "/"), magic},
		{"cat /proc thread-self/root/" + strings.TrimPrefix(h.path("sentinel/secret.txt"), "/"), magic},
		{"cat /proc self/cwd/sentinel/secret.txt", magic},
		{"cat /proc self/exe f", magic},
		{"cat /proc self/fd/0 f", magic},
		{"cat /proc 1/root/etc/passwd", magic},
		{"open /proc self/root rd $a", magic + "|NOTDIR"}, // not followed: not a directory
		{"open /proc self/root rdf $a", magic},
		{"open /proc self/cwd rdf $a", magic},
		{"open /proc self/fd/3 rdf $a", magic},
		{"stat /proc self/root/etc f", magic},
	}
	for _, res := range []unix.Resolver{unix.ResolveOpenat2, unix.ResolveWalk} {
		t.Run(res.String(), func(t *testing.T) {
			inProcessCase(t, h, m, runOpts{resolver: res}, steps)
		})
	}
}

// --- rights ----------------------------------------------------------------------

// TestHostileRights abuses descriptor rights: writing through read-only
// descriptors, widening rights with fd_fdstat_set_rights, renumbering over
// preopens (a read-only mount's descriptor moved onto the read-write
// mount's number keeps its own rights), and closed descriptors.
func TestHostileRights(t *testing.T) {
	const (
		read  = "0x2"        // fd_read
		write = "0x40"       // fd_write
		all   = "0x1fffffff" // every right
	)
	steps := []step{
		// Read-only descriptors.
		{"open /data a.txt r $a", "SUCCESS"},
		{"write $a 1", "BADF n=0"},                            // not open for writing (RATIONALE.md)
		{"open /data a.txt rw $b", "SUCCESS|NOTCAPABLE|ROFS"}, // attenuated or refused, never writable
		{"write $b 1", "BADF n=0"},
		{"setsize $b 0", "NOTCAPABLE|BADF|ROFS"},
		{"open /out o.txt r $c", "SUCCESS"},
		{"write $c 1", "BADF n=0"},
		{"allocate $c 0 100", "NOTCAPABLE|BADF"},

		// Widening rights.
		{"setrights $c " + all + " " + all, "NOTCAPABLE"},
		{"write $c 1", "BADF n=0"},
		{"setrights $c " + read + " 0", "SUCCESS"},
		{"read $c 3", "SUCCESS n=3"},
		{"setrights $c 0x42 0", "NOTCAPABLE"},
		{"fdstat $c", "SUCCESS base=" + read},
		{"setrights /data " + all + " " + all, "NOTCAPABLE"},
		{"open /data new.txt wc $d", "NOTCAPABLE|ROFS"},
		{"setrights /out 0 0", "SUCCESS"},
		{"open /out o.txt r $d", "NOTCAPABLE"},
		{"setrights /out " + all + " " + all, "NOTCAPABLE"},
		{"mkdir /out nd", "NOTCAPABLE"},

		// Renumbering over preopens: /data (ro, fd 3) onto 4 (/out, rw,
		// now without rights): fd 4 is then the read-only mount.
		{"renumber 3 4", "SUCCESS"},
		{"open 4 new.txt wc $e", "NOTCAPABLE|ROFS"},
		{"cat 4 a.txt", "SUCCESS data=hello_"},
		{"cat 4 ../sentinel/secret.txt", "NOTCAPABLE"},
		{"cat 3 a.txt", "BADF"},
		{"open 4 a.txt rw $f", "SUCCESS|NOTCAPABLE|ROFS"},
		{"write $f 1", "BADF n=0"},
		// A file renumbered onto a preopen's number is a file.
		{"open 4 a.txt r $g", "SUCCESS"},
		{"renumber $g 4", "SUCCESS"},
		{"open 4 a.txt r $h", "NOTDIR|NOTCAPABLE"},
		{"write 4 1", "BADF n=0"},
		{"renumber 4 4", "SUCCESS"},
		{"renumber 4 1000", "BADF"},
		{"renumber 4 2147483647", "BADF"},

		// Closed descriptors.
		{"close $c", "SUCCESS"},
		{"read $c 1", "BADF"},
		{"close $c", "BADF"},
		{"setrights $c " + all + " 0", "BADF"},
		{"close 4", "SUCCESS"},
		{"open 4 a.txt r $i", "BADF"},
		{"fdstat 4", "BADF"},
		{"close 0", "SUCCESS"},
		{"read 0 1", "BADF"},
		{"write 99 1", "BADF"},
		{"write -1 1", "BADF"},
	}
	h := newHostileTree(t)
	m := h.manifest(t, hostileManifest, hostileRego)
	inProcessCase(t, h, m, runOpts{}, steps)
	if b, err := os.ReadFile(h.path("out/o.txt")); err != nil || string(b) != "out\n" {
		t.Errorf("out/o.txt = %q, %v; want it unchanged", b, err)
	}
}

// --- ABI abuse -----------------------------------------------------------------

// TestHostileABI passes the host hostile pointers and counts: buffers at
// and past the end of memory, iovec counts of 1025, 2^31 and 2^32-1,
// paths of 4097 bytes and 2^32-1, 2^32-1 poll subscriptions, fd_renumber
// to 2^31, overlapping args/environ buffers, readdir with tiny, huge and
// whole-memory buffers, and a getaddrinfo result chain that points at
// itself with max_res_len 0xFFFFFFFF. Each is refused where it is found
// (EFAULT, EINVAL, ENAMETOOLONG, EBADF) or served within bounds; the heap
// bounds of runInProcess show nothing was allocated for the counts.
func TestHostileABI(t *testing.T) {
	steps := []step{
		{"abi iovs_at_end", "FAULT"},
		{"abi iovs_past_end", "FAULT"},
		{"abi iov_buf_over_end", "FAULT"},
		{"abi iov_len_wraps", "FAULT"},
		{"abi nwritten_at_end", "FAULT"},
		{"abi iovs_u32max", "INVAL"},
		{"abi iovs_2e31", "INVAL"},
		{"abi iovs_1025", "INVAL"},
		{"abi iovs_1024_empty", "SUCCESS n=0"},
		{"abi path_len_u32max", "NAMETOOLONG"},
		{"abi path_len_4097", "NAMETOOLONG"},
		{"abi path_over_end", "FAULT"},
		{"abi path_result_over_end", "FAULT"},
		{"abi poll_u32max", "INVAL"},
		{"abi poll_2e31", "INVAL"},
		{"abi poll_4097", "INVAL"},
		{"abi poll_over_end", "FAULT"},
		{"abi renumber_2e31", "BADF"},
		{"abi renumber_u32max", "BADF"},
		{"abi renumber_to_large", "BADF"},
		{"abi renumber_from_2e31", "BADF"},
		{"abi args_overlap", "SUCCESS"},
		{"abi environ_overlap", "SUCCESS"},
		{"abi args_at_end", "FAULT"},
		{"abi readdir_zero", "SUCCESS n=0"},
		{"abi readdir_tiny", "SUCCESS n=1"},
		{"abi readdir_u32max", "FAULT"},
		{"abi readdir_rest_of_memory", "SUCCESS"},
		{"abi readdir_huge_cookie", "SUCCESS n=0"},
		{"abi prestat_name_u32max", "FAULT|NAMETOOLONG"},
		{"abi random_u32max", "FAULT"},
		{"abi getaddrinfo_selfref", "SUCCESS n<=1"},
		{"abi getaddrinfo_maxres0", "82"},          // WasmEdge's EAI_MEMORY
		{"cat /data a.txt", "SUCCESS data=hello_"}, // and the host still serves
	}
	h := newHostileTree(t)
	m := h.manifest(t, `version: 1
env:
  set: {A: "1", B: "22"}
fs:
  mounts:
    - {host: ./data, guest: /data, mode: ro}
net:
  lookup: [localhost]
`, "")
	inProcessCase(t, h, m, runOpts{}, steps)
}

// --- network policy ----------------------------------------------------------

// sentinelTCP accepts connections on a loopback port and counts them.
type sentinelTCP struct {
	l    net.Listener
	port int
	mu   sync.Mutex
	n    int
}

func newSentinelTCP(t *testing.T, network, addr string) *sentinelTCP {
	t.Helper()
	l, err := net.Listen(network, addr)
	must(t, err)
	s := &sentinelTCP{l: l}
	if a, ok := l.Addr().(*net.TCPAddr); ok {
		s.port = a.Port
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.n++
			s.mu.Unlock()
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close() })
	return s
}

// count returns the connections accepted so far. A connection the guest
// completed is in the backlog already, but the accepting goroutine may not
// have run: give it a moment.
func (s *sentinelTCP) count() int {
	time.Sleep(100 * time.Millisecond)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// sentinelUDP returns a loopback UDP socket and a function that reports
// whether any datagram reached it.
func sentinelUDP(t *testing.T) (*net.UDPConn, func() bool) {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	must(t, err)
	t.Cleanup(func() { c.Close() })
	return c, func() bool {
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		_, _, err := c.ReadFrom(make([]byte, 64))
		return err == nil
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestHostileNetwork connects, binds and sends where the manifest does not
// grant: other ports and addresses, the granted address spelled as
// IPv4-mapped IPv6 or as 0.0.0.0/:: (which reach the loopback), binds
// outside the listen grants, datagrams to ungranted ports, and unix-domain
// sockets. Sentinel listeners (TCP, UDP, unix) must receive nothing; the
// granted listener receives exactly the granted connections.
func TestHostileNetwork(t *testing.T) {
	h := newHostileTree(t)
	granted := newSentinelTCP(t, "tcp", "127.0.0.1:0")
	sentinel := newSentinelTCP(t, "tcp", "127.0.0.1:0")
	sentinel6, err := net.Listen("tcp", "[::1]:0")
	var sentinel6Port int
	if err == nil { // no IPv6 loopback on some machines
		sentinel6.Close()
		s6 := newSentinelTCP(t, "tcp", "[::1]:0")
		sentinel6Port = s6.port
		t.Cleanup(func() {
			if n := s6.count(); n != 0 {
				t.Errorf("the IPv6 sentinel listener accepted %d connections", n)
			}
		})
	}
	grantedUDP, grantedGot := sentinelUDP(t)
	sentinelU, sentinelGot := sentinelUDP(t)
	sockPath := h.path("sentinel.sock")
	unixSentinel := newSentinelTCP(t, "unix", sockPath)
	listenPort := freePort(t)

	gp, sp := granted.port, sentinel.port
	gu, su := grantedUDP.LocalAddr().(*net.UDPAddr).Port, sentinelU.LocalAddr().(*net.UDPAddr).Port
	m := h.manifest(t, fmt.Sprintf(`version: 1
net:
  connect: ["tcp://127.0.0.1:%d", "udp://127.0.0.1:%d"]
  listen: ["tcp://127.0.0.1:%d"]
`, gp, gu, listenPort), "")
	p := strconv.Itoa
	steps := []step{
		{"sock_open 1 2 $a", "SUCCESS"}, // inet stream
		{"connect $a 4:127.0.0.1 " + p(sp), "ACCES"},
		{"connect $a s4:127.0.0.1 " + p(sp), "ACCES"},
		{"connect $a 4:0.0.0.0 " + p(sp), "ACCES"},
		{"connect $a 4:127.0.0.2 " + p(gp), "ACCES"},
		{"connect $a 4:10.255.255.1 " + p(gp), "ACCES"},
		{"connect $a 4:127.0.0.1 0", "ACCES"},
		{"connect $a 4:127.0.0.1 65536", "INVAL"},
		{"sock_open 2 2 $b", "SUCCESS"}, // inet6 stream
		{"connect $b 6:::ffff:127.0.0.1 " + p(sp), "ACCES"},
		{"connect $b s6:::ffff:127.0.0.1 " + p(sp), "ACCES"},
		{"connect $b 6:::ffff:0.0.0.0 " + p(sp), "ACCES"},
		{"connect $b 6::: " + p(sp), "ACCES"},
		{"connect $b 6:::1 " + p(sentinel6Port), "ACCES"},
		{"connect $b 6:::1 " + p(gp), "ACCES"},
		{"connect $b 6:::ffff:127.0.0.2 " + p(gp), "ACCES"},
		// Unix-domain sockets are never granted.
		{"sock_open 3 2 $c", "ACCES|AFNOSUPPORT"},
		{"connect $a u:" + sockPath, "ACCES|AFNOSUPPORT|INVAL"},
		{"bind $a u:" + h.path("out/made.sock"), "ACCES|AFNOSUPPORT|INVAL"},
		// Binds outside the listen grant.
		{"sock_open 1 2 $d", "SUCCESS"},
		{"bind $d 4:127.0.0.1 " + p(listenPort+1), "ACCES"},
		{"bind $d 4:0.0.0.0 " + p(listenPort), "ACCES"},
		{"bind $d 4:127.0.0.2 " + p(listenPort), "ACCES"},
		{"sock_open 2 2 $e", "SUCCESS"},
		{"bind $e 6::: " + p(listenPort), "ACCES"},
		{"bind $e 6:::ffff:0.0.0.0 " + p(listenPort), "ACCES"},
		// Datagrams.
		{"sock_open 1 1 $u", "SUCCESS"}, // inet datagram
		{"sendto $u 4:127.0.0.1 " + p(su) + " 5", "ACCES n=0"},
		{"sendto $u 4:0.0.0.0 " + p(su) + " 5", "ACCES n=0"},
		{"sendto $u s4:127.0.0.1 " + p(su) + " 5", "ACCES n=0"},
		{"sendto $u 4:127.0.0.1 " + p(gp) + " 5", "ACCES n=0"},
		{"connect $u 4:127.0.0.1 " + p(su), "ACCES"},
		{"getaddrinfo localhost", "ACCES n=0"},
		// Controls: the grants work.
		{"sendto $u 4:127.0.0.1 " + p(gu) + " 5", "SUCCESS n=5"},
		{"connect $a 4:127.0.0.1 " + p(gp), "SUCCESS"},
		{"connect $b 6:::ffff:127.0.0.1 " + p(gp), "SUCCESS"}, // the same address, mapped
		{"bind $d 4:127.0.0.1 " + p(listenPort), "SUCCESS"},
		{"listen $d 4", "SUCCESS"},
	}
	inProcessCase(t, h, m, runOpts{}, steps)
	if n := sentinel.count(); n != 0 {
		t.Errorf("the sentinel listener accepted %d connections", n)
	}
	if n := unixSentinel.count(); n != 0 {
		t.Errorf("the unix-domain sentinel accepted %d connections", n)
	}
	if sentinelGot() {
		t.Error("the sentinel UDP socket received a datagram")
	}
	if n := granted.count(); n != 2 {
		t.Errorf("the granted listener accepted %d connections, want 2", n)
	}
	if !grantedGot() {
		t.Error("the granted UDP socket received nothing")
	}
	if _, err := os.Lstat(h.path("out/made.sock")); err == nil {
		t.Error("the guest created a unix-domain socket file")
	}
}

// --- resource exhaustion -----------------------------------------------------

// exitTimeout and exitFailed are wasibox run's exit statuses for a timeout
// and for a failure of wasibox itself (docs/design.md).
const (
	exitTimeout = 124
	exitFailed  = 125
)

// cliCase is one run of the binary: flags, guest steps, the exit status
// it must end with, and what else to check.
type cliCase struct {
	name     string
	flags    []string // before the module; {root} is the tree
	steps    []step
	stdin    bool // an open pipe nobody writes to
	code     int
	reportFD int // where the guest reports (1 unless it floods stdout)
	rss      int64
	check    func(t *testing.T, h *hostileTree, r cliResult)
}

func runCLICase(t *testing.T, h *hostileTree, wasm string, c cliCase) cliResult {
	t.Helper()
	args := []string{"run"}
	for _, f := range c.flags {
		args = append(args, strings.ReplaceAll(f, "{root}", h.root))
	}
	args = append(args, wasm)
	args = append(args, cmds(c.steps)...)
	var stdin io.Reader
	if c.stdin {
		r, w, err := os.Pipe()
		must(t, err)
		defer r.Close()
		defer w.Close() // after the run: the read must not see EOF
		stdin = r
	}
	res := cliRun(t, h, stdin, c.rss, args...)
	if res.code != c.code {
		t.Errorf("exit %d, want %d; stderr:\n%s", res.code, c.code, tail(res.stderr))
	}
	reports := res.stdout
	if c.reportFD == 2 {
		reports = res.stderr
	}
	checkSteps(t, c.steps, reports)
	if c.check != nil {
		c.check(t, h, res)
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("peak RSS %d MiB; stdout:\n%s\nstderr:\n%s", res.maxRSS>>20, tail(res.stdout), tail(res.stderr))
	}
	return res
}

// TestHostileExhaustion runs guests that try to exhaust the host: memory
// past limits.memory, descriptors to EMFILE, stdout and stderr floods past
// their caps, writes past the quota, time (spinning in pure wasm, blocked
// in poll_oneoff, fd_read and sock_accept), and a module over
// --max-module-size. Each through the CLI, for its exit status and peak
// RSS.
func TestHostileExhaustion(t *testing.T) {
	h := newHostileTree(t)
	wasm := testguest.Path(t, "hostile")
	// A module of 1 GiB (sparse): refused before it is read, let alone
	// compiled, so the peak RSS stays small.
	huge := h.path("huge.wasm")
	f, err := os.Create(huge)
	must(t, err)
	must(t, f.Truncate(1<<30))
	f.Close()
	listenPort := freePort(t)

	cases := []cliCase{
		{
			name:  "memory.grow past --memory",
			flags: []string{"--memory", "4MiB"},
			steps: []step{{"memgrow", "SUCCESS pages<=64"}, {"cat /nope x", "BADF"}},
		},
		{
			name:  "memory.grow past limits.memory of a manifest",
			flags: []string{"-c", "{root}/limits.yaml"},
			steps: []step{{"memgrow", "SUCCESS pages<=128"}},
		},
		{
			name:  "open files to EMFILE",
			flags: []string{"--max-open-files", "16", "--dir", "{root}/data:/data:ro"},
			steps: []step{{"openmany /data a.txt", "MFILE n<=16"}, {"cat /data a.txt", "MFILE"}},
		},
		{
			name:     "stdout flood past --stdout-limit",
			flags:    []string{"--stdout-limit", "100000"},
			steps:    []step{{"report 2", "SUCCESS"}, {"flood 1 4096", "FBIG total=100000 again=22"}},
			reportFD: 2,
			check: func(t *testing.T, h *hostileTree, r cliResult) {
				if len(r.stdout) != 100000 || strings.Trim(r.stdout, "y") != "" {
					t.Errorf("%d bytes reached stdout, want exactly the 100000 of the cap", len(r.stdout))
				}
			},
		},
		{
			name:  "stderr flood past --stderr-limit",
			flags: []string{"--stderr-limit", "5000"},
			steps: []step{{"flood 2 1000", "FBIG total=5000 again=22"}},
			check: func(t *testing.T, h *hostileTree, r cliResult) {
				if n := strings.Count(r.stderr, "y"); n != 5000 {
					t.Errorf("%d guest bytes reached stderr, want the 5000 of the cap", n)
				}
			},
		},
		{
			name:  "writes past --write-quota",
			flags: []string{"--write-quota", "10000", "--dir", "{root}/out:/out"},
			steps: []step{
				{"open /out big.txt rwc $f", "SUCCESS"},
				{"flood $f 4096", "DQUOT total=10000 again=19"},
				{"pwrite $f 10 50000", "DQUOT n=0"},
				{"allocate $f 0 100000", "DQUOT"},
				{"setsize $f 100000", "DQUOT"},
				{"open /out other.txt wc $g", "SUCCESS"},
				{"write $g 1", "DQUOT n=0"},
			},
			check: func(t *testing.T, h *hostileTree, r cliResult) {
				fi, err := os.Stat(h.path("out/big.txt"))
				if err != nil || fi.Size() != 10000 {
					t.Errorf("out/big.txt: %v, %v; want 10000 bytes", fi, err)
				}
			},
		},
		{
			name:  "timeout while spinning in pure wasm",
			flags: []string{"--timeout", "2s"},
			steps: []step{{"spin", "SUCCESS"}},
			code:  exitTimeout,
		},
		{
			name:  "timeout of a manifest while spinning",
			flags: []string{"-c", "{root}/timeout.yaml"},
			steps: []step{{"spin", "SUCCESS"}},
			code:  exitTimeout,
		},
		{
			name:  "timeout while blocked in poll_oneoff",
			flags: []string{"--timeout", "2s"},
			steps: []step{{"sleep 3600", "SUCCESS"}},
			code:  exitTimeout,
		},
		{
			name:  "timeout while blocked in fd_read",
			flags: []string{"--timeout", "2s"},
			steps: []step{{"report 1", "SUCCESS"}, {"read 0 10", "-"}},
			stdin: true,
			code:  exitTimeout,
		},
		{
			name:  "timeout while blocked in sock_accept",
			flags: []string{"--timeout", "2s", "--listen", fmt.Sprintf("tcp://127.0.0.1:%d", listenPort)},
			steps: []step{
				{"sock_open 1 2 $a", "SUCCESS"},
				{fmt.Sprintf("bind $a 4:127.0.0.1 %d", listenPort), "SUCCESS"},
				{"listen $a 1", "SUCCESS"},
				{"accept $a", "SUCCESS"}, // the "accepting" line; accept itself never returns
			},
			code: exitTimeout,
		},
		{
			name:  "module over --max-module-size",
			flags: []string{"--max-module-size", "1KiB"},
			code:  exitFailed,
			check: func(t *testing.T, h *hostileTree, r cliResult) {
				if !strings.Contains(r.stderr, "module_size") || strings.Contains(r.stderr, "compile") {
					t.Errorf("stderr %q: want the size refusal, before any compilation", r.stderr)
				}
			},
		},
	}
	must(t, os.WriteFile(h.path("limits.yaml"), []byte("version: 1\nlimits: {memory: 8MiB}\n"), 0o644))
	must(t, os.WriteFile(h.path("timeout.yaml"), []byte("version: 1\nlimits: {timeout: 2s}\n"), 0o644))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runCLICase(t, h, wasm, c)
		})
	}
	t.Run("1 GiB module over --max-module-size", func(t *testing.T) {
		r := cliRun(t, h, nil, 256<<20, "run", "--max-module-size", "1MiB", huge)
		if r.code != exitFailed || !strings.Contains(r.stderr, "module_size") {
			t.Errorf("exit %d, stderr %q; want 125 and the size refusal", r.code, r.stderr)
		}
	})
}

// TestHostileTimeoutInProcess is the library's side of the timeouts:
// wasibox.Run under limits.timeout ends a guest spinning in pure wasm or
// blocked in poll_oneoff or sock_accept, and returns the deadline error.
// (Under -race this is where cancellation racing a blocked host call is
// checked in process.)
func TestHostileTimeoutInProcess(t *testing.T) {
	listenPort := freePort(t)
	for _, c := range []struct {
		name  string
		steps []string
		ready string // the verb the last step reports before it blocks
	}{
		{"spin", []string{"spin"}, "spin"},
		{"poll_oneoff", []string{"sleep 3600"}, "sleeping"},
		{"sock_accept", []string{"sock_open 1 2 $a", fmt.Sprintf("bind $a 4:127.0.0.1 %d", listenPort), "listen $a 1", "accept $a"}, "accepting"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHostileTree(t)
			// The library's timeout covers compilation too: 3 s leave
			// room for it on a loaded machine.
			m := h.manifest(t, fmt.Sprintf(`version: 1
net:
  listen: ["tcp://127.0.0.1:%d"]
limits: {timeout: 3s}
`, listenPort), "")
			r := runInProcess(t, h, m, runOpts{}, c.steps...)
			if !errors.Is(r.err, context.DeadlineExceeded) {
				t.Errorf("exit %d, %v; want the deadline error\n%s", r.code, r.err, r.stdout)
			}
			if rep, ok := parseReports(r.stdout)[len(c.steps)]; !ok || rep.verb != c.ready {
				t.Errorf("the guest never reached %q:\n%s", c.steps[len(c.steps)-1], r.stdout)
			}
		})
	}
}

// --- policy-engine abuse -------------------------------------------------------

// abuseRego makes OPA work hard on guest-controlled input: a range whose
// size is the path's length times a million, a regular expression and a
// glob over long paths. The evaluation timeout (policy.EvalTimeout) must
// deny, with the host alive and its memory bounded.
const abuseRego = `package wasibox

import rego.v1

deny contains "too many numbers" if {
	input.op == "path_filestat_get"
	count(input.path) > 20
	n := count(numbers.range(0, count(input.path) * 1000000))
	n >= 0
}

deny contains "nested path" if {
	input.op == "path_open"
	regex.match("^/out/(a+/?)+$", input.path)
}

deny contains "glob" if {
	input.op == "path_create_directory"
	glob.match("/out/**/a/**/a/**/a/**/b", ["/"], input.path)
}

deny contains sprintf("%d", [count(concat("", [input.path | numbers.range(1, 100000)[_]]))]) if {
	input.op == "path_unlink_file"
}
`

// TestHostilePolicyAbuse runs Rego rules that explode on guest-controlled
// input (through the CLI, for the peak RSS): each evaluation is cut by the
// timeout and denies; the host survives and stays small.
func TestHostilePolicyAbuse(t *testing.T) {
	h := newHostileTree(t)
	must(t, os.MkdirAll(h.path("rules"), 0o755))
	must(t, os.WriteFile(h.path("rules/policy.rego"), []byte(abuseRego), 0o644))
	must(t, os.WriteFile(h.path("abuse.yaml"), []byte(`version: 1
fs:
  mounts:
    - {host: ./out, guest: /out, mode: rw}
policy:
  modules: [./rules/policy.rego]
`), 0o644))
	long := "x" + strings.Repeat("y", 200)
	nested := strings.TrimSuffix(strings.Repeat("a/", 1000), "/")
	runCLICase(t, h, testguest.Path(t, "hostile"), cliCase{
		flags: []string{"-c", "{root}/abuse.yaml"},
		steps: []step{
			{"stat /out " + long, "ACCES"},
			{"stat /out " + long + "z", "ACCES"},
			{"stat /out o.txt", "SUCCESS"}, // short paths are not abused
			{"cat /out " + nested, "ACCES"},
			{"mkdir /out " + nested, "ACCES|NOENT"},
			{"unlink /out o.txt", "ACCES"},
			{"cat /out o.txt", "SUCCESS data=out_"},
		},
		check: func(t *testing.T, h *hostileTree, r cliResult) {
			if !strings.Contains(r.stderr, "policy error (denied)") {
				t.Errorf("stderr does not say the policy failed (closed):\n%s", tail(r.stderr))
			}
		},
	})
}

// TestHostileDecisionCache makes 100,000 distinct path decisions that only
// OPA can take (none is native, none repeats): the decision cache must
// stay bounded (policy.DefaultCacheSize), so the heap does not grow with
// the number of paths.
func TestHostileDecisionCache(t *testing.T) {
	h := newHostileTree(t)
	m := h.manifest(t, `version: 1
fs:
  mounts:
    - {host: ./out, guest: /out, mode: rw}
policy:
  modules: [./rules/policy.rego]
`, `package wasibox

import rego.v1

deny contains "no private folder" if {
	input.op == "path_filestat_get"
	some part in split(input.path, "/")
	part == "private"
}
`)
	eng, err := policy.NewEngine(t.Context(), m)
	must(t, err)
	if plan := eng.Plan("path_filestat_get"); plan != "opa" {
		t.Fatalf("path_filestat_get is decided by %q; the case needs OPA (and its cache)", plan)
	}
	const paths = 100000
	inProcessCase(t, h, m, runOpts{engine: eng, heapBound: 12 << 20}, []step{
		{fmt.Sprintf("manypaths /out p%s %d", strings.Repeat("q", 200), paths), "SUCCESS denied=0 other=0"},
		{"stat /out a/private/k.txt", "ACCES"},
	})
	if st := eng.Stats(); st.Evaluated < paths {
		t.Errorf("engine stats %+v: want at least %d evaluations (distinct inputs)", st, paths)
	}
}

// TestHostileRenameAboveDenied renames a directory above an fs.deny glob
// ("/out/a/private/**": rename /out/a to /out/b), which would move the
// denied files to paths no glob matches. Found by this suite; the guard now
// refuses folder renames that could move what a glob protects
// (policy.Glob.RenameSafe).
func TestHostileRenameAboveDenied(t *testing.T) {
	h := newHostileTree(t)
	m := h.manifest(t, hostileManifest, hostileRego)
	inProcessCase(t, h, m, runOpts{}, []step{
		{"cat /out a/private/k.txt", "ACCES"},
		{"rename /out a /out b", "ACCES"},
		{"cat /out b/private/k.txt", "NOENT"},
	})
}

// TestHostileDenyGlobBlowup sends a long path (1000 elements) through a
// manifest whose fs.deny glob has several "**": the matchers of
// policy/glob.go and guard/glob.go retry every split of every "**"
// recursively, which was polynomial of degree (number of "**") in the
// number of path elements: this one decision took hours. Found by this
// suite; the guard's matcher now only retries the last "**" (O(pattern *
// path)).
func TestHostileDenyGlobBlowup(t *testing.T) {
	h := newHostileTree(t)
	m := h.manifest(t, `version: 1
fs:
  mounts:
    - {host: ./out, guest: /out, mode: rw}
  deny: ["/out/**/a/**/a/**/a/**/b"]
`, "")
	long := strings.TrimSuffix(strings.Repeat("a/", 1000), "/")
	inProcessCase(t, h, m, runOpts{}, []step{
		{"stat /out " + long, "NOENT"},
		{"mkdir /out " + long + "/b", "ACCES"},
	})
}
