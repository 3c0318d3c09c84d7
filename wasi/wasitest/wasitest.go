// Package wasitest is a conformance suite for implementations of
// wasi.System: the behaviour of every preview 1 function a guest relies on,
// its edge cases, and the confinement of paths beneath their preopen.
//
// Any constructor can be run against it (package unix directly, package
// guard over unix, a future System):
//
//	func TestConformance(t *testing.T) {
//		wasitest.Run(t, func(t *testing.T, root string) wasi.System {
//			stdin, stdout, stderr := wasitest.Stdio(t)
//			sys, err := unix.New(unix.Config{
//				Preopens: []unix.Preopen{{HostPath: root, GuestPath: "/"}},
//				Stdin:    int(stdin.Fd()), Stdout: int(stdout.Fd()), Stderr: int(stderr.Fd()),
//			})
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { sys.Close(context.Background()) })
//			return sys
//		})
//	}
//
// Contract for the constructor: root is a fresh host directory, which the
// System preopens as guest fd 3 with guest path "/", read-write, and no
// other preopen. Guest fds 0, 1 and 2 are stdio as Stdio returns them:
// stdin a pipe that has no data and stays open, stdout and stderr always
// writable. The constructor closes the System when the test ends. Arguments,
// environment, clocks and randomness are the constructor's choice; the
// suite only checks that they work.
//
// Where the spec leaves a choice (whether fd_allocate is supported, the
// errno of some failures), the suite accepts each answer a sound
// implementation gives and says so in the test. What it never accepts is a
// path that leaves root: escapes through "..", absolute paths and symbolic
// links must fail with ENOTCAPABLE and leave a sentinel file outside root
// exactly as it was (design decision 1).
//
// The suite trusts the host: it prepares fixtures with package os, next to
// root, and reads results back the same way.
package wasitest

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wasibox/wasibox/wasi"
)

// Root is the guest descriptor of the preopened root directory.
const Root wasi.FD = 3

// Rights the suite asks for when it opens files and directories.
const (
	readRights  = wasi.FDReadRight | wasi.FDSeekRight | wasi.FDTellRight | wasi.FDFileStatGetRight
	fileRights  = wasi.FileRights
	dirRights   = wasi.DirectoryRights
	inheritAll  = wasi.DirectoryRights | wasi.FileRights
	sentinel    = "sentinel: must never change\n"
	fileContent = "0123456789"
)

// Run runs the suite against Systems made by newSystem, one fresh System
// and root per test.
func Run(t *testing.T, newSystem func(t *testing.T, root string) wasi.System) {
	s := &suite{newSystem: newSystem}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(s, t) })
	}
}

// groups are the suite's test groups: one per preview 1 function, in spec
// order, then the cross-cutting ones.
var groups = []struct {
	name string
	run  func(*suite, *testing.T)
}{
	{"args_environ", (*suite).argsEnviron},
	{"clock_res_get", (*suite).clockResGet},
	{"clock_time_get", (*suite).clockTimeGet},
	{"fd_advise", (*suite).fdAdvise},
	{"fd_allocate", (*suite).fdAllocate},
	{"fd_close", (*suite).fdClose},
	{"fd_datasync", (*suite).fdSync},
	{"fd_fdstat_get", (*suite).fdStatGet},
	{"fd_fdstat_set_flags", (*suite).fdStatSetFlags},
	{"fd_fdstat_set_rights", (*suite).fdStatSetRights},
	{"fd_filestat_get", (*suite).fdFileStatGet},
	{"fd_filestat_set_size", (*suite).fdFileStatSetSize},
	{"fd_filestat_set_times", (*suite).fdFileStatSetTimes},
	{"fd_pread", (*suite).fdPread},
	{"fd_prestat_get", (*suite).fdPrestatGet},
	{"fd_prestat_dir_name", (*suite).fdPrestatDirName},
	{"fd_pwrite", (*suite).fdPwrite},
	{"fd_read", (*suite).fdRead},
	{"fd_readdir", (*suite).fdReadDir},
	{"fd_renumber", (*suite).fdRenumber},
	{"fd_seek", (*suite).fdSeek},
	{"fd_tell", (*suite).fdTell},
	{"fd_write", (*suite).fdWrite},
	{"path_create_directory", (*suite).pathCreateDirectory},
	{"path_filestat_get", (*suite).pathFileStatGet},
	{"path_filestat_set_times", (*suite).pathFileStatSetTimes},
	{"path_link", (*suite).pathLink},
	{"path_open", (*suite).pathOpen},
	{"path_readlink", (*suite).pathReadLink},
	{"path_remove_directory", (*suite).pathRemoveDirectory},
	{"path_rename", (*suite).pathRename},
	{"path_symlink", (*suite).pathSymlink},
	{"path_unlink_file", (*suite).pathUnlinkFile},
	{"poll_oneoff", (*suite).pollOneOff},
	{"sched_yield", (*suite).schedYield},
	{"random_get", (*suite).randomGet},
	{"bad_fd", (*suite).badFD},
	{"rights", (*suite).rights},
	{"stdio", (*suite).stdio},
	{"escapes", (*suite).escapes},
}

