package wasitest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// entry is one decoded fd_readdir entry.
type entry struct {
	wasi.Dirent
	name string
}

// decode returns the whole entries of an fd_readdir result; a last entry
// cut short by the end of the buffer is left out.
func decode(buf []byte) []entry {
	var out []entry
	for len(buf) >= wasi.DirentSize {
		var d wasi.Dirent
		d.Get(buf)
		if uint64(len(buf)-wasi.DirentSize) < uint64(d.NameLen) {
			break
		}
		out = append(out, entry{d, string(buf[wasi.DirentSize : wasi.DirentSize+int(d.NameLen)])})
		buf = buf[wasi.DirentSize+int(d.NameLen):]
	}
	return out
}

// readDir lists fd from cookie the way wasi-libc's readdir does: a buffer
// of size bytes, resuming from the d_next of the last whole entry, growing
// the buffer when not even one entry fits.
func (e *env) readDir(fd wasi.FD, size int, cookie wasi.DirCookie) []entry {
	e.t.Helper()
	var all []entry
	buf := make([]byte, size)
	for calls := 0; ; calls++ {
		if calls > 10000 {
			e.t.Fatalf("fd_readdir(%d) with a %d-byte buffer never reached the end", fd, size)
		}
		n, errno := e.sys.FDReadDir(e.ctx, fd, buf, cookie)
		e.must(fmt.Sprintf("fd_readdir(%d, %d bytes, cookie %d)", fd, len(buf), cookie), errno)
		if int(n) > len(buf) {
			e.t.Fatalf("fd_readdir returned %d bytes for a %d-byte buffer", n, len(buf))
		}
		ents := decode(buf[:n])
		all = append(all, ents...)
		if int(n) < len(buf) {
			return all
		}
		if len(ents) == 0 {
			buf = make([]byte, 2*len(buf))
			continue
		}
		cookie = ents[len(ents)-1].Next
	}
}

func names(ents []entry) []string {
	var out []string
	for _, d := range ents {
		out = append(out, d.name)
	}
	slices.Sort(out)
	return out
}

