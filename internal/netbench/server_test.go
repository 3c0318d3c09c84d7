package netbench

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wasibox/wasibox/internal/testguest"
)

var (
	flagDuration = flag.Duration("netbench.duration", 5*time.Second,
		"measured time of each HTTP load (bounded by MaxDuration)")
	flagWarmup = flag.Duration("netbench.warmup", time.Second,
		"load applied before each measured HTTP load")
	flagConns       = flag.Int("netbench.conns", 32, "keep-alive connections of each HTTP load")
	flagStreamBytes = flag.Int64("netbench.stream-bytes", 1<<30, "bytes of the echo stream benchmark")
	flagWasiboxArgs = flag.String("netbench.wasibox-args", "",
		`extra flags for "wasibox run", space-separated (e.g. "--cpuprofile /tmp/host.prof --stats")`)
	flagWasibox = flag.String("netbench.wasibox", "",
		"wasibox binary to measure (default: built from ./cmd/wasibox), e.g. to compare two builds")
	flagCache = flag.String("netbench.cache", "",
		"wazero compilation cache folder to keep between runs (default: a temporary one)")
	flagIdle     = flag.Duration("netbench.idle", 2*time.Second, "idle time BenchmarkHTTPIdle measures")
	flagRuntimes = flag.String("netbench.runtimes", "native,wasibox,wazero-wasi,wasibox-preopen",
		"runtimes BenchmarkHTTP measures, in this order, comma-separated (see runtimes)")
)

// startTimeout bounds a server's start: a cold wazero compilation of a Go
// guest takes seconds on a busy machine.
const startTimeout = 3 * time.Minute

// builds are the programs every benchmark and test of this binary shares,
// built once into shared.dir (removed by TestMain).
var shared struct {
	dir  string
	once sync.Once
	err  error
	// Paths: the wasibox binary, the wazero peer (cmd/wazerowasi), and
	// the native builds of the guests.
	wasibox, wazerowasi, httpserver, echo string
}

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "netbench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// programs builds wasibox (cgo-free, as released, so that the Landlock
// backstop is on as users run it) and the native twins of the guests.
func programs(tb testing.TB) {
	tb.Helper()
	shared.once.Do(func() {
		root, err := filepath.Abs("../..")
		if err != nil {
			shared.err = err
			return
		}
		build := func(out, pkg string) string {
			if shared.err != nil {
				return ""
			}
			p := filepath.Join(shared.dir, out)
			cmd := exec.Command("go", "build", "-o", p, pkg)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=", "GOFLAGS=", "CGO_ENABLED=0")
			if b, err := cmd.CombinedOutput(); err != nil {
				shared.err = fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
			}
			return p
		}
		shared.wasibox = build("wasibox", "./cmd/wasibox")
		shared.wazerowasi = build("wazerowasi", "./internal/netbench/cmd/wazerowasi")
		shared.httpserver = build("httpserver", "./testdata/guests/net/httpserver")
		shared.echo = build("echo", "./testdata/guests/net/echo")
	})
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
}

// server is a server process that announced "listening <addr>".
type server struct {
	name   string
	addr   string
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan struct{}
}

// freePort returns a loopback TCP port that was free a moment ago (the
// wasibox grant must name the port before the guest binds it).
func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// nativeServer starts the native build of guest ("httpserver" or
// "echo").
func nativeServer(tb testing.TB, guest string, args ...string) *server {
	programs(tb)
	bin := map[string]string{"httpserver": shared.httpserver, "echo": shared.echo}[guest]
	if bin == "" {
		tb.Fatalf("no native build of %q", guest)
	}
	return startServer(tb, "native", exec.Command(bin, args...), "")
}

// wasiboxServer starts `wasibox run --listen tcp://127.0.0.1:PORT` on the
// wasip1 build of guest; args follow the module, with "ADDR" replaced by
// 127.0.0.1:PORT.
func wasiboxServer(tb testing.TB, guest string, args ...string) *server {
	addr := "127.0.0.1:" + strconv.Itoa(freePort(tb))
	return startWasibox(tb, "wasibox", []string{"--listen", "tcp://" + addr}, addr, guest, args, "")
}

// wasiboxPreopenServer starts `wasibox run --tcplisten 127.0.0.1:PORT` on
// the wasip1 build of guest, which gets the listener as descriptor 3; args
// follow the module, with "ADDR" replaced by 127.0.0.1:PORT.
func wasiboxPreopenServer(tb testing.TB, guest string, args ...string) *server {
	addr := "127.0.0.1:" + strconv.Itoa(freePort(tb))
	// A guest on a pre-opened listener cannot learn its address: the
	// host knows it.
	return startWasibox(tb, "wasibox-preopen", []string{"--tcplisten", addr}, addr, guest, args, addr)
}

