//go:build linux

package unix

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// Rights Go's wasip1 runtime asks for (syscall/fs_wasip1.go): O_RDONLY
// opens ask for ptGoFileRights &^ ptGoWriteRights, inheriting
// ptGoFileRights.
const (
	ptGoWriteRights = wasi.FDDataSyncRight | wasi.FDWriteRight | wasi.FDAllocateRight | wasi.PathFileStatSetSizeRight
	ptGoFileRights  = wasi.AllRights &^ (wasi.SockShutdownRight | wasi.SockAcceptRight)
)

// ptEmpty in a test's expected content means "empty".
const ptEmpty = "<empty>"

// ptTree is the tree most path tests start from.
var ptTree = []string{"f=file", "d/", "d/g=gee", "d/sub/", "e/", "ld->d", "lf->f", "ldangling->nowhere", "lloop->lloop"}

// ptCase is one path call on a fresh ptTree, with the expected errno and
// an optional check of the host tree afterwards.
type ptCase struct {
	name  string
	call  func(ctx context.Context, s *System) wasi.Errno
	want  wasi.Errno
	check func(t *testing.T, root string)
}

func ptRun(t *testing.T, cases []ptCase) {
	ptEach(t, func(t *testing.T, r Resolver) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				root := t.TempDir()
				ptMake(t, root, ptTree...)
				s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/"})
				ptWant(t, tc.name, tc.call(t.Context(), s), tc.want)
				if tc.check != nil {
					tc.check(t, root)
				}
			})
		}
	})
}

