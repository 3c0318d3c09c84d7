//go:build linux

package hostabi_test

// End-to-end tests: real guest programs, built from testdata/guests by
// internal/testguest, run in-process on wazero through hostabi over
// unix.System, with temporary trees preopened at "/" and "/data". The
// guests print "ok <check>" / "FAIL <check>: ..." lines; every FAIL line
// becomes a test error. This file holds the harness and the tests of the
// libc, Go and WAT guests; conformance_test.go and escape_e2e_test.go hold
// the rest.

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox/hostabi"
	"github.com/wasibox/wasibox/internal/testguest"
	"github.com/wasibox/wasibox/unix"
)

// guestEnviron is the whole environment of every run; the guests check it.
var guestEnviron = []string{"WASIBOX_A=1", "WASIBOX_EMPTY=", "WASIBOX_EQ=a=b"}

// resolvers are the path resolution strategies every path test runs under
// (docs/design.md decision 1).
var resolvers = []unix.Resolver{unix.ResolveOpenat2, unix.ResolveWalk}

// compilationCache is shared by every runtime of the test binary, so each
// guest is compiled once however many times it runs. It lives next to the
// built guests, so that later test runs skip compilation altogether
// (wazero writes its entries atomically, so parallel test binaries can
// share it).
var compilationCache = sync.OnceValue(func() wazero.CompilationCache {
	if dir := guestDir.Load(); dir != nil {
		if c, err := wazero.NewCompilationCacheWithDir(filepath.Join(*dir, ".wazero-cache")); err == nil {
			return c
		}
	}
	return wazero.NewCompilationCache()
})

// guestDir is the build directory of the guests, set by the first run.
var guestDir atomic.Pointer[string]

// precompiled holds one *sync.Once per guest module: parallel first runs of
// a module wait for one compilation instead of each doing it (the Go guest
// takes seconds to compile).
var precompiled sync.Map

func runtimeConfig() wazero.RuntimeConfig {
	return wazero.NewRuntimeConfig().WithCompilationCache(compilationCache()).WithCloseOnContextDone(true)
}

// precompile compiles wasm into compilationCache once per module name.
func precompile(module string, wasm []byte) {
	once, _ := precompiled.LoadOrStore(module, new(sync.Once))
	once.(*sync.Once).Do(func() {
		ctx := context.Background()
		rt := wazero.NewRuntimeWithConfig(ctx, runtimeConfig())
		defer rt.Close(ctx)
		rt.CompileModule(ctx, wasm) // an error shows again in runGuest
	})
}

const defaultGuestTimeout = 30 * time.Second

// guestRun describes one run of a test guest.
type guestRun struct {
	module   string   // built guest name (testguest.Path)
	args     []string // argv after argv[0]
	root     string   // host directory preopened at "/" ("" for none)
	data     string   // host directory preopened at "/data" ("" for none)
	readOnly bool     // both preopens read-only
	resolver unix.Resolver
	stdin    *os.File // nil: an empty file

	// timeout bounds the run (defaultGuestTimeout if 0). A guest still
	// running then is a test failure.
	timeout time.Duration
	// unblock, if set, is called every 200ms once the timeout has passed
	// until the guest returns: for a guest stuck in a host call that
	// neither the context nor System.Wake can reach (a blocking open(2)).
	unblock func()
}

// guestResult is what a run produced.
type guestResult struct {
	exit     uint32
	err      error // a trap, a closed module, or any error but an exit
	timedOut bool
	stdout   string
	stderr   string
}