type suite struct {
	newSystem func(t *testing.T, root string) wasi.System
}

// test runs f as subtest name with a fresh environment.
func (s *suite) test(t *testing.T, name string, f func(e *env)) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		f(s.env(t))
	})
}

// env is one test's System and its host side. root and outside are
// siblings, so "../outside" from root names outside.
type env struct {
	t       *testing.T
	ctx     context.Context
	sys     wasi.System
	root    string // host directory preopened as fd 3
	outside string // host directory next to root, never reachable
	sentMod time.Time
}

func (s *suite) env(t *testing.T) *env {
	t.Helper()
	parent := t.TempDir()
	e := &env{t: t, ctx: t.Context(), root: filepath.Join(parent, "root"), outside: filepath.Join(parent, "outside")}
	if err := os.Mkdir(e.root, 0o755); err != nil {
		t.Fatal(err)
	}
	e.sentMod = time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	e.makeOutside()
	e.sys = s.newSystem(t, e.root)
	if e.sys == nil {
		t.Fatal("newSystem returned nil")
	}
	return e
}

// checkSentinel fails the test if anything outside root changed, then
// puts it back, so that the next check blames the next call only.
func (e *env) checkSentinel(what string) {
	e.t.Helper()
	changed := false
	report := func(format string, args ...any) {
		e.t.Helper()
		changed = true
		e.t.Errorf("%s: "+format, append([]any{what}, args...)...)
	}
	secret := filepath.Join(e.outside, "secret")
	if data, err := os.ReadFile(secret); err != nil || string(data) != sentinel {
		report("sentinel outside root changed: %q, %v", data, err)
	}
	if fi, err := os.Lstat(secret); err == nil && fi.Mode().Type() != 0 {
		report("sentinel is now %v", fi.Mode())
	} else if err == nil && !fi.ModTime().Equal(e.sentMod) {
		report("sentinel's mtime changed to %v", fi.ModTime())
	}
	entries, err := os.ReadDir(e.outside)
	var names []string
	for _, d := range entries {
		names = append(names, d.Name())
	}
	if err != nil || !slices.Equal(names, []string{"dir", "link", "secret"}) {
		report("directory outside root now holds %q, %v", names, err)
	}
	if entries, err := os.ReadDir(filepath.Join(e.outside, "dir")); err != nil || len(entries) != 0 {
		report("outside/dir changed: %d entries, %v", len(entries), err)
	}
	if changed {
		e.resetOutside()
	}
}

// resetOutside puts the directory next to root back as env made it.
func (e *env) resetOutside() {
	e.t.Helper()
	if err := os.RemoveAll(e.outside); err != nil {
		e.t.Fatal(err)
	}
	e.makeOutside()
}

func (e *env) makeOutside() {
	e.t.Helper()
	for _, d := range []string{e.outside, filepath.Join(e.outside, "dir")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			e.t.Fatal(err)
		}
	}
	secret := filepath.Join(e.outside, "secret")
	if err := os.WriteFile(secret, []byte(sentinel), 0o644); err != nil {
		e.t.Fatal(err)
	}
	if err := os.Symlink("secret", filepath.Join(e.outside, "link")); err != nil {
		e.t.Fatal(err)
	}
	// A modification time in the past, so that a change is visible.
	if err := os.Chtimes(secret, e.sentMod, e.sentMod); err != nil {
		e.t.Fatal(err)
	}
}

// errno checks that got is one of want and reports what otherwise.
func (e *env) errno(what string, got wasi.Errno, want ...wasi.Errno) bool {
	e.t.Helper()
	if slices.Contains(want, got) {
		return true
	}
	names := make([]string, len(want))
	for i, w := range want {
		names[i] = w.Name()
	}
	e.t.Errorf("%s = %s, want %s", what, got.Name(), strings.Join(names, " or "))
	return false
}

// must stops the test unless got is ESUCCESS: what follows depends on it.
func (e *env) must(what string, got wasi.Errno) {
	e.t.Helper()
	if got != wasi.ESUCCESS {
		e.t.Fatalf("%s = %s (%v), want ESUCCESS", what, got.Name(), got)
	}
}

func (e *env) host(name string) string { return filepath.Join(e.root, filepath.FromSlash(name)) }

