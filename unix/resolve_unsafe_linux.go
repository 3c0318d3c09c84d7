//go:build linux

package unix

// Raw *at system calls for the path resolver. x/sys's wrappers take Go
// strings and allocate a NUL-terminated copy on every call; ours take a
// pointer into the System's path scratch (pathScratch.cstr), so that
// path_open and path_filestat_get make no allocation. Every pointer passed
// here points into the System (heap) or into guest memory and outlives the
// one system call it is used for.

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

func sysOpenat2(dirfd int, path *byte, how *unix.OpenHow) (int, syscall.Errno) {
	r, _, e := unix.Syscall6(unix.SYS_OPENAT2, uintptr(dirfd), uintptr(unsafe.Pointer(path)),
		uintptr(unsafe.Pointer(how)), unsafe.Sizeof(*how), 0, 0)
	return int(r), e
}

func sysOpenat(dirfd int, path *byte, flags int, mode uint32) (int, syscall.Errno) {
	r, _, e := unix.Syscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(path)),
		uintptr(flags), uintptr(mode), 0, 0)
	return int(r), e
}

// sysReadlinkat reads the link into buf (len(buf) > 0).
func sysReadlinkat(dirfd int, path *byte, buf []byte) (int, syscall.Errno) {
	r, _, e := unix.Syscall6(unix.SYS_READLINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(path)),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0)
	return int(r), e
}

func sysStatx(dirfd int, path *byte, flags int, st *unix.Statx_t) syscall.Errno {
	_, _, e := unix.Syscall6(unix.SYS_STATX, uintptr(dirfd), uintptr(unsafe.Pointer(path)),
		uintptr(flags), unix.STATX_BASIC_STATS, uintptr(unsafe.Pointer(st)), 0)
	return e
}

func sysUtimensat(dirfd int, path *byte, ts *[2]unix.Timespec, flags int) syscall.Errno {
	_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(dirfd), uintptr(unsafe.Pointer(path)),
		uintptr(unsafe.Pointer(ts)), uintptr(flags), 0, 0)
	return e
}

func sysMkdirat(dirfd int, path *byte, mode uint32) syscall.Errno {
	_, _, e := unix.Syscall(unix.SYS_MKDIRAT, uintptr(dirfd), uintptr(unsafe.Pointer(path)), uintptr(mode))
	return e
}

func sysUnlinkat(dirfd int, path *byte, flags int) syscall.Errno {
	_, _, e := unix.Syscall(unix.SYS_UNLINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(path)), uintptr(flags))
	return e
}

// sysRenameat uses renameat2 with no flags: some architectures (arm64,
// riscv64) have no plain renameat.
func sysRenameat(olddirfd int, oldpath *byte, newdirfd int, newpath *byte) syscall.Errno {
	_, _, e := unix.Syscall6(unix.SYS_RENAMEAT2, uintptr(olddirfd), uintptr(unsafe.Pointer(oldpath)),
		uintptr(newdirfd), uintptr(unsafe.Pointer(newpath)), 0, 0)
	return e
}

func sysLinkat(olddirfd int, oldpath *byte, newdirfd int, newpath *byte, flags int) syscall.Errno {
	_, _, e := unix.Syscall6(unix.SYS_LINKAT, uintptr(olddirfd), uintptr(unsafe.Pointer(oldpath)),
		uintptr(newdirfd), uintptr(unsafe.Pointer(newpath)), uintptr(flags), 0)
	return e
}

func sysSymlinkat(target *byte, dirfd int, path *byte) syscall.Errno {
	_, _, e := unix.Syscall(unix.SYS_SYMLINKAT, uintptr(unsafe.Pointer(target)), uintptr(dirfd), uintptr(unsafe.Pointer(path)))
	return e
}
