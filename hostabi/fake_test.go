package hostabi

import (
	"bytes"
	"context"

	"github.com/wasibox/wasibox/wasi"
)

// fakeCall is one recorded System call: the method name and the Go values
// it received (iovec reads are recorded as their lengths, writes as the
// bytes they carried, so that records stay valid after the call).
type fakeCall struct {
	name string
	args []any
}

// fakeSystem is a wasi.System that records calls and returns configured
// values. Reads copy data into the buffers they get. With quiet set it
// records nothing, so that hot methods do not allocate in benchmarks.
type fakeSystem struct {
	quiet  bool
	calls  []fakeCall
	errno  wasi.Errno        // returned by every method
	onCall func(name string) // called after recording, e.g. to close the module

	args, environ []string
	timestamp     wasi.Timestamp
	fdstat        wasi.FDStat
	filestat      wasi.FileStat
	prestat       wasi.Prestat
	dirName       string
	fd            wasi.FD
	offset        wasi.FileSize
	data          []byte     // delivered by reads, readdir, readlink, random_get
	count         *wasi.Size // overrides the count returned by reads and writes
	roflags       wasi.ROFlags
	events        []wasi.Event // copied into the events of PollOneOff
	nevents       *int         // overrides the count PollOneOff returns
}

var _ wasi.System = (*fakeSystem)(nil)

func (f *fakeSystem) record(name string, args ...any) {
	f.calls = append(f.calls, fakeCall{name, args})
	if f.onCall != nil {
		f.onCall(name)
	}
}

func iovLens(iovs []wasi.IOVec) []int {
	l := make([]int, len(iovs))
	for i, b := range iovs {
		l[i] = len(b)
	}
	return l
}

func (f *fakeSystem) read(iovs []wasi.IOVec) wasi.Size {
	n, src := 0, f.data
	for _, b := range iovs {
		c := copy(b, src)
		src = src[c:]
		n += c
	}
	if f.count != nil {
		return *f.count
	}
	return wasi.Size(n)
}

func (f *fakeSystem) written(iovs []wasi.IOVec) wasi.Size {
	if f.count != nil {
		return *f.count
	}
	n := 0
	for _, b := range iovs {
		n += len(b)
	}
	return wasi.Size(n)
}

func (f *fakeSystem) ArgsGet(ctx context.Context) ([]string, wasi.Errno) {
	f.record("ArgsGet")
	return f.args, f.errno
}

func (f *fakeSystem) EnvironGet(ctx context.Context) ([]string, wasi.Errno) {
	f.record("EnvironGet")
	return f.environ, f.errno
}

func (f *fakeSystem) ClockResGet(ctx context.Context, id wasi.ClockID) (wasi.Timestamp, wasi.Errno) {
	f.record("ClockResGet", id)
	return f.timestamp, f.errno
}

func (f *fakeSystem) ClockTimeGet(ctx context.Context, id wasi.ClockID, precision wasi.Timestamp) (wasi.Timestamp, wasi.Errno) {
	if !f.quiet {
		f.record("ClockTimeGet", id, precision)
	}
	return f.timestamp, f.errno
}

func (f *fakeSystem) FDAdvise(ctx context.Context, fd wasi.FD, offset, length wasi.FileSize, advice wasi.Advice) wasi.Errno {
	f.record("FDAdvise", fd, offset, length, advice)
	return f.errno
}

func (f *fakeSystem) FDAllocate(ctx context.Context, fd wasi.FD, offset, length wasi.FileSize) wasi.Errno {
	f.record("FDAllocate", fd, offset, length)
	return f.errno
}

func (f *fakeSystem) FDClose(ctx context.Context, fd wasi.FD) wasi.Errno {
	f.record("FDClose", fd)
	return f.errno
}

func (f *fakeSystem) FDDataSync(ctx context.Context, fd wasi.FD) wasi.Errno {
	f.record("FDDataSync", fd)
	return f.errno
}

