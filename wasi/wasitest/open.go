package wasitest

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

func (s *suite) pathOpen(t *testing.T) {
	s.test(t, "cases", func(e *env) {
		e.hostWrite("file", fileContent)
		e.hostWrite("dir/inner", "inner")
		e.hostSymlink("file", "link")
		e.hostSymlink("dir", "dirlink")
		e.hostSymlink("missing", "dangling")
		e.hostSymlink("loop", "loop")
		long := strings.Repeat("n", 256)
		for _, c := range []struct {
			name    string
			path    string
			lookup  wasi.LookupFlags
			oflags  wasi.OFlags
			rights  wasi.Rights
			want    []wasi.Errno
			typ     wasi.FileType // when it opens
			content string        // when it opens a file with fd_read
		}{
			{"file", "file", 0, 0, readRights, []wasi.Errno{wasi.ESUCCESS}, wasi.RegularFileType, fileContent},
			{"dot slash", "./file", 0, 0, readRights, []wasi.Errno{wasi.ESUCCESS}, wasi.RegularFileType, fileContent},
			{"dot dot inside", "dir/../file", 0, 0, readRights, []wasi.Errno{wasi.ESUCCESS}, wasi.RegularFileType, fileContent},
			{"double slash", "dir//inner", 0, 0, readRights, []wasi.Errno{wasi.ESUCCESS}, wasi.RegularFileType, "inner"},
			{"missing", "missing", 0, 0, readRights, []wasi.Errno{wasi.ENOENT}, 0, ""},
			{"empty", "", 0, 0, readRights, []wasi.Errno{wasi.ENOENT}, 0, ""},
			{"directory flag on a file", "file", 0, wasi.ODirectory, dirRights, []wasi.Errno{wasi.ENOTDIR}, 0, ""},
			{"trailing slash on a file", "file/", 0, 0, readRights, []wasi.Errno{wasi.ENOTDIR}, 0, ""},
			{"file as a directory", "file/x", 0, 0, readRights, []wasi.Errno{wasi.ENOTDIR}, 0, ""},
			{"directory", "dir", 0, wasi.ODirectory, dirRights, []wasi.Errno{wasi.ESUCCESS}, wasi.DirectoryType, ""},
			{"directory with trailing slash", "dir/", 0, wasi.ODirectory, dirRights, []wasi.Errno{wasi.ESUCCESS}, wasi.DirectoryType, ""},
			{"dot", ".", 0, wasi.ODirectory, dirRights, []wasi.Errno{wasi.ESUCCESS}, wasi.DirectoryType, ""},
			// Go's wasip1 runtime opens directories with file read rights
			// and retries with O_DIRECTORY on EISDIR: both are fine.
			{"directory with read rights", "dir", 0, 0, readRights, []wasi.Errno{wasi.ESUCCESS, wasi.EISDIR}, wasi.DirectoryType, ""},
			{"directory with write rights", "dir", 0, 0, wasi.FDReadRight | wasi.FDWriteRight, []wasi.Errno{wasi.EISDIR}, 0, ""},
			{"directory flag with write rights", "dir", 0, wasi.ODirectory, wasi.FDWriteRight, []wasi.Errno{wasi.EISDIR}, 0, ""},
			{"directory truncated", "dir", 0, wasi.OTruncate, fileRights, []wasi.Errno{wasi.EISDIR}, 0, ""},
			{"symlink followed", "link", wasi.SymlinkFollow, 0, readRights, []wasi.Errno{wasi.ESUCCESS}, wasi.RegularFileType, fileContent},
			{"symlink not followed", "link", 0, 0, readRights, []wasi.Errno{wasi.ELOOP}, 0, ""},
			// dirflags only concern the last component: a symlink in the
			// middle of a path is always followed.
			{"symlink in the middle", "dirlink/inner", 0, 0, readRights, []wasi.Errno{wasi.ESUCCESS}, wasi.RegularFileType, "inner"},
			{"symlinked directory", "dirlink", wasi.SymlinkFollow, wasi.ODirectory, dirRights, []wasi.Errno{wasi.ESUCCESS}, wasi.DirectoryType, ""},
			{"dangling symlink", "dangling", wasi.SymlinkFollow, 0, readRights, []wasi.Errno{wasi.ENOENT}, 0, ""},
			{"symlink loop", "loop", wasi.SymlinkFollow, 0, readRights, []wasi.Errno{wasi.ELOOP}, 0, ""},
			{"long component", long, 0, 0, readRights, []wasi.Errno{wasi.ENAMETOOLONG}, 0, ""},
			{"long path", strings.Repeat("dir/", 1100) + "x", 0, 0, readRights, []wasi.Errno{wasi.ENAMETOOLONG}, 0, ""},
			{"NUL byte", "file\x00.txt", 0, 0, readRights, []wasi.Errno{wasi.EINVAL, wasi.EILSEQ}, 0, ""},
			{"unknown oflags", "file", 0, 1 << 7, readRights, []wasi.Errno{wasi.EINVAL}, 0, ""},
		} {
			what := fmt.Sprintf("%s: path_open(%q, lookup %v, oflags %v, rights %v)", c.name, c.path, c.lookup, c.oflags, c.rights)
			fd, errno := e.openAt(Root, c.lookup, c.path, c.oflags, c.rights, 0)
			if !e.errno(what, errno, c.want...) || errno != wasi.ESUCCESS {
				continue
			}
			if st := e.fdstat(fd); st.FileType != c.typ {
				e.t.Errorf("%s opened a %v, want %v", what, st.FileType, c.typ)
			}
			if c.content != "" {
				if got := e.readAll(fd); got != c.content {
					e.t.Errorf("%s reads %q, want %q", what, got, c.content)
				}
			}
			e.close(fd)
		}
		if got := e.hostRead("file"); got != fileContent {
			e.t.Errorf("file changed to %q", got)
		}
		if typ, ok := e.hostType("dir"); !ok || typ != fs.ModeDir {
			e.t.Error("dir changed")
		}
	})
	s.test(t, "create", func(e *env) {
		fd := e.open("new", wasi.OCreate, fileRights, 0)
		e.write(fd, "created")
		if got := e.hostRead("new"); got != "created" {
			e.t.Errorf("new = %q", got)
		}
		// O_CREAT of an existing file opens it.
		fd = e.open("new", wasi.OCreate, fileRights, 0)
		if got := e.readAll(fd); got != "created" {
			e.t.Errorf("reopened with creat: %q", got)
		}
		_, errno := e.openAt(Root, 0, "new", wasi.OCreate|wasi.OExclusive, fileRights, 0)
		e.errno("path_open(creat|excl) of an existing file", errno, wasi.EEXIST)
		e.hostSymlink("new", "link")
		_, errno = e.openAt(Root, wasi.SymlinkFollow, "link", wasi.OCreate|wasi.OExclusive, fileRights, 0)
		e.errno("path_open(creat|excl) of a symlink", errno, wasi.EEXIST)
		e.hostSymlink("target", "dangling")
		_, errno = e.openAt(Root, 0, "dangling", wasi.OCreate|wasi.OExclusive, fileRights, 0)
		e.errno("path_open(creat|excl) of a dangling symlink", errno, wasi.EEXIST)
		if _, ok := e.hostType("target"); ok {
			e.t.Error("creat|excl created the dangling symlink's target")
		}
		_, errno = e.openAt(Root, 0, "missing/new", wasi.OCreate, fileRights, 0)
		e.errno("path_open(creat) in a missing directory", errno, wasi.ENOENT)
		_, errno = e.openAt(Root, 0, "dir/", wasi.OCreate, fileRights, 0)
		e.errno("path_open(creat) of \"dir/\"", errno, wasi.EISDIR, wasi.ENOENT, wasi.EINVAL)
	})
	s.test(t, "truncate", func(e *env) {
		e.hostWrite("file", fileContent)
		fd := e.open("file", wasi.OTruncate, fileRights, 0)
		if st := e.filestat(fd); st.Size != 0 {
			e.t.Errorf("size after trunc = %d", st.Size)
		}
		if got := e.hostRead("file"); got != "" {
			e.t.Errorf("file = %q after trunc", got)
		}
	})
	s.test(t, "fdflags", func(e *env) {
		e.hostWrite("file", "abc")
		fd := e.open("file", 0, fileRights, wasi.Append)
		if st := e.fdstat(fd); !st.Flags.Has(wasi.Append) {
			e.t.Errorf("flags = %v, want append", st.Flags)
		}
		e.write(fd, "d")
		if got := e.hostRead("file"); got != "abcd" {
			e.t.Errorf("append open then write: %q", got)
		}
		fd = e.open("file", 0, readRights, wasi.NonBlock)
		if got := e.readAll(fd); got != "abcd" {
			e.t.Errorf("non-blocking file read: %q", got)
		}
	})
	s.test(t, "rights", func(e *env) {
		e.hostWrite("file", fileContent)
		fd := e.open("file", 0, 0, 0)
		if st := e.fdstat(fd); st.RightsBase != 0 {
			e.t.Errorf("opened with no rights, has %v", st.RightsBase)
		}
		_, errno := e.sys.FDRead(e.ctx, fd, []wasi.IOVec{make([]byte, 4)})
		e.errno("fd_read without rights", errno, wasi.EBADF) // not open for reading
		// Bits no right defines are dropped or refused, never kept.
		fd, errno = e.openAt(Root, 0, "file", 0, wasi.AllRights|1<<40, 0)
		if e.errno("path_open with undefined rights bits", errno, wasi.ESUCCESS, wasi.EINVAL, wasi.ENOTCAPABLE) && errno == wasi.ESUCCESS {
			if st := e.fdstat(fd); st.RightsBase&^wasi.AllRights != 0 {
				e.t.Errorf("rights %v include bits no right defines", st.RightsBase)
			}
		}
	})
	s.test(t, "beneath a directory fd", func(e *env) {
		e.hostWrite("dir/sub/file", "deep")
		e.hostWrite("file", "top")
		d := e.openDir("dir", dirRights)
		fd, errno := e.openAt(d, 0, "sub/file", 0, readRights, 0)
		if e.errno("path_open(dir fd, sub/file)", errno, wasi.ESUCCESS) {
			if got := e.readAll(fd); got != "deep" {
				e.t.Errorf("reads %q", got)
			}
		}
		// ".." above a directory descriptor leaves it, even if the result
		// is still inside the preopen: the descriptor is the capability.
		_, errno = e.openAt(d, 0, "../file", 0, readRights, 0)
		e.errno("path_open(dir fd, ../file)", errno, wasi.ENOTCAPABLE)
		_, errno = e.openAt(d, 0, "sub/../../file", 0, readRights, 0)
		e.errno("path_open(dir fd, sub/../../file)", errno, wasi.ENOTCAPABLE)
		f := e.openFile("plain", "")
		_, errno = e.openAt(f, 0, "x", 0, readRights, 0)
		e.errno("path_open beneath a file descriptor", errno, wasi.ENOTDIR, wasi.ENOTCAPABLE)
	})
	s.test(t, "many descriptors", func(e *env) {
		e.hostWrite("file", "x")
		var fds []wasi.FD
		seen := map[wasi.FD]bool{}
		for range 64 {
			fd := e.open("file", 0, readRights, 0)
			if seen[fd] || fd <= Root {
				e.t.Fatalf("path_open returned fd %d twice or in stdio/preopen range", fd)
			}
			seen[fd] = true
			fds = append(fds, fd)
		}
		for _, fd := range fds {
			e.close(fd)
		}
	})
}