func (s *suite) fdReadDir(t *testing.T) {
	// A directory with entries of every type and name lengths that make
	// small buffers cut them at every position.
	setup := func(e *env) (fd wasi.FD, want []string) {
		want = []string{".", "..", "dir", "link"}
		for i := range 40 {
			name := fmt.Sprintf("file-%02d-%s", i, strings.Repeat("n", i))
			e.hostWrite("d/"+name, "")
			want = append(want, name)
		}
		e.hostMkdir("d/dir")
		e.hostSymlink("file-00-", "d/link")
		slices.Sort(want)
		return e.openDir("d", dirRights), want
	}
	s.test(t, "entries", func(e *env) {
		fd, want := setup(e)
		ents := e.readDir(fd, 64<<10, 0)
		// wasi-testsuite's fd_readdir expects "." and ".." to be listed.
		if got := names(ents); !slices.Equal(got, want) {
			e.t.Fatalf("names:\n got %q\nwant %q", got, want)
		}
		cookies := map[wasi.DirCookie]string{}
		for _, d := range ents {
			if prev, dup := cookies[d.Next]; dup {
				e.t.Errorf("entries %q and %q have the same d_next %d", prev, d.name, d.Next)
			}
			cookies[d.Next] = d.name
			if d.Next == 0 {
				e.t.Errorf("entry %q has d_next 0, which means the start", d.name)
			}
			want := wasi.RegularFileType
			switch d.name {
			case ".", "..", "dir":
				want = wasi.DirectoryType
			case "link":
				want = wasi.SymbolicLinkType
			}
			if d.Type != want {
				e.t.Errorf("entry %q type %v, want %v", d.name, d.Type, want)
			}
			if d.name != ".." {
				st, errno := e.sys.PathFileStatGet(e.ctx, fd, 0, d.name)
				if e.errno(fmt.Sprintf("path_filestat_get(%q)", d.name), errno, wasi.ESUCCESS) && st.Ino != d.Ino {
					e.t.Errorf("entry %q d_ino %d, path_filestat_get says %d", d.name, d.Ino, st.Ino)
				}
			}
		}
	})
	s.test(t, "small buffers", func(e *env) {
		fd, want := setup(e)
		for _, size := range []int{wasi.DirentSize, wasi.DirentSize + 1, 30, 37, 64, 100, 333} {
			got := names(e.readDir(fd, size, 0))
			if !slices.Equal(got, want) {
				e.t.Errorf("%d-byte buffer: names\n got %q\nwant %q", size, got, want)
			}
		}
	})
	s.test(t, "cut entry", func(e *env) {
		fd, _ := setup(e)
		buf := make([]byte, 10)
		n, errno := e.sys.FDReadDir(e.ctx, fd, buf, 0)
		if e.errno("fd_readdir with a 10-byte buffer", errno, wasi.ESUCCESS) && n != 10 {
			e.t.Errorf("fd_readdir with a 10-byte buffer = %d, want 10 (a cut header, so that the caller grows its buffer)", n)
		}
		n, errno = e.sys.FDReadDir(e.ctx, fd, nil, 0)
		if e.errno("fd_readdir with no buffer", errno, wasi.ESUCCESS) && n != 0 {
			e.t.Errorf("fd_readdir with no buffer = %d", n)
		}
	})
	s.test(t, "resume from cookie", func(e *env) {
		fd, _ := setup(e)
		all := e.readDir(fd, 64<<10, 0)
		for _, k := range []int{0, 5, len(all) - 2} {
			rest := e.readDir(fd, 64<<10, all[k].Next)
			if len(rest) != len(all)-k-1 || rest[0].name != all[k+1].name {
				e.t.Errorf("from the cookie of entry %d: %d entries starting %q, want %d starting %q",
					k, len(rest), rest[0].name, len(all)-k-1, all[k+1].name)
			}
		}
		if end := e.readDir(fd, 1024, all[len(all)-1].Next); len(end) != 0 {
			e.t.Errorf("from the last cookie: %d entries, want 0", len(end))
		}
		// Going back to a cookie already passed works too.
		again := e.readDir(fd, 64<<10, all[2].Next)
		if len(again) != len(all)-3 {
			e.t.Errorf("going back to entry 2: %d entries, want %d", len(again), len(all)-3)
		}
	})
	s.test(t, "rewind sees changes", func(e *env) {
		fd, want := setup(e)
		e.readDir(fd, 64<<10, 0)
		nfd := e.open("d/new", wasi.OCreate, fileRights, 0)
		e.close(nfd)
		e.must("path_unlink_file", e.sys.PathUnlinkFile(e.ctx, Root, "d/file-00-"))
		want = append(slices.DeleteFunc(want, func(s string) bool { return s == "file-00-" }), "new")
		slices.Sort(want)
		if got := names(e.readDir(fd, 64<<10, 0)); !slices.Equal(got, want) {
			e.t.Errorf("cookie 0 after changes:\n got %q\nwant %q", got, want)
		}
	})
	s.test(t, "empty directory", func(e *env) {
		e.hostMkdir("empty")
		fd := e.openDir("empty", dirRights)
		if got := names(e.readDir(fd, 256, 0)); !slices.Equal(got, []string{".", ".."}) {
			e.t.Errorf("empty directory lists %q, want . and ..", got)
		}
	})
	s.test(t, "huge cookie", func(e *env) {
		fd, _ := setup(e)
		buf := make([]byte, 256)
		n, errno := e.sys.FDReadDir(e.ctx, fd, buf, 1<<62)
		if e.errno("fd_readdir(cookie 1<<62)", errno, wasi.ESUCCESS, wasi.EINVAL) && errno == wasi.ESUCCESS && n != 0 {
			e.t.Errorf("fd_readdir past the end = %d bytes, want 0", n)
		}
	})
	s.test(t, "not a directory", func(e *env) {
		fd := e.openFile("f", "")
		_, errno := e.sys.FDReadDir(e.ctx, fd, make([]byte, 256), 0)
		e.errno("fd_readdir(file)", errno, wasi.ENOTDIR, wasi.ENOTCAPABLE, wasi.EBADF)
	})
}

