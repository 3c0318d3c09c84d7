package wasi

import (
	"cmp"
	"context"
	"io"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
)

// Stats returns a System that forwards every call to sys and counts, per
// call: how many were made, the time spent in sys, how many failed
// (errno other than ESUCCESS) and, of those, how many were denials (the
// errno StatsDenials names; a guard below returns it for what the manifest
// or a policy refuses). WriteTable prints the counts the way `strace -c`
// does, for `wasibox run --stats`.
//
// Calls are counted per System method, under the name Trace gives it:
// args_sizes_get and environ_sizes_get call ArgsGet and EnvironGet, so they
// count as args_get and environ_get; both WasmEdge generations of a socket
// call count as one.
//
// Counting costs two clock reads and a few uncontended atomic additions
// per call, and never allocates. The returned System has the concurrency
// of sys, and Snapshot and WriteTable may be called while calls run.
func Stats(sys System, opts ...StatsOption) *StatsSystem {
	s := &StatsSystem{sys: sys, epoch: time.Now()}
	for _, o := range opts {
		o(s)
	}
	return s
}

// StatsOption configures Stats.
type StatsOption func(*StatsSystem)

// StatsDenials counts the calls that fail with errno as denials, as well
// as errors. By default no errno is a denial: without a guard below, an
// EACCES comes from the kernel (file modes) and is no policy decision.
func StatsDenials(errno Errno) StatsOption {
	return func(s *StatsSystem) { s.denial = errno }
}

// StatsSystem is the System that Stats returns.
type StatsSystem struct {
	sys    System
	denial Errno // ESUCCESS: no denial counting
	// epoch is the origin of the monotonic clock readings: time.Since
	// reads one clock where time.Now reads two, and a clock read costs
	// 100 ns on some virtual machines.
	epoch  time.Time
	counts [numCalls]callCounts
}

var _ System = (*StatsSystem)(nil)

// callCounts are the counters of one call. They are updated with atomic
// additions, each on its own, so a Snapshot taken while calls run may see
// a call counted and its time not yet: close enough for a table printed
// at exit, and cheaper than a mutex on every call.
type callCounts struct {
	calls, errors, denials atomic.Uint64
	nanos                  atomic.Int64
}

// CallStats are the counts of one call.
type CallStats struct {
	// Name is the call's import name, e.g. "fd_write".
	Name string
	// Calls is how many times it was made.
	Calls uint64
	// Time is the total time spent in the inner System.
	Time time.Duration
	// Errors counts the calls that returned an errno other than ESUCCESS.
	Errors uint64
	// Denials counts the errors that were the StatsDenials errno.
	Denials uint64
}

// Unwrap returns the counted System, so that callers can reach methods
// that are not part of System (unix.System's Wake, for example).
func (s *StatsSystem) Unwrap() System { return s.sys }

// now returns the monotonic time since s.epoch.
func (s *StatsSystem) now() time.Duration { return time.Since(s.epoch) }

// done counts one call of id that began at start (a reading of now) and
// returned errno.
func (s *StatsSystem) done(id callID, start time.Duration, errno Errno) {
	d := s.now() - start
	c := &s.counts[id]
	c.calls.Add(1)
	c.nanos.Add(int64(d))
	if errno != ESUCCESS {
		c.errors.Add(1)
		if errno == s.denial {
			c.denials.Add(1)
		}
	}
}

