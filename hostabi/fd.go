package hostabi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// The fd_* functions. Unless noted, each returns EFAULT when a pointer or
// length reaches outside memory, EINVAL when an argument does not fit its
// witx type, and otherwise the System's errno (EBADF, ENOTCAPABLE, ...).
// Descriptor numbers are passed to the System as they are, negative or
// huge: it bounds them (design decision 6).
//
// Reads and writes that moved some bytes before failing report the bytes
// and succeed; the error comes back on the next call, as with readv(2) and
// writev(2). Dropping the count would lose data the guest cannot recover.

// fdAdvise implements fd_advise(fd, offset, len, advice) -> errno.
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#fd_advise
func (h *host) fdAdvise(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	advice, ok := argU8(stack, 3)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	ret(stack, h.sys.FDAdvise(ctx, argFD(stack, 0), stack[1], stack[2], wasi.Advice(advice)))
}

// fdAllocate implements fd_allocate(fd, offset, len) -> errno.
func (h *host) fdAllocate(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	ret(stack, h.sys.FDAllocate(ctx, argFD(stack, 0), stack[1], stack[2]))
}

// fdClose implements fd_close(fd) -> errno.
func (h *host) fdClose(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	ret(stack, h.sys.FDClose(ctx, argFD(stack, 0)))
}

// fdDatasync implements fd_datasync(fd) -> errno.
func (h *host) fdDatasync(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	ret(stack, h.sys.FDDataSync(ctx, argFD(stack, 0)))
}

// fdFdstatGet implements fd_fdstat_get(fd, result.stat) -> errno, writing
// a 24-byte fdstat (padding zeroed).
func (h *host) fdFdstatGet(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	out, ok := h.memoryOf(mod).slice(arg32(stack, 1), wasi.FDStatSize)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	st, errno := h.sys.FDStatGet(ctx, argFD(stack, 0))
	if errno == wasi.ESUCCESS {
		st.Put(out)
	}
	ret(stack, errno)
}

// fdFdstatSetFlags implements fd_fdstat_set_flags(fd, flags) -> errno.
func (h *host) fdFdstatSetFlags(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	flags, ok := argU16(stack, 1)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	ret(stack, h.sys.FDStatSetFlags(ctx, argFD(stack, 0), wasi.FDFlags(flags)))
}

// fdFdstatSetRights implements fd_fdstat_set_rights(fd, fs_rights_base,
// fs_rights_inheriting) -> errno. Adding rights is the System's
// ENOTCAPABLE.
func (h *host) fdFdstatSetRights(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	ret(stack, h.sys.FDStatSetRights(ctx, argFD(stack, 0), wasi.Rights(stack[1]), wasi.Rights(stack[2])))
}

// fdFilestatGet implements fd_filestat_get(fd, result.buf) -> errno,
// writing a 64-byte filestat (padding zeroed).
func (h *host) fdFilestatGet(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	out, ok := h.memoryOf(mod).slice(arg32(stack, 1), wasi.FileStatSize)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	st, errno := h.sys.FDFileStatGet(ctx, argFD(stack, 0))
	if errno == wasi.ESUCCESS {
		st.Put(out)
	}
	ret(stack, errno)
}

// fdFilestatSetSize implements fd_filestat_set_size(fd, size) -> errno.
func (h *host) fdFilestatSetSize(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	ret(stack, h.sys.FDFileStatSetSize(ctx, argFD(stack, 0), stack[1]))
}

// fdFilestatSetTimes implements fd_filestat_set_times(fd, atim, mtim,
// fst_flags) -> errno.
func (h *host) fdFilestatSetTimes(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	flags, ok := argU16(stack, 3)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	ret(stack, h.sys.FDFileStatSetTimes(ctx, argFD(stack, 0), stack[1], stack[2], wasi.FSTFlags(flags)))
}

// ioArgs decodes the iovec array at stack[1], stack[2] and checks the
// 4-byte result pointer at stack[out], in that order: EINVAL past
// MaxIOVecs, then EFAULT.
//
// One iovec, what wasi-libc's read, write, pread and pwrite pass, is
// decoded here without the loop of iovecs: these calls are the hottest
// there are, and every function call after a system call costs more than
// its instructions (RATIONALE.md, "Benchmarks").
func (h *host) ioArgs(m memory, stack []uint64, out int) ([][]byte, []byte, wasi.Errno) {
	if arg32(stack, 2) == 1 {
		e, ok1 := m.slice(arg32(stack, 1), wasi.IOVecSize)
		res, ok2 := m.slice(arg32(stack, out), 4)
		if !ok1 || !ok2 {
			return nil, nil, wasi.EFAULT
		}
		b, ok := m.slice(le.Uint32(e[0:4]), le.Uint32(e[4:8]))
		if !ok {
			return nil, nil, wasi.EFAULT
		}
		h.iovs = append(h.iovs[:0], b)
		return h.iovs, res, wasi.ESUCCESS
	}
	iovs, errno := h.iovecs(m, arg32(stack, 1), arg32(stack, 2))
	if errno != wasi.ESUCCESS {
		return nil, nil, errno
	}
	res, ok := m.slice(arg32(stack, out), 4)
	if !ok {
		return nil, nil, wasi.EFAULT
	}
	return iovs, res, wasi.ESUCCESS
}

// putCount writes the byte count of a read or write. A count with an
// error still reports the bytes moved (see the top of this file).
func putCount(out []byte, n wasi.Size, errno wasi.Errno, iovs [][]byte) wasi.Errno {
	n = clampSize(n, totalLen(iovs))
	if errno != wasi.ESUCCESS && n == 0 {
		return errno
	}
	le.PutUint32(out, n)
	return wasi.ESUCCESS
}

