//go:build linux

package unix

// What the guard needs to decide on the path the kernel really acts on,
// rather than on the name the guest gave (package guard, PathResolver):
//
//   - PathOpenNoSymlinks: path_open with RESOLVE_NO_SYMLINKS added, so
//     that an open whose resolution meets no symbolic link, by far the
//     common case, proves by itself that the file opened is the one the
//     lexical path names; no second system call is needed to find out.
//     The kernel refuses a link before any side effect (O_CREAT,
//     O_TRUNC), so the guard can retry the slow way.
//   - PathGuestPath: where a path leads, without opening it for real:
//     its directory part (and, if asked, a final link) resolved exactly as
//     the path calls do, then mapped back to the guest namespace through
//     /proc/self/fd. It costs a readlink on top of the resolution, which
//     is why it is only the fallback.

import (
	"context"
	"path"
	"strconv"
	"strings"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// PathOpenNoSymlinks is PathOpen (final symbolic links not followed)
// that fails with ELOOP, before creating or truncating anything, if
// resolving path meets any symbolic link, in its directory part or as its
// final component. It returns ENOSYS where the kernel cannot refuse links
// this way (no openat2, or openat2 kept reporting EAGAIN): the caller then
// resolves with PathGuestPath. Every other error is PathOpen's.
func (s *System) PathOpenNoSymlinks(ctx context.Context, fd wasi.FD, path string, oflags wasi.OFlags, rightsBase, rightsInheriting wasi.Rights, fdFlags wasi.FDFlags) (wasi.FD, wasi.Errno) {
	if !s.useOpenat2 {
		return -1, wasi.ENOSYS
	}
	s.path.noSymlinks = true
	// SymlinkFollow, not O_NOFOLLOW: RESOLVE_NO_SYMLINKS then refuses a
	// final link with ELOOP, where O_NOFOLLOW|O_DIRECTORY would say ENOTDIR.
	nfd, errno := s.PathOpen(ctx, fd, wasi.SymlinkFollow, path, oflags, rightsBase, rightsInheriting, fdFlags)
	s.path.noSymlinks = false
	return nfd, errno
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
