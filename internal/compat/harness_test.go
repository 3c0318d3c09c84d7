package compat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox"
	"github.com/wasibox/wasibox/hostabi"
	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/unix"
)

// runLimit bounds every guest run and every wait on a guest, so that a
// hang fails the case instead of the test binary. It is not a performance
// assertion.
const runLimit = 60 * time.Second

// shared is what the tests of this binary build once: the location of
// wazero's module source, the modules read from it, the Go guest, the
// wazero compilation cache, and the wasibox CLI with its private cache.
// TestMain removes dir.
var shared struct {
	dir string // temporary folder of the binary, removed by TestMain

	wazeroOnce sync.Once
	wazeroDir  string
	wazeroErr  error

	mu      sync.Mutex
	modules map[string][]byte // path relative to wazeroDir -> bytes

	goOnce sync.Once
	goWasm []byte
	goErr  error

	cache wazero.CompilationCache

	cliOnce sync.Once
	cli     string
	cliErr  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wasibox-compat-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared.dir = dir
	shared.cache = wazero.NewCompilationCache()
	code := m.Run()
	shared.cache.Close(context.Background())
	os.RemoveAll(dir)
	os.Exit(code)
}

// wazeroDir returns the folder of the wazero module go.mod requires, as the
// module cache holds it, or skips the test when it is not there.
func wazeroDir(t testing.TB) string {
	t.Helper()
	shared.wazeroOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/tetratelabs/wazero").Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				err = fmt.Errorf("%v: %s", err, bytes.TrimSpace(ee.Stderr))
			}
			shared.wazeroErr = err
			return
		}
		dir := strings.TrimSpace(string(out))
		if dir == "" {
			shared.wazeroErr = errors.New("the module is not in the module cache")
			return
		}
		if _, err := os.Stat(filepath.Join(dir, "imports", "wasi_snapshot_preview1", "testdata")); err != nil {
			shared.wazeroErr = err
			return
		}
		shared.wazeroDir = dir
	})
	if shared.wazeroErr != nil {
		t.Skipf("wazero's module source is needed for its test programs (%v); fetch it with `go mod download github.com/tetratelabs/wazero`", shared.wazeroErr)
	}
	return shared.wazeroDir
}

// wazeroPath returns the path of rel (slash-separated) in wazero's module.
func wazeroPath(t testing.TB, rel string) string {
	return filepath.Join(wazeroDir(t), filepath.FromSlash(rel))
}

// module returns the bytes of the prebuilt module at rel in wazero's module.
func module(t testing.TB, rel string) []byte {
	t.Helper()
	p := wazeroPath(t, rel)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if b, ok := shared.modules[rel]; ok {
		return b
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if shared.modules == nil {
		shared.modules = map[string][]byte{}
	}
	shared.modules[rel] = b
	return b
}

// goGuest builds imports/wasi_snapshot_preview1/testdata/go/wasi.go with
// GOOS=wasip1 GOARCH=wasm, as wazero's TestMain does, once per test binary.
// The source is copied next to a go.mod of its own in the temporary
// folder: the module cache is read-only, and the program needs nothing but
// the standard library.
func goGuest(t testing.TB) []byte {
	t.Helper()
	src := wazeroPath(t, "imports/wasi_snapshot_preview1/testdata/go/wasi.go")
	shared.goOnce.Do(func() {
		dir := filepath.Join(shared.dir, "gowasi")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			shared.goErr = err
			return
		}
		b, err := os.ReadFile(src)
		if err != nil {
			shared.goErr = err
			return
		}
		if err := os.WriteFile(filepath.Join(dir, "wasi.go"), b, 0o644); err != nil {
			shared.goErr = err
			return
		}
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module wasi\n\ngo 1.21\n"), 0o644); err != nil {
			shared.goErr = err
			return
		}
		out := filepath.Join(dir, "wasi.wasm")
		cmd := exec.Command("go", "build", "-o", out, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=", "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			shared.goErr = fmt.Errorf("go build %s: %v\n%s", src, err, b)
			return
		}
		shared.goWasm, shared.goErr = os.ReadFile(out)
	})
	if shared.goErr != nil {
		t.Fatal(shared.goErr)
	}
	return shared.goWasm
}

// toolchain is one build of wazero's testdata/<name>/wasi.* program.
type toolchain struct {
	name string
	wasm func(testing.TB) []byte
}

