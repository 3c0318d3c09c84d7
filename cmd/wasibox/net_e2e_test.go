package main

// End-to-end tests of networking through the CLI: the Go network guests
// of testdata/guests/net (built by scripts/build-guests.sh) under
// `wasibox run --listen/--connect/--lookup`, talking to the test over
// loopback, and the guard's network grants seen from a real guest: every
// denial is EACCES in the guest, one "wasibox: denied" line on stderr, and
// nothing at all on a sentinel listener where the connection would have
// gone.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wasibox/wasibox/internal/testguest"
)

// netLimit bounds each wasibox run of these tests. It is longer than
// e2eLimit because the first run of each Go guest compiles it (megabytes of
// wasm; tens of seconds on a loaded machine). Exceeding it is a hang, not
// a performance failure.
const netLimit = 5 * time.Minute

// netCmd is wasiboxCmd with netLimit.
func netCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), netLimit)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, wasiboxBin(t), args...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"XDG_CACHE_HOME=" + filepath.Join(shared.dir, "cache"),
	}
	return cmd
}

// runNet runs wasibox to completion, as runWasibox, within netLimit.
func runNet(t *testing.T, args ...string) result {
	t.Helper()
	return wait(t, start(t, netCmd(t, args...)))
}

// Go's wasip1 syscall package spells EACCES "Permission denied"; the
// probes print the WASI errno itself, 2.

// netQuiet bounds how long a sentinel waits for something that must not
// come: what a guest sent before it exited is already queued in the
// kernel, so this only keeps a wrong result from going unseen. It is not
// a performance assertion.
const netQuiet = 300 * time.Millisecond

// netFreePort returns a loopback port of proto ("tcp" or "udp") that was
// free a moment ago: grants name a port before the guest binds it.
func netFreePort(t *testing.T, proto string) int {
	t.Helper()
	if proto == "udp" {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// hasIPv6Loopback reports whether ::1 can be bound here.
func hasIPv6Loopback() bool {
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// netSentinel listens on one port of every IPv4 address (0.0.0.0) and,
// where IPv6 works, of every IPv6 address ([::], IPv6-only), so that a
// denied connection or datagram that got through anyway is seen whatever
// loopback address it used.
type netSentinel struct {
	proto string
	port  int
	tcp   []*net.TCPListener
	udp   []*net.UDPConn
}

func newNetSentinel(t *testing.T, proto string) *netSentinel {
	t.Helper()
	for attempt := 0; attempt < 20; attempt++ {
		s := &netSentinel{proto: proto}
		if err := s.listen("0.0.0.0:0", "4"); err != nil {
			t.Fatal(err)
		}
		if hasIPv6Loopback() {
			if err := s.listen(net.JoinHostPort("::", strconv.Itoa(s.port)), "6"); err != nil {
				s.close() // the port is taken in IPv6: try another
				continue
			}
		}
		t.Cleanup(s.close)
		return s
	}
	t.Fatal("no port free in both IPv4 and IPv6")
	return nil
}

func (s *netSentinel) listen(addr, family string) error {
	if s.proto == "udp" {
		a, err := net.ResolveUDPAddr("udp"+family, addr)
		if err != nil {
			return err
		}
		c, err := net.ListenUDP("udp"+family, a)
		if err != nil {
			return err
		}
		s.udp = append(s.udp, c)
		s.port = c.LocalAddr().(*net.UDPAddr).Port
		return nil
	}
	a, err := net.ResolveTCPAddr("tcp"+family, addr)
	if err != nil {
		return err
	}
	l, err := net.ListenTCP("tcp"+family, a)
	if err != nil {
		return err
	}
	s.tcp = append(s.tcp, l)
	s.port = l.Addr().(*net.TCPAddr).Port
	return nil
}

func (s *netSentinel) close() {
	for _, l := range s.tcp {
		l.Close()
	}
	for _, c := range s.udp {
		c.Close()
	}
}

// received returns what reached the sentinel since the last call: the
// peer address of each connection accepted, or each datagram's text.
func (s *netSentinel) received(t *testing.T) []string {
	t.Helper()
	var got []string
	for _, l := range s.tcp {
		l.SetDeadline(time.Now().Add(netQuiet))
		for {
			c, err := l.Accept()
			if err != nil {
				break
			}
			got = append(got, "connection from "+c.RemoteAddr().String())
			c.Close()
		}
	}
	buf := make([]byte, 2048)
	for _, c := range s.udp {
		c.SetReadDeadline(time.Now().Add(netQuiet))
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				break
			}
			got = append(got, fmt.Sprintf("datagram %q from %v", buf[:n], from))
		}
	}
	return got
}

// netDenials returns the denial lines of a run's stderr.
func netDenials(stderr string) []string {
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "wasibox: denied ") {
			lines = append(lines, l)
		}
	}
	return lines
}

