package hostabi

import (
	"errors"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox/wasi"
)

// specOrder is the order of the functions in wasi_snapshot_preview1.witx.
var specOrder = []string{
	"args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
	"fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
	"fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread",
	"fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek",
	"fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get",
	"path_filestat_set_times", "path_link", "path_open", "path_readlink", "path_remove_directory",
	"path_rename", "path_symlink", "path_unlink_file", "poll_oneoff", "proc_exit", "proc_raise",
	"sched_yield", "random_get", "sock_accept", "sock_recv", "sock_send", "sock_shutdown",
}

func TestFunctionsTable(t *testing.T) {
	fs := Functions()
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
		if len(f.ParamTypes) != len(f.ParamNames) {
			t.Errorf("%s: %d param types, %d names", f.Name, len(f.ParamTypes), len(f.ParamNames))
		}
		if f.Group == 0 || strings.HasPrefix(f.Group.String(), "group(") {
			t.Errorf("%s: no group", f.Name)
		}
		if f.Doc == "" {
			t.Errorf("%s: no doc", f.Name)
		}
		wantResults := 1
		if f.Name == "proc_exit" {
			wantResults = 0
		}
		if len(f.ResultTypes) != wantResults || len(f.ResultNames) != wantResults {
			t.Errorf("%s: results %v %v", f.Name, f.ResultTypes, f.ResultNames)
		}
	}
	if !reflect.DeepEqual(names, specOrder) {
		t.Errorf("names:\n got %v\nwant %v", names, specOrder)
	}
	for _, f := range table() {
		if f.impl == nil {
			t.Errorf("%s: no implementation", f.Name)
		}
	}
	// Functions returns a copy: changing it does not change the next one.
	fs[0].Name, fs[0].ParamNames[0] = "x", "y"
	if g := Functions(); g[0].Name != "args_get" || g[0].ParamNames[0] != "argv" {
		t.Errorf("Functions shares state with its callers: %+v", g[0])
	}
}

// TestFunctionsTableMatchesWitx compares names and parameter names with
// the witx, when the shared spec folder is next to the repository.
func TestFunctionsTableMatchesWitx(t *testing.T) {
	src, err := os.ReadFile("../../shared/spec/wasi_snapshot_preview1.witx")
	if err != nil {
		t.Skipf("witx not available: %v", err)
	}
	var witx []string
	for _, m := range regexp.MustCompile(`\(export "([a-z_]+)"\)`).FindAllStringSubmatch(string(src), -1) {
		witx = append(witx, m[1])
	}
	if !reflect.DeepEqual(witx, specOrder) {
		t.Errorf("witx order:\n got %v\nwant %v", witx, specOrder)
	}
}

func TestGroups(t *testing.T) {
	want := map[string]Group{
		"args_get": GroupEnv, "environ_sizes_get": GroupEnv, "clock_time_get": GroupClocks,
		"poll_oneoff": GroupClocks, "fd_write": GroupFiles, "path_open": GroupFiles,
		"proc_exit": GroupProcess, "sched_yield": GroupProcess, "random_get": GroupRandom,
		"sock_accept": GroupNetwork, "sock_shutdown": GroupNetwork,
	}
	for _, f := range Functions() {
		if g, ok := want[f.Name]; ok && f.Group != g {
			t.Errorf("%s: group %v, want %v", f.Name, f.Group, g)
		}
		if strings.HasPrefix(f.Name, "fd_") || strings.HasPrefix(f.Name, "path_") {
			if f.Group != GroupFiles {
				t.Errorf("%s: group %v, want files", f.Name, f.Group)
			}
		}
	}
}

func TestProcExit(t *testing.T) {
	ctx := t.Context()
	fake := &fakeSystem{}
	env := newGuestEnv(t, ctx, fake, "all")
	_, err := env.call(t, ctx, "proc_exit", 3)
	var exit *sys.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("err = %v, want exit code 3", err)
	}
	if want := calls(call("ProcExit", wasi.ExitCode(3))); !reflect.DeepEqual(fake.calls, want) {
		t.Errorf("calls = %v, want %v", fake.calls, want)
	}
	if !env.mod.IsClosed() {
		t.Error("module not closed after proc_exit")
	}
}

