package wasi

import "context"

// The System methods of the tracer, in the order of the System interface:
// each runs the call, then formats its line from the arguments and results.

// ArgsGet implements System.
func (t *tracer) ArgsGet(ctx context.Context) ([]string, Errno) {
	start := t.start()
	args, errno := t.sys.ArgsGet(ctx)
	t.begin("args_get", start)
	t.ret()
	if errno == ESUCCESS {
		t.strings("args", args, false)
	}
	t.end(errno)
	return args, errno
}

// EnvironGet implements System. Only names are traced.
func (t *tracer) EnvironGet(ctx context.Context) ([]string, Errno) {
	start := t.start()
	env, errno := t.sys.EnvironGet(ctx)
	t.begin("environ_get", start)
	t.ret()
	if errno == ESUCCESS {
		t.strings("names", env, true)
	}
	t.end(errno)
	return env, errno
}

// ClockResGet implements System.
func (t *tracer) ClockResGet(ctx context.Context, id ClockID) (Timestamp, Errno) {
	start := t.start()
	res, errno := t.sys.ClockResGet(ctx, id)
	t.begin("clock_res_get", start)
	t.name("id", uint64(id), clockNames[:])
	t.ret()
	if errno == ESUCCESS {
		t.uint("resolution", res)
	}
	t.end(errno)
	return res, errno
}

// ClockTimeGet implements System.
func (t *tracer) ClockTimeGet(ctx context.Context, id ClockID, precision Timestamp) (Timestamp, Errno) {
	start := t.start()
	ts, errno := t.sys.ClockTimeGet(ctx, id, precision)
	t.begin("clock_time_get", start)
	t.name("id", uint64(id), clockNames[:])
	t.uint("precision", precision)
	t.ret()
	if errno == ESUCCESS {
		t.uint("time", ts)
	}
	t.end(errno)
	return ts, errno
}

// FDAdvise implements System.
func (t *tracer) FDAdvise(ctx context.Context, fd FD, offset, length FileSize, advice Advice) Errno {
	start := t.start()
	errno := t.sys.FDAdvise(ctx, fd, offset, length, advice)
	t.begin("fd_advise", start)
	t.fd("fd", fd)
	t.uint("offset", offset)
	t.uint("len", length)
	t.name("advice", uint64(advice), adviceNames[:])
	t.end(errno)
	return errno
}

// FDAllocate implements System.
func (t *tracer) FDAllocate(ctx context.Context, fd FD, offset, length FileSize) Errno {
	start := t.start()
	errno := t.sys.FDAllocate(ctx, fd, offset, length)
	t.begin("fd_allocate", start)
	t.fd("fd", fd)
	t.uint("offset", offset)
	t.uint("len", length)
	t.end(errno)
	return errno
}

// FDClose implements System.
func (t *tracer) FDClose(ctx context.Context, fd FD) Errno {
	start := t.start()
	errno := t.sys.FDClose(ctx, fd)
	t.begin("fd_close", start)
	t.fd("fd", fd)
	t.end(errno)
	return errno
}

// FDDataSync implements System.
func (t *tracer) FDDataSync(ctx context.Context, fd FD) Errno {
	start := t.start()
	errno := t.sys.FDDataSync(ctx, fd)
	t.begin("fd_datasync", start)
	t.fd("fd", fd)
	t.end(errno)
	return errno
}

// FDStatGet implements System.
func (t *tracer) FDStatGet(ctx context.Context, fd FD) (FDStat, Errno) {
	start := t.start()
	st, errno := t.sys.FDStatGet(ctx, fd)
	t.begin("fd_fdstat_get", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.fdstat("stat", &st)
	}
	t.end(errno)
	return st, errno
}

// FDStatSetFlags implements System.
func (t *tracer) FDStatSetFlags(ctx context.Context, fd FD, flags FDFlags) Errno {
	start := t.start()
	errno := t.sys.FDStatSetFlags(ctx, fd, flags)
	t.begin("fd_fdstat_set_flags", start)
	t.fd("fd", fd)
	t.flags("flags", uint64(flags), fdFlagNames[:])
	t.end(errno)
	return errno
}