// startWasibox runs `wasibox run GRANTS [-netbench.wasibox-args] MODULE
// ARGS`, "ADDR" in args replaced by addr; known is the address the server
// listens on if its announcement does not tell.
func startWasibox(tb testing.TB, name string, grants []string, addr, guest string, args []string, known string) *server {
	programs(tb)
	wasm := testguest.Path(tb, guest)
	argv := append([]string{"run"}, grants...)
	argv = append(argv, strings.Fields(*flagWasiboxArgs)...)
	argv = append(argv, wasm)
	for _, a := range args {
		argv = append(argv, strings.ReplaceAll(a, "ADDR", addr))
	}
	bin := shared.wasibox
	if *flagWasibox != "" {
		bin = *flagWasibox
	}
	cmd := exec.Command(bin, argv...)
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cacheDir())
	return startServer(tb, name, cmd, known)
}

// cacheDir is the compilation cache folder of every runtime.
func cacheDir() string {
	if *flagCache != "" {
		return *flagCache
	}
	return filepath.Join(shared.dir, "cache")
}

// wazeroServer starts the wasip1 build of guest under cmd/wazerowasi
// (wazero's own WASI, as `wazero run` sets it up) with one pre-opened
// listener on 127.0.0.1:PORT, descriptor 3; args follow the module, with
// "ADDR" replaced by 127.0.0.1:PORT.
func wazeroServer(tb testing.TB, guest string, args ...string) *server {
	programs(tb)
	wasm := testguest.Path(tb, guest)
	addr := "127.0.0.1:" + strconv.Itoa(freePort(tb))
	argv := []string{"-cachedir", filepath.Join(cacheDir(), "wazerowasi"), "-listen", addr, wasm}
	for _, a := range args {
		argv = append(argv, strings.ReplaceAll(a, "ADDR", addr))
	}
	// A guest on a pre-opened listener cannot learn its address: the
	// host knows it.
	return startServer(tb, "wazero-wasi", exec.Command(shared.wazerowasi, argv...), addr)
}

// startServer starts cmd and waits for its "listening <addr>" line; addr,
// if not empty, is where the server listens (whatever it announced).
func startServer(tb testing.TB, name string, cmd *exec.Cmd, addr string) *server {
	tb.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	s := &server{name: name, cmd: cmd, stderr: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.stop(tb) })
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		announced := false
		for sc.Scan() {
			if !announced {
				if a, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
					lines <- a
					announced = true
				}
			}
		}
		close(lines)
		cmd.Wait()
		close(s.done)
	}()
	select {
	case a, ok := <-lines:
		if !ok {
			<-s.done
			tb.Fatalf("%s server %q exited (%v) before listening; stderr:\n%s", name, cmd.Args, cmd.ProcessState, s.stderr)
		}
		s.addr = a
		if addr != "" {
			s.addr = addr
		}
	case <-time.After(startTimeout):
		tb.Fatalf("%s server %q did not listen within %v; stderr:\n%s", name, cmd.Args, startTimeout, s.stderr)
	}
	return s
}

// stop ends the server with SIGTERM (SIGKILL if it lingers).
func (s *server) stop(tb testing.TB) {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		tb.Errorf("%s server did not stop on SIGTERM; stderr:\n%s", s.name, s.stderr)
	}
	if e := s.stderr.String(); e != "" && testing.Verbose() {
		tb.Logf("%s server stderr:\n%s", s.name, e)
	}
}

// cpu returns the CPU time (user and system, every thread) the server
// has used so far, from /proc (10 ms ticks on usual kernels).
func (s *server) cpu(tb testing.TB) time.Duration {
	tb.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		tb.Fatal(err)
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// count fields after the last ')'. utime and stime are fields 14, 15.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		tb.Fatalf("/proc/%d/stat: %q", s.cmd.Process.Pid, b)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		tb.Fatalf("/proc/%d/stat: %q", s.cmd.Process.Pid, b)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// get fetches path once with a fresh connection and returns the body.
func (s *server) get(tb testing.TB, path string) []byte {
	tb.Helper()
	c, err := net.DialTimeout("tcp", s.addr, 10*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, s.addr)
	b, err := io.ReadAll(c)
	if err != nil {
		tb.Fatal(err)
	}
	head, body, ok := strings.Cut(string(b), "\r\n\r\n")
	if !ok || !strings.HasPrefix(head, "HTTP/1.1 200 ") {
		tb.Fatalf("%s GET %s: %.200q", s.name, path, b)
	}
	return []byte(body)
}

// lockedBuffer collects a process's stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.b) < 1<<20 {
		l.b = append(l.b, p...)
	}
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}
