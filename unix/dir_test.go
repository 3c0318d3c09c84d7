//go:build linux

package unix

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// dirent is a decoded fd_readdir entry.
type dirent struct {
	next wasi.DirCookie
	ino  wasi.Inode
	typ  wasi.FileType
	name string
}

// decodeDirents decodes the complete entries of an fd_readdir result and
// reports whether the last one was cut short.
func decodeDirents(tb testing.TB, b []byte) (ents []dirent, truncated bool) {
	tb.Helper()
	for len(b) > 0 {
		if len(b) < wasi.DirentSize {
			return ents, true
		}
		var d wasi.Dirent
		d.Get(b)
		if b[21] != 0 || b[22] != 0 || b[23] != 0 {
			tb.Fatalf("dirent padding not zero: % x", b[20:24])
		}
		if len(b) < wasi.DirentSize+int(d.NameLen) {
			return ents, true
		}
		ents = append(ents, dirent{d.Next, d.Ino, d.Type, string(b[wasi.DirentSize : wasi.DirentSize+int(d.NameLen)])})
		b = b[wasi.DirentSize+int(d.NameLen):]
	}
	return ents, false
}

// readAll lists fd like wasi-libc's readdir does: it reads with a buffer
// of size bufSize from cookie, keeps the complete entries, continues from
// the cookie of the first incomplete one, grows the buffer when not even
// one entry fits, and stops at a result shorter than the buffer.
func readAll(tb testing.TB, s *System, fd wasi.FD, bufSize int, cookie wasi.DirCookie) []dirent {
	tb.Helper()
	var all []dirent
	for calls := 0; ; calls++ {
		if calls > 100000 {
			tb.Fatal("fd_readdir does not terminate")
		}
		buf := make([]byte, bufSize)
		n, errno := s.FDReadDir(tb.Context(), fd, buf, cookie)
		if errno != wasi.ESUCCESS {
			tb.Fatalf("FDReadDir(cookie %d): %v", cookie, errno)
		}
		if int(n) > len(buf) {
			tb.Fatalf("FDReadDir returned %d > %d", n, len(buf))
		}
		ents, truncated := decodeDirents(tb, buf[:n])
		all = append(all, ents...)
		if len(ents) > 0 {
			cookie = ents[len(ents)-1].next
		}
		if int(n) < len(buf) {
			if truncated {
				tb.Fatalf("a short result (%d < %d) ends with a truncated entry", n, len(buf))
			}
			return all
		}
		if len(ents) == 0 {
			bufSize *= 2
		}
	}
}

// hostListing returns the directory's entries as the host sees them,
// with "." and "..".
func hostListing(tb testing.TB, dir string) map[string]dirent {
	tb.Helper()
	names := []string{".", ".."}
	des, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, de := range des {
		names = append(names, de.Name())
	}
	m := make(map[string]dirent)
	for _, name := range names {
		var st unix.Stat_t
		if err := unix.Lstat(filepath.Join(dir, name), &st); err != nil {
			tb.Fatal(err)
		}
		m[name] = dirent{ino: st.Ino, typ: fileTypeOf(st.Mode), name: name}
	}
	return m
}

// checkListing compares a listing with the host's: every entry once, the
// right inode and type, and cookies 1, 2, 3... from first.
func checkListing(tb testing.TB, got []dirent, want map[string]dirent, first wasi.DirCookie) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("%d entries, want %d", len(got), len(want))
	}
	seen := make(map[string]bool)
	for i, d := range got {
		w, ok := want[d.name]
		if !ok || seen[d.name] {
			tb.Fatalf("entry %d %q unexpected or repeated", i, d.name)
		}
		seen[d.name] = true
		if d.ino != w.ino || d.typ != w.typ {
			tb.Errorf("%q: ino %d type %v, want %d %v", d.name, d.ino, d.typ, w.ino, w.typ)
		}
		if d.next != first+wasi.DirCookie(i)+1 {
			tb.Errorf("%q: d_next %d, want %d", d.name, d.next, first+wasi.DirCookie(i)+1)
		}
	}
}