// wantDenial checks that r's stderr holds exactly one denial, of op on
// object, or none when op is "".
func wantDenial(t *testing.T, r result, op, object string) {
	t.Helper()
	got := netDenials(r.stderr)
	if op == "" {
		if len(got) != 0 {
			t.Errorf("denials %q, want none", got)
		}
		return
	}
	prefix := "wasibox: denied " + op + " " + object + " ("
	if len(got) != 1 || !strings.HasPrefix(got[0], prefix) {
		t.Errorf("denials %q, want exactly one starting %q (stderr %q)", got, prefix, r.stderr)
	}
}

// TestNetDenied runs the echo guest's raw probes (testdata/guests/net/echo,
// probe_wasip1.go), which hand the host exactly the address given, with
// neither guest/sock's nor Go's address handling in between. Each case
// either is denied (EACCES at the expected call, one denial line, nothing
// at the sentinel) or, as a control that the sentinel works, allowed.
func TestNetDenied(t *testing.T) {
	echo := testguest.Path(t, "echo")
	v6 := hasIPv6Loopback()
	unixDir, err := os.MkdirTemp("", "wbnet") // short: sun_path holds 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(unixDir)
	unixPath := filepath.Join(unixDir, "s")

	// In grants, probe arguments, outputs and objects, PORT is the
	// sentinel's port and OTHER another port, free but granted.
	tests := []struct {
		name   string
		proto  string   // the sentinel's
		grants []string // wasibox run flags
		probe  string   // op family addr port
		want   string   // the probe's output
		denied string   // "op object" of the one denial, "" when allowed
		reach  int      // what the sentinel must receive
		needV6 bool
	}{
		{name: "connect to an ungranted port", proto: "tcp",
			grants: []string{"--connect", "tcp://127.0.0.1:OTHER"},
			probe:  "connect inet 127.0.0.1 PORT", want: "sock_open 0\nsock_connect 2\n",
			denied: "sock_connect tcp://127.0.0.1:PORT"},
		{name: "connect to an ungranted address", proto: "tcp",
			grants: []string{"--connect", "tcp://127.0.0.1:PORT"},
			probe:  "connect inet 127.0.0.2 PORT", want: "sock_open 0\nsock_connect 2\n",
			denied: "sock_connect tcp://127.0.0.2:PORT"},
		{name: "connect to a granted address (control)", proto: "tcp",
			grants: []string{"--connect", "tcp://127.0.0.1:PORT"},
			probe:  "connect inet 127.0.0.1 PORT", want: "sock_open 0\nsock_connect 0\n", reach: 1},
		{name: "IPv4-mapped address when only ::1 is granted", proto: "tcp",
			grants: []string{"--connect", "tcp://[::1]:PORT"},
			probe:  "connect inet6 ::ffff:127.0.0.1 PORT", want: "sock_open 0\nsock_connect 2\n",
			denied: "sock_connect tcp://127.0.0.1:PORT"},
		{name: "IPv4-mapped address when 127.0.0.1 is granted (control)", proto: "tcp",
			grants: []string{"--connect", "tcp://127.0.0.1:PORT"},
			probe:  "connect inet6 ::ffff:127.0.0.1 PORT", want: "sock_open 0\nsock_connect 0\n", reach: 1},
		{name: "0.0.0.0 when only ::1 is granted", proto: "tcp",
			grants: []string{"--connect", "tcp://[::1]:PORT"},
			probe:  "connect inet 0.0.0.0 PORT", want: "sock_open 0\nsock_connect 2\n",
			denied: "sock_connect tcp://127.0.0.1:PORT"},
		{name: "0.0.0.0 when only 0.0.0.0 is granted", proto: "tcp",
			grants: []string{"--connect", "tcp://0.0.0.0:PORT"},
			probe:  "connect inet 0.0.0.0 PORT", want: "sock_open 0\nsock_connect 2\n",
			denied: "sock_connect tcp://127.0.0.1:PORT"},
		{name: "0.0.0.0 when 127.0.0.1 is granted (control)", proto: "tcp",
			grants: []string{"--connect", "tcp://127.0.0.1:PORT"},
			probe:  "connect inet 0.0.0.0 PORT", want: "sock_open 0\nsock_connect 0\n", reach: 1},
		{name: "::ffff:0.0.0.0 when only ::1 is granted", proto: "tcp",
			grants: []string{"--connect", "tcp://[::1]:PORT"},
			probe:  "connect inet6 ::ffff:0.0.0.0 PORT", want: "sock_open 0\nsock_connect 2\n",
			denied: "sock_connect tcp://127.0.0.1:PORT"},
		{name: ":: when only 127.0.0.1 is granted", proto: "tcp", needV6: true,
			grants: []string{"--connect", "tcp://127.0.0.1:PORT"},
			probe:  "connect inet6 :: PORT", want: "sock_open 0\nsock_connect 2\n",
			denied: "sock_connect tcp://[::1]:PORT"},
		{name: "bind outside the listen grants", proto: "tcp",
			// The sentinel holds the port: had the bind reached the
			// kernel, the errno would be EADDRINUSE (3), not EACCES.
			grants: []string{"--listen", "tcp://127.0.0.1:OTHER"},
			probe:  "listen inet 127.0.0.1 PORT", want: "sock_open 0\nsock_bind 2\n",
			denied: "sock_bind tcp://127.0.0.1:PORT"},
		{name: "bind 0.0.0.0 when only 127.0.0.1 is granted", proto: "tcp",
			grants: []string{"--listen", "tcp://127.0.0.1:OTHER"},
			probe:  "listen inet 0.0.0.0 OTHER", want: "sock_open 0\nsock_bind 2\n",
			denied: "sock_bind tcp://0.0.0.0:OTHER"},
		{name: "bind a granted address (control)", proto: "tcp",
			grants: []string{"--listen", "tcp://127.0.0.1:OTHER"},
			probe:  "listen inet 127.0.0.1 OTHER", want: "sock_open 0\nsock_bind 0\nsock_listen 0\n"},
		{name: "send_to an ungranted port", proto: "udp",
			grants: []string{"--connect", "udp://127.0.0.1:OTHER"},
			probe:  "sendto inet 127.0.0.1 PORT", want: "sock_open 0\nsock_send_to 2\n",
			denied: "sock_send_to udp://127.0.0.1:PORT"},
		{name: "send_to an IPv4-mapped address when only ::1 is granted", proto: "udp",
			grants: []string{"--connect", "udp://[::1]:PORT"},
			probe:  "sendto inet6 ::ffff:127.0.0.1 PORT", want: "sock_open 0\nsock_send_to 2\n",
			denied: "sock_send_to udp://127.0.0.1:PORT"},
		{name: "send_to a granted address (control)", proto: "udp",
			grants: []string{"--connect", "udp://127.0.0.1:PORT"},
			probe:  "sendto inet 127.0.0.1 PORT", want: "sock_open 0\nsock_send_to 0\n", reach: 1},
		{name: "datagram socket when only tcp is granted", proto: "udp",
			grants: []string{"--connect", "tcp://127.0.0.1:PORT"},
			probe:  "sendto inet 127.0.0.1 PORT", want: "sock_open 2\n",
			denied: "sock_open udp/inet"},
		{name: "unix-domain socket", proto: "tcp",
			grants: []string{"--connect", "tcp://127.0.0.1:PORT"},
			probe:  "open unix 0.0.0.0 0", want: "sock_open 2\n",
			denied: "sock_open tcp/unix"},
		{name: "unix-domain address on an inet socket", proto: "tcp",
			grants: []string{"--connect", "tcp://127.0.0.1:PORT"},
			probe:  "connect inet unix:" + unixPath + " 0", want: "sock_open 0\nsock_connect 2\n",
			denied: "sock_connect unix:" + unixPath},
		{name: "no network grant", proto: "tcp",
			probe: "open inet 0.0.0.0 0", want: "sock_open 2\n",
			denied: "sock_open tcp/inet"},
	}
	// A unix-domain listener where the unix-domain probes point.
	ul, err := net.ListenUnix("unix", &net.UnixAddr{Name: unixPath, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ul.Close()

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needV6 && !v6 {
				t.Skip("no IPv6 loopback")
			}
			s := newNetSentinel(t, tt.proto)
			other := strconv.Itoa(netFreePort(t, tt.proto))
			subst := strings.NewReplacer("PORT", strconv.Itoa(s.port), "OTHER", other)
			args := []string{"run"}
			for _, g := range tt.grants {
				args = append(args, subst.Replace(g))
			}
			args = append(args, echo, "probe")
			args = append(args, strings.Fields(subst.Replace(tt.probe))...)
			r := runNet(t, args...)
			if r.code != 0 || r.stdout != subst.Replace(tt.want) {
				t.Errorf("exit %d, stdout %q; want 0, %q (stderr %q)", r.code, r.stdout, subst.Replace(tt.want), r.stderr)
			}
			if tt.denied == "" {
				wantDenial(t, r, "", "")
			} else {
				op, object, _ := strings.Cut(subst.Replace(tt.denied), " ")
				wantDenial(t, r, op, object)
			}
			if got := s.received(t); len(got) != tt.reach {
				t.Errorf("the sentinel received %q, want %d", got, tt.reach)
			}
			ul.SetDeadline(time.Now().Add(netQuiet))
			if c, err := ul.Accept(); err == nil {
				c.Close()
				t.Errorf("the unix-domain sentinel accepted a connection")
			}
		})
	}
}

