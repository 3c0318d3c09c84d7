package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The end-to-end tests of this package (here and in e2e*_test.go) share
// one wasibox binary, built on first use by wasiboxBin, and one folder of
// guests compiled from testdata/*.wat by watGuest. TestMain removes both.
var shared struct {
	dir string // removed by TestMain

	binOnce sync.Once
	bin     string
	binErr  error

	mu    sync.Mutex
	built map[string]string // .wat name -> .wasm path
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wasibox-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// wasiboxBin returns the path of a wasibox binary built from this package.
func wasiboxBin(t testing.TB) string {
	t.Helper()
	shared.binOnce.Do(func() {
		bin := filepath.Join(shared.dir, "wasibox")
		cmd := exec.Command("go", "build", "-o", bin, ".")
		// CGO_ENABLED=0 as in the README: only a cgo-free binary can apply
		// the Landlock backstop to every thread.
		cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=", "GOFLAGS=", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			shared.binErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		shared.bin = bin
	})
	if shared.binErr != nil {
		t.Fatal(shared.binErr)
	}
	return shared.bin
}

// watGuest compiles testdata/<name>.wat with wat2wasm (with function names,
// so stack traces can be checked) and returns the .wasm path.
func watGuest(t testing.TB, name string) string {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if p, ok := shared.built[name]; ok {
		return p
	}
	wat2wasm, err := exec.LookPath("wat2wasm")
	if err != nil {
		t.Fatalf("wat2wasm (apt-get install wabt) is needed to build test guests: %v", err)
	}
	out := filepath.Join(shared.dir, name+".wasm")
	if b, err := exec.Command(wat2wasm, "--debug-names", "-o", out, filepath.Join("testdata", name+".wat")).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm %s: %v\n%s", name, err, b)
	}
	if shared.built == nil {
		shared.built = map[string]string{}
	}
	shared.built[name] = out
	return out
}

// e2eLimit bounds every end-to-end run: a hang fails the test instead of
// the whole test binary. It is not a performance assertion.
const e2eLimit = 60 * time.Second

// result is the outcome of one wasibox process.
type result struct {
	code           int
	stdout, stderr string
}

// wasiboxCmd prepares a wasibox process with a small, known environment and
// a private compilation cache.
func wasiboxCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	bin := wasiboxBin(t) // built before the deadline starts: a cold build can take a minute
	ctx, cancel := context.WithTimeout(context.Background(), e2eLimit)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"XDG_CACHE_HOME=" + filepath.Join(shared.dir, "cache"),
	}
	return cmd
}

// runWasibox runs wasibox to completion with stdin from /dev/null.
func runWasibox(t *testing.T, args ...string) result {
	t.Helper()
	return wait(t, start(t, wasiboxCmd(t, args...)))
}

type started struct {
	cmd            *exec.Cmd
	stdout, stderr *syncBuffer
	done           chan struct{} // closed when the process has exited
	err            error         // from cmd.Wait, once done
}

func start(t *testing.T, cmd *exec.Cmd) *started {
	t.Helper()
	s := &started{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.stdout, s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	return s
}

func wait(t *testing.T, s *started) result {
	t.Helper()
	<-s.done
	r := result{code: s.cmd.ProcessState.ExitCode(), stdout: s.stdout.String(), stderr: s.stderr.String()}
	var ee *exec.ExitError
	if s.err != nil && !errors.As(s.err, &ee) {
		t.Fatalf("wasibox %q: %v (stderr %q)", s.cmd.Args[1:], s.err, r.stderr)
	}
	if r.code < 0 {
		t.Fatalf("wasibox %q: %v, not an exit (stderr %q)", s.cmd.Args[1:], s.cmd.ProcessState, r.stderr)
	}
	return r
}

// waitOutput waits until the process has written want on stdout (a guest
// announcing it is about to block). It fails if the process exits first.
func (s *started) waitOutput(t *testing.T, want string) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !strings.Contains(s.stdout.String(), want) {
		select {
		case <-s.done:
			if strings.Contains(s.stdout.String(), want) {
				return
			}
			t.Fatalf("wasibox exited (%v) before writing %q; stdout %q, stderr %q",
				s.cmd.ProcessState, want, s.stdout.String(), s.stderr.String())
		case <-tick.C:
		}
	}
}

// syncBuffer is a bytes.Buffer written by exec's copying goroutine and read
// by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// runInProcess runs the CLI in this process (for paths that never start a
// guest) and returns its status and output.
func runInProcess(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &cliEnv{stdout: &stdout, stderr: &stderr, exit: func(int) { t.Error("unexpected immediate exit") }}
	code := e.main(t.Context(), args)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}
