package wasi

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// dirSystem is a System holding one flat directory (fd 3) of empty files,
// whose fd_readdir follows the spec to the letter: entries from the cookie
// on, the last one cut short when the buffer is full. It checks that the
// FS resumes from the right cookie with buffers of every size.
type dirSystem struct {
	fakeSystem
	names    []string // "." and ".." first
	hideType bool     // report UnknownType, as some file systems do
	sameNext bool     // a broken System: d_next never advances
	calls    int
	open     map[FD]bool
}

func newDirSystem(n int) *dirSystem {
	d := &dirSystem{names: []string{".", ".."}, open: map[FD]bool{}}
	for i := range n {
		// Names of varied lengths, so that cuts fall everywhere.
		d.names = append(d.names, "f"+strings.Repeat("x", i%37)+strconv.Itoa(i))
	}
	return d
}

func (d *dirSystem) lookup(path string) (int, bool) {
	i := slices.Index(d.names, path)
	return i, i >= 2 || path == "."
}

func (d *dirSystem) PathOpen(_ context.Context, fd FD, _ LookupFlags, path string, oflags OFlags, _, _ Rights, _ FDFlags) (FD, Errno) {
	i, ok := d.lookup(path)
	if fd != 3 || !ok {
		return -1, ENOENT
	}
	if i >= 2 && oflags.Has(ODirectory) {
		return -1, ENOTDIR
	}
	nfd := FD(10 + len(d.open))
	if path == "." {
		nfd = 4
	}
	d.open[nfd] = true
	return nfd, ESUCCESS
}

func (d *dirSystem) FDClose(_ context.Context, fd FD) Errno {
	if !d.open[fd] {
		return EBADF
	}
	delete(d.open, fd)
	return ESUCCESS
}

func (d *dirSystem) stat(i int) FileStat {
	if i < 2 {
		return FileStat{FileType: DirectoryType, Ino: 1, NLink: 2}
	}
	return FileStat{FileType: RegularFileType, Ino: Inode(100 + i), NLink: 1}
}

func (d *dirSystem) FDFileStatGet(_ context.Context, fd FD) (FileStat, Errno) {
	if !d.open[fd] {
		return FileStat{}, EBADF
	}
	if fd == 4 {
		return d.stat(0), ESUCCESS
	}
	return d.stat(2), ESUCCESS
}

func (d *dirSystem) PathFileStatGet(_ context.Context, fd FD, _ LookupFlags, path string) (FileStat, Errno) {
	i, ok := d.lookup(path)
	if fd != 3 || !ok {
		return FileStat{}, ENOENT
	}
	return d.stat(i), ESUCCESS
}

func (d *dirSystem) FDRead(_ context.Context, fd FD, _ []IOVec) (Size, Errno) {
	if fd == 4 {
		return 0, EISDIR
	}
	return 0, ESUCCESS
}

// Files are empty: every seek lands at 0 and reads find nothing.
func (d *dirSystem) FDSeek(context.Context, FD, FileDelta, Whence) (FileSize, Errno) {
	return 0, ESUCCESS
}

func (d *dirSystem) FDPread(context.Context, FD, []IOVec, FileSize) (Size, Errno) { return 0, ESUCCESS }

func (d *dirSystem) FDReadDir(_ context.Context, fd FD, buf []byte, cookie DirCookie) (Size, Errno) {
	d.calls++
	if fd != 4 {
		return 0, ENOTDIR
	}
	off := 0
	for i := int(cookie); i < len(d.names) && off < len(buf); i++ {
		st := d.stat(i)
		de := Dirent{Next: DirCookie(i + 1), Ino: st.Ino, Type: st.FileType}
		if d.hideType {
			de.Type = UnknownType
		}
		if d.sameNext {
			de.Next = cookie
		}
		off = AppendDirent(buf, off, de, []byte(d.names[i]))
	}
	return Size(off), ESUCCESS
}

func TestFSReadDirBuffers(t *testing.T) {
	const n = 200
	for _, c := range []struct {
		name     string
		size     int
		hideType bool
	}{
		{"header only", DirentSize, false},
		{"header and a byte", DirentSize + 1, false},
		{"cut names", 40, false},
		{"a few entries", 200, false},
		{"default", fsDirBufSize, false},
		{"unknown types", 100, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			sys := newDirSystem(n)
			sys.hideType = c.hideType
			fsys := &sysFS{sys: sys, root: 3, ctx: t.Context(), dirBufSize: c.size}
			entries, err := fsys.ReadDir(".")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range entries {
				got = append(got, e.Name())
				if e.IsDir() || e.Type() != 0 {
					t.Errorf("%s: IsDir %v, Type %v; want a regular file", e.Name(), e.IsDir(), e.Type())
				}
			}
			want := slices.Sorted(slices.Values(sys.names[2:]))
			if !slices.Equal(got, want) {
				t.Errorf("ReadDir: %d names, want %d\n got %q\nwant %q", len(got), len(want), got, want)
			}
			if c.size < fsDirBufSize && sys.calls < 3 {
				t.Errorf("only %d fd_readdir calls with a %d-byte buffer", sys.calls, c.size)
			}
			if len(sys.open) != 0 {
				t.Errorf("descriptors left open: %v", sys.open)
			}
			if err := fstest.TestFS(fsys, want...); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestFSReadDirN checks ReadDir(n) paging on an open directory.
func TestFSReadDirN(t *testing.T) {
	sys := newDirSystem(25)
	fsys := &sysFS{sys: sys, root: 3, ctx: t.Context(), dirBufSize: 64}
	f, err := fsys.Open(".")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := f.(fs.ReadDirFile)
	var got []string
	for {
		page, err := d.ReadDir(7)
		if err == io.EOF {
			if len(page) != 0 {
				t.Errorf("EOF with %d entries", len(page))
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 || len(page) > 7 {
			t.Fatalf("ReadDir(7) returned %d entries", len(page))
		}
		for _, e := range page {
			got = append(got, e.Name())
		}
	}
	if !slices.Equal(got, sys.names[2:]) {
		t.Errorf("paged ReadDir:\n got %q\nwant %q", got, sys.names[2:])
	}
	if rest, err := d.ReadDir(-1); err != nil || len(rest) != 0 {
		t.Errorf("ReadDir(-1) at the end = %d entries, %v; want 0, nil", len(rest), err)
	}
}

// TestFSReadDirBrokenCookie: a System whose d_next never advances must not
// make the FS loop forever.
func TestFSReadDirBrokenCookie(t *testing.T) {
	sys := newDirSystem(50)
	sys.sameNext = true
	fsys := &sysFS{sys: sys, root: 3, ctx: t.Context(), dirBufSize: 64}
	_, err := fsys.ReadDir(".")
	if !errors.Is(err, EIO) {
		t.Errorf("ReadDir = %v, want EIO", err)
	}
	if sys.calls > 10 {
		t.Errorf("%d fd_readdir calls before giving up", sys.calls)
	}
}
