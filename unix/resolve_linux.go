//go:build linux

package unix

// Confined path resolution (design decision 1).
//
// Every guest path is resolved by the kernel beneath a directory descriptor,
// never by string manipulation:
//
//   - openat2(dirfd, path, RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS): the kernel
//     refuses absolute paths, ".." above dirfd and symbolic links that
//     leave it (EXDEV, reported as ENOTCAPABLE), and magic links such as
//     /proc/self/fd/N or /proc/self/root (ELOOP).
//   - where openat2 is missing, walk: one openat(O_PATH|O_DIRECTORY|
//     O_NOFOLLOW) per component. The walk reads symbolic links itself
//     (readlinkat) and expands them on a queue; absolute targets and ".."
//     above the start are ENOTCAPABLE, more than maxSymlinks links ELOOP.
//     ".." pops a stack of the descriptors it came through rather than
//     opening "..", so a directory renamed concurrently cannot lead it
//     above the start. Magic links are never followed by the kernel
//     either: their "targets" are absolute paths or names such as
//     "pipe:[123]" that do not exist in the directory holding the link.
//
// Calls that act on a final component (mkdir, unlink, rename, link,
// symlink, readlink, stat, set-times) open its parent directory this way
// and make the *at call on the last name, which is never "..", never
// contains a slash the kernel would follow through, and is used with
// AT_SYMLINK_NOFOLLOW (or by calls that never follow). Where the guest asks
// to follow a final symbolic link, the link is read and the path rebuilt as
// parent + target and resolved again from the root, so the target is
// confined exactly like the rest; if the link changes in between, the *at
// call acts on whatever is there without following it.

