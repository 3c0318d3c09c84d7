//go:build linux

package unix

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// limitsWant fails the test when a write's count or errno differs.
func limitsWant(tb testing.TB, what string, n wasi.Size, errno wasi.Errno, wantN int, wantErrno wasi.Errno) {
	tb.Helper()
	if int(n) != wantN || errno != wantErrno {
		tb.Fatalf("%s: %d bytes, %v; want %d bytes, %v", what, n, errno, wantN, wantErrno)
	}
}

// createFile opens name beneath the fdEnv's preopen with path_open, for
// writing (and reading), creating it.
func (e *fdEnv) createFile(tb testing.TB, name string) wasi.FD {
	tb.Helper()
	fd, errno := e.s.PathOpen(tb.Context(), fdPreopen, 0, name, wasi.OCreate, wasi.FileRights, 0, 0)
	if errno != wasi.ESUCCESS {
		tb.Fatalf("path_open %s: %v", name, errno)
	}
	return fd
}

// drain reads everything a non-blocking host descriptor holds now.
func drain(tb testing.TB, hfd int) string {
	tb.Helper()
	if err := unix.SetNonblock(hfd, true); err != nil {
		tb.Fatal(err)
	}
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(hfd, buf)
		if n > 0 {
			out = append(out, buf[:n]...)
			continue
		}
		if err == unix.EAGAIN || (err == nil && n == 0) {
			return string(out)
		}
		if err != nil {
			tb.Fatalf("read: %v", err)
		}
	}
}

// TestMaxOpenFilesCountsSockets checks that files and sockets share the
// Config.MaxOpenFiles cap: EMFILE for either once the table is full,
// room for either once one closes.
func TestMaxOpenFilesCountsSockets(t *testing.T) {
	e := newFDEnv(t, Config{Stdin: -1, Stdout: -1, Stderr: -1, MaxOpenFiles: 4, AllowSockets: true})
	ctx := t.Context()
	// The preopen is one entry; fill the table with two files and a socket.
	f1 := e.createFile(t, "a")
	e.createFile(t, "b")
	sock, errno := e.s.SockOpen(ctx, wasi.InetFamily, wasi.StreamSocket, 0, wasi.SocketRights, 0)
	if errno != wasi.ESUCCESS {
		t.Fatalf("SockOpen: %v", errno)
	}
	if _, errno := e.s.PathOpen(ctx, fdPreopen, 0, "c", wasi.OCreate, wasi.FileRights, 0, 0); errno != wasi.EMFILE {
		t.Fatalf("path_open with a table full of files and a socket: %v, want EMFILE", errno)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "c")); !os.IsNotExist(err) {
		t.Errorf("EMFILE path_open created the file anyway: %v", err)
	}
	if _, errno := e.s.SockOpen(ctx, wasi.InetFamily, wasi.DatagramSocket, 0, wasi.SocketRights, 0); errno != wasi.EMFILE {
		t.Fatalf("SockOpen with a full table: %v, want EMFILE", errno)
	}
	// Closing the socket makes room for a file, closing a file for a socket.
	if errno := e.s.FDClose(ctx, sock); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	e.createFile(t, "c")
	if _, errno := e.s.SockOpen(ctx, wasi.InetFamily, wasi.StreamSocket, 0, wasi.SocketRights, 0); errno != wasi.EMFILE {
		t.Fatalf("SockOpen with a table full of files: %v, want EMFILE", errno)
	}
	if errno := e.s.FDClose(ctx, f1); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	if _, errno := e.s.SockOpen(ctx, wasi.InetFamily, wasi.StreamSocket, 0, wasi.SocketRights, 0); errno != wasi.ESUCCESS {
		t.Fatalf("SockOpen after a file closed: %v", errno)
	}
}

// stdioEnv is a System whose stdout and stderr are the write ends of host
// pipes (blocking, as a shell gives them), with byte limits.
type stdioEnv struct {
	*fdEnv
	out, errOut int // read ends of the host pipes
}