// FDStatSetRights implements System.
func (t *tracer) FDStatSetRights(ctx context.Context, fd FD, rightsBase, rightsInheriting Rights) Errno {
	start := t.start()
	errno := t.sys.FDStatSetRights(ctx, fd, rightsBase, rightsInheriting)
	t.begin("fd_fdstat_set_rights", start)
	t.fd("fd", fd)
	t.rights("base", rightsBase)
	t.rights("inheriting", rightsInheriting)
	t.end(errno)
	return errno
}

// FDFileStatGet implements System.
func (t *tracer) FDFileStatGet(ctx context.Context, fd FD) (FileStat, Errno) {
	start := t.start()
	st, errno := t.sys.FDFileStatGet(ctx, fd)
	t.begin("fd_filestat_get", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.filestat("stat", &st)
	}
	t.end(errno)
	return st, errno
}

// FDFileStatSetSize implements System.
func (t *tracer) FDFileStatSetSize(ctx context.Context, fd FD, size FileSize) Errno {
	start := t.start()
	errno := t.sys.FDFileStatSetSize(ctx, fd, size)
	t.begin("fd_filestat_set_size", start)
	t.fd("fd", fd)
	t.uint("size", size)
	t.end(errno)
	return errno
}

// FDFileStatSetTimes implements System.
func (t *tracer) FDFileStatSetTimes(ctx context.Context, fd FD, atim, mtim Timestamp, flags FSTFlags) Errno {
	start := t.start()
	errno := t.sys.FDFileStatSetTimes(ctx, fd, atim, mtim, flags)
	t.begin("fd_filestat_set_times", start)
	t.fd("fd", fd)
	t.uint("atim", atim)
	t.uint("mtim", mtim)
	t.flags("flags", uint64(flags), fstFlagNames[:])
	t.end(errno)
	return errno
}

// FDPread implements System.
func (t *tracer) FDPread(ctx context.Context, fd FD, iovs []IOVec, offset FileSize) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.FDPread(ctx, fd, iovs, offset)
	t.begin("fd_pread", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, false)
	t.uint("offset", offset)
	t.ret()
	t.uint("nread", uint64(n))
	t.data("data", iovs, n)
	t.end(errno)
	return n, errno
}

// FDPrestatGet implements System.
func (t *tracer) FDPrestatGet(ctx context.Context, fd FD) (Prestat, Errno) {
	start := t.start()
	p, errno := t.sys.FDPrestatGet(ctx, fd)
	t.begin("fd_prestat_get", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.prestat("prestat", &p)
	}
	t.end(errno)
	return p, errno
}

// FDPrestatDirName implements System.
func (t *tracer) FDPrestatDirName(ctx context.Context, fd FD) (string, Errno) {
	start := t.start()
	name, errno := t.sys.FDPrestatDirName(ctx, fd)
	t.begin("fd_prestat_dir_name", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.str("name", name)
	}
	t.end(errno)
	return name, errno
}

// FDPwrite implements System.
func (t *tracer) FDPwrite(ctx context.Context, fd FD, iovs []IOVec, offset FileSize) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.FDPwrite(ctx, fd, iovs, offset)
	t.begin("fd_pwrite", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, true)
	t.uint("offset", offset)
	t.ret()
	t.uint("nwritten", uint64(n))
	t.end(errno)
	return n, errno
}

// FDRead implements System.
func (t *tracer) FDRead(ctx context.Context, fd FD, iovs []IOVec) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.FDRead(ctx, fd, iovs)
	t.begin("fd_read", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, false)
	t.ret()
	t.uint("nread", uint64(n))
	t.data("data", iovs, n)
	t.end(errno)
	return n, errno
}

// FDReadDir implements System.
func (t *tracer) FDReadDir(ctx context.Context, fd FD, buf []byte, cookie DirCookie) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.FDReadDir(ctx, fd, buf, cookie)
	t.begin("fd_readdir", start)
	t.fd("fd", fd)
	t.bytes("buf", buf, 0)
	t.uint("cookie", cookie)
	t.ret()
	t.uint("bufused", uint64(n))
	t.end(errno)
	return n, errno
}

// FDRenumber implements System.
func (t *tracer) FDRenumber(ctx context.Context, from, to FD) Errno {
	start := t.start()
	errno := t.sys.FDRenumber(ctx, from, to)
	t.begin("fd_renumber", start)
	t.fd("fd", from)
	t.fd("to", to)
	t.end(errno)
	return errno
}

