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
	"errors"
	"io"
	"os"
	"path/filepath"
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
