//go:build linux

package unix

// TEMPORARY: ENOSYS stubs, removed as each method is implemented.

import (
	"context"

	"github.com/wasibox/wasibox/wasi"
)

// FDAdvise implements wasi.System.
func (s *System) FDAdvise(ctx context.Context, fd wasi.FD, offset, length wasi.FileSize, advice wasi.Advice) wasi.Errno {
	return wasi.ENOSYS
}

// FDAllocate implements wasi.System.
func (s *System) FDAllocate(ctx context.Context, fd wasi.FD, offset, length wasi.FileSize) wasi.Errno {
	return wasi.ENOSYS
}

// FDClose implements wasi.System.
func (s *System) FDClose(ctx context.Context, fd wasi.FD) wasi.Errno {
	return wasi.ENOSYS
}

// FDDataSync implements wasi.System.
func (s *System) FDDataSync(ctx context.Context, fd wasi.FD) wasi.Errno {
	return wasi.ENOSYS
}

// FDStatGet implements wasi.System.
func (s *System) FDStatGet(ctx context.Context, fd wasi.FD) (wasi.FDStat, wasi.Errno) {
	return wasi.FDStat{}, wasi.ENOSYS
}

// FDStatSetFlags implements wasi.System.
func (s *System) FDStatSetFlags(ctx context.Context, fd wasi.FD, flags wasi.FDFlags) wasi.Errno {
	return wasi.ENOSYS
}

// FDStatSetRights implements wasi.System.
func (s *System) FDStatSetRights(ctx context.Context, fd wasi.FD, rightsBase, rightsInheriting wasi.Rights) wasi.Errno {
	return wasi.ENOSYS
}

// FDFileStatGet implements wasi.System.
func (s *System) FDFileStatGet(ctx context.Context, fd wasi.FD) (wasi.FileStat, wasi.Errno) {
	return wasi.FileStat{}, wasi.ENOSYS
}

// FDFileStatSetSize implements wasi.System.
func (s *System) FDFileStatSetSize(ctx context.Context, fd wasi.FD, size wasi.FileSize) wasi.Errno {
	return wasi.ENOSYS
}

// FDFileStatSetTimes implements wasi.System.
func (s *System) FDFileStatSetTimes(ctx context.Context, fd wasi.FD, atim, mtim wasi.Timestamp, flags wasi.FSTFlags) wasi.Errno {
	return wasi.ENOSYS
}

// FDPread implements wasi.System.
func (s *System) FDPread(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, offset wasi.FileSize) (wasi.Size, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// FDPrestatGet implements wasi.System.
func (s *System) FDPrestatGet(ctx context.Context, fd wasi.FD) (wasi.Prestat, wasi.Errno) {
	return wasi.Prestat{}, wasi.ENOSYS
}

// FDPrestatDirName implements wasi.System.
func (s *System) FDPrestatDirName(ctx context.Context, fd wasi.FD) (string, wasi.Errno) {
	return "", wasi.ENOSYS
}

// FDPwrite implements wasi.System.
func (s *System) FDPwrite(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, offset wasi.FileSize) (wasi.Size, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// FDRead implements wasi.System.
func (s *System) FDRead(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec) (wasi.Size, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// FDReadDir implements wasi.System.
func (s *System) FDReadDir(ctx context.Context, fd wasi.FD, buf []byte, cookie wasi.DirCookie) (wasi.Size, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// FDRenumber implements wasi.System.
func (s *System) FDRenumber(ctx context.Context, from, to wasi.FD) wasi.Errno {
	return wasi.ENOSYS
}

// FDSeek implements wasi.System.
func (s *System) FDSeek(ctx context.Context, fd wasi.FD, offset wasi.FileDelta, whence wasi.Whence) (wasi.FileSize, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// FDSync implements wasi.System.
func (s *System) FDSync(ctx context.Context, fd wasi.FD) wasi.Errno {
	return wasi.ENOSYS
}

// FDTell implements wasi.System.
func (s *System) FDTell(ctx context.Context, fd wasi.FD) (wasi.FileSize, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// FDWrite implements wasi.System.
func (s *System) FDWrite(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec) (wasi.Size, wasi.Errno) {
	return 0, wasi.ENOSYS
}

type dirState struct{}

func (d *dirState) release() {}
