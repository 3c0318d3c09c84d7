//go:build linux

package hostabi_test

// The WASI preview 1 conformance suite (github.com/WebAssembly/wasi-testsuite:
// tests/rust, tests/c, tests/assemblyscript), ported to C in
// testdata/guests/c/wts_*.c and run here the way the suite's runner runs a
// test: stdin, stdout and stderr are pipes, argv[0] is the test's file name,
// the arguments and environment are exactly the test's, and the test's
// folder is preopened either under its own name ("fs-tests.dir": the suite's
// older "dirs" layout, where the Rust tests also get that name as their
// argument) or at "/" (the newer "root" layout). misc/wasi-testsuite-adapter.py
// runs the real suite through `wasibox run` the same way, and
// TestWASITestsuiteAdapter runs these ports through it.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox/hostabi"
	"github.com/wasibox/wasibox/internal/testguest"
	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

// wtsScratch says how a test gets its scratch directory.
type wtsScratch int

const (
	wtsNoDir wtsScratch = iota // nothing preopened
	wtsDir                     // an empty fs-tests.dir, in both layouts
	wtsCTree                   // the C tests' fs-tests.dir (wtsCTreeNodes), in both layouts
)

// wtsCase is one test of the suite.
type wtsCase struct {
	// name is the suite's test name. The guest runs with argv[0]
	// name+".wasm", as the suite's file: ports of several tests in one
	// module (wts_as, wts_c_*) pick the test by it.
	name    string
	module  string   // built guest (testdata/guests/c/<module>.c)
	args    []string // guest argv after argv[0], as the test's .json gives it
	env     []string // the guest's whole environment
	scratch wtsScratch
	exit    uint32
	// raw: the guest prints no check lines (the AssemblyScript ports);
	// only the exit code and, if stdout is set, the exact output count.
	raw    bool
	stdout string
}

// wtsRust is a Rust test: its own module; in the "dirs" layout its argument
// is the scratch folder's name.
func wtsRust(name string) wtsCase {
	return wtsCase{name: name, module: "wts_" + name, scratch: wtsDir}
}

// wtsC is a file test of tests/c (wts_c_files): no arguments in either
// layout, the C tree as its folder.
func wtsC(name string) wtsCase {
	return wtsCase{name: name, module: "wts_c_files", scratch: wtsCTree}
}

func wtsAS(name string, args, env []string, exit uint32, stdout string) wtsCase {
	return wtsCase{name: name, module: "wts_as", args: args, env: env, exit: exit, raw: true, stdout: stdout}
}

