package hostabi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// The path_* functions. Paths are copied into Go strings (the System may
// keep them) after these checks, in this order: EINVAL for a flag argument
// that does not fit its witx type, EFAULT for an output pointer outside
// memory, then for each path ENAMETOOLONG past MaxPathLen, EFAULT outside
// memory, EINVAL for an embedded NUL and EILSEQ for invalid UTF-8. Anything
// else is the System's errno. Confinement (absolute paths, "..", symlinks)
// is the System's job, in the kernel (design decision 1): nothing here
// interprets a path.

// pathCreateDirectory implements path_create_directory(fd, path, path_len) -> errno.
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#path_create_directory
func (h *host) pathCreateDirectory(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	p, errno := h.memoryOf(mod).path(arg32(stack, 1), arg32(stack, 2))
	if errno == wasi.ESUCCESS {
		errno = h.sys.PathCreateDirectory(ctx, argFD(stack, 0), p)
	}
	ret(stack, errno)
}

// pathFilestatGet implements path_filestat_get(fd, flags, path, path_len,
// result.buf) -> errno, writing a 64-byte filestat.
func (h *host) pathFilestatGet(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	m := h.memoryOf(mod)
	out, ok := m.slice(arg32(stack, 4), wasi.FileStatSize)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	p, errno := m.path(arg32(stack, 2), arg32(stack, 3))
	if errno == wasi.ESUCCESS {
		var st wasi.FileStat
		st, errno = h.sys.PathFileStatGet(ctx, argFD(stack, 0), wasi.LookupFlags(arg32(stack, 1)), p)
		if errno == wasi.ESUCCESS {
			st.Put(out)
		}
	}
	ret(stack, errno)
}

// pathFilestatSetTimes implements path_filestat_set_times(fd, flags, path,
// path_len, atim, mtim, fst_flags) -> errno.
func (h *host) pathFilestatSetTimes(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	fst, ok := argU16(stack, 6)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	p, errno := h.memoryOf(mod).path(arg32(stack, 2), arg32(stack, 3))
	if errno == wasi.ESUCCESS {
		errno = h.sys.PathFileStatSetTimes(ctx, argFD(stack, 0), wasi.LookupFlags(arg32(stack, 1)), p,
			stack[4], stack[5], wasi.FSTFlags(fst))
	}
	ret(stack, errno)
}

// pathLink implements path_link(old_fd, old_flags, old_path, old_path_len,
// new_fd, new_path, new_path_len) -> errno.
func (h *host) pathLink(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	m := h.memoryOf(mod)
	oldPath, errno := m.path(arg32(stack, 2), arg32(stack, 3))
	if errno == wasi.ESUCCESS {
		var newPath string
		newPath, errno = m.path(arg32(stack, 5), arg32(stack, 6))
		if errno == wasi.ESUCCESS {
			errno = h.sys.PathLink(ctx, argFD(stack, 0), wasi.LookupFlags(arg32(stack, 1)), oldPath,
				argFD(stack, 4), newPath)
		}
	}
	ret(stack, errno)
}

// pathOpen implements path_open(fd, dirflags, path, path_len, oflags,
// fs_rights_base, fs_rights_inheriting, fdflags, result.opened_fd) -> errno.
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#path_open
func (h *host) pathOpen(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	oflags, ok1 := argU16(stack, 4)
	fdflags, ok2 := argU16(stack, 7)
	if !ok1 || !ok2 {
		ret(stack, wasi.EINVAL)
		return
	}
	m := h.memoryOf(mod)
	out, ok := m.slice(arg32(stack, 8), 4)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	p, errno := m.path(arg32(stack, 2), arg32(stack, 3))
	if errno == wasi.ESUCCESS {
		var fd wasi.FD
		fd, errno = h.sys.PathOpen(ctx, argFD(stack, 0), wasi.LookupFlags(arg32(stack, 1)), p,
			wasi.OFlags(oflags), wasi.Rights(stack[5]), wasi.Rights(stack[6]), wasi.FDFlags(fdflags))
		if errno == wasi.ESUCCESS {
			le.PutUint32(out, uint32(fd))
		}
	}
	ret(stack, errno)
}

// pathReadlink implements path_readlink(fd, path, path_len, buf, buf_len,
// result.bufused) -> errno. A target longer than buf is truncated to
// buf_len bytes, as the spec says; no NUL is added.
func (h *host) pathReadlink(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	m := h.memoryOf(mod)
	buf, ok1 := m.slice(arg32(stack, 3), arg32(stack, 4))
	out, ok2 := m.slice(arg32(stack, 5), 4)
	if !ok1 || !ok2 {
		ret(stack, wasi.EFAULT)
		return
	}
	p, errno := m.path(arg32(stack, 1), arg32(stack, 2))
	if errno == wasi.ESUCCESS {
		var n wasi.Size
		n, errno = h.sys.PathReadLink(ctx, argFD(stack, 0), p, buf)
		if errno == wasi.ESUCCESS {
			le.PutUint32(out, clampSize(n, len(buf)))
		}
	}
	ret(stack, errno)
}

// pathRemoveDirectory implements path_remove_directory(fd, path, path_len) -> errno.
func (h *host) pathRemoveDirectory(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	p, errno := h.memoryOf(mod).path(arg32(stack, 1), arg32(stack, 2))
	if errno == wasi.ESUCCESS {
		errno = h.sys.PathRemoveDirectory(ctx, argFD(stack, 0), p)
	}
	ret(stack, errno)
}

// pathRename implements path_rename(fd, old_path, old_path_len, new_fd,
// new_path, new_path_len) -> errno.
func (h *host) pathRename(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	m := h.memoryOf(mod)
	oldPath, errno := m.path(arg32(stack, 1), arg32(stack, 2))
	if errno == wasi.ESUCCESS {
		var newPath string
		newPath, errno = m.path(arg32(stack, 4), arg32(stack, 5))
		if errno == wasi.ESUCCESS {
			errno = h.sys.PathRename(ctx, argFD(stack, 0), oldPath, argFD(stack, 3), newPath)
		}
	}
	ret(stack, errno)
}

// pathSymlink implements path_symlink(old_path, old_path_len, fd, new_path,
// new_path_len) -> errno. old_path is the link's contents; it gets the same
// checks as a path since it is resolved when the link is followed.
func (h *host) pathSymlink(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	m := h.memoryOf(mod)
	oldPath, errno := m.path(arg32(stack, 0), arg32(stack, 1))
	if errno == wasi.ESUCCESS {
		var newPath string
		newPath, errno = m.path(arg32(stack, 3), arg32(stack, 4))
		if errno == wasi.ESUCCESS {
			errno = h.sys.PathSymlink(ctx, oldPath, argFD(stack, 2), newPath)
		}
	}
	ret(stack, errno)
}

// pathUnlinkFile implements path_unlink_file(fd, path, path_len) -> errno.
func (h *host) pathUnlinkFile(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	p, errno := h.memoryOf(mod).path(arg32(stack, 1), arg32(stack, 2))
	if errno == wasi.ESUCCESS {
		errno = h.sys.PathUnlinkFile(ctx, argFD(stack, 0), p)
	}
	ret(stack, errno)
}