// runGuest runs g to completion and returns its result. Harness errors
// (the guest cannot be built, compiled or linked) fail the test.
func runGuest(t *testing.T, g guestRun) guestResult {
	t.Helper()
	wasm, err := os.ReadFile(testguest.Path(t, g.module))
	if err != nil {
		t.Fatal(err)
	}
	dir := testguest.Dir(t)
	guestDir.CompareAndSwap(nil, &dir)
	precompile(g.module, wasm)
	ctx := t.Context()
	rt := wazero.NewRuntimeWithConfig(ctx, runtimeConfig())
	defer rt.Close(context.Background())
	compiled, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		t.Fatalf("compile %s: %v", g.module, err)
	}

	tmp := t.TempDir()
	stdout := createFile(t, filepath.Join(tmp, "stdout"))
	stderr := createFile(t, filepath.Join(tmp, "stderr"))
	stdin := g.stdin
	if stdin == nil {
		stdin = createFile(t, filepath.Join(tmp, "stdin"))
	}
	cfg := unix.Config{
		Args:     append([]string{g.module}, g.args...),
		Environ:  guestEnviron,
		Stdin:    int(stdin.Fd()),
		Stdout:   int(stdout.Fd()),
		Stderr:   int(stderr.Fd()),
		Resolver: g.resolver,
	}
	if g.root != "" {
		cfg.Preopens = append(cfg.Preopens, unix.Preopen{HostPath: g.root, GuestPath: "/", ReadOnly: g.readOnly})
	}
	if g.data != "" {
		cfg.Preopens = append(cfg.Preopens, unix.Preopen{HostPath: g.data, GuestPath: "/data", ReadOnly: g.readOnly})
	}
	system, err := unix.New(cfg)
	if err != nil {
		t.Fatalf("unix.New: %v", err)
	}
	defer system.Close(context.Background())

	timeout := g.timeout
	if timeout == 0 {
		timeout = defaultGuestTimeout
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Cancellation reaches host calls through Wake (design decision 8).
	defer context.AfterFunc(runCtx, system.Wake)()
	if _, err := hostabi.Instantiate(runCtx, rt, system, compiled); err != nil {
		t.Fatalf("hostabi.Instantiate: %v", err)
	}

	done := make(chan error, 1)
	go func() {
		_, err := rt.InstantiateModule(runCtx, compiled, wazero.NewModuleConfig())
		done <- err
	}()
	var res guestResult
	select {
	case err = <-done:
	case <-time.After(timeout + time.Second):
		res.timedOut = true
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		giveUp := time.After(30 * time.Second)
	wait:
		for {
			select {
			case err = <-done:
				break wait
			case <-tick.C:
				if g.unblock != nil {
					g.unblock()
				}
			case <-giveUp:
				t.Fatalf("%s %q is stuck in a host call and could not be unblocked", g.module, g.args)
			}
		}
	}
	if runCtx.Err() != nil {
		res.timedOut = true
	}
	var exitErr *sys.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr) && !res.timedOut:
		res.exit = exitErr.ExitCode()
	default:
		res.err = err
	}
	res.stdout = readFile(t, stdout.Name())
	res.stderr = readFile(t, stderr.Name())
	return res
}

// check reports every FAIL line of r, a wrong exit code, a trap, a timeout,
// and a missing summary line (a guest that stopped early), and logs the
// output when anything is wrong. It returns the number of ok lines.
func (r guestResult) check(t *testing.T, wantExit uint32, wantSummary bool) int {
	t.Helper()
	bad := false
	oks := 0
	summary := false
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "FAIL "):
			t.Error(line)
			bad = true
		case strings.HasPrefix(line, "ok "):
			oks++
		case strings.HasPrefix(line, "summary "):
			summary = true
		}
	}
	if r.timedOut {
		t.Errorf("the guest did not finish in time")
		bad = true
	}
	if r.err != nil {
		t.Errorf("the guest failed: %v", r.err)
		bad = true
	}
	if r.exit != wantExit {
		t.Errorf("exit code %d, want %d", r.exit, wantExit)
		bad = true
	}
	if wantSummary && !summary {
		t.Errorf("no summary line: the guest stopped early")
		bad = true
	}
	if oks == 0 {
		t.Errorf("no ok line at all")
		bad = true
	}
	if bad {
		t.Logf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	return oks
}

