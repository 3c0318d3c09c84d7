//go:build linux

package unix

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// fdEnv is a System with one preopen (fd 3, guest "/sandbox") over a
// temporary directory, and no stdio unless the test gives some.
type fdEnv struct {
	s   *System
	dir string // host path of the preopen
}

const fdPreopen wasi.FD = 3

func newFDEnv(tb testing.TB, cfg Config) *fdEnv {
	tb.Helper()
	dir := tb.TempDir()
	cfg.Preopens = append([]Preopen{{HostPath: dir, GuestPath: "/sandbox"}}, cfg.Preopens...)
	s, err := New(cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() { s.Close(tb.Context()) })
	return &fdEnv{s: s, dir: dir}
}

func noStdioConfig() Config { return Config{Stdin: -1, Stdout: -1, Stderr: -1} }

// open opens a host file beneath the preopen, as path_open would (always
// O_NONBLOCK), and installs it with rights.
func (e *fdEnv) open(tb testing.TB, name string, flags int, rights wasi.Rights) wasi.FD {
	tb.Helper()
	hfd, err := unix.Open(filepath.Join(e.dir, name), flags|unix.O_CLOEXEC|unix.O_NONBLOCK, 0o644)
	if err != nil {
		tb.Fatalf("open %s: %v", name, err)
	}
	return e.install(tb, hfd, rights)
}

func (e *fdEnv) install(tb testing.TB, hfd int, rights wasi.Rights) wasi.FD {
	tb.Helper()
	var st unix.Stat_t
	if err := unix.Fstat(hfd, &st); err != nil {
		tb.Fatal(err)
	}
	fd, errno := e.s.install(&file{fd: hfd, typ: fileTypeOf(st.Mode), base: rights})
	if errno != wasi.ESUCCESS {
		tb.Fatalf("install: %v", errno)
	}
	return fd
}

// pipe installs both ends of a host pipe (O_NONBLOCK, as path_open and
// sockets are) and returns the guest fds.
func (e *fdEnv) pipe(tb testing.TB) (r, w wasi.FD, hr, hw int) {
	tb.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		tb.Fatal(err)
	}
	r = e.install(tb, p[0], wasi.TTYRights)
	w = e.install(tb, p[1], wasi.TTYRights)
	return r, w, p[0], p[1]
}

// hostPipe returns a blocking host pipe, closed at the end of the test.
func hostPipe(tb testing.TB) (r, w int) {
	tb.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { unix.Close(p[0]); unix.Close(p[1]) })
	return p[0], p[1]
}

// grant adds rights to fd, for tests that need a right a real descriptor
// of that type would not get.
func (e *fdEnv) grant(fd wasi.FD, rights wasi.Rights) { e.s.files[fd].base |= rights }

func (e *fdEnv) writeFile(tb testing.TB, name, content string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(e.dir, name), []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func (e *fdEnv) readFile(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func wantErrno(tb testing.TB, what string, got, want wasi.Errno) {
	tb.Helper()
	if got != want {
		tb.Fatalf("%s: errno %v, want %v", what, got, want)
	}
}

// waitDone fails the test if done is not closed in time: a guard against
// a hang, not a timing assertion.
func waitDone(tb testing.TB, done <-chan struct{}, what string) {
	tb.Helper()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		tb.Fatalf("%s: still blocked after 20s", what)
	}
}

func TestFDWriteRead(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	fd := e.open(t, "f", unix.O_RDWR|unix.O_CREAT, wasi.FileRights)

	n, errno := e.s.FDWrite(ctx, fd, [][]byte{[]byte("hello, "), nil, []byte("world")})
	wantErrno(t, "FDWrite", errno, wasi.ESUCCESS)
	if n != 12 {
		t.Fatalf("FDWrite = %d, want 12", n)
	}
	if got := e.readFile(t, "f"); got != "hello, world" {
		t.Fatalf("file = %q", got)
	}
	if _, errno := e.s.FDSeek(ctx, fd, 0, wasi.WhenceSet); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	tests := []struct {
		name string
		bufs []int
		want []string
	}{
		{"single", []int{5}, []string{"hello"}},
		{"vector", []int{2, 0, 3}, []string{", ", "", "wor"}},
		{"short at eof", []int{10}, []string{"ld"}},
		{"eof", []int{4}, []string{""}},
		{"no iovecs", nil, nil},
	}
	for _, tt := range tests {
		iovs := make([][]byte, len(tt.bufs))
		for i, l := range tt.bufs {
			iovs[i] = make([]byte, l)
		}
		n, errno := e.s.FDRead(ctx, fd, iovs)
		wantErrno(t, tt.name, errno, wasi.ESUCCESS)
		total := 0
		for i, w := range tt.want {
			total += len(w)
			if got := string(iovs[i][:len(w)]); got != w {
				t.Errorf("%s: iov %d = %q, want %q", tt.name, i, got, w)
			}
		}
		if int(n) != total {
			t.Errorf("%s: n = %d, want %d", tt.name, n, total)
		}
	}
}

func TestFDReadWriteErrors(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	e.writeFile(t, "f", "data")
	ro := e.open(t, "f", unix.O_RDONLY, wasi.FileRights&^wasi.FDWriteRight)
	wo := e.open(t, "f", unix.O_WRONLY, wasi.FileRights&^wasi.FDReadRight)
	closed := e.open(t, "f", unix.O_RDONLY, wasi.FileRights)
	e.s.FDClose(t.Context(), closed)
	buf := [][]byte{make([]byte, 8)}
	tests := []struct {
		name  string
		write bool
		fd    wasi.FD
		want  wasi.Errno
	}{
		{"read closed", false, closed, wasi.EBADF},
		{"read negative", false, -1, wasi.EBADF},
		{"read huge", false, math.MaxInt32, wasi.EBADF},
		{"read stdin absent", false, 0, wasi.EBADF},
		{"read directory", false, fdPreopen, wasi.EISDIR},
		{"read without right", false, wo, wasi.EBADF}, // not open for reading
		{"write closed", true, closed, wasi.EBADF},
		{"write without right", true, ro, wasi.EBADF}, // not open for writing
		{"write directory", true, fdPreopen, wasi.EBADF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errno wasi.Errno
			if tt.write {
				_, errno = e.s.FDWrite(t.Context(), tt.fd, buf)
			} else {
				_, errno = e.s.FDRead(t.Context(), tt.fd, buf)
			}
			wantErrno(t, tt.name, errno, tt.want)
		})
	}
}