var wtsCases = []wtsCase{
	// tests/rust
	{name: "big_random_buf", module: "wts_big_random_buf"},
	{name: "clock_time_get", module: "wts_clock_time_get"},
	wtsRust("close_preopen"),
	wtsRust("dangling_fd"),
	wtsRust("dangling_symlink"),
	wtsRust("dir_fd_op_failures"),
	wtsRust("directory_seek"),
	wtsRust("fd_advise"),
	wtsRust("fd_fdstat_set_rights"),
	{name: "fd_filestat_get", module: "wts_fd_filestat_get"},
	wtsRust("fd_filestat_set"),
	wtsRust("fd_flags_set"),
	wtsRust("fd_readdir"),
	wtsRust("file_allocate"),
	wtsRust("file_pread_pwrite"),
	wtsRust("file_seek_tell"),
	wtsRust("file_truncation"),
	wtsRust("file_unbuffered_write"),
	wtsRust("fstflags_validate"),
	wtsRust("interesting_paths"),
	wtsRust("isatty"),
	wtsRust("nofollow_errors"),
	wtsRust("overwrite_preopen"),
	wtsRust("path_exists"),
	wtsRust("path_filestat"),
	wtsRust("path_link"),
	wtsRust("path_open_create_existing"),
	wtsRust("path_open_dirfd_not_dir"),
	wtsRust("path_open_missing"),
	wtsRust("path_open_nonblock"),
	wtsRust("path_open_preopen"),
	wtsRust("path_open_read_write"),
	wtsRust("path_open_read_without_rights"),
	wtsRust("path_rename"),
	wtsRust("path_rename_dir_trailing_slashes"),
	wtsRust("path_symlink_trailing_slashes"),
	{name: "poll_oneoff_stdio", module: "wts_poll_oneoff_stdio"},
	wtsRust("readlink"),
	wtsRust("remove_directory_trailing_slashes"),
	wtsRust("remove_nonempty_directory"),
	wtsRust("renumber"),
	{name: "sched_yield", module: "wts_sched_yield"},
	wtsRust("stdio"),
	wtsRust("symlink_create"),
	wtsRust("symlink_filestat"),
	wtsRust("symlink_loop"),
	wtsRust("truncation_rights"),
	wtsRust("unlink_file_trailing_slashes"),

	// tests/c
	{name: "clock_getres-monotonic", module: "wts_c_clocks"},
	{name: "clock_getres-realtime", module: "wts_c_clocks"},
	{name: "clock_gettime-monotonic", module: "wts_c_clocks"},
	{name: "clock_gettime-realtime", module: "wts_c_clocks"},
	wtsC("fdopendir-with-access"),
	wtsC("fopen-with-access"),
	{name: "fopen-with-no-access", module: "wts_c_files"},
	wtsC("lseek"),
	wtsC("pread-with-access"),
	wtsC("pwrite-with-access"),
	wtsC("pwrite-with-append"),
	{name: "sock_shutdown-invalid_fd", module: "wts_c_sock_shutdown"},
	{name: "sock_shutdown-not_sock", module: "wts_c_sock_shutdown"},
	wtsC("stat-dev-ino"),

	// tests/assemblyscript
	wtsAS("args_get-multiple-arguments", []string{"first", `the "second" arg`, "3"}, nil, 0, ""),
	wtsAS("args_sizes_get-multiple-arguments", []string{"first", `the "second" arg`, "3"}, nil, 0, ""),
	wtsAS("args_sizes_get-no-arguments", nil, nil, 0, ""),
	wtsAS("environ_get-multiple-variables", nil, []string{"a=text", `b=escap " ing`, "c=new\nline"}, 0, ""),
	wtsAS("environ_sizes_get-multiple-variables", nil, []string{"a=b", "b=c", "c=d"}, 0, ""),
	wtsAS("environ_sizes_get-no-variables", nil, nil, 0, ""),
	wtsAS("fd_write-to-invalid-fd", nil, nil, 0, ""),
	wtsAS("fd_write-to-stdout", nil, nil, 0, "hello"),
	wtsAS("proc_exit-failure", nil, nil, 33, ""),
	wtsAS("proc_exit-success", nil, nil, 0, ""),
	wtsAS("random_get-non-zero-length", nil, nil, 0, ""),
	wtsAS("random_get-zero-length", nil, nil, 0, ""),
}

// wtsCTreeNodes is tests/c's fs-tests.dir.
var wtsCTreeNodes = []node{
	{path: "file"},
	{path: "lseek.txt", content: "01234567"},
	{path: "pread.txt", content: "pread-test"},
	{path: "fopendir.dir/file-0"},
	{path: "fopendir.dir/file-1"},
	{path: "writeable", dir: true},
}

// TestWASITestsuite runs every ported test of the suite, in each layout
// that applies, under both path resolvers.
func TestWASITestsuite(t *testing.T) {
	t.Parallel()
	for _, res := range resolvers {
		for _, c := range wtsCases {
			layouts := []string{"none"}
			if c.scratch != wtsNoDir {
				layouts = []string{"dirs", "root"}
			} else if res != resolvers[0] {
				continue // no paths: one resolver is enough
			}
			for _, layout := range layouts {
				t.Run(res.String()+"/"+c.name+"/"+layout, func(t *testing.T) {
					t.Parallel()
					run := wtsRun{module: c.module, argv0: c.name + ".wasm", args: c.args, env: c.env, resolver: res}
					if c.scratch != wtsNoDir {
						dir := filepath.Join(t.TempDir(), "fs-tests.dir")
						if err := os.Mkdir(dir, 0o755); err != nil {
							t.Fatal(err)
						}
						if c.scratch == wtsCTree {
							makeTree(t, dir, wtsCTreeNodes)
						}
						guest := "/"
						if layout == "dirs" {
							guest = "fs-tests.dir"
							if c.scratch == wtsDir {
								run.args = append(append([]string(nil), c.args...), guest)
							}
						}
						run.preopens = []unix.Preopen{{HostPath: dir, GuestPath: guest}}
					}
					r := runWTS(t, run)
					c.check(t, r)
				})
			}
		}
	}
}