// fdPread implements fd_pread(fd, iovs, iovs_len, offset, result.nread) -> errno.
func (h *host) fdPread(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	iovs, out, errno := h.ioArgs(h.memoryOf(mod), stack, 4)
	if errno == wasi.ESUCCESS {
		n, e := h.sys.FDPread(ctx, argFD(stack, 0), iovs, stack[3])
		errno = putCount(out, n, e, iovs)
	}
	ret(stack, errno)
}

// fdPrestatGet implements fd_prestat_get(fd, result.prestat) -> errno,
// writing an 8-byte prestat.
func (h *host) fdPrestatGet(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	out, ok := h.memoryOf(mod).slice(arg32(stack, 1), wasi.PrestatSize)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	ps, errno := h.sys.FDPrestatGet(ctx, argFD(stack, 0))
	if errno == wasi.ESUCCESS {
		ps.Put(out)
	}
	ret(stack, errno)
}

// fdPrestatDirName implements fd_prestat_dir_name(fd, path, path_len) -> errno.
// The name is written without a NUL terminator and only its own bytes
// are written: a buffer larger than the name is fine (the rest is left
// alone), a smaller one is ENAMETOOLONG and nothing is written, as in
// wasmtime. wasi-libc passes exactly the pr_name_len of fd_prestat_get.
// The whole buffer the guest declared must lie in memory (EFAULT).
func (h *host) fdPrestatDirName(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	buf, ok := h.memoryOf(mod).slice(arg32(stack, 1), arg32(stack, 2))
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	name, errno := h.sys.FDPrestatDirName(ctx, argFD(stack, 0))
	if errno == wasi.ESUCCESS {
		if len(name) > len(buf) {
			errno = wasi.ENAMETOOLONG
		} else {
			copy(buf, name)
		}
	}
	ret(stack, errno)
}

// fdPwrite implements fd_pwrite(fd, iovs, iovs_len, offset, result.nwritten) -> errno.
func (h *host) fdPwrite(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	iovs, out, errno := h.ioArgs(h.memoryOf(mod), stack, 4)
	if errno == wasi.ESUCCESS {
		n, e := h.sys.FDPwrite(ctx, argFD(stack, 0), iovs, stack[3])
		errno = putCount(out, n, e, iovs)
	}
	ret(stack, errno)
}

// fdRead implements fd_read(fd, iovs, iovs_len, result.nread) -> errno.
// A hot path: the iovecs alias guest memory and nothing is allocated.
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#fd_read
func (h *host) fdRead(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	iovs, out, errno := h.ioArgs(h.memoryOf(mod), stack, 3)
	if errno == wasi.ESUCCESS {
		n, e := h.sys.FDRead(ctx, argFD(stack, 0), iovs)
		errno = putCount(out, n, e, iovs)
	}
	ret(stack, errno)
}

// fdReaddir implements fd_readdir(fd, buf, buf_len, cookie, result.bufused) -> errno.
// The System encodes entries straight into the guest buffer (the last
// one possibly truncated, as the spec requires).
func (h *host) fdReaddir(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	m := h.memoryOf(mod)
	buf, ok1 := m.slice(arg32(stack, 1), arg32(stack, 2))
	out, ok2 := m.slice(arg32(stack, 4), 4)
	if !ok1 || !ok2 {
		ret(stack, wasi.EFAULT)
		return
	}
	n, errno := h.sys.FDReadDir(ctx, argFD(stack, 0), buf, stack[3])
	if errno == wasi.ESUCCESS {
		le.PutUint32(out, clampSize(n, len(buf)))
	}
	ret(stack, errno)
}

// fdRenumber implements fd_renumber(fd, to) -> errno.
func (h *host) fdRenumber(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	ret(stack, h.sys.FDRenumber(ctx, argFD(stack, 0), argFD(stack, 1)))
}

// fdSeek implements fd_seek(fd, offset, whence, result.newoffset) -> errno.
func (h *host) fdSeek(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	whence, ok := argU8(stack, 2)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	out, ok := h.memoryOf(mod).slice(arg32(stack, 3), 8)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	off, errno := h.sys.FDSeek(ctx, argFD(stack, 0), int64(stack[1]), wasi.Whence(whence))
	if errno == wasi.ESUCCESS {
		le.PutUint64(out, off)
	}
	ret(stack, errno)
}

// fdSync implements fd_sync(fd) -> errno.
func (h *host) fdSync(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	ret(stack, h.sys.FDSync(ctx, argFD(stack, 0)))
}

// fdTell implements fd_tell(fd, result.offset) -> errno.
func (h *host) fdTell(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	out, ok := h.memoryOf(mod).slice(arg32(stack, 1), 8)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	off, errno := h.sys.FDTell(ctx, argFD(stack, 0))
	if errno == wasi.ESUCCESS {
		le.PutUint64(out, off)
	}
	ret(stack, errno)
}

// fdWrite implements fd_write(fd, iovs, iovs_len, result.nwritten) -> errno.
// A hot path: the iovecs alias guest memory and nothing is allocated.
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#fd_write
func (h *host) fdWrite(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	iovs, out, errno := h.ioArgs(h.memoryOf(mod), stack, 3)
	if errno == wasi.ESUCCESS {
		n, e := h.sys.FDWrite(ctx, argFD(stack, 0), iovs)
		errno = putCount(out, n, e, iovs)
	}
	ret(stack, errno)
}