func TestFDPreadPwrite(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	e.writeFile(t, "f", "0123456789")
	fd := e.open(t, "f", unix.O_RDWR, wasi.FileRights)
	noSeek := e.open(t, "f", unix.O_RDWR, wasi.FileRights&^wasi.FDSeekRight)
	noRead := e.open(t, "f", unix.O_WRONLY, wasi.FileRights&^wasi.FDReadRight)
	noWrite := e.open(t, "f", unix.O_RDONLY, wasi.FileRights&^wasi.FDWriteRight)
	neither := e.open(t, "f", unix.O_RDONLY, wasi.FileRights&^(wasi.FDReadRight|wasi.FDWriteRight|wasi.FDSeekRight))
	pr, pw, _, _ := e.pipe(t)
	e.grant(pr, wasi.FDSeekRight)
	e.grant(pw, wasi.FDSeekRight)
	e.s.FDWrite(ctx, pw, [][]byte{[]byte("x")})

	n, errno := e.s.FDPwrite(ctx, fd, [][]byte{[]byte("ab"), []byte("cd")}, 3)
	if errno != wasi.ESUCCESS || n != 4 {
		t.Fatalf("FDPwrite = %d, %v", n, errno)
	}
	if got := e.readFile(t, "f"); got != "012abcd789" {
		t.Fatalf("after pwrite: %q", got)
	}
	a, b := make([]byte, 3), make([]byte, 2)
	n, errno = e.s.FDPread(ctx, fd, [][]byte{a, b}, 5)
	if errno != wasi.ESUCCESS || n != 5 || string(a)+string(b) != "cd789" {
		t.Fatalf("FDPread = %d, %v, %q %q", n, errno, a, b)
	}
	n, errno = e.s.FDPread(ctx, fd, [][]byte{a}, 1)
	if errno != wasi.ESUCCESS || n != 3 || string(a) != "12a" {
		t.Fatalf("FDPread single = %d, %v, %q", n, errno, a)
	}
	if pos, errno := e.s.FDTell(ctx, fd); errno != wasi.ESUCCESS || pos != 0 {
		t.Fatalf("offset after pread/pwrite = %d, %v; want 0", pos, errno)
	}

	buf := [][]byte{make([]byte, 4)}
	tests := []struct {
		name  string
		write bool
		fd    wasi.FD
		off   wasi.FileSize
		want  wasi.Errno
	}{
		{"pread past eof", false, fd, 100, wasi.ESUCCESS},
		{"pread pipe", false, pr, 0, wasi.ESPIPE},
		{"pwrite pipe", true, pw, 0, wasi.ESPIPE},
		{"pread no seek right", false, noSeek, 0, wasi.ENOTCAPABLE},
		{"pwrite no seek right", true, noSeek, 0, wasi.ENOTCAPABLE},
		// Without fd_read (fd_write) the descriptor is not open for
		// reading (writing): EBADF, as pread(2), even without fd_seek.
		{"pread no read right", false, noRead, 0, wasi.EBADF},
		{"pwrite no write right", true, noWrite, 0, wasi.EBADF},
		{"pread no read nor seek right", false, neither, 0, wasi.EBADF},
		{"pwrite no write nor seek right", true, neither, 0, wasi.EBADF},
		{"pread directory", false, fdPreopen, 0, wasi.EISDIR},
		{"pread huge offset", false, fd, 1 << 63, wasi.EINVAL},
		{"pwrite huge offset", true, fd, math.MaxUint64, wasi.EINVAL},
		{"pread closed", false, 99, 0, wasi.EBADF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var errno wasi.Errno
			if tt.write {
				_, errno = e.s.FDPwrite(ctx, tt.fd, buf, tt.off)
			} else {
				_, errno = e.s.FDPread(ctx, tt.fd, buf, tt.off)
			}
			wantErrno(t, tt.name, errno, tt.want)
		})
	}
}

func TestFDSeekTell(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	e.writeFile(t, "f", "0123456789")
	fd := e.open(t, "f", unix.O_RDWR, wasi.FileRights)
	tellOnly := e.open(t, "f", unix.O_RDONLY, wasi.FDTellRight)
	seekOnly := e.open(t, "f", unix.O_RDONLY, wasi.FDSeekRight)
	none := e.open(t, "f", unix.O_RDONLY, wasi.FDReadRight)
	pr, _, _, _ := e.pipe(t)
	e.grant(pr, wasi.FDSeekRight)

	tests := []struct {
		name   string
		fd     wasi.FD
		off    wasi.FileDelta
		whence wasi.Whence
		want   wasi.FileSize
		errno  wasi.Errno
	}{
		{"set", fd, 4, wasi.WhenceSet, 4, wasi.ESUCCESS},
		{"cur", fd, 2, wasi.WhenceCur, 6, wasi.ESUCCESS},
		{"cur back", fd, -5, wasi.WhenceCur, 1, wasi.ESUCCESS},
		{"end", fd, -1, wasi.WhenceEnd, 9, wasi.ESUCCESS},
		{"past end", fd, 100, wasi.WhenceEnd, 110, wasi.ESUCCESS},
		{"negative", fd, -1, wasi.WhenceSet, 0, wasi.EINVAL},
		{"bad whence", fd, 0, 3, 0, wasi.EINVAL},
		{"pipe", pr, 0, wasi.WhenceCur, 0, wasi.ESPIPE},
		{"directory", fdPreopen, 0, wasi.WhenceSet, 0, wasi.ENOTCAPABLE},
		{"tell right allows cur 0", tellOnly, 0, wasi.WhenceCur, 0, wasi.ESUCCESS},
		{"tell right forbids moving", tellOnly, 1, wasi.WhenceSet, 0, wasi.ENOTCAPABLE},
		{"no right", none, 0, wasi.WhenceCur, 0, wasi.ENOTCAPABLE},
		{"closed", 42, 0, wasi.WhenceSet, 0, wasi.EBADF},
	}
	for _, tt := range tests {
		got, errno := e.s.FDSeek(ctx, tt.fd, tt.off, tt.whence)
		if errno != tt.errno || (errno == wasi.ESUCCESS && got != tt.want) {
			t.Errorf("%s: FDSeek = %d, %v; want %d, %v", tt.name, got, errno, tt.want, tt.errno)
		}
	}

	e.s.FDSeek(ctx, fd, 7, wasi.WhenceSet)
	tells := []struct {
		name  string
		fd    wasi.FD
		want  wasi.FileSize
		errno wasi.Errno
	}{
		{"file", fd, 7, wasi.ESUCCESS},
		{"tell right", tellOnly, 0, wasi.ESUCCESS},
		{"seek right implies tell", seekOnly, 0, wasi.ESUCCESS},
		{"no right", none, 0, wasi.ENOTCAPABLE},
		{"pipe", pr, 0, wasi.ESPIPE},
		{"closed", 42, 0, wasi.EBADF},
	}
	for _, tt := range tells {
		got, errno := e.s.FDTell(ctx, tt.fd)
		if errno != tt.errno || got != tt.want {
			t.Errorf("FDTell %s = %d, %v; want %d, %v", tt.name, got, errno, tt.want, tt.errno)
		}
	}
}

func TestFDClose(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	fd := e.open(t, "f", unix.O_RDWR|unix.O_CREAT, wasi.FileRights)
	hfd := e.s.files[fd].fd
	wantErrno(t, "close", e.s.FDClose(ctx, fd), wasi.ESUCCESS)
	wantErrno(t, "close again", e.s.FDClose(ctx, fd), wasi.EBADF)
	if _, err := unix.FcntlInt(uintptr(hfd), unix.F_GETFD, 0); err != unix.EBADF {
		t.Errorf("host fd still open after FDClose: %v", err)
	}
	wantErrno(t, "close preopen", e.s.FDClose(ctx, fdPreopen), wasi.ESUCCESS)
	if _, errno := e.s.FDPrestatGet(ctx, fdPreopen); errno != wasi.EBADF {
		t.Errorf("prestat of a closed preopen: %v", errno)
	}
	wantErrno(t, "close negative", e.s.FDClose(ctx, -5), wasi.EBADF)
	wantErrno(t, "close huge", e.s.FDClose(ctx, MaxFD+1), wasi.EBADF)
	if e.s.nfiles != 0 {
		t.Errorf("nfiles = %d after closing everything", e.s.nfiles)
	}
	// The freed slot is reused.
	if again := e.open(t, "f", unix.O_RDONLY, wasi.FileRights); again != 3 {
		t.Errorf("next open got fd %d, want 3", again)
	}
}