// ptLstat returns the host lstat of root/rel, or nil if it does not exist.
func ptLstat(t *testing.T, root, rel string) os.FileInfo {
	t.Helper()
	fi, err := os.Lstat(filepath.Join(root, rel))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func ptExists(rel string, want bool) func(t *testing.T, root string) {
	return func(t *testing.T, root string) {
		t.Helper()
		if got := ptLstat(t, root, rel) != nil; got != want {
			t.Errorf("%s exists: %v, want %v", rel, got, want)
		}
	}
}

func ptChecks(checks ...func(t *testing.T, root string)) func(t *testing.T, root string) {
	return func(t *testing.T, root string) {
		for _, c := range checks {
			c(t, root)
		}
	}
}

// ptBadPaths are the path checks every path call makes.
var ptBadPaths = []struct {
	name, path string
	want       wasi.Errno
}{
	{"empty", "", wasi.ENOENT},
	{"absolute", "/f", wasi.ENOTCAPABLE},
	{"nul", "f\x00", wasi.EINVAL},
	{"too long", strings.Repeat("x", maxPathLen+1), wasi.ENAMETOOLONG},
	{"dotdot", "../x", wasi.ENOTCAPABLE},
}

func TestPathOpen(t *testing.T) {
	const rd = wasi.FDReadRight | wasi.FDSeekRight
	tests := []struct {
		name     string
		dirFlags wasi.LookupFlags
		path     string
		oflags   wasi.OFlags
		base     wasi.Rights
		inherit  wasi.Rights
		fdFlags  wasi.FDFlags
		want     wasi.Errno

		is       string        // host path (relative) the descriptor must be
		typ      wasi.FileType // expected type
		wantBase wasi.Rights   // expected rights, if non-zero
		wantInh  wasi.Rights   // expected inheriting rights (checked if wantBase is set)
		accmode  int           // expected host access mode
		hostFl   int           // host status flags that must be set
		content  string        // expected content of root/is after the call ("" = do not check)
	}{
		{name: "read", path: "f", base: rd, is: "f", typ: wasi.RegularFileType, wantBase: rd, accmode: unix.O_RDONLY, content: "file"},
		{name: "write", path: "f", base: wasi.FDWriteRight, is: "f", typ: wasi.RegularFileType, wantBase: wasi.FDWriteRight, accmode: unix.O_WRONLY, content: "file"},
		{name: "read write", path: "f", base: rd | wasi.FDWriteRight, is: "f", typ: wasi.RegularFileType, accmode: unix.O_RDWR, content: "file"},
		{name: "no rights", path: "f", is: "f", typ: wasi.RegularFileType, accmode: unix.O_RDONLY, content: "file"},
		{name: "all rights on a file", path: "f", base: wasi.AllRights, inherit: wasi.AllRights, is: "f", typ: wasi.RegularFileType,
			wantBase: wasi.FileRights, wantInh: 0, accmode: unix.O_RDWR, content: "file"},
		{name: "go O_RDONLY rights", path: "f", base: ptGoFileRights &^ ptGoWriteRights, inherit: ptGoFileRights, is: "f", typ: wasi.RegularFileType,
			wantBase: (ptGoFileRights &^ ptGoWriteRights) & wasi.FileRights &^ wasi.FDFileStatSetSizeRight, accmode: unix.O_RDONLY, content: "file"},
		{name: "go O_RDONLY rights on a directory", path: "d", base: ptGoFileRights &^ ptGoWriteRights, inherit: ptGoFileRights, is: "d", typ: wasi.DirectoryType,
			wantBase: (ptGoFileRights &^ ptGoWriteRights) & wasi.DirectoryRights, wantInh: ptGoFileRights & (wasi.DirectoryRights | wasi.FileRights), accmode: unix.O_RDONLY},
		{name: "directory", path: "d", oflags: wasi.ODirectory, base: wasi.AllRights, inherit: wasi.AllRights &^ wasi.FDWriteRight, want: wasi.EISDIR},
		{name: "directory read", path: "d", oflags: wasi.ODirectory, base: wasi.DirectoryRights, inherit: wasi.AllRights, is: "d", typ: wasi.DirectoryType,
			wantBase: wasi.DirectoryRights, wantInh: wasi.DirectoryRights | wasi.FileRights, accmode: unix.O_RDONLY},
		{name: "directory without oflag", path: "d", base: wasi.FDReadDirRight, is: "d", typ: wasi.DirectoryType, accmode: unix.O_RDONLY},
		{name: "directory for writing", path: "d", base: wasi.FDWriteRight, want: wasi.EISDIR},
		{name: "directory oflag for writing", path: "d", oflags: wasi.ODirectory, base: wasi.FDReadDirRight | wasi.FDWriteRight, want: wasi.EISDIR},
		{name: "directory oflag on a file", path: "f", oflags: wasi.ODirectory, want: wasi.ENOTDIR},
		{name: "directory slash", path: "d/", is: "d", typ: wasi.DirectoryType},
		{name: "directory slashes", path: "d///", is: "d", typ: wasi.DirectoryType},
		{name: "file slash", path: "f/", want: wasi.ENOTDIR},
		{name: "file slashes", path: "f///", want: wasi.ENOTDIR},
		{name: "interesting path", path: "d/.//sub/../../d/sub/../g", base: rd, is: "d/g", typ: wasi.RegularFileType, content: "gee"},
		{name: "missing", path: "nope", want: wasi.ENOENT},
		{name: "create", path: "new", oflags: wasi.OCreate, base: wasi.FDWriteRight, is: "new", typ: wasi.RegularFileType, accmode: unix.O_WRONLY, content: ptEmpty},
		{name: "create existing", path: "f", oflags: wasi.OCreate, base: rd, is: "f", typ: wasi.RegularFileType, content: "file"},
		{name: "create exclusive", path: "new", oflags: wasi.OCreate | wasi.OExclusive, is: "new", typ: wasi.RegularFileType, content: ptEmpty},
		{name: "create exclusive existing", path: "f", oflags: wasi.OCreate | wasi.OExclusive, want: wasi.EEXIST},
		{name: "create exclusive over a link", path: "lf", dirFlags: wasi.SymlinkFollow, oflags: wasi.OCreate | wasi.OExclusive, want: wasi.EEXIST},
		{name: "create through a dangling link", path: "ldangling", dirFlags: wasi.SymlinkFollow, oflags: wasi.OCreate, base: wasi.FDWriteRight, is: "nowhere", typ: wasi.RegularFileType, accmode: unix.O_WRONLY, content: ptEmpty},
		{name: "create through a dangling link nofollow", path: "ldangling", oflags: wasi.OCreate, want: wasi.ELOOP},
		{name: "create in missing directory", path: "nope/new", oflags: wasi.OCreate, want: wasi.ENOENT},
		{name: "create slash", path: "new/", oflags: wasi.OCreate, want: wasi.EISDIR},
		{name: "truncate", path: "f", oflags: wasi.OTruncate, base: wasi.FDWriteRight, is: "f", typ: wasi.RegularFileType, accmode: unix.O_WRONLY, content: ptEmpty},
		{name: "truncate with read rights", path: "f", oflags: wasi.OTruncate, base: rd, is: "f", typ: wasi.RegularFileType, accmode: unix.O_RDONLY, content: ptEmpty},
		{name: "symlink nofollow", path: "lf", base: rd, want: wasi.ELOOP},
		{name: "symlink follow", path: "lf", dirFlags: wasi.SymlinkFollow, base: rd, is: "f", typ: wasi.RegularFileType, content: "file"},
		{name: "dir symlink nofollow", path: "ld", oflags: wasi.ODirectory, want: wasi.ENOTDIR},
		{name: "dir symlink follow", path: "ld", dirFlags: wasi.SymlinkFollow, oflags: wasi.ODirectory, is: "d", typ: wasi.DirectoryType},
		{name: "intermediate symlink nofollow", path: "ld/g", base: rd, is: "d/g", typ: wasi.RegularFileType, content: "gee"},
		{name: "symlink loop", path: "lloop", dirFlags: wasi.SymlinkFollow, want: wasi.ELOOP},
		{name: "append", path: "f", base: wasi.FDWriteRight, fdFlags: wasi.Append, is: "f", typ: wasi.RegularFileType, accmode: unix.O_WRONLY, hostFl: unix.O_APPEND, content: "file"},
		{name: "sync flags", path: "f", base: wasi.FDWriteRight, fdFlags: wasi.DSync | wasi.RSync | wasi.Sync, is: "f", typ: wasi.RegularFileType, accmode: unix.O_WRONLY, hostFl: unix.O_SYNC | unix.O_DSYNC, content: "file"},
		{name: "guest nonblock", path: "f", base: rd, fdFlags: wasi.NonBlock, is: "f", typ: wasi.RegularFileType},
		{name: "undefined oflags", path: "f", oflags: 1 << 4, want: wasi.EINVAL},
		{name: "undefined fdflags", path: "f", fdFlags: 1 << 5, want: wasi.EINVAL},
		{name: "fifo for reading", path: "fifo", base: wasi.FDReadRight, is: "fifo", typ: wasi.UnknownType, accmode: unix.O_RDONLY},
	}
	for _, bp := range ptBadPaths {
		tests = append(tests, struct {
			name     string
			dirFlags wasi.LookupFlags
			path     string
			oflags   wasi.OFlags
			base     wasi.Rights
			inherit  wasi.Rights
			fdFlags  wasi.FDFlags
			want     wasi.Errno
			is       string
			typ      wasi.FileType
			wantBase wasi.Rights
			wantInh  wasi.Rights
			accmode  int
			hostFl   int
			content  string
		}{name: "path " + bp.name, path: bp.path, oflags: wasi.OCreate, want: bp.want})
	}
	ptEach(t, func(t *testing.T, r Resolver) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				root := t.TempDir()
				ptMake(t, root, ptTree...)
				ptMake(t, root, "fifo|")
				s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/"})
				fd, errno := s.PathOpen(t.Context(), 3, tt.dirFlags, tt.path, tt.oflags, tt.base, tt.inherit, tt.fdFlags)
				if errno != tt.want {
					t.Fatalf("PathOpen(%q): errno %v, want %v", tt.path, errno, tt.want)
				}
				if errno != wasi.ESUCCESS {
					if fd != -1 {
						t.Errorf("fd %d on error", fd)
					}
					if s.nfiles != 1 {
						t.Errorf("%d descriptors open, want 1", s.nfiles)
					}
					if tt.oflags.Has(wasi.OCreate) && ptLstat(t, root, "new") != nil {
						t.Error("a failed create left a file behind")
					}
					return
				}
				f := ptFile(t, s, fd)
				if got, want := ptHostIno(t, f.fd), ptIno(t, filepath.Join(root, tt.is)); got != want {
					t.Errorf("inode %d, want %d (%s)", got, want, tt.is)
				}
				st, errno := s.FDStatGet(t.Context(), fd)
				if errno != wasi.ESUCCESS {
					t.Fatal(errno)
				}
				if st.FileType != tt.typ || f.typ != tt.typ {
					t.Errorf("type %v, want %v", st.FileType, tt.typ)
				}
				if st.Flags != tt.fdFlags {
					t.Errorf("guest flags %v, want %v", st.Flags, tt.fdFlags)
				}
				wantBase := tt.base & wasi.FileRights
				if tt.typ == wasi.DirectoryType {
					wantBase = tt.base & wasi.DirectoryRights
				}
				if tt.wantBase != 0 {
					wantBase = tt.wantBase
					if st.RightsInheriting != tt.wantInh {
						t.Errorf("inheriting %v, want %v", st.RightsInheriting, tt.wantInh)
					}
				}
				if tt.typ == wasi.DirectoryType && st.RightsBase.HasAny(wasi.FDWriteRight|wasi.FDReadRight|wasi.FDSeekRight) {
					t.Errorf("directory with file rights %v", st.RightsBase)
				}
				if st.RightsBase&wasi.FDFileStatSetSizeRight != 0 && !st.RightsBase.HasAny(wasi.FDWriteRight|wasi.FDAllocateRight) {
					t.Errorf("fd_filestat_set_size on a descriptor not opened for writing: %v", st.RightsBase)
				}
				if tt.typ != wasi.DirectoryType && !wantBase.HasAny(wasi.FDWriteRight|wasi.FDAllocateRight) {
					wantBase &^= wasi.FDFileStatSetSizeRight
				}
				if st.RightsBase != wantBase {
					t.Errorf("rights %v, want %v", st.RightsBase, wantBase)
				}
				fl, err := unix.FcntlInt(uintptr(f.fd), unix.F_GETFL, 0)
				if err != nil {
					t.Fatal(err)
				}
				if fl&unix.O_ACCMODE != tt.accmode {
					t.Errorf("host access mode %#o, want %#o", fl&unix.O_ACCMODE, tt.accmode)
				}
				if fl&unix.O_NONBLOCK == 0 {
					t.Error("host descriptor is blocking")
				}
				if fl&tt.hostFl != tt.hostFl {
					t.Errorf("host flags %#o, want %#o set", fl, tt.hostFl)
				}
				if fd, err := unix.FcntlInt(uintptr(f.fd), unix.F_GETFD, 0); err != nil || fd&unix.FD_CLOEXEC == 0 {
					t.Error("host descriptor is not close-on-exec")
				}
				if tt.content != "" {
					want := strings.TrimPrefix(tt.content, ptEmpty)
					if b, err := os.ReadFile(filepath.Join(root, tt.is)); err != nil || string(b) != want {
						t.Errorf("content %q (%v), want %q", b, err, tt.content)
					}
				}
				ptWant(t, "FDClose", s.FDClose(t.Context(), fd), wasi.ESUCCESS)
			})
		}
	})
}

