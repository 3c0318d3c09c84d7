package hostabi

// End-to-end tests of the WasmEdge socket extensions with real Go guests
// (testdata/guests/net, built with GOOS=wasip1 and guest/sock) running in
// process over unix.System with AllowSockets, on loopback only: an HTTP
// server exercised by real HTTP requests, an HTTP client fetching from an
// httptest server, and a UDP echo.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox/unix"
)

// netGuestTimeout bounds every wait on a guest; passing it is a failure
// (a hang), not a timing assertion.
const netGuestTimeout = 2 * time.Minute

// netGuestDir is where the net guests and wazero's compilation cache live
// (testdata/build is gitignored; go build and the cache are incremental).
func netGuestDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "build", "net"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// netGuestBuilds builds each guest once per test binary.
var netGuestBuilds sync.Map // name -> func() (string, error)

// netGuestWASM builds testdata/guests/net/<name> for GOOS=wasip1 and
// returns its path. A missing Go toolchain fails the test.
func netGuestWASM(t testing.TB, name string) string {
	t.Helper()
	dir := netGuestDir(t)
	build, _ := netGuestBuilds.LoadOrStore(name, sync.OnceValues(func() (string, error) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		out := filepath.Join(dir, name+".wasm")
		cmd := exec.Command("go", "build", "-trimpath", "-o", out, "./testdata/guests/net/"+name)
		cmd.Dir = filepath.Join("..")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
		if msg, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build %s: %v\n%s", name, err, msg)
		}
		return out, nil
	}))
	p, err := build.(func() (string, error))()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// netGuest is a running guest.
type netGuest struct {
	t      *testing.T
	sys    *unix.System
	cancel context.CancelFunc
	lines  chan string // stdout, line by line; closed at EOF
	stderr *bytes.Buffer
	errMu  *sync.Mutex
	errEOF chan struct{} // closed when stderr reaches EOF
	done   chan error    // the guest's result
}

// startNetGuest runs guest name with args in its own runtime, over a
// unix.System that allows sockets unless deny is set.
func startNetGuest(t *testing.T, name string, deny bool, args ...string) *netGuest {
	t.Helper()
	wasm, err := os.ReadFile(netGuestWASM(t, name))
	if err != nil {
		t.Fatal(err)
	}
	cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(netGuestDir(t), "wazero-cache"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache).WithCloseOnContextDone(true))
	compiled, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	s, err := unix.New(unix.Config{
		Args:  append([]string{name}, args...),
		Stdin: int(devNull.Fd()), Stdout: int(outW.Fd()), Stderr: int(errW.Fd()),
		AllowSockets: !deny,
	})
	outW.Close() // the System holds duplicates
	errW.Close()
	if err != nil {
		t.Fatal(err)
	}
	g := &netGuest{t: t, sys: s, cancel: cancel, lines: make(chan string, 64),
		stderr: &bytes.Buffer{}, errMu: &sync.Mutex{}, errEOF: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		defer close(g.lines)
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			g.lines <- sc.Text()
		}
	}()
	go func() {
		defer close(g.errEOF)
		var buf [4096]byte
		for {
			n, err := errR.Read(buf[:])
			g.errMu.Lock()
			g.stderr.Write(buf[:n])
			g.errMu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	// Cancellation reaches blocked host calls through Wake (design
	// decision 8).
	stopWake := context.AfterFunc(ctx, s.Wake)
	if _, err := Instantiate(ctx, rt, s, compiled); err != nil {
		t.Fatal(err)
	}
	go func() {
		_, err := rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig())
		stopWake()
		rt.Close(context.Background())
		s.Close(context.Background()) // closes the guest's sockets and stdio: EOF on the pipes
		g.done <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-g.done:
		case <-time.After(netGuestTimeout):
			t.Errorf("%s did not stop after cancellation", name)
		}
	})
	return g
}

// line returns the next line of stdout, failing the test at EOF or after
// netGuestTimeout.
func (g *netGuest) line() string {
	g.t.Helper()
	select {
	case l, ok := <-g.lines:
		if !ok {
			g.t.Fatalf("guest stdout closed; stderr:\n%s", g.stderrText())
		}
		return l
	case <-time.After(netGuestTimeout):
		g.t.Fatalf("no output from the guest; stderr:\n%s", g.stderrText())
	}
	return ""
}