func TestFDRenumber(t *testing.T) {
	ctx := t.Context()
	type setup struct {
		e    *fdEnv
		a, b wasi.FD // two open files
		out  int     // host read end of the guest's stdout
	}
	tests := []struct {
		name     string
		from, to func(s setup) wasi.FD
		want     wasi.Errno
		check    func(t *testing.T, s setup)
	}{
		{
			name: "onto itself",
			from: func(s setup) wasi.FD { return s.a },
			to:   func(s setup) wasi.FD { return s.a },
			check: func(t *testing.T, s setup) {
				if _, errno := s.e.s.FDStatGet(ctx, s.a); errno != wasi.ESUCCESS {
					t.Errorf("fd closed by renumber(x, x): %v", errno)
				}
			},
		},
		{
			name: "closed onto itself",
			from: func(s setup) wasi.FD { return 40 },
			to:   func(s setup) wasi.FD { return 40 },
			want: wasi.EBADF,
		},
		{
			name: "onto never opened",
			from: func(s setup) wasi.FD { return s.a },
			to:   func(s setup) wasi.FD { return 1000 },
			want: wasi.EBADF,
			check: func(t *testing.T, s setup) {
				if len(s.e.s.files) > 10 {
					t.Errorf("table grew to %d", len(s.e.s.files))
				}
				if _, errno := s.e.s.FDStatGet(ctx, s.a); errno != wasi.ESUCCESS {
					t.Errorf("from closed by a failed renumber: %v", errno)
				}
			},
		},
		{
			name: "onto huge",
			from: func(s setup) wasi.FD { return s.a },
			to:   func(s setup) wasi.FD { return math.MaxInt32 },
			want: wasi.EBADF,
		},
		{
			name: "from closed",
			from: func(s setup) wasi.FD { return 40 },
			to:   func(s setup) wasi.FD { return s.a },
			want: wasi.EBADF,
			check: func(t *testing.T, s setup) {
				if _, errno := s.e.s.FDStatGet(ctx, s.a); errno != wasi.ESUCCESS {
					t.Errorf("to closed by a failed renumber: %v", errno)
				}
			},
		},
		{
			name: "replaces",
			from: func(s setup) wasi.FD { return s.a },
			to:   func(s setup) wasi.FD { return s.b },
			check: func(t *testing.T, s setup) {
				if _, errno := s.e.s.FDStatGet(ctx, s.a); errno != wasi.EBADF {
					t.Errorf("from still open: %v", errno)
				}
				s.e.s.FDWrite(ctx, s.b, [][]byte{[]byte("via b")})
				if got := s.e.readFile(t, "a"); got != "via b" {
					t.Errorf("a = %q; b should now be a", got)
				}
				if s.e.s.nfiles != 3 { // stdout, the preopen, b (was a)
					t.Errorf("nfiles = %d, want 3", s.e.s.nfiles)
				}
			},
		},
		{
			name: "onto stdout",
			from: func(s setup) wasi.FD { return s.a },
			to:   func(s setup) wasi.FD { return 1 },
			check: func(t *testing.T, s setup) {
				s.e.s.FDWrite(ctx, 1, [][]byte{[]byte("redirected")})
				if got := s.e.readFile(t, "a"); got != "redirected" {
					t.Errorf("a = %q", got)
				}
				// The guest's old stdout is closed: its pipe reports EOF.
				unix.SetNonblock(s.out, true)
				if n, err := unix.Read(s.out, make([]byte, 1)); n != 0 || err != nil {
					t.Errorf("stdout pipe still open: %d, %v", n, err)
				}
			},
		},
		{
			name: "preopen onto file",
			from: func(s setup) wasi.FD { return fdPreopen },
			to:   func(s setup) wasi.FD { return s.b },
			check: func(t *testing.T, s setup) {
				if name, errno := s.e.s.FDPrestatDirName(ctx, s.b); errno != wasi.ESUCCESS || name != "/sandbox" {
					t.Errorf("moved preopen: %q, %v", name, errno)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, w := hostPipe(t)
			cfg := noStdioConfig()
			cfg.Stdout = w
			e := newFDEnv(t, cfg)
			unix.Close(w) // the System holds its own dup
			e.writeFile(t, "a", "")
			e.writeFile(t, "b", "")
			s := setup{e: e, out: r,
				a: e.open(t, "a", unix.O_WRONLY, wasi.FileRights),
				b: e.open(t, "b", unix.O_WRONLY, wasi.FileRights)}
			wantErrno(t, "FDRenumber", e.s.FDRenumber(ctx, tt.from(s), tt.to(s)), tt.want)
			if tt.check != nil {
				tt.check(t, s)
			}
		})
	}
}

func TestFDStatGet(t *testing.T) {
	r, w := hostPipe(t)
	cfg := noStdioConfig()
	cfg.Stdin = r
	e := newFDEnv(t, cfg)
	_ = w
	e.writeFile(t, "f", "")
	fd := e.open(t, "f", unix.O_RDONLY, wasi.FDReadRight|wasi.FDSeekRight)
	pr, _, _, _ := e.pipe(t)
	tests := []struct {
		name  string
		fd    wasi.FD
		want  wasi.FDStat
		errno wasi.Errno
	}{
		{"preopen", fdPreopen, wasi.FDStat{FileType: wasi.DirectoryType, RightsBase: wasi.DirectoryRights,
			RightsInheriting: wasi.DirectoryRights | wasi.FileRights}, wasi.ESUCCESS},
		{"file", fd, wasi.FDStat{FileType: wasi.RegularFileType, RightsBase: wasi.FDReadRight | wasi.FDSeekRight}, wasi.ESUCCESS},
		{"stdin pipe", 0, wasi.FDStat{FileType: wasi.UnknownType, RightsBase: wasi.TTYRights}, wasi.ESUCCESS},
		{"pipe", pr, wasi.FDStat{FileType: wasi.UnknownType, RightsBase: wasi.TTYRights}, wasi.ESUCCESS},
		{"absent stdout", 1, wasi.FDStat{}, wasi.EBADF},
		{"closed", 77, wasi.FDStat{}, wasi.EBADF},
	}
	for _, tt := range tests {
		got, errno := e.s.FDStatGet(t.Context(), tt.fd)
		if errno != tt.errno || got != tt.want {
			t.Errorf("%s: FDStatGet = %+v, %v; want %+v, %v", tt.name, got, errno, tt.want, tt.errno)
		}
	}
}

func TestFDStatSetFlags(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	e.writeFile(t, "f", "abc")
	fd := e.open(t, "f", unix.O_RDWR, wasi.FileRights)
	noRight := e.open(t, "f", unix.O_RDWR, wasi.FileRights&^wasi.FDFDStatSetFlagsRight)
	hostFlags := func() int {
		fl, err := unix.FcntlInt(uintptr(e.s.files[fd].fd), unix.F_GETFL, 0)
		if err != nil {
			t.Fatal(err)
		}
		return fl
	}

	// APPEND reaches the host: a write after a seek to 0 lands at the end.
	wantErrno(t, "set append", e.s.FDStatSetFlags(ctx, fd, wasi.Append), wasi.ESUCCESS)
	if hostFlags()&unix.O_APPEND == 0 {
		t.Fatal("host O_APPEND not set")
	}
	e.s.FDSeek(ctx, fd, 0, wasi.WhenceSet)
	e.s.FDWrite(ctx, fd, [][]byte{[]byte("d")})
	if got := e.readFile(t, "f"); got != "abcd" {
		t.Fatalf("append write: %q", got)
	}
	if st, _ := e.s.FDStatGet(ctx, fd); st.Flags != wasi.Append {
		t.Fatalf("flags = %v", st.Flags)
	}

	// NONBLOCK is the guest's view only; clearing APPEND clears the host's.
	wantErrno(t, "set nonblock", e.s.FDStatSetFlags(ctx, fd, wasi.NonBlock), wasi.ESUCCESS)
	if fl := hostFlags(); fl&unix.O_APPEND != 0 || fl&unix.O_NONBLOCK == 0 {
		t.Fatalf("host flags %#x: want O_APPEND clear and O_NONBLOCK kept", fl)
	}
	if st, _ := e.s.FDStatGet(ctx, fd); st.Flags != wasi.NonBlock {
		t.Fatalf("flags = %v", st.Flags)
	}
	wantErrno(t, "clear", e.s.FDStatSetFlags(ctx, fd, 0), wasi.ESUCCESS)
	if hostFlags()&unix.O_NONBLOCK == 0 {
		t.Fatal("host O_NONBLOCK cleared by the guest")
	}

	tests := []struct {
		name  string
		fd    wasi.FD
		flags wasi.FDFlags
		want  wasi.Errno
	}{
		{"sync", fd, wasi.Sync, wasi.ENOTSUP},
		{"dsync", fd, wasi.DSync | wasi.Append, wasi.ENOTSUP},
		{"rsync", fd, wasi.RSync, wasi.ENOTSUP},
		{"undefined bit", fd, 1 << 5, wasi.EINVAL},
		{"no right", noRight, wasi.Append, wasi.ENOTCAPABLE},
		{"closed", 50, 0, wasi.EBADF},
	}
	for _, tt := range tests {
		wantErrno(t, tt.name, e.s.FDStatSetFlags(ctx, tt.fd, tt.flags), tt.want)
	}
	if st, _ := e.s.FDStatGet(ctx, fd); st.Flags != 0 {
		t.Fatalf("a failed set changed the flags to %v", st.Flags)
	}
}

func TestFDStatSetRights(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	e.writeFile(t, "f", "abc")
	fd := e.open(t, "f", unix.O_RDWR, wasi.FDReadRight|wasi.FDWriteRight)
	tests := []struct {
		name          string
		base, inherit wasi.Rights
		want          wasi.Errno
	}{
		{"same", wasi.FDReadRight | wasi.FDWriteRight, 0, wasi.ESUCCESS},
		{"add base", wasi.FDReadRight | wasi.FDWriteRight | wasi.FDSeekRight, 0, wasi.ENOTCAPABLE},
		{"add inheriting", wasi.FDReadRight, wasi.FDReadRight, wasi.ENOTCAPABLE},
		{"drop write", wasi.FDReadRight, 0, wasi.ESUCCESS},
		{"re-add write", wasi.FDReadRight | wasi.FDWriteRight, 0, wasi.ENOTCAPABLE},
	}
	for _, tt := range tests {
		wantErrno(t, tt.name, e.s.FDStatSetRights(ctx, fd, tt.base, tt.inherit), tt.want)
	}
	if _, errno := e.s.FDWrite(ctx, fd, [][]byte{[]byte("x")}); errno != wasi.EBADF {
		t.Errorf("write after dropping the right: %v", errno)
	}
	if _, errno := e.s.FDRead(ctx, fd, [][]byte{make([]byte, 3)}); errno != wasi.ESUCCESS {
		t.Errorf("read after dropping write: %v", errno)
	}
	wantErrno(t, "closed", e.s.FDStatSetRights(ctx, 60, 0, 0), wasi.EBADF)
	// Preopens shrink too.
	wantErrno(t, "preopen", e.s.FDStatSetRights(ctx, fdPreopen, wasi.FDReadDirRight, 0), wasi.ESUCCESS)
	if st, _ := e.s.FDStatGet(ctx, fdPreopen); st.RightsBase != wasi.FDReadDirRight || st.RightsInheriting != 0 {
		t.Errorf("preopen rights %v / %v", st.RightsBase, st.RightsInheriting)
	}
}

func TestFDFileStatGet(t *testing.T) {
	r, _ := hostPipe(t)
	cfg := noStdioConfig()
	cfg.Stdin = r
	e := newFDEnv(t, cfg)
	ctx := t.Context()
	e.writeFile(t, "f", "twelve bytes")
	fd := e.open(t, "f", unix.O_RDONLY, wasi.FileRights)
	noRight := e.open(t, "f", unix.O_RDONLY, wasi.FDReadRight)

	var st unix.Stat_t
	if err := unix.Stat(filepath.Join(e.dir, "f"), &st); err != nil {
		t.Fatal(err)
	}
	got, errno := e.s.FDFileStatGet(ctx, fd)
	wantErrno(t, "file", errno, wasi.ESUCCESS)
	want := wasi.FileStat{Dev: st.Dev, Ino: st.Ino, FileType: wasi.RegularFileType, NLink: 1, Size: 12,
		ATime: wasi.Timestamp(st.Atim.Nano()), MTime: wasi.Timestamp(st.Mtim.Nano()), CTime: wasi.Timestamp(st.Ctim.Nano())}
	if got != want {
		t.Errorf("FDFileStatGet = %+v\nwant %+v", got, want)
	}
	if got, errno := e.s.FDFileStatGet(ctx, fdPreopen); errno != wasi.ESUCCESS || got.FileType != wasi.DirectoryType {
		t.Errorf("preopen: %+v, %v", got, errno)
	}
	if got, errno := e.s.FDFileStatGet(ctx, 0); errno != wasi.ESUCCESS || got.FileType != wasi.UnknownType {
		t.Errorf("stdin pipe: %+v, %v", got, errno)
	}
	if _, errno := e.s.FDFileStatGet(ctx, noRight); errno != wasi.ENOTCAPABLE {
		t.Errorf("without right: %v", errno)
	}
	if _, errno := e.s.FDFileStatGet(ctx, 9); errno != wasi.EBADF {
		t.Errorf("closed: %v", errno)
	}
}

func TestFDFileStatSetSize(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	e.writeFile(t, "f", "0123456789")
	fd := e.open(t, "f", unix.O_RDWR, wasi.FileRights)
	noRight := e.open(t, "f", unix.O_RDWR, wasi.FileRights&^wasi.FDFileStatSetSizeRight)
	ro := e.open(t, "f", unix.O_RDONLY, wasi.FileRights)
	tests := []struct {
		name string
		fd   wasi.FD
		size wasi.FileSize
		want wasi.Errno
		file string
	}{
		{"shrink", fd, 4, wasi.ESUCCESS, "0123"},
		{"grow", fd, 6, wasi.ESUCCESS, "0123\x00\x00"},
		{"huge", fd, math.MaxUint64, wasi.EINVAL, "0123\x00\x00"},
		{"no right", noRight, 1, wasi.ENOTCAPABLE, "0123\x00\x00"},
		{"read-only host fd", ro, 1, wasi.EINVAL, "0123\x00\x00"},
		{"directory", fdPreopen, 1, wasi.ENOTCAPABLE, "0123\x00\x00"},
	}
	for _, tt := range tests {
		wantErrno(t, tt.name, e.s.FDFileStatSetSize(ctx, tt.fd, tt.size), tt.want)
		if got := e.readFile(t, "f"); got != tt.file {
			t.Errorf("%s: file = %q, want %q", tt.name, got, tt.file)
		}
	}
}

func TestFDFileStatSetTimes(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	e.writeFile(t, "f", "x")
	fd := e.open(t, "f", unix.O_RDWR, wasi.FileRights)
	noRight := e.open(t, "f", unix.O_RDWR, wasi.FileRights&^wasi.FDFileStatSetTimesRight)
	const a0, m0 = 1_000_000_000_123, 2_000_000_000_456
	if errno := e.s.FDFileStatSetTimes(ctx, fd, a0, m0, wasi.AccessTime|wasi.ModifyTime); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	before := time.Now().UnixNano()
	tests := []struct {
		name       string
		fd         wasi.FD
		atim, mtim wasi.Timestamp
		flags      wasi.FSTFlags
		want       wasi.Errno
		check      func(st wasi.FileStat) bool
	}{
		{"explicit", fd, 5e9, 6e9 + 7, wasi.AccessTime | wasi.ModifyTime, wasi.ESUCCESS,
			func(st wasi.FileStat) bool { return st.ATime == 5e9 && st.MTime == 6e9+7 }},
		{"mtime only", fd, 1, 8e9, wasi.ModifyTime, wasi.ESUCCESS,
			func(st wasi.FileStat) bool { return st.ATime == 5e9 && st.MTime == 8e9 }},
		{"nothing", fd, 1, 1, 0, wasi.ESUCCESS,
			func(st wasi.FileStat) bool { return st.ATime == 5e9 && st.MTime == 8e9 }},
		{"atime now", fd, 0, 0, wasi.AccessTimeNow, wasi.ESUCCESS,
			func(st wasi.FileStat) bool { return st.ATime >= wasi.Timestamp(before)-1e9 && st.MTime == 8e9 }},
		{"mtime now", fd, 0, 0, wasi.ModifyTimeNow, wasi.ESUCCESS,
			func(st wasi.FileStat) bool { return st.MTime >= wasi.Timestamp(before)-1e9 }},
		{"atime and now", fd, 1, 0, wasi.AccessTime | wasi.AccessTimeNow, wasi.EINVAL, nil},
		{"mtime and now", fd, 0, 1, wasi.ModifyTime | wasi.ModifyTimeNow, wasi.EINVAL, nil},
		{"undefined flag", fd, 0, 0, 1 << 4, wasi.EINVAL, nil},
		{"no right", noRight, 0, 0, wasi.ModifyTimeNow, wasi.ENOTCAPABLE, nil},
		{"closed", 31, 0, 0, 0, wasi.EBADF, nil},
	}
	for _, tt := range tests {
		wantErrno(t, tt.name, e.s.FDFileStatSetTimes(ctx, tt.fd, tt.atim, tt.mtim, tt.flags), tt.want)
		if tt.check != nil {
			st, _ := e.s.FDFileStatGet(ctx, fd)
			if !tt.check(st) {
				t.Errorf("%s: times atim=%d mtim=%d", tt.name, st.ATime, st.MTime)
			}
		}
	}
	// The preopen directory has the right too.
	wantErrno(t, "directory", e.s.FDFileStatSetTimes(ctx, fdPreopen, 0, 3e9, wasi.ModifyTime), wasi.ESUCCESS)
	if st, _ := e.s.FDFileStatGet(ctx, fdPreopen); st.MTime != 3e9 {
		t.Errorf("directory mtim = %d", st.MTime)
	}
}

func TestFDAdviseAllocate(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	e.writeFile(t, "f", "abc")
	fd := e.open(t, "f", unix.O_RDWR, wasi.FileRights)
	noRight := e.open(t, "f", unix.O_RDWR, wasi.FDReadRight)
	_, pw, _, _ := e.pipe(t)
	pw2 := e.install(t, func() int { fd, _ := unix.Dup(e.s.files[pw].fd); return fd }(), wasi.FDAdviseRight|wasi.FDAllocateRight)

	advise := []struct {
		name   string
		fd     wasi.FD
		advice wasi.Advice
		off    wasi.FileSize
		want   wasi.Errno
	}{
		{"normal", fd, wasi.AdviceNormal, 0, wasi.ESUCCESS},
		{"sequential", fd, wasi.AdviceSequential, 0, wasi.ESUCCESS},
		{"random", fd, wasi.AdviceRandom, 0, wasi.ESUCCESS},
		{"willneed", fd, wasi.AdviceWillNeed, 0, wasi.ESUCCESS},
		{"dontneed", fd, wasi.AdviceDontNeed, 0, wasi.ESUCCESS},
		{"noreuse", fd, wasi.AdviceNoReuse, 0, wasi.ESUCCESS},
		{"bad advice", fd, 6, 0, wasi.EINVAL},
		{"huge offset", fd, wasi.AdviceNormal, math.MaxUint64, wasi.EINVAL},
		{"pipe", pw2, wasi.AdviceNormal, 0, wasi.ESPIPE},
		{"no right", noRight, wasi.AdviceNormal, 0, wasi.ENOTCAPABLE},
		{"closed", 44, wasi.AdviceNormal, 0, wasi.EBADF},
	}
	for _, tt := range advise {
		wantErrno(t, "advise "+tt.name, e.s.FDAdvise(ctx, tt.fd, tt.off, 10, tt.advice), tt.want)
	}

	allocate := []struct {
		name        string
		fd          wasi.FD
		off, length wasi.FileSize
		want        wasi.Errno
	}{
		{"zero length", fd, 0, 0, wasi.EINVAL},
		{"huge", fd, math.MaxInt64, math.MaxInt64, wasi.EFBIG},
		{"no right", noRight, 0, 10, wasi.ENOTCAPABLE},
		{"pipe", pw2, 0, 10, wasi.ESPIPE},
		{"closed", 44, 0, 10, wasi.EBADF},
	}
	for _, tt := range allocate {
		wantErrno(t, "allocate "+tt.name, e.s.FDAllocate(ctx, tt.fd, tt.off, tt.length), tt.want)
	}
	switch errno := e.s.FDAllocate(ctx, fd, 100, 28); errno {
	case wasi.ESUCCESS:
		if st, _ := e.s.FDFileStatGet(ctx, fd); st.Size != 128 {
			t.Errorf("size after allocate = %d, want 128", st.Size)
		}
		// fallocate never shrinks.
		wantErrno(t, "allocate inside", e.s.FDAllocate(ctx, fd, 0, 10), wasi.ESUCCESS)
		if st, _ := e.s.FDFileStatGet(ctx, fd); st.Size != 128 {
			t.Errorf("size after allocate inside = %d, want 128", st.Size)
		}
	case wasi.ENOTSUP:
		t.Log("file system without fallocate")
	default:
		t.Errorf("allocate: %v", errno)
	}
}

func TestFDSync(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	e.writeFile(t, "f", "abc")
	fd := e.open(t, "f", unix.O_RDWR, wasi.FileRights)
	noRight := e.open(t, "f", unix.O_RDWR, wasi.FDReadRight)
	_, pw, _, _ := e.pipe(t)
	e.grant(pw, wasi.FDSyncRight|wasi.FDDataSyncRight)
	tests := []struct {
		name string
		fd   wasi.FD
		want wasi.Errno
	}{
		{"file", fd, wasi.ESUCCESS},
		{"directory", fdPreopen, wasi.ESUCCESS},
		{"pipe", pw, wasi.EINVAL},
		{"no right", noRight, wasi.ENOTCAPABLE},
		{"closed", 44, wasi.EBADF},
	}
	for _, tt := range tests {
		wantErrno(t, "sync "+tt.name, e.s.FDSync(ctx, tt.fd), tt.want)
		if tt.fd == fdPreopen {
			continue // directories have fd_sync but not fd_datasync
		}
		wantErrno(t, "datasync "+tt.name, e.s.FDDataSync(ctx, tt.fd), tt.want)
	}
	wantErrno(t, "datasync directory", e.s.FDDataSync(ctx, fdPreopen), wasi.ENOTCAPABLE)
}

func TestFDPrestat(t *testing.T) {
	r, _ := hostPipe(t)
	second := t.TempDir()
	cfg := noStdioConfig()
	cfg.Stdin = r
	cfg.Preopens = []Preopen{{HostPath: second, GuestPath: "/second/dir", ReadOnly: true}}
	e := newFDEnv(t, cfg)
	ctx := t.Context()
	e.writeFile(t, "f", "")
	file := e.open(t, "f", unix.O_RDONLY, wasi.FileRights)

	tests := []struct {
		name  string
		fd    wasi.FD
		want  string
		errno wasi.Errno
	}{
		{"first preopen", 3, "/sandbox", wasi.ESUCCESS},
		{"second preopen", 4, "/second/dir", wasi.ESUCCESS},
		{"open non-preopen", file, "", wasi.EBADF},
		{"stdin", 0, "", wasi.EBADF},
		{"absent stdout", 1, "", wasi.EBADF},
		{"never opened", 6, "", wasi.EBADF},
		{"negative", -1, "", wasi.EBADF},
	}
	for _, tt := range tests {
		ps, errno := e.s.FDPrestatGet(ctx, tt.fd)
		name, errno2 := e.s.FDPrestatDirName(ctx, tt.fd)
		if errno != tt.errno || errno2 != tt.errno {
			t.Errorf("%s: errnos %v, %v; want %v", tt.name, errno, errno2, tt.errno)
			continue
		}
		if errno == wasi.ESUCCESS && (ps != wasi.Prestat{Type: wasi.PreopenDir, NameLen: wasi.Size(len(tt.want))} || name != tt.want) {
			t.Errorf("%s: %+v %q; want %q", tt.name, ps, name, tt.want)
		}
	}

	// wasi-libc's discovery loop: from 3 up until EBADF finds exactly the
	// preopens.
	var found []string
	for fd := wasi.FD(3); ; fd++ {
		ps, errno := e.s.FDPrestatGet(ctx, fd)
		if errno == wasi.EBADF {
			break
		}
		if errno != wasi.ESUCCESS {
			t.Fatalf("fd %d: %v (wasi-libc would exit)", fd, errno)
		}
		name, _ := e.s.FDPrestatDirName(ctx, fd)
		if int(ps.NameLen) != len(name) {
			t.Fatalf("fd %d: name_len %d for %q", fd, ps.NameLen, name)
		}
		found = append(found, name)
	}
	if len(found) != 2 || found[0] != "/sandbox" || found[1] != "/second/dir" {
		t.Errorf("discovered %q", found)
	}
}

func TestFDReadNonBlockingPipe(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	pr, pw, _, _ := e.pipe(t)
	wantErrno(t, "set nonblock", e.s.FDStatSetFlags(ctx, pr, wasi.NonBlock), wasi.ESUCCESS)
	buf := make([]byte, 16)
	if _, errno := e.s.FDRead(ctx, pr, [][]byte{buf}); errno != wasi.EAGAIN {
		t.Fatalf("empty pipe: %v, want EAGAIN", errno)
	}
	e.s.FDWrite(ctx, pw, [][]byte{[]byte("ping")})
	if n, errno := e.s.FDRead(ctx, pr, [][]byte{buf}); errno != wasi.ESUCCESS || string(buf[:n]) != "ping" {
		t.Fatalf("read = %q, %v", buf[:n], errno)
	}
	e.s.FDClose(ctx, pw)
	if n, errno := e.s.FDRead(ctx, pr, [][]byte{buf}); errno != wasi.ESUCCESS || n != 0 {
		t.Fatalf("after the writer closed: %d, %v; want EOF", n, errno)
	}
}

func TestFDReadBlockingPipe(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	pr, _, _, hw := e.pipe(t)
	done := make(chan struct{})
	var n wasi.Size
	var errno wasi.Errno
	buf := make([]byte, 16)
	go func() {
		defer close(done)
		n, errno = e.s.FDRead(ctx, pr, [][]byte{buf})
	}()
	time.Sleep(10 * time.Millisecond) // let the reader block (either order is correct)
	unix.Write(hw, []byte("late"))
	waitDone(t, done, "blocking read")
	if errno != wasi.ESUCCESS || string(buf[:n]) != "late" {
		t.Fatalf("read = %q, %v", buf[:n], errno)
	}
}

func TestFDReadWake(t *testing.T) {
	tests := []struct {
		name  string
		stdin bool // read the blocking stdio descriptor, else a path_open-style pipe
	}{
		{"pipe", false},
		{"stdin", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := hostPipe(t)
			cfg := noStdioConfig()
			cfg.Stdin = r
			e := newFDEnv(t, cfg)
			fd := wasi.FD(0)
			if !tt.stdin {
				fd, _, _, _ = e.pipe(t)
			}
			done := make(chan struct{})
			var errno wasi.Errno
			go func() {
				defer close(done)
				_, errno = e.s.FDRead(t.Context(), fd, [][]byte{make([]byte, 8)})
			}()
			time.Sleep(10 * time.Millisecond)
			e.s.Wake()
			waitDone(t, done, "read after Wake")
			wantErrno(t, "woken read", errno, wasi.ECANCELED)
		})
	}
}

