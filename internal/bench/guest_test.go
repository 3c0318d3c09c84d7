package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox"
	"github.com/wasibox/wasibox/hostabi"
	"github.com/wasibox/wasibox/policy"
)

// guestSource is the C program of the loops, relative to this package.
const guestSource = "../../testdata/guests/bench/syscalls.c"

// guestDir is where the fixture folder is preopened inside the guest.
const guestDir = "/work"

// entries is the number of files in the readdir fixture; syscalls.c checks
// that a pass reads at least this many.
const entries = 1000

// op is one loop of syscalls.c.
type op struct {
	name  string // argv[1] of syscalls.c
	quick int    // iterations for TestLoops
}

// ops lists the loops in the order they are benchmarked. The ratio to
// native that wasibox targets is in the comments (issue "runtime core",
// Performance; checked by reading the benchmark, never by a test).
var ops = []op{
	{"write", 200},       // 64-byte write(2); target <= 1.5x
	{"read", 20},         // 64 KiB pread(2) over a 1 MiB file; <= 1.2x
	{"open", 100},        // open + fstat + close; <= 2.0x
	{"stat", 200},        // stat, every other path missing; <= 2.5x
	{"readdir", 1},       // per entry, over 1000 files (one pass at least); <= 1.5x
	{"poll", 200},        // poll_oneoff / ppoll, zero timeout; <= 1.1x
	{"clockrandom", 200}, // clock_gettime + getentropy(32); <= 0.75x
}

// timer is the part of *testing.B a run uses to leave set-up out of the
// measured time; tests pass noTimer.
type timer interface {
	StartTimer()
	StopTimer()
}

type noTimer struct{}

func (noTimer) StartTimer() {}
func (noTimer) StopTimer()  {}

// env holds what every run shares: the two builds of syscalls.c, the
// fixture folder, the manifest that grants it, and one compilation cache
// so that the wasm guest is compiled once per runtime configuration and
// only instantiated per run.
type env struct {
	native string // path of the native build
	wasm   []byte // the wasm32-wasi build
	dir    string // fixture folder (host path)
	tmp    string // scratch folder for captured output
	m      *policy.Manifest

	// cli is the runtime configuration of `wasibox run`
	// (cmd/wasibox/run.go): wasibox.RuntimeConfig without wazero's
	// per-loop cancellation checks. It is also wazero's default, so the
	// wazero peer runs with it too.
	cli wazero.RuntimeConfig
	// lib is the library's configuration (wasibox.RuntimeConfig, used by
	// wasibox.Run), which keeps CloseOnContextDone on.
	lib wazero.RuntimeConfig
}

// manifestYAML grants the fixture folder read-write at guestDir, as
// `wasibox run --dir FIXTURE:/work` or a manifest with that one mount
// would; everything else is the manifest defaults (host clocks, host
// random, inherited stdio, no fs.deny, no policy modules).
const manifestYAML = `version: 1
fs:
  mounts:
    - {host: %q, guest: %q, mode: rw}
`

// newEnv builds the guests, creates the fixture and warms the compilation
// cache for both configurations. Everything lives in tb.TempDir():
// nothing built is kept.
func newEnv(tb testing.TB) *env {
	tb.Helper()
	tmp := tb.TempDir()
	e := &env{tmp: tmp, dir: filepath.Join(tmp, "fixture")}
	e.native, e.wasm = buildGuest(tb, tmp)
	makeFixture(tb, e.dir)
	m, err := policy.Parse(fmt.Appendf(nil, manifestYAML, e.dir, guestDir), filepath.Join(tmp, "manifest.yaml"))
	if err != nil {
		tb.Fatalf("manifest: %v", err)
	}
	e.m = m
	cache := wazero.NewCompilationCache()
	tb.Cleanup(func() { cache.Close(context.Background()) })
	e.lib = wasibox.RuntimeConfig(m).WithCompilationCache(cache)
	e.cli = wasibox.RuntimeConfig(m).WithCloseOnContextDone(false).WithCompilationCache(cache)
	ctx := context.Background()
	for _, rc := range []wazero.RuntimeConfig{e.cli, e.lib} {
		// One compilation each: the module's cache key includes the
		// cancellation checks.
		r := wazero.NewRuntimeWithConfig(ctx, rc)
		_, err := r.CompileModule(ctx, e.wasm)
		r.Close(ctx)
		if err != nil {
			tb.Fatalf("compile syscalls.wasm: %v", err)
		}
	}
	return e
}

// hostRun is one host of the benchmark.
type hostRun struct {
	name string
	run  host
}