func (c wtsCase) check(t *testing.T, r guestResult) {
	t.Helper()
	switch {
	case c.raw:
		if r.err != nil || r.timedOut || r.exit != c.exit {
			t.Errorf("exit %d (err %v, timed out %v), want %d\nstdout:\n%s\nstderr:\n%s", r.exit, r.err, r.timedOut, c.exit, r.stdout, r.stderr)
		}
		if c.stdout != "" && r.stdout != c.stdout {
			t.Errorf("stdout %q, want %q", r.stdout, c.stdout)
		}
	default:
		r.check(t, c.exit, true)
	}
}

// wtsRun is one run of a ported test.
type wtsRun struct {
	module   string
	argv0    string // default module+".wasm"
	args     []string
	env      []string
	preopens []unix.Preopen
	resolver unix.Resolver
}

// runWTS runs g as the suite's runner does: the three stdio descriptors are
// pipes (stdin's write end stays open, and nothing is written to it), the
// environment is g.env and nothing else, and only g.preopens are granted.
func runWTS(t *testing.T, g wtsRun) guestResult {
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

	stdin := emptyPipe(t)
	var stdout, stderr bytes.Buffer
	var drained sync.WaitGroup
	outW := drain(t, &drained, &stdout)
	errW := drain(t, &drained, &stderr)

	argv0 := g.argv0
	if argv0 == "" {
		argv0 = g.module + ".wasm"
	}
	system, err := unix.New(unix.Config{
		Args:     append([]string{argv0}, g.args...),
		Environ:  g.env,
		Stdin:    int(stdin.Fd()),
		Stdout:   int(outW.Fd()),
		Stderr:   int(errW.Fd()),
		Preopens: g.preopens,
		Resolver: g.resolver,
	})
	if err != nil {
		t.Fatalf("unix.New: %v", err)
	}
	// unix.New duplicated the write ends: close ours, so that the readers
	// see EOF once the System is closed.
	outW.Close()
	errW.Close()

	runCtx, cancel := context.WithTimeout(ctx, defaultGuestTimeout)
	defer cancel()
	stopWake := context.AfterFunc(runCtx, system.Wake)
	if _, err := hostabi.Instantiate(runCtx, rt, system, compiled); err != nil {
		t.Fatalf("hostabi.Instantiate: %v", err)
	}
	_, err = rt.InstantiateModule(runCtx, compiled, wazero.NewModuleConfig())
	stopWake()
	system.Close(context.Background())
	drained.Wait()

	res := guestResult{stdout: stdout.String(), stderr: stderr.String(), timedOut: runCtx.Err() != nil}
	var exitErr *sys.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr) && !res.timedOut:
		res.exit = exitErr.ExitCode()
	default:
		res.err = err
	}
	return res
}

// drain returns the write end of a pipe whose read end is copied into buf
// until EOF; wg counts the copy.
func drain(t *testing.T, wg *sync.WaitGroup, buf *bytes.Buffer) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer r.Close()
		io.Copy(buf, r)
	}()
	return w
}