func (f *fakeSystem) FDStatGet(ctx context.Context, fd wasi.FD) (wasi.FDStat, wasi.Errno) {
	f.record("FDStatGet", fd)
	return f.fdstat, f.errno
}

func (f *fakeSystem) FDStatSetFlags(ctx context.Context, fd wasi.FD, flags wasi.FDFlags) wasi.Errno {
	f.record("FDStatSetFlags", fd, flags)
	return f.errno
}

func (f *fakeSystem) FDStatSetRights(ctx context.Context, fd wasi.FD, base, inheriting wasi.Rights) wasi.Errno {
	f.record("FDStatSetRights", fd, base, inheriting)
	return f.errno
}

func (f *fakeSystem) FDFileStatGet(ctx context.Context, fd wasi.FD) (wasi.FileStat, wasi.Errno) {
	f.record("FDFileStatGet", fd)
	return f.filestat, f.errno
}

func (f *fakeSystem) FDFileStatSetSize(ctx context.Context, fd wasi.FD, size wasi.FileSize) wasi.Errno {
	f.record("FDFileStatSetSize", fd, size)
	return f.errno
}

func (f *fakeSystem) FDFileStatSetTimes(ctx context.Context, fd wasi.FD, atim, mtim wasi.Timestamp, flags wasi.FSTFlags) wasi.Errno {
	f.record("FDFileStatSetTimes", fd, atim, mtim, flags)
	return f.errno
}

func (f *fakeSystem) FDPread(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, offset wasi.FileSize) (wasi.Size, wasi.Errno) {
	f.record("FDPread", fd, iovLens(iovs), offset)
	return f.read(iovs), f.errno
}

func (f *fakeSystem) FDPrestatGet(ctx context.Context, fd wasi.FD) (wasi.Prestat, wasi.Errno) {
	f.record("FDPrestatGet", fd)
	return f.prestat, f.errno
}

func (f *fakeSystem) FDPrestatDirName(ctx context.Context, fd wasi.FD) (string, wasi.Errno) {
	f.record("FDPrestatDirName", fd)
	return f.dirName, f.errno
}

func (f *fakeSystem) FDPwrite(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, offset wasi.FileSize) (wasi.Size, wasi.Errno) {
	f.record("FDPwrite", fd, string(bytes.Join(iovs, nil)), offset)
	return f.written(iovs), f.errno
}

func (f *fakeSystem) FDRead(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec) (wasi.Size, wasi.Errno) {
	if !f.quiet {
		f.record("FDRead", fd, iovLens(iovs))
	}
	return f.read(iovs), f.errno
}

func (f *fakeSystem) FDReadDir(ctx context.Context, fd wasi.FD, buf []byte, cookie wasi.DirCookie) (wasi.Size, wasi.Errno) {
	f.record("FDReadDir", fd, len(buf), cookie)
	n := wasi.Size(copy(buf, f.data))
	if f.count != nil {
		n = *f.count
	}
	return n, f.errno
}

func (f *fakeSystem) FDRenumber(ctx context.Context, from, to wasi.FD) wasi.Errno {
	f.record("FDRenumber", from, to)
	return f.errno
}

func (f *fakeSystem) FDSeek(ctx context.Context, fd wasi.FD, offset wasi.FileDelta, whence wasi.Whence) (wasi.FileSize, wasi.Errno) {
	f.record("FDSeek", fd, offset, whence)
	return f.offset, f.errno
}

func (f *fakeSystem) FDSync(ctx context.Context, fd wasi.FD) wasi.Errno {
	f.record("FDSync", fd)
	return f.errno
}

func (f *fakeSystem) FDTell(ctx context.Context, fd wasi.FD) (wasi.FileSize, wasi.Errno) {
	f.record("FDTell", fd)
	return f.offset, f.errno
}