func TestFDReadStdin(t *testing.T) {
	r, w := hostPipe(t)
	cfg := noStdioConfig()
	cfg.Stdin = r
	e := newFDEnv(t, cfg)
	ctx := t.Context()
	buf := make([]byte, 16)

	unix.Write(w, []byte("line\n"))
	if n, errno := e.s.FDRead(ctx, 0, [][]byte{buf}); errno != wasi.ESUCCESS || string(buf[:n]) != "line\n" {
		t.Fatalf("blocking stdin read = %q, %v", buf[:n], errno)
	}
	wantErrno(t, "set nonblock", e.s.FDStatSetFlags(ctx, 0, wasi.NonBlock), wasi.ESUCCESS)
	if _, errno := e.s.FDRead(ctx, 0, [][]byte{buf}); errno != wasi.EAGAIN {
		t.Fatalf("nonblocking stdin without data: %v, want EAGAIN", errno)
	}
	// The host descriptor, shared with the terminal, stays blocking.
	fl, _ := unix.FcntlInt(uintptr(r), unix.F_GETFL, 0)
	if fl&unix.O_NONBLOCK != 0 {
		t.Fatal("O_NONBLOCK set on the host's stdin")
	}
	unix.Write(w, []byte("more"))
	if n, errno := e.s.FDRead(ctx, 0, [][]byte{buf}); errno != wasi.ESUCCESS || string(buf[:n]) != "more" {
		t.Fatalf("nonblocking stdin with data = %q, %v", buf[:n], errno)
	}
	unix.Close(w)
	if n, errno := e.s.FDRead(ctx, 0, [][]byte{buf}); errno != wasi.ESUCCESS || n != 0 {
		t.Fatalf("stdin at EOF: %d, %v", n, errno)
	}
}

