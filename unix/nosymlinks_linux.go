//go:build linux

package unix

// What the guard needs to decide on the path the kernel really acts on,
// rather than on the name the guest gave (package guard, PathResolver):
//
//   - SetNoSymlinks: a mode in which every path call refuses, with ELOOP
//     and before acting, a path whose resolution meets a symbolic link
//     (RESOLVE_NO_SYMLINKS). A call that succeeds then proves by itself
//     that it acted on the file its lexical path names, by far the
//     common case, at no extra system call. On ELOOP the guard resolves
//     the slow way and calls again.
//   - PathGuestPath, PathParentGuestPath: where a path leads, without
//     acting on it: its directory part (and, if asked, a final link)
//     resolved exactly as the path calls do, then mapped back to the
//     guest namespace through /proc/self/fd. It costs a readlink on top
//     of the resolution, which is why it is only the fallback.

import (
	"context"
	"path"
	"strconv"
	"strings"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// SetNoSymlinks turns on or off a mode of the path calls in which
// resolving a path must meet no symbolic link: openat2 gets
// RESOLVE_NO_SYMLINKS, a final link a call would follow is not expanded,
// and either case fails with ELOOP before the call acts (before O_CREAT
// or O_TRUNC, before an unlink, rename, mkdir or set-times). A call that
// succeeds in this mode acted on exactly the file its lexical path names.
// ok is false, and the mode stays off, where the kernel cannot refuse
// links this way (no openat2); the walk would also answer ENOSYS.
//
// The guard turns the mode on around one call at a time; a System is
// used by one call at a time.
func (s *System) SetNoSymlinks(on bool) (ok bool) {
	if !s.useOpenat2 {
		s.path.noSymlinks = false
		return false
	}
	s.path.noSymlinks = on
	return true
}

// PathGuestPath returns the clean absolute guest path that path, relative
// to directory fd, names once every symbolic link in its directory part
// and, with SymlinkFollow in flags, a final one has been followed,
// confined beneath fd exactly as the calls that may look through the
// final component (open, stat, set-times, readlink, the old name of link)
// resolve it: a trailing slash makes the whole path a directory to reach. The final
// component need not exist (a file about to be created, or the target of
// a dangling link, is where it would be). Nothing is created or changed.
//
// Errors: EBADF, ENOTDIR (fd), the path errors of every path call
// (ENOENT for a missing directory, ENOTCAPABLE for an escape, ELOOP), and
// ENOENT if the directory reached lies in no preopen.
func (s *System) PathGuestPath(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, p string) (string, wasi.Errno) {
	d, errno := s.lookup(fd, 0)
	if errno != wasi.ESUCCESS {
		return "", errno
	}
	if d.typ != wasi.DirectoryType {
		return "", wasi.ENOTDIR
	}
	if errno := checkPath(p); errno != wasi.ESUCCESS {
		return "", errno
	}
	dirfd, name, errno := s.resolveFinal(d.fd, p, flags.Has(wasi.SymlinkFollow))
	if errno != wasi.ESUCCESS {
		return "", errno
	}
	return s.joinGuest(d, dirfd, name)
}

// PathParentGuestPath is PathGuestPath for the calls that create or
// remove the final component of path (mkdir, unlink, rmdir, rename,
// symlink, the new name of link): its directory part is resolved, and the
// final name is kept as it is, never followed, even with a trailing
// slash, as those calls do.
func (s *System) PathParentGuestPath(ctx context.Context, fd wasi.FD, p string) (string, wasi.Errno) {
	d, errno := s.lookup(fd, 0)
	if errno != wasi.ESUCCESS {
		return "", errno
	}
	if d.typ != wasi.DirectoryType {
		return "", wasi.ENOTDIR
	}
	if errno := checkPath(p); errno != wasi.ESUCCESS {
		return "", errno
	}
	dirfd, name, errno := s.resolveParent(d.fd, p)
	if errno != wasi.ESUCCESS {
		return "", errno
	}
	return s.joinGuest(d, dirfd, name)
}

// joinGuest returns the guest path of name in dirfd (d's own descriptor
// or one resolved beneath it), and releases dirfd.
func (s *System) joinGuest(d *file, dirfd int, name string) (string, wasi.Errno) {
	var dir string
	var errno wasi.Errno
	if dirfd == d.fd && d.preopen != "" {
		dir = d.preopen
	} else {
		dir, errno = s.hostGuestPath(dirfd)
	}
	closeDir(d.fd, dirfd)
	if errno != wasi.ESUCCESS {
		return "", errno
	}
	return path.Join("/", dir, name), wasi.ESUCCESS
}

// hostGuestPath maps host descriptor hfd to the guest namespace: the
// kernel's view of it (/proc/self/fd/N, after every link) beneath the
// preopen whose host folder is the longest prefix of it, as FDGuestPath.
func (s *System) hostGuestPath(hfd int) (string, wasi.Errno) {
	var buf [maxPathLen]byte
	n, err := unix.Readlink("/proc/self/fd/"+strconv.Itoa(hfd), buf[:])
	if err != nil {
		return "", wasi.ErrnoOf(err)
	}
	host := string(buf[:n])
	if strings.HasSuffix(host, " (deleted)") {
		return "", wasi.ENOENT
	}
	best := -1
	var guest string
	for _, f := range s.files {
		if f == nil || f.hostPath == "" {
			continue
		}
		rel, ok := cutDir(host, f.hostPath)
		if !ok || len(f.hostPath) <= best {
			continue
		}
		best = len(f.hostPath)
		guest = path.Join("/", f.preopen, rel)
	}
	if best < 0 {
		return "", wasi.ENOENT
	}
	return guest, wasi.ESUCCESS
}
