package wasitest

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// Tests of the path_* functions (path_open is in open.go). Escapes from
// root are in escape.go.

func (s *suite) pathCreateDirectory(t *testing.T) {
	s.test(t, "create", func(e *env) {
		e.must("path_create_directory(d)", e.sys.PathCreateDirectory(e.ctx, Root, "d"))
		if typ, ok := e.hostType("d"); !ok || typ != fs.ModeDir {
			e.t.Fatalf("d is %v (exists %v), want a directory", typ, ok)
		}
		e.errno("path_create_directory(d) again", e.sys.PathCreateDirectory(e.ctx, Root, "d"), wasi.EEXIST)
		e.must("path_create_directory(d/e/)", e.sys.PathCreateDirectory(e.ctx, Root, "d/e/"))
		e.must("path_create_directory(d/e/../f)", e.sys.PathCreateDirectory(e.ctx, Root, "d/e/../f"))
		if typ, ok := e.hostType("d/f"); !ok || typ != fs.ModeDir {
			e.t.Errorf("d/f is %v (exists %v), want a directory", typ, ok)
		}
		d := e.openDir("d", dirRights)
		e.must("path_create_directory beneath a directory fd", e.sys.PathCreateDirectory(e.ctx, d, "g"))
		if _, ok := e.hostType("d/g"); !ok {
			e.t.Error("d/g was not created")
		}
	})
	s.test(t, "errors", func(e *env) {
		e.hostWrite("file", "x")
		e.hostSymlink("file", "link")
		for _, c := range []struct {
			path string
			want []wasi.Errno
		}{
			{"missing/sub", []wasi.Errno{wasi.ENOENT}},
			{"file/sub", []wasi.Errno{wasi.ENOTDIR}},
			{"file", []wasi.Errno{wasi.EEXIST}},
			{"link", []wasi.Errno{wasi.EEXIST}},
			{".", []wasi.Errno{wasi.EEXIST}},
			{"", []wasi.Errno{wasi.ENOENT}},
		} {
			e.errno(fmt.Sprintf("path_create_directory(%q)", c.path), e.sys.PathCreateDirectory(e.ctx, Root, c.path), c.want...)
		}
		if got := e.hostRead("file"); got != "x" {
			e.t.Errorf("file changed to %q", got)
		}
	})
}

func (s *suite) pathFileStatGet(t *testing.T) {
	s.test(t, "types", func(e *env) {
		e.hostWrite("file", fileContent)
		e.hostMkdir("dir")
		e.hostSymlink("file", "link")
		e.hostSymlink("dir", "dirlink")
		e.hostSymlink("missing", "dangling")
		for _, c := range []struct {
			path   string
			follow wasi.LookupFlags
			typ    wasi.FileType
			size   int
		}{
			{"file", 0, wasi.RegularFileType, len(fileContent)},
			{"file", wasi.SymlinkFollow, wasi.RegularFileType, len(fileContent)},
			{"dir", 0, wasi.DirectoryType, -1},
			{".", 0, wasi.DirectoryType, -1},
			{"dir/..", 0, wasi.DirectoryType, -1},
			{"link", 0, wasi.SymbolicLinkType, len("file")},
			{"link", wasi.SymlinkFollow, wasi.RegularFileType, len(fileContent)},
			{"dirlink", wasi.SymlinkFollow, wasi.DirectoryType, -1},
			{"dangling", 0, wasi.SymbolicLinkType, len("missing")},
		} {
			st, errno := e.sys.PathFileStatGet(e.ctx, Root, c.follow, c.path)
			what := fmt.Sprintf("path_filestat_get(%q, %v)", c.path, c.follow)
			if !e.errno(what, errno, wasi.ESUCCESS) {
				continue
			}
			if st.FileType != c.typ || (c.size >= 0 && st.Size != uint64(c.size)) {
				e.t.Errorf("%s = %v of %d bytes, want %v of %d", what, st.FileType, st.Size, c.typ, c.size)
			}
		}
		if a, b := e.pathStat("file", 0), e.pathStat("link", wasi.SymlinkFollow); a.Ino != b.Ino {
			e.t.Errorf("link followed has inode %d, file %d", b.Ino, a.Ino)
		}
	})
	s.test(t, "errors", func(e *env) {
		e.hostWrite("file", "x")
		e.hostSymlink("missing", "dangling")
		e.hostSymlink("loop", "loop")
		for _, c := range []struct {
			path   string
			follow wasi.LookupFlags
			want   []wasi.Errno
		}{
			{"missing", 0, []wasi.Errno{wasi.ENOENT}},
			{"dangling", wasi.SymlinkFollow, []wasi.Errno{wasi.ENOENT}},
			{"file/", 0, []wasi.Errno{wasi.ENOTDIR}},
			{"file/x", 0, []wasi.Errno{wasi.ENOTDIR}},
			{"loop", wasi.SymlinkFollow, []wasi.Errno{wasi.ELOOP}},
			{"", 0, []wasi.Errno{wasi.ENOENT}},
		} {
			_, errno := e.sys.PathFileStatGet(e.ctx, Root, c.follow, c.path)
			e.errno(fmt.Sprintf("path_filestat_get(%q, %v)", c.path, c.follow), errno, c.want...)
		}
	})
}