// listening waits for the "listening <addr>" line and returns addr.
func (g *netGuest) listening() string {
	g.t.Helper()
	l := g.line()
	addr, ok := strings.CutPrefix(l, "listening ")
	if !ok {
		g.t.Fatalf("first line %q, want listening <addr>; stderr:\n%s", l, g.stderrText())
	}
	return addr
}

func (g *netGuest) stderrText() string {
	g.errMu.Lock()
	defer g.errMu.Unlock()
	return g.stderr.String()
}

// wait returns the guest's exit code (-1 for a non-exit error, reported).
func (g *netGuest) wait() uint32 {
	g.t.Helper()
	select {
	case err := <-g.done:
		g.done <- err // for the cleanup
		select {      // the System closed stderr: all of it is in g.stderr soon
		case <-g.errEOF:
		case <-time.After(netGuestTimeout):
		}
		var exit *sys.ExitError
		if err == nil {
			return 0
		}
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		g.t.Errorf("guest: %v", err)
		return ^uint32(0)
	case <-time.After(netGuestTimeout):
		g.t.Fatalf("guest did not exit; stderr:\n%s", g.stderrText())
	}
	return 0
}

// restLines returns the remaining stdout lines (after the guest exited).
func (g *netGuest) restLines() []string {
	var ls []string
	for l := range g.lines {
		ls = append(ls, l)
	}
	return ls
}

// pattern is httpserver's /bytes body.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7 % 251)
	}
	return b
}