// httpPattern is byte i of the httpserver guest's /bytes body.
func httpPattern(i int) byte { return byte(i * 7 % 251) }

// TestNetHTTPServer runs the Go net/http guest under
// `wasibox run --listen tcp://127.0.0.1:PORT`, sends it real requests
// (several on one keep-alive connection, large bodies both ways, many
// clients at once), then stops it with SIGTERM.
func TestNetHTTPServer(t *testing.T) {
	port := netFreePort(t, "tcp")
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := netCmd(t, "run", "--listen", "tcp://"+addr, testguest.Path(t, "httpserver"), addr)
	s := start(t, cmd)
	s.waitOutput(t, "listening "+addr+"\n")
	base := "http://" + addr

	t.Run("keep-alive", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(netLimit))
		br := bufio.NewReader(c)
		for i := range 20 {
			path := "/hello"
			want := "hello from wasip1\n"
			if i%2 == 1 {
				// The server sees the connection's own address: the same
				// connection served every request.
				path, want = "/remote", c.LocalAddr().String()
			}
			fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, addr)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || string(body) != want || resp.Close {
				t.Fatalf("request %d %s: %d %q (close %v, %v); want 200 %q on a kept connection",
					i, path, resp.StatusCode, body, resp.Close, err, want)
			}
		}
	})

	t.Run("large response", func(t *testing.T) {
		const n = 16<<20 + 3
		resp, err := http.Get(base + "/bytes?n=" + strconv.Itoa(n))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || len(body) != n {
			t.Fatalf("%d bytes, %v; want %d", len(body), err, n)
		}
		for i, b := range body {
			if b != httpPattern(i) {
				t.Fatalf("byte %d is %d, want %d", i, b, httpPattern(i))
			}
		}
	})

	t.Run("large request", func(t *testing.T) {
		data := make([]byte, 8<<20+1)
		rand.Read(data)
		resp, err := http.Post(base+"/echo", "application/octet-stream", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		sum := sha256.Sum256(data)
		if err != nil || !bytes.Equal(body, data) || resp.Header.Get("X-Sha256") != hex.EncodeToString(sum[:]) {
			t.Fatalf("echo of %d bytes: got %d bytes (equal %v), X-Sha256 %q, %v",
				len(data), len(body), bytes.Equal(body, data), resp.Header.Get("X-Sha256"), err)
		}
	})

	t.Run("concurrent clients", func(t *testing.T) {
		const clients, each = 16, 8
		var conns atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		for c := range clients {
			wg.Go(func() {
				// One transport per client: its own keep-alive connection.
				tr := &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
					conns.Add(1)
					var d net.Dialer
					return d.DialContext(ctx, network, a)
				}}
				defer tr.CloseIdleConnections()
				client := &http.Client{Transport: tr, Timeout: netLimit}
				for i := range each {
					data := bytes.Repeat([]byte{byte(c), byte(i)}, 1000*(c+1)+i)
					resp, err := client.Post(base+"/echo", "application/octet-stream", bytes.NewReader(data))
					if err != nil {
						errs <- err
						return
					}
					body, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || !bytes.Equal(body, data) {
						errs <- fmt.Errorf("client %d request %d: %d bytes back of %d (%v)", c, i, len(body), len(data), err)
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := conns.Load(); n != clients {
			t.Errorf("%d connections for %d keep-alive clients", n, clients)
		}
	})

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := wait(t, s)
	if r.code != 143 {
		t.Errorf("exit %d after SIGTERM, want 143 (stderr %q)", r.code, r.stderr)
	}
	wantDenial(t, r, "", "")
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Errorf("%s still accepts connections after wasibox exited", addr)
	}
}

// TestNetHTTPServerListenDenied runs the HTTP guest on a port the
// --listen grant does not name.
func TestNetHTTPServerListenDenied(t *testing.T) {
	granted, asked := netFreePort(t, "tcp"), netFreePort(t, "tcp")
	addr := "127.0.0.1:" + strconv.Itoa(asked)
	r := runNet(t, "run", "--listen", "tcp://127.0.0.1:"+strconv.Itoa(granted), testguest.Path(t, "httpserver"), addr)
	if r.code != 1 || !strings.Contains(r.stderr, "bind: Permission denied") {
		t.Errorf("exit %d, stderr %q; want 1 and the guest's bind EACCES", r.code, r.stderr)
	}
	wantDenial(t, r, "sock_bind", "tcp://"+addr)
}

// TestNetHTTPClient runs the Go HTTP client guest against an httptest
// server: by address, by name (getaddrinfo pinned to the name's
// addresses), and where the grants do not reach.
func TestNetHTTPClient(t *testing.T) {
	body := make([]byte, 1<<20+7)
	rand.Read(body)
	sum := sha256.Sum256(body)
	var conns, requests atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Write(body)
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	port := strconv.Itoa(srv.Listener.Addr().(*net.TCPAddr).Port)
	other := strconv.Itoa(netFreePort(t, "tcp"))
	client := testguest.Path(t, "httpclient")
	line := fmt.Sprintf("status 200 bytes %d sha256 %s\n", len(body), hex.EncodeToString(sum[:]))

	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   string // whole, or a prefix when the run fails
		denied   string // "op object"
		requests int64
		conns    int64
	}{
		{name: "by address, keep-alive",
			args: []string{"--connect", "tcp://127.0.0.1:" + port, client, "http://127.0.0.1:" + port + "/data", "3"},
			code: 0, stdout: strings.Repeat(line, 3), requests: 3, conns: 1},
		{name: "by name, resolved and pinned",
			args: []string{"--lookup", "localhost", "--connect", "tcp://localhost:" + port, client, "http://localhost:" + port + "/data"},
			code: 0, stdout: line, requests: 1, conns: 1},
		{name: "ungranted port",
			args: []string{"--connect", "tcp://127.0.0.1:" + other, client, "http://127.0.0.1:" + port + "/data"},
			code: 1, stdout: "error Get \"http://127.0.0.1:" + port + "/data\": dial tcp 127.0.0.1:" + port + ": connect: Permission denied",
			denied: "sock_connect tcp://127.0.0.1:" + port},
		{name: "name granted for connect but not for lookup",
			args: []string{"--connect", "tcp://localhost:" + port, client, "http://localhost:" + port + "/data"},
			code: 1, stdout: "error Get \"http://localhost:" + port + "/data\": dial tcp localhost:" + port + ": lookup localhost: lookup not permitted by the host",
			denied: "sock_getaddrinfo localhost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			requests.Store(0)
			conns.Store(0)
			r := runNet(t, append([]string{"run"}, tt.args...)...)
			ok := r.stdout == tt.stdout
			if tt.code != 0 {
				ok = strings.HasPrefix(r.stdout, tt.stdout)
			}
			if r.code != tt.code || !ok {
				t.Errorf("exit %d, stdout %q; want %d, %q (stderr %q)", r.code, r.stdout, tt.code, tt.stdout, r.stderr)
			}
			op, object, _ := strings.Cut(tt.denied, " ")
			wantDenial(t, r, op, object)
			if requests.Load() != tt.requests || conns.Load() != tt.conns {
				t.Errorf("the server saw %d requests on %d connections, want %d on %d",
					requests.Load(), conns.Load(), tt.requests, tt.conns)
			}
		})
	}
}