// FDSeek implements System.
func (t *tracer) FDSeek(ctx context.Context, fd FD, offset FileDelta, whence Whence) (FileSize, Errno) {
	start := t.start()
	pos, errno := t.sys.FDSeek(ctx, fd, offset, whence)
	t.begin("fd_seek", start)
	t.fd("fd", fd)
	t.int("offset", offset)
	t.name("whence", uint64(whence), whenceNames[:])
	t.ret()
	if errno == ESUCCESS {
		t.uint("newoffset", pos)
	}
	t.end(errno)
	return pos, errno
}

// FDSync implements System.
func (t *tracer) FDSync(ctx context.Context, fd FD) Errno {
	start := t.start()
	errno := t.sys.FDSync(ctx, fd)
	t.begin("fd_sync", start)
	t.fd("fd", fd)
	t.end(errno)
	return errno
}

// FDTell implements System.
func (t *tracer) FDTell(ctx context.Context, fd FD) (FileSize, Errno) {
	start := t.start()
	pos, errno := t.sys.FDTell(ctx, fd)
	t.begin("fd_tell", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.uint("offset", pos)
	}
	t.end(errno)
	return pos, errno
}

// FDWrite implements System.
func (t *tracer) FDWrite(ctx context.Context, fd FD, iovs []IOVec) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.FDWrite(ctx, fd, iovs)
	t.begin("fd_write", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, true)
	t.ret()
	t.uint("nwritten", uint64(n))
	t.end(errno)
	return n, errno
}