func TestPathOpenRights(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		root := t.TempDir()
		ptMake(t, root, ptTree...)
		ctx := t.Context()
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/"})
		dir := ptFile(t, s, 3)
		full := dir.base
		tests := []struct {
			name    string
			drop    wasi.Rights // removed from the directory's base rights
			oflags  wasi.OFlags
			path    string
			want    wasi.Errno
			created bool
		}{
			{"no path_open", wasi.PathOpenRight, 0, "f", wasi.ENOTCAPABLE, false},
			{"create without path_create_file", wasi.PathCreateFileRight, wasi.OCreate, "new", wasi.ENOTCAPABLE, false},
			{"open without path_create_file", wasi.PathCreateFileRight, 0, "f", wasi.ESUCCESS, false},
			{"truncate without path_filestat_set_size", wasi.PathFileStatSetSizeRight, wasi.OTruncate, "f", wasi.ENOTCAPABLE, false},
			{"create", 0, wasi.OCreate, "new", wasi.ESUCCESS, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				dir.base = full &^ tt.drop
				defer func() { dir.base = full }()
				fd, errno := s.PathOpen(ctx, 3, 0, tt.path, tt.oflags, wasi.FDReadRight, 0, 0)
				ptWant(t, tt.path, errno, tt.want)
				if errno == wasi.ESUCCESS {
					s.FDClose(ctx, fd)
				}
				if got := ptLstat(t, root, "new") != nil; got != tt.created {
					t.Errorf("created: %v, want %v", got, tt.created)
				}
				os.Remove(filepath.Join(root, "new"))
			})
		}

		t.Run("inheriting rights mask", func(t *testing.T) {
			saved := dir.inherit
			dir.inherit = wasi.FDReadRight | wasi.FDSeekRight | wasi.PathOpenRight | wasi.FDReadDirRight
			defer func() { dir.inherit = saved }()
			// Asking for more is not refused: the rights are masked, and the
			// host descriptor is opened for reading only.
			fd, errno := s.PathOpen(ctx, 3, 0, "f", 0, wasi.FDReadRight|wasi.FDWriteRight|wasi.FDTellRight, wasi.AllRights, 0)
			ptWant(t, "open", errno, wasi.ESUCCESS)
			f := ptFile(t, s, fd)
			if f.base != wasi.FDReadRight || f.inherit != 0 {
				t.Errorf("rights %v / %v, want fd_read / 0", f.base, f.inherit)
			}
			if fl, _ := unix.FcntlInt(uintptr(f.fd), unix.F_GETFL, 0); fl&unix.O_ACCMODE != unix.O_RDONLY {
				t.Errorf("host access mode %#o, want O_RDONLY", fl&unix.O_ACCMODE)
			}
			s.FDClose(ctx, fd)
			fd, errno = s.PathOpen(ctx, 3, 0, "d", wasi.ODirectory, wasi.AllRights&^wasi.FDWriteRight, wasi.AllRights, 0)
			ptWant(t, "open dir", errno, wasi.ESUCCESS)
			f = ptFile(t, s, fd)
			if want := wasi.PathOpenRight | wasi.FDReadDirRight; f.base != want || f.inherit != dir.inherit {
				t.Errorf("rights %v / %v, want %v / %v", f.base, f.inherit, want, dir.inherit)
			}
			// The child's inheriting rights bound its own children.
			fd2, errno := s.PathOpen(ctx, fd, 0, "g", 0, wasi.AllRights, wasi.AllRights, 0)
			ptWant(t, "open through child", errno, wasi.ESUCCESS)
			if g := ptFile(t, s, fd2); g.base != wasi.FDReadRight|wasi.FDSeekRight {
				t.Errorf("grandchild rights %v", g.base)
			}
			s.FDClose(ctx, fd2)
			s.FDClose(ctx, fd)
		})

		t.Run("not a directory", func(t *testing.T) {
			fd, errno := s.PathOpen(ctx, 3, 0, "f", 0, wasi.AllRights, wasi.AllRights, 0)
			ptWant(t, "open", errno, wasi.ESUCCESS)
			defer s.FDClose(ctx, fd)
			_, errno = s.PathOpen(ctx, fd, 0, "x", 0, 0, 0, 0)
			ptWant(t, "open through a file", errno, wasi.ENOTDIR)
			ptWant(t, "mkdir through a file", s.PathCreateDirectory(ctx, fd, "x"), wasi.ENOTDIR)
			_, errno = s.PathFileStatGet(ctx, fd, 0, "x")
			ptWant(t, "stat through a file", errno, wasi.ENOTDIR)
		})

		t.Run("bad descriptor", func(t *testing.T) {
			for _, fd := range []wasi.FD{-1, 0, 2, 9, 1 << 20} {
				_, errno := s.PathOpen(ctx, fd, 0, "f", 0, 0, 0, 0)
				ptWant(t, "open", errno, wasi.EBADF)
				ptWant(t, "unlink", s.PathUnlinkFile(ctx, fd, "f"), wasi.EBADF)
				ptWant(t, "rename", s.PathRename(ctx, 3, "f", fd, "g"), wasi.EBADF)
			}
		})
	})
}