import (
	"strings"
	"syscall"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

const (
	// maxPathLen bounds guest paths and symbolic link targets (PATH_MAX;
	// design decision 6).
	maxPathLen = 4096
	// maxSymlinks is the kernel's MAXSYMLINKS: the 41st link in one
	// resolution is ELOOP, under both resolvers.
	maxSymlinks = 40
	// maxWalkDepth bounds the directories the walk holds open at once (a
	// 4096-byte path has at most 2048 components; links can add more).
	maxWalkDepth = 4096
	// openat2Retries bounds the retries when openat2 reports EAGAIN (a
	// rename or mount raced with the resolution of ".."); the walk then
	// answers instead.
	openat2Retries = 8

	resolveBeneath = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS
	dirPathFlags   = unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC
)

// pathScratch is per-System scratch space for path calls, so that the hot
// ones (path_open, path_filestat_get) make no allocation. A System serves
// one call at a time, so one set suffices.
type pathScratch struct {
	a, b  [maxPathLen + 1]byte // NUL-terminated copies of names for the kernel
	link  [maxPathLen]byte     // readlinkat results
	how   unix.OpenHow
	stx   unix.Statx_t
	st    unix.Stat_t
	ts    [2]unix.Timespec
	stack []int // the walk's open directories

	// noSymlinks is set around one path call by SetNoSymlinks
	// (nosymlinks_linux.go): openat2 then also refuses every symbolic
	// link (ELOOP), a final link is not expanded (ELOOP), and the walk,
	// which cannot refuse links, is not used (ENOSYS).
	noSymlinks bool
}

// cstr copies p (at most maxPathLen bytes, checked by the caller) into buf
// with a terminating NUL and returns a pointer for a system call.
func cstr(buf *[maxPathLen + 1]byte, p string) *byte {
	n := copy(buf[:maxPathLen], p)
	buf[n] = 0
	return &buf[0]
}

// pathErrno converts a raw errno without allocating.
func pathErrno(e syscall.Errno) wasi.Errno {
	if e == 0 {
		return wasi.ESUCCESS
	}
	return wasi.ErrnoOf(e)
}

// checkPath validates a guest path before any resolution: empty is ENOENT
// (as POSIX), longer than maxPathLen ENAMETOOLONG, an embedded NUL EINVAL
// (the kernel would silently cut the path there), and an absolute path
// ENOTCAPABLE (paths are relative to their directory descriptor).
func checkPath(p string) wasi.Errno {
	switch {
	case p == "":
		return wasi.ENOENT
	case len(p) > maxPathLen:
		return wasi.ENAMETOOLONG
	case strings.IndexByte(p, 0) >= 0:
		return wasi.EINVAL
	case p[0] == '/':
		return wasi.ENOTCAPABLE
	}
	return wasi.ESUCCESS
}

// haveOpenat2 reports whether this kernel has a working
// openat2(RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS) (Linux 5.6+, and not
// filtered by a seccomp policy). New calls it once per System.
func haveOpenat2() bool {
	root, err := unix.Open("/", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(root)
	fd, err := unix.Openat2(root, ".", &unix.OpenHow{Flags: dirPathFlags, Resolve: resolveBeneath})
	if err != nil {
		return false
	}
	unix.Close(fd)
	return true
}

// openBeneath opens path (already checked by checkPath) beneath dirfd with
// the host open flags and mode. A final symbolic link is followed, beneath
// dirfd too, unless flags has O_NOFOLLOW. The result is a new descriptor.
func (s *System) openBeneath(dirfd int, path string, flags int, mode uint32) (int, wasi.Errno) {
	flags |= unix.O_CLOEXEC
	if flags&unix.O_CREAT == 0 {
		mode = 0 // openat2 refuses a mode without O_CREAT
	}
	if s.useOpenat2 {
		if fd, errno, done := s.openat2(dirfd, path, flags, mode); done {
			return fd, errno
		}
	}
	return s.walk(dirfd, path, flags, mode, false)
}

// openDir opens directory dir beneath root, following symbolic links
// (confined), for use as the directory of an *at call. dir == "" is root
// itself. The result is root or a new descriptor: release it with
// closeDir.
func (s *System) openDir(root int, dir string) (int, wasi.Errno) {
	if dir == "" {
		return root, wasi.ESUCCESS
	}
	if s.useOpenat2 {
		if fd, errno, done := s.openat2(root, dir, dirPathFlags, 0); done {
			return fd, errno
		}
	}
	return s.walk(root, dir, dirPathFlags, 0, true)
}

// closeDir releases a descriptor returned by openDir or resolve*.
func closeDir(root, fd int) {
	if fd >= 0 && fd != root {
		unix.Close(fd)
	}
}

// openat2 makes the openat2 call; done is false if the kernel kept
// reporting EAGAIN and the walk should answer.
func (s *System) openat2(dirfd int, path string, flags int, mode uint32) (fd int, errno wasi.Errno, done bool) {
	s.path.how = unix.OpenHow{Flags: uint64(flags), Mode: uint64(mode), Resolve: resolveBeneath}
	if s.path.noSymlinks {
		s.path.how.Resolve |= unix.RESOLVE_NO_SYMLINKS
	}
	p := cstr(&s.path.a, path)
	for range openat2Retries {
		fd, e := sysOpenat2(dirfd, p, &s.path.how)
		switch e {
		case 0:
			return fd, wasi.ESUCCESS, true
		case unix.EAGAIN, unix.EINTR:
			continue
		case unix.EXDEV:
			// RESOLVE_BENEATH: an absolute path or symbolic link, or ".."
			// above dirfd. (No cross-device error exists for open.)
			return -1, wasi.ENOTCAPABLE, true
		}
		return -1, pathErrno(e), true
	}
	return -1, wasi.EAGAIN, false
}

// pathQueue holds what remains to resolve: the guest path at the bottom,
// the targets of symbolic links being expanded above it. At most
// maxSymlinks links are expanded per resolution, so the array never
// overflows.
type pathQueue struct {
	s [maxSymlinks + 1]string
	n int
}

func (q *pathQueue) push(p string) {
	q.s[q.n] = p
	q.n++
}

// next returns the next component, skipping empty ones ("a//b").
func (q *pathQueue) next() (string, bool) {
	for q.n > 0 {
		p := q.s[q.n-1]
		i := 0
		for i < len(p) && p[i] == '/' {
			i++
		}
		if i == len(p) {
			q.s[q.n-1] = ""
			q.n--
			continue
		}
		j := i
		for j < len(p) && p[j] != '/' {
			j++
		}
		q.s[q.n-1] = p[j:]
		return p[i:j], true
	}
	return "", false
}

// rest reports whether the component just returned by next was the last
// one, and if so whether a slash followed it (then it must be a directory,
// and a symbolic link there is followed, as POSIX has it).
func (q *pathQueue) rest() (last, slash bool) {
	for i := q.n - 1; i >= 0; i-- {
		p := q.s[i]
		for k := 0; k < len(p); k++ {
			if p[k] != '/' {
				return false, false
			}
		}
		if p != "" {
			slash = true
		}
	}
	return true, slash
}

// walk resolves path beneath root component by component (the resolver
// used where openat2 is missing, and by tests). With dirOnly, every
// component must be a directory and the result is root or a new O_PATH
// descriptor (for openDir); otherwise the final component is opened with
// flags and mode, following it only if flags lacks O_NOFOLLOW.
func (s *System) walk(root int, path string, flags int, mode uint32, dirOnly bool) (int, wasi.Errno) {
	if s.path.noSymlinks {
		return -1, wasi.ENOSYS
	}
	follow := flags&unix.O_NOFOLLOW == 0
	flags |= unix.O_NOFOLLOW | unix.O_CLOEXEC
	var q pathQueue
	q.push(path)
	stack := s.path.stack[:0]
	defer func() {
		for _, fd := range stack {
			unix.Close(fd)
		}
		s.path.stack = stack[:0]
	}()
	cur := root
	links := 0
	for {
		comp, ok := q.next()
		last, slash := true, false
		if ok {
			last, slash = q.rest()
		} else {
			comp = "."
		}
		switch comp {
		case ".":
			if !last {
				continue
			}
		case "..":
			if len(stack) == 0 {
				return -1, wasi.ENOTCAPABLE
			}
			unix.Close(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			cur = root
			if len(stack) > 0 {
				cur = stack[len(stack)-1]
			}
			if !last {
				continue
			}
			comp = "."
		default:
			if last && !slash && !dirOnly {
				fd, e := sysOpenat(cur, cstr(&s.path.a, comp), flags, mode)
				if e == 0 {
					return fd, wasi.ESUCCESS
				}
				// O_NOFOLLOW on a symbolic link fails with ELOOP, or
				// ENOTDIR when O_DIRECTORY was asked for too.
				if !follow || (e != unix.ELOOP && e != unix.ENOTDIR) {
					return -1, pathErrno(e)
				}
				target, isLink, errno := s.readLink(cur, comp, &links)
				if errno != wasi.ESUCCESS {
					return -1, errno
				}
				if !isLink {
					return -1, pathErrno(e)
				}
				q.push(target)
				continue
			}
			// A directory to go through, or a final component followed by
			// a slash ("x/" is "x/.").
			if last && flags&unix.O_CREAT != 0 {
				// As open(2) (open_last_lookups): O_CREAT on "name/" is
				// EISDIR, before name is even looked up.
				return -1, wasi.EISDIR
			}
			if len(stack) >= maxWalkDepth {
				return -1, wasi.ENAMETOOLONG
			}
			fd, e := sysOpenat(cur, cstr(&s.path.a, comp), dirPathFlags|unix.O_NOFOLLOW, 0)
			if e == unix.ENOTDIR {
				// A symbolic link (O_PATH|O_NOFOLLOW opens the link
				// itself, which is not a directory) or not a directory.
				target, isLink, errno := s.readLink(cur, comp, &links)
				if errno != wasi.ESUCCESS {
					return -1, errno
				}
				if isLink {
					q.push(target)
					continue
				}
			}
			if e != 0 {
				return -1, pathErrno(e)
			}
			stack = append(stack, fd)
			cur = fd
			if !last {
				continue
			}
			comp = "."
		}
		// comp is "." and final: the result is the current directory.
		if dirOnly {
			if len(stack) == 0 {
				return root, wasi.ESUCCESS
			}
			fd := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			return fd, wasi.ESUCCESS
		}
		fd, e := sysOpenat(cur, cstr(&s.path.a, "."), flags, mode)
		return fd, pathErrno(e)
	}
}

// readLink reads symbolic link name in dirfd for expansion, counting it in
// links. isLink is false (with no error) if name is not a symbolic link or
// does not exist: the caller then reports its own error.
func (s *System) readLink(dirfd int, name string, links *int) (target string, isLink bool, errno wasi.Errno) {
	n, e := sysReadlinkat(dirfd, cstr(&s.path.a, name), s.path.link[:])
	switch {
	case e == unix.EINVAL || e == unix.ENOENT:
		return "", false, wasi.ESUCCESS
	case e != 0:
		return "", false, pathErrno(e)
	case n >= len(s.path.link):
		return "", false, wasi.ENAMETOOLONG
	case n == 0:
		return "", false, wasi.ENOENT
	}
	*links++
	if *links > maxSymlinks {
		return "", false, wasi.ELOOP
	}
	if s.path.link[0] == '/' {
		return "", false, wasi.ENOTCAPABLE
	}
	return string(s.path.link[:n]), true, wasi.ESUCCESS
}

// splitParent splits a checked path for a call that creates or removes its
// final component (mkdir, unlink, rmdir, rename, link and symlink
// destinations). name keeps trailing slashes: the kernel checks them ("x/"
// must be a directory) and none of these calls follows a final link, with
// or without a slash. A final "." or ".." becomes the directory it names
// and ".", so the kernel never sees a ".." it could climb with.
func splitParent(p string) (dir, name string) {
	end := len(p)
	for end > 0 && p[end-1] == '/' {
		end--
	}
	i := strings.LastIndexByte(p[:end], '/')
	if base := p[i+1 : end]; base == "." || base == ".." {
		return p, "."
	}
	return p[:i+1], p[i+1:]
}

// splitFinal splits a checked path for a call that may look through its
// final component (stat, set-times, readlink, link source). A trailing
// slash makes the whole path a directory to resolve (following links,
// confined) and the name "."; the kernel would otherwise follow a final
// link named with a slash even under AT_SYMLINK_NOFOLLOW.
func splitFinal(p string) (dir, name string) {
	if p[len(p)-1] == '/' {
		return p, "."
	}
	i := strings.LastIndexByte(p, '/')
	if base := p[i+1:]; base == "." || base == ".." {
		return p, "."
	}
	return p[:i+1], p[i+1:]
}

// resolveParent opens the parent directory of a checked path's final
// component (see splitParent); release dirfd with closeDir.
func (s *System) resolveParent(root int, path string) (dirfd int, name string, errno wasi.Errno) {
	dir, name := splitParent(path)
	dirfd, errno = s.openDir(root, dir)
	return dirfd, name, errno
}

// resolveFinal opens the directory holding a checked path's final
// component and returns it with the component's name (see splitFinal), for
// an *at call with AT_SYMLINK_NOFOLLOW. With follow, a final symbolic link
// is expanded (confined like the rest) until the name is not a link.
// Release dirfd with closeDir.
func (s *System) resolveFinal(root int, path string, follow bool) (dirfd int, name string, errno wasi.Errno) {
	links := 0
	for {
		dir, name := splitFinal(path)
		dirfd, errno := s.openDir(root, dir)
		if errno != wasi.ESUCCESS {
			return -1, "", errno
		}
		if !follow || name == "." {
			return dirfd, name, wasi.ESUCCESS
		}
		next, isLink, errno := s.expandFinal(dirfd, dir, name, &links)
		if errno != wasi.ESUCCESS || !isLink {
			if errno != wasi.ESUCCESS {
				closeDir(root, dirfd)
				dirfd = -1
			}
			return dirfd, name, errno
		}
		closeDir(root, dirfd)
		path = next
	}
}

// expandFinal returns dir+target if name in dirfd (which is dir beneath
// the root) is a symbolic link: resolving that from the root again
// confines the target like any guest path.
func (s *System) expandFinal(dirfd int, dir, name string, links *int) (string, bool, wasi.Errno) {
	target, isLink, errno := s.readLink(dirfd, name, links)
	if errno != wasi.ESUCCESS || !isLink {
		return "", false, errno
	}
	if s.path.noSymlinks {
		return "", false, wasi.ELOOP
	}
	if len(dir)+len(target) > maxPathLen {
		return "", false, wasi.ENAMETOOLONG
	}
	return dir + target, true, wasi.ESUCCESS
}

// statAt stats name in dirfd without following it.
func (s *System) statAt(dirfd int, name string) (wasi.FileStat, wasi.Errno) {
	e := sysStatx(dirfd, cstr(&s.path.a, name), unix.AT_SYMLINK_NOFOLLOW|unix.AT_STATX_SYNC_AS_STAT, &s.path.stx)
	if e == unix.ENOSYS { // statx is Linux 4.11+
		if err := unix.Fstatat(dirfd, name, &s.path.st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return wasi.FileStat{}, wasi.ErrnoOf(err)
		}
		return fileStatOf(&s.path.st), wasi.ESUCCESS
	}
	if e != 0 {
		return wasi.FileStat{}, pathErrno(e)
	}
	return fileStatOfStatx(&s.path.stx), wasi.ESUCCESS
}

// fileStatOfStatx converts a statx result; it matches fileStatOf (fstat)
// for the same file: the device number is encoded as stat(2) does.
func fileStatOfStatx(st *unix.Statx_t) wasi.FileStat {
	return wasi.FileStat{
		Dev:      wasi.Device(unix.Mkdev(st.Dev_major, st.Dev_minor)),
		Ino:      wasi.Inode(st.Ino),
		FileType: fileTypeOf(uint32(st.Mode)),
		NLink:    wasi.LinkCount(st.Nlink),
		Size:     wasi.FileSize(st.Size),
		ATime:    statxTime(st.Atime),
		MTime:    statxTime(st.Mtime),
		CTime:    statxTime(st.Ctime),
	}
}

// statxTime converts a statx time; times before 1970 become 0 (WASI
// timestamps are unsigned), as in timestampOf.
func statxTime(t unix.StatxTimestamp) wasi.Timestamp {
	if t.Sec < 0 {
		return 0
	}
	return wasi.Timestamp(t.Sec)*1e9 + wasi.Timestamp(t.Nsec)
}