// wasiToolchains returns the builds of wazero's "wasi" test program that
// wazero's wasi_stdlib_test.go runs, in a fixed order.
func wasiToolchains(names ...string) []toolchain {
	all := map[string]toolchain{
		"cargo-wasi": prebuilt("cargo-wasi", "imports/wasi_snapshot_preview1/testdata/cargo-wasi/wasi.wasm"),
		"tinygo":     prebuilt("tinygo", "imports/wasi_snapshot_preview1/testdata/tinygo/wasi.wasm"),
		"zig":        prebuilt("zig", "imports/wasi_snapshot_preview1/testdata/zig/wasi.wasm"),
		"zig-cc":     prebuilt("zig-cc", "imports/wasi_snapshot_preview1/testdata/zig-cc/wasi.wasm"),
		"go":         {name: "go", wasm: goGuest},
	}
	if len(names) == 0 {
		names = []string{"cargo-wasi", "tinygo", "zig", "zig-cc", "go"}
	}
	out := make([]toolchain, 0, len(names))
	for _, n := range names {
		tc, ok := all[n]
		if !ok {
			panic("unknown toolchain " + n)
		}
		out = append(out, tc)
	}
	return out
}

func prebuilt(name, rel string) toolchain {
	return toolchain{name: name, wasm: func(t testing.TB) []byte { return module(t, rel) }}
}

// mount is one folder granted to the guest.
type mount struct {
	host, guest string
	ro          bool
}

// spec is one guest run through the library.
type spec struct {
	wasm   []byte
	args   []string // argv, argv[0] first
	mounts []mount
	env    []string // K=V, set explicitly (nothing is inherited)
	// listen are the manifest's net.preopen entries: listening sockets
	// the host opens and passes to the guest after the folders, as
	// wazero's sock.Config.WithTCPListener does (running.listeners tells
	// the addresses bound).
	listen []string

	// stdin is the guest's standard input; nil is an empty pipe whose
	// writer is closed (EOF at once), the nearest host stream to wazero's
	// default stdin, which is an empty reader and not a terminal.
	stdin *os.File
	// stdout and stderr, if set, receive the guest's streams (the test
	// reads them as the guest runs); otherwise each is captured through a
	// pipe into the result. With console, both go to one pipe, in the
	// order written, as wazero's compileAndRun merges them.
	stdout, stderr *os.File
	console        bool

	// resolver selects how paths are resolved (the zero value: openat2
	// where the kernel has it).
	resolver unix.Resolver

	// trace, if set, receives wasibox's trace of the run (one line per
	// host call): tests use it to learn when the guest reached a call.
	trace io.Writer
}

// resolvers are the path resolvers the cases that use paths run under:
// openat2(RESOLVE_BENEATH) where the kernel has it, and the openat walk.
var resolvers = []unix.Resolver{unix.ResolveAuto, unix.ResolveWalk}

// result is the outcome of a run.
type result struct {
	code   uint32
	err    error // a trap, a link error, or a failure to set up
	stdout string
	stderr string // "" with console: everything is in stdout
}

// manifest returns the manifest granting what sp asks for, and nothing
// else.
func (sp *spec) manifest(t testing.TB) *policy.Manifest {
	t.Helper()
	var y strings.Builder
	y.WriteString("version: 1\n")
	if len(sp.env) > 0 {
		y.WriteString("env:\n  set:\n")
		for _, kv := range sp.env {
			k, v, _ := strings.Cut(kv, "=")
			fmt.Fprintf(&y, "    %q: %q\n", k, v)
		}
	}
	if len(sp.mounts) > 0 {
		y.WriteString("fs:\n  mounts:\n")
		for _, m := range sp.mounts {
			mode := "rw"
			if m.ro {
				mode = "ro"
			}
			fmt.Fprintf(&y, "    - {host: %q, guest: %q, mode: %s}\n", m.host, m.guest, mode)
		}
	}
	if len(sp.listen) > 0 {
		y.WriteString("net:\n  preopen:\n")
		for _, l := range sp.listen {
			fmt.Fprintf(&y, "    - %q\n", l)
		}
	}
	file := filepath.Join(t.TempDir(), "manifest.yaml")
	m, err := policy.Parse([]byte(y.String()), file)
	if err != nil {
		t.Fatalf("manifest:\n%s\n%v", y.String(), err)
	}
	return m
}

// capture drains a pipe into a buffer until every writer is closed.
type capture struct {
	r, w *os.File
	buf  bytes.Buffer
	done chan struct{}
}

func newCapture(t testing.TB) *capture {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &capture{r: r, w: w, done: make(chan struct{})}
	go func() {
		io.Copy(&c.buf, r)
		close(c.done)
	}()
	return c
}