func createFile(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// node is one entry of a test tree: a file (content), a directory (dir), a
// symlink (link) or a FIFO (fifo).
type node struct {
	path    string
	content string
	dir     bool
	link    string
	fifo    bool
}

// fixtureTime is the mtime of the fixture files, so that guests can tell
// "unchanged" from "set to now".
var fixtureTime = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func makeTree(t *testing.T, root string, nodes []node) {
	t.Helper()
	for _, n := range nodes {
		p := filepath.Join(root, n.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case n.dir:
			err = os.MkdirAll(p, 0o755)
		case n.link != "":
			err = os.Symlink(n.link, p)
		case n.fifo:
			err = syscall.Mkfifo(p, 0o644)
		default:
			if err = os.WriteFile(p, []byte(n.content), 0o644); err == nil {
				err = os.Chtimes(p, fixtureTime, fixtureTime)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// fixtureNodes is the tree every conformance-style guest runs in; see
// testdata/guests/c/conformance/groups.h.
var fixtureNodes = []node{
	{path: "hello.txt", content: "hello, world\n"},
	{path: "empty.txt"},
	{path: "dir/one.txt", content: "1"},
	{path: "dir/sub", dir: true},
	{path: "link_hello", link: "hello.txt"},
	{path: "link_dir", link: "dir"},
	{path: "dangling", link: "nowhere"},
	{path: "loop", link: "loop"},
	{path: "data/in.txt", content: "data file\n"},
}

// fixture builds a fresh fixture tree and returns the directories to
// preopen at "/" and "/data".
func fixture(t *testing.T) (root, data string) {
	t.Helper()
	root = filepath.Join(t.TempDir(), "root")
	makeTree(t, root, fixtureNodes)
	return root, filepath.Join(root, "data")
}

// snapshot describes every entry under root (skipping the subtree skip, if
// not ""): type, mode, size, nlink, mtime, ctime, and the content hash or
// link target. Comparing two snapshots finds any change an escape made.
// atime is left out: reads change it.
func snapshot(t *testing.T, root, skip string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if skip != "" && p == skip {
			return fs.SkipDir
		}
		var st syscall.Stat_t
		if err := syscall.Lstat(p, &st); err != nil {
			return err
		}
		desc := fmt.Sprintf("mode=%o size=%d nlink=%d mtime=%d.%09d ctime=%d.%09d",
			st.Mode, st.Size, st.Nlink, st.Mtim.Sec, st.Mtim.Nsec, st.Ctim.Sec, st.Ctim.Nsec)
		switch st.Mode & syscall.S_IFMT {
		case syscall.S_IFREG:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			desc += " sha256=" + hex.EncodeToString(sum[:8])
		case syscall.S_IFLNK:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			desc += " -> " + target
		}
		rel, _ := filepath.Rel(root, p)
		snap[rel] = desc
		return nil
	})
	if err != nil {
		t.Fatalf("snapshot %s: %v", root, err)
	}
	return snap
}

// compareSnapshots reports every entry that appeared, vanished or changed.
func compareSnapshots(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	var keys []string
	for k := range before {
		keys = append(keys, k)
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		b, inB := before[k]
		a, inA := after[k]
		switch {
		case !inA:
			t.Errorf("%s: %s was removed (was %s)", what, k, b)
		case !inB:
			t.Errorf("%s: %s was created (%s)", what, k, a)
		case a != b:
			t.Errorf("%s: %s changed:\n\tbefore %s\n\tafter  %s", what, k, b, a)
		}
	}
}

// emptyPipe returns the read end of a pipe whose write end stays open until
// the test ends: reading it would block forever.
func emptyPipe(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r
}

// pipeWith returns the read end of a pipe holding content, its write end
// closed (so the reader sees EOF after content).
func pipeWith(t *testing.T, content string) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if _, err := w.WriteString(content); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return r
}

// TestLibcProbe runs an ordinary C program on plain wasi-libc: stdio,
// dirent, stat, time, getenv and the emulated working directory.
func TestLibcProbe(t *testing.T) {
	t.Parallel()
	for _, res := range resolvers {
		for _, group := range []string{"stdio", "dirent", "stat", "time", "env", "cwd"} {
			t.Run(res.String()+"/"+group, func(t *testing.T) {
				t.Parallel()
				root, data := fixture(t)
				r := runGuest(t, guestRun{module: "libc_probe", args: []string{group}, root: root, data: data, resolver: res})
				r.check(t, 0, true)
				if group == "stdio" && !strings.Contains(r.stderr, "libc_probe: a line on stderr") {
					t.Errorf("stderr %q lacks the guest's line", r.stderr)
				}
			})
		}
	}
}

// TestGoGuest runs a Go GOOS=wasip1 program: Go's runtime uses
// path_open with every inheriting right, non-blocking stdio and
// poll_oneoff for sleeping, unlike wasi-libc.
func TestGoGuest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		args  []string
		stdin string
		exit  uint32
		paths bool // run under both resolvers
	}{
		{name: "files", args: []string{"files"}, paths: true},
		{name: "dirs", args: []string{"dirs"}, paths: true},
		{name: "args", args: []string{"args", "hello world", "ünï", ""}},
		{name: "env", args: []string{"env"}},
		{name: "stdin", args: []string{"stdin"}, stdin: "line one\nline two\n"},
		{name: "time", args: []string{"time"}},
		{name: "exit0", args: []string{"exit", "0"}},
		{name: "exit3", args: []string{"exit", "3"}, exit: 3},
		{name: "exit255", args: []string{"exit", "255"}, exit: 255},
	}
	for i, res := range resolvers {
		for _, c := range cases {
			if i > 0 && !c.paths {
				continue
			}
			t.Run(res.String()+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				root, data := fixture(t)
				g := guestRun{module: "gowasi", args: c.args, root: root, data: data, resolver: res}
				if c.stdin != "" {
					g.stdin = pipeWith(t, c.stdin)
				}
				r := runGuest(t, g)
				isExit := c.args[0] == "exit"
				r.check(t, c.exit, !isExit)
				if isExit && strings.Contains(r.stdout, "summary") {
					t.Errorf("the guest went on after os.Exit:\n%s", r.stdout)
				}
			})
		}
	}
}

