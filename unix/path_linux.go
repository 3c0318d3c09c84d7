//go:build linux

package unix

// The path_* calls of WASI preview 1. Resolution is confined by the kernel
// (resolve_linux.go); this file decides rights, read-only mounts and the
// host flags, and makes the final *at call.
//
// Errors common to every path call, in the order they are checked:
// EBADF (fd not open), ENOTDIR (fd is not a directory), EROFS (a mutating
// call on a read-only mount; after the path's own errors, as on a
// read-only Linux file system: readOnlyErrno), ENOTCAPABLE (fd lacks the
// call's right), then the path: ENOENT (empty), ENAMETOOLONG (over 4096 bytes), EINVAL
// (a NUL byte), ENOTCAPABLE (absolute, or leaving the directory through
// ".." or a symbolic link), ELOOP (more than 40 links, or a magic link
// such as /proc/self/fd/N), and the host call's own errors.

import (
	"context"
	"strings"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// allOFlags are the oflags defined by preview 1.
const allOFlags = wasi.OCreate | wasi.ODirectory | wasi.OExclusive | wasi.OTruncate

// Modes of files and directories created by the guest, before the host's
// umask (as wasmtime and POSIX programs do).
const (
	createFileMode = 0o666
	createDirMode  = 0o777
)

// pathDir returns the directory descriptor fd of a path call needing
// rights need; mutates marks calls that change the file system, refused
// with EROFS on a read-only mount whatever the rights say. With EROFS the
// directory is returned too, for readOnlyErrno.
func (s *System) pathDir(fd wasi.FD, need wasi.Rights, mutates bool) (*file, wasi.Errno) {
	f, errno := s.lookup(fd, 0)
	if errno != wasi.ESUCCESS {
		return nil, errno
	}
	if f.typ != wasi.DirectoryType {
		return nil, wasi.ENOTDIR
	}
	if mutates && f.readOnly {
		return f, wasi.EROFS
	}
	if !f.base.Has(need) {
		return nil, wasi.ENOTCAPABLE
	}
	return f, wasi.ESUCCESS
}

// What a mutating call needs of its final component, for readOnlyErrno.
const (
	finalAny          = iota // unlink, rmdir, rename: the parent decides
	finalMustExist           // set times, open without OCreate, link's source
	finalMustNotExist        // mkdir, symlink, link's target, exclusive create
)

// readOnlyErrno is the errno of a mutating call on path beneath the
// read-only mount directory d, in the order a read-only Linux file system
// gives them: the path's own errors first (ENOENT or ENOTDIR for a
// missing or non-directory parent, ENOTCAPABLE for an escape), then
// EEXIST where the call would create what exists and ENOENT where it needs
// what is missing, and EROFS only then. Programs act on the difference
// (Python's os.unlink in a missing folder expects FileNotFoundError, an
// os.makedirs of an existing folder FileExistsError). It only looks, with
// the confined resolution and one fstatat of a single name: nothing on the
// mount changes.
func (s *System) readOnlyErrno(d *file, path string, final int) wasi.Errno {
	if errno := checkPath(path); errno != wasi.ESUCCESS {
		return errno
	}
	dirfd, name, errno := s.resolveParent(d.fd, path)
	if errno != wasi.ESUCCESS {
		return errno
	}
	defer closeDir(d.fd, dirfd)
	if final == finalAny {
		return wasi.EROFS
	}
	var st unix.Stat_t
	err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	switch {
	case err == nil && final == finalMustNotExist:
		return wasi.EEXIST
	case err != nil && final == finalMustExist:
		return wasi.ErrnoOf(err)
	}
	return wasi.EROFS
}

// PathCreateDirectory implements wasi.System.
//
// Errors: see the file comment; EEXIST, ENOENT (missing parent), ENOSPC.
func (s *System) PathCreateDirectory(ctx context.Context, fd wasi.FD, path string) wasi.Errno {
	d, errno := s.pathDir(fd, wasi.PathCreateDirectoryRight, true)
	if errno == wasi.EROFS {
		return s.readOnlyErrno(d, path, finalMustNotExist)
	}
	if errno != wasi.ESUCCESS {
		return errno
	}
	if errno := checkPath(path); errno != wasi.ESUCCESS {
		return errno
	}
	dirfd, name, errno := s.resolveParent(d.fd, path)
	if errno != wasi.ESUCCESS {
		return errno
	}
	e := sysMkdirat(dirfd, cstr(&s.path.a, name), createDirMode)
	closeDir(d.fd, dirfd)
	return pathErrno(e)
}

// PathFileStatGet implements wasi.System. With SymlinkFollow a final
// symbolic link is followed (confined); without it, the link itself is
// described.
//
// Errors: see the file comment; ENOENT, ENOTDIR ("file/").
func (s *System) PathFileStatGet(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, path string) (wasi.FileStat, wasi.Errno) {
	d, errno := s.pathDir(fd, wasi.PathFileStatGetRight, false)
	if errno != wasi.ESUCCESS {
		return wasi.FileStat{}, errno
	}
	if errno := checkPath(path); errno != wasi.ESUCCESS {
		return wasi.FileStat{}, errno
	}
	follow := flags.Has(wasi.SymlinkFollow)
	links := 0
	// Stat first and read the link only if it is one: one statx for the
	// common case of a name in the directory itself. The bound covers a
	// link replaced by a non-link between the two calls, again and again.
	for range maxSymlinks + 2 {
		dir, name := splitFinal(path)
		dirfd, errno := s.openDir(d.fd, dir)
		if errno != wasi.ESUCCESS {
			return wasi.FileStat{}, errno
		}
		st, errno := s.statAt(dirfd, name)
		if errno != wasi.ESUCCESS || !follow || st.FileType != wasi.SymbolicLinkType {
			closeDir(d.fd, dirfd)
			return st, errno
		}
		next, isLink, errno := s.expandFinal(dirfd, dir, name, &links)
		closeDir(d.fd, dirfd)
		if errno != wasi.ESUCCESS {
			return wasi.FileStat{}, errno
		}
		if isLink {
			path = next
		}
	}
	return wasi.FileStat{}, wasi.ELOOP
}

// PathFileStatSetTimes implements wasi.System. Timestamps not selected by
// fstFlags are left unchanged; with SymlinkFollow a final symbolic link is
// followed (confined), without it the link's own times change.
//
// Errors: see the file comment; EINVAL (a time and its _NOW flag both set,
// or undefined flags), EPERM, EACCES.
func (s *System) PathFileStatSetTimes(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, path string, atim, mtim wasi.Timestamp, fstFlags wasi.FSTFlags) wasi.Errno {
	d, errno := s.pathDir(fd, wasi.PathFileStatSetTimesRight, true)
	if errno == wasi.EROFS {
		return s.readOnlyErrno(d, path, finalMustExist)
	}
	if errno != wasi.ESUCCESS {
		return errno
	}
	ts, errno := utimesOf(atim, mtim, fstFlags)
	if errno != wasi.ESUCCESS {
		return errno
	}
	if errno := checkPath(path); errno != wasi.ESUCCESS {
		return errno
	}
	dirfd, name, errno := s.resolveFinal(d.fd, path, flags.Has(wasi.SymlinkFollow))
	if errno != wasi.ESUCCESS {
		return errno
	}
	s.path.ts = ts
	e := sysUtimensat(dirfd, cstr(&s.path.a, name), &s.path.ts, unix.AT_SYMLINK_NOFOLLOW)
	closeDir(d.fd, dirfd)
	return pathErrno(e)
}

// PathLink implements wasi.System. With SymlinkFollow in oldFlags a final
// symbolic link of oldPath is followed (confined beneath oldFD) and its
// target is linked; without it the link itself is.
//
// Errors: see the file comment (either descriptor); EEXIST, EPERM (a
// directory), EXDEV (different file systems), EMLINK.
func (s *System) PathLink(ctx context.Context, oldFD wasi.FD, oldFlags wasi.LookupFlags, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	od, oerr := s.pathDir(oldFD, wasi.PathLinkSourceRight, true)
	if oerr != wasi.ESUCCESS && oerr != wasi.EROFS {
		return oerr
	}
	nd, nerr := s.pathDir(newFD, wasi.PathLinkTargetRight, true)
	if nerr != wasi.ESUCCESS && nerr != wasi.EROFS {
		return nerr
	}
	if oerr == wasi.EROFS || nerr == wasi.EROFS {
		// As link(2): the source must exist and the target must not,
		// before the read-only file system is named.
		if errno := s.readOnlyErrno(od, oldPath, finalMustExist); errno != wasi.EROFS {
			return errno
		}
		return s.readOnlyErrno(nd, newPath, finalMustNotExist)
	}
	if errno := checkPath(oldPath); errno != wasi.ESUCCESS {
		return errno
	}
	if errno := checkPath(newPath); errno != wasi.ESUCCESS {
		return errno
	}
	ofd, oname, errno := s.resolveFinal(od.fd, oldPath, oldFlags.Has(wasi.SymlinkFollow))
	if errno != wasi.ESUCCESS {
		return errno
	}
	nfd, nname, errno := s.resolveParent(nd.fd, newPath)
	if errno != wasi.ESUCCESS {
		closeDir(od.fd, ofd)
		return errno
	}
	e := sysLinkat(ofd, cstr(&s.path.a, oname), nfd, cstr(&s.path.b, nname), 0)
	closeDir(od.fd, ofd)
	closeDir(nd.fd, nfd)
	return pathErrno(e)
}

// PathOpen implements wasi.System.
//
// Rights: fd needs path_open, plus path_create_file for OCreate and
// path_filestat_set_size for OTruncate. The requested rights are masked
// (never refused) by fd's inheriting rights, then by the rights meaningful
// for what was opened (wasi.DirectoryRights or wasi.FileRights). The host
// descriptor is opened for reading and/or writing as the resulting rights
// say (fd_write or fd_allocate mean writing); fd_filestat_set_size is
// dropped from a descriptor not opened for writing (Go's wasip1 O_RDONLY
// asks for it). On a read-only mount any intent to write (OCreate,
// OTruncate, Append, fd_write or fd_allocate) is EROFS, and the new
// descriptor is read-only too.
//
// The new descriptor's type (which selects its rights mask and how its I/O
// waits) is known without a system call for ODirectory (a directory) and
// for OCreate|OExclusive (a regular file it just created). Otherwise it is
// left pending (file.typPending): no fstat here, the first call that needs
// the type makes it (lookup settles it before any right is checked), and
// fd_filestat_get, whose fstat is needed anyway, settles it for free.
// Before settling, the descriptor's rights are only used by fd_close,
// fd_renumber and fd_filestat_get, which check none or a right common to
// both masks, so no call ever sees a right the settled mask would drop.
//
// Host descriptors are always O_NONBLOCK (a FIFO opened for reading must
// not block the host; fd_read emulates blocking) and O_NOCTTY; the guest's
// flags are kept as it asked.
//
// Errors: see the file comment; EINVAL (undefined oflags or fdflags),
// EMFILE (descriptor table full), ELOOP (a final symbolic link without
// SymlinkFollow), EISDIR (a directory opened for writing), ENOTDIR
// (ODirectory on a non-directory), EEXIST (OCreate|OExclusive), ENXIO (a
// FIFO opened for writing with no reader).
func (s *System) PathOpen(ctx context.Context, fd wasi.FD, dirFlags wasi.LookupFlags, path string, oflags wasi.OFlags, rightsBase, rightsInheriting wasi.Rights, fdFlags wasi.FDFlags) (wasi.FD, wasi.Errno) {
	d, errno := s.lookup(fd, 0)
	if errno != wasi.ESUCCESS {
		return -1, errno
	}
	if d.typ != wasi.DirectoryType {
		return -1, wasi.ENOTDIR
	}
	if oflags&^allOFlags != 0 || fdFlags&^allFDFlags != 0 {
		return -1, wasi.EINVAL
	}
	if d.readOnly && (oflags&(wasi.OCreate|wasi.OTruncate) != 0 || fdFlags.Has(wasi.Append) ||
		rightsBase.HasAny(wasi.FDWriteRight|wasi.FDAllocateRight)) {
		final := finalMustExist
		switch {
		case oflags.Has(wasi.OCreate | wasi.OExclusive):
			final = finalMustNotExist
		case oflags.Has(wasi.OCreate):
			final = finalAny
		}
		return -1, s.readOnlyErrno(d, path, final)
	}
	need := wasi.PathOpenRight
	if oflags.Has(wasi.OCreate) {
		need |= wasi.PathCreateFileRight
	}
	if oflags.Has(wasi.OTruncate) {
		need |= wasi.PathFileStatSetSizeRight
	}
	if !d.base.Has(need) {
		return -1, wasi.ENOTCAPABLE
	}
	if errno := checkPath(path); errno != wasi.ESUCCESS {
		return -1, errno
	}
	if s.nfiles >= s.maxOpen {
		return -1, wasi.EMFILE // before the open: OCreate must not leave a file behind
	}

	base := rightsBase & d.inherit
	inherit := rightsInheriting & d.inherit
	if d.readOnly {
		base &^= wasi.MutatingRights
		inherit &^= wasi.MutatingRights
	}
	read := base.HasAny(wasi.FDReadRight | wasi.FDReadDirRight)
	write := base.HasAny(wasi.FDWriteRight | wasi.FDAllocateRight)
	hflags := unix.O_NONBLOCK | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_LARGEFILE
	switch {
	case read && write:
		hflags |= unix.O_RDWR
	case write:
		hflags |= unix.O_WRONLY
	default:
		hflags |= unix.O_RDONLY
	}
	if oflags.Has(wasi.OCreate) {
		hflags |= unix.O_CREAT
	}
	if oflags.Has(wasi.ODirectory) {
		hflags |= unix.O_DIRECTORY
	}
	if oflags.Has(wasi.OExclusive) {
		hflags |= unix.O_EXCL
	}
	if oflags.Has(wasi.OTruncate) {
		hflags |= unix.O_TRUNC
	}
	if fdFlags.Has(wasi.Append) {
		hflags |= unix.O_APPEND
	}
	if fdFlags.Has(wasi.DSync) {
		hflags |= unix.O_DSYNC
	}
	if fdFlags.Has(wasi.RSync) {
		hflags |= unix.O_RSYNC
	}
	if fdFlags.Has(wasi.Sync) {
		hflags |= unix.O_SYNC
	}
	if !dirFlags.Has(wasi.SymlinkFollow) {
		hflags |= unix.O_NOFOLLOW
	}
	hfd, errno := s.openBeneath(d.fd, path, hflags, createFileMode)
	if errno != wasi.ESUCCESS {
		return -1, errno
	}
	if !write {
		// ftruncate needs a writable descriptor (and directories never
		// hold this right: it is not in wasi.DirectoryRights).
		base &^= wasi.FDFileStatSetSizeRight
	}
	// Until the type is known, the rights are bounded by what either type
	// could keep; setType narrows them to the type's own.
	base &= wasi.DirectoryRights | wasi.FileRights
	inherit &= wasi.DirectoryRights | wasi.FileRights
	f := &file{fd: hfd, flags: fdFlags, base: base, inherit: inherit, readOnly: d.readOnly}
	switch {
	case oflags.Has(wasi.ODirectory):
		f.setType(wasi.DirectoryType) // O_DIRECTORY opens nothing else
	case oflags.Has(wasi.OCreate | wasi.OExclusive):
		f.setType(wasi.RegularFileType) // O_CREAT|O_EXCL succeeded: a new regular file
	default:
		// The type is learnt when first needed (lookup) or from the
		// guest's own fd_filestat_get, rather than with an fstat here:
		// open + fstat + close, the pattern of wasi-libc's fopen and
		// of stat-after-open code, then makes three system calls, as
		// natively, instead of four.
		f.typPending = true
	}
	nfd, errno := s.install(f)
	if errno != wasi.ESUCCESS {
		unix.Close(hfd)
		return -1, errno
	}
	return nfd, wasi.ESUCCESS
}

// PathReadLink implements wasi.System. A buffer shorter than the link's
// contents receives its first len(buf) bytes; the count written is
// returned.
//
// Errors: see the file comment; EINVAL (not a symbolic link), ENOENT.
func (s *System) PathReadLink(ctx context.Context, fd wasi.FD, path string, buf []byte) (wasi.Size, wasi.Errno) {
	d, errno := s.pathDir(fd, wasi.PathReadLinkRight, false)
	if errno != wasi.ESUCCESS {
		return 0, errno
	}
	if errno := checkPath(path); errno != wasi.ESUCCESS {
		return 0, errno
	}
	dirfd, name, errno := s.resolveFinal(d.fd, path, false)
	if errno != wasi.ESUCCESS {
		return 0, errno
	}
	n, e := sysReadlinkat(dirfd, cstr(&s.path.a, name), s.path.link[:])
	closeDir(d.fd, dirfd)
	if e != 0 {
		return 0, pathErrno(e)
	}
	return wasi.Size(copy(buf, s.path.link[:n])), wasi.ESUCCESS
}

// PathRemoveDirectory implements wasi.System.
//
// Errors: see the file comment; ENOTEMPTY, ENOTDIR, EINVAL (a final ".").
func (s *System) PathRemoveDirectory(ctx context.Context, fd wasi.FD, path string) wasi.Errno {
	return s.unlink(fd, path, wasi.PathRemoveDirectoryRight, unix.AT_REMOVEDIR)
}

// PathUnlinkFile implements wasi.System. A symbolic link is removed, not
// its target.
//
// Errors: see the file comment; EISDIR (a directory), ENOTDIR ("file/").
func (s *System) PathUnlinkFile(ctx context.Context, fd wasi.FD, path string) wasi.Errno {
	return s.unlink(fd, path, wasi.PathUnlinkFileRight, 0)
}

func (s *System) unlink(fd wasi.FD, path string, need wasi.Rights, flags int) wasi.Errno {
	d, errno := s.pathDir(fd, need, true)
	if errno == wasi.EROFS {
		return s.readOnlyErrno(d, path, finalAny)
	}
	if errno != wasi.ESUCCESS {
		return errno
	}
	if errno := checkPath(path); errno != wasi.ESUCCESS {
		return errno
	}
	dirfd, name, errno := s.resolveParent(d.fd, path)
	if errno != wasi.ESUCCESS {
		return errno
	}
	e := sysUnlinkat(dirfd, cstr(&s.path.a, name), flags)
	closeDir(d.fd, dirfd)
	return pathErrno(e)
}

// PathRename implements wasi.System. Both paths are confined beneath their
// own descriptors, which may differ.
//
// Errors: see the file comment (either descriptor); ENOTDIR, EISDIR,
// ENOTEMPTY, EINVAL (a directory into itself), EBUSY, EXDEV (different
// file systems).
func (s *System) PathRename(ctx context.Context, fd wasi.FD, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	od, errno := s.pathDir(fd, wasi.PathRenameSourceRight, true)
	if errno == wasi.EROFS {
		return s.readOnlyErrno(od, oldPath, finalAny)
	}
	if errno != wasi.ESUCCESS {
		return errno
	}
	nd, errno := s.pathDir(newFD, wasi.PathRenameTargetRight, true)
	if errno == wasi.EROFS {
		return s.readOnlyErrno(nd, newPath, finalAny)
	}
	if errno != wasi.ESUCCESS {
		return errno
	}
	if errno := checkPath(oldPath); errno != wasi.ESUCCESS {
		return errno
	}
	if errno := checkPath(newPath); errno != wasi.ESUCCESS {
		return errno
	}
	ofd, oname, errno := s.resolveParent(od.fd, oldPath)
	if errno != wasi.ESUCCESS {
		return errno
	}
	nfd, nname, errno := s.resolveParent(nd.fd, newPath)
	if errno != wasi.ESUCCESS {
		closeDir(od.fd, ofd)
		return errno
	}
	e := sysRenameat(ofd, cstr(&s.path.a, oname), nfd, cstr(&s.path.b, nname))
	closeDir(od.fd, ofd)
	closeDir(nd.fd, nfd)
	return pathErrno(e)
}

// PathSymlink implements wasi.System: it creates newPath (beneath fd)
// holding oldPath as given. The contents are never interpreted here; any
// later resolution through the link is confined like every path, so a
// relative target that climbs out ("../../etc") is stored but can never be
// followed out. An absolute target is refused (ENOTCAPABLE) at creation,
// as wasmtime does (its preview1_symlink_create test expects an error for
// "/"; it reports EPERM, wasibox reports escapes as ENOTCAPABLE, design
// decision 7): such a link could never be followed inside the sandbox, and
// would point a host process that later uses the folder at host files.
//
// Errors: see the file comment; EEXIST, ENOENT (empty target, or "new/"
// that does not exist), ENOTDIR ("new/" naming an existing non-directory,
// as wasmtime).
func (s *System) PathSymlink(ctx context.Context, oldPath string, fd wasi.FD, newPath string) wasi.Errno {
	d, errno := s.pathDir(fd, wasi.PathSymlinkRight, true)
	if errno == wasi.EROFS {
		return s.readOnlyErrno(d, newPath, finalMustNotExist)
	}
	if errno != wasi.ESUCCESS {
		return errno
	}
	switch {
	case oldPath == "":
		return wasi.ENOENT
	case len(oldPath) > maxPathLen:
		return wasi.ENAMETOOLONG
	case strings.IndexByte(oldPath, 0) >= 0:
		return wasi.EINVAL
	case oldPath[0] == '/':
		return wasi.ENOTCAPABLE
	}
	if errno := checkPath(newPath); errno != wasi.ESUCCESS {
		return errno
	}
	dirfd, name, errno := s.resolveParent(d.fd, newPath)
	if errno != wasi.ESUCCESS {
		return errno
	}
	defer closeDir(d.fd, dirfd)
	if n := strings.TrimRight(name, "/"); n != name && name != "." {
		// Linux says EEXIST for "file/" and ENOENT for "missing/"; follow
		// wasmtime (and POSIX's intent): a name with a slash must be a
		// directory.
		st, errno := s.statAt(dirfd, n)
		switch {
		case errno != wasi.ESUCCESS:
			return errno
		case st.FileType == wasi.DirectoryType:
			return wasi.EEXIST
		default:
			return wasi.ENOTDIR
		}
	}
	return pathErrno(sysSymlinkat(cstr(&s.path.b, oldPath), dirfd, cstr(&s.path.a, name)))
}