// finish closes the harness's writer and returns what was written, once
// every copy of the writer (the guest's) is closed too.
func (c *capture) finish(t testing.TB) string {
	t.Helper()
	c.w.Close()
	select {
	case <-c.done:
	case <-time.After(runLimit):
		t.Errorf("a copy of the guest's output pipe stayed open after the run")
		c.r.Close()
		<-c.done
	}
	c.r.Close()
	return c.buf.String()
}

// emptyStdin returns a pipe reader whose writer is already closed.
func emptyStdin(t testing.TB) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { r.Close() })
	return r
}

// run runs sp.wasm's _start under wasibox to completion, the way
// wasibox.Run does (NewSystem, hostabi.Instantiate, wasibox.RuntimeConfig),
// with one difference: the runtime shares the test binary's compilation
// cache, so that each module (the Go one is 9 MB) is compiled once.
func run(t testing.TB, sp spec) result {
	t.Helper()
	return start(t, sp).wait(t)
}

// running is a guest started by start.
type running struct {
	out, errc *capture
	denied    *bytes.Buffer // written by the guest's goroutine until done
	done      chan runEnd
	// ended is closed when the guest has ended (wait then returns at
	// once).
	ended chan struct{}
	// listeners receives the preopened sockets once the System is built
	// (before the guest starts), or is closed if it could not be.
	listeners chan []wasibox.Listener
}

type runEnd struct {
	code    uint32
	err     error
	expired bool
}

// start sets a run up on the calling (test) goroutine and runs the guest
// on another, for tests that talk to it while it runs.
func start(t testing.TB, sp spec) *running {
	t.Helper()
	m := sp.manifest(t)
	stdin := sp.stdin
	if stdin == nil {
		stdin = emptyStdin(t)
	}
	rn := &running{denied: &bytes.Buffer{}, done: make(chan runEnd, 1), ended: make(chan struct{}), listeners: make(chan []wasibox.Listener, 1)}
	stdout, stderr := sp.stdout, sp.stderr
	if stdout == nil {
		rn.out = newCapture(t)
		stdout = rn.out.w
	}
	if sp.console {
		stderr = stdout
	} else if stderr == nil {
		rn.errc = newCapture(t)
		stderr = rn.errc.w
	}
	o := wasibox.Options{
		Manifest: m,
		Args:     sp.args,
		HostEnv:  []string{},
		Stdin:    stdin,
		Stdout:   stdout,
		Stderr:   stderr,
		DenyLog:  rn.denied,
		Trace:    sp.trace,
		Resolver: sp.resolver,
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), runLimit)
		defer cancel()
		var e runEnd
		e.code, e.err = runModule(ctx, sp.wasm, o, rn.listeners)
		e.expired = ctx.Err() != nil
		rn.done <- e
		close(rn.ended)
	}()
	return rn
}

// wait waits for the guest to end and returns the result.
func (rn *running) wait(t testing.TB) result {
	t.Helper()
	e := <-rn.done // runModule's context bounds the wait
	if e.expired {
		t.Errorf("the guest did not finish within %v", runLimit)
	}
	r := result{code: e.code, err: e.err}
	if rn.out != nil {
		r.stdout = rn.out.finish(t)
	}
	if rn.errc != nil {
		r.stderr = rn.errc.finish(t)
	}
	if rn.denied.Len() > 0 {
		t.Logf("wasibox denials:\n%s", rn.denied.String())
	}
	return r
}

// listenAddr returns the address of the guest's first preopened socket,
// once the System has bound it.
func (rn *running) listenAddr(t testing.TB) netip.AddrPort {
	t.Helper()
	select {
	case ls, ok := <-rn.listeners:
		if !ok || len(ls) == 0 {
			r := rn.wait(t)
			t.Fatalf("no preopened socket: exit %d, err %v\n%s%s", r.code, r.err, r.stdout, r.stderr)
		}
		return ls[0].Addr
	case <-time.After(runLimit):
		t.Fatal("the System was not built")
	}
	return netip.AddrPort{}
}