// TestFDReadFileNowait reads regular files through readFile's two paths:
// RWF_NOWAIT from the page cache, and the ordinary read for what the cache
// does not hold (evicted with POSIX_FADV_DONTNEED, which the kernel may
// ignore: the contents are checked either way) or where the file system
// refuses RWF_NOWAIT (tmpfs).
func TestFDReadFileNowait(t *testing.T) {
	const size = 256 << 10
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 7 / 5)
	}
	dirs := map[string]string{"tmp": ""}
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		dirs["shm"] = "/dev/shm"
	}
	for name, base := range dirs {
		t.Run(name, func(t *testing.T) {
			e := newFDEnv(t, noStdioConfig())
			ctx := t.Context()
			dir := e.dir
			if base != "" {
				var err error
				if dir, err = os.MkdirTemp(base, "wasibox-test-"); err != nil {
					t.Skip(err)
				}
				t.Cleanup(func() { os.RemoveAll(dir) })
			}
			path := filepath.Join(dir, "f")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			hfd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
			if err != nil {
				t.Fatal(err)
			}
			fd := e.install(t, hfd, wasi.FileRights)
			evict := func(off, n int64) {
				if n == 0 {
					return // (length 0 would mean "to the end of the file")
				}
				unix.Fdatasync(hfd)
				unix.Fadvise(hfd, off, n, unix.FADV_DONTNEED)
			}
			for _, c := range []struct {
				name   string
				evict  [2]int64 // byte range dropped from the cache first
				off    int64    // read from here (pread; fd_read seeks first)
				bufLen int
			}{
				{"cached", [2]int64{}, 0, size},
				{"none cached", [2]int64{0, size}, 0, size},
				{"second half evicted", [2]int64{size / 2, size / 2}, 0, size},
				{"split over two iovecs", [2]int64{size / 2, size / 2}, 1000, size - 2000},
				{"past the end", [2]int64{0, size}, size - 100, 4096},
			} {
				for _, pread := range []bool{false, true} {
					evict(c.evict[0], c.evict[1])
					buf := make([]byte, c.bufLen)
					iovs := [][]byte{buf[:c.bufLen/3], buf[c.bufLen/3:]}
					var n wasi.Size
					var errno wasi.Errno
					if pread {
						n, errno = e.s.FDPread(ctx, fd, iovs, wasi.FileSize(c.off))
					} else {
						if _, errno := e.s.FDSeek(ctx, fd, c.off, wasi.WhenceSet); errno != wasi.ESUCCESS {
							t.Fatal(errno)
						}
						n, errno = e.s.FDRead(ctx, fd, iovs)
					}
					want := data[c.off:min(c.off+int64(c.bufLen), size)]
					if errno != wasi.ESUCCESS || !bytes.Equal(buf[:n], want) {
						t.Errorf("%s (pread %v): %d bytes, %v; want %d bytes", c.name, pread, n, errno, len(want))
					}
					if !pread {
						if pos, _ := unix.Seek(hfd, 0, unix.SEEK_CUR); pos != c.off+int64(n) {
							t.Errorf("%s: offset %d after reading %d from %d", c.name, pos, n, c.off)
						}
					}
				}
			}
			if got := e.s.files[fd].noNowait; got != (name == "shm") {
				t.Logf("noNowait = %v on %s (RWF_NOWAIT support depends on the kernel and file system)", got, name)
			}
		})
	}
}