// TestNetUDPEcho runs the UDP echo guest as a server (a datagram from the
// test and one from the guest client, also under wasibox) and checks that
// its replies go through send_to's grant.
func TestNetUDPEcho(t *testing.T) {
	udpecho := testguest.Path(t, "udpecho")
	port := netFreePort(t, "udp")
	addr := "127.0.0.1:" + strconv.Itoa(port)
	// The server replies with send_to: to the clients' (ephemeral) ports,
	// which it needs a grant for.
	cmd := netCmd(t, "run", "--listen", "udp://"+addr, "--connect", "udp://127.0.0.1:*", udpecho, "server", addr)
	s := start(t, cmd)
	s.waitOutput(t, "listening "+addr+"\n")

	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	exchange := func(msg string) string {
		t.Helper()
		c.SetDeadline(time.Now().Add(netLimit))
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1024)
		n, err := c.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		return string(buf[:n])
	}
	if got := exchange("hello"); got != "hello" {
		t.Errorf("reply %q, want %q", got, "hello")
	}

	r := runNet(t, "run", "--connect", "udp://"+addr, udpecho, "client", addr, "from-guest")
	if want := "reply from-guest from " + addr + "\n"; r.code != 0 || r.stdout != want {
		t.Errorf("guest client: exit %d, stdout %q; want 0, %q (stderr %q)", r.code, r.stdout, want, r.stderr)
	}
	wantDenial(t, r, "", "")

	if got := exchange("quit"); got != "quit" {
		t.Errorf("reply %q, want %q", got, "quit")
	}
	r = wait(t, s)
	if r.code != 0 || !strings.Contains(r.stdout, "quit from 127.0.0.1:") {
		t.Errorf("server: exit %d, stdout %q; want 0 and the quit line (stderr %q)", r.code, r.stdout, r.stderr)
	}
	wantDenial(t, r, "", "")
}