// TestPathOpenTypePending checks the deferred file type of path_open: no
// fstat at open unless the flags tell the type, the type and rights masks
// settled by the first call that needs them or by fd_filestat_get, and
// fd_close and fd_renumber working without settling.
func TestPathOpenTypePending(t *testing.T) {
	if commonRights&wasi.FDFileStatGetRight == 0 {
		t.Fatal("fd_filestat_get is not a right of both files and directories: FDFileStatGet must settle first")
	}
	ptEach(t, func(t *testing.T, r Resolver) {
		root := t.TempDir()
		ptMake(t, root, append([]string{"fifo|"}, ptTree...)...)
		ctx := t.Context()
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/"})
		open := func(path string, oflags wasi.OFlags, base wasi.Rights) (wasi.FD, *file) {
			t.Helper()
			fd, errno := s.PathOpen(ctx, 3, wasi.SymlinkFollow, path, oflags, base, wasi.AllRights, 0)
			if errno != wasi.ESUCCESS {
				t.Fatalf("open %s: %v", path, errno)
			}
			return fd, s.files[fd] // not lookup: it would settle
		}
		readOnly := wasi.AllRights &^ (wasi.FDWriteRight | wasi.FDAllocateRight)

		t.Run("file settled by fd_filestat_get", func(t *testing.T) {
			fd, f := open("lf", 0, readOnly)
			if !f.typPending {
				t.Fatal("type not pending after a plain open")
			}
			if f.base&^(wasi.DirectoryRights|wasi.FileRights) != 0 || f.base.Has(wasi.FDFileStatSetSizeRight) {
				t.Errorf("pending rights %v exceed what either type keeps", f.base)
			}
			st, errno := s.FDFileStatGet(ctx, fd)
			ptWant(t, "filestat", errno, wasi.ESUCCESS)
			if f.typPending || f.typ != wasi.RegularFileType || st.FileType != wasi.RegularFileType {
				t.Errorf("after filestat: pending %v, type %v, stat type %v", f.typPending, f.typ, st.FileType)
			}
			if want := readOnly & wasi.FileRights &^ wasi.FDFileStatSetSizeRight; f.base != want || f.inherit != 0 {
				t.Errorf("rights %v / %v, want %v / 0", f.base, f.inherit, want)
			}
			_, errno = s.PathOpen(ctx, fd, 0, "x", 0, 0, 0, 0)
			ptWant(t, "open through a file", errno, wasi.ENOTDIR)
			ptWant(t, "close", s.FDClose(ctx, fd), wasi.ESUCCESS)
		})

		t.Run("directory settled by lookup", func(t *testing.T) {
			fd, f := open("d", 0, readOnly)
			if !f.typPending {
				t.Fatal("type not pending after a plain open")
			}
			_, errno := s.FDRead(ctx, fd, [][]byte{make([]byte, 8)})
			ptWant(t, "read a directory", errno, wasi.EISDIR)
			st, errno := s.FDStatGet(ctx, fd)
			ptWant(t, "fdstat", errno, wasi.ESUCCESS)
			if st.FileType != wasi.DirectoryType || st.RightsBase != readOnly&wasi.DirectoryRights ||
				st.RightsInheriting != wasi.DirectoryRights|wasi.FileRights {
				t.Errorf("fdstat %+v", st)
			}
			g, errno := s.PathOpen(ctx, fd, 0, "g", 0, wasi.FDReadRight, 0, 0)
			ptWant(t, "open through the directory", errno, wasi.ESUCCESS)
			s.FDClose(ctx, g)
			s.FDClose(ctx, fd)
		})

		t.Run("FIFO settled by fd_fdstat_get", func(t *testing.T) {
			fd, _ := open("fifo", 0, wasi.FDReadRight)
			st, errno := s.FDStatGet(ctx, fd)
			ptWant(t, "fdstat", errno, wasi.ESUCCESS)
			if st.FileType != wasi.UnknownType || st.RightsBase != wasi.FDReadRight {
				t.Errorf("fdstat %+v", st)
			}
			s.FDClose(ctx, fd)
		})

		t.Run("close and renumber do not settle", func(t *testing.T) {
			a, fa := open("f", 0, readOnly)
			b, fb := open("d", 0, readOnly)
			ptWant(t, "renumber", s.FDRenumber(ctx, a, b), wasi.ESUCCESS)
			if !fa.typPending || !fb.typPending {
				t.Errorf("renumber settled a type: %v, %v", fa.typPending, fb.typPending)
			}
			if got := ptFile(t, s, b); got != fa || got.typ != wasi.RegularFileType {
				t.Errorf("renumbered fd: %p (want %p), type %v", got, fa, got.typ)
			}
			c, fc := open("f", 0, readOnly)
			ptWant(t, "close", s.FDClose(ctx, c), wasi.ESUCCESS)
			if !fc.typPending {
				t.Error("close settled the type")
			}
			s.FDClose(ctx, b)
		})

		t.Run("type known from the flags", func(t *testing.T) {
			fd, f := open("d", wasi.ODirectory, readOnly)
			if f.typPending || f.typ != wasi.DirectoryType {
				t.Errorf("ODirectory: pending %v, type %v", f.typPending, f.typ)
			}
			s.FDClose(ctx, fd)
			fd, f = open("new", wasi.OCreate|wasi.OExclusive, wasi.AllRights)
			if f.typPending || f.typ != wasi.RegularFileType || f.base != wasi.FileRights || f.inherit != 0 {
				t.Errorf("OCreate|OExclusive: pending %v, type %v, rights %v / %v", f.typPending, f.typ, f.base, f.inherit)
			}
			s.FDClose(ctx, fd)
		})
	})
}

func TestPathOpenEMFILE(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		root := t.TempDir()
		ptMake(t, root, ptTree...)
		s, err := New(Config{Preopens: []Preopen{{HostPath: root, GuestPath: "/"}}, Resolver: r, Stdin: -1, Stdout: -1, Stderr: -1, MaxOpenFiles: 3})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close(context.Background())
		ctx := t.Context()
		for i := range 2 {
			if _, errno := s.PathOpen(ctx, 3, 0, "f", 0, wasi.FDReadRight, 0, 0); errno != wasi.ESUCCESS {
				t.Fatalf("open %d: %v", i, errno)
			}
		}
		_, errno := s.PathOpen(ctx, 3, 0, "f", 0, wasi.FDReadRight, 0, 0)
		ptWant(t, "open past the cap", errno, wasi.EMFILE)
		_, errno = s.PathOpen(ctx, 3, 0, "new", wasi.OCreate, wasi.FDReadRight, 0, 0)
		ptWant(t, "create past the cap", errno, wasi.EMFILE)
		if ptLstat(t, root, "new") != nil {
			t.Error("create past the cap left a file")
		}
	})
}

// TestPathOpenFIFO opens a FIFO that has no writer, for reading: it must
// return at once (host O_NONBLOCK) rather than hang the host thread.
func TestPathOpenFIFO(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		root := t.TempDir()
		ptMake(t, root, "fifo|")
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/"})
		done := make(chan wasi.Errno, 1)
		go func() {
			fd, errno := s.PathOpen(context.Background(), 3, 0, "fifo", 0, wasi.FDReadRight, 0, 0)
			if errno == wasi.ESUCCESS {
				if typ := ptFile(t, s, fd).typ; typ != wasi.UnknownType {
					t.Errorf("FIFO type %v", typ)
				}
			}
			done <- errno
		}()
		select {
		case errno := <-done:
			ptWant(t, "open", errno, wasi.ESUCCESS)
		case <-time.After(30 * time.Second): // a hang detector, not a timing assertion
			t.Fatal("path_open of a FIFO for reading blocked")
		}
		// For writing, with no reader: ENXIO rather than a hang.
		for fd := wasi.FD(4); int(fd) < len(s.files); fd++ {
			s.FDClose(t.Context(), fd)
		}
		_, errno := s.PathOpen(t.Context(), 3, 0, "fifo", 0, wasi.FDWriteRight, 0, 0)
		ptWant(t, "open for writing", errno, wasi.ENXIO)
	})
}