func (f *fakeSystem) FDWrite(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec) (wasi.Size, wasi.Errno) {
	if !f.quiet {
		f.record("FDWrite", fd, string(bytes.Join(iovs, nil)))
	}
	return f.written(iovs), f.errno
}

func (f *fakeSystem) PathCreateDirectory(ctx context.Context, fd wasi.FD, path string) wasi.Errno {
	f.record("PathCreateDirectory", fd, path)
	return f.errno
}

func (f *fakeSystem) PathFileStatGet(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, path string) (wasi.FileStat, wasi.Errno) {
	f.record("PathFileStatGet", fd, flags, path)
	return f.filestat, f.errno
}

func (f *fakeSystem) PathFileStatSetTimes(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, path string, atim, mtim wasi.Timestamp, fstFlags wasi.FSTFlags) wasi.Errno {
	f.record("PathFileStatSetTimes", fd, flags, path, atim, mtim, fstFlags)
	return f.errno
}

func (f *fakeSystem) PathLink(ctx context.Context, oldFD wasi.FD, oldFlags wasi.LookupFlags, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	f.record("PathLink", oldFD, oldFlags, oldPath, newFD, newPath)
	return f.errno
}

func (f *fakeSystem) PathOpen(ctx context.Context, fd wasi.FD, dirFlags wasi.LookupFlags, path string, oflags wasi.OFlags, base, inheriting wasi.Rights, fdFlags wasi.FDFlags) (wasi.FD, wasi.Errno) {
	f.record("PathOpen", fd, dirFlags, path, oflags, base, inheriting, fdFlags)
	return f.fd, f.errno
}

func (f *fakeSystem) PathReadLink(ctx context.Context, fd wasi.FD, path string, buf []byte) (wasi.Size, wasi.Errno) {
	f.record("PathReadLink", fd, path, len(buf))
	n := wasi.Size(copy(buf, f.data))
	if f.count != nil {
		n = *f.count
	}
	return n, f.errno
}

func (f *fakeSystem) PathRemoveDirectory(ctx context.Context, fd wasi.FD, path string) wasi.Errno {
	f.record("PathRemoveDirectory", fd, path)
	return f.errno
}

func (f *fakeSystem) PathRename(ctx context.Context, fd wasi.FD, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	f.record("PathRename", fd, oldPath, newFD, newPath)
	return f.errno
}

func (f *fakeSystem) PathSymlink(ctx context.Context, oldPath string, fd wasi.FD, newPath string) wasi.Errno {
	f.record("PathSymlink", oldPath, fd, newPath)
	return f.errno
}

func (f *fakeSystem) PathUnlinkFile(ctx context.Context, fd wasi.FD, path string) wasi.Errno {
	f.record("PathUnlinkFile", fd, path)
	return f.errno
}

func (f *fakeSystem) PollOneOff(ctx context.Context, subs []wasi.Subscription, events []wasi.Event) (int, wasi.Errno) {
	if !f.quiet {
		f.record("PollOneOff", append([]wasi.Subscription(nil), subs...), len(events))
	}
	n := copy(events, f.events)
	if f.nevents != nil {
		n = *f.nevents
	}
	return n, f.errno
}

func (f *fakeSystem) ProcExit(ctx context.Context, code wasi.ExitCode) wasi.Errno {
	f.record("ProcExit", code)
	return f.errno
}

func (f *fakeSystem) ProcRaise(ctx context.Context, sig wasi.Signal) wasi.Errno {
	f.record("ProcRaise", sig)
	return f.errno
}

func (f *fakeSystem) SchedYield(ctx context.Context) wasi.Errno {
	f.record("SchedYield")
	return f.errno
}

func (f *fakeSystem) RandomGet(ctx context.Context, buf []byte) wasi.Errno {
	if !f.quiet {
		f.record("RandomGet", len(buf))
	}
	copy(buf, f.data)
	return f.errno
}