// abiChecks names the checks of testdata/guests/wat/abi.wat by number; the
// guest exits with 100 + the number of the first that fails.
var abiChecks = map[uint32]string{
	1: "clock_time_get result at the end of memory", 2: "clock_time_get result one byte past",
	3: "clock_time_get result at 2^32-1", 4: "random_get buffer ending at the end",
	5: "random_get buffer one byte too long", 6: "random_get pointer+length wrapping",
	7: "fd_write iovec array ending at the end", 8: "fd_write nwritten",
	9: "fd_write second iovec past the end", 10: "fd_write buffer past the end",
	11: "fd_write 2^29 iovecs (size wraps)", 12: "fd_write nwritten straddling the end",
	13: "fd_read iovecs at the end", 14: "fd_prestat_dir_name into the last byte",
	15: "fd_prestat_dir_name content", 16: "fd_prestat_dir_name past the end",
	17: "path_open path straddling the end", 18: "path_open path_len 2^32-1",
	19: "path_open fd result straddling the end", 20: "args_sizes_get results at the end",
	21: "args_sizes_get result straddling the end", 22: "poll_oneoff subscription at the end",
	23: "poll_oneoff nevents", 24: "poll_oneoff subscription past the end",
	25: "poll_oneoff events past the end",
}

// TestABIBoundaries runs a WAT guest with a one-page memory that puts
// every kind of guest buffer exactly at, and one byte past, the end.
func TestABIBoundaries(t *testing.T) {
	t.Parallel()
	root, data := fixture(t)
	r := runGuest(t, guestRun{module: "abi", root: root, data: data})
	if r.err != nil || r.timedOut {
		t.Fatalf("abi guest failed: %v (timed out: %v)", r.err, r.timedOut)
	}
	if r.exit != 0 {
		t.Errorf("abi check %d failed: %s (exit %d)", r.exit-100, abiChecks[r.exit-100], r.exit)
	}
	if r.stdout != "ok abi\n" {
		t.Errorf("stdout %q, want %q", r.stdout, "ok abi\n")
	}
}

// TestReadOnlyMount runs the C and Go guests on a read-only mount: every
// mutation fails, reads work, and nothing under the mount changes, not
// even an mtime.
func TestReadOnlyMount(t *testing.T) {
	t.Parallel()
	for _, res := range resolvers {
		for _, g := range []struct{ module, group string }{{"conformance", "readonly"}, {"gowasi", "ro"}} {
			t.Run(res.String()+"/"+g.module, func(t *testing.T) {
				t.Parallel()
				root, data := fixture(t)
				before := snapshot(t, root, "")
				r := runGuest(t, guestRun{module: g.module, args: []string{g.group}, root: root, data: data, readOnly: true, resolver: res})
				r.check(t, 0, true)
				compareSnapshots(t, "read-only mount", before, snapshot(t, root, ""))
			})
		}
	}
}