func newStdioEnv(t *testing.T, cfg Config) *stdioEnv {
	t.Helper()
	or, ow := hostPipe(t)
	er, ew := hostPipe(t)
	cfg.Stdin, cfg.Stdout, cfg.Stderr = -1, ow, ew
	return &stdioEnv{fdEnv: newFDEnv(t, cfg), out: or, errOut: er}
}

func TestStdoutLimit(t *testing.T) {
	ctx := t.Context()
	t.Run("pipe", func(t *testing.T) {
		e := newStdioEnv(t, Config{StdoutLimit: 10, StderrLimit: 3})
		n, errno := e.s.FDWrite(ctx, 1, []wasi.IOVec{[]byte("012345")})
		limitsWant(t, "first write", n, errno, 6, wasi.ESUCCESS)
		// Crossing the cap in the second of three iovecs: a short write.
		n, errno = e.s.FDWrite(ctx, 1, []wasi.IOVec{[]byte("67"), []byte("89ab"), []byte("cd")})
		limitsWant(t, "crossing write", n, errno, 4, wasi.ESUCCESS)
		n, errno = e.s.FDWrite(ctx, 1, []wasi.IOVec{[]byte("x")})
		limitsWant(t, "write past the cap", n, errno, 0, wasi.EFBIG)
		n, errno = e.s.FDWrite(ctx, 1, []wasi.IOVec{{}, {}})
		limitsWant(t, "empty write past the cap", n, errno, 0, wasi.ESUCCESS)
		if got := drain(t, e.out); got != "0123456789" {
			t.Errorf("host stdout got %q, want %q", got, "0123456789")
		}
		// stderr has its own budget.
		n, errno = e.s.FDWrite(ctx, 2, []wasi.IOVec{[]byte("errors")})
		limitsWant(t, "stderr crossing write", n, errno, 3, wasi.ESUCCESS)
		n, errno = e.s.FDWrite(ctx, 2, []wasi.IOVec{[]byte("!")})
		limitsWant(t, "stderr past the cap", n, errno, 0, wasi.EFBIG)
		if got := drain(t, e.errOut); got != "err" {
			t.Errorf("host stderr got %q, want %q", got, "err")
		}
		if out, errOut, quota := e.s.Remaining(); out != 0 || errOut != 0 || quota != -1 {
			t.Errorf("Remaining() = %d, %d, %d; want 0, 0, -1", out, errOut, quota)
		}
	})
	t.Run("renumbered", func(t *testing.T) {
		// The budget follows the descriptor: stdout moved to another number
		// is still stdout, and a file moved onto 1 is not.
		e := newStdioEnv(t, Config{StdoutLimit: 4})
		f := e.createFile(t, "f")
		if errno := e.s.FDRenumber(ctx, 1, f); errno != wasi.ESUCCESS {
			t.Fatal(errno)
		}
		n, errno := e.s.FDWrite(ctx, f, []wasi.IOVec{[]byte("abcdef")})
		limitsWant(t, "renumbered stdout", n, errno, 4, wasi.ESUCCESS)
		n, errno = e.s.FDWrite(ctx, f, []wasi.IOVec{[]byte("g")})
		limitsWant(t, "renumbered stdout past the cap", n, errno, 0, wasi.EFBIG)
		g := e.createFile(t, "g")
		n, errno = e.s.FDWrite(ctx, g, []wasi.IOVec{[]byte("a file")})
		limitsWant(t, "a file", n, errno, 6, wasi.ESUCCESS)
		if got := drain(t, e.out); got != "abcd" {
			t.Errorf("host stdout got %q", got)
		}
	})
	t.Run("file and pwrite", func(t *testing.T) {
		// stdout redirected to a regular file: fd_pwrite and growth count.
		dir := t.TempDir()
		out, err := os.Create(filepath.Join(dir, "out"))
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		e := newFDEnv(t, Config{Stdin: -1, Stdout: int(out.Fd()), Stderr: -1, StdoutLimit: 8})
		n, errno := e.s.FDPwrite(ctx, 1, []wasi.IOVec{[]byte("hello")}, 100)
		limitsWant(t, "pwrite", n, errno, 5, wasi.ESUCCESS)
		n, errno = e.s.FDPwrite(ctx, 1, []wasi.IOVec{[]byte("world")}, 0)
		limitsWant(t, "crossing pwrite", n, errno, 3, wasi.ESUCCESS)
		n, errno = e.s.FDPwrite(ctx, 1, []wasi.IOVec{[]byte("!")}, 0)
		limitsWant(t, "pwrite past the cap", n, errno, 0, wasi.EFBIG)
		if errno := e.s.FDAllocate(ctx, 1, 0, 1000); errno != wasi.EFBIG {
			t.Errorf("fd_allocate growing stdout past the cap: %v, want EFBIG", errno)
		}
		st, _ := out.Stat()
		if st.Size() != 105 {
			t.Errorf("stdout file is %d bytes, want 105", st.Size())
		}
	})
	t.Run("stdio sockets", func(t *testing.T) {
		// A socket as stdout: sock_send is capped like fd_write. stdin is a
		// read-write descriptor too: writes through it count as stdout.
		out, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		in, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			for _, fd := range []int{out[0], out[1], in[0], in[1]} {
				unix.Close(fd)
			}
		})
		e := newFDEnv(t, Config{Stdin: in[0], Stdout: out[0], Stderr: -1, StdoutLimit: 5})
		n, errno := e.s.SockSend(ctx, 1, []wasi.IOVec{[]byte("abc")}, 0)
		limitsWant(t, "sock_send", n, errno, 3, wasi.ESUCCESS)
		n, errno = e.s.FDWrite(ctx, 0, []wasi.IOVec{[]byte("def")})
		limitsWant(t, "write through stdin", n, errno, 2, wasi.ESUCCESS)
		n, errno = e.s.SockSend(ctx, 1, []wasi.IOVec{[]byte("g")}, 0)
		limitsWant(t, "sock_send past the cap", n, errno, 0, wasi.EFBIG)
		n, errno = e.s.SockSend(ctx, 0, []wasi.IOVec{[]byte("g")}, 0)
		limitsWant(t, "sock_send through stdin past the cap", n, errno, 0, wasi.EFBIG)
		if got := drain(t, out[1]) + "|" + drain(t, in[1]); got != "abc|de" {
			t.Errorf("host peers got %q, want %q", got, "abc|de")
		}
	})
	t.Run("refund", func(t *testing.T) {
		// A NONBLOCK guest that gets EAGAIN, or a short write, is charged
		// only for what was written.
		e := newStdioEnv(t, Config{StdoutLimit: 1 << 30})
		if errno := e.s.FDStatSetFlags(ctx, 1, wasi.NonBlock); errno != wasi.ESUCCESS {
			t.Fatal(errno)
		}
		chunk := bytes.Repeat([]byte{'x'}, 4096)
		written := 0
		for {
			n, errno := e.s.FDWrite(ctx, 1, []wasi.IOVec{chunk})
			written += int(n)
			if errno == wasi.EAGAIN {
				break
			}
			if errno != wasi.ESUCCESS || written > 1<<24 {
				t.Fatalf("filling the pipe: %v after %d bytes", errno, written)
			}
		}
		if out, _, _ := e.s.Remaining(); out != 1<<30-int64(written) {
			t.Errorf("Remaining stdout %d after %d bytes written, want %d", out, written, 1<<30-int64(written))
		}
	})
}

