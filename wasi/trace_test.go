package wasi

import (
	"bytes"
	"context"
	"io"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSystem returns canned values from every method, and errno from every
// one when it is set. It does not allocate, so the allocation tests measure
// the tracer alone.
type fakeSystem struct {
	errno Errno
}

var _ System = (*fakeSystem)(nil)

var (
	fakeAddr     = SockAddr{Family: InetFamily, Addr: netip.MustParseAddrPort("127.0.0.1:8080")}
	fakeFileStat = FileStat{Dev: 1, Ino: 2, FileType: RegularFileType, NLink: 1, Size: 12, ATime: 3, MTime: 4, CTime: 5}
)

func (f *fakeSystem) ArgsGet(context.Context) ([]string, Errno) {
	return []string{"app", "-v"}, f.errno
}
func (f *fakeSystem) EnvironGet(context.Context) ([]string, Errno) {
	return []string{"HOME=/root", "TOKEN=s3cret", "EMPTY"}, f.errno
}
func (f *fakeSystem) ClockResGet(context.Context, ClockID) (Timestamp, Errno) { return 1000, f.errno }
func (f *fakeSystem) ClockTimeGet(context.Context, ClockID, Timestamp) (Timestamp, Errno) {
	return 42, f.errno
}
func (f *fakeSystem) FDAdvise(context.Context, FD, FileSize, FileSize, Advice) Errno { return f.errno }
func (f *fakeSystem) FDAllocate(context.Context, FD, FileSize, FileSize) Errno       { return f.errno }
func (f *fakeSystem) FDClose(context.Context, FD) Errno                              { return f.errno }
func (f *fakeSystem) FDDataSync(context.Context, FD) Errno                           { return f.errno }
func (f *fakeSystem) FDStatGet(context.Context, FD) (FDStat, Errno) {
	return FDStat{FileType: RegularFileType, Flags: Append, RightsBase: FDReadRight | FDWriteRight}, f.errno
}
func (f *fakeSystem) FDStatSetFlags(context.Context, FD, FDFlags) Errno         { return f.errno }
func (f *fakeSystem) FDStatSetRights(context.Context, FD, Rights, Rights) Errno { return f.errno }
func (f *fakeSystem) FDFileStatGet(context.Context, FD) (FileStat, Errno) {
	return fakeFileStat, f.errno
}
func (f *fakeSystem) FDFileStatSetSize(context.Context, FD, FileSize) Errno { return f.errno }
func (f *fakeSystem) FDFileStatSetTimes(context.Context, FD, Timestamp, Timestamp, FSTFlags) Errno {
	return f.errno
}
func (f *fakeSystem) FDPread(_ context.Context, _ FD, iovs []IOVec, _ FileSize) (Size, Errno) {
	return fill(iovs), f.errno
}
func (f *fakeSystem) FDPrestatGet(context.Context, FD) (Prestat, Errno) {
	return Prestat{Type: PreopenDir, NameLen: 1}, f.errno
}
func (f *fakeSystem) FDPrestatDirName(context.Context, FD) (string, Errno) { return "/", f.errno }
func (f *fakeSystem) FDPwrite(_ context.Context, _ FD, iovs []IOVec, _ FileSize) (Size, Errno) {
	return total(iovs), f.errno
}
func (f *fakeSystem) FDRead(_ context.Context, _ FD, iovs []IOVec) (Size, Errno) {
	return fill(iovs), f.errno
}
func (f *fakeSystem) FDReadDir(_ context.Context, _ FD, buf []byte, _ DirCookie) (Size, Errno) {
	return Size(len(buf) / 2), f.errno
}
func (f *fakeSystem) FDRenumber(context.Context, FD, FD) Errno { return f.errno }
func (f *fakeSystem) FDSeek(context.Context, FD, FileDelta, Whence) (FileSize, Errno) {
	return 10, f.errno
}
func (f *fakeSystem) FDSync(context.Context, FD) Errno             { return f.errno }
func (f *fakeSystem) FDTell(context.Context, FD) (FileSize, Errno) { return 7, f.errno }
func (f *fakeSystem) FDWrite(_ context.Context, _ FD, iovs []IOVec) (Size, Errno) {
	return total(iovs), f.errno
}
func (f *fakeSystem) PathCreateDirectory(context.Context, FD, string) Errno { return f.errno }
func (f *fakeSystem) PathFileStatGet(context.Context, FD, LookupFlags, string) (FileStat, Errno) {
	return fakeFileStat, f.errno
}
func (f *fakeSystem) PathFileStatSetTimes(context.Context, FD, LookupFlags, string, Timestamp, Timestamp, FSTFlags) Errno {
	return f.errno
}
func (f *fakeSystem) PathLink(context.Context, FD, LookupFlags, string, FD, string) Errno {
	return f.errno
}
func (f *fakeSystem) PathOpen(context.Context, FD, LookupFlags, string, OFlags, Rights, Rights, FDFlags) (FD, Errno) {
	return 4, f.errno
}
func (f *fakeSystem) PathReadLink(_ context.Context, _ FD, _ string, buf []byte) (Size, Errno) {
	return Size(copy(buf, "target")), f.errno
}
func (f *fakeSystem) PathRemoveDirectory(context.Context, FD, string) Errno    { return f.errno }
func (f *fakeSystem) PathRename(context.Context, FD, string, FD, string) Errno { return f.errno }
func (f *fakeSystem) PathSymlink(context.Context, string, FD, string) Errno    { return f.errno }
func (f *fakeSystem) PathUnlinkFile(context.Context, FD, string) Errno         { return f.errno }
func (f *fakeSystem) PollOneOff(_ context.Context, subs []Subscription, events []Event) (int, Errno) {
	for i := range subs {
		events[i] = Event{UserData: subs[i].UserData, EventType: subs[i].EventType}
		if subs[i].EventType != ClockEvent {
			events[i].NBytes = 5
			events[i].Flags = FDReadWriteHangup
		}
	}
	return len(subs), f.errno
}
func (f *fakeSystem) ProcExit(context.Context, ExitCode) Errno { return f.errno }
func (f *fakeSystem) ProcRaise(context.Context, Signal) Errno  { return f.errno }
func (f *fakeSystem) SchedYield(context.Context) Errno         { return f.errno }
func (f *fakeSystem) RandomGet(_ context.Context, buf []byte) Errno {
	clear(buf)
	return f.errno
}
func (f *fakeSystem) SockAccept(context.Context, FD, FDFlags) (FD, SockAddr, Errno) {
	return 5, fakeAddr, f.errno
}
func (f *fakeSystem) SockRecv(_ context.Context, _ FD, iovs []IOVec, _ RIFlags) (Size, ROFlags, Errno) {
	return fill(iovs), RecvDataTruncated, f.errno
}
func (f *fakeSystem) SockSend(_ context.Context, _ FD, iovs []IOVec, _ SIFlags) (Size, Errno) {
	return total(iovs), f.errno
}
func (f *fakeSystem) SockShutdown(context.Context, FD, SDFlags) Errno { return f.errno }
func (f *fakeSystem) SockOpen(context.Context, ProtocolFamily, SocketType, Protocol, Rights, Rights) (FD, Errno) {
	return 6, f.errno
}
func (f *fakeSystem) SockBind(context.Context, FD, SockAddr) Errno    { return f.errno }
func (f *fakeSystem) SockConnect(context.Context, FD, SockAddr) Errno { return f.errno }
func (f *fakeSystem) SockListen(context.Context, FD, int) Errno       { return f.errno }
func (f *fakeSystem) SockSendTo(_ context.Context, _ FD, iovs []IOVec, _ SIFlags, _ SockAddr) (Size, Errno) {
	return total(iovs), f.errno
}
func (f *fakeSystem) SockRecvFrom(_ context.Context, _ FD, iovs []IOVec, _ RIFlags) (Size, ROFlags, SockAddr, Errno) {
	return fill(iovs), 0, fakeAddr, f.errno
}
func (f *fakeSystem) SockGetOpt(_ context.Context, _ FD, _ SockOptLevel, _ SockOption, value []byte) (int, Errno) {
	if len(value) < 4 {
		return 0, f.errno
	}
	le.PutUint32(value, 1)
	return 4, f.errno
}
func (f *fakeSystem) SockSetOpt(context.Context, FD, SockOptLevel, SockOption, []byte) Errno {
	return f.errno
}
func (f *fakeSystem) SockLocalAddress(context.Context, FD) (SockAddr, Errno) {
	return fakeAddr, f.errno
}
func (f *fakeSystem) SockPeerAddress(context.Context, FD) (SockAddr, Errno) { return fakeAddr, f.errno }
func (f *fakeSystem) SockAddressInfo(_ context.Context, _, _ string, _ AddrInfo, results []AddrInfo) (int, Errno) {
	if len(results) == 0 {
		return 0, f.errno
	}
	results[0] = AddrInfo{SocketType: StreamSocket, Addr: SockAddr{Family: InetFamily, Addr: netip.MustParseAddrPort("10.0.0.1:443")}}
	return 1, f.errno
}
func (f *fakeSystem) Close(context.Context) error {
	if f.errno != 0 {
		return f.errno
	}
	return nil
}

const fakeData = "hello world"

// fill copies fakeData into iovs, as a read would.
func fill(iovs []IOVec) Size {
	n, src := 0, fakeData
	for _, v := range iovs {
		c := copy(v, src)
		src = src[c:]
		n += c
	}
	return Size(n)
}

func total(iovs []IOVec) Size {
	n := 0
	for _, v := range iovs {
		n += len(v)
	}
	return Size(n)
}

func TestTraceLines(t *testing.T) {
	ctx := t.Context()
	long := strings.Repeat("a/", 100) + "end"
	tests := []struct {
		name  string
		errno Errno
		opts  []TraceOption
		call  func(s System)
		want  string
	}{
		{"fd_write", 0, nil, func(s System) { s.FDWrite(ctx, 1, []IOVec{[]byte(fakeData + "\n")}) },
			`fd_write(fd=1, iovs=[12B]) => nwritten=12 ESUCCESS`},
		{"fd_write iovecs", 0, nil, func(s System) { s.FDWrite(ctx, 1, []IOVec{[]byte("ab"), nil, []byte("c")}) },
			`fd_write(fd=1, iovs=[3B in 3 iovs]) => nwritten=3 ESUCCESS`},
		{"fd_write payload", 0, []TraceOption{TracePayload(5)}, func(s System) { s.FDWrite(ctx, 1, []IOVec{[]byte(fakeData)}) },
			`fd_write(fd=1, iovs=[11B "hello"…(11B)]) => nwritten=11 ESUCCESS`},
		{"fd_write payload gathered", 0, []TraceOption{TracePayload(4)}, func(s System) { s.FDWrite(ctx, 1, []IOVec{[]byte("a\n"), []byte("bcd")}) },
			`fd_write(fd=1, iovs=[5B in 2 iovs "a\nbc"…]) => nwritten=5 ESUCCESS`},
		{"fd_write error", EBADF, nil, func(s System) { s.FDWrite(ctx, 9, []IOVec{[]byte("x")}) },
			`fd_write(fd=9, iovs=[1B]) => nwritten=1 EBADF`},
		{"fd_read", 0, nil, func(s System) { s.FDRead(ctx, 0, []IOVec{make([]byte, 64)}) },
			`fd_read(fd=0, iovs=[64B]) => nread=11 ESUCCESS`},
		{"fd_read payload", 0, []TraceOption{TracePayload(32)}, func(s System) { s.FDRead(ctx, 0, []IOVec{make([]byte, 3), make([]byte, 64)}) },
			`fd_read(fd=0, iovs=[67B in 2 iovs]) => nread=11 data="hello world" ESUCCESS`},
		{"fd_pread", 0, nil, func(s System) { s.FDPread(ctx, 4, []IOVec{make([]byte, 8)}, 100) },
			`fd_pread(fd=4, iovs=[8B], offset=100) => nread=8 ESUCCESS`},
		{"path_open", 0, nil, func(s System) {
			s.PathOpen(ctx, 3, SymlinkFollow, "data/in.csv", OCreate|OTruncate, FDReadRight|FDSeekRight, AllRights, NonBlock)
		}, `path_open(fd=3, dirflags=symlink_follow, path="data/in.csv", oflags=creat|trunc, base=fd_read|fd_seek, inheriting=all, fdflags=nonblock) => fd=4 ESUCCESS`},
		{"path_open error", ENOTCAPABLE, nil, func(s System) { s.PathOpen(ctx, 3, 0, "../etc", 0, 0, 0, 0) },
			`path_open(fd=3, dirflags=0, path="../etc", oflags=0, base=0, inheriting=0, fdflags=0) => ENOTCAPABLE`},
		{"hostile path", ENOENT, nil, func(s System) { s.PathUnlinkFile(ctx, 3, "a\nfd_close(fd=1) => ESUCCESS\x1b[2J\"") },
			`path_unlink_file(fd=3, path="a\nfd_close(fd=1) => ESUCCESS\x1b[2J\"") => ENOENT`},
		{"long path", 0, []TraceOption{TraceMaxString(8)}, func(s System) { s.PathCreateDirectory(ctx, 3, long) },
			`path_create_directory(fd=3, path="a/a/a/a/"…(203B)) => ESUCCESS`},
		{"long utf8 path", 0, []TraceOption{TraceMaxString(2)}, func(s System) { s.PathCreateDirectory(ctx, 3, "héllo") },
			`path_create_directory(fd=3, path="h"…(6B)) => ESUCCESS`},
		{"unlimited path", 0, []TraceOption{TraceMaxString(0)}, func(s System) { s.PathCreateDirectory(ctx, 3, long) },
			`path_create_directory(fd=3, path="` + long + `") => ESUCCESS`},
		{"fd_filestat_get", 0, nil, func(s System) { s.FDFileStatGet(ctx, 4) },
			`fd_filestat_get(fd=4) => stat={type=regular_file size=12 dev=1 ino=2 nlink=1 atim=3 mtim=4 ctim=5} ESUCCESS`},
		{"fd_filestat_get error", EBADF, nil, func(s System) { s.FDFileStatGet(ctx, 4) },
			`fd_filestat_get(fd=4) => EBADF`},
		{"fd_fdstat_get", 0, nil, func(s System) { s.FDStatGet(ctx, 4) },
			`fd_fdstat_get(fd=4) => stat={type=regular_file flags=append base=fd_read|fd_write inheriting=0} ESUCCESS`},
		{"fd_prestat_get", 0, nil, func(s System) { s.FDPrestatGet(ctx, 3) },
			`fd_prestat_get(fd=3) => prestat={type=dir name_len=1} ESUCCESS`},
		{"fd_prestat_dir_name", 0, nil, func(s System) { s.FDPrestatDirName(ctx, 3) },
			`fd_prestat_dir_name(fd=3) => name="/" ESUCCESS`},
		{"fd_seek", 0, nil, func(s System) { s.FDSeek(ctx, 4, -2, WhenceEnd) },
			`fd_seek(fd=4, offset=-2, whence=end) => newoffset=10 ESUCCESS`},
		{"fd_seek bad whence", EINVAL, nil, func(s System) { s.FDSeek(ctx, 4, 0, 9) },
			`fd_seek(fd=4, offset=0, whence=9) => EINVAL`},
		{"fd_readdir", 0, nil, func(s System) { s.FDReadDir(ctx, 3, make([]byte, 100), 7) },
			`fd_readdir(fd=3, buf=[100B], cookie=7) => bufused=50 ESUCCESS`},
		{"fd_renumber", 0, nil, func(s System) { s.FDRenumber(ctx, 5, 1) },
			`fd_renumber(fd=5, to=1) => ESUCCESS`},
		{"fd_filestat_set_times", 0, nil, func(s System) { s.FDFileStatSetTimes(ctx, 4, 1, 2, AccessTime|ModifyTimeNow|0x20) },
			`fd_filestat_set_times(fd=4, atim=1, mtim=2, flags=atim|mtim_now|0x20) => ESUCCESS`},
		{"path_readlink", 0, nil, func(s System) { s.PathReadLink(ctx, 3, "l", make([]byte, 3)) },
			`path_readlink(fd=3, path="l", buf=[3B]) => bufused=3 target="tar" ESUCCESS`},
		{"path_link", 0, nil, func(s System) { s.PathLink(ctx, 3, SymlinkFollow, "a", 4, "b") },
			`path_link(old_fd=3, old_flags=symlink_follow, old_path="a", new_fd=4, new_path="b") => ESUCCESS`},
		{"path_symlink", 0, nil, func(s System) { s.PathSymlink(ctx, "../t", 3, "l") },
			`path_symlink(old_path="../t", fd=3, new_path="l") => ESUCCESS`},
		{"path_rename", 0, nil, func(s System) { s.PathRename(ctx, 3, "a", 3, "b") },
			`path_rename(fd=3, old_path="a", new_fd=3, new_path="b") => ESUCCESS`},
		{"args_get", 0, nil, func(s System) { s.ArgsGet(ctx) },
			`args_get() => args=["app", "-v"] ESUCCESS`},
		{"environ_get hides values", 0, nil, func(s System) { s.EnvironGet(ctx) },
			`environ_get() => names=["HOME", "TOKEN", "EMPTY"] ESUCCESS`},
		{"clock_time_get", 0, nil, func(s System) { s.ClockTimeGet(ctx, Monotonic, 1000) },
			`clock_time_get(id=monotonic, precision=1000) => time=42 ESUCCESS`},
		{"clock_res_get bad id", EINVAL, nil, func(s System) { s.ClockResGet(ctx, 17) },
			`clock_res_get(id=17) => EINVAL`},
		{"random_get never shows bytes", 0, []TraceOption{TracePayload(16)}, func(s System) { s.RandomGet(ctx, make([]byte, 16)) },
			`random_get(buf=[16B]) => ESUCCESS`},
		{"poll_oneoff", 0, nil, func(s System) {
			subs := []Subscription{
				{UserData: 1, EventType: ClockEvent, ClockID: Monotonic, Timeout: 1000000, Flags: SubscriptionClockAbstime},
				{UserData: 2, EventType: FDReadEvent, FD: 0},
			}
			s.PollOneOff(ctx, subs, make([]Event, 2))
		}, `poll_oneoff(subs=[{ud=1 clock id=monotonic timeout=1000000 precision=0 flags=abstime}, {ud=2 fd_read fd=0}]) => nevents=2 events=[{ud=1 clock ESUCCESS}, {ud=2 fd_read ESUCCESS nbytes=5 flags=hangup}] ESUCCESS`},
		{"poll_oneoff unknown tag", 0, nil, func(s System) {
			s.PollOneOff(ctx, []Subscription{{UserData: 3, EventType: 7}}, make([]Event, 1))
		}, `poll_oneoff(subs=[{ud=3 7}]) => nevents=1 events=[{ud=3 7 ESUCCESS nbytes=5 flags=hangup}] ESUCCESS`},
		{"proc_exit", 0, nil, func(s System) { s.ProcExit(ctx, 3) }, `proc_exit(rval=3) => ESUCCESS`},
		{"proc_raise", ENOSYS, nil, func(s System) { s.ProcRaise(ctx, SigTerm) }, `proc_raise(sig=term) => ENOSYS`},
		{"sock_accept", 0, nil, func(s System) { s.SockAccept(ctx, 3, NonBlock) },
			`sock_accept(fd=3, flags=nonblock) => fd=5 addr=127.0.0.1:8080 ESUCCESS`},
		{"sock_recv", 0, nil, func(s System) { s.SockRecv(ctx, 5, []IOVec{make([]byte, 4)}, RecvPeek) },
			`sock_recv(fd=5, iovs=[4B], flags=recv_peek) => nread=4 oflags=recv_data_truncated ESUCCESS`},
		{"sock_open", 0, nil, func(s System) { s.SockOpen(ctx, Inet6Family, StreamSocket, TCPProtocol, SocketRights, 0) },
			`sock_open(family=inet6, type=stream, protocol=6, base=fd_read|fd_fdstat_set_flags|fd_write|fd_filestat_get|poll_fd_readwrite|sock_shutdown|sock_accept, inheriting=0) => fd=6 ESUCCESS`},
		{"sock_connect", ECONNREFUSED, nil, func(s System) {
			s.SockConnect(ctx, 6, SockAddr{Family: Inet6Family, Addr: netip.MustParseAddrPort("[::1]:443")})
		}, `sock_connect(fd=6, addr=[::1]:443) => ECONNREFUSED`},
		{"sock_bind unix", 0, nil, func(s System) { s.SockBind(ctx, 6, SockAddr{Family: UnixFamily, Path: "/tmp/s"}) },
			`sock_bind(fd=6, addr=unix:"/tmp/s") => ESUCCESS`},
		{"sock_send_to", 0, nil, func(s System) { s.SockSendTo(ctx, 6, []IOVec{[]byte("ping")}, 0, SockAddr{}) },
			`sock_send_to(fd=6, iovs=[4B], flags=0, addr=<none>) => nwritten=4 ESUCCESS`},
		{"sock_recv_from", 0, nil, func(s System) { s.SockRecvFrom(ctx, 6, []IOVec{make([]byte, 100)}, 0) },
			`sock_recv_from(fd=6, iovs=[100B], flags=0) => nread=11 addr=127.0.0.1:8080 ESUCCESS`},
		{"sock_getsockopt", 0, nil, func(s System) { s.SockGetOpt(ctx, 6, SolSocket, SoReuseAddr, make([]byte, 4)) },
			`sock_getsockopt(fd=6, level=0, name=0, value=[4B]) => len=4 value=1 ESUCCESS`},
		{"sock_setsockopt", 0, nil, func(s System) { s.SockSetOpt(ctx, 6, SolTCP, TCPNoDelay, []byte{1, 0, 0, 0}) },
			`sock_setsockopt(fd=6, level=6, name=15, value=1) => ESUCCESS`},
		{"sock_setsockopt odd size", 0, nil, func(s System) { s.SockSetOpt(ctx, 6, SolSocket, SoLinger, make([]byte, 16)) },
			`sock_setsockopt(fd=6, level=0, name=9, value=[16B]) => ESUCCESS`},
		{"sock_shutdown", 0, nil, func(s System) { s.SockShutdown(ctx, 6, ShutdownRD|ShutdownWR) },
			`sock_shutdown(fd=6, how=rd|wr) => ESUCCESS`},
		{"sock_getaddrinfo", 0, nil, func(s System) {
			s.SockAddressInfo(ctx, "example.com", "https", AddrInfo{Flags: AICanonName, Family: InetFamily, SocketType: StreamSocket}, make([]AddrInfo, 4))
		}, `sock_getaddrinfo(node="example.com", service="https", hints={flags=canonname family=inet type=stream protocol=0}, max=4) => n=1 results=[stream 10.0.0.1:443] ESUCCESS`},
		{"close", 0, nil, func(s System) { s.Close(ctx) }, `close() => ESUCCESS`},
		{"close error", EIO, nil, func(s System) { s.Close(ctx) }, `close() => EIO`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			s := Trace(&fakeSystem{errno: tc.errno}, &out, append([]TraceOption{TraceDurations(false)}, tc.opts...)...)
			tc.call(s)
			if got := out.String(); got != tc.want+"\n" {
				t.Errorf("trace:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestTraceEveryMethod calls every System method through Trace with zero
// arguments: each must forward to the inner System and write exactly one
// line, with a name no other method uses.
func TestTraceEveryMethod(t *testing.T) {
	iface := reflect.TypeFor[System]()
	var out bytes.Buffer
	s := reflect.ValueOf(Trace(&fakeSystem{errno: EBADMSG}, &out, TraceDurations(false)))
	names := map[string]string{}
	for i := range iface.NumMethod() {
		m := iface.Method(i)
		fn := s.MethodByName(m.Name)
		args := make([]reflect.Value, fn.Type().NumIn())
		for j := range args {
			if j == 0 {
				args[j] = reflect.ValueOf(t.Context())
				continue
			}
			args[j] = reflect.Zero(fn.Type().In(j))
		}
		out.Reset()
		results := fn.Call(args)
		line := out.String()
		if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
			t.Errorf("%s wrote %q, want one line", m.Name, line)
			continue
		}
		name, _, ok := strings.Cut(line, "(")
		if !ok || name == "" || strings.ToLower(name) != name {
			t.Errorf("%s: line %q does not start with a function name", m.Name, line)
		}
		if prev, dup := names[name]; dup {
			t.Errorf("%s and %s both trace as %q", prev, m.Name, name)
		}
		names[name] = m.Name
		// The inner errno must come back unchanged.
		last := results[len(results)-1].Interface()
		if e, ok := last.(Errno); ok && e != EBADMSG {
			t.Errorf("%s returned %v, want the inner EBADMSG", m.Name, e)
		}
		if m.Name != "Close" && !strings.HasSuffix(line, " EBADMSG\n") {
			t.Errorf("%s: line %q does not end with the errno", m.Name, line)
		}
	}
}

func TestTraceDuration(t *testing.T) {
	var out bytes.Buffer
	s := Trace(&fakeSystem{}, &out)
	s.SchedYield(t.Context())
	line := out.String()
	if !strings.HasPrefix(line, "sched_yield() => ESUCCESS (") || !strings.HasSuffix(line, ")\n") {
		t.Fatalf("line %q has no duration", line)
	}
	d := strings.TrimSuffix(strings.TrimPrefix(line, "sched_yield() => ESUCCESS ("), ")\n")
	if !strings.HasSuffix(d, "ns") && !strings.HasSuffix(d, "µs") && !strings.HasSuffix(d, "ms") && !strings.HasSuffix(d, "s") {
		t.Errorf("duration %q has no unit", d)
	}
}

func TestAppendDuration(t *testing.T) {
	for _, c := range []struct {
		ns   int64
		want string
	}{
		{0, "0ns"}, {850, "850ns"}, {1234, "1.2µs"}, {999_949, "999.9µs"}, {1_500_000, "1.5ms"},
		{2_000_000_000, "2.000s"}, {61_234_000_000, "61.234s"},
	} {
		if got := string(appendDuration(nil, timeDuration(c.ns))); got != c.want {
			t.Errorf("appendDuration(%d) = %q, want %q", c.ns, got, c.want)
		}
	}
}

func TestAppendQuotedBytes(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"plain", 0, `"plain"`},
		{"tab\there\r\n", 0, `"tab\there\r\n"`},
		{"q\"b\\", 0, `"q\"b\\"`},
		{"\x00\x1b\x7f", 0, `"\x00\x1b\x7f"`},
		{"héllo ✓", 0, `"héllo ✓"`},
		{"bad\xff\xfeutf8", 0, `"bad\xff\xfeutf8"`},
		{"\u200b", 0, `"\xe2\x80\x8b"`}, // zero-width space: not printable
		{"abcdef", 3, `"abc"…(6B)`},
		{"é", 1, `"\xc3"…(2B)`},
	} {
		if got := string(appendQuotedBytes(nil, []byte(c.in), c.max)); got != c.want {
			t.Errorf("appendQuotedBytes(%q, %d) = %s, want %s", c.in, c.max, got, c.want)
		}
	}
}

func TestAppendFlags(t *testing.T) {
	for _, c := range []struct {
		v    uint64
		want string
	}{
		{0, "0"}, {1, "creat"}, {9, "creat|trunc"}, {0x10, "0x10"}, {0x31, "creat|0x30"},
	} {
		if got := string(appendFlags(nil, c.v, oFlagNames[:])); got != c.want {
			t.Errorf("appendFlags(%#x) = %q, want %q", c.v, got, c.want)
		}
	}
	if got := string(appendRights(nil, AllRights)); got != "all" {
		t.Errorf("appendRights(AllRights) = %q", got)
	}
	for _, c := range []struct {
		r    Rights
		want string
	}{
		{0, "0"},
		{FDReadRight | FDSeekRight, "fd_read|fd_seek"},
		{DirectoryRights, "directory_rights"},
		{DirectoryRights | FileRights, "directory_rights|file_rights"},
		{FileRights | SockShutdownRight, "file_rights|sock_shutdown"},
		{FileRights &^ FDWriteRight, "fd_datasync|fd_read|fd_seek|fd_fdstat_set_flags|fd_sync|fd_tell|fd_advise|fd_allocate|fd_filestat_get|fd_filestat_set_size|fd_filestat_set_times|poll_fd_readwrite"},
		{AllRights | 1<<40, "directory_rights|file_rights|sock_shutdown|sock_accept|0x10000000000"},
	} {
		if got := string(appendRights(nil, c.r)); got != c.want {
			t.Errorf("appendRights(%#x) = %q, want %q", uint64(c.r), got, c.want)
		}
	}
}

// lineWriter checks that every Write is exactly one complete line.
type lineWriter struct {
	mu    sync.Mutex
	lines int
	bad   []string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if bytes.Count(p, []byte("\n")) != 1 || p[len(p)-1] != '\n' {
		w.bad = append(w.bad, string(p))
	}
	w.lines++
	return len(p), nil
}

// TestTraceConcurrent: calls from several goroutines (a System's Close
// racing a blocked call) produce whole lines, one Write each. Run with -race.
func TestTraceConcurrent(t *testing.T) {
	var w lineWriter
	s := Trace(&fakeSystem{}, &w, TracePayload(8))
	const goroutines, calls = 4, 200
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			buf := make([]byte, 32)
			for i := range calls {
				switch (g + i) % 3 {
				case 0:
					s.FDWrite(t.Context(), 1, []IOVec{[]byte("payload\n")})
				case 1:
					s.FDRead(t.Context(), 0, []IOVec{buf})
				case 2:
					s.PathOpen(t.Context(), 3, 0, strings.Repeat("x", 300), 0, 0, 0, 0)
				}
			}
		})
	}
	wg.Wait()
	if w.lines != goroutines*calls {
		t.Errorf("%d writes, want %d", w.lines, goroutines*calls)
	}
	if len(w.bad) > 0 {
		t.Errorf("%d writes were not one line, e.g. %q", len(w.bad), w.bad[0])
	}
}