func TestNetHTTPServerGuest(t *testing.T) {
	g := startNetGuest(t, "httpserver", false, "127.0.0.1:0")
	addr := g.listening()
	base := "http://" + addr
	tr := &http.Transport{MaxIdleConnsPerHost: 8}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: netGuestTimeout}

	get := func(t *testing.T, path string, trace *httptrace.ClientTrace) ([]byte, *http.Response) {
		t.Helper()
		req, err := http.NewRequest("GET", base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if trace != nil {
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v; guest stderr:\n%s", path, err, g.stderrText())
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("GET %s: reading body: %v", path, err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, body)
		}
		return body, resp
	}

	t.Run("keep-alive", func(t *testing.T) {
		var reused int
		var local net.Addr
		trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
			if i.Reused {
				reused++
			}
			local = i.Conn.LocalAddr()
		}}
		for i := range 5 {
			body, _ := get(t, "/hello", trace)
			if string(body) != "hello from wasip1\n" {
				t.Fatalf("request %d: body %q", i, body)
			}
		}
		if reused < 4 {
			t.Errorf("%d of 4 later requests reused the connection", reused)
		}
		// The server sees the client's address (guest/sock's tcpConn).
		body, _ := get(t, "/remote", trace)
		if string(body) != local.String() {
			t.Errorf("server saw the client at %q, want %q", body, local)
		}
	})

	t.Run("large-body", func(t *testing.T) {
		const n = 8 << 20
		body, resp := get(t, fmt.Sprintf("/bytes?n=%d", n), nil)
		if resp.ContentLength != n || !bytes.Equal(body, pattern(n)) {
			t.Fatalf("got %d bytes (Content-Length %d), want the %d-byte pattern", len(body), resp.ContentLength, n)
		}
		up := make([]byte, 3<<20)
		rand.Read(up)
		resp, err := client.Post(base+"/echo", "application/octet-stream", bytes.NewReader(up))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		echoed, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(up)
		if !bytes.Equal(echoed, up) || resp.Header.Get("X-Sha256") != hex.EncodeToString(sum[:]) {
			t.Fatalf("echo: %d bytes back, X-Sha256 %s", len(echoed), resp.Header.Get("X-Sha256"))
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		// 64 KiB responses: the size at which Nagle's algorithm and a
		// delayed ACK stall a server without TCP_NODELAY.
		const clients, requests, n = 8, 10, 64 << 10
		want := pattern(n)
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := range requests {
					resp, err := client.Get(fmt.Sprintf("%s/bytes?n=%d", base, n))
					if err != nil {
						errs <- fmt.Errorf("client %d request %d: %v", c, r, err)
						return
					}
					body, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || !bytes.Equal(body, want) {
						errs <- fmt.Errorf("client %d request %d: %d bytes, %v", c, r, len(body), err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})

	t.Run("stop", func(t *testing.T) {
		// Cancellation ends the guest while it waits in poll_oneoff; the
		// System then closes its sockets, so the port refuses.
		tr.CloseIdleConnections()
		g.cancel()
		g.wait()
		if c, err := net.DialTimeout("tcp", addr, 10*time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after the guest stopped", addr)
		}
	})
}

// TestNetHTTPServerGuestShutdown: a graceful http.Server.Shutdown inside
// the guest, then exit 0.
func TestNetHTTPServerGuestShutdown(t *testing.T) {
	g := startNetGuest(t, "httpserver", false, "127.0.0.1:0")
	addr := g.listening()
	resp, err := http.Get("http://" + addr + "/quit")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "bye\n" {
		t.Errorf("body %q", body)
	}
	if code := g.wait(); code != 0 {
		t.Errorf("exit code %d; stderr:\n%s", code, g.stderrText())
	}
	if ls := g.restLines(); len(ls) != 1 || ls[0] != "shut down" {
		t.Errorf("output %q, want [shut down]", ls)
	}
}

// TestNetHTTPServerGuestDenied: without AllowSockets, sock_open is EACCES
// and the guest says so.
func TestNetHTTPServerGuestDenied(t *testing.T) {
	g := startNetGuest(t, "httpserver", true, "127.0.0.1:0")
	if code := g.wait(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if s := g.stderrText(); !strings.Contains(strings.ToLower(s), "permission denied") {
		t.Errorf("stderr %q, want a permission error", s)
	}
}

func TestNetHTTPClientGuest(t *testing.T) {
	const n = 1<<20 + 13
	body := pattern(n)
	sum := sha256.Sum256(body)
	var conns sync.Map
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(body)
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Store(c.RemoteAddr().String(), true)
		}
	}
	srv.Start()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	want := fmt.Sprintf("status 200 bytes %d sha256 %s", n, hex.EncodeToString(sum[:]))

	for _, host := range []string{"127.0.0.1", "localhost"} { // localhost: sock_getaddrinfo
		t.Run(host, func(t *testing.T) {
			conns.Clear()
			g := startNetGuest(t, "httpclient", false, "http://"+net.JoinHostPort(host, port)+"/data", "3")
			if code := g.wait(); code != 0 {
				t.Fatalf("exit code %d; stdout %q; stderr:\n%s", code, g.restLines(), g.stderrText())
			}
			got := g.restLines()
			if len(got) != 3 {
				t.Fatalf("output %q, want 3 lines", got)
			}
			for _, l := range got {
				if l != want {
					t.Errorf("got %q, want %q", l, want)
				}
			}
			count := 0
			conns.Range(func(any, any) bool { count++; return true })
			if count != 1 {
				t.Errorf("%d connections for 3 requests, want 1 (keep-alive)", count)
			}
		})
	}

	t.Run("refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		closed := l.Addr().String()
		l.Close()
		g := startNetGuest(t, "httpclient", false, "http://"+closed+"/")
		if code := g.wait(); code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
		// wasip1's message for ECONNREFUSED is capitalized.
		if out := strings.Join(g.restLines(), "\n"); !strings.Contains(strings.ToLower(out), "connection refused") {
			t.Errorf("output %q, want connection refused", out)
		}
	})
}

func TestNetUDPEchoGuest(t *testing.T) {
	t.Run("server", func(t *testing.T) {
		g := startNetGuest(t, "udpecho", false, "server", "127.0.0.1:0")
		addr := g.listening()
		c, err := net.Dial("udp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(netGuestTimeout))
		big := make([]byte, 8<<10)
		rand.Read(big)
		for _, msg := range [][]byte{[]byte("ping"), big, []byte("quit")} {
			if _, err := c.Write(msg); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 64<<10)
			n, err := c.Read(buf)
			if err != nil {
				t.Fatalf("reading the echo of %d bytes: %v; stderr:\n%s", len(msg), err, g.stderrText())
			}
			if !bytes.Equal(buf[:n], msg) {
				t.Fatalf("echo of %d bytes: got %d bytes", len(msg), n)
			}
		}
		if code := g.wait(); code != 0 {
			t.Errorf("exit code %d; stderr:\n%s", code, g.stderrText())
		}
		if ls := g.restLines(); len(ls) != 1 || ls[0] != "quit from "+c.LocalAddr().String() {
			t.Errorf("output %q, want the sender's address %s", ls, c.LocalAddr())
		}
	})

	t.Run("client", func(t *testing.T) {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		go func() {
			buf := make([]byte, 2048)
			for {
				n, from, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				pc.WriteTo(bytes.ToUpper(buf[:n]), from)
			}
		}()
		g := startNetGuest(t, "udpecho", false, "client", pc.LocalAddr().String(), "hello")
		if code := g.wait(); code != 0 {
			t.Fatalf("exit code %d; stdout %q; stderr:\n%s", code, g.restLines(), g.stderrText())
		}
		want := "reply HELLO from " + pc.LocalAddr().String()
		if ls := g.restLines(); len(ls) != 1 || ls[0] != want {
			t.Errorf("output %q, want %q", ls, want)
		}
	})

	t.Run("lookup", func(t *testing.T) {
		g := startNetGuest(t, "udpecho", false, "lookup", "localhost")
		if code := g.wait(); code != 0 {
			t.Fatalf("exit code %d; stdout %q; stderr:\n%s", code, g.restLines(), g.stderrText())
		}
		if ls := g.restLines(); !containsLine(ls, "127.0.0.1") {
			t.Errorf("localhost resolved to %q, want 127.0.0.1 among them", ls)
		}
	})
}

func containsLine(ls []string, s string) bool {
	for _, l := range ls {
		if l == s {
			return true
		}
	}
	return false
}

// BenchmarkNetHTTPServer measures keep-alive GETs against the httpserver
// guest and against the same handlers served natively in process (the
// design target: the guest at 15% of native or better). Sizes: a small
// body and a 64 KiB one (the Nagle + delayed-ACK case).
func BenchmarkNetHTTPServer(b *testing.B) {
	for _, path := range []string{"/hello", "/bytes?n=65536"} {
		b.Run("guest"+path, func(b *testing.B) {
			addr := benchGuestServer(b)
			benchGET(b, "http://"+addr+path)
		})
		b.Run("native"+path, func(b *testing.B) {
			body := pattern(65536) // the guest too writes a precomputed block
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/hello" {
					io.WriteString(w, "hello from wasip1\n")
					return
				}
				w.Header().Set("Content-Length", "65536")
				w.Write(body)
			}))
			defer srv.Close()
			benchGET(b, srv.URL+path)
		})
	}
}