func (s *suite) pathFileStatSetTimes(t *testing.T) {
	s.test(t, "explicit", func(e *env) {
		e.hostWrite("file", "")
		e.must("path_filestat_set_times", e.sys.PathFileStatSetTimes(e.ctx, Root, 0, "file", sec1, sec2, wasi.AccessTime|wasi.ModifyTime))
		if st := e.pathStat("file", 0); st.ATime != sec1 || st.MTime != sec2 {
			e.t.Errorf("times = %d, %d; want %d, %d", st.ATime, st.MTime, sec1, sec2)
		}
		e.must("path_filestat_set_times(mtim_now)", e.sys.PathFileStatSetTimes(e.ctx, Root, 0, "file", 0, 0, wasi.ModifyTimeNow))
		if st := e.pathStat("file", 0); st.ATime != sec1 || st.MTime <= sec2 {
			e.t.Errorf("after mtim_now: atim %d (want %d), mtim %d (want now)", st.ATime, sec1, st.MTime)
		}
	})
	s.test(t, "symlink", func(e *env) {
		e.hostWrite("file", "")
		e.hostSymlink("file", "link")
		e.must("path_filestat_set_times(file)", e.sys.PathFileStatSetTimes(e.ctx, Root, 0, "file", sec1, sec1, wasi.AccessTime|wasi.ModifyTime))
		// Without symlink_follow the link itself changes, not its target.
		e.must("path_filestat_set_times(link, nofollow)", e.sys.PathFileStatSetTimes(e.ctx, Root, 0, "link", sec2, sec2, wasi.AccessTime|wasi.ModifyTime))
		if st := e.pathStat("file", 0); st.MTime != sec1 {
			e.t.Errorf("target mtim = %d after setting the link's, want %d", st.MTime, sec1)
		}
		if st := e.pathStat("link", 0); st.MTime != sec2 {
			e.t.Errorf("link mtim = %d, want %d", st.MTime, sec2)
		}
		e.must("path_filestat_set_times(link, follow)", e.sys.PathFileStatSetTimes(e.ctx, Root, wasi.SymlinkFollow, "link", sec2, sec2, wasi.AccessTime|wasi.ModifyTime))
		if st := e.pathStat("file", 0); st.MTime != sec2 {
			e.t.Errorf("target mtim = %d after following the link, want %d", st.MTime, sec2)
		}
	})
	s.test(t, "time and now", func(e *env) {
		e.hostWrite("file", "")
		e.must("path_filestat_set_times", e.sys.PathFileStatSetTimes(e.ctx, Root, 0, "file", sec1, sec1, wasi.AccessTime|wasi.ModifyTime))
		for _, flags := range []wasi.FSTFlags{wasi.AccessTime | wasi.AccessTimeNow, wasi.ModifyTime | wasi.ModifyTimeNow} {
			errno := e.sys.PathFileStatSetTimes(e.ctx, Root, 0, "file", sec2, sec2, flags)
			e.errno(fmt.Sprintf("path_filestat_set_times(%v)", flags), errno, wasi.EINVAL)
		}
		if st := e.pathStat("file", 0); st.ATime != sec1 || st.MTime != sec1 {
			e.t.Errorf("a refused call changed the times to %d, %d", st.ATime, st.MTime)
		}
	})
	s.test(t, "missing", func(e *env) {
		errno := e.sys.PathFileStatSetTimes(e.ctx, Root, 0, "missing", 0, 0, wasi.ModifyTimeNow)
		e.errno("path_filestat_set_times(missing)", errno, wasi.ENOENT)
		if _, ok := e.hostType("missing"); ok {
			e.t.Error("path_filestat_set_times created the file")
		}
	})
}