func (e *env) hostWrite(name, data string) {
	e.t.Helper()
	p := e.host(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) hostMkdir(name string) {
	e.t.Helper()
	if err := os.MkdirAll(e.host(name), 0o755); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) hostSymlink(target, name string) {
	e.t.Helper()
	if err := os.Symlink(target, e.host(name)); err != nil {
		e.t.Fatal(err)
	}
}

// hostRead returns the contents of root/name, or "<error>" if unreadable.
func (e *env) hostRead(name string) string {
	data, err := os.ReadFile(e.host(name))
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(data)
}

// hostType returns the type of root/name without following a symlink,
// and false if it does not exist.
func (e *env) hostType(name string) (fs.FileMode, bool) {
	fi, err := os.Lstat(e.host(name))
	if err != nil {
		return 0, false
	}
	return fi.Mode().Type(), true
}

func (e *env) openAt(dir wasi.FD, lookup wasi.LookupFlags, path string, oflags wasi.OFlags, base wasi.Rights, fdflags wasi.FDFlags) (wasi.FD, wasi.Errno) {
	return e.sys.PathOpen(e.ctx, dir, lookup, path, oflags, base, inheritAll, fdflags)
}

// open opens path beneath root, following symlinks, and stops the test if
// it fails.
func (e *env) open(path string, oflags wasi.OFlags, base wasi.Rights, fdflags wasi.FDFlags) wasi.FD {
	e.t.Helper()
	fd, errno := e.openAt(Root, wasi.SymlinkFollow, path, oflags, base, fdflags)
	e.must(fmt.Sprintf("path_open(%q, %v, %v)", path, oflags, fdflags), errno)
	return fd
}

// openFile creates root/name holding data and opens it read-write.
func (e *env) openFile(name, data string) wasi.FD {
	e.t.Helper()
	e.hostWrite(name, data)
	return e.open(name, 0, fileRights, 0)
}

func (e *env) openDir(name string, base wasi.Rights) wasi.FD {
	e.t.Helper()
	return e.open(name, wasi.ODirectory, base, 0)
}

func (e *env) close(fd wasi.FD) {
	e.t.Helper()
	e.must(fmt.Sprintf("fd_close(%d)", fd), e.sys.FDClose(e.ctx, fd))
}

// read reads up to n bytes with one fd_read.
func (e *env) read(fd wasi.FD, n int) (string, wasi.Errno) {
	buf := make([]byte, n)
	got, errno := e.sys.FDRead(e.ctx, fd, []wasi.IOVec{buf})
	if int(got) > n {
		e.t.Fatalf("fd_read(%d) returned %d bytes into a %d-byte buffer", fd, got, n)
	}
	return string(buf[:got]), errno
}

// readAll reads fd to its end.
func (e *env) readAll(fd wasi.FD) string {
	e.t.Helper()
	var out []byte
	buf := make([]byte, 64)
	for range 1 << 16 {
		n, errno := e.sys.FDRead(e.ctx, fd, []wasi.IOVec{buf})
		e.must(fmt.Sprintf("fd_read(%d)", fd), errno)
		if n == 0 {
			return string(out)
		}
		if int(n) > len(buf) {
			e.t.Fatalf("fd_read(%d) returned %d bytes into a %d-byte buffer", fd, n, len(buf))
		}
		out = append(out, buf[:n]...)
	}
	e.t.Fatalf("fd_read(%d) never reached the end", fd)
	return ""
}

func (e *env) write(fd wasi.FD, data string) {
	e.t.Helper()
	n, errno := e.sys.FDWrite(e.ctx, fd, []wasi.IOVec{[]byte(data)})
	e.must(fmt.Sprintf("fd_write(%d)", fd), errno)
	if int(n) != len(data) {
		e.t.Fatalf("fd_write(%d, %d bytes) wrote %d", fd, len(data), n)
	}
}

func (e *env) seek(fd wasi.FD, off wasi.FileDelta, whence wasi.Whence) wasi.FileSize {
	e.t.Helper()
	pos, errno := e.sys.FDSeek(e.ctx, fd, off, whence)
	e.must(fmt.Sprintf("fd_seek(%d, %d, %v)", fd, off, whence), errno)
	return pos
}

func (e *env) fdstat(fd wasi.FD) wasi.FDStat {
	e.t.Helper()
	st, errno := e.sys.FDStatGet(e.ctx, fd)
	e.must(fmt.Sprintf("fd_fdstat_get(%d)", fd), errno)
	return st
}

func (e *env) filestat(fd wasi.FD) wasi.FileStat {
	e.t.Helper()
	st, errno := e.sys.FDFileStatGet(e.ctx, fd)
	e.must(fmt.Sprintf("fd_filestat_get(%d)", fd), errno)
	return st
}

func (e *env) pathStat(path string, flags wasi.LookupFlags) wasi.FileStat {
	e.t.Helper()
	st, errno := e.sys.PathFileStatGet(e.ctx, Root, flags, path)
	e.must(fmt.Sprintf("path_filestat_get(%q, %v)", path, flags), errno)
	return st
}

// isOpen reports whether fd is an open descriptor.
func (e *env) isOpen(fd wasi.FD) bool {
	_, errno := e.sys.FDStatGet(e.ctx, fd)
	return errno == wasi.ESUCCESS
}

// Stdio returns host files for guest stdio as the suite expects them:
// stdin is the read end of a pipe that never gets data (its write end stays
// open until the test ends), stdout and stderr are the null device. The
// files are closed when the test ends; a System that duplicates them (as
// unix.New does) keeps its own copies.
func Stdio(t testing.TB) (stdin, stdout, stderr *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	errf, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Close()
		w.Close()
		out.Close()
		errf.Close()
	})
	return r, out, errf
}
