//go:build linux

package unix

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// Landlock restrictions cannot be undone, so TestRestrictSelf applies them
// in a child process: the test binary itself, re-executed to run only
// TestLandlockChild with landlockChildEnv set to a landlockSpec.
//
// A test binary that links cgo (the default wherever a C compiler is
// installed, since unix imports net) cannot reach every thread before
// Landlock ABI 8. There the cgo binary checks the fail-soft path, and a
// copy of the test binary built with CGO_ENABLED=0 checks the restriction.
const landlockChildEnv = "WASIBOX_LANDLOCK_CHILD"

// landlockChildOK starts the line a child prints once every check ran.
const landlockChildOK = "landlock child ok: "

type landlockSpec struct {
	RO, RW, Out string // folders: read-only, read-write, not granted
	Connect     int    // a loopback listener's port, granted for connect
	Denied      int    // another listener's port, granted for nothing
	ExpectNone  bool   // a cgo binary before ABI 8: nothing may be restricted
}

func TestRestrictSelf(t *testing.T) {
	abi, err := LandlockABI()
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EPERM) {
		t.Skipf("Landlock is not available here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kernel Landlock ABI v%d", abi)

	root := t.TempDir()
	spec := landlockSpec{
		RO:  filepath.Join(root, "ro"),
		RW:  filepath.Join(root, "rw"),
		Out: filepath.Join(root, "out"),
	}
	for _, d := range []string{spec.RO, spec.RW, spec.Out} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "f"), []byte("content"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []*int{&spec.Connect, &spec.Denied} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		*p = ln.Addr().(*net.TCPAddr).Port
	}

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := self
	if _, _, e := syscall.AllThreadsSyscall(unix.SYS_PRCTL, unix.PR_GET_NO_NEW_PRIVS, 0, 0); e == syscall.ENOTSUP && abi < 8 {
		t.Run("cgo", func(t *testing.T) {
			s := spec
			s.ExpectNone = true
			runLandlockChild(t, self, s)
		})
		bin = buildNoCgoTest(t)
	}
	runLandlockChild(t, bin, spec)
}

// runLandlockChild runs TestLandlockChild in bin with spec and checks that
// it ran every check.
func runLandlockChild(t *testing.T, bin string, spec landlockSpec) {
	t.Helper()
	js, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), bin, "-test.run=^TestLandlockChild$", "-test.v")
	// No GOCOVERDIR: the child could not write its coverage beneath it.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOCOVERDIR=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, landlockChildEnv+"="+string(js))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child %s: %v\n%s", bin, err, out)
	}
	i := strings.Index(string(out), landlockChildOK)
	if i < 0 {
		t.Fatalf("child %s did not run its checks:\n%s", bin, out)
	}
	line, _, _ := strings.Cut(string(out[i+len(landlockChildOK):]), "\n")
	t.Logf("backstop in the child: %s", line)
}

// buildNoCgoTest builds this package's test binary with CGO_ENABLED=0.
func buildNoCgoTest(t *testing.T) string {
	t.Helper()
	gotool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gotool); err != nil {
		if gotool, err = exec.LookPath("go"); err != nil {
			t.Fatalf("this test binary links cgo and the kernel's Landlock ABI is before 8, so a CGO_ENABLED=0 build is needed, but there is no go command: %v", err)
		}
	}
	out := filepath.Join(t.TempDir(), "unix-nocgo.test")
	cmd := exec.CommandContext(t.Context(), gotool, "test", "-c", "-o", out, ".")
	// -race, -msan and -asan need cgo: drop them from GOFLAGS.
	var flags []string
	for _, f := range strings.Fields(os.Getenv("GOFLAGS")) {
		if f != "-race" && f != "-msan" && f != "-asan" {
			flags = append(flags, f)
		}
	}
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS="+strings.Join(flags, " "))
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test -c with CGO_ENABLED=0: %v\n%s", err, msg)
	}
	return out
}