func TestWriteQuota(t *testing.T) {
	ctx := t.Context()
	t.Run("writes", func(t *testing.T) {
		or, ow := hostPipe(t)
		e := newFDEnv(t, Config{Stdin: -1, Stdout: ow, Stderr: -1, WriteQuota: 100, AllowSockets: true})
		a, b := e.createFile(t, "a"), e.createFile(t, "b")
		n, errno := e.s.FDWrite(ctx, a, []wasi.IOVec{bytes.Repeat([]byte{'a'}, 60)})
		limitsWant(t, "write", n, errno, 60, wasi.ESUCCESS)
		n, errno = e.s.FDPwrite(ctx, b, []wasi.IOVec{bytes.Repeat([]byte{'b'}, 30), bytes.Repeat([]byte{'b'}, 30)}, 0)
		limitsWant(t, "crossing pwrite", n, errno, 40, wasi.ESUCCESS)
		n, errno = e.s.FDWrite(ctx, a, []wasi.IOVec{[]byte("a")})
		limitsWant(t, "write past the quota", n, errno, 0, wasi.EDQUOT)
		n, errno = e.s.FDPwrite(ctx, b, []wasi.IOVec{[]byte("b")}, 0)
		limitsWant(t, "overwrite past the quota", n, errno, 0, wasi.EDQUOT)
		for name, want := range map[string]int64{"a": 60, "b": 40} {
			if st, err := os.Stat(filepath.Join(e.dir, name)); err != nil || st.Size() != want {
				t.Errorf("%s: %v bytes (%v), want %d", name, st.Size(), err, want)
			}
		}
		// stdout and sockets are not in the quota.
		n, errno = e.s.FDWrite(ctx, 1, []wasi.IOVec{[]byte("still")})
		limitsWant(t, "stdout", n, errno, 5, wasi.ESUCCESS)
		if got := drain(t, or); got != "still" {
			t.Errorf("stdout got %q", got)
		}
		sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(sp[1])
		sfd, errno := e.s.install(&file{fd: sp[0], typ: wasi.SocketStreamType, base: wasi.SocketRights, sock: &sockState{family: wasi.UnixFamily}})
		if errno != wasi.ESUCCESS {
			t.Fatal(errno)
		}
		n, errno = e.s.FDWrite(ctx, sfd, []wasi.IOVec{[]byte("socket")})
		limitsWant(t, "socket", n, errno, 6, wasi.ESUCCESS)
		if _, _, quota := e.s.Remaining(); quota != 0 {
			t.Errorf("Remaining quota %d, want 0", quota)
		}
	})
	t.Run("growth", func(t *testing.T) {
		e := newFDEnv(t, Config{Stdin: -1, Stdout: -1, Stderr: -1, WriteQuota: 100})
		f := e.createFile(t, "f")
		n, errno := e.s.FDWrite(ctx, f, []wasi.IOVec{bytes.Repeat([]byte{'f'}, 10)})
		limitsWant(t, "write", n, errno, 10, wasi.ESUCCESS)
		quota := func(want int64) {
			t.Helper()
			if _, _, q := e.s.Remaining(); q != want {
				t.Errorf("Remaining quota %d, want %d", q, want)
			}
		}
		size := func(want int64) {
			t.Helper()
			st, errno := e.s.FDFileStatGet(ctx, f)
			if errno != wasi.ESUCCESS || int64(st.Size) != want {
				t.Errorf("size %d (%v), want %d", st.Size, errno, want)
			}
		}
		quota(90)
		// Within the file: no growth, nothing charged.
		if errno := e.s.FDAllocate(ctx, f, 0, 10); errno != wasi.ESUCCESS {
			t.Fatalf("fd_allocate within the file: %v", errno)
		}
		quota(90)
		switch errno := e.s.FDAllocate(ctx, f, 0, 50); errno {
		case wasi.ESUCCESS:
			quota(50)
			size(50)
		case wasi.ENOTSUP:
			// A file system without fallocate: nothing was charged.
			quota(90)
			if errno := e.s.FDFileStatSetSize(ctx, f, 50); errno != wasi.ESUCCESS {
				t.Fatal(errno)
			}
			quota(50)
		default:
			t.Fatalf("fd_allocate: %v", errno)
		}
		if errno := e.s.FDAllocate(ctx, f, 40, 200); errno != wasi.EDQUOT {
			t.Errorf("fd_allocate past the quota: %v, want EDQUOT", errno)
		}
		size(50)
		if errno := e.s.FDFileStatSetSize(ctx, f, 100); errno != wasi.ESUCCESS {
			t.Fatalf("set_size to the quota: %v", errno)
		}
		quota(0)
		// Shrinking gives nothing back; growing again is refused whole.
		if errno := e.s.FDFileStatSetSize(ctx, f, 5); errno != wasi.ESUCCESS {
			t.Fatal(errno)
		}
		if errno := e.s.FDFileStatSetSize(ctx, f, 6); errno != wasi.EDQUOT {
			t.Errorf("set_size past the quota: %v, want EDQUOT", errno)
		}
		size(5)
		quota(0)
	})
}

func TestLimitsConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Stdin: -1, Stdout: -1, Stderr: -1, StdoutLimit: -1},
		{Stdin: -1, Stdout: -1, Stderr: -1, StderrLimit: -1},
		{Stdin: -1, Stdout: -1, Stderr: -1, WriteQuota: -1},
	} {
		if s, err := New(cfg); err == nil {
			s.Close(t.Context())
			t.Errorf("New(%+v) accepted a negative limit", cfg)
		}
	}
	s, err := New(Config{Stdin: -1, Stdout: -1, Stderr: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(t.Context())
	if out, errOut, quota := s.Remaining(); out != -1 || errOut != -1 || quota != -1 {
		t.Errorf("Remaining() without limits = %d, %d, %d; want -1, -1, -1", out, errOut, quota)
	}
}

// TestLimitsDoNotAllocate checks the design target (fd_write 0 allocs/op)
// with every limit on; BenchmarkFDWriteLimits measures the cost.
func TestLimitsDoNotAllocate(t *testing.T) {
	ctx := t.Context()
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	e := newFDEnv(t, Config{Stdin: -1, Stdout: int(devNull.Fd()), Stderr: -1, StdoutLimit: 1 << 60, WriteQuota: 1 << 60})
	f := e.createFile(t, "f")
	data := [][]byte{make([]byte, 32), make([]byte, 32)}
	for _, tc := range []struct {
		name string
		fn   func()
	}{
		{"fd_write stdout", func() { e.s.FDWrite(ctx, 1, data) }},
		{"fd_write file", func() { e.s.FDWrite(ctx, f, data) }},
		{"fd_pwrite file", func() { e.s.FDPwrite(ctx, f, data, 0) }},
	} {
		if n := testing.AllocsPerRun(100, tc.fn); n != 0 {
			t.Errorf("%s: %v allocs per call, want 0", tc.name, n)
		}
	}
}

func BenchmarkFDWriteLimits(b *testing.B) {
	ctx := b.Context()
	data := [][]byte{make([]byte, 64)}
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"none", Config{}},
		{"quota", Config{WriteQuota: 1 << 60}},
		{"all", Config{StdoutLimit: 1 << 60, StderrLimit: 1 << 60, WriteQuota: 1 << 60}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			tc.cfg.Stdin, tc.cfg.Stdout, tc.cfg.Stderr = -1, -1, -1
			e := newFDEnv(b, tc.cfg)
			f := e.createFile(b, "f")
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i++; i%(1<<14) == 0 {
					e.s.FDSeek(ctx, f, 0, wasi.WhenceSet) // keep the file small
				}
				if n, errno := e.s.FDWrite(ctx, f, data); n != 64 || errno != wasi.ESUCCESS {
					b.Fatal(n, errno)
				}
			}
		})
	}
}