func (s *suite) pathLink(t *testing.T) {
	s.test(t, "link", func(e *env) {
		e.hostWrite("a", fileContent)
		e.must("path_link(a, b)", e.sys.PathLink(e.ctx, Root, 0, "a", Root, "b"))
		if got := e.hostRead("b"); got != fileContent {
			e.t.Errorf("b = %q, want a's contents", got)
		}
		a, b := e.pathStat("a", 0), e.pathStat("b", 0)
		if a.Ino != b.Ino || a.NLink != 2 {
			e.t.Errorf("a: ino %d nlink %d; b: ino %d; want the same inode with 2 links", a.Ino, a.NLink, b.Ino)
		}
		e.hostMkdir("d")
		d := e.openDir("d", dirRights)
		e.must("path_link across descriptors", e.sys.PathLink(e.ctx, Root, 0, "a", d, "c"))
		if got := e.hostRead("d/c"); got != fileContent {
			e.t.Errorf("d/c = %q", got)
		}
	})
	s.test(t, "symlink source", func(e *env) {
		e.hostWrite("a", fileContent)
		e.hostSymlink("a", "link")
		// Without symlink_follow the new name is a link to the symlink.
		e.must("path_link(link, nofollow)", e.sys.PathLink(e.ctx, Root, 0, "link", Root, "b"))
		if typ, _ := e.hostType("b"); typ != fs.ModeSymlink {
			e.t.Errorf("b is %v, want a symlink", typ)
		}
		// With it, the target. Some implementations refuse to follow.
		errno := e.sys.PathLink(e.ctx, Root, wasi.SymlinkFollow, "link", Root, "c")
		if e.errno("path_link(link, follow)", errno, wasi.ESUCCESS, wasi.EINVAL, wasi.ENOTSUP) && errno == wasi.ESUCCESS {
			if typ, _ := e.hostType("c"); typ != 0 {
				e.t.Errorf("c is %v, want a regular file", typ)
			}
		}
	})
	s.test(t, "errors", func(e *env) {
		e.hostWrite("a", "x")
		e.hostWrite("b", "y")
		e.hostMkdir("dir")
		for _, c := range []struct {
			old, new string
			want     []wasi.Errno
		}{
			{"a", "b", []wasi.Errno{wasi.EEXIST}},
			{"missing", "c", []wasi.Errno{wasi.ENOENT}},
			{"a", "missing/c", []wasi.Errno{wasi.ENOENT}},
			{"dir", "dir2", []wasi.Errno{wasi.EPERM, wasi.EACCES}},
			{"a", "", []wasi.Errno{wasi.ENOENT}},
			{"", "c", []wasi.Errno{wasi.ENOENT}},
		} {
			errno := e.sys.PathLink(e.ctx, Root, 0, c.old, Root, c.new)
			e.errno(fmt.Sprintf("path_link(%q, %q)", c.old, c.new), errno, c.want...)
		}
		if got := e.hostRead("b"); got != "y" {
			e.t.Errorf("b changed to %q", got)
		}
	})
}