// TestFDReadStdinDevice reads a character device that honours RWF_NOWAIT
// (/dev/zero) as stdin: one preadv2 per read, no poll first.
func TestFDReadStdinDevice(t *testing.T) {
	zero, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip(err)
	}
	defer zero.Close()
	cfg := noStdioConfig()
	cfg.Stdin = int(zero.Fd())
	e := newFDEnv(t, cfg)
	buf := bytes.Repeat([]byte{1}, 100)
	for range 3 {
		if n, errno := e.s.FDRead(t.Context(), 0, [][]byte{buf}); n != 100 || errno != wasi.ESUCCESS || !bytes.Equal(buf, make([]byte, 100)) {
			t.Fatalf("read /dev/zero: %d, %v", n, errno)
		}
	}
	if e.s.files[0].noNowait {
		t.Log("RWF_NOWAIT refused on /dev/zero by this kernel: reads poll first")
	}
}

func TestFDWriteStdout(t *testing.T) {
	r, w := hostPipe(t)
	cfg := noStdioConfig()
	cfg.Stdout = w
	e := newFDEnv(t, cfg)
	ctx := t.Context()
	if n, errno := e.s.FDWrite(ctx, 1, [][]byte{[]byte("out"), []byte("put")}); errno != wasi.ESUCCESS || n != 6 {
		t.Fatalf("stdout write = %d, %v", n, errno)
	}
	buf := make([]byte, 16)
	if n, _ := unix.Read(r, buf); string(buf[:n]) != "output" {
		t.Fatalf("host read %q", buf[:n])
	}

	// A blocking guest write larger than the pipe waits for room where
	// Wake reaches it: it returns the count written so far, and the next
	// write ECANCELED.
	big := make([]byte, 1<<20)
	done := make(chan struct{})
	var n wasi.Size
	var errno wasi.Errno
	go func() {
		defer close(done)
		n, errno = e.s.FDWrite(ctx, 1, [][]byte{big})
	}()
	for {
		if q, err := unix.IoctlGetInt(r, unix.TIOCINQ); err != nil || q > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(5 * time.Millisecond)
	e.s.Wake()
	waitDone(t, done, "stdout write after Wake")
	if errno != wasi.ESUCCESS || n == 0 || n >= wasi.Size(len(big)) {
		t.Fatalf("woken write = %d, %v; want a short count", n, errno)
	}
	if _, errno := e.s.FDWrite(ctx, 1, [][]byte{big}); errno != wasi.ECANCELED {
		t.Fatalf("write to the full pipe after Wake: %v, want ECANCELED", errno)
	}
	// The host descriptor, shared with the terminal, stays blocking.
	if fl, _ := unix.FcntlInt(uintptr(w), unix.F_GETFL, 0); fl&unix.O_NONBLOCK != 0 {
		t.Fatal("O_NONBLOCK set on the host's stdout")
	}
}

func TestFDWriteStdoutNonBlocking(t *testing.T) {
	r, w := hostPipe(t)
	cfg := noStdioConfig()
	cfg.Stdout = w
	e := newFDEnv(t, cfg)
	ctx := t.Context()
	// A guest NONBLOCK write on a full stdout pipe is a short count, then
	// EAGAIN, never a hang.
	wantErrno(t, "set nonblock", e.s.FDStatSetFlags(ctx, 1, wasi.NonBlock), wasi.ESUCCESS)
	big := make([]byte, 1<<20)
	n, errno := e.s.FDWrite(ctx, 1, [][]byte{big})
	if errno != wasi.ESUCCESS || n == 0 || n >= wasi.Size(len(big)) {
		t.Fatalf("first write = %d, %v; want a short count", n, errno)
	}
	if _, errno := e.s.FDWrite(ctx, 1, [][]byte{big}); errno != wasi.EAGAIN {
		t.Fatalf("write to the full pipe: %v, want EAGAIN", errno)
	}
	buf := make([]byte, 100)
	if n, err := unix.Read(r, buf); n != 100 || err != nil {
		t.Fatalf("host read: %d, %v", n, err)
	}
}

func TestFDWriteShort(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	big := make([]byte, 1<<20)

	t.Run("nonblocking", func(t *testing.T) {
		_, pw, _, _ := e.pipe(t)
		e.s.FDStatSetFlags(ctx, pw, wasi.NonBlock)
		n, errno := e.s.FDWrite(ctx, pw, [][]byte{big[:1000], big[1000:]})
		if errno != wasi.ESUCCESS || n == 0 || n >= wasi.Size(len(big)) {
			t.Fatalf("first write = %d, %v; want a short count", n, errno)
		}
		if _, errno := e.s.FDWrite(ctx, pw, [][]byte{big}); errno != wasi.EAGAIN {
			t.Fatalf("write to the full pipe: %v, want EAGAIN", errno)
		}
	})

	t.Run("blocking writes everything", func(t *testing.T) {
		_, pw, hr, _ := e.pipe(t)
		for i := range big {
			big[i] = byte(i * 7 / 3)
		}
		got := make(chan []byte)
		go func() {
			unix.SetNonblock(hr, false)
			var all []byte
			buf := make([]byte, 8192)
			for len(all) < len(big) {
				n, err := unix.Read(hr, buf)
				if n <= 0 || err != nil {
					break
				}
				all = append(all, buf[:n]...)
			}
			got <- all
		}()
		n, errno := e.s.FDWrite(ctx, pw, [][]byte{big[:3], big[3:70000], big[70000:]})
		if errno != wasi.ESUCCESS || n != wasi.Size(len(big)) {
			t.Fatalf("blocking write = %d, %v; want %d", n, errno, len(big))
		}
		if all := <-got; !bytes.Equal(all, big) {
			t.Fatalf("reader got %d bytes, not the %d written", len(all), len(big))
		}
	})

	t.Run("short then error", func(t *testing.T) {
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
			t.Fatal(err)
		}
		hr := p[0] // owned by the goroutine: the System is not for concurrent use
		pw := e.install(t, p[1], wasi.TTYRights)
		go func() {
			// Close the reading end once the pipe is full, while the
			// writer waits for room: its next write fails with EPIPE.
			for {
				n, err := unix.IoctlGetInt(hr, unix.TIOCINQ)
				if err != nil || n >= 4096 {
					break
				}
				time.Sleep(time.Millisecond)
			}
			time.Sleep(5 * time.Millisecond)
			unix.Close(hr)
		}()
		n, errno := e.s.FDWrite(ctx, pw, [][]byte{big})
		if errno != wasi.ESUCCESS || n == 0 || n >= wasi.Size(len(big)) {
			t.Fatalf("write = %d, %v; want the short count and no error", n, errno)
		}
		if _, errno := e.s.FDWrite(ctx, pw, [][]byte{big}); errno != wasi.EPIPE {
			t.Fatalf("next write: %v, want EPIPE", errno)
		}
	})
}