// populate creates n files with names of varied lengths, a directory, a
// symlink and a FIFO.
func populate(tb testing.TB, dir string, n int) {
	tb.Helper()
	for i := range n {
		name := fmt.Sprintf("f%d-%s", i, strings.Repeat("x", i%70))
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.Symlink("sub", filepath.Join(dir, "link")); err != nil {
		tb.Fatal(err)
	}
	if err := unix.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestFDReadDirListing(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	populate(t, e.dir, 40)
	want := hostListing(t, e.dir)
	for _, size := range []int{1, 7, 24, 25, 31, 64, 100, 333, 4096, 1 << 20} {
		t.Run(fmt.Sprint("buf", size), func(t *testing.T) {
			checkListing(t, readAll(t, e.s, fdPreopen, size, 0), want, 0)
		})
	}
}

// TestFDReadDirEveryCookie resumes at every cookie, forward and backward
// (rewinding), with a buffer that truncates.
func TestFDReadDirEveryCookie(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	populate(t, e.dir, 30)
	all := readAll(t, e.s, fdPreopen, 1<<16, 0)
	order := make([]int, 0, 2*len(all)+2)
	for c := 0; c <= len(all); c++ {
		order = append(order, c)
	}
	for c := len(all); c >= 0; c-- {
		order = append(order, c)
	}
	for _, c := range order {
		got := readAll(t, e.s, fdPreopen, 50, wasi.DirCookie(c))
		if !slices.Equal(got, all[c:]) {
			t.Fatalf("from cookie %d: %v\nwant %v", c, got, all[c:])
		}
	}
	// Cookies past the end list nothing.
	for _, c := range []wasi.DirCookie{wasi.DirCookie(len(all)) + 1, 1 << 40, ^wasi.DirCookie(0)} {
		n, errno := e.s.FDReadDir(t.Context(), fdPreopen, make([]byte, 100), c)
		if n != 0 || errno != wasi.ESUCCESS {
			t.Errorf("cookie %d: %d, %v", c, n, errno)
		}
	}
}

// TestFDReadDirLarge lists a directory far larger than one getdents64
// batch, so that the window moves, jumps forward and rewinds.
func TestFDReadDirLarge(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	for i := range 600 { // about 80 KiB of getdents64 records: three batches
		name := fmt.Sprintf("%04d-%s", i, strings.Repeat("n", 100))
		if err := os.WriteFile(filepath.Join(e.dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := hostListing(t, e.dir)
	all := readAll(t, e.s, fdPreopen, 1000, 0)
	checkListing(t, all, want, 0)
	for _, c := range []int{550, 3, 300, 601, 602, 299, 0, 400} {
		got := readAll(t, e.s, fdPreopen, 333, wasi.DirCookie(c))
		if !slices.Equal(got, all[c:]) {
			t.Fatalf("from cookie %d: %d entries, want %d", c, len(got), len(all)-c)
		}
	}
	if d := e.s.files[fdPreopen].dir; len(d.buf) > dirBatchSize || cap(d.ents) > dirBatchSize/direntHeader {
		t.Errorf("cache grew: %d bytes, %d entries", len(d.buf), cap(d.ents))
	}
}

// TestFDReadDirCache checks that a guest reading with a small buffer is
// served from the cache, and that cookie 0 shows the current directory.
func TestFDReadDirCache(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	populate(t, e.dir, 10)
	hfd := e.s.files[fdPreopen].fd
	buf := make([]byte, 64)
	n, _ := e.s.FDReadDir(ctx, fdPreopen, buf, 0)
	first, _ := decodeDirents(t, buf[:n])
	pos, _ := unix.Seek(hfd, 0, unix.SEEK_CUR)

	// Removing every file is not seen by reads within the cached batch:
	// the directory is not read again.
	des, _ := os.ReadDir(e.dir)
	for _, de := range des {
		os.RemoveAll(filepath.Join(e.dir, de.Name()))
	}
	rest := readAll(t, e.s, fdPreopen, 64, first[len(first)-1].next)
	if len(first)+len(rest) != 15 { // 10 files, sub, link, fifo, ".", ".."
		t.Errorf("cached listing has %d entries, want 15", len(first)+len(rest))
	}
	if pos2, _ := unix.Seek(hfd, 0, unix.SEEK_CUR); pos2 != pos {
		t.Errorf("host offset moved from %d to %d: the directory was read again", pos, pos2)
	}

	// Cookie 0 (rewinddir) reads the directory again.
	os.WriteFile(filepath.Join(e.dir, "new"), nil, 0o644)
	checkListing(t, readAll(t, e.s, fdPreopen, 64, 0), hostListing(t, e.dir), 0)
}

func TestFDReadDirErrors(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	e.writeFile(t, "f", "")
	file := e.open(t, "f", unix.O_RDONLY, wasi.FileRights|wasi.FDReadDirRight)
	hdir, err := unix.Open(e.dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	noRight := e.install(t, hdir, wasi.DirectoryRights&^wasi.FDReadDirRight)
	tests := []struct {
		name string
		fd   wasi.FD
		buf  int
		want wasi.Errno
	}{
		{"no right", noRight, 100, wasi.ENOTCAPABLE},
		{"not a directory", file, 100, wasi.EBADF}, // as wasmtime and wazero
		{"closed", 40, 100, wasi.EBADF},
		{"negative", -3, 100, wasi.EBADF},
		{"empty buffer", fdPreopen, 0, wasi.ESUCCESS},
	}
	for _, tt := range tests {
		n, errno := e.s.FDReadDir(ctx, tt.fd, make([]byte, tt.buf), 0)
		if errno != tt.want || n != 0 {
			t.Errorf("%s: %d, %v; want 0, %v", tt.name, n, errno, tt.want)
		}
	}

	// A removed directory lists as empty (or ENOENT), never panics.
	sub := filepath.Join(e.dir, "gone")
	os.Mkdir(sub, 0o755)
	hsub, err := unix.Open(sub, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	gone := e.install(t, hsub, wasi.DirectoryRights)
	os.Remove(sub)
	if n, errno := e.s.FDReadDir(ctx, gone, make([]byte, 100), 0); errno != wasi.ESUCCESS && errno != wasi.ENOENT {
		t.Errorf("removed directory: %d, %v", n, errno)
	}
	// Closing hands the cache, emptied, to the next directory read.
	e.s.FDReadDir(ctx, fdPreopen, make([]byte, 100), 0)
	d := e.s.files[fdPreopen].dir
	e.s.FDClose(ctx, fdPreopen)
	if e.s.spareDir != d || len(d.ents) != 0 || d.base != 0 || d.eof || d.dirty {
		t.Errorf("after close: spare %p (closed %p), %+v", e.s.spareDir, d, *d)
	}
	if n, errno := e.s.FDReadDir(ctx, gone, make([]byte, 100), 0); errno != wasi.ESUCCESS && errno != wasi.ENOENT {
		t.Errorf("removed directory with the spare cache: %d, %v", n, errno)
	}
}

// TestFDReadDirSpare lists two directories one after the other through the
// same recycled cache: the second sees its own entries only, from the
// start.
func TestFDReadDirSpare(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	for _, d := range []string{"a", "b"} {
		if err := os.Mkdir(filepath.Join(e.dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	populate(t, filepath.Join(e.dir, "a"), 200) // more entries than b: stale ones would show
	populate(t, filepath.Join(e.dir, "b"), 3)
	open := func(name string) wasi.FD {
		fd, errno := e.s.PathOpen(ctx, fdPreopen, 0, name, wasi.ODirectory, wasi.DirectoryRights, 0, 0)
		if errno != wasi.ESUCCESS {
			t.Fatal(errno)
		}
		return fd
	}
	a := open("a")
	checkListing(t, readAll(t, e.s, a, 256, 0), hostListing(t, filepath.Join(e.dir, "a")), 0)
	cache := e.s.files[a].dir
	if errno := e.s.FDClose(ctx, a); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	b := open("b")
	checkListing(t, readAll(t, e.s, b, 100, 0), hostListing(t, filepath.Join(e.dir, "b")), 0)
	if e.s.files[b].dir != cache || e.s.spareDir != nil {
		t.Errorf("b's cache %p, want the spare %p; spare now %p", e.s.files[b].dir, cache, e.s.spareDir)
	}
	// Renumbering onto a directory recycles its cache too.
	a = open("a")
	readAll(t, e.s, a, 256, 0)
	cacheA := e.s.files[a].dir
	if errno := e.s.FDRenumber(ctx, b, a); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	if e.s.spareDir != cacheA {
		t.Errorf("spare after renumber %p, want %p", e.s.spareDir, cacheA)
	}
	checkListing(t, readAll(t, e.s, a, 100, 0), hostListing(t, filepath.Join(e.dir, "b")), 0)
}

func TestDirentType(t *testing.T) {
	tests := []struct {
		dt    uint8
		want  wasi.FileType
		known bool
	}{
		{unix.DT_REG, wasi.RegularFileType, true},
		{unix.DT_DIR, wasi.DirectoryType, true},
		{unix.DT_LNK, wasi.SymbolicLinkType, true},
		{unix.DT_CHR, wasi.CharacterDeviceType, true},
		{unix.DT_BLK, wasi.BlockDeviceType, true},
		{unix.DT_SOCK, wasi.SocketStreamType, true},
		{unix.DT_FIFO, wasi.UnknownType, true},
		{unix.DT_UNKNOWN, wasi.UnknownType, false},
		{200, wasi.UnknownType, false},
	}
	for _, tt := range tests {
		if got, known := direntType(tt.dt); got != tt.want || known != tt.known {
			t.Errorf("direntType(%d) = %v, %v; want %v, %v", tt.dt, got, known, tt.want, tt.known)
		}
	}
	// DT_UNKNOWN is resolved with fstatat, without following symlinks.
	dir := t.TempDir()
	populate(t, dir, 1)
	hfd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(hfd)
	for name, want := range map[string]wasi.FileType{"sub": wasi.DirectoryType, "link": wasi.SymbolicLinkType,
		"f0-": wasi.RegularFileType, "fifo": wasi.UnknownType, "missing": wasi.UnknownType} {
		if got := typeAt(hfd, []byte(name)); got != want {
			t.Errorf("typeAt(%q) = %v, want %v", name, got, want)
		}
	}
}
