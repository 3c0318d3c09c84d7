package compat

// The socket cases of wazero's wasi_stdlib_test.go: a listening TCP socket
// preopened by the host (wazero's sock.Config.WithTCPListener; wasibox's
// net.preopen and --tcplisten) is the guest's fd 3, and the test connects
// to it.

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Test_Sock is wazero's Test_Sock: the program accepts one connection on
// fd 3, reads what the test writes and prints it. wazero sleeps half a
// second before dialling so that the guest is in accept; the socket is
// listening before the guest starts, so the connection waits in the
// backlog and no delay is needed.
func Test_Sock(t *testing.T) {
	wazeroDir(t)
	for _, tc := range wasiToolchains("cargo-wasi", "zig-cc", "go") {
		t.Run(tc.name, func(t *testing.T) {
			rn := start(t, spec{
				wasm:    tc.wasm(t),
				args:    []string{"wasi", "sock"},
				listen:  []string{"tcp://127.0.0.1:0"},
				console: true,
			})
			conn, err := net.DialTimeout("tcp", rn.listenAddr(t).String(), runLimit)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if n, err := conn.Write([]byte("wazero")); err != nil || n == 0 {
				t.Fatalf("write: %d, %v", n, err)
			}
			r := rn.wait(t)
			r.mustSucceed(t)
			// wazero ignores what precedes (a non-blocking accept may log
			// errors); wasibox's accept blocks, so nothing may.
			expect(t, "console", r.stdout, "wazero\n", nil)
		})
	}
}

// Test_HTTP is wazero's Test_HTTP: the Go program makes fd 3 non-blocking,
// serves HTTP on it with net/http, echoes the body of one request and
// returns. The request is sent once the guest has found accept would
// block (wasibox's trace shows it), so the connection must wake the guest
// from its poll_oneoff.
func Test_HTTP(t *testing.T) {
	wazeroDir(t)
	watch := newLineWatch("sock_accept(fd=3, flags=0) => EAGAIN")
	rn := start(t, spec{
		wasm:    goGuest(t),
		args:    []string{"wasi", "http"},
		listen:  []string{"tcp://127.0.0.1:0"},
		console: true,
		trace:   watch,
	})
	addr := rn.listenAddr(t)
	select {
	case <-watch.seen:
	case <-rn.ended:
		r := rn.wait(t)
		t.Fatalf("the guest ended before accepting: exit %d, %v\n%s\ntrace:\n%s", r.code, r.err, r.stdout, watch)
	case <-time.After(runLimit):
		t.Fatalf("the guest did not try to accept; trace:\n%s", watch)
	}
	ctx, cancel := context.WithTimeout(context.Background(), runLimit)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr.String(), strings.NewReader("wazero"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r := rn.wait(t)
		t.Fatalf("%v\nguest: exit %d, err %v\n%s", err, r.code, r.err, r.stdout)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d", resp.StatusCode)
	}
	expect(t, "body", string(body), "wazero\n", nil)
	r := rn.wait(t)
	r.mustSucceed(t)
	expect(t, "console", r.stdout, "", nil)
}

// listeningLine is what `wasibox run` prints for a port the kernel chose.
var listeningLine = regexp.MustCompile(`^wasibox: listening on tcp://(\S+) \(guest fd 3\)$`)

// Test_SockCLI runs cargo-wasi's "sock" through the wasibox binary, as
// wasmtime's `--tcplisten` is used: `wasibox run --tcplisten
// 127.0.0.1:0`, which says the port it bound on stderr.
func Test_SockCLI(t *testing.T) {
	wazeroDir(t)
	bin := wasiboxCLI(t)
	ctx, cancel := context.WithTimeout(context.Background(), runLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "run", "--tcplisten", "127.0.0.1:0",
		wazeroPath(t, "imports/wasi_snapshot_preview1/testdata/cargo-wasi/wasi.wasm"), "sock")
	cmd.Dir = t.TempDir()
	cmd.Env = []string{"XDG_CACHE_HOME=" + filepath.Join(shared.dir, "cache")}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	if !sc.Scan() {
		cmd.Wait()
		t.Fatalf("no line on stderr (%v); exit %d", sc.Err(), cmd.ProcessState.ExitCode())
	}
	m := listeningLine.FindStringSubmatch(sc.Text())
	if m == nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("stderr %q, want %q", sc.Text(), listeningLine)
	}
	conn, err := net.DialTimeout("tcp", m[1], time.Until(deadline(ctx)))
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("wazero")); err != nil {
		t.Fatal(err)
	}
	var rest strings.Builder
	for sc.Scan() { // until wasibox exits
		rest.WriteString(sc.Text() + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v\nstderr:\n%s", err, rest.String())
	}
	expect(t, "stdout", stdout.String(), "wazero\n", nil)
	expect(t, "stderr after the listening line", rest.String(), "", nil)
}

func deadline(ctx context.Context) time.Time {
	d, _ := ctx.Deadline()
	return d
}
