//go:build linux

package unix

import (
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// TestReadOnlyErrnoOrder: on a read-only mount a mutating call answers
// what a read-only Linux file system answers (each row was measured with
// Python's os calls on a `mount -o remount,ro,bind` folder): the path's
// own errors first, EEXIST for what would be created and exists, ENOENT
// for what must exist and does not, EROFS only then. The tree is never
// changed.
func TestReadOnlyErrnoOrder(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		ro := t.TempDir()
		ptMake(t, ro, "f=file", "sub/", "lf->f")
		s := ptNew(t, r, Preopen{HostPath: ro, GuestPath: "/ro", ReadOnly: true})
		ctx := t.Context()
		const fd = 3
		before := ptHash(t, ro)
		open := func(path string, oflags wasi.OFlags, rights wasi.Rights) wasi.Errno {
			nfd, errno := s.PathOpen(ctx, fd, 0, path, oflags, rights, 0, 0)
			if errno == wasi.ESUCCESS {
				s.FDClose(ctx, nfd)
			}
			return errno
		}
		times := func(path string) wasi.Errno {
			return s.PathFileStatSetTimes(ctx, fd, 0, path, 0, 0, wasi.ModifyTimeNow)
		}
		for _, c := range []struct {
			name string
			got  wasi.Errno
			want wasi.Errno
		}{
			{"mkdir existing dir", s.PathCreateDirectory(ctx, fd, "sub"), wasi.EEXIST},
			{"mkdir existing file", s.PathCreateDirectory(ctx, fd, "f"), wasi.EEXIST},
			{"mkdir new", s.PathCreateDirectory(ctx, fd, "new"), wasi.EROFS},
			{"mkdir missing parent", s.PathCreateDirectory(ctx, fd, "nope/new"), wasi.ENOENT},
			{"mkdir under a file", s.PathCreateDirectory(ctx, fd, "f/new"), wasi.ENOTDIR},
			{"unlink missing", s.PathUnlinkFile(ctx, fd, "nope"), wasi.EROFS},
			{"unlink missing parent", s.PathUnlinkFile(ctx, fd, "nope/x"), wasi.ENOENT},
			{"unlink existing", s.PathUnlinkFile(ctx, fd, "f"), wasi.EROFS},
			{"rmdir missing", s.PathRemoveDirectory(ctx, fd, "nope"), wasi.EROFS},
			{"symlink existing", s.PathSymlink(ctx, "x", fd, "f"), wasi.EEXIST},
			{"symlink new", s.PathSymlink(ctx, "x", fd, "new"), wasi.EROFS},
			{"create exclusive existing", open("f", wasi.OCreate|wasi.OExclusive, wasi.FDWriteRight), wasi.EEXIST},
			{"create missing", open("new", wasi.OCreate, wasi.FDWriteRight), wasi.EROFS},
			{"write missing", open("new", 0, wasi.FDWriteRight), wasi.ENOENT},
			{"write existing", open("f", 0, wasi.FDWriteRight), wasi.EROFS},
			{"create with a missing parent", open("nope/x", wasi.OCreate, wasi.FDWriteRight), wasi.ENOENT},
			{"set times missing", times("nope"), wasi.ENOENT},
			{"set times existing", times("f"), wasi.EROFS},
			{"rename missing", s.PathRename(ctx, fd, "nope", fd, "x"), wasi.EROFS},
			{"link missing source", s.PathLink(ctx, fd, 0, "nope", fd, "x"), wasi.ENOENT},
			{"link onto existing", s.PathLink(ctx, fd, 0, "f", fd, "sub"), wasi.EEXIST},
			// Confinement comes first, as for any path call.
			{"mkdir escaping", s.PathCreateDirectory(ctx, fd, "../x"), wasi.ENOTCAPABLE},
			{"unlink absolute", s.PathUnlinkFile(ctx, fd, "/etc/passwd"), wasi.ENOTCAPABLE},
		} {
			if c.got != c.want {
				t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
			}
		}
		if after := ptHash(t, ro); after != before {
			t.Errorf("the read-only tree changed:\n%s\n->\n%s", before, after)
		}
	})
}