// TestLandlockChild is the child half of TestRestrictSelf; it does
// nothing unless landlockChildEnv is set.
func TestLandlockChild(t *testing.T) {
	js := os.Getenv(landlockChildEnv)
	if js == "" {
		return // run by TestRestrictSelf only
	}
	var spec landlockSpec
	if err := json.Unmarshal([]byte(js), &spec); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	// A System built before the restriction, as the CLI builds it.
	s, err := New(Config{Stdin: -1, Stdout: -1, Stderr: -1, Preopens: []Preopen{
		{HostPath: spec.RO, GuestPath: "/ro", ReadOnly: true},
		{HostPath: spec.RW, GuestPath: "/rw"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	const roFD, rwFD wasi.FD = 3, 4

	// Threads that exist before the restriction, each pinned to its
	// goroutine: the restriction must reach them too.
	const nthreads = 4
	type threadResult struct {
		tid int
		err error
	}
	start := make(chan struct{})
	results := make(chan threadResult)
	ready := make(chan struct{})
	for range nthreads {
		go func() {
			runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
			ready <- struct{}{}
			<-start
			_, err := os.ReadFile(filepath.Join(spec.Out, "f"))
			results <- threadResult{unix.Gettid(), err}
		}()
	}
	for range nthreads {
		<-ready
	}
	kept, err := os.Open(filepath.Join(spec.Out, "f")) // opened before: stays usable
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()

	b, err := RestrictSelf(Restrictions{
		ReadOnly:   []string{spec.RO},
		ReadWrite:  []string{spec.RW},
		Resolver:   true,
		BindTCP:    []PortRange{{0, 0}},
		ConnectTCP: []PortRange{{uint16(spec.Connect), uint16(spec.Connect)}},
	})
	if err != nil {
		t.Fatalf("RestrictSelf: %v", err)
	}
	close(start)

	if spec.ExpectNone {
		if b.Active() || !strings.Contains(b.Reason, "cgo") || !strings.HasPrefix(b.String(), "none: ") {
			t.Fatalf("a cgo binary before ABI 8 got backstop %+v, want none because of cgo", b)
		}
		// Nothing is restricted, on any thread.
		for range nthreads {
			if r := <-results; r.err != nil {
				t.Errorf("thread %d after a backstop of none: %v", r.tid, r.err)
			}
		}
		if _, err := os.ReadFile(filepath.Join(spec.Out, "f")); err != nil {
			t.Errorf("after a backstop of none: %v", err)
		}
		fmt.Println(landlockChildOK + b.String())
		return
	}

	abi, _ := LandlockABI()
	if !b.Active() || b.ABI != abi || b.TCP != (abi >= 4) || b.Scoped != (abi >= 6) {
		t.Fatalf("backstop %+v on ABI %d", b, abi)
	}
	want := func(what string, err, want error) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", what, err, want)
		}
	}
	var ok error // success
	tids := map[int]bool{}
	for range nthreads {
		r := <-results
		tids[r.tid] = true
		want(fmt.Sprintf("thread %d reading outside", r.tid), r.err, unix.EACCES)
	}
	if len(tids) != nthreads {
		t.Errorf("the pinned goroutines ran on %d threads, want %d", len(tids), nthreads)
	}

	// Files, from this thread and from fresh goroutines.
	read := func(p string) error { _, err := os.ReadFile(p); return err }
	write := func(p string) error { return os.WriteFile(p, []byte("new"), 0o644) }
	want("read outside", read(filepath.Join(spec.Out, "f")), unix.EACCES)
	want("list outside", func() error { _, err := os.ReadDir(spec.Out); return err }(), unix.EACCES)
	want("create outside", write(filepath.Join(spec.Out, "g")), unix.EACCES)
	want("read /etc/passwd", read("/etc/passwd"), unix.EACCES)
	want("read ro", read(filepath.Join(spec.RO, "f")), ok)
	want("list ro", func() error { _, err := os.ReadDir(spec.RO); return err }(), ok)
	want("create in ro", write(filepath.Join(spec.RO, "g")), unix.EACCES)
	want("write to ro", func() error {
		f, err := os.OpenFile(filepath.Join(spec.RO, "f"), os.O_WRONLY, 0)
		if err == nil {
			f.Close()
		}
		return err
	}(), unix.EACCES)
	want("remove in ro", os.Remove(filepath.Join(spec.RO, "f")), unix.EACCES)
	want("read rw", read(filepath.Join(spec.RW, "f")), ok)
	want("create in rw", write(filepath.Join(spec.RW, "g")), ok)
	want("mkdir in rw", os.Mkdir(filepath.Join(spec.RW, "d"), 0o755), ok)
	if abi >= 2 {
		want("rename between rw folders", os.Rename(filepath.Join(spec.RW, "g"), filepath.Join(spec.RW, "d", "g")), ok)
	}
	want("remove in rw", os.Remove(filepath.Join(spec.RW, "f")), ok)
	want("execute in rw", exec.Command(filepath.Join(spec.RW, "g")).Run(), unix.EACCES)
	done := make(chan error)
	go func() { done <- read(filepath.Join(spec.Out, "f")) }()
	want("read outside from a new goroutine", <-done, unix.EACCES)
	if _, err := os.Stat("/etc/hosts"); err == nil {
		want("read /etc/hosts (Resolver)", read("/etc/hosts"), ok)
	}

	// What the System needs after start-up keeps working.
	want("read a file opened before", func() error { _, err := kept.Seek(0, 0); return err }(), ok)
	buf := make([]byte, 7)
	if n, err := kept.Read(buf); n != 7 || err != nil {
		t.Errorf("read a file opened before: %d, %v", n, err)
	}
	if _, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(kept.Fd()))); err != nil {
		t.Errorf("readlink /proc/self/fd/N: %v", err)
	}
	if fd, errno := s.PathOpen(ctx, rwFD, 0, "new", wasi.OCreate, wasi.FileRights, 0, 0); errno != wasi.ESUCCESS {
		t.Errorf("path_open create in the rw preopen: %v", errno)
	} else {
		if n, errno := s.FDWrite(ctx, fd, []wasi.IOVec{[]byte("data")}); n != 4 || errno != wasi.ESUCCESS {
			t.Errorf("fd_write in the rw preopen: %d, %v", n, errno)
		}
		if p, errno := s.FDGuestPath(ctx, fd); p != "/rw/new" || errno != wasi.ESUCCESS {
			t.Errorf("FDGuestPath: %q, %v", p, errno)
		}
	}
	if fd, errno := s.PathOpen(ctx, roFD, 0, "f", 0, wasi.FDReadRight, 0, 0); errno != wasi.ESUCCESS {
		t.Errorf("path_open in the ro preopen: %v", errno)
	} else if n, errno := s.FDRead(ctx, fd, []wasi.IOVec{buf}); n != 7 || errno != wasi.ESUCCESS {
		t.Errorf("fd_read in the ro preopen: %d, %v", n, errno)
	}

	// TCP (ABI 4): connect only to the granted port; bind only port 0.
	if abi >= 4 {
		dial := func(port int) error {
			c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
			if err == nil {
				c.Close()
			}
			return err
		}
		listen := func(port int) error {
			ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
			if err == nil {
				ln.Close()
			}
			return err
		}
		want("connect to the granted port", dial(spec.Connect), ok)
		want("connect to another port", dial(spec.Denied), unix.EACCES)
		want("bind port 0", listen(0), ok)
		// EACCES, not EADDRINUSE: Landlock refuses before the kernel looks.
		want("bind an ungranted port", listen(spec.Denied), unix.EACCES)
	}
	if t.Failed() {
		return
	}
	fmt.Println(landlockChildOK + b.String())
}