func (f *fakeSystem) SockAccept(ctx context.Context, fd wasi.FD, flags wasi.FDFlags) (wasi.FD, wasi.SockAddr, wasi.Errno) {
	f.record("SockAccept", fd, flags)
	return f.fd, wasi.SockAddr{}, f.errno
}

func (f *fakeSystem) SockRecv(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.RIFlags) (wasi.Size, wasi.ROFlags, wasi.Errno) {
	f.record("SockRecv", fd, iovLens(iovs), flags)
	return f.read(iovs), f.roflags, f.errno
}

func (f *fakeSystem) SockSend(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.SIFlags) (wasi.Size, wasi.Errno) {
	f.record("SockSend", fd, string(bytes.Join(iovs, nil)), flags)
	return f.written(iovs), f.errno
}

func (f *fakeSystem) SockShutdown(ctx context.Context, fd wasi.FD, how wasi.SDFlags) wasi.Errno {
	f.record("SockShutdown", fd, how)
	return f.errno
}

func (f *fakeSystem) SockOpen(ctx context.Context, family wasi.ProtocolFamily, socktype wasi.SocketType, protocol wasi.Protocol, base, inheriting wasi.Rights) (wasi.FD, wasi.Errno) {
	f.record("SockOpen", family, socktype, protocol, base, inheriting)
	return f.fd, f.errno
}

func (f *fakeSystem) SockBind(ctx context.Context, fd wasi.FD, addr wasi.SockAddr) wasi.Errno {
	f.record("SockBind", fd, addr)
	return f.errno
}

func (f *fakeSystem) SockConnect(ctx context.Context, fd wasi.FD, addr wasi.SockAddr) wasi.Errno {
	f.record("SockConnect", fd, addr)
	return f.errno
}

func (f *fakeSystem) SockListen(ctx context.Context, fd wasi.FD, backlog int) wasi.Errno {
	f.record("SockListen", fd, backlog)
	return f.errno
}

func (f *fakeSystem) SockSendTo(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.SIFlags, addr wasi.SockAddr) (wasi.Size, wasi.Errno) {
	f.record("SockSendTo", fd, string(bytes.Join(iovs, nil)), flags, addr)
	return f.written(iovs), f.errno
}

func (f *fakeSystem) SockRecvFrom(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.RIFlags) (wasi.Size, wasi.ROFlags, wasi.SockAddr, wasi.Errno) {
	f.record("SockRecvFrom", fd, iovLens(iovs), flags)
	return f.read(iovs), f.roflags, wasi.SockAddr{}, f.errno
}

func (f *fakeSystem) SockGetOpt(ctx context.Context, fd wasi.FD, level wasi.SockOptLevel, name wasi.SockOption, value []byte) (int, wasi.Errno) {
	f.record("SockGetOpt", fd, level, name, len(value))
	return copy(value, f.data), f.errno
}

func (f *fakeSystem) SockSetOpt(ctx context.Context, fd wasi.FD, level wasi.SockOptLevel, name wasi.SockOption, value []byte) wasi.Errno {
	f.record("SockSetOpt", fd, level, name, string(value))
	return f.errno
}

func (f *fakeSystem) SockLocalAddress(ctx context.Context, fd wasi.FD) (wasi.SockAddr, wasi.Errno) {
	f.record("SockLocalAddress", fd)
	return wasi.SockAddr{}, f.errno
}

func (f *fakeSystem) SockPeerAddress(ctx context.Context, fd wasi.FD) (wasi.SockAddr, wasi.Errno) {
	f.record("SockPeerAddress", fd)
	return wasi.SockAddr{}, f.errno
}

func (f *fakeSystem) SockAddressInfo(ctx context.Context, node, service string, hints wasi.AddrInfo, results []wasi.AddrInfo) (int, wasi.Errno) {
	f.record("SockAddressInfo", node, service, len(results))
	return 0, f.errno
}

func (f *fakeSystem) Close(ctx context.Context) error {
	return nil
}