// TestStdioFilestat: fd_filestat_get on stdio that is a stream reports size
// and times 0 (as wasmtime does, and the suite's fd_filestat_get expects),
// while stdio redirected from a regular file keeps its real size and times.
func TestStdioFilestat(t *testing.T) {
	t.Parallel()
	in := filepath.Join(t.TempDir(), "in")
	if err := os.WriteFile(in, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2021, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := os.Chtimes(in, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	s, err := unix.New(unix.Config{Stdin: int(f.Fd()), Stdout: int(w.Fd()), Stderr: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ctx := context.Background()

	st, errno := s.FDFileStatGet(ctx, 0)
	if errno != wasi.ESUCCESS || st.FileType != wasi.RegularFileType || st.Size != 3 || st.MTime != wasi.Timestamp(mtime.UnixNano()) {
		t.Errorf("stdin (a regular file): %+v, %v; want size 3, mtime %d", st, errno, mtime.UnixNano())
	}
	st, errno = s.FDFileStatGet(ctx, 1)
	if errno != wasi.ESUCCESS || st.Size != 0 || st.ATime != 0 || st.MTime != 0 || st.CTime != 0 {
		t.Errorf("stdout (a pipe): %+v, %v; want size and times 0", st, errno)
	}
	if st.FileType == wasi.RegularFileType || st.FileType == wasi.DirectoryType {
		t.Errorf("stdout (a pipe) has file type %v", st.FileType)
	}
}

// wtsDriver does what the suite's runner (test-runner/wasi_test_runner,
// runtime_adapter.py) does with an adapter, for one suite folder. With a
// module adapter (every mode but "legacy"): it checks that the adapter, run
// as a script with --version, prints nothing (else the runner calls it
// legacy), imports it as a module, asks its name, version, WASI versions
// and worlds, and for each NAME.wasm (sorted) reads NAME.json, asks
// compute_argv in the calling convention the mode names, removes *.cleanup
// under the test's folders, runs the command with stdin, stdout and stderr
// as pipes (stdin stays open until the end, as the runner's Wait does),
// reads the spec's stdout first if it has one, then waits up to
// get_timeout_seconds(). In mode "legacy" it is the runner before module
// adapters: --version must print "NAME VERSION", and each test runs as
// `ADAPTER --test-file ... --arg ... --dir ... --env ...` in the suite
// folder. It prints one JSON array of results. It runs as
// .../wasi_test_runner.py next to a wasi_test_runner/runtime_adapter.py,
// from which the adapter tells which kind of runner started it.
const wtsDriver = `
import collections, importlib.util, json, os, pathlib, shutil, subprocess, sys

adapter_path, suite, mode = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
probe = subprocess.run([sys.executable, adapter_path, "--version"], encoding="UTF-8", capture_output=True)
if mode == "legacy":
    fields = probe.stdout.strip().split(" ")
    if probe.returncode != 0 or len(fields) != 2 or fields[0] != "wasibox" or not fields[1]:
        sys.exit(f"adapter --version for a legacy runner: exit {probe.returncode}, stdout {probe.stdout!r}")
elif probe.returncode != 0 or probe.stdout or probe.stderr:
    sys.exit(f"adapter as a script: exit {probe.returncode}, stdout {probe.stdout!r}, stderr {probe.stderr!r}")

def cleanup(folders):
    for host in folders:
        for f in pathlib.Path(host).glob("**/*.cleanup"):
            if f.is_dir():
                shutil.rmtree(f)
            else:
                f.unlink()

if mode == "legacy":
    results = []
    for wasm in sorted(suite.glob("*.wasm")):
        conf = json.loads(wasm.with_suffix(".json").read_text())
        argv = [sys.executable, adapter_path, "--test-file", str(wasm.absolute())]
        argv += [a for arg in conf.get("args", []) for a in ("--arg", arg)]
        argv += [d for dir in conf.get("dirs", []) for d in ("--dir", dir)]
        argv += [e for k, v in conf.get("env", {}).items() for e in ("--env", f"{k}={v}")]
        cleanup([suite / d for d in conf.get("dirs", [])])
        r = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=suite, timeout=60)
        cleanup([suite / d for d in conf.get("dirs", [])])
        results.append({"name": wasm.stem, "argv": argv, "exit": r.returncode, "stdout": r.stdout, "stderr": r.stderr})
    print(json.dumps(results))
    sys.exit(0)

spec = importlib.util.spec_from_file_location(pathlib.Path(adapter_path).name, adapter_path)
adapter = importlib.util.module_from_spec(spec)
spec.loader.exec_module(adapter)
assert adapter.get_name() == "wasibox", adapter.get_name()
assert isinstance(adapter.get_version(), str) and adapter.get_version()
assert "wasm32-wasip1" in adapter.get_wasi_versions()
assert "wasi:cli/command" in adapter.get_wasi_worlds()
timeout = adapter.get_timeout_seconds()

Run = collections.namedtuple("Run", ["args", "env", "dirs"])
Config = collections.namedtuple("Config", ["operations", "connections", "proposals"])

results = []
for wasm in sorted(suite.glob("*.wasm")):
    conf = json.loads(wasm.with_suffix(".json").read_text())
    test, args, env = str(wasm), conf.get("args", []), conf.get("env", {})
    dirs = [(suite / d, d) for d in conf.get("dirs", [])]
    root = suite / conf["root"] if "root" in conf else None
    if mode == "positional":
        argv = adapter.compute_argv(test, args, env, dirs)
    elif mode == "keywords":
        argv = adapter.compute_argv(test_path=test, args=args, env=env, dirs=dirs, wasi_version="wasm32-wasip1")
    elif mode == "tuple":
        argv = adapter.compute_argv(test, (args, env, dirs), [], "wasm32-wasip1")
    elif mode == "root":
        argv = adapter.compute_argv(test, (args, env, root), [], "wasi:cli/command", "wasm32-wasip1")
    elif mode == "config":
        config = Config([Run(args, env, dirs)], {}, [])
        argv = adapter.compute_argv(test_path=test, config=config, wasi_version="wasm32-wasip1")
    else:
        sys.exit("unknown mode " + mode)
    folders = [h for h, _ in dirs] + ([root] if root else [])
    cleanup(folders)
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    head = proc.stdout.read(len(conf["stdout"])) if conf.get("stdout") is not None else ""
    try:
        out, err = proc.communicate(timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        code = None
    cleanup(folders)
    results.append({"name": wasm.stem, "argv": argv, "exit": code, "stdout": head + out, "stderr": err})
print(json.dumps(results))
`

// wtsDriverResult is one test as wtsDriver reports it.
type wtsDriverResult struct {
	Name   string   `json:"name"`
	Argv   []string `json:"argv"`
	Exit   *int     `json:"exit"` // nil: the runner's timeout expired
	Stdout string   `json:"stdout"`
	Stderr string   `json:"stderr"`
}

// TestWASITestsuiteAdapter runs every port as the suite's runner does:
// through misc/wasi-testsuite-adapter.py and the wasibox binary, from suite
// folders laid out as the suite's (NAME.wasm, NAME.json with the test's
// args, env, dirs or root, exit_code and stdout, a shared fs-tests.dir
// cleaned of *.cleanup around each test), in both layouts, in each calling
// convention the runner has used for compute_argv, and as the runner before
// module adapters ran its command-line adapters.
func TestWASITestsuiteAdapter(t *testing.T) {
	t.Parallel()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("python3 (the suite's runner is Python) not found: %v", err)
	}
	adapter, err := filepath.Abs(filepath.Join("..", "misc", "wasi-testsuite-adapter.py"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "wasibox")
	build := exec.Command("go", "build", "-o", bin, "github.com/wasibox/wasibox/cmd/wasibox")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=", "GOARCH=", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/wasibox: %v\n%s", err, out)
	}

	// One suite per kind of folder, in each layout, each run in one calling
	// convention; together they use every convention.
	type suite struct {
		layout  string
		scratch wtsScratch
		mode    string
	}
	suites := []suite{
		{"dirs", wtsNoDir, "positional"},
		{"dirs", wtsDir, "tuple"},
		{"dirs", wtsCTree, "keywords"},
		{"root", wtsNoDir, "config"},
		{"root", wtsDir, "root"},
		{"root", wtsCTree, "root"},
		{"dirs", wtsNoDir, "legacy"},
		{"dirs", wtsDir, "legacy"},
		{"dirs", wtsCTree, "legacy"},
	}
	// The driver, as each kind of runner: the adapter reads the runner's
	// runtime_adapter.py to tell which kind started it.
	drivers := map[bool]string{}
	for _, legacy := range []bool{false, true} {
		kind, marker := "module", "def compute_argv(test_path, args_env_dirs, proposals, wasi_version): ...\n"
		if legacy {
			kind, marker = "legacy", "def run_test(self, test_path, args, env_variables, dirs): ...\n"
		}
		pkg := filepath.Join(tmp, "runner-"+kind, "wasi_test_runner")
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pkg, "runtime_adapter.py"), []byte(marker), 0o644); err != nil {
			t.Fatal(err)
		}
		drivers[legacy] = pkg + ".py"
		if err := os.WriteFile(drivers[legacy], []byte(wtsDriver), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range suites {
		kind := map[wtsScratch]string{wtsNoDir: "nodir", wtsDir: "scratch", wtsCTree: "ctree"}[s.scratch]
		t.Run(s.layout+"/"+s.mode+"/"+kind, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(tmp, s.layout+"-"+s.mode+"-"+kind)
			fixture := filepath.Join(dir, "fs-tests.dir")
			if err := os.MkdirAll(fixture, 0o755); err != nil {
				t.Fatal(err)
			}
			if s.scratch == wtsCTree {
				makeTree(t, fixture, wtsCTreeNodes)
			}
			want := map[string]wtsCase{}
			for _, c := range wtsCases {
				if c.scratch != s.scratch {
					continue
				}
				want[c.name] = c
				writeWTSTest(t, dir, c, s.layout)
			}
			cmd := exec.Command(python, drivers[s.mode == "legacy"], adapter, dir, s.mode)
			cmd.Env = append(os.Environ(), "WASIBOX="+bin, "XDG_CACHE_HOME="+filepath.Join(tmp, "cache"), "WASIBOX_ADAPTER=")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("runner: %v\n%s", err, stderr.String())
			}
			var results []wtsDriverResult
			if err := json.Unmarshal(out, &results); err != nil {
				t.Fatalf("runner output: %v\n%s", err, out)
			}
			if len(results) != len(want) {
				t.Errorf("the runner ran %d tests, want %d", len(results), len(want))
			}
			for _, r := range results {
				c, ok := want[r.Name]
				if !ok {
					t.Errorf("the runner ran %s, which is no test", r.Name)
					continue
				}
				t.Run(r.Name, func(t *testing.T) {
					t.Logf("argv %q", r.Argv)
					res := guestResult{stdout: r.Stdout, stderr: r.Stderr, timedOut: r.Exit == nil}
					if r.Exit != nil {
						res.exit = uint32(*r.Exit)
					}
					c.check(t, res)
				})
			}
		})
	}
}

// writeWTSTest writes c into the suite folder dir as the suite lays a test
// out: NAME.wasm (the port, run under the test's name) and NAME.json.
func writeWTSTest(t *testing.T, dir string, c wtsCase, layout string) {
	t.Helper()
	wasm, err := os.ReadFile(testguest.Path(t, c.module))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, c.name+".wasm"), wasm, 0o644); err != nil {
		t.Fatal(err)
	}
	spec := map[string]any{}
	args := append([]string{}, c.args...)
	if c.scratch != wtsNoDir {
		if layout == "root" {
			spec["root"] = "fs-tests.dir"
		} else {
			spec["dirs"] = []string{"fs-tests.dir"}
			if c.scratch == wtsDir {
				args = append(args, "fs-tests.dir")
			}
		}
	}
	spec["args"] = args
	env := map[string]string{}
	for _, kv := range c.env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	spec["env"] = env
	spec["exit_code"] = c.exit
	if c.stdout != "" {
		spec["stdout"] = c.stdout
	}
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, c.name+".json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