// benchGuestServer starts the httpserver guest for a benchmark and
// returns its address; it stops with the benchmark.
func benchGuestServer(b *testing.B) string {
	b.Helper()
	wasm, err := os.ReadFile(netGuestWASM(b, "httpserver"))
	if err != nil {
		b.Fatal(err)
	}
	cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(netGuestDir(b), "wazero-cache"))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache).WithCloseOnContextDone(true))
	compiled, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		b.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	s, err := unix.New(unix.Config{Args: []string{"httpserver", "127.0.0.1:0"}, Stdin: -1, Stdout: int(outW.Fd()), Stderr: 2, AllowSockets: true})
	outW.Close()
	if err != nil {
		b.Fatal(err)
	}
	stopWake := context.AfterFunc(ctx, s.Wake)
	if _, err := Instantiate(ctx, rt, s, compiled); err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		rt.InstantiateModule(ctx, compiled, wazero.NewModuleConfig())
		stopWake()
		rt.Close(context.Background())
		s.Close(context.Background())
		close(done)
	}()
	b.Cleanup(func() { cancel(); <-done })
	line, err := bufio.NewReader(outR).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		b.Fatalf("guest said %q (%v)", line, err)
	}
	return addr
}

func benchGET(b *testing.B, url string) {
	tr := &http.Transport{MaxIdleConnsPerHost: 1}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