// TestFDReadWriteNoAllocs checks the design target: fd_read and fd_write
// allocate nothing, with one iovec or several.
func TestFDReadWriteNoAllocs(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	fd := e.open(t, "f", unix.O_RDWR|unix.O_CREAT, wasi.FileRights)
	one := [][]byte{make([]byte, 64)}
	three := [][]byte{make([]byte, 16), make([]byte, 16), make([]byte, 32)}
	pr, pw, _, _ := e.pipe(t)
	e.s.FDWrite(ctx, fd, three) // warm the scratch
	tests := []struct {
		name string
		fn   func()
	}{
		{"write one", func() { e.s.FDWrite(ctx, fd, one) }},
		{"write three", func() { e.s.FDWrite(ctx, fd, three) }},
		{"pwrite three", func() { e.s.FDPwrite(ctx, fd, three, 0) }},
		{"pread one", func() { e.s.FDPread(ctx, fd, one, 0) }},
		{"pread three", func() { e.s.FDPread(ctx, fd, three, 0) }},
		{"read three", func() { e.s.FDSeek(ctx, fd, 0, wasi.WhenceSet); e.s.FDRead(ctx, fd, three) }},
		{"pipe", func() { e.s.FDWrite(ctx, pw, one); e.s.FDRead(ctx, pr, three) }},
		{"filestat", func() { e.s.FDFileStatGet(ctx, fd) }},
	}
	for _, tt := range tests {
		if a := testing.AllocsPerRun(100, tt.fn); a != 0 {
			t.Errorf("%s: %v allocs/op", tt.name, a)
		}
	}
}

func TestFDIOVecLimit(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	fd := e.open(t, "f", unix.O_RDWR|unix.O_CREAT, wasi.FileRights)
	iovs := make([][]byte, maxIOVecs+10)
	for i := range iovs {
		iovs[i] = []byte{'x'}
	}
	n, errno := e.s.FDWrite(ctx, fd, iovs)
	if errno != wasi.ESUCCESS || n != maxIOVecs {
		t.Fatalf("write of %d iovecs = %d, %v; want a short write of %d", len(iovs), n, errno, maxIOVecs)
	}
	if got := e.readFile(t, "f"); got != string(bytes.Repeat([]byte{'x'}, maxIOVecs)) {
		t.Fatalf("file has %d bytes", len(got))
	}
}
