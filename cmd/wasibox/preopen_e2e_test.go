package main

// Preopened listeners (--tcplisten, net.preopen): the host listens, the
// guest gets the socket as a descriptor after its folders and serves it
// with preview 1's sock_accept, as under wasmtime --tcplisten or wazero's
// sock.WithTCPListener. The guest is testdata/guests/net/httpserver in its
// fd:N mode (plain Go wasip1: net.FileListener, no WasmEdge import used).

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/wasibox/wasibox/internal/testguest"
)

// listeningLine is what `wasibox run` prints for a preopened socket whose
// port the kernel picked.
var listeningLine = regexp.MustCompile(`wasibox: listening on tcp://(\S+) \(guest fd (\d+)\)`)

// waitListening waits for the listening line of a port-0 preopen and
// returns the address and guest descriptor it names.
func (s *started) waitListening(t *testing.T) (addr string, fd int) {
	t.Helper()
	s.waitOutput(t, "listening fd:")
	m := listeningLine.FindStringSubmatch(s.stderr.String())
	if m == nil {
		t.Fatalf("no listening line on stderr: %q", s.stderr.String())
	}
	fd, _ = strconv.Atoi(m[2])
	return m[1], fd
}

func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %q %v", url, resp.StatusCode, b, err)
	}
	return string(b)
}

func TestPreopenedListener(t *testing.T) {
	guest := testguest.Path(t, "httpserver")
	t.Run("tcplisten", func(t *testing.T) {
		// No network grant at all: the preopened socket is the grant.
		cmd := netCmd(t, "run", "--tcplisten", "127.0.0.1:0", guest, "fd:3")
		s := start(t, cmd)
		addr, fd := s.waitListening(t)
		if fd != 3 {
			t.Errorf("guest fd %d, want 3 (no folders)", fd)
		}
		if got := getBody(t, "http://"+addr+"/hello"); got != "hello from wasip1\n" {
			t.Errorf("GET /hello: %q", got)
		}
		// Concurrent keep-alive clients are served by the one-threaded
		// guest: the listener is used non-blocking as Go's netpoller asks.
		errs := make(chan error, 8)
		for range 8 {
			go func() {
				for range 5 {
					resp, err := http.Get("http://" + addr + "/bytes?n=100000")
					if err != nil {
						errs <- err
						return
					}
					b, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err == nil && len(b) != 100000 {
						err = io.ErrUnexpectedEOF
					}
					if err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range 8 {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
		if got := getBody(t, "http://"+addr+"/quit"); got != "bye\n" {
			t.Errorf("GET /quit: %q", got)
		}
		r := wait(t, s)
		if r.code != 0 || !strings.Contains(r.stdout, "shut down") {
			t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("after folders, from a manifest", func(t *testing.T) {
		dir := t.TempDir()
		os.Mkdir(filepath.Join(dir, "data"), 0o755)
		manifest := filepath.Join(dir, "m.yaml")
		os.WriteFile(manifest, []byte("version: 1\nfs:\n  mounts:\n    - {host: ./data, guest: /data}\nnet:\n  preopen: [\"tcp://localhost:0\"]\n"), 0o644)
		cmd := netCmd(t, "run", "-c", manifest, guest, "fd:4")
		s := start(t, cmd)
		addr, fd := s.waitListening(t)
		if fd != 4 {
			t.Errorf("guest fd %d, want 4 (after the one folder)", fd)
		}
		if got := getBody(t, "http://"+addr+"/hello"); got != "hello from wasip1\n" {
			t.Errorf("GET /hello: %q", got)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		if r := wait(t, s); r.code != 143 {
			t.Errorf("exit %d after SIGTERM, want 143 (stderr %q)", r.code, r.stderr)
		}
	})

	t.Run("widening a manifest", func(t *testing.T) {
		manifest := filepath.Join(t.TempDir(), "m.yaml")
		os.WriteFile(manifest, []byte("version: 1\n"), 0o644)
		r := runNet(t, "run", "-c", manifest, "--tcplisten", "127.0.0.1:0", guest, "fd:3")
		if r.code != 2 || !strings.Contains(r.stderr, "--tcplisten would widen") {
			t.Errorf("exit %d, stderr %q; want 2 and a refusal", r.code, r.stderr)
		}
	})

	t.Run("address in use", func(t *testing.T) {
		port := netFreePort(t, "tcp")
		first := start(t, netCmd(t, "run", "--tcplisten", "127.0.0.1:"+strconv.Itoa(port), guest, "fd:3"))
		first.waitOutput(t, "listening fd:3")
		r := runNet(t, "run", "--tcplisten", "127.0.0.1:"+strconv.Itoa(port), guest, "fd:3")
		if r.code != 125 || !strings.Contains(r.stderr, "address already in use") {
			t.Errorf("exit %d, stderr %q; want 125 naming the taken address", r.code, r.stderr)
		}
		first.cmd.Process.Signal(syscall.SIGTERM)
		wait(t, first)
	})

	t.Run("bad flag", func(t *testing.T) {
		for _, bad := range []string{"127.0.0.1", "example.com:80", "10.0.0.0/8:80", "udp://127.0.0.1:53", "127.0.0.1:*"} {
			r := runNet(t, "run", "--tcplisten", bad, guest, "fd:3")
			if r.code != 2 {
				t.Errorf("--tcplisten %s: exit %d, want 2 (stderr %q)", bad, r.code, r.stderr)
			}
		}
	})
}
