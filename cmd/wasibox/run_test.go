package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// End-to-end tests: the real binary running WAT guests through hostabi and
// unix. They assert outcomes and exit codes, never durations.

func TestRunExitCodes(t *testing.T) {
	missingDir := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		name       string
		args       []string // {"guest:NAME"} is replaced by the compiled testdata/NAME.wat
		want       int
		wantStdout string
		wantStderr string // substring; "" = stderr must be empty
	}{
		{name: "exit 0", args: []string{"guest:exit", "0"}, want: 0},
		{name: "exit 3", args: []string{"guest:exit", "3"}, want: 3},
		{name: "exit 255", args: []string{"guest:exit", "255"}, want: 255},
		{name: "exit 300 becomes 1", args: []string{"guest:exit", "300"}, want: 1, wantStderr: "guest exit code 300 is out of range 0-255"},
		{name: "return from _start", args: []string{"guest:hello"}, want: 0, wantStdout: "hello\n"},
		{name: "reactor _initialize", args: []string{"guest:reactor"}, want: 0, wantStdout: "init\n"},
		{name: "trap", args: []string{"guest:trap"}, want: exitTrap, wantStderr: "wasm stack trace:"},
		{name: "link error", args: []string{"guest:badimport"}, want: exitFailed, wantStderr: "wasibox: instantiate"},
		{name: "module not found", args: []string{filepath.Join(t.TempDir(), "nope.wasm")}, want: exitFailed, wantStderr: "no such file or directory"},
		{name: "not a module", args: []string{"testdata/exit.wat"}, want: exitFailed, wantStderr: "wasibox: compile"},
		{name: "missing --dir host", args: []string{"--dir", missingDir + ":/data", "guest:exit"}, want: exitFailed, wantStderr: "no such file or directory"},
		{name: "usage error", args: []string{"--timeout", "x", "guest:exit"}, want: exitUsage, wantStderr: "usage: wasibox run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"run"}, tt.args...)
			for i, a := range args {
				if name, ok := strings.CutPrefix(a, "guest:"); ok {
					args[i] = watGuest(t, name)
				}
			}
			r := runWasibox(t, args...)
			if r.code != tt.want {
				t.Errorf("exit code %d, want %d (stderr %q)", r.code, tt.want, r.stderr)
			}
			if r.stdout != tt.wantStdout {
				t.Errorf("stdout %q, want %q", r.stdout, tt.wantStdout)
			}
			if tt.wantStderr == "" && r.stderr != "" {
				t.Errorf("stderr %q, want none", r.stderr)
			}
			if !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("stderr %q, want it to contain %q", r.stderr, tt.wantStderr)
			}
		})
	}
}

func TestRunTrapStackTrace(t *testing.T) {
	r := runWasibox(t, "run", watGuest(t, "trap"))
	if r.code != exitTrap {
		t.Fatalf("exit code %d, want %d (stderr %q)", r.code, exitTrap, r.stderr)
	}
	// The trace names the frames, innermost first.
	in, out := strings.Index(r.stderr, "inner"), strings.Index(r.stderr, "outer")
	if !strings.HasPrefix(r.stderr, "wasibox: trap: wasm error: unreachable") || in < 0 || out < in {
		t.Fatalf("stderr %q, want the trap and a stack trace with inner then outer", r.stderr)
	}
}

func TestRunLinkErrorIsOneLine(t *testing.T) {
	r := runWasibox(t, "run", watGuest(t, "badimport"))
	if r.code != exitFailed || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "wasibox: ") {
		t.Fatalf("exit %d, stderr %q; want 125 and one line prefixed wasibox:", r.code, r.stderr)
	}
}

func TestRunTimeoutInPoll(t *testing.T) {
	r := runWasibox(t, "run", "--timeout", "1s", watGuest(t, "sleep"))
	if r.code != exitTimeout || r.stdout != "sleeping\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 124 after the guest reached poll_oneoff", r.code, r.stdout, r.stderr)
	}
}

func TestRunTimeoutInStdinRead(t *testing.T) {
	cmd := wasiboxCmd(t, "run", "--timeout", "1s", watGuest(t, "stdin"))
	w := pipeStdin(t, cmd) // kept open: the read never completes by itself
	r := wait(t, start(t, cmd))
	w.Close()
	if r.code != exitTimeout || r.stdout != "reading\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 124 after the guest reached fd_read", r.code, r.stdout, r.stderr)
	}
}