// PathCreateDirectory implements System.
func (t *tracer) PathCreateDirectory(ctx context.Context, fd FD, path string) Errno {
	start := t.start()
	dc := t.decide(ctx)
	errno := t.sys.PathCreateDirectory(dc, fd, path)
	t.begin("path_create_directory", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.str("path", path)
	t.end(errno)
	return errno
}

// PathFileStatGet implements System.
func (t *tracer) PathFileStatGet(ctx context.Context, fd FD, flags LookupFlags, path string) (FileStat, Errno) {
	start := t.start()
	dc := t.decide(ctx)
	st, errno := t.sys.PathFileStatGet(dc, fd, flags, path)
	t.begin("path_filestat_get", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.flags("flags", uint64(flags), lookupFlagNames[:])
	t.str("path", path)
	t.ret()
	if errno == ESUCCESS {
		t.filestat("stat", &st)
	}
	t.end(errno)
	return st, errno
}

// PathFileStatSetTimes implements System.
func (t *tracer) PathFileStatSetTimes(ctx context.Context, fd FD, flags LookupFlags, path string, atim, mtim Timestamp, fstFlags FSTFlags) Errno {
	start := t.start()
	dc := t.decide(ctx)
	errno := t.sys.PathFileStatSetTimes(dc, fd, flags, path, atim, mtim, fstFlags)
	t.begin("path_filestat_set_times", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.flags("flags", uint64(flags), lookupFlagNames[:])
	t.str("path", path)
	t.uint("atim", atim)
	t.uint("mtim", mtim)
	t.flags("fst_flags", uint64(fstFlags), fstFlagNames[:])
	t.end(errno)
	return errno
}

// PathLink implements System.
func (t *tracer) PathLink(ctx context.Context, oldFD FD, oldFlags LookupFlags, oldPath string, newFD FD, newPath string) Errno {
	start := t.start()
	dc := t.decide(ctx)
	errno := t.sys.PathLink(dc, oldFD, oldFlags, oldPath, newFD, newPath)
	t.begin("path_link", start)
	t.decided(dc)
	t.fd("old_fd", oldFD)
	t.flags("old_flags", uint64(oldFlags), lookupFlagNames[:])
	t.str("old_path", oldPath)
	t.fd("new_fd", newFD)
	t.str("new_path", newPath)
	t.end(errno)
	return errno
}

// PathOpen implements System.
func (t *tracer) PathOpen(ctx context.Context, fd FD, dirFlags LookupFlags, path string, oflags OFlags, rightsBase, rightsInheriting Rights, fdFlags FDFlags) (FD, Errno) {
	start := t.start()
	dc := t.decide(ctx)
	nfd, errno := t.sys.PathOpen(dc, fd, dirFlags, path, oflags, rightsBase, rightsInheriting, fdFlags)
	t.begin("path_open", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.flags("dirflags", uint64(dirFlags), lookupFlagNames[:])
	t.str("path", path)
	t.flags("oflags", uint64(oflags), oFlagNames[:])
	t.rights("base", rightsBase)
	t.rights("inheriting", rightsInheriting)
	t.flags("fdflags", uint64(fdFlags), fdFlagNames[:])
	t.ret()
	if errno == ESUCCESS {
		t.fd("fd", nfd)
	}
	t.end(errno)
	return nfd, errno
}

// PathReadLink implements System.
func (t *tracer) PathReadLink(ctx context.Context, fd FD, path string, buf []byte) (Size, Errno) {
	start := t.start()
	dc := t.decide(ctx)
	n, errno := t.sys.PathReadLink(dc, fd, path, buf)
	t.begin("path_readlink", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.str("path", path)
	t.bytes("buf", buf, 0)
	t.ret()
	t.uint("bufused", uint64(n))
	if errno == ESUCCESS && int(n) <= len(buf) {
		t.text("target", buf[:n])
	}
	t.end(errno)
	return n, errno
}

// PathRemoveDirectory implements System.
func (t *tracer) PathRemoveDirectory(ctx context.Context, fd FD, path string) Errno {
	start := t.start()
	dc := t.decide(ctx)
	errno := t.sys.PathRemoveDirectory(dc, fd, path)
	t.begin("path_remove_directory", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.str("path", path)
	t.end(errno)
	return errno
}

// PathRename implements System.
func (t *tracer) PathRename(ctx context.Context, fd FD, oldPath string, newFD FD, newPath string) Errno {
	start := t.start()
	dc := t.decide(ctx)
	errno := t.sys.PathRename(dc, fd, oldPath, newFD, newPath)
	t.begin("path_rename", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.str("old_path", oldPath)
	t.fd("new_fd", newFD)
	t.str("new_path", newPath)
	t.end(errno)
	return errno
}

// PathSymlink implements System.
func (t *tracer) PathSymlink(ctx context.Context, oldPath string, fd FD, newPath string) Errno {
	start := t.start()
	dc := t.decide(ctx)
	errno := t.sys.PathSymlink(dc, oldPath, fd, newPath)
	t.begin("path_symlink", start)
	t.decided(dc)
	t.str("old_path", oldPath)
	t.fd("fd", fd)
	t.str("new_path", newPath)
	t.end(errno)
	return errno
}

// PathUnlinkFile implements System.
func (t *tracer) PathUnlinkFile(ctx context.Context, fd FD, path string) Errno {
	start := t.start()
	dc := t.decide(ctx)
	errno := t.sys.PathUnlinkFile(dc, fd, path)
	t.begin("path_unlink_file", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.str("path", path)
	t.end(errno)
	return errno
}

// PollOneOff implements System.
func (t *tracer) PollOneOff(ctx context.Context, subs []Subscription, events []Event) (int, Errno) {
	start := t.start()
	n, errno := t.sys.PollOneOff(ctx, subs, events)
	t.begin("poll_oneoff", start)
	t.subscriptions("subs", subs)
	t.ret()
	t.uint("nevents", uint64(max(n, 0)))
	if errno == ESUCCESS && n > 0 && n <= len(events) {
		t.events("events", events[:n])
	}
	t.end(errno)
	return n, errno
}

// ProcExit implements System.
func (t *tracer) ProcExit(ctx context.Context, code ExitCode) Errno {
	start := t.start()
	errno := t.sys.ProcExit(ctx, code)
	t.begin("proc_exit", start)
	t.uint("rval", uint64(code))
	t.end(errno)
	return errno
}

// ProcRaise implements System.
func (t *tracer) ProcRaise(ctx context.Context, sig Signal) Errno {
	start := t.start()
	errno := t.sys.ProcRaise(ctx, sig)
	t.begin("proc_raise", start)
	t.name("sig", uint64(sig), signalNames[:])
	t.end(errno)
	return errno
}

// SchedYield implements System.
func (t *tracer) SchedYield(ctx context.Context) Errno {
	start := t.start()
	errno := t.sys.SchedYield(ctx)
	t.begin("sched_yield", start)
	t.end(errno)
	return errno
}

// RandomGet implements System. The random bytes are never shown.
func (t *tracer) RandomGet(ctx context.Context, buf []byte) Errno {
	start := t.start()
	errno := t.sys.RandomGet(ctx, buf)
	t.begin("random_get", start)
	t.bytes("buf", buf, 0)
	t.end(errno)
	return errno
}

// SockAccept implements System.
func (t *tracer) SockAccept(ctx context.Context, fd FD, flags FDFlags) (FD, SockAddr, Errno) {
	start := t.start()
	dc := t.decide(ctx)
	nfd, addr, errno := t.sys.SockAccept(dc, fd, flags)
	t.begin("sock_accept", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.flags("flags", uint64(flags), fdFlagNames[:])
	t.ret()
	if errno == ESUCCESS {
		t.fd("fd", nfd)
		t.addr("addr", addr)
	}
	t.end(errno)
	return nfd, addr, errno
}

// SockRecv implements System.
func (t *tracer) SockRecv(ctx context.Context, fd FD, iovs []IOVec, flags RIFlags) (Size, ROFlags, Errno) {
	start := t.start()
	n, oflags, errno := t.sys.SockRecv(ctx, fd, iovs, flags)
	t.begin("sock_recv", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, false)
	t.flags("flags", uint64(flags), riFlagNames[:])
	t.ret()
	t.uint("nread", uint64(n))
	t.data("data", iovs, n)
	if oflags != 0 {
		t.flags("oflags", uint64(oflags), roFlagNames[:])
	}
	t.end(errno)
	return n, oflags, errno
}

// SockSend implements System.
func (t *tracer) SockSend(ctx context.Context, fd FD, iovs []IOVec, flags SIFlags) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.SockSend(ctx, fd, iovs, flags)
	t.begin("sock_send", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, true)
	t.flags("flags", uint64(flags), nil)
	t.ret()
	t.uint("nwritten", uint64(n))
	t.end(errno)
	return n, errno
}

// SockShutdown implements System.
func (t *tracer) SockShutdown(ctx context.Context, fd FD, how SDFlags) Errno {
	start := t.start()
	errno := t.sys.SockShutdown(ctx, fd, how)
	t.begin("sock_shutdown", start)
	t.fd("fd", fd)
	t.flags("how", uint64(how), sdFlagNames[:])
	t.end(errno)
	return errno
}

// SockOpen implements System.
func (t *tracer) SockOpen(ctx context.Context, family ProtocolFamily, socktype SocketType, protocol Protocol, rightsBase, rightsInheriting Rights) (FD, Errno) {
	start := t.start()
	dc := t.decide(ctx)
	fd, errno := t.sys.SockOpen(dc, family, socktype, protocol, rightsBase, rightsInheriting)
	t.begin("sock_open", start)
	t.decided(dc)
	t.name("family", uint64(family), familyNames[:])
	t.name("type", uint64(socktype), socketTypeNames[:])
	t.uint("protocol", uint64(protocol))
	t.rights("base", rightsBase)
	t.rights("inheriting", rightsInheriting)
	t.ret()
	if errno == ESUCCESS {
		t.fd("fd", fd)
	}
	t.end(errno)
	return fd, errno
}

// SockBind implements System.
func (t *tracer) SockBind(ctx context.Context, fd FD, addr SockAddr) Errno {
	start := t.start()
	dc := t.decide(ctx)
	errno := t.sys.SockBind(dc, fd, addr)
	t.begin("sock_bind", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.addr("addr", addr)
	t.end(errno)
	return errno
}

// SockConnect implements System.
func (t *tracer) SockConnect(ctx context.Context, fd FD, addr SockAddr) Errno {
	start := t.start()
	dc := t.decide(ctx)
	errno := t.sys.SockConnect(dc, fd, addr)
	t.begin("sock_connect", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.addr("addr", addr)
	t.end(errno)
	return errno
}

// SockListen implements System.
func (t *tracer) SockListen(ctx context.Context, fd FD, backlog int) Errno {
	start := t.start()
	dc := t.decide(ctx)
	errno := t.sys.SockListen(dc, fd, backlog)
	t.begin("sock_listen", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.int("backlog", int64(backlog))
	t.end(errno)
	return errno
}

// SockSendTo implements System.
func (t *tracer) SockSendTo(ctx context.Context, fd FD, iovs []IOVec, flags SIFlags, addr SockAddr) (Size, Errno) {
	start := t.start()
	dc := t.decide(ctx)
	n, errno := t.sys.SockSendTo(dc, fd, iovs, flags, addr)
	t.begin("sock_send_to", start)
	t.decided(dc)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, true)
	t.flags("flags", uint64(flags), nil)
	t.addr("addr", addr)
	t.ret()
	t.uint("nwritten", uint64(n))
	t.end(errno)
	return n, errno
}

// SockRecvFrom implements System.
func (t *tracer) SockRecvFrom(ctx context.Context, fd FD, iovs []IOVec, flags RIFlags) (Size, ROFlags, SockAddr, Errno) {
	start := t.start()
	n, oflags, addr, errno := t.sys.SockRecvFrom(ctx, fd, iovs, flags)
	t.begin("sock_recv_from", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, false)
	t.flags("flags", uint64(flags), riFlagNames[:])
	t.ret()
	t.uint("nread", uint64(n))
	t.data("data", iovs, n)
	if oflags != 0 {
		t.flags("oflags", uint64(oflags), roFlagNames[:])
	}
	if errno == ESUCCESS {
		t.addr("addr", addr)
	}
	t.end(errno)
	return n, oflags, addr, errno
}

// SockGetOpt implements System.
func (t *tracer) SockGetOpt(ctx context.Context, fd FD, level SockOptLevel, name SockOption, value []byte) (int, Errno) {
	start := t.start()
	n, errno := t.sys.SockGetOpt(ctx, fd, level, name, value)
	t.begin("sock_getsockopt", start)
	t.fd("fd", fd)
	t.int("level", int64(level))
	t.int("name", int64(name))
	t.bytes("value", value, 0)
	t.ret()
	if errno == ESUCCESS && n >= 0 && n <= len(value) {
		t.int("len", int64(n))
		t.sockopt("value", value[:n])
	}
	t.end(errno)
	return n, errno
}

// SockSetOpt implements System.
func (t *tracer) SockSetOpt(ctx context.Context, fd FD, level SockOptLevel, name SockOption, value []byte) Errno {
	start := t.start()
	errno := t.sys.SockSetOpt(ctx, fd, level, name, value)
	t.begin("sock_setsockopt", start)
	t.fd("fd", fd)
	t.int("level", int64(level))
	t.int("name", int64(name))
	t.sockopt("value", value)
	t.end(errno)
	return errno
}

// SockLocalAddress implements System.
func (t *tracer) SockLocalAddress(ctx context.Context, fd FD) (SockAddr, Errno) {
	start := t.start()
	addr, errno := t.sys.SockLocalAddress(ctx, fd)
	t.begin("sock_getlocaladdr", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.addr("addr", addr)
	}
	t.end(errno)
	return addr, errno
}

// SockPeerAddress implements System.
func (t *tracer) SockPeerAddress(ctx context.Context, fd FD) (SockAddr, Errno) {
	start := t.start()
	addr, errno := t.sys.SockPeerAddress(ctx, fd)
	t.begin("sock_getpeeraddr", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.addr("addr", addr)
	}
	t.end(errno)
	return addr, errno
}

// SockAddressInfo implements System.
func (t *tracer) SockAddressInfo(ctx context.Context, node, service string, hints AddrInfo, results []AddrInfo) (int, Errno) {
	start := t.start()
	dc := t.decide(ctx)
	n, errno := t.sys.SockAddressInfo(dc, node, service, hints, results)
	t.begin("sock_getaddrinfo", start)
	t.decided(dc)
	t.str("node", node)
	t.str("service", service)
	t.addrinfo("hints", &hints)
	t.uint("max", uint64(len(results)))
	t.ret()
	t.uint("n", uint64(max(n, 0)))
	if errno == ESUCCESS && n > 0 && n <= len(results) {
		t.addrinfos("results", results[:n])
	}
	t.end(errno)
	return n, errno
}

// Close implements System. It is traced as "close", with the errno the
// error maps to.
func (t *tracer) Close(ctx context.Context) error {
	start := t.start()
	err := t.sys.Close(ctx)
	t.begin("close", start)
	t.end(ErrnoOf(err))
	return err
}
