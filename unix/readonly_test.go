//go:build linux

package unix

import (
	"context"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// Read-only mounts (design decision 3): every path mutation is EROFS,
// decided by wasibox before any host call, on the preopen and on every
// descriptor opened through it; no mutating right ever appears; and the
// host tree (contents, names, modes, mtimes) is unchanged afterwards.

func TestReadOnly(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		ro := t.TempDir()
		rw := t.TempDir()
		ptMake(t, ro, "f=file", "d/", "d/g=gee", "e/", "lf->f")
		ptMake(t, rw, "w=rw")
		s := ptNew(t, r, Preopen{HostPath: ro, GuestPath: "/ro", ReadOnly: true}, Preopen{HostPath: rw, GuestPath: "/rw"})
		ctx := t.Context()
		const roFD, rwFD = 3, 4
		before := ptHash(t, ro)

		// A descendant directory of the mount, opened asking for everything.
		sub, errno := s.PathOpen(ctx, roFD, 0, "d", wasi.ODirectory, wasi.DirectoryRights, wasi.AllRights, 0)
		if errno != wasi.ESUCCESS {
			t.Fatalf("open d: %v", errno)
		}
		for _, fd := range []wasi.FD{roFD, sub} {
			st, errno := s.FDStatGet(ctx, fd)
			if errno != wasi.ESUCCESS {
				t.Fatal(errno)
			}
			if st.RightsBase.HasAny(wasi.MutatingRights) || st.RightsInheriting.HasAny(wasi.MutatingRights) {
				t.Errorf("fd %d holds mutating rights: %v / %v", fd, st.RightsBase&wasi.MutatingRights, st.RightsInheriting&wasi.MutatingRights)
			}
			if !ptFile(t, s, fd).readOnly {
				t.Errorf("fd %d is not marked read-only", fd)
			}
		}

		open := func(fd wasi.FD, p string, oflags wasi.OFlags, base wasi.Rights, fdFlags wasi.FDFlags) wasi.Errno {
			nfd, errno := s.PathOpen(ctx, fd, wasi.SymlinkFollow, p, oflags, base, wasi.AllRights, fdFlags)
			if errno == wasi.ESUCCESS {
				s.FDClose(ctx, nfd)
			}
			return errno
		}
		refused := []struct {
			name string
			call func(dir wasi.FD, file string) wasi.Errno
		}{
			{"create new", func(dir wasi.FD, f string) wasi.Errno { return open(dir, "new", wasi.OCreate, wasi.FDReadRight, 0) }},
			{"create existing", func(dir wasi.FD, f string) wasi.Errno { return open(dir, f, wasi.OCreate, wasi.FDReadRight, 0) }},
			{"create exclusive", func(dir wasi.FD, f string) wasi.Errno {
				return open(dir, "new", wasi.OCreate|wasi.OExclusive, 0, 0)
			}},
			{"truncate with read rights", func(dir wasi.FD, f string) wasi.Errno { return open(dir, f, wasi.OTruncate, wasi.FDReadRight, 0) }},
			{"truncate through a link", func(dir wasi.FD, f string) wasi.Errno { return open(roFD, "lf", wasi.OTruncate, 0, 0) }},
			{"append", func(dir wasi.FD, f string) wasi.Errno { return open(dir, f, 0, wasi.FDReadRight, wasi.Append) }},
			{"write", func(dir wasi.FD, f string) wasi.Errno { return open(dir, f, 0, wasi.FDWriteRight, 0) }},
			{"read write", func(dir wasi.FD, f string) wasi.Errno { return open(dir, f, 0, wasi.FDReadRight|wasi.FDWriteRight, 0) }},
			{"allocate", func(dir wasi.FD, f string) wasi.Errno { return open(dir, f, 0, wasi.FDAllocateRight, 0) }},
			{"go O_WRONLY", func(dir wasi.FD, f string) wasi.Errno { return open(dir, f, 0, ptGoFileRights&^wasi.FDReadRight, 0) }},
			{"mkdir", func(dir wasi.FD, f string) wasi.Errno { return s.PathCreateDirectory(ctx, dir, "newdir") }},
			{"rmdir", func(dir wasi.FD, f string) wasi.Errno { return s.PathRemoveDirectory(ctx, roFD, "e") }},
			{"unlink", func(dir wasi.FD, f string) wasi.Errno { return s.PathUnlinkFile(ctx, dir, f) }},
			{"unlink link", func(dir wasi.FD, f string) wasi.Errno { return s.PathUnlinkFile(ctx, roFD, "lf") }},
			{"rename", func(dir wasi.FD, f string) wasi.Errno { return s.PathRename(ctx, dir, f, dir, "moved") }},
			{"rename out", func(dir wasi.FD, f string) wasi.Errno { return s.PathRename(ctx, dir, f, rwFD, "moved") }},
			{"rename in", func(dir wasi.FD, f string) wasi.Errno { return s.PathRename(ctx, rwFD, "w", dir, "moved") }},
			{"rename over", func(dir wasi.FD, f string) wasi.Errno { return s.PathRename(ctx, rwFD, "w", dir, f) }},
			{"symlink", func(dir wasi.FD, f string) wasi.Errno { return s.PathSymlink(ctx, f, dir, "newlink") }},
			{"link", func(dir wasi.FD, f string) wasi.Errno { return s.PathLink(ctx, dir, 0, f, dir, "newlink") }},
			{"link out", func(dir wasi.FD, f string) wasi.Errno { return s.PathLink(ctx, dir, 0, f, rwFD, "newlink") }},
			{"link in", func(dir wasi.FD, f string) wasi.Errno { return s.PathLink(ctx, rwFD, 0, "w", dir, "newlink") }},
			{"set times", func(dir wasi.FD, f string) wasi.Errno {
				return s.PathFileStatSetTimes(ctx, dir, 0, f, 1e9, 1e9, wasi.AccessTime|wasi.ModifyTime)
			}},
			{"set times now", func(dir wasi.FD, f string) wasi.Errno {
				return s.PathFileStatSetTimes(ctx, dir, wasi.SymlinkFollow, f, 0, 0, wasi.AccessTimeNow|wasi.ModifyTimeNow)
			}},
			{"set times on the directory", func(dir wasi.FD, f string) wasi.Errno {
				return s.PathFileStatSetTimes(ctx, dir, 0, ".", 1e9, 1e9, wasi.ModifyTime)
			}},
		}
		for _, dir := range []struct {
			name string
			fd   wasi.FD
			file string
		}{{"preopen", roFD, "f"}, {"descendant", sub, "g"}} {
			for _, tt := range refused {
				t.Run(dir.name+"/"+tt.name, func(t *testing.T) {
					ptWant(t, tt.name, tt.call(dir.fd, dir.file), wasi.EROFS)
				})
			}
		}

		t.Run("reads work", func(t *testing.T) {
			// Go's wasip1 os.Open: O_RDONLY file rights, every inheriting
			// right; on a directory it retries with directory rights.
			fd, errno := s.PathOpen(ctx, roFD, wasi.SymlinkFollow, "lf", 0, ptGoFileRights&^ptGoWriteRights, ptGoFileRights, 0)
			ptWant(t, "go open file", errno, wasi.ESUCCESS)
			if errno == wasi.ESUCCESS {
				st, _ := s.FDStatGet(ctx, fd)
				if st.RightsBase.HasAny(wasi.MutatingRights) || st.RightsInheriting != 0 || !st.RightsBase.Has(wasi.FDReadRight) {
					t.Errorf("file rights %v / %v", st.RightsBase, st.RightsInheriting)
				}
				buf := make([]byte, 16)
				n, errno := s.FDRead(ctx, fd, []wasi.IOVec{buf})
				if errno != wasi.ESUCCESS || string(buf[:n]) != "file" {
					t.Errorf("read %q, %v", buf[:n], errno)
				}
				_, errno = s.FDWrite(ctx, fd, []wasi.IOVec{[]byte("x")})
				ptWant(t, "fd_write", errno, wasi.EBADF) // not open for writing
				ptWant(t, "fd_filestat_set_size", s.FDFileStatSetSize(ctx, fd, 0), wasi.ENOTCAPABLE)
				ptWant(t, "fd_filestat_set_times", s.FDFileStatSetTimes(ctx, fd, 0, 0, wasi.ModifyTimeNow), wasi.ENOTCAPABLE)
				ptWant(t, "fd_allocate", s.FDAllocate(ctx, fd, 0, 10), wasi.ENOTCAPABLE)
				s.FDClose(ctx, fd)
			}
			fd, errno = s.PathOpen(ctx, roFD, wasi.SymlinkFollow, "d", wasi.ODirectory, (ptGoFileRights&^ptGoWriteRights)&^wasi.FDReadRight&^wasi.FDSeekRight&^wasi.FDTellRight, ptGoFileRights, 0)
			ptWant(t, "go open directory", errno, wasi.ESUCCESS)
			if errno == wasi.ESUCCESS {
				st, _ := s.FDStatGet(ctx, fd)
				if st.RightsBase.HasAny(wasi.MutatingRights) || st.RightsInheriting.HasAny(wasi.MutatingRights) || !st.RightsBase.Has(wasi.FDReadDirRight|wasi.PathOpenRight) {
					t.Errorf("directory rights %v / %v", st.RightsBase, st.RightsInheriting)
				}
				s.FDClose(ctx, fd)
			}
			if _, errno := s.PathFileStatGet(ctx, sub, 0, "g"); errno != wasi.ESUCCESS {
				t.Errorf("stat: %v", errno)
			}
			if _, errno := s.PathReadLink(ctx, roFD, "lf", make([]byte, 8)); errno != wasi.ESUCCESS {
				t.Errorf("readlink: %v", errno)
			}
		})

		if after := ptHash(t, ro); after != before {
			t.Error("the read-only tree changed")
		}
		if ptLstat(t, rw, "moved") != nil || ptLstat(t, rw, "newlink") != nil || ptLstat(t, rw, "w") == nil {
			t.Error("the read-write tree changed")
		}
		s.Close(context.Background())
	})
}