// TestClosedModule closes the guest module from inside the first fd_write
// (as a timeout or a signal would, from another goroutine): the loop's
// next host call must stop the guest with the module's exit code, without
// reaching the System.
func TestClosedModule(t *testing.T) {
	ctx := t.Context()
	fake := &fakeSystem{}
	env := newGuestEnv(t, ctx, fake, "bench_fd_write")
	fake.onCall = func(string) { env.mod.CloseWithExitCode(ctx, 7) }
	_, err := env.call(t, ctx, "run", 5)
	var exit *sys.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 7 {
		t.Fatalf("err = %v, want exit code 7", err)
	}
	if len(fake.calls) != 1 {
		t.Errorf("System called %d times after close, want 1 call in all: %v", len(fake.calls), fake.calls)
	}
}

// TestClosedModuleEveryFunction calls each function of a closed module
// directly (as wazero would if the guest were still running) and checks
// that it panics with the exit code instead of calling the System.
func TestClosedModuleEveryFunction(t *testing.T) {
	ctx := t.Context()
	fake := &fakeSystem{}
	env := newGuestEnv(t, ctx, fake, "all")
	env.mod.CloseWithExitCode(ctx, 9)
	h := newHost(fake)
	for _, f := range table() {
		t.Run(f.Name, func(t *testing.T) {
			defer func() {
				var exit *sys.ExitError
				err, _ := recover().(error)
				if !errors.As(err, &exit) || exit.ExitCode() != 9 {
					t.Errorf("recovered %v, want exit code 9", err)
				}
			}()
			f.impl(h, ctx, env.mod, make([]uint64, 9))
		})
	}
	if len(fake.calls) != 0 {
		t.Errorf("System called on a closed module: %v", fake.calls)
	}
}

// TestNoHugeAllocations calls the functions that take guest counts with
// the largest counts and checks that the host allocates (almost) nothing:
// counts are capped before any allocation.
func TestNoHugeAllocations(t *testing.T) {
	ctx := t.Context()
	fake := &fakeSystem{}
	env := newGuestEnv(t, ctx, fake, "all")
	cases := []struct {
		fn     string
		params []uint64
		errno  wasi.Errno
	}{
		{"fd_read", []uint64{3, 0, 0xFFFFFFFF, 0}, wasi.EINVAL},
		{"fd_write", []uint64{3, 0, 0x80000000, 0}, wasi.EINVAL},
		{"fd_pread", []uint64{3, 0, 0xFFFFFFFF, 0, 0}, wasi.EINVAL},
		{"fd_pwrite", []uint64{3, 0, 0xFFFFFFFF, 0, 0}, wasi.EINVAL},
		{"sock_recv", []uint64{3, 0, 0xFFFFFFFF, 0, 0, 8}, wasi.EINVAL},
		{"sock_send", []uint64{3, 0, 0xFFFFFFFF, 0, 0}, wasi.EINVAL},
		{"poll_oneoff", []uint64{0, 0, 0xFFFFFFFF, 0}, wasi.EINVAL},
		{"path_open", []uint64{3, 0, 0, 0xFFFFFFFF, 0, 0, 0, 0, 0}, wasi.ENAMETOOLONG},
		{"fd_readdir", []uint64{3, 0, 0xFFFFFFFF, 0, 0}, wasi.EFAULT},
		{"random_get", []uint64{0, 0xFFFFFFFF}, wasi.EFAULT},
		{"fd_prestat_dir_name", []uint64{3, 0, 0xFFFFFFFF}, wasi.EFAULT},
	}
	for _, c := range cases {
		t.Run(c.fn, func(t *testing.T) {
			f := env.mod.ExportedFunction(c.fn)
			stack := make([]uint64, len(c.params))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range 10 {
				copy(stack, c.params)
				if err := f.CallWithStack(ctx, stack); err != nil {
					t.Fatal(err)
				}
				if got := wasi.Errno(stack[0]); got != c.errno {
					t.Fatalf("errno = %v, want %v", got, c.errno)
				}
			}
			runtime.ReadMemStats(&after)
			if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
				t.Errorf("10 calls allocated %d bytes", d)
			}
		})
	}
	if len(fake.calls) != 0 {
		t.Errorf("System called: %v", fake.calls)
	}
}