func TestTraceAllocs(t *testing.T) {
	ctx := t.Context()
	for _, opts := range [][]TraceOption{nil, {TracePayload(16)}} {
		s := Trace(&fakeSystem{}, io.Discard, opts...)
		iovs := []IOVec{make([]byte, 64)}
		two := []IOVec{[]byte("ab"), make([]byte, 64)}
		subs := []Subscription{{UserData: 1, EventType: ClockEvent}, {UserData: 2, EventType: FDReadEvent}}
		events := make([]Event, 2)
		for _, c := range []struct {
			name string
			call func()
		}{
			{"fd_write", func() { s.FDWrite(ctx, 1, iovs) }},
			{"fd_write 2 iovs", func() { s.FDWrite(ctx, 1, two) }},
			{"fd_read", func() { s.FDRead(ctx, 0, iovs) }},
			{"fd_read 2 iovs", func() { s.FDRead(ctx, 0, two) }},
			{"path_open", func() { s.PathOpen(ctx, 3, SymlinkFollow, "a/b/c", OCreate, AllRights, AllRights, 0) }},
			{"path_filestat_get", func() { s.PathFileStatGet(ctx, 3, 0, "a") }},
			{"clock_time_get", func() { s.ClockTimeGet(ctx, Monotonic, 0) }},
			{"poll_oneoff", func() { s.PollOneOff(ctx, subs, events) }},
			{"sock_accept", func() { s.SockAccept(ctx, 3, 0) }},
		} {
			c.call() // grow the buffer
			if n := testing.AllocsPerRun(100, c.call); n != 0 {
				t.Errorf("%s (opts %d): %.1f allocs per call, want 0", c.name, len(opts), n)
			}
		}
	}
}

func BenchmarkTraceFDWrite(b *testing.B) {
	ctx := b.Context()
	iovs := []IOVec{[]byte("hello, world\n")}
	b.Run("direct", func(b *testing.B) {
		s := System(&fakeSystem{})
		b.ReportAllocs()
		for b.Loop() {
			s.FDWrite(ctx, 1, iovs)
		}
	})
	b.Run("traced", func(b *testing.B) {
		s := Trace(&fakeSystem{}, io.Discard)
		b.ReportAllocs()
		for b.Loop() {
			s.FDWrite(ctx, 1, iovs)
		}
	})
}

func BenchmarkTracePathOpen(b *testing.B) {
	ctx := b.Context()
	s := Trace(&fakeSystem{}, io.Discard)
	b.ReportAllocs()
	for b.Loop() {
		s.PathOpen(ctx, 3, SymlinkFollow, "data/some/file.txt", OCreate|OTruncate, FileRights, FileRights, 0)
	}
}

func timeDuration(ns int64) time.Duration { return time.Duration(ns) }
