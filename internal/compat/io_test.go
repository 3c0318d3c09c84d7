package compat

// The cases of wazero's wasi_stdlib_test.go and wasi_stdlib_unix_test.go
// about waiting: poll on stdin, sleep, a blocking stdin read that must not
// stall the Go runtime, a large stdout, and non-blocking FIFOs.

import (
	"bufio"
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// pipeWith returns a pipe reader holding data, whose writer is closed
// (EOF after data).
func pipeWith(t *testing.T, data string) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if _, err := w.WriteString(data); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return r
}

// openPTY returns a new pseudo-terminal: the controlling side and the
// terminal itself.
func openPTY(t *testing.T) (ptm, pts *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return m, s
}

// Test_Poll is wazero's Test_Poll: zig-cc's select(2) on stdin with a
// timeout. wazero swaps stdin for readers that claim to be terminals or
// not; here each is the host stream it stands for (a pipe, or a
// pseudo-terminal).
func Test_Poll(t *testing.T) {
	wazeroDir(t)
	tests := []struct {
		name  string
		args  []string
		stdin func(t *testing.T) *os.File
		want  string
		// minWait is how long the guest must have waited: select may
		// not return before its timeout when nothing is ready. A lower
		// bound, which a correct implementation always meets.
		minWait time.Duration
	}{
		{
			name:  "data ready, not tty",
			args:  []string{"wasi", "poll"},
			stdin: func(t *testing.T) *os.File { return pipeWith(t, "test") },
			want:  "STDIN\n",
		},
		{
			name:  "data ready, not tty, .5sec",
			args:  []string{"wasi", "poll", "0", "500"},
			stdin: func(t *testing.T) *os.File { return pipeWith(t, "test") },
			want:  "STDIN\n",
		},
		{
			name: "data ready, tty, .5sec",
			args: []string{"wasi", "poll", "0", "500"},
			stdin: func(t *testing.T) *os.File {
				m, s := openPTY(t)
				// A terminal in canonical mode has input once a line
				// ends.
				if _, err := m.WriteString("test\n"); err != nil {
					t.Fatal(err)
				}
				return s
			},
			want: "STDIN\n",
		},
		{
			name: "no data, tty, .5sec",
			args: []string{"wasi", "poll", "0", "500"},
			stdin: func(t *testing.T) *os.File {
				_, s := openPTY(t)
				return s
			},
			want:    "NOINPUT\n",
			minWait: 500 * time.Millisecond,
		},
		{
			name: "no data, pipe, .5sec", // beyond wazero: the writer stays open
			args: []string{"wasi", "poll", "0", "500"},
			stdin: func(t *testing.T) *os.File {
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { r.Close(); w.Close() })
				return r
			},
			want:    "NOINPUT\n",
			minWait: 500 * time.Millisecond,
		},
		{
			name:  "eof, .5sec",
			args:  []string{"wasi", "poll", "0", "500"},
			stdin: func(t *testing.T) *os.File { return pipeWith(t, "") },
			want:  "STDIN\n", // end of file is ready to read
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			r := run(t, spec{
				wasm:    module(t, "imports/wasi_snapshot_preview1/testdata/zig-cc/wasi.wasm"),
				args:    tc.args,
				stdin:   tc.stdin(t),
				console: true,
			})
			elapsed := time.Since(start)
			r.expectStdout(t, tc.want, nil)
			if elapsed < tc.minWait {
				t.Errorf("select returned after %v, before its %v timeout", elapsed, tc.minWait)
			}
		})
	}
}

// Test_Sleep is wazero's Test_Sleep: zig-cc's nanosleep for 100 ms.
func Test_Sleep(t *testing.T) {
	wazeroDir(t)
	start := time.Now()
	r := run(t, spec{
		wasm:    module(t, "imports/wasi_snapshot_preview1/testdata/zig-cc/wasi.wasm"),
		args:    []string{"wasi", "sleepmillis", "100"},
		console: true,
	})
	elapsed := time.Since(start)
	r.expectStdout(t, "OK\n", nil)
	if elapsed < 100*time.Millisecond { // a lower bound: nanosleep may not return early
		t.Errorf("nanosleep(100ms) returned after %v", elapsed)
	}
}