func (s *suite) pathReadLink(t *testing.T) {
	const target = "some/target/path"
	s.test(t, "read", func(e *env) {
		e.hostSymlink(target, "link")
		buf := make([]byte, 64)
		n, errno := e.sys.PathReadLink(e.ctx, Root, "link", buf)
		e.must("path_readlink", errno)
		if string(buf[:n]) != target {
			e.t.Errorf("path_readlink = %q, want %q", buf[:n], target)
		}
		n, errno = e.sys.PathReadLink(e.ctx, Root, "link", buf[:len(target)])
		if e.errno("path_readlink into an exact buffer", errno, wasi.ESUCCESS) && string(buf[:n]) != target {
			e.t.Errorf("path_readlink into an exact buffer = %q", buf[:n])
		}
	})
	s.test(t, "short buffer", func(e *env) {
		e.hostSymlink(target, "link")
		buf := []byte("XXXXXXXX")
		n, errno := e.sys.PathReadLink(e.ctx, Root, "link", buf[:5])
		e.must("path_readlink into 5 bytes", errno)
		if n != 5 || string(buf) != "some/XXX" {
			e.t.Errorf("path_readlink into 5 bytes = %d, buffer %q; want 5, \"some/XXX\" (truncated, nothing past the buffer)", n, buf)
		}
	})
	s.test(t, "escaping target", func(e *env) {
		// Reading a link is not following it: its text may name anything.
		e.hostSymlink("../outside/secret", "link")
		buf := make([]byte, 64)
		n, errno := e.sys.PathReadLink(e.ctx, Root, "link", buf)
		if e.errno("path_readlink(link to ../outside)", errno, wasi.ESUCCESS) && string(buf[:n]) != "../outside/secret" {
			e.t.Errorf("path_readlink = %q", buf[:n])
		}
	})
	s.test(t, "errors", func(e *env) {
		e.hostWrite("file", "x")
		e.hostMkdir("dir")
		e.hostSymlink("dir", "dirlink")
		for _, c := range []struct {
			path string
			want []wasi.Errno
		}{
			{"file", []wasi.Errno{wasi.EINVAL}},
			{"dir", []wasi.Errno{wasi.EINVAL}},
			{"missing", []wasi.Errno{wasi.ENOENT}},
			{"file/x", []wasi.Errno{wasi.ENOTDIR}},
			{"", []wasi.Errno{wasi.ENOENT}},
		} {
			_, errno := e.sys.PathReadLink(e.ctx, Root, c.path, make([]byte, 64))
			e.errno(fmt.Sprintf("path_readlink(%q)", c.path), errno, c.want...)
		}
	})
}