// TestRunStdinRead is the control for the timeout test: the same guest
// completes once stdin has data.
func TestRunStdinRead(t *testing.T) {
	cmd := wasiboxCmd(t, "run", "--timeout", "50s", watGuest(t, "stdin"))
	w := pipeStdin(t, cmd)
	s := start(t, cmd)
	s.waitOutput(t, "reading\n")
	if _, err := w.WriteString("x"); err != nil {
		t.Fatal(err)
	}
	r := wait(t, s)
	w.Close()
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q; want 0 (fd_read succeeded)", r.code, r.stderr)
	}
}

func TestRunSignalWhileBlocked(t *testing.T) {
	tests := []struct {
		name  string
		guest string
		ready string
		sig   syscall.Signal
		want  int
	}{
		{name: "SIGINT in poll_oneoff", guest: "sleep", ready: "sleeping\n", sig: syscall.SIGINT, want: 130},
		{name: "SIGTERM in poll_oneoff", guest: "sleep", ready: "sleeping\n", sig: syscall.SIGTERM, want: 143},
		{name: "SIGINT in fd_read on stdin", guest: "stdin", ready: "reading\n", sig: syscall.SIGINT, want: 130},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := wasiboxCmd(t, "run", watGuest(t, tt.guest))
			w := pipeStdin(t, cmd)
			s := start(t, cmd)
			s.waitOutput(t, tt.ready)
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			r := wait(t, s)
			w.Close()
			if r.code != tt.want {
				t.Fatalf("exit %d, stderr %q; want %d", r.code, r.stderr, tt.want)
			}
		})
	}
}

func TestRunNoCapabilityByDefault(t *testing.T) {
	dir := t.TempDir()
	const ebadf, esuccess = 8, 0
	tests := []struct {
		name string
		args []string
		want int
	}{
		{name: "no --dir, no preopen", args: []string{"guest:prestat"}, want: ebadf},
		{name: "--dir gives fd 3", args: []string{"--dir", dir + ":/data", "guest:prestat"}, want: esuccess},
		{name: "--dir on / read-only", args: []string{"--dir", dir + ":/:ro", "guest:prestat"}, want: esuccess},
		// wasiboxCmd's environment has PATH and HOME; none reaches the guest.
		{name: "no environment", args: []string{"guest:environ"}, want: 0},
		{name: "--env and --env-inherit", args: []string{"--env", "A=1", "--env-inherit", "HOME", "--env-inherit", "NOT_SET", "guest:environ"}, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"run"}, tt.args...)
			name, _ := strings.CutPrefix(args[len(args)-1], "guest:")
			args[len(args)-1] = watGuest(t, name)
			if r := runWasibox(t, args...); r.code != tt.want {
				t.Fatalf("exit %d, want %d (stderr %q)", r.code, tt.want, r.stderr)
			}
		})
	}
}

func TestRunCompilationCache(t *testing.T) {
	for _, noCache := range []bool{false, true} {
		cacheHome := t.TempDir()
		args := []string{"run", watGuest(t, "hello")}
		if noCache {
			args = []string{"run", "--no-cache", watGuest(t, "hello")}
		}
		cmd := wasiboxCmd(t, args...)
		cmd.Env = append(cmd.Env, "XDG_CACHE_HOME="+cacheHome) // the last one wins
		if r := wait(t, start(t, cmd)); r.code != 0 {
			t.Fatalf("%q: exit %d, stderr %q", args, r.code, r.stderr)
		}
		dir := filepath.Join(cacheHome, "wasibox")
		_, err := os.Lstat(dir)
		if noCache {
			if err == nil {
				t.Errorf("--no-cache created %s", dir)
			}
			continue
		}
		assertMode(t, dir, 0o700)
		entries, _ := filepath.Glob(filepath.Join(dir, "wazero-*", "*"))
		if len(entries) == 0 {
			t.Errorf("no compiled module cached under %s", dir)
		}
	}
}

// pipeStdin gives cmd a pipe as stdin and returns its write end, which the
// caller closes.
func pipeStdin(t *testing.T, cmd *exec.Cmd) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	cmd.Stdin = r // an *os.File becomes the child's fd 0 as is
	return w
}