// lineWatch is an io.Writer (a trace) that closes seen once a line
// containing substr is written.
type lineWatch struct {
	substr string
	once   sync.Once
	seen   chan struct{}
	mu     sync.Mutex
	buf    bytes.Buffer
}

func newLineWatch(substr string) *lineWatch {
	return &lineWatch{substr: substr, seen: make(chan struct{})}
}

func (w *lineWatch) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(w.substr)) {
		w.once.Do(func() { close(w.seen) })
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buf.Len() < 1<<16 {
		w.buf.Write(p)
	}
	return len(p), nil
}

func (w *lineWatch) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// Test_NonblockingFile is wazero's Test_NonblockingFile: zig-cc opens a
// FIFO O_NONBLOCK and polls it with read(2) and 100 ms sleeps, printing a
// dot per empty read, until the test writes "wazero". wazero sleeps 500 ms
// before writing so that a dot is printed; here the test waits instead
// for the guest's first fd_read on the FIFO in wasibox's trace, so the dot
// is certain.
func Test_NonblockingFile(t *testing.T) {
	wazeroDir(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "test-fifo")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	watch := newLineWatch("fd_read(fd=4,") // 3 is the preopen, 4 the FIFO
	rn := start(t, spec{
		wasm:    module(t, "imports/wasi_snapshot_preview1/testdata/zig-cc/wasi.wasm"),
		args:    []string{"wasi", "nonblock", "/test-fifo"},
		mounts:  []mount{{host: dir, guest: "/"}},
		console: true,
		trace:   watch,
	})
	select {
	case <-watch.seen:
	case <-rn.ended:
		r := rn.wait(t)
		t.Fatalf("the guest ended before reading the FIFO: exit %d, %v\n%s\ntrace:\n%s", r.code, r.err, r.stdout, watch)
	case <-time.After(runLimit):
		t.Fatalf("the guest did not read the FIFO; trace:\n%s", watch)
	}
	// The guest holds the FIFO open for reading, so this does not block.
	f, err := os.OpenFile(fifo, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("wazero"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r := rn.wait(t)
	r.mustSucceed(t)
	lines := strings.Split(r.stdout, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], ".") || lines[1] != "wazero" {
		t.Errorf("stdout %q: want dots, then \"wazero\" on the second line", r.stdout)
	}
}

// Test_NonblockGo is wazero's Test_NonblockGo (after Go's own
// runtime/internal/wasitest): the Go program opens 8 FIFOs ("create"
// also sets O_NONBLOCK itself), reads each in its own goroutine, and
// copies what it reads to stderr. The test writes to the FIFOs in reverse
// order; the lines must come back in that order, which only happens if a
// read with nothing to read does not block the whole guest.
func Test_NonblockGo(t *testing.T) {
	wazeroDir(t)
	const numFifos = 8
	for _, mode := range []string{"open", "create"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"wasi", "nonblock", mode}
			type fifo struct {
				f    *os.File
				path string
			}
			fifos := make([]fifo, numFifos)
			for i := range fifos {
				name := fmt.Sprintf("wasip1-nonblock-fifo-%d-%d", rand.Uint32(), i)
				p := filepath.Join(dir, name)
				if err := syscall.Mkfifo(p, 0o666); err != nil {
					t.Fatal(err)
				}
				// O_RDWR: neither this open nor the guest's blocks.
				f, err := os.OpenFile(p, os.O_RDWR, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				args = append(args, name)
				fifos[len(fifos)-i-1] = fifo{f, p}
			}
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer pr.Close()
			defer pw.Close() // after the guest's copy: the System duplicates it as it starts
			rn := start(t, spec{
				wasm:   goGuest(t),
				args:   args,
				mounts: []mount{{host: dir, guest: "/"}},
				stderr: pw,
			})
			lines := make(chan string)
			go func() {
				sc := bufio.NewScanner(pr)
				for sc.Scan() {
					lines <- sc.Text()
				}
			}()
			next := func() string {
				select {
				case l := <-lines:
					return l
				case <-rn.ended:
					// What the guest wrote before it exited may still be on
					// its way through the pipe and the scanner: a select
					// with both ready picks either.
					select {
					case l := <-lines:
						return l
					case <-time.After(time.Second):
					}
					r := rn.wait(t)
					t.Fatalf("the guest ended early: exit %d, %v\nstdout:\n%s", r.code, r.err, r.stdout)
				case <-time.After(runLimit):
					t.Fatal("no line on stderr")
				}
				return ""
			}
			if l := next(); l != "waiting" {
				t.Fatalf("first line %q, want \"waiting\"", l)
			}
			for _, f := range fifos {
				if _, err := f.f.WriteString(f.path + "\n"); err != nil {
					t.Fatal(err)
				}
				if l := next(); l != f.path {
					t.Fatalf("line %q, want %q", l, f.path)
				}
			}
			r := rn.wait(t)
			r.mustSucceed(t)
			expect(t, "stdout", r.stdout, "", nil)
		})
	}
}