func (s *suite) pathRemoveDirectory(t *testing.T) {
	s.test(t, "remove", func(e *env) {
		e.hostMkdir("d/sub")
		e.must("path_remove_directory(d/sub)", e.sys.PathRemoveDirectory(e.ctx, Root, "d/sub"))
		if _, ok := e.hostType("d/sub"); ok {
			e.t.Error("d/sub still exists")
		}
		e.must("path_remove_directory(d/)", e.sys.PathRemoveDirectory(e.ctx, Root, "d/"))
	})
	s.test(t, "errors", func(e *env) {
		e.hostWrite("full/file", "x")
		e.hostWrite("file", "x")
		e.hostMkdir("dir")
		e.hostSymlink("dir", "dirlink")
		for _, c := range []struct {
			path string
			want []wasi.Errno
		}{
			{"full", []wasi.Errno{wasi.ENOTEMPTY}},
			{"file", []wasi.Errno{wasi.ENOTDIR}},
			{"missing", []wasi.Errno{wasi.ENOENT}},
			{"dirlink", []wasi.Errno{wasi.ENOTDIR}},
			{"", []wasi.Errno{wasi.ENOENT}},
		} {
			e.errno(fmt.Sprintf("path_remove_directory(%q)", c.path), e.sys.PathRemoveDirectory(e.ctx, Root, c.path), c.want...)
		}
		for _, name := range []string{"full/file", "file", "dir", "dirlink"} {
			if _, ok := e.hostType(name); !ok {
				e.t.Errorf("%s was removed", name)
			}
		}
	})
	s.test(t, "root itself", func(e *env) {
		// rmdir(".") of the preopen: refused (EINVAL, EBUSY or as an
		// escape), and root survives.
		for _, p := range []string{".", "./", "dir/.."} {
			e.hostMkdir("dir")
			if errno := e.sys.PathRemoveDirectory(e.ctx, Root, p); errno == wasi.ESUCCESS {
				e.t.Errorf("path_remove_directory(%q) succeeded", p)
			}
		}
		if !e.isOpen(Root) || e.fdstat(Root).FileType != wasi.DirectoryType {
			e.t.Error("root is gone")
		}
		if _, ok := e.hostType("dir"); !ok {
			e.t.Error("dir was removed")
		}
	})
}

func (s *suite) pathRename(t *testing.T) {
	s.test(t, "rename", func(e *env) {
		e.hostWrite("a", "aaa")
		e.must("path_rename(a, b)", e.sys.PathRename(e.ctx, Root, "a", Root, "b"))
		if _, ok := e.hostType("a"); ok {
			e.t.Error("a still exists")
		}
		if got := e.hostRead("b"); got != "aaa" {
			e.t.Errorf("b = %q", got)
		}
		e.hostWrite("c", "ccc")
		e.must("path_rename(b, c) over a file", e.sys.PathRename(e.ctx, Root, "b", Root, "c"))
		if got := e.hostRead("c"); got != "aaa" {
			e.t.Errorf("c = %q, want the renamed file", got)
		}
		e.hostWrite("dir/x", "x")
		e.hostMkdir("emptydir")
		e.must("path_rename(dir, emptydir) over an empty directory", e.sys.PathRename(e.ctx, Root, "dir", Root, "emptydir"))
		if got := e.hostRead("emptydir/x"); got != "x" {
			e.t.Errorf("emptydir/x = %q", got)
		}
		d := e.openDir("emptydir", dirRights)
		e.must("path_rename across descriptors", e.sys.PathRename(e.ctx, Root, "c", d, "moved"))
		if got := e.hostRead("emptydir/moved"); got != "aaa" {
			e.t.Errorf("emptydir/moved = %q", got)
		}
	})
	s.test(t, "symlink", func(e *env) {
		e.hostWrite("file", "x")
		e.hostSymlink("file", "link")
		e.must("path_rename(link, link2)", e.sys.PathRename(e.ctx, Root, "link", Root, "link2"))
		if typ, _ := e.hostType("link2"); typ != fs.ModeSymlink {
			e.t.Errorf("link2 is %v, want the symlink itself", typ)
		}
		if got := e.hostRead("file"); got != "x" {
			e.t.Errorf("the target changed: %q", got)
		}
	})
	s.test(t, "errors", func(e *env) {
		e.hostWrite("file", "f")
		e.hostWrite("full/x", "x")
		e.hostMkdir("dir")
		for _, c := range []struct {
			old, new string
			want     []wasi.Errno
		}{
			{"missing", "x", []wasi.Errno{wasi.ENOENT}},
			{"file", "missing/x", []wasi.Errno{wasi.ENOENT}},
			{"dir", "full", []wasi.Errno{wasi.ENOTEMPTY, wasi.EEXIST}},
			{"file", "dir", []wasi.Errno{wasi.EISDIR}},
			{"dir", "file", []wasi.Errno{wasi.ENOTDIR}},
			{"dir", "dir/sub", []wasi.Errno{wasi.EINVAL}},
			{"file/", "x", []wasi.Errno{wasi.ENOTDIR}},
			{"", "x", []wasi.Errno{wasi.ENOENT}},
			{"file", "", []wasi.Errno{wasi.ENOENT}},
		} {
			errno := e.sys.PathRename(e.ctx, Root, c.old, Root, c.new)
			e.errno(fmt.Sprintf("path_rename(%q, %q)", c.old, c.new), errno, c.want...)
		}
		if got := e.hostRead("file"); got != "f" {
			e.t.Errorf("file = %q", got)
		}
		if got := e.hostRead("full/x"); got != "x" {
			e.t.Errorf("full/x = %q", got)
		}
	})
}