func (s *suite) fdRenumber(t *testing.T) {
	s.test(t, "replaces to", func(e *env) {
		a := e.openFile("a", "contents of a")
		b := e.openFile("b", "contents of b")
		before := e.fdstat(a)
		e.must("fd_renumber(a, b)", e.sys.FDRenumber(e.ctx, a, b))
		if e.isOpen(a) {
			e.t.Errorf("fd %d is still open after fd_renumber(%d, %d)", a, a, b)
		}
		if got := e.readAll(b); got != "contents of a" {
			e.t.Errorf("fd %d reads %q, want a's contents", b, got)
		}
		if after := e.fdstat(b); after != before {
			e.t.Errorf("fdstat moved from %+v to %+v", before, after)
		}
		if got := e.hostRead("b"); got != "contents of b" {
			e.t.Errorf("file b changed to %q", got)
		}
	})
	s.test(t, "onto itself", func(e *env) {
		a := e.openFile("a", "aaa")
		e.errno("fd_renumber(a, a)", e.sys.FDRenumber(e.ctx, a, a), wasi.ESUCCESS)
		if got := e.readAll(a); got != "aaa" {
			e.t.Errorf("after fd_renumber(a, a): %q, want the descriptor unchanged", got)
		}
	})
	s.test(t, "onto a free number", func(e *env) {
		a := e.openFile("a", "aaa")
		for _, to := range []wasi.FD{a + 1, 100, 1 << 20, -1} {
			e.errno(fmt.Sprintf("fd_renumber(%d, %d)", a, to), e.sys.FDRenumber(e.ctx, a, to), wasi.EBADF)
			if e.isOpen(to) {
				e.t.Errorf("fd %d was opened by a refused fd_renumber", to)
			}
		}
		if got := e.readAll(a); got != "aaa" {
			e.t.Errorf("after refused renumbers: %q", got)
		}
	})
	s.test(t, "from a closed number", func(e *env) {
		a := e.openFile("a", "aaa")
		b := e.openFile("b", "bbb")
		e.close(a)
		e.errno("fd_renumber(closed, b)", e.sys.FDRenumber(e.ctx, a, b), wasi.EBADF)
		if got := e.readAll(b); got != "bbb" {
			e.t.Errorf("b after a refused renumber: %q", got)
		}
		e.errno("fd_renumber(-1, b)", e.sys.FDRenumber(e.ctx, -1, b), wasi.EBADF)
		if !e.isOpen(b) {
			e.t.Error("b was closed by a refused renumber")
		}
	})
	s.test(t, "onto stdout", func(e *env) {
		// The dup2(fd, 1) idiom: output to fd 1 goes to the file.
		a := e.openFile("out", "")
		e.must("fd_renumber(a, 1)", e.sys.FDRenumber(e.ctx, a, 1))
		e.write(1, "redirected")
		if got := e.hostRead("out"); got != "redirected" {
			e.t.Errorf("file = %q, want what was written to fd 1", got)
		}
		if st := e.fdstat(1); st.FileType != wasi.RegularFileType {
			e.t.Errorf("fd 1 is now %v, want regular_file", st.FileType)
		}
	})
	s.test(t, "numbers are reused", func(e *env) {
		a := e.openFile("a", "")
		b := e.openFile("b", "")
		e.must("fd_renumber(b, a)", e.sys.FDRenumber(e.ctx, b, a))
		c := e.openFile("c", "ccc")
		if c == a {
			e.t.Errorf("new descriptor %d reuses the renumbered-onto number", c)
		}
		if got := e.readAll(c); got != "ccc" {
			e.t.Errorf("new descriptor reads %q", got)
		}
	})
}
