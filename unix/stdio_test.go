//go:build linux

package unix

import (
	"context"
	"os"
	"testing"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// TestStdioTerminalRights: wasi-libc's and Zig's isatty(fd) is "a
// character device without fd_seek and fd_tell". A terminal must look like
// one, and /dev/null as stdin must not (a guest would take it for a user
// at a keyboard).
func TestStdioTerminalRights(t *testing.T) {
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	pty, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer unix.Close(pty)
	s, err := New(Config{Stdin: int(null.Fd()), Stdout: pty, Stderr: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ctx := t.Context()
	isatty := func(fd wasi.FD) bool {
		st, errno := s.FDStatGet(ctx, fd)
		if errno != wasi.ESUCCESS {
			t.Fatalf("fdstat %d: %v", fd, errno)
		}
		return st.FileType == wasi.CharacterDeviceType && !st.RightsBase.Has(wasi.FDSeekRight) && !st.RightsBase.Has(wasi.FDTellRight)
	}
	if isatty(0) {
		t.Error("/dev/null as stdin looks like a terminal")
	}
	if !isatty(1) {
		t.Error("a pseudo-terminal as stdout does not look like one")
	}
	// The rights it has work.
	if off, errno := s.FDTell(ctx, 0); errno != wasi.ESUCCESS || off != 0 {
		t.Errorf("fd_tell on /dev/null: %d %v", off, errno)
	}
	if n, errno := s.FDRead(ctx, 0, []wasi.IOVec{make([]byte, 8)}); errno != wasi.ESUCCESS || n != 0 {
		t.Errorf("fd_read on /dev/null: %d %v, want 0 (end of file)", n, errno)
	}
}

// TestFDReadDirOnFileIsEBADF: a file never holds fd_readdir (its rights
// are masked to a file's), yet fd_readdir on it is EBADF (not a directory
// descriptor, as in wasmtime and wazero), not "not capable": Go's and
// TinyGo's os.ReadDir act on EBADF.
func TestFDReadDirOnFileIsEBADF(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/f", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Stdin: -1, Stdout: -1, Stderr: -1, Preopens: []Preopen{{HostPath: dir, GuestPath: "/d"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ctx := t.Context()
	// Go's wasip1 os.Open asks for every right; the file keeps a file's.
	fd, errno := s.PathOpen(ctx, 3, 0, "f", 0, ^wasi.Rights(0), ^wasi.Rights(0), 0)
	if errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	if _, errno := s.FDReadDir(ctx, fd, make([]byte, 128), 0); errno != wasi.EBADF {
		t.Errorf("fd_readdir on a file: %v, want EBADF", errno)
	}
	// A directory without the right is still ENOTCAPABLE.
	dfd, errno := s.PathOpen(ctx, 3, 0, ".", wasi.ODirectory, wasi.FDFileStatGetRight, 0, 0)
	if errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	if _, errno := s.FDReadDir(ctx, dfd, make([]byte, 128), 0); errno != wasi.ENOTCAPABLE {
		t.Errorf("fd_readdir without the right: %v, want ENOTCAPABLE", errno)
	}
}

// TestFDRenumberOntoClosed: renumbering onto a number that is free now,
// though it was open before, is EBADF, as wasi-testsuite's renumber test
// ("renumbering to an invalid destination") and current wasmtime require,
// and nothing moves. yosys saves and restores stdout this way and loses
// output (here as under wasmtime); RATIONALE.md, "fd_renumber".
func TestFDRenumberOntoClosed(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Config{Stdin: -1, Stdout: -1, Stderr: -1, Preopens: []Preopen{{HostPath: dir, GuestPath: "/d"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ctx := t.Context()
	open := func(name string) wasi.FD {
		fd, errno := s.PathOpen(ctx, 3, 0, name, wasi.OCreate, wasi.FileRights, 0, 0)
		if errno != wasi.ESUCCESS {
			t.Fatalf("open %s: %v", name, errno)
		}
		return fd
	}
	a, b := open("a"), open("b")
	sockWant(t, "close b", s.FDClose(ctx, b), wasi.ESUCCESS)
	sockWant(t, "onto the closed b", s.FDRenumber(ctx, a, b), wasi.EBADF)
	if _, errno := s.FDStatGet(ctx, a); errno != wasi.ESUCCESS {
		t.Errorf("a refused renumber closed from: %v", errno)
	}
	if _, errno := s.FDStatGet(ctx, b); errno != wasi.EBADF {
		t.Errorf("a refused renumber opened to: %v", errno)
	}
}

// TestFDRenumberRestoresStdout is how yosys saves and restores stdout
// around a task: renumber stdout away, put a file at 1, close it, and
// renumber the saved stdout back onto the free 1. New descriptors never
// take 0-2, so this is the only way back; the output written after it
// must reach the real stdout. A stdio number that never held anything
// stays EBADF.
func TestFDRenumberRestoresStdout(t *testing.T) {
	dir := t.TempDir()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	s, err := New(Config{Stdin: -1, Stdout: p[1], Stderr: -1, Preopens: []Preopen{{HostPath: dir, GuestPath: "/d"}}})
	unix.Close(p[1])
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ctx := t.Context()
	open := func(name string) wasi.FD {
		fd, errno := s.PathOpen(ctx, 3, 0, name, wasi.OCreate, wasi.FileRights, 0, 0)
		if errno != wasi.ESUCCESS {
			t.Fatalf("open %s: %v", name, errno)
		}
		return fd
	}
	saved := open("saved")
	sockWant(t, "save stdout", s.FDRenumber(ctx, 1, saved), wasi.ESUCCESS)
	log := open("log")
	sockWant(t, "redirect", s.FDRenumber(ctx, log, 1), wasi.ESUCCESS)
	if _, errno := s.FDWrite(ctx, 1, []wasi.IOVec{[]byte("to the log\n")}); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	sockWant(t, "close the log", s.FDClose(ctx, 1), wasi.ESUCCESS)
	before := s.nfiles
	sockWant(t, "restore stdout onto the freed 1", s.FDRenumber(ctx, saved, 1), wasi.ESUCCESS)
	if s.nfiles != before {
		t.Errorf("open files %d -> %d: a move onto a free number changes no count", before, s.nfiles)
	}
	if _, errno := s.FDStatGet(ctx, saved); errno != wasi.EBADF {
		t.Errorf("the saved number is still open after the move: %v", errno)
	}
	if _, errno := s.FDWrite(ctx, 1, []wasi.IOVec{[]byte("back on stdout\n")}); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	buf := make([]byte, 64)
	n, _ := unix.Read(p[0], buf)
	if got := string(buf[:n]); got != "back on stdout\n" {
		t.Errorf("stdout got %q", got)
	}
	if b, _ := os.ReadFile(dir + "/log"); string(b) != "to the log\n" {
		t.Errorf("log holds %q", b)
	}
	// stdin and stderr were never given: still EBADF, and nothing moves.
	fd := open("x")
	for _, to := range []wasi.FD{0, 2} {
		sockWant(t, "onto a never-opened stdio number", s.FDRenumber(ctx, fd, to), wasi.EBADF)
	}
	if _, errno := s.FDStatGet(ctx, fd); errno != wasi.ESUCCESS {
		t.Errorf("a refused renumber closed from: %v", errno)
	}
}