// runModule is wasibox.Run with the shared compilation cache. It sends the
// System's preopened sockets on listeners before the guest starts (and
// closes it on an earlier failure).
func runModule(ctx context.Context, wasm []byte, o wasibox.Options, listeners chan<- []wasibox.Listener) (uint32, error) {
	sent := false
	defer func() {
		if !sent {
			close(listeners)
		}
	}()
	r := wazero.NewRuntimeWithConfig(ctx, wasibox.RuntimeConfig(o.Manifest).WithCompilationCache(shared.cache))
	defer r.Close(context.Background())
	compiled, err := r.CompileModule(ctx, wasm)
	if err != nil {
		return 0, err
	}
	s, err := wasibox.NewSystem(ctx, o)
	if err != nil {
		return 0, err
	}
	stop := context.AfterFunc(ctx, s.Wake)
	defer func() {
		stop()
		s.Close(context.Background())
	}()
	listeners <- s.Listeners()
	sent = true
	if _, err := hostabi.Instantiate(ctx, r, s.System, compiled); err != nil {
		return 0, err
	}
	_, err = r.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(""))
	var ee *sys.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	return 0, err
}

// mustSucceed fails the test unless the run exited 0 without a trap, as
// wazero's compileAndRun requires, showing the output.
func (r result) mustSucceed(t testing.TB) {
	t.Helper()
	if r.err != nil || r.code != 0 {
		t.Fatalf("exit %d, err %v\nstdout:\n%s\nstderr:\n%s", r.code, r.err, r.stdout, r.stderr)
	}
}

// divergence records a known difference between wasibox and an
// expectation: why it happens (the root cause, with the file and function
// where it lives, and what the spec or wasmtime says) and what wasibox
// produces today: exactly got, or, with prefix, output starting with got
// (a panic's stack trace names the build folder).
type divergence struct {
	why    string
	got    string
	prefix bool
}

func (d *divergence) matches(got string) bool {
	if d.prefix {
		return strings.HasPrefix(got, d.got)
	}
	return got == d.got
}

// expect compares got with want. A difference that is exactly the one d
// records skips the test with d's reason (so the suite stays green while
// the difference is known, and notices when it changes); any other
// difference fails.
func expect(t testing.TB, what, got, want string, d *divergence) {
	t.Helper()
	if got == want {
		if d != nil {
			t.Logf("%s: known divergence no longer happens (%s); remove it from the case", what, d.why)
		}
		return
	}
	if d != nil && d.matches(got) {
		t.Skipf("known divergence: %s\n%s: got %q, expected %q", d.why, what, got, want)
	}
	t.Errorf("%s:\n got %q\nwant %q", what, got, want)
}

// expectStdout requires a successful run (exit 0, no trap) whose stdout is
// want; a run that instead produced the stdout d records (whatever its
// exit) skips with d's reason.
func (r result) expectStdout(t testing.TB, want string, d *divergence) {
	t.Helper()
	if r.err == nil && r.code == 0 {
		expect(t, "stdout", r.stdout, want, d)
		return
	}
	if d != nil && d.matches(r.stdout) {
		t.Skipf("known divergence: %s\nexit %d, err %v, stdout %q; expected exit 0, stdout %q", d.why, r.code, r.err, r.stdout, want)
	}
	r.mustSucceed(t)
}

// tempTree creates files under a new temporary folder: names ending in
// "/" are folders.
func tempTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// --- the CLI --------------------------------------------------------------

// wasiboxCLI builds cmd/wasibox once per test binary, cgo-free as shipped.
func wasiboxCLI(t testing.TB) string {
	t.Helper()
	shared.cliOnce.Do(func() {
		bin := filepath.Join(shared.dir, "wasibox")
		cmd := exec.Command("go", "build", "-o", bin, "github.com/wasibox/wasibox/cmd/wasibox")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=", "GOARCH=", "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			shared.cliErr = fmt.Errorf("go build ./cmd/wasibox: %v\n%s", err, out)
			return
		}
		shared.cli = bin
	})
	if shared.cliErr != nil {
		t.Fatal(shared.cliErr)
	}
	return shared.cli
}

// cliResult is one run of the wasibox binary.
type cliResult struct {
	code           int
	stdout, stderr string
}

// runCLI runs `wasibox args...` in dir with exactly env as its
// environment, plus a private compilation cache unless args has
// --no-cache, and stdin from /dev/null.
func runCLI(t testing.TB, dir string, env []string, args ...string) cliResult {
	t.Helper()
	bin := wasiboxCLI(t) // built before the deadline starts
	ctx, cancel := context.WithTimeout(context.Background(), runLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{}, env...)
	if !slices.Contains(args, "--no-cache") {
		cmd.Env = append(cmd.Env, "XDG_CACHE_HOME="+filepath.Join(shared.dir, "cache"))
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("wasibox %v: %v", args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("wasibox %v did not finish within %v", args, runLimit)
	}
	return cliResult{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}
}