func TestPathCreateDirectory(t *testing.T) {
	mk := func(p string) func(context.Context, *System) wasi.Errno {
		return func(ctx context.Context, s *System) wasi.Errno { return s.PathCreateDirectory(ctx, 3, p) }
	}
	isDir := func(rel string) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			if fi := ptLstat(t, root, rel); fi == nil || !fi.IsDir() {
				t.Errorf("%s is not a directory", rel)
			}
		}
	}
	cases := []ptCase{
		{name: "create", call: mk("new"), check: isDir("new")},
		{name: "nested", call: mk("d/new"), check: isDir("d/new")},
		{name: "through a link", call: mk("ld/new"), check: isDir("d/new")},
		{name: "trailing slash", call: mk("new/"), check: isDir("new")},
		{name: "dotdot inside", call: mk("d/../new"), check: isDir("new")},
		{name: "exists", call: mk("d"), want: wasi.EEXIST},
		{name: "exists file", call: mk("f"), want: wasi.EEXIST},
		{name: "exists link", call: mk("ldangling"), want: wasi.EEXIST, check: ptExists("nowhere", false)},
		{name: "exists link slash", call: mk("ldangling/"), want: wasi.EEXIST, check: ptExists("nowhere", false)},
		{name: "dot", call: mk("."), want: wasi.EEXIST},
		{name: "dir dotdot", call: mk("d/.."), want: wasi.EEXIST},
		{name: "missing parent", call: mk("nope/new"), want: wasi.ENOENT},
		{name: "parent is a file", call: mk("f/new"), want: wasi.ENOTDIR},
		{name: "no right", call: func(ctx context.Context, s *System) wasi.Errno {
			s.files[3].base &^= wasi.PathCreateDirectoryRight
			return s.PathCreateDirectory(ctx, 3, "new")
		}, want: wasi.ENOTCAPABLE, check: ptExists("new", false)},
	}
	for _, bp := range ptBadPaths {
		cases = append(cases, ptCase{name: "path " + bp.name, call: mk(bp.path), want: bp.want})
	}
	ptRun(t, cases)
}

func TestPathUnlinkFile(t *testing.T) {
	rm := func(p string) func(context.Context, *System) wasi.Errno {
		return func(ctx context.Context, s *System) wasi.Errno { return s.PathUnlinkFile(ctx, 3, p) }
	}
	cases := []ptCase{
		{name: "file", call: rm("f"), check: ptExists("f", false)},
		{name: "nested", call: rm("d/g"), check: ptExists("d/g", false)},
		{name: "through a link", call: rm("ld/g"), check: ptExists("d/g", false)},
		{name: "link, not its target", call: rm("lf"), check: ptChecks(ptExists("lf", false), ptExists("f", true))},
		{name: "dir link, not its target", call: rm("ld"), check: ptChecks(ptExists("ld", false), ptExists("d/g", true))},
		{name: "dangling link", call: rm("ldangling"), check: ptExists("ldangling", false)},
		{name: "directory", call: rm("d"), want: wasi.EISDIR, check: ptExists("d", true)},
		{name: "directory slash", call: rm("d/"), want: wasi.EISDIR, check: ptExists("d", true)},
		{name: "file slash", call: rm("f/"), want: wasi.ENOTDIR, check: ptExists("f", true)},
		{name: "link slash", call: rm("lf/"), want: wasi.ENOTDIR, check: ptChecks(ptExists("lf", true), ptExists("f", true))},
		{name: "dir link slash", call: rm("ld/"), want: wasi.ENOTDIR, check: ptChecks(ptExists("ld", true), ptExists("d", true))},
		{name: "missing", call: rm("nope"), want: wasi.ENOENT},
		{name: "dot", call: rm("."), want: wasi.EISDIR},
		{name: "dir dotdot", call: rm("d/.."), want: wasi.EISDIR},
		{name: "no right", call: func(ctx context.Context, s *System) wasi.Errno {
			s.files[3].base &^= wasi.PathUnlinkFileRight
			return s.PathUnlinkFile(ctx, 3, "f")
		}, want: wasi.ENOTCAPABLE, check: ptExists("f", true)},
	}
	for _, bp := range ptBadPaths {
		cases = append(cases, ptCase{name: "path " + bp.name, call: rm(bp.path), want: bp.want})
	}
	ptRun(t, cases)
}

func TestPathRemoveDirectory(t *testing.T) {
	rmdir := func(p string) func(context.Context, *System) wasi.Errno {
		return func(ctx context.Context, s *System) wasi.Errno { return s.PathRemoveDirectory(ctx, 3, p) }
	}
	cases := []ptCase{
		{name: "empty", call: rmdir("e"), check: ptExists("e", false)},
		{name: "nested", call: rmdir("d/sub"), check: ptExists("d/sub", false)},
		{name: "slash", call: rmdir("e/"), check: ptExists("e", false)},
		{name: "not empty", call: rmdir("d"), want: wasi.ENOTEMPTY, check: ptExists("d/g", true)},
		{name: "file", call: rmdir("f"), want: wasi.ENOTDIR, check: ptExists("f", true)},
		{name: "file slash", call: rmdir("f/"), want: wasi.ENOTDIR, check: ptExists("f", true)},
		{name: "link to a directory", call: rmdir("ld"), want: wasi.ENOTDIR, check: ptExists("ld", true)},
		{name: "dot", call: rmdir("."), want: wasi.EINVAL},
		{name: "dir dot", call: rmdir("e/."), want: wasi.EINVAL, check: ptExists("e", true)},
		{name: "dir dotdot", call: rmdir("e/.."), want: wasi.EINVAL},
		{name: "missing", call: rmdir("nope"), want: wasi.ENOENT},
	}
	for _, bp := range ptBadPaths {
		cases = append(cases, ptCase{name: "path " + bp.name, call: rmdir(bp.path), want: bp.want})
	}
	ptRun(t, cases)
}