// Test_Stdin is wazero's Test_Stdin (wazero issue 1538): the Go program
// reads stdin to its end while a goroutine prints "waiting for stdin..."
// after a second. A read that blocked the whole guest would hold that line
// back until stdin had data; the test writes stdin only once the line is
// out (wazero sleeps a second and reads 21 bytes instead).
func Test_Stdin(t *testing.T) {
	wazeroDir(t)
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdinR.Close()
	defer stdinW.Close()
	stdoutR, stdoutW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdoutR.Close()
	defer stdoutW.Close()
	rn := start(t, spec{wasm: goGuest(t), args: []string{"wasi", "stdin"}, stdin: stdinR, stdout: stdoutW})
	read := func(n int) string {
		buf := make([]byte, n)
		got := make(chan string, 1)
		go func() {
			k, _ := io.ReadFull(stdoutR, buf)
			got <- string(buf[:k])
		}()
		select {
		case s := <-got:
			return s
		case <-time.After(runLimit):
			t.Fatalf("no output from the guest")
		}
		return ""
	}
	expect(t, "first output", read(21), "waiting for stdin...\n", nil)
	if _, err := stdinW.WriteString("foo"); err != nil {
		t.Fatal(err)
	}
	stdinW.Close()
	expect(t, "echo", read(3), "foo", nil)
	r := rn.wait(t)
	r.mustSucceed(t)
}

// Test_LargeStdout is wazero's Test_LargeStdout: the Go program writes a
// generated Go program (about 200 KB) to stdout in one call. wazero builds
// it; here it must be exactly the program (generated again below) and
// parse as Go.
func Test_LargeStdout(t *testing.T) {
	wazeroDir(t)
	r := run(t, spec{wasm: goGuest(t), args: []string{"wasi", "largestdout"}})
	r.mustSucceed(t)
	want := largeStdoutProgram()
	if r.stdout != want {
		t.Fatalf("stdout: %d bytes, want %d; first difference at byte %d", len(r.stdout), len(want), firstDiff(r.stdout, want))
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "out.go", r.stdout, 0); err != nil {
		t.Fatal(err)
	}
}

// largeStdoutProgram is what the "largestdout" mode prints.
func largeStdoutProgram() string {
	var decls, calls strings.Builder
	for i := 1; i <= 1024; i++ {
		s := strconv.Itoa(i)
		decls.WriteString(strings.ReplaceAll("\ntype T$ [$]uint8\nfunc test$() bool {\n\tv := T${1}\n\treturn v == [$]uint8{2} || v != [$]uint8{1}\n}", "$", s))
		calls.WriteString(strings.ReplaceAll("call(test$)\n\t", "$", s))
	}
	p := "package main\n\nvar count int\n\nfunc call(f func() bool) {\n\tif f() {\n\t\tcount++\n\t}\n}\n\n$DECLS\n\nfunc main() {\n\t$CALLS\n\tif count != 0 {\n\t\tprintln(\"failed\", count, \"case(s)\")\n\t}\n}\n"
	p = strings.Replace(p, "$DECLS", decls.String(), 1)
	return strings.Replace(p, "$CALLS", calls.String(), 1)
}

func firstDiff(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