// hosts lists the hosts every loop runs on, native first:
//
//   - wasibox: what `wasibox run` does (the primary figure): the guarded
//     System of wasibox.NewSystem (guard over unix, the manifest above)
//     under the CLI's runtime configuration;
//   - wasibox-lib: the same System under the library's configuration
//     (wasibox.RuntimeConfig, as wasibox.Run uses), with wazero's
//     per-loop cancellation checks;
//   - wazero: wazero's own WASI, the peer.
func (e *env) hosts() []hostRun {
	return []hostRun{
		{"native", e.runNative},
		{"wasibox", func(ctx context.Context, t timer, op string, n int) (result, error) {
			return e.runWasibox(ctx, t, e.cli, op, n)
		}},
		{"wasibox-lib", func(ctx context.Context, t timer, op string, n int) (result, error) {
			return e.runWasibox(ctx, t, e.lib, op, n)
		}},
		{"wazero", e.runWazero},
	}
}

// buildGuest compiles syscalls.c natively and for wasm32-wasi with clang
// (toolchain set-up in shared/docs/toolchains.md). A missing toolchain
// fails: a benchmark that silently skips measures nothing.
func buildGuest(tb testing.TB, tmp string) (native string, wasm []byte) {
	tb.Helper()
	clang, err := exec.LookPath("clang")
	if err != nil {
		tb.Fatalf("clang not found (apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32): %v", err)
	}
	src, err := filepath.Abs(guestSource)
	if err != nil {
		tb.Fatal(err)
	}
	// A clean sysroot of two symlinks: with --sysroot=/usr clang would
	// also search glibc's headers and pick up what wasi-libc lacks.
	sysroot := filepath.Join(tmp, "sysroot")
	for _, d := range []string{"include", "lib"} {
		if err := os.MkdirAll(filepath.Join(sysroot, d), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.Symlink(filepath.Join("/usr", d, "wasm32-wasi"), filepath.Join(sysroot, d, "wasm32-wasi")); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := os.Stat("/usr/lib/wasm32-wasi/libc.a"); err != nil {
		tb.Fatalf("wasi-libc not found (apt-get install -y wasi-libc): %v", err)
	}
	native = filepath.Join(tmp, "syscalls")
	wasmPath := filepath.Join(tmp, "syscalls.wasm")
	flags := []string{"-O2", "-Wall", "-Werror"}
	for _, args := range [][]string{
		append(append([]string{}, flags...), "-o", native, src),
		append(append([]string{"--target=wasm32-wasi", "--sysroot=" + sysroot}, flags...), "-o", wasmPath, src),
	} {
		if out, err := exec.Command(clang, args...).CombinedOutput(); err != nil {
			tb.Fatalf("clang %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	wasm, err = os.ReadFile(wasmPath)
	if err != nil {
		tb.Fatal(err)
	}
	return native, wasm
}

// makeFixture creates the folder layout syscalls.c expects.
func makeFixture(tb testing.TB, dir string) {
	tb.Helper()
	data := make([]byte, 1<<20)
	rand.Read(data)
	files := map[string][]byte{
		"data":  data,
		"out":   nil,
		"small": []byte("a small file that exists\n"),
	}
	if err := os.MkdirAll(filepath.Join(dir, "entries"), 0o755); err != nil {
		tb.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range entries {
		if err := os.WriteFile(filepath.Join(dir, "entries", fmt.Sprintf("f%04d", i)), nil, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// result is one run of a loop.
type result struct {
	// guestNs is the guest's own figure: wall time of the loop alone, per
	// operation.
	guestNs float64
	// cpuNs is the CPU time (user + system) of the whole run, per
	// operation: the child process for native (start-up included), this
	// process during the guest's instantiation and run otherwise. Unlike
	// guestNs it does not grow when the scheduler takes the CPU away, which
	// on a shared machine it often does.
	cpuNs float64
}

// host runs syscalls.c's loop op for n iterations. Only the guest run
// itself is timed: set-up and tear-down run with t stopped.
type host func(ctx context.Context, t timer, op string, n int) (result, error)

// cpuTime is the CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// perOp divides a duration among n operations, in ns.
func perOp(d time.Duration, n int) float64 {
	return float64(d.Nanoseconds()) / float64(n)
}

// runNative runs the native build as a child process (process start-up is
// inside the timed run but not in the guest's own figure).
func (e *env) runNative(ctx context.Context, t timer, op string, n int) (result, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, e.native, op, strconv.Itoa(n), e.dir)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.StopTimer()
	defer t.StartTimer()
	if err != nil {
		return result{}, fmt.Errorf("native %s: %v: %s", op, err, stderr.Bytes())
	}
	ns, err := parseNsPerOp(stdout.Bytes(), stderr.Bytes())
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return result{ns, perOp(cpu, n)}, err
}

// runWasibox runs the wasm build under runtime configuration rc as
// `wasibox run` does: hostabi over the guarded System of wasibox.NewSystem
// (the guard over unix.System, with the fixture folder mounted read-write;
// confinement by openat2 or the walk, as unix chooses). Two things of the
// CLI are left out: the Landlock backstop, which cannot be undone and
// would confine this test process and the native runs it starts (it
// checks path lookups and opens in the kernel, not reads and writes of
// open descriptors), and the CLI's own set-up, which is not timed anyway.
func (e *env) runWasibox(ctx context.Context, t timer, rc wazero.RuntimeConfig, op string, n int) (result, error) {
	t.StopTimer()
	defer t.StartTimer()
	r := wazero.NewRuntimeWithConfig(ctx, rc)
	defer r.Close(ctx)
	guest, err := r.CompileModule(ctx, e.wasm) // a cache hit
	if err != nil {
		return result{}, err
	}
	stdout, err := os.CreateTemp(e.tmp, "stdout")
	if err != nil {
		return result{}, err
	}
	defer os.Remove(stdout.Name())
	defer stdout.Close()
	stderr, err := os.CreateTemp(e.tmp, "stderr")
	if err != nil {
		return result{}, err
	}
	defer os.Remove(stderr.Name())
	defer stderr.Close()
	stdin, err := os.Open(os.DevNull)
	if err != nil {
		return result{}, err
	}
	defer stdin.Close()
	s, err := wasibox.NewSystem(ctx, wasibox.Options{
		Manifest: e.m,
		Args:     []string{"syscalls", op, strconv.Itoa(n), guestDir},
		HostEnv:  []string{},
		Stdin:    stdin,
		Stdout:   stdout,
		Stderr:   stderr,
		DenyLog:  stderr,
	})
	if err != nil {
		return result{}, err
	}
	defer s.Close(ctx)
	// As in the CLI: the host module calls the outermost layer, which
	// without trace and stats is the guard itself.
	if _, err := hostabi.Instantiate(ctx, r, s.System, guest); err != nil {
		return result{}, err
	}
	t.StartTimer()
	cpu0 := cpuTime()
	_, err = r.InstantiateModule(ctx, guest, wazero.NewModuleConfig())
	cpu := cpuTime() - cpu0
	t.StopTimer()
	out, _ := os.ReadFile(stdout.Name())
	errOut, _ := os.ReadFile(stderr.Name())
	if err := exitErr(err); err != nil {
		return result{}, fmt.Errorf("wasibox %s: %v: %s", op, err, errOut)
	}
	ns, err := parseNsPerOp(out, errOut)
	return result{ns, perOp(cpu, n)}, err
}

// runWazero runs the wasm build under wazero's own WASI with the fixture
// folder mounted by wazero.FSConfig, host clocks and crypto/rand (wazero's
// defaults are deterministic fakes, which would not be a fair peer), and
// the CLI's runtime configuration (wazero's default).
func (e *env) runWazero(ctx context.Context, t timer, op string, n int) (result, error) {
	t.StopTimer()
	defer t.StartTimer()
	r := wazero.NewRuntimeWithConfig(ctx, e.cli)
	defer r.Close(ctx)
	guest, err := r.CompileModule(ctx, e.wasm) // a cache hit
	if err != nil {
		return result{}, err
	}
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
		return result{}, err
	}
	var stdout, stderr bytes.Buffer
	cfg := wazero.NewModuleConfig().
		WithArgs("syscalls", op, strconv.Itoa(n), guestDir).
		WithFSConfig(wazero.NewFSConfig().WithDirMount(e.dir, guestDir)).
		WithStdout(&stdout).WithStderr(&stderr).
		WithSysNanotime().WithSysWalltime().WithSysNanosleep().
		WithRandSource(rand.Reader)
	t.StartTimer()
	cpu0 := cpuTime()
	_, err = r.InstantiateModule(ctx, guest, cfg)
	cpu := cpuTime() - cpu0
	t.StopTimer()
	if err := exitErr(err); err != nil {
		return result{}, fmt.Errorf("wazero %s: %v: %s", op, err, stderr.Bytes())
	}
	ns, err := parseNsPerOp(stdout.Bytes(), stderr.Bytes())
	return result{ns, perOp(cpu, n)}, err
}

// exitErr is err unless it is a clean proc_exit(0).
func exitErr(err error) error {
	var exit *sys.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 0 {
		return nil
	}
	return err
}

// parseNsPerOp reads the "ns_per_op=<float>" line syscalls.c prints.
func parseNsPerOp(stdout, stderr []byte) (float64, error) {
	for line := range strings.Lines(string(stdout)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "ns_per_op="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f <= 0 {
				return 0, fmt.Errorf("bad ns_per_op %q", v)
			}
			return f, nil
		}
	}
	return 0, fmt.Errorf("no ns_per_op line in output %q (stderr %q)", stdout, stderr)
}