func TestPathRename(t *testing.T) {
	mv := func(from, to string) func(context.Context, *System) wasi.Errno {
		return func(ctx context.Context, s *System) wasi.Errno { return s.PathRename(ctx, 3, from, 3, to) }
	}
	cases := []ptCase{
		{name: "file", call: mv("f", "f2"), check: ptChecks(ptExists("f", false), ptExists("f2", true))},
		{name: "into a directory", call: mv("f", "d/f"), check: ptExists("d/f", true)},
		{name: "over a file", call: mv("f", "d/g"), check: ptChecks(ptExists("f", false), func(t *testing.T, root string) {
			if b, _ := os.ReadFile(filepath.Join(root, "d/g")); string(b) != "file" {
				t.Errorf("d/g = %q", b)
			}
		})},
		{name: "directory", call: mv("d", "d2"), check: ptExists("d2/g", true)},
		{name: "directory slashes", call: mv("d/", "d2/"), check: ptExists("d2/g", true)},
		{name: "link, not its target", call: mv("ld", "ld2"), check: ptChecks(ptExists("ld2", true), ptExists("d", true))},
		{name: "file slash source", call: mv("f/", "f2"), want: wasi.ENOTDIR, check: ptExists("f", true)},
		{name: "file slash target", call: mv("f", "f2/"), want: wasi.ENOTDIR, check: ptExists("f", true)},
		{name: "file slashes both", call: mv("f/", "f2/"), want: wasi.ENOTDIR, check: ptExists("f", true)},
		{name: "directory over a file", call: mv("e", "f"), want: wasi.ENOTDIR},
		{name: "file over a directory", call: mv("f", "e"), want: wasi.EISDIR},
		{name: "directory over non-empty", call: mv("e", "d"), want: wasi.ENOTEMPTY},
		{name: "directory into itself", call: mv("d", "d/sub/x"), want: wasi.EINVAL},
		{name: "dot", call: mv(".", "x"), want: wasi.EBUSY},
		{name: "dir dotdot", call: mv("d/..", "x"), want: wasi.EBUSY},
		{name: "missing", call: mv("nope", "x"), want: wasi.ENOENT},
		{name: "other descriptor", call: func(ctx context.Context, s *System) wasi.Errno {
			fd, errno := s.PathOpen(ctx, 3, 0, "d", wasi.ODirectory, wasi.DirectoryRights, wasi.AllRights, 0)
			if errno != wasi.ESUCCESS {
				return errno
			}
			return s.PathRename(ctx, 3, "f", fd, "moved")
		}, check: ptExists("d/moved", true)},
		{name: "no source right", call: func(ctx context.Context, s *System) wasi.Errno {
			s.files[3].base &^= wasi.PathRenameSourceRight
			return s.PathRename(ctx, 3, "f", 3, "f2")
		}, want: wasi.ENOTCAPABLE, check: ptExists("f", true)},
		{name: "no target right", call: func(ctx context.Context, s *System) wasi.Errno {
			s.files[3].base &^= wasi.PathRenameTargetRight
			return s.PathRename(ctx, 3, "f", 3, "f2")
		}, want: wasi.ENOTCAPABLE, check: ptExists("f", true)},
	}
	for _, bp := range ptBadPaths {
		cases = append(cases,
			ptCase{name: "source " + bp.name, call: mv(bp.path, "x"), want: bp.want},
			ptCase{name: "target " + bp.name, call: mv("f", bp.path), want: bp.want, check: ptExists("f", true)})
	}
	ptRun(t, cases)
}

func TestPathLink(t *testing.T) {
	ln := func(flags wasi.LookupFlags, from, to string) func(context.Context, *System) wasi.Errno {
		return func(ctx context.Context, s *System) wasi.Errno { return s.PathLink(ctx, 3, flags, from, 3, to) }
	}
	same := func(a, b string) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			if ptLstat(t, root, b) == nil || ptIno(t, filepath.Join(root, a)) != ptIno(t, filepath.Join(root, b)) {
				t.Errorf("%s is not a hard link to %s", b, a)
			}
		}
	}
	cases := []ptCase{
		{name: "file", call: ln(0, "f", "f2"), check: same("f", "f2")},
		{name: "into a directory", call: ln(0, "f", "d/f2"), check: same("f", "d/f2")},
		{name: "through a link", call: ln(0, "ld/g", "g2"), check: same("d/g", "g2")},
		{name: "link itself", call: ln(0, "lf", "l2"), check: same("lf", "l2")},
		{name: "link followed", call: ln(wasi.SymlinkFollow, "lf", "l2"), check: same("f", "l2")},
		{name: "dangling link itself", call: ln(0, "ldangling", "l2"), check: same("ldangling", "l2")},
		{name: "dangling link followed", call: ln(wasi.SymlinkFollow, "ldangling", "l2"), want: wasi.ENOENT},
		{name: "loop itself", call: ln(0, "lloop", "l2"), check: same("lloop", "l2")},
		{name: "loop followed", call: ln(wasi.SymlinkFollow, "lloop", "l2"), want: wasi.ELOOP},
		{name: "exists", call: ln(0, "f", "d/g"), want: wasi.EEXIST},
		{name: "itself", call: ln(0, "f", "f"), want: wasi.EEXIST},
		{name: "over a directory", call: ln(0, "f", "e"), want: wasi.EEXIST},
		{name: "over a dangling link", call: ln(0, "f", "ldangling"), want: wasi.EEXIST, check: ptExists("nowhere", false)},
		{name: "directory", call: ln(0, "d", "d2"), want: wasi.EPERM},
		{name: "target slash", call: ln(0, "f", "f2/"), want: wasi.ENOENT},
		{name: "source slash", call: ln(0, "f/", "f2"), want: wasi.ENOTDIR},
		{name: "missing", call: ln(0, "nope", "x"), want: wasi.ENOENT},
		{name: "no source right", call: func(ctx context.Context, s *System) wasi.Errno {
			s.files[3].base &^= wasi.PathLinkSourceRight
			return s.PathLink(ctx, 3, 0, "f", 3, "f2")
		}, want: wasi.ENOTCAPABLE, check: ptExists("f2", false)},
		{name: "no target right", call: func(ctx context.Context, s *System) wasi.Errno {
			s.files[3].base &^= wasi.PathLinkTargetRight
			return s.PathLink(ctx, 3, 0, "f", 3, "f2")
		}, want: wasi.ENOTCAPABLE, check: ptExists("f2", false)},
	}
	for _, bp := range ptBadPaths {
		cases = append(cases,
			ptCase{name: "source " + bp.name, call: ln(0, bp.path, "x"), want: bp.want},
			ptCase{name: "target " + bp.name, call: ln(0, "f", bp.path), want: bp.want})
	}
	ptRun(t, cases)
}

func TestPathSymlink(t *testing.T) {
	sl := func(target, p string) func(context.Context, *System) wasi.Errno {
		return func(ctx context.Context, s *System) wasi.Errno { return s.PathSymlink(ctx, target, 3, p) }
	}
	link := func(rel, want string) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			if got, err := os.Readlink(filepath.Join(root, rel)); err != nil || got != want {
				t.Errorf("%s -> %q (%v), want %q", rel, got, err, want)
			}
		}
	}
	cases := []ptCase{
		{name: "relative", call: sl("f", "l"), check: link("l", "f")},
		{name: "nested", call: sl("../f", "d/l"), check: link("d/l", "../f")},
		{name: "dangling", call: sl("nowhere/x", "l"), check: link("l", "nowhere/x")},
		{name: "escaping target is stored", call: sl("../../../etc", "l"), check: link("l", "../../../etc")},
		{name: "absolute target", call: sl("/etc/passwd", "l"), want: wasi.ENOTCAPABLE, check: ptExists("l", false)},
		{name: "root target", call: sl("/", "l"), want: wasi.ENOTCAPABLE, check: ptExists("l", false)},
		{name: "empty target", call: sl("", "l"), want: wasi.ENOENT},
		{name: "nul target", call: sl("a\x00b", "l"), want: wasi.EINVAL},
		{name: "long target", call: sl(strings.Repeat("a", maxPathLen+1), "l"), want: wasi.ENAMETOOLONG},
		{name: "exists", call: sl("x", "f"), want: wasi.EEXIST},
		{name: "exists directory", call: sl("x", "d"), want: wasi.EEXIST},
		{name: "slash missing", call: sl("x", "l/"), want: wasi.ENOENT, check: ptExists("l", false)},
		{name: "slash directory", call: sl("x", "d/"), want: wasi.EEXIST},
		{name: "slash file", call: sl("x", "f/"), want: wasi.ENOTDIR},
		{name: "dot", call: sl("x", "."), want: wasi.EEXIST},
		{name: "missing parent", call: sl("x", "nope/l"), want: wasi.ENOENT},
	}
	for _, bp := range ptBadPaths {
		cases = append(cases, ptCase{name: "path " + bp.name, call: sl("x", bp.path), want: bp.want})
	}
	ptRun(t, cases)
}