// Snapshot returns the counts of every call made at least once, sorted as
// WriteTable prints them: by total time, then by count, then by name.
func (s *StatsSystem) Snapshot() []CallStats {
	var out []CallStats
	for id := range s.counts {
		c := &s.counts[id]
		n := c.calls.Load()
		if n == 0 {
			continue
		}
		out = append(out, CallStats{
			Name:    callNames[id],
			Calls:   n,
			Time:    time.Duration(c.nanos.Load()),
			Errors:  c.errors.Load(),
			Denials: c.denials.Load(),
		})
	}
	slices.SortFunc(out, func(a, b CallStats) int {
		if c := cmp.Compare(b.Time, a.Time); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Calls, a.Calls); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}

// WriteTable writes the counts as `strace -c` does, with a column of
// denials, busiest call first, and a total line:
//
//	% time     seconds  usecs/call     calls    errors   denials call
//	------ ----------- ----------- --------- --------- --------- ----------------
//	 81.25    0.000130          13        10                     fd_write
//	 18.75    0.000030          15         2         1         1 path_open
//	------ ----------- ----------- --------- --------- --------- ----------------
//	100.00    0.000160          13        12         1         1 total
//
// Zero errors and denials are left blank, as strace does, so that the
// calls that failed stand out.
func (s *StatsSystem) WriteTable(w io.Writer) error {
	rows := s.Snapshot()
	var total CallStats
	for _, r := range rows {
		total.Calls += r.Calls
		total.Time += r.Time
		total.Errors += r.Errors
		total.Denials += r.Denials
	}
	total.Name = "total"
	const rule = "------ ----------- ----------- --------- --------- --------- ----------------\n"
	b := []byte("% time     seconds  usecs/call     calls    errors   denials call\n" + rule)
	for _, r := range rows {
		b = appendStatsRow(b, &r, total.Time)
	}
	b = append(b, rule...)
	b = appendStatsRow(b, &total, total.Time)
	_, err := w.Write(b)
	return err
}

func appendStatsRow(b []byte, r *CallStats, all time.Duration) []byte {
	pct := 0.0
	if all > 0 {
		pct = 100 * float64(r.Time) / float64(all)
	}
	b = appendPadded(b, strconv.AppendFloat(nil, pct, 'f', 2, 64), 6)
	b = append(b, ' ')
	b = appendPadded(b, strconv.AppendFloat(nil, r.Time.Seconds(), 'f', 6, 64), 11)
	b = append(b, ' ')
	b = appendPadded(b, strconv.AppendUint(nil, uint64(r.Time.Microseconds())/max(r.Calls, 1), 10), 11)
	b = append(b, ' ')
	b = appendPadded(b, strconv.AppendUint(nil, r.Calls, 10), 9)
	b = append(b, ' ')
	b = appendPaddedCount(b, r.Errors, 9)
	b = append(b, ' ')
	b = appendPaddedCount(b, r.Denials, 9)
	b = append(b, ' ')
	b = append(b, r.Name...)
	return append(b, '\n')
}

// appendPaddedCount right-aligns n in width columns, blank for zero.
func appendPaddedCount(b []byte, n uint64, width int) []byte {
	if n == 0 {
		return appendPadded(b, nil, width)
	}
	return appendPadded(b, strconv.AppendUint(nil, n, 10), width)
}

// appendPadded right-aligns s in width columns.
func appendPadded(b, s []byte, width int) []byte {
	for i := len(s); i < width; i++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// callID numbers the System methods, for the counters.
type callID uint8

// Call identifiers: the System methods, in interface order.
const (
	callArgsGet callID = iota
	callEnvironGet
	callClockResGet
	callClockTimeGet
	callFDAdvise
	callFDAllocate
	callFDClose
	callFDDataSync
	callFDStatGet
	callFDStatSetFlags
	callFDStatSetRights
	callFDFileStatGet
	callFDFileStatSetSize
	callFDFileStatSetTimes
	callFDPread
	callFDPrestatGet
	callFDPrestatDirName
	callFDPwrite
	callFDRead
	callFDReadDir
	callFDRenumber
	callFDSeek
	callFDSync
	callFDTell
	callFDWrite
	callPathCreateDirectory
	callPathFileStatGet
	callPathFileStatSetTimes
	callPathLink
	callPathOpen
	callPathReadLink
	callPathRemoveDirectory
	callPathRename
	callPathSymlink
	callPathUnlinkFile
	callPollOneOff
	callProcExit
	callProcRaise
	callSchedYield
	callRandomGet
	callSockAccept
	callSockRecv
	callSockSend
	callSockShutdown
	callSockOpen
	callSockBind
	callSockConnect
	callSockListen
	callSockSendTo
	callSockRecvFrom
	callSockGetOpt
	callSockSetOpt
	callSockLocalAddress
	callSockPeerAddress
	callSockAddressInfo
	callClose
	numCalls
)

// callNames are the import names of the calls, as Trace writes them.
var callNames = [numCalls]string{
	callArgsGet:              "args_get",
	callEnvironGet:           "environ_get",
	callClockResGet:          "clock_res_get",
	callClockTimeGet:         "clock_time_get",
	callFDAdvise:             "fd_advise",
	callFDAllocate:           "fd_allocate",
	callFDClose:              "fd_close",
	callFDDataSync:           "fd_datasync",
	callFDStatGet:            "fd_fdstat_get",
	callFDStatSetFlags:       "fd_fdstat_set_flags",
	callFDStatSetRights:      "fd_fdstat_set_rights",
	callFDFileStatGet:        "fd_filestat_get",
	callFDFileStatSetSize:    "fd_filestat_set_size",
	callFDFileStatSetTimes:   "fd_filestat_set_times",
	callFDPread:              "fd_pread",
	callFDPrestatGet:         "fd_prestat_get",
	callFDPrestatDirName:     "fd_prestat_dir_name",
	callFDPwrite:             "fd_pwrite",
	callFDRead:               "fd_read",
	callFDReadDir:            "fd_readdir",
	callFDRenumber:           "fd_renumber",
	callFDSeek:               "fd_seek",
	callFDSync:               "fd_sync",
	callFDTell:               "fd_tell",
	callFDWrite:              "fd_write",
	callPathCreateDirectory:  "path_create_directory",
	callPathFileStatGet:      "path_filestat_get",
	callPathFileStatSetTimes: "path_filestat_set_times",
	callPathLink:             "path_link",
	callPathOpen:             "path_open",
	callPathReadLink:         "path_readlink",
	callPathRemoveDirectory:  "path_remove_directory",
	callPathRename:           "path_rename",
	callPathSymlink:          "path_symlink",
	callPathUnlinkFile:       "path_unlink_file",
	callPollOneOff:           "poll_oneoff",
	callProcExit:             "proc_exit",
	callProcRaise:            "proc_raise",
	callSchedYield:           "sched_yield",
	callRandomGet:            "random_get",
	callSockAccept:           "sock_accept",
	callSockRecv:             "sock_recv",
	callSockSend:             "sock_send",
	callSockShutdown:         "sock_shutdown",
	callSockOpen:             "sock_open",
	callSockBind:             "sock_bind",
	callSockConnect:          "sock_connect",
	callSockListen:           "sock_listen",
	callSockSendTo:           "sock_send_to",
	callSockRecvFrom:         "sock_recv_from",
	callSockGetOpt:           "sock_getsockopt",
	callSockSetOpt:           "sock_setsockopt",
	callSockLocalAddress:     "sock_getlocaladdr",
	callSockPeerAddress:      "sock_getpeeraddr",
	callSockAddressInfo:      "sock_getaddrinfo",
	callClose:                "close",
}

// ArgsGet implements System.
func (s *StatsSystem) ArgsGet(ctx context.Context) ([]string, Errno) {
	start := s.now()
	r0, errno := s.sys.ArgsGet(ctx)
	s.done(callArgsGet, start, errno)
	return r0, errno
}

// EnvironGet implements System.
func (s *StatsSystem) EnvironGet(ctx context.Context) ([]string, Errno) {
	start := s.now()
	r0, errno := s.sys.EnvironGet(ctx)
	s.done(callEnvironGet, start, errno)
	return r0, errno
}

// ClockResGet implements System.
func (s *StatsSystem) ClockResGet(ctx context.Context, id ClockID) (Timestamp, Errno) {
	start := s.now()
	r0, errno := s.sys.ClockResGet(ctx, id)
	s.done(callClockResGet, start, errno)
	return r0, errno
}

// ClockTimeGet implements System.
func (s *StatsSystem) ClockTimeGet(ctx context.Context, id ClockID, precision Timestamp) (Timestamp, Errno) {
	start := s.now()
	r0, errno := s.sys.ClockTimeGet(ctx, id, precision)
	s.done(callClockTimeGet, start, errno)
	return r0, errno
}

// FDAdvise implements System.
func (s *StatsSystem) FDAdvise(ctx context.Context, fd FD, offset, length FileSize, advice Advice) Errno {
	start := s.now()
	errno := s.sys.FDAdvise(ctx, fd, offset, length, advice)
	s.done(callFDAdvise, start, errno)
	return errno
}

// FDAllocate implements System.
func (s *StatsSystem) FDAllocate(ctx context.Context, fd FD, offset, length FileSize) Errno {
	start := s.now()
	errno := s.sys.FDAllocate(ctx, fd, offset, length)
	s.done(callFDAllocate, start, errno)
	return errno
}

// FDClose implements System.
func (s *StatsSystem) FDClose(ctx context.Context, fd FD) Errno {
	start := s.now()
	errno := s.sys.FDClose(ctx, fd)
	s.done(callFDClose, start, errno)
	return errno
}

// FDDataSync implements System.
func (s *StatsSystem) FDDataSync(ctx context.Context, fd FD) Errno {
	start := s.now()
	errno := s.sys.FDDataSync(ctx, fd)
	s.done(callFDDataSync, start, errno)
	return errno
}

// FDStatGet implements System.
func (s *StatsSystem) FDStatGet(ctx context.Context, fd FD) (FDStat, Errno) {
	start := s.now()
	r0, errno := s.sys.FDStatGet(ctx, fd)
	s.done(callFDStatGet, start, errno)
	return r0, errno
}

// FDStatSetFlags implements System.
func (s *StatsSystem) FDStatSetFlags(ctx context.Context, fd FD, flags FDFlags) Errno {
	start := s.now()
	errno := s.sys.FDStatSetFlags(ctx, fd, flags)
	s.done(callFDStatSetFlags, start, errno)
	return errno
}

// FDStatSetRights implements System.
func (s *StatsSystem) FDStatSetRights(ctx context.Context, fd FD, rightsBase, rightsInheriting Rights) Errno {
	start := s.now()
	errno := s.sys.FDStatSetRights(ctx, fd, rightsBase, rightsInheriting)
	s.done(callFDStatSetRights, start, errno)
	return errno
}

// FDFileStatGet implements System.
func (s *StatsSystem) FDFileStatGet(ctx context.Context, fd FD) (FileStat, Errno) {
	start := s.now()
	r0, errno := s.sys.FDFileStatGet(ctx, fd)
	s.done(callFDFileStatGet, start, errno)
	return r0, errno
}

// FDFileStatSetSize implements System.
func (s *StatsSystem) FDFileStatSetSize(ctx context.Context, fd FD, size FileSize) Errno {
	start := s.now()
	errno := s.sys.FDFileStatSetSize(ctx, fd, size)
	s.done(callFDFileStatSetSize, start, errno)
	return errno
}

// FDFileStatSetTimes implements System.
func (s *StatsSystem) FDFileStatSetTimes(ctx context.Context, fd FD, atim, mtim Timestamp, flags FSTFlags) Errno {
	start := s.now()
	errno := s.sys.FDFileStatSetTimes(ctx, fd, atim, mtim, flags)
	s.done(callFDFileStatSetTimes, start, errno)
	return errno
}

// FDPread implements System.
func (s *StatsSystem) FDPread(ctx context.Context, fd FD, iovs []IOVec, offset FileSize) (Size, Errno) {
	start := s.now()
	r0, errno := s.sys.FDPread(ctx, fd, iovs, offset)
	s.done(callFDPread, start, errno)
	return r0, errno
}

// FDPrestatGet implements System.
func (s *StatsSystem) FDPrestatGet(ctx context.Context, fd FD) (Prestat, Errno) {
	start := s.now()
	r0, errno := s.sys.FDPrestatGet(ctx, fd)
	s.done(callFDPrestatGet, start, errno)
	return r0, errno
}

// FDPrestatDirName implements System.
func (s *StatsSystem) FDPrestatDirName(ctx context.Context, fd FD) (string, Errno) {
	start := s.now()
	r0, errno := s.sys.FDPrestatDirName(ctx, fd)
	s.done(callFDPrestatDirName, start, errno)
	return r0, errno
}

// FDPwrite implements System.
func (s *StatsSystem) FDPwrite(ctx context.Context, fd FD, iovs []IOVec, offset FileSize) (Size, Errno) {
	start := s.now()
	r0, errno := s.sys.FDPwrite(ctx, fd, iovs, offset)
	s.done(callFDPwrite, start, errno)
	return r0, errno
}

// FDRead implements System.
func (s *StatsSystem) FDRead(ctx context.Context, fd FD, iovs []IOVec) (Size, Errno) {
	start := s.now()
	r0, errno := s.sys.FDRead(ctx, fd, iovs)
	s.done(callFDRead, start, errno)
	return r0, errno
}

// FDReadDir implements System.
func (s *StatsSystem) FDReadDir(ctx context.Context, fd FD, buf []byte, cookie DirCookie) (Size, Errno) {
	start := s.now()
	r0, errno := s.sys.FDReadDir(ctx, fd, buf, cookie)
	s.done(callFDReadDir, start, errno)
	return r0, errno
}

// FDRenumber implements System.
func (s *StatsSystem) FDRenumber(ctx context.Context, from, to FD) Errno {
	start := s.now()
	errno := s.sys.FDRenumber(ctx, from, to)
	s.done(callFDRenumber, start, errno)
	return errno
}

// FDSeek implements System.
func (s *StatsSystem) FDSeek(ctx context.Context, fd FD, offset FileDelta, whence Whence) (FileSize, Errno) {
	start := s.now()
	r0, errno := s.sys.FDSeek(ctx, fd, offset, whence)
	s.done(callFDSeek, start, errno)
	return r0, errno
}

// FDSync implements System.
func (s *StatsSystem) FDSync(ctx context.Context, fd FD) Errno {
	start := s.now()
	errno := s.sys.FDSync(ctx, fd)
	s.done(callFDSync, start, errno)
	return errno
}

// FDTell implements System.
func (s *StatsSystem) FDTell(ctx context.Context, fd FD) (FileSize, Errno) {
	start := s.now()
	r0, errno := s.sys.FDTell(ctx, fd)
	s.done(callFDTell, start, errno)
	return r0, errno
}

// FDWrite implements System.
func (s *StatsSystem) FDWrite(ctx context.Context, fd FD, iovs []IOVec) (Size, Errno) {
	start := s.now()
	r0, errno := s.sys.FDWrite(ctx, fd, iovs)
	s.done(callFDWrite, start, errno)
	return r0, errno
}

// PathCreateDirectory implements System.
func (s *StatsSystem) PathCreateDirectory(ctx context.Context, fd FD, path string) Errno {
	start := s.now()
	errno := s.sys.PathCreateDirectory(ctx, fd, path)
	s.done(callPathCreateDirectory, start, errno)
	return errno
}

// PathFileStatGet implements System.
func (s *StatsSystem) PathFileStatGet(ctx context.Context, fd FD, flags LookupFlags, path string) (FileStat, Errno) {
	start := s.now()
	r0, errno := s.sys.PathFileStatGet(ctx, fd, flags, path)
	s.done(callPathFileStatGet, start, errno)
	return r0, errno
}

// PathFileStatSetTimes implements System.
func (s *StatsSystem) PathFileStatSetTimes(ctx context.Context, fd FD, flags LookupFlags, path string, atim, mtim Timestamp, fstFlags FSTFlags) Errno {
	start := s.now()
	errno := s.sys.PathFileStatSetTimes(ctx, fd, flags, path, atim, mtim, fstFlags)
	s.done(callPathFileStatSetTimes, start, errno)
	return errno
}

// PathLink implements System.
func (s *StatsSystem) PathLink(ctx context.Context, oldFD FD, oldFlags LookupFlags, oldPath string, newFD FD, newPath string) Errno {
	start := s.now()
	errno := s.sys.PathLink(ctx, oldFD, oldFlags, oldPath, newFD, newPath)
	s.done(callPathLink, start, errno)
	return errno
}

// PathOpen implements System.
func (s *StatsSystem) PathOpen(ctx context.Context, fd FD, dirFlags LookupFlags, path string, oflags OFlags, rightsBase, rightsInheriting Rights, fdFlags FDFlags) (FD, Errno) {
	start := s.now()
	r0, errno := s.sys.PathOpen(ctx, fd, dirFlags, path, oflags, rightsBase, rightsInheriting, fdFlags)
	s.done(callPathOpen, start, errno)
	return r0, errno
}

// PathReadLink implements System.
func (s *StatsSystem) PathReadLink(ctx context.Context, fd FD, path string, buf []byte) (Size, Errno) {
	start := s.now()
	r0, errno := s.sys.PathReadLink(ctx, fd, path, buf)
	s.done(callPathReadLink, start, errno)
	return r0, errno
}

// PathRemoveDirectory implements System.
func (s *StatsSystem) PathRemoveDirectory(ctx context.Context, fd FD, path string) Errno {
	start := s.now()
	errno := s.sys.PathRemoveDirectory(ctx, fd, path)
	s.done(callPathRemoveDirectory, start, errno)
	return errno
}

// PathRename implements System.
func (s *StatsSystem) PathRename(ctx context.Context, fd FD, oldPath string, newFD FD, newPath string) Errno {
	start := s.now()
	errno := s.sys.PathRename(ctx, fd, oldPath, newFD, newPath)
	s.done(callPathRename, start, errno)
	return errno
}

// PathSymlink implements System.
func (s *StatsSystem) PathSymlink(ctx context.Context, oldPath string, fd FD, newPath string) Errno {
	start := s.now()
	errno := s.sys.PathSymlink(ctx, oldPath, fd, newPath)
	s.done(callPathSymlink, start, errno)
	return errno
}

// PathUnlinkFile implements System.
func (s *StatsSystem) PathUnlinkFile(ctx context.Context, fd FD, path string) Errno {
	start := s.now()
	errno := s.sys.PathUnlinkFile(ctx, fd, path)
	s.done(callPathUnlinkFile, start, errno)
	return errno
}

// PollOneOff implements System.
func (s *StatsSystem) PollOneOff(ctx context.Context, subs []Subscription, events []Event) (int, Errno) {
	start := s.now()
	r0, errno := s.sys.PollOneOff(ctx, subs, events)
	s.done(callPollOneOff, start, errno)
	return r0, errno
}

// ProcExit implements System.
func (s *StatsSystem) ProcExit(ctx context.Context, code ExitCode) Errno {
	start := s.now()
	errno := s.sys.ProcExit(ctx, code)
	s.done(callProcExit, start, errno)
	return errno
}

// ProcRaise implements System.
func (s *StatsSystem) ProcRaise(ctx context.Context, sig Signal) Errno {
	start := s.now()
	errno := s.sys.ProcRaise(ctx, sig)
	s.done(callProcRaise, start, errno)
	return errno
}

// SchedYield implements System.
func (s *StatsSystem) SchedYield(ctx context.Context) Errno {
	start := s.now()
	errno := s.sys.SchedYield(ctx)
	s.done(callSchedYield, start, errno)
	return errno
}

// RandomGet implements System.
func (s *StatsSystem) RandomGet(ctx context.Context, buf []byte) Errno {
	start := s.now()
	errno := s.sys.RandomGet(ctx, buf)
	s.done(callRandomGet, start, errno)
	return errno
}

// SockAccept implements System.
func (s *StatsSystem) SockAccept(ctx context.Context, fd FD, flags FDFlags) (FD, SockAddr, Errno) {
	start := s.now()
	r0, r1, errno := s.sys.SockAccept(ctx, fd, flags)
	s.done(callSockAccept, start, errno)
	return r0, r1, errno
}

// SockRecv implements System.
func (s *StatsSystem) SockRecv(ctx context.Context, fd FD, iovs []IOVec, flags RIFlags) (Size, ROFlags, Errno) {
	start := s.now()
	r0, r1, errno := s.sys.SockRecv(ctx, fd, iovs, flags)
	s.done(callSockRecv, start, errno)
	return r0, r1, errno
}

// SockSend implements System.
func (s *StatsSystem) SockSend(ctx context.Context, fd FD, iovs []IOVec, flags SIFlags) (Size, Errno) {
	start := s.now()
	r0, errno := s.sys.SockSend(ctx, fd, iovs, flags)
	s.done(callSockSend, start, errno)
	return r0, errno
}

// SockShutdown implements System.
func (s *StatsSystem) SockShutdown(ctx context.Context, fd FD, how SDFlags) Errno {
	start := s.now()
	errno := s.sys.SockShutdown(ctx, fd, how)
	s.done(callSockShutdown, start, errno)
	return errno
}

// SockOpen implements System.
func (s *StatsSystem) SockOpen(ctx context.Context, family ProtocolFamily, socktype SocketType, protocol Protocol, rightsBase, rightsInheriting Rights) (FD, Errno) {
	start := s.now()
	r0, errno := s.sys.SockOpen(ctx, family, socktype, protocol, rightsBase, rightsInheriting)
	s.done(callSockOpen, start, errno)
	return r0, errno
}

// SockBind implements System.
func (s *StatsSystem) SockBind(ctx context.Context, fd FD, addr SockAddr) Errno {
	start := s.now()
	errno := s.sys.SockBind(ctx, fd, addr)
	s.done(callSockBind, start, errno)
	return errno
}

// SockConnect implements System.
func (s *StatsSystem) SockConnect(ctx context.Context, fd FD, addr SockAddr) Errno {
	start := s.now()
	errno := s.sys.SockConnect(ctx, fd, addr)
	s.done(callSockConnect, start, errno)
	return errno
}

// SockListen implements System.
func (s *StatsSystem) SockListen(ctx context.Context, fd FD, backlog int) Errno {
	start := s.now()
	errno := s.sys.SockListen(ctx, fd, backlog)
	s.done(callSockListen, start, errno)
	return errno
}

// SockSendTo implements System.
func (s *StatsSystem) SockSendTo(ctx context.Context, fd FD, iovs []IOVec, flags SIFlags, addr SockAddr) (Size, Errno) {
	start := s.now()
	r0, errno := s.sys.SockSendTo(ctx, fd, iovs, flags, addr)
	s.done(callSockSendTo, start, errno)
	return r0, errno
}

// SockRecvFrom implements System.
func (s *StatsSystem) SockRecvFrom(ctx context.Context, fd FD, iovs []IOVec, flags RIFlags) (Size, ROFlags, SockAddr, Errno) {
	start := s.now()
	r0, r1, r2, errno := s.sys.SockRecvFrom(ctx, fd, iovs, flags)
	s.done(callSockRecvFrom, start, errno)
	return r0, r1, r2, errno
}

// SockGetOpt implements System.
func (s *StatsSystem) SockGetOpt(ctx context.Context, fd FD, level SockOptLevel, name SockOption, value []byte) (int, Errno) {
	start := s.now()
	r0, errno := s.sys.SockGetOpt(ctx, fd, level, name, value)
	s.done(callSockGetOpt, start, errno)
	return r0, errno
}

// SockSetOpt implements System.
func (s *StatsSystem) SockSetOpt(ctx context.Context, fd FD, level SockOptLevel, name SockOption, value []byte) Errno {
	start := s.now()
	errno := s.sys.SockSetOpt(ctx, fd, level, name, value)
	s.done(callSockSetOpt, start, errno)
	return errno
}

// SockLocalAddress implements System.
func (s *StatsSystem) SockLocalAddress(ctx context.Context, fd FD) (SockAddr, Errno) {
	start := s.now()
	r0, errno := s.sys.SockLocalAddress(ctx, fd)
	s.done(callSockLocalAddress, start, errno)
	return r0, errno
}

// SockPeerAddress implements System.
func (s *StatsSystem) SockPeerAddress(ctx context.Context, fd FD) (SockAddr, Errno) {
	start := s.now()
	r0, errno := s.sys.SockPeerAddress(ctx, fd)
	s.done(callSockPeerAddress, start, errno)
	return r0, errno
}

// SockAddressInfo implements System.
func (s *StatsSystem) SockAddressInfo(ctx context.Context, node, service string, hints AddrInfo, results []AddrInfo) (int, Errno) {
	start := s.now()
	r0, errno := s.sys.SockAddressInfo(ctx, node, service, hints, results)
	s.done(callSockAddressInfo, start, errno)
	return r0, errno
}

// Close implements System.
func (s *StatsSystem) Close(ctx context.Context) error {
	start := s.now()
	err := s.sys.Close(ctx)
	s.done(callClose, start, ErrnoOf(err))
	return err
}