// TestRestrictSelfBadPath checks that a path that cannot be opened is an
// error before anything irreversible happens (so it runs in-process).
func TestRestrictSelfBadPath(t *testing.T) {
	before, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing")
	b, err := RestrictSelf(Restrictions{ReadOnly: []string{t.TempDir()}, ReadWrite: []string{missing}})
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != missing || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("RestrictSelf with a missing folder: %v, want a PathError for %s", err, missing)
	}
	if b.Active() {
		t.Errorf("backstop %v after an error", b)
	}
	after, _ := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	if after != before {
		t.Errorf("no_new_privs changed from %d to %d although RestrictSelf failed", before, after)
	}
	if _, err := os.ReadDir("/"); err != nil {
		t.Errorf("the test process was restricted: %v", err)
	}
}

func TestBackstopString(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    Backstop
		want string
	}{
		{"none", Backstop{Reason: "kernel has no landlock"}, "none: kernel has no landlock"},
		{"v1", Backstop{ABI: 1, FS: true}, "landlock ABI v1: fs only"},
		{"v4", Backstop{ABI: 4, FS: true, TCP: true}, "landlock ABI v4: fs + tcp"},
		{"v7", Backstop{ABI: 7, FS: true, TCP: true, Scoped: true}, "landlock ABI v7: fs + tcp + scope"},
		{"v6 all ports", Backstop{ABI: 6, FS: true, Scoped: true}, "landlock ABI v6: fs + scope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.b.String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if tc.b.Active() != (tc.b.FS) {
				t.Errorf("Active() = %v", tc.b.Active())
			}
		})
	}
}

func TestExpandPorts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ranges []PortRange
		want   []uint16
		all    bool
	}{
		{"none", nil, []uint16{}, false},
		{"one", []PortRange{{443, 443}}, []uint16{443}, false},
		{"range and one", []PortRange{{8000, 8002}, {22, 22}}, []uint16{8000, 8001, 8002, 22}, false},
		{"top", []PortRange{{65534, 65535}}, []uint16{65534, 65535}, false},
		{"reversed is empty", []PortRange{{9, 8}}, []uint16{}, false},
		{"every port", []PortRange{{80, 80}, {0, 65535}}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, all := expandPorts(tc.ranges)
			if all != tc.all || fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, %v; want %v, %v", got, all, tc.want, tc.all)
			}
		})
	}
}

func TestLLHandledFS(t *testing.T) {
	for _, tc := range []struct {
		abi  int
		want uint64
	}{{1, 0x1fff}, {2, 0x3fff}, {3, 0x7fff}, {4, 0x7fff}, {5, 0xffff}, {7, 0xffff}} {
		if got := llHandledFS(tc.abi); got != tc.want {
			t.Errorf("ABI %d: %#x, want %#x", tc.abi, got, tc.want)
		}
	}
	if llRW&^llHandledFS(3) != 0 || llRO&^llRW != 0 || llRW&(llExecute|llMakeChar|llMakeBlock|llMakeFifo|llMakeSock|llIoctlDev) != 0 {
		t.Errorf("rw rights %#x: must be handled by ABI 3, include ro, exclude execute and special files", llRW)
	}
}