func (s *suite) pathSymlink(t *testing.T) {
	s.test(t, "relative", func(e *env) {
		e.hostWrite("dir/file", fileContent)
		e.must("path_symlink(dir/file, link)", e.sys.PathSymlink(e.ctx, "dir/file", Root, "link"))
		buf := make([]byte, 64)
		n, errno := e.sys.PathReadLink(e.ctx, Root, "link", buf)
		if e.errno("path_readlink(link)", errno, wasi.ESUCCESS) && string(buf[:n]) != "dir/file" {
			e.t.Errorf("link holds %q", buf[:n])
		}
		fd := e.open("link", 0, readRights, 0)
		if got := e.readAll(fd); got != fileContent {
			e.t.Errorf("reading through the link: %q", got)
		}
		e.must("path_symlink(../file, dir/up)", e.sys.PathSymlink(e.ctx, "../file", Root, "dir/up"))
		e.hostWrite("file", "top")
		fd = e.open("dir/up", 0, readRights, 0)
		if got := e.readAll(fd); got != "top" {
			e.t.Errorf("reading through dir/up: %q", got)
		}
		e.must("path_symlink(missing, dangling)", e.sys.PathSymlink(e.ctx, "missing", Root, "dangling"))
	})
	s.test(t, "errors", func(e *env) {
		e.hostWrite("file", "x")
		for _, c := range []struct {
			old, new string
			want     []wasi.Errno
		}{
			{"x", "file", []wasi.Errno{wasi.EEXIST}},
			{"x", "missing/link", []wasi.Errno{wasi.ENOENT}},
			{"x", "file/link", []wasi.Errno{wasi.ENOTDIR}},
			{"", "link", []wasi.Errno{wasi.ENOENT, wasi.EINVAL}},
			{"x", "", []wasi.Errno{wasi.ENOENT}},
		} {
			errno := e.sys.PathSymlink(e.ctx, c.old, Root, c.new)
			e.errno(fmt.Sprintf("path_symlink(%q, %q)", c.old, c.new), errno, c.want...)
		}
		if got := e.hostRead("file"); got != "x" {
			e.t.Errorf("file = %q", got)
		}
	})
	s.test(t, "absolute target", func(e *env) {
		// Creating a link to an absolute path is refused (wasibox's unix
		// layer, wasmtime) or allowed; either way it is never followed out.
		target := e.outside + "/secret"
		errno := e.sys.PathSymlink(e.ctx, target, Root, "abs")
		if !e.errno("path_symlink(absolute, abs)", errno, wasi.ESUCCESS, wasi.ENOTCAPABLE, wasi.EPERM, wasi.EACCES) {
			return
		}
		if errno != wasi.ESUCCESS {
			if _, ok := e.hostType("abs"); ok {
				e.t.Error("a refused path_symlink created abs")
			}
			return
		}
		_, errno = e.openAt(Root, wasi.SymlinkFollow, "abs", 0, readRights, 0)
		e.errno("path_open through an absolute link", errno, wasi.ENOTCAPABLE)
		_, errno = e.sys.PathFileStatGet(e.ctx, Root, wasi.SymlinkFollow, "abs")
		e.errno("path_filestat_get through an absolute link", errno, wasi.ENOTCAPABLE)
		e.checkSentinel("absolute symlink")
	})
	s.test(t, "escaping relative target", func(e *env) {
		errno := e.sys.PathSymlink(e.ctx, "../outside/secret", Root, "up")
		if !e.errno("path_symlink(../outside/secret, up)", errno, wasi.ESUCCESS, wasi.ENOTCAPABLE, wasi.EPERM, wasi.EACCES) || errno != wasi.ESUCCESS {
			return
		}
		_, errno = e.openAt(Root, wasi.SymlinkFollow, "up", 0, fileRights, 0)
		e.errno("path_open through a link out of root", errno, wasi.ENOTCAPABLE)
		_, errno = e.openAt(Root, wasi.SymlinkFollow, "up", wasi.OTruncate, fileRights, 0)
		e.errno("path_open(trunc) through a link out of root", errno, wasi.ENOTCAPABLE)
		e.checkSentinel("relative symlink out of root")
	})
}