// TestHotPathsDoNotAllocate runs each benchmark guest over the quiet fake
// and checks 0 allocations per call (the benchmarks report the same).
func TestHotPathsDoNotAllocate(t *testing.T) {
	for _, name := range hotPaths {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			fake := newBenchFake()
			env := newGuestEnv(t, ctx, fake, "bench_"+name)
			run := env.mod.ExportedFunction("run")
			stack := make([]uint64, 1)
			stack[0] = 10 // warm up: grows scratch slices
			if err := run.CallWithStack(ctx, stack); err != nil || stack[0] != 0 {
				t.Fatalf("run: errno %d, %v", stack[0], err)
			}
			allocs := testing.AllocsPerRun(10, func() {
				stack[0] = 100
				if err := run.CallWithStack(ctx, stack); err != nil || stack[0] != 0 {
					t.Fatalf("run: errno %d, %v", stack[0], err)
				}
			})
			if allocs != 0 {
				t.Errorf("%v allocations per 100 calls of %s", allocs, name)
			}
		})
	}
}

// TestNoMemory: a guest without memory gets EFAULT for any non-empty range.
func TestNoMemory(t *testing.T) {
	ctx := t.Context()
	fake := &fakeSystem{}
	env := newGuestEnv(t, ctx, fake, "nomem")
	stack := []uint64{0}
	if err := env.mod.ExportedFunction("clock").CallWithStack(ctx, stack); err != nil {
		t.Fatal(err)
	}
	if got := wasi.Errno(stack[0]); got != wasi.EFAULT {
		t.Errorf("errno = %v, want EFAULT", got)
	}
	if len(fake.calls) != 0 {
		t.Errorf("System called: %v", fake.calls)
	}
}

func TestInstantiate(t *testing.T) {
	ctx := t.Context()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	if _, err := Instantiate(ctx, r, nil, nil); err == nil {
		t.Error("nil System accepted")
	}
	closer, err := Instantiate(ctx, r, &fakeSystem{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if m := r.Module(ModuleName); m == nil {
		t.Fatal("module not registered under", ModuleName)
	}
	// A second instance in the same runtime collides on the name.
	if _, err := Instantiate(ctx, r, &fakeSystem{}, nil); err == nil {
		t.Error("second Instantiate in one runtime succeeded")
	}
	if err := closer.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if m := r.Module(ModuleName); m != nil {
		t.Error("module still registered after Close")
	}
	// Every export has the table's signature.
	if _, err = Instantiate(ctx, r, &fakeSystem{}, nil); err != nil {
		t.Fatal(err)
	}
	defs := r.Module(ModuleName).ExportedFunctionDefinitions()
	for _, f := range Functions() {
		d, ok := defs[f.Name]
		if !ok {
			t.Errorf("%s not exported", f.Name)
			continue
		}
		if !sameList(d.ParamTypes(), f.ParamTypes) || !sameList(d.ResultTypes(), f.ResultTypes) ||
			!sameList(d.ParamNames(), f.ParamNames) {
			t.Errorf("%s: exported %v %v -> %v, table %v %v -> %v", f.Name, d.ParamNames(), d.ParamTypes(),
				d.ResultTypes(), f.ParamNames, f.ParamTypes, f.ResultTypes)
		}
	}
	// Preview 1's 46 functions, plus every WasmEdge extension name (V2 by
	// default without a guest); sock_accept is shared with preview 1.
	names := map[string]bool{}
	for _, f := range Functions() {
		names[f.Name] = true
	}
	for _, f := range WasmEdgeFunctions() {
		names[f.Name] = true
	}
	if len(defs) != len(names) {
		t.Errorf("%d exports, want %d", len(defs), len(names))
	}
	for name := range defs {
		if !names[name] {
			t.Errorf("unexpected export %s", name)
		}
	}
}

// sameList compares two lists, a nil list being equal to an empty one.
func sameList[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
