//go:build linux

package unix

// TEMPORARY: ENOSYS stubs, removed as each method is implemented.

import (
	"context"

	"github.com/wasibox/wasibox/wasi"
)

// PathCreateDirectory implements wasi.System.
func (s *System) PathCreateDirectory(ctx context.Context, fd wasi.FD, path string) wasi.Errno {
	return wasi.ENOSYS
}

// PathFileStatGet implements wasi.System.
func (s *System) PathFileStatGet(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, path string) (wasi.FileStat, wasi.Errno) {
	return wasi.FileStat{}, wasi.ENOSYS
}

// PathFileStatSetTimes implements wasi.System.
func (s *System) PathFileStatSetTimes(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, path string, atim, mtim wasi.Timestamp, fstFlags wasi.FSTFlags) wasi.Errno {
	return wasi.ENOSYS
}

// PathLink implements wasi.System.
func (s *System) PathLink(ctx context.Context, oldFD wasi.FD, oldFlags wasi.LookupFlags, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	return wasi.ENOSYS
}

// PathOpen implements wasi.System.
func (s *System) PathOpen(ctx context.Context, fd wasi.FD, dirFlags wasi.LookupFlags, path string, oflags wasi.OFlags, rightsBase, rightsInheriting wasi.Rights, fdFlags wasi.FDFlags) (wasi.FD, wasi.Errno) {
	return -1, wasi.ENOSYS
}

// PathReadLink implements wasi.System.
func (s *System) PathReadLink(ctx context.Context, fd wasi.FD, path string, buf []byte) (wasi.Size, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// PathRemoveDirectory implements wasi.System.
func (s *System) PathRemoveDirectory(ctx context.Context, fd wasi.FD, path string) wasi.Errno {
	return wasi.ENOSYS
}

// PathRename implements wasi.System.
func (s *System) PathRename(ctx context.Context, fd wasi.FD, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	return wasi.ENOSYS
}

// PathSymlink implements wasi.System.
func (s *System) PathSymlink(ctx context.Context, oldPath string, fd wasi.FD, newPath string) wasi.Errno {
	return wasi.ENOSYS
}

// PathUnlinkFile implements wasi.System.
func (s *System) PathUnlinkFile(ctx context.Context, fd wasi.FD, path string) wasi.Errno {
	return wasi.ENOSYS
}

func haveOpenat2() bool { return true }