func TestPathReadLink(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		root := t.TempDir()
		ptMake(t, root, ptTree...)
		ptMake(t, root, "d/lup->../f", "lslash->d/")
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/"})
		ctx := t.Context()
		tests := []struct {
			name, path string
			size       int
			want       string
			errno      wasi.Errno
		}{
			{"link", "lf", 64, "f", 0},
			{"nested", "d/lup", 64, "../f", 0},
			{"through a link", "ld/lup", 64, "../f", 0},
			{"target with slash", "lslash", 64, "d/", 0},
			{"dangling", "ldangling", 64, "nowhere", 0},
			{"exact buffer", "ldangling", 7, "nowhere", 0},
			{"short buffer", "ldangling", 3, "now", 0},
			{"empty buffer", "ldangling", 0, "", 0},
			{"not a link", "f", 64, "", wasi.EINVAL},
			{"directory", "d", 64, "", wasi.EINVAL},
			{"dot", ".", 64, "", wasi.EINVAL},
			{"link slash", "ld/", 64, "", wasi.EINVAL},
			{"file link slash", "lf/", 64, "", wasi.ENOTDIR},
			{"missing", "nope", 64, "", wasi.ENOENT},
		}
		for _, bp := range ptBadPaths {
			tests = append(tests, struct {
				name, path string
				size       int
				want       string
				errno      wasi.Errno
			}{"path " + bp.name, bp.path, 64, "", bp.want})
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				buf := make([]byte, tt.size+8)
				for i := range buf {
					buf[i] = '#'
				}
				n, errno := s.PathReadLink(ctx, 3, tt.path, buf[:tt.size])
				ptWant(t, tt.path, errno, tt.errno)
				if got := string(buf[:n]); got != tt.want {
					t.Errorf("read %q, want %q", got, tt.want)
				}
				if strings.Trim(string(buf[n:]), "#") != "" {
					t.Errorf("wrote past the count: %q", buf)
				}
			})
		}
		t.Run("no right", func(t *testing.T) {
			s.files[3].base &^= wasi.PathReadLinkRight
			defer func() { s.files[3].base |= wasi.PathReadLinkRight }()
			_, errno := s.PathReadLink(ctx, 3, "lf", make([]byte, 8))
			ptWant(t, "readlink", errno, wasi.ENOTCAPABLE)
		})
	})
}

func TestPathFileStatGet(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		root := t.TempDir()
		ptMake(t, root, ptTree...)
		ptMake(t, root, "d/lup->../f", "lslash->d/", "lchain->lslash", "lfslash->f/")
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/"})
		ctx := t.Context()
		tests := []struct {
			name  string
			flags wasi.LookupFlags
			path  string
			is    string // host path (relative) described
			typ   wasi.FileType
			errno wasi.Errno
		}{
			{"file", 0, "f", "f", wasi.RegularFileType, 0},
			{"nested", 0, "d/g", "d/g", wasi.RegularFileType, 0},
			{"directory", 0, "d", "d", wasi.DirectoryType, 0},
			{"directory slash", 0, "d/", "d", wasi.DirectoryType, 0},
			{"dot", 0, ".", ".", wasi.DirectoryType, 0},
			{"dir dotdot", 0, "d/..", ".", wasi.DirectoryType, 0},
			{"dir dot", 0, "d/.", "d", wasi.DirectoryType, 0},
			{"link", 0, "lf", "lf", wasi.SymbolicLinkType, 0},
			{"link followed", wasi.SymlinkFollow, "lf", "f", wasi.RegularFileType, 0},
			{"nested link followed", wasi.SymlinkFollow, "d/lup", "f", wasi.RegularFileType, 0},
			{"link slash", 0, "ld/", "d", wasi.DirectoryType, 0},
			{"chain ending in slash", wasi.SymlinkFollow, "lchain", "d", wasi.DirectoryType, 0},
			{"chain ending in slash nofollow", 0, "lchain", "lchain", wasi.SymbolicLinkType, 0},
			{"link to file with slash", wasi.SymlinkFollow, "lfslash", "", 0, wasi.ENOTDIR},
			{"dangling", 0, "ldangling", "ldangling", wasi.SymbolicLinkType, 0},
			{"dangling followed", wasi.SymlinkFollow, "ldangling", "", 0, wasi.ENOENT},
			{"loop followed", wasi.SymlinkFollow, "lloop", "", 0, wasi.ELOOP},
			{"file slash", 0, "f/", "", 0, wasi.ENOTDIR},
			{"missing", 0, "nope", "", 0, wasi.ENOENT},
			{"dotdot", 0, "..", "", 0, wasi.ENOTCAPABLE},
			{"dir dotdot dotdot", 0, "d/../..", "", 0, wasi.ENOTCAPABLE},
		}
		for _, bp := range ptBadPaths {
			tests = append(tests, struct {
				name  string
				flags wasi.LookupFlags
				path  string
				is    string
				typ   wasi.FileType
				errno wasi.Errno
			}{"path " + bp.name, 0, bp.path, "", 0, bp.want})
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				st, errno := s.PathFileStatGet(ctx, 3, tt.flags, tt.path)
				ptWant(t, tt.path, errno, tt.errno)
				if errno != wasi.ESUCCESS {
					return
				}
				var host unix.Stat_t
				if err := unix.Lstat(filepath.Join(root, tt.is), &host); err != nil {
					t.Fatal(err)
				}
				if want := fileStatOf(&host); st != want || st.FileType != tt.typ {
					t.Errorf("stat %q = %+v, want %+v (%v)", tt.path, st, want, tt.typ)
				}
			})
		}
		t.Run("matches fd_filestat_get", func(t *testing.T) {
			fd, errno := s.PathOpen(ctx, 3, 0, "f", 0, wasi.FDFileStatGetRight, 0, 0)
			ptWant(t, "open", errno, wasi.ESUCCESS)
			defer s.FDClose(ctx, fd)
			byFD, errno := s.FDFileStatGet(ctx, fd)
			ptWant(t, "fd_filestat_get", errno, wasi.ESUCCESS)
			byPath, errno := s.PathFileStatGet(ctx, 3, 0, "f")
			ptWant(t, "path_filestat_get", errno, wasi.ESUCCESS)
			if byFD != byPath {
				t.Errorf("path_filestat_get %+v, fd_filestat_get %+v", byPath, byFD)
			}
		})
		t.Run("no right", func(t *testing.T) {
			s.files[3].base &^= wasi.PathFileStatGetRight
			defer func() { s.files[3].base |= wasi.PathFileStatGetRight }()
			_, errno := s.PathFileStatGet(ctx, 3, 0, "f")
			ptWant(t, "stat", errno, wasi.ENOTCAPABLE)
		})
	})
}