func (s *suite) pathUnlinkFile(t *testing.T) {
	s.test(t, "unlink", func(e *env) {
		e.hostWrite("file", "x")
		e.must("path_unlink_file(file)", e.sys.PathUnlinkFile(e.ctx, Root, "file"))
		if _, ok := e.hostType("file"); ok {
			e.t.Error("file still exists")
		}
		fd := e.openFile("open", "still readable")
		e.must("path_unlink_file of an open file", e.sys.PathUnlinkFile(e.ctx, Root, "open"))
		if got := e.readAll(fd); got != "still readable" {
			e.t.Errorf("an unlinked open file reads %q", got)
		}
	})
	s.test(t, "symlink", func(e *env) {
		e.hostWrite("target", "t")
		e.hostSymlink("target", "link")
		e.hostMkdir("dir")
		e.hostSymlink("dir", "dirlink")
		e.must("path_unlink_file(link)", e.sys.PathUnlinkFile(e.ctx, Root, "link"))
		e.must("path_unlink_file(dirlink)", e.sys.PathUnlinkFile(e.ctx, Root, "dirlink"))
		if _, ok := e.hostType("link"); ok {
			e.t.Error("link still exists")
		}
		if got := e.hostRead("target"); got != "t" {
			e.t.Errorf("target = %q, want it untouched", got)
		}
		if typ, ok := e.hostType("dir"); !ok || typ != fs.ModeDir {
			e.t.Error("dir was removed through its link")
		}
	})
	s.test(t, "errors", func(e *env) {
		e.hostMkdir("dir")
		e.hostWrite("file", "x")
		for _, c := range []struct {
			path string
			want []wasi.Errno
		}{
			{"dir", []wasi.Errno{wasi.EISDIR}}, // the spec names this one
			{"dir/", []wasi.Errno{wasi.EISDIR}},
			{"missing", []wasi.Errno{wasi.ENOENT}},
			{"file/", []wasi.Errno{wasi.ENOTDIR}},
			{"file/x", []wasi.Errno{wasi.ENOTDIR}},
			{"", []wasi.Errno{wasi.ENOENT}},
			{".", []wasi.Errno{wasi.EISDIR}},
		} {
			e.errno(fmt.Sprintf("path_unlink_file(%q)", c.path), e.sys.PathUnlinkFile(e.ctx, Root, c.path), c.want...)
		}
		if _, ok := e.hostType("dir"); !ok {
			e.t.Error("dir was removed")
		}
		if got := e.hostRead("file"); got != "x" {
			e.t.Errorf("file = %q", got)
		}
	})
	s.test(t, "long names", func(e *env) {
		long := strings.Repeat("n", 255)
		e.hostWrite(long, "x")
		e.must("path_unlink_file(255-byte name)", e.sys.PathUnlinkFile(e.ctx, Root, long))
		e.errno("path_unlink_file(256-byte name)", e.sys.PathUnlinkFile(e.ctx, Root, long+"n"), wasi.ENAMETOOLONG)
	})
}