// TestNetUDPReplyDenied runs the UDP echo server without a grant to reply:
// its send_to is denied and the client gets nothing back.
func TestNetUDPReplyDenied(t *testing.T) {
	port := netFreePort(t, "udp")
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := netCmd(t, "run", "--listen", "udp://"+addr, testguest.Path(t, "udpecho"), "server", addr)
	s := start(t, cmd)
	s.waitOutput(t, "listening "+addr+"\n")

	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ua, err := net.ResolveUDPAddr("udp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WriteTo([]byte("hello"), ua); err != nil {
		t.Fatal(err)
	}
	r := wait(t, s) // the guest exits on its failed reply
	from := c.LocalAddr().String()
	if r.code != 1 || !strings.Contains(r.stdout, ": Permission denied") {
		t.Errorf("exit %d, stdout %q; want 1 and the guest's EACCES", r.code, r.stdout)
	}
	wantDenial(t, r, "sock_send_to", "udp://"+from)
	c.SetReadDeadline(time.Now().Add(netQuiet))
	if n, _, err := c.ReadFrom(make([]byte, 64)); err == nil {
		t.Errorf("the client received a %d-byte reply", n)
	}
}

// TestNetLookup resolves names through sock_getaddrinfo: a granted one
// and a denied one (which never reaches the resolver).
func TestNetLookup(t *testing.T) {
	udpecho := testguest.Path(t, "udpecho")
	r := runNet(t, "run", "--lookup", "localhost", udpecho, "lookup", "localhost")
	if r.code != 0 || !strings.Contains("\n"+r.stdout, "\n127.0.0.1\n") {
		t.Errorf("lookup localhost: exit %d, stdout %q; want 0 and 127.0.0.1 (stderr %q)", r.code, r.stdout, r.stderr)
	}
	wantDenial(t, r, "", "")

	r = runNet(t, "run", "--lookup", "localhost", udpecho, "lookup", "denied.example")
	if want := "error lookup denied.example: lookup not permitted by the host\n"; r.code != 1 || r.stdout != want {
		t.Errorf("lookup denied.example: exit %d, stdout %q; want 1, %q", r.code, r.stdout, want)
	}
	wantDenial(t, r, "sock_getaddrinfo", "denied.example")
}