func TestPathFileStatSetTimes(t *testing.T) {
	const (
		atim = wasi.Timestamp(1_000_000_000_123)
		mtim = wasi.Timestamp(2_000_000_000_456)
	)
	times := func(t *testing.T, root, rel string) (a, m int64) {
		t.Helper()
		var st unix.Stat_t
		if err := unix.Lstat(filepath.Join(root, rel), &st); err != nil {
			t.Fatal(err)
		}
		return st.Atim.Nano(), st.Mtim.Nano()
	}
	set := func(flags wasi.LookupFlags, p string, fl wasi.FSTFlags) func(context.Context, *System) wasi.Errno {
		return func(ctx context.Context, s *System) wasi.Errno {
			return s.PathFileStatSetTimes(ctx, 3, flags, p, atim, mtim, fl)
		}
	}
	want := func(rel string, a, m int64) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			t.Helper()
			ga, gm := times(t, root, rel)
			if (a >= 0 && ga != a) || (m >= 0 && gm != m) {
				t.Errorf("%s times %d, %d; want %d, %d", rel, ga, gm, a, m)
			}
		}
	}
	unchanged := func(rel string) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			t.Helper()
			if _, m := times(t, root, rel); m == int64(mtim) {
				t.Errorf("%s mtime changed", rel)
			}
		}
	}
	recent := func(rel string) func(t *testing.T, root string) {
		return func(t *testing.T, root string) {
			t.Helper()
			if _, m := times(t, root, rel); time.Since(time.Unix(0, m)) > time.Hour {
				t.Errorf("%s mtime %v, want about now", rel, time.Unix(0, m))
			}
		}
	}
	both := wasi.AccessTime | wasi.ModifyTime
	cases := []ptCase{
		{name: "both", call: set(0, "f", both), check: want("f", int64(atim), int64(mtim))},
		{name: "mtime only", call: set(0, "f", wasi.ModifyTime), check: want("f", -1, int64(mtim))},
		{name: "now", call: func(ctx context.Context, s *System) wasi.Errno {
			if errno := s.PathFileStatSetTimes(ctx, 3, 0, "f", 0, 0, both); errno != wasi.ESUCCESS {
				return errno
			}
			return s.PathFileStatSetTimes(ctx, 3, 0, "f", 0, 0, wasi.AccessTimeNow|wasi.ModifyTimeNow)
		}, check: recent("f")},
		{name: "directory", call: set(0, "d", both), check: want("d", int64(atim), int64(mtim))},
		{name: "dot", call: set(0, ".", both), check: want(".", int64(atim), int64(mtim))},
		{name: "link itself", call: set(0, "lf", both), check: ptChecks(want("lf", int64(atim), int64(mtim)), unchanged("f"))},
		{name: "link followed", call: set(wasi.SymlinkFollow, "lf", both), check: ptChecks(want("f", int64(atim), int64(mtim)), unchanged("lf"))},
		{name: "link slash", call: set(0, "ld/", both), check: ptChecks(want("d", int64(atim), int64(mtim)), unchanged("ld"))},
		{name: "atim and atim_now", call: set(0, "f", wasi.AccessTime|wasi.AccessTimeNow), want: wasi.EINVAL, check: unchanged("f")},
		{name: "mtim and mtim_now", call: set(0, "f", wasi.ModifyTime|wasi.ModifyTimeNow), want: wasi.EINVAL, check: unchanged("f")},
		{name: "missing", call: set(0, "nope", both), want: wasi.ENOENT},
		{name: "dangling followed", call: set(wasi.SymlinkFollow, "ldangling", both), want: wasi.ENOENT},
		{name: "file slash", call: set(0, "f/", both), want: wasi.ENOTDIR, check: unchanged("f")},
		{name: "no right", call: func(ctx context.Context, s *System) wasi.Errno {
			s.files[3].base &^= wasi.PathFileStatSetTimesRight
			return s.PathFileStatSetTimes(ctx, 3, 0, "f", atim, mtim, both)
		}, want: wasi.ENOTCAPABLE, check: unchanged("f")},
	}
	for _, bp := range ptBadPaths {
		cases = append(cases, ptCase{name: "path " + bp.name, call: set(0, bp.path, both), want: bp.want})
	}
	ptRun(t, cases)
}

// ptBenchPaths are the paths benchmarked: a name in the preopen, and a
// name three directories down.
var ptBenchPaths = []struct{ name, path string }{{"flat", "f"}, {"nested", "a/b/c/f"}}

func ptBench(b *testing.B, f func(b *testing.B, s *System, path string)) {
	for _, r := range ptResolvers {
		if r == ResolveOpenat2 && !haveOpenat2() {
			continue
		}
		for _, p := range ptBenchPaths {
			b.Run(r.String()+"/"+p.name, func(b *testing.B) {
				root := b.TempDir()
				ptMake(b, root, "f=x", "a/b/c/", "a/b/c/f=x")
				s := ptNew(b, r, Preopen{HostPath: root, GuestPath: "/"})
				b.ReportAllocs()
				f(b, s, p.path)
			})
		}
	}
}

func BenchmarkPathOpenClose(b *testing.B) {
	ptBench(b, func(b *testing.B, s *System, path string) {
		ctx := context.Background()
		for b.Loop() {
			fd, errno := s.PathOpen(ctx, 3, wasi.SymlinkFollow, path, 0, wasi.FDReadRight|wasi.FDSeekRight, 0, 0)
			if errno != wasi.ESUCCESS {
				b.Fatal(errno)
			}
			if errno := s.FDClose(ctx, fd); errno != wasi.ESUCCESS {
				b.Fatal(errno)
			}
		}
	})
}

func BenchmarkPathFileStatGet(b *testing.B) {
	ptBench(b, func(b *testing.B, s *System, path string) {
		ctx := context.Background()
		for b.Loop() {
			if _, errno := s.PathFileStatGet(ctx, 3, wasi.SymlinkFollow, path); errno != wasi.ESUCCESS {
				b.Fatal(errno)
			}
		}
	})
}

// TestPathStatNoAllocs pins the allocation-free path_filestat_get.
func TestPathStatNoAllocs(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		root := t.TempDir()
		ptMake(t, root, "f=x", "a/b/c/", "a/b/c/f=x")
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/"})
		ctx := t.Context()
		for _, p := range ptBenchPaths {
			if n := testing.AllocsPerRun(50, func() {
				if _, errno := s.PathFileStatGet(ctx, 3, wasi.SymlinkFollow, p.path); errno != wasi.ESUCCESS {
					t.Fatal(errno)
				}
			}); n != 0 {
				t.Errorf("path_filestat_get %q: %v allocations", p.path, n)
			}
		}
	})
}
