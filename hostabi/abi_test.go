package hostabi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// The ABI suite calls every host function through testdata/all.wat, which
// re-exports each import unchanged, with memory filled with a pattern. Each
// case states the inputs it writes to memory, the values the fake System
// returns, the errno, the System calls (nil: the System must not be called)
// and the exact bytes the call writes. Every other byte of memory must keep
// the pattern, so a write one byte too far, or any write on an error path,
// fails the case.

const memSize = 6 << 16 // all.wat has six pages: room for MaxPollSubscriptions

// Addresses used by the cases.
const (
	aIn   = 0x100  // iovec arrays, subscriptions
	aPath = 0x300  // paths
	aOut  = 0x1000 // results
	aData = 0x2000 // buffers
)

type chunk struct {
	off uint32
	b   []byte
}

type abiCase struct {
	name   string
	fn     string
	params []uint64
	in     []chunk
	fake   func(f *fakeSystem)
	errno  wasi.Errno
	calls  []fakeCall
	out    []chunk
}

func at(off uint32, parts ...[]byte) chunk { return chunk{off, bytes.Join(parts, nil)} }

func u16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func u64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
func zeros(n int) []byte  { return make([]byte, n) }
func iov(buf, n uint32) []byte {
	return append(u32(buf), u32(n)...)
}

func call(name string, args ...any) fakeCall { return fakeCall{name, args} }
func calls(c ...fakeCall) []fakeCall         { return c }

// i64 encodes a signed 64-bit parameter.
func s64(v int64) uint64 { return uint64(v) }

// with returns a copy of params with params[i] = v.
func with(params []uint64, i int, v uint64) []uint64 {
	p := append([]uint64(nil), params...)
	p[i] = v
	return p
}

func fillPattern(mem []byte) {
	for i := range mem {
		mem[i] = byte(i%251) + 1 // never 0, so written zeros show
	}
}

// badPtrs returns pointers at which size bytes do not fit in memory: one
// straddling the end, one just past it, and one whose ptr+size wraps
// around 2^32 (caught only by 64-bit arithmetic).
func badPtrs(size uint32) []uint64 {
	if size == 0 {
		return []uint64{memSize + 1, 0xFFFFFFFF}
	}
	return []uint64{memSize - uint64(size) + 1, memSize, 0xFFFFFFFF}
}

// efaults builds the out-of-range variants of c for the pointer at
// params[idx] that must hold size bytes: EFAULT, the calls in sysCalls (nil
// when the System must not be called), nothing written.
func efaults(c abiCase, idx int, size uint32, sysCalls []fakeCall) []abiCase {
	var cs []abiCase
	for _, p := range badPtrs(size) {
		v := c
		v.name = fmt.Sprintf("%s/efault_%s_%#x", c.fn, strings.TrimPrefix(paramName(c.fn, idx), "result."), p)
		v.params = with(c.params, idx, p)
		v.errno = wasi.EFAULT
		v.calls = sysCalls
		v.out = nil
		cs = append(cs, v)
	}
	return cs
}

// variant returns c renamed, with params[idx] = v, the given errno, calls
// and no output.
func variant(c abiCase, name string, idx int, v uint64, errno wasi.Errno, sysCalls []fakeCall) abiCase {
	c.name = c.fn + "/" + name
	c.params = with(c.params, idx, v)
	c.errno = errno
	c.calls = sysCalls
	c.out = nil
	return c
}

func paramName(fn string, idx int) string {
	for _, f := range Functions() {
		if f.Name == fn {
			return f.ParamNames[idx]
		}
	}
	return "?"
}

var (
	testFDStat = wasi.FDStat{FileType: wasi.RegularFileType, Flags: wasi.Append | wasi.NonBlock,
		RightsBase: 0x1122334455667788, RightsInheriting: 0x0102030405060708}
	testFDStatBytes = bytes.Join([][]byte{{4, 0, 5, 0, 0, 0, 0, 0},
		u64(0x1122334455667788), u64(0x0102030405060708)}, nil)
	testFileStat = wasi.FileStat{Dev: 1, Ino: 2, FileType: wasi.DirectoryType, NLink: 4, Size: 5,
		ATime: 6, MTime: 7, CTime: 8}
	testFileStatBytes = bytes.Join([][]byte{u64(1), u64(2), {3, 0, 0, 0, 0, 0, 0, 0},
		u64(4), u64(5), u64(6), u64(7), u64(8)}, nil)
)

func abiCases() []abiCase {
	var cs []abiCase
	add := func(c ...abiCase) { cs = append(cs, c...) }
	for _, g := range [][]abiCase{argsCases(), clockCases(), fdCases(), pathCases(), pollCases(),
		procCases(), sockCases()} {
		add(g...)
	}
	return cs
}

func argsCases() []abiCase {
	var cs []abiCase
	for _, k := range []struct{ get, sizes, method string }{
		{"args_get", "args_sizes_get", "ArgsGet"},
		{"environ_get", "environ_sizes_get", "EnvironGet"},
	} {
		list := []string{"a", "bc", ""}
		fake := func(f *fakeSystem) { f.args, f.environ = list, list }
		get := abiCase{name: k.get + "/ok", fn: k.get, params: []uint64{aOut, aData}, fake: fake,
			calls: calls(call(k.method)),
			out: []chunk{
				at(aOut, u32(aData), u32(aData+2), u32(aData+5)),
				at(aData, []byte("a\x00bc\x00\x00")),
			}}
		cs = append(cs, get)
		cs = append(cs, efaults(get, 0, 12, calls(call(k.method)))...)
		cs = append(cs, efaults(get, 1, 6, calls(call(k.method)))...)
		failing := get
		failing.name, failing.fake = k.get+"/system_error", func(f *fakeSystem) { f.errno = wasi.EIO }
		failing.errno, failing.out = wasi.EIO, nil
		cs = append(cs, failing)

		sizes := abiCase{name: k.sizes + "/ok", fn: k.sizes, params: []uint64{aOut, aOut + 8}, fake: fake,
			calls: calls(call(k.method)),
			out:   []chunk{at(aOut, u32(3)), at(aOut+8, u32(6))}}
		cs = append(cs, sizes)
		cs = append(cs, efaults(sizes, 0, 4, nil)...)
		cs = append(cs, efaults(sizes, 1, 4, nil)...)
	}
	return cs
}

func clockCases() []abiCase {
	fake := func(f *fakeSystem) { f.timestamp = 0x0102030405060708 }
	res := abiCase{name: "clock_res_get/ok", fn: "clock_res_get", params: []uint64{1, aOut}, fake: fake,
		calls: calls(call("ClockResGet", wasi.Monotonic)),
		out:   []chunk{at(aOut, u64(0x0102030405060708))}}
	now := abiCase{name: "clock_time_get/ok", fn: "clock_time_get", params: []uint64{0, 0xFFFFFFFF00000001, aOut},
		fake:  fake,
		calls: calls(call("ClockTimeGet", wasi.Realtime, wasi.Timestamp(0xFFFFFFFF00000001))),
		out:   []chunk{at(aOut, u64(0x0102030405060708))}}
	bad := now
	bad.name, bad.params = "clock_time_get/unsupported_clock", []uint64{0xFFFFFFFF, 1, aOut}
	bad.fake = func(f *fakeSystem) { f.errno = wasi.EINVAL }
	bad.errno, bad.out = wasi.EINVAL, nil
	bad.calls = calls(call("ClockTimeGet", wasi.ClockID(0xFFFFFFFF), wasi.Timestamp(1)))
	cs := []abiCase{res, now, bad}
	cs = append(cs, efaults(res, 1, 8, nil)...)
	cs = append(cs, efaults(now, 2, 8, nil)...)
	return cs
}

func fdCases() []abiCase {
	var cs []abiCase
	add := func(c ...abiCase) { cs = append(cs, c...) }

	// Functions that take only integers.
	advise := abiCase{name: "fd_advise/ok", fn: "fd_advise", params: []uint64{3, 1 << 40, 5, 4},
		calls: calls(call("FDAdvise", wasi.FD(3), wasi.FileSize(1<<40), wasi.FileSize(5), wasi.AdviceDontNeed))}
	add(advise, variant(advise, "advice_too_wide", 3, 0x104, wasi.EINVAL, nil))
	add(abiCase{name: "fd_allocate/ok", fn: "fd_allocate", params: []uint64{3, 7, 1 << 63},
		calls: calls(call("FDAllocate", wasi.FD(3), wasi.FileSize(7), wasi.FileSize(1<<63)))})
	closeOK := abiCase{name: "fd_close/ok", fn: "fd_close", params: []uint64{3},
		calls: calls(call("FDClose", wasi.FD(3)))}
	add(closeOK)
	// fd numbers near 2^31 reach the System unchanged (it bounds them).
	for _, fd := range []uint32{0x7FFFFFFF, 0x80000000, 0xFFFFFFFF} {
		c := variant(closeOK, fmt.Sprintf("fd_%#x", fd), 0, uint64(fd), wasi.EBADF,
			calls(call("FDClose", wasi.FD(int32(fd)))))
		c.fake = func(f *fakeSystem) { f.errno = wasi.EBADF }
		add(c)
	}
	add(abiCase{name: "fd_datasync/ok", fn: "fd_datasync", params: []uint64{4},
		calls: calls(call("FDDataSync", wasi.FD(4)))})

	fdstat := abiCase{name: "fd_fdstat_get/ok", fn: "fd_fdstat_get", params: []uint64{3, aOut},
		fake:  func(f *fakeSystem) { f.fdstat = testFDStat },
		calls: calls(call("FDStatGet", wasi.FD(3))),
		out:   []chunk{at(aOut, testFDStatBytes)}}
	add(fdstat)
	add(efaults(fdstat, 1, wasi.FDStatSize, nil)...)
	fdstatErr := fdstat
	fdstatErr.name, fdstatErr.errno, fdstatErr.out = "fd_fdstat_get/ebadf", wasi.EBADF, nil
	fdstatErr.fake = func(f *fakeSystem) { f.fdstat, f.errno = testFDStat, wasi.EBADF }
	add(fdstatErr)

	setFlags := abiCase{name: "fd_fdstat_set_flags/ok", fn: "fd_fdstat_set_flags", params: []uint64{3, 4},
		calls: calls(call("FDStatSetFlags", wasi.FD(3), wasi.NonBlock))}
	add(setFlags, variant(setFlags, "flags_too_wide", 1, 0x10004, wasi.EINVAL, nil))
	add(abiCase{name: "fd_fdstat_set_rights/ok", fn: "fd_fdstat_set_rights", params: []uint64{3, 0xFFFFFFFFFFFFFFFF, 2},
		calls: calls(call("FDStatSetRights", wasi.FD(3), wasi.Rights(0xFFFFFFFFFFFFFFFF), wasi.Rights(2)))})

	filestat := abiCase{name: "fd_filestat_get/ok", fn: "fd_filestat_get", params: []uint64{3, aOut},
		fake:  func(f *fakeSystem) { f.filestat = testFileStat },
		calls: calls(call("FDFileStatGet", wasi.FD(3))),
		out:   []chunk{at(aOut, testFileStatBytes)}}
	add(filestat)
	add(efaults(filestat, 1, wasi.FileStatSize, nil)...)
	add(abiCase{name: "fd_filestat_set_size/ok", fn: "fd_filestat_set_size", params: []uint64{3, 1 << 62},
		calls: calls(call("FDFileStatSetSize", wasi.FD(3), wasi.FileSize(1<<62)))})
	setTimes := abiCase{name: "fd_filestat_set_times/ok", fn: "fd_filestat_set_times", params: []uint64{3, 11, 12, 0xF},
		calls: calls(call("FDFileStatSetTimes", wasi.FD(3), wasi.Timestamp(11), wasi.Timestamp(12),
			wasi.AccessTime|wasi.AccessTimeNow|wasi.ModifyTime|wasi.ModifyTimeNow))}
	add(setTimes, variant(setTimes, "fst_flags_too_wide", 3, 0x10000, wasi.EINVAL, nil))

	// Reads: two iovecs of 3 and 4 bytes at aData and aData+0x10.
	iovsIn := at(aIn, iov(aData, 3), iov(aData+0x10, 4))
	readFake := func(f *fakeSystem) { f.data = []byte("abcdefgh") }
	readOut := []chunk{at(aData, []byte("abc")), at(aData+0x10, []byte("defg")), at(aOut, u32(7))}
	pread := abiCase{name: "fd_pread/ok", fn: "fd_pread", params: []uint64{3, aIn, 2, 1 << 33, aOut},
		in: []chunk{iovsIn}, fake: readFake,
		calls: calls(call("FDPread", wasi.FD(3), []int{3, 4}, wasi.FileSize(1<<33))),
		out:   readOut}
	read := abiCase{name: "fd_read/ok", fn: "fd_read", params: []uint64{3, aIn, 2, aOut},
		in: []chunk{iovsIn}, fake: readFake,
		calls: calls(call("FDRead", wasi.FD(3), []int{3, 4})),
		out:   readOut}
	add(pread, read)
	add(iovecCases(pread, 4)...)
	add(iovecCases(read, 3)...)
	// A short read followed by an error reports the bytes read.
	short := read
	short.name = "fd_read/partial_then_error"
	short.fake = func(f *fakeSystem) { f.data, f.errno = []byte("ab"), wasi.EIO }
	short.out = []chunk{at(aData, []byte("ab")), at(aOut, u32(2))}
	add(short)
	nothing := read
	nothing.name = "fd_read/error"
	nothing.fake = func(f *fakeSystem) { f.errno = wasi.EAGAIN }
	nothing.errno, nothing.out = wasi.EAGAIN, nil
	add(nothing)
	// A count larger than the buffers (a buggy System) is clamped.
	lying := read
	lying.name = "fd_read/count_clamped"
	lying.fake = func(f *fakeSystem) { f.data, f.count = []byte("abcdefgh"), new(wasi.Size(1<<30)) }
	add(lying)

	// Writes.
	writeIn := []chunk{at(aIn, iov(aData, 5), iov(aData+0x10, 6)), at(aData, []byte("hello")),
		at(aData+0x10, []byte(" world"))}
	pwrite := abiCase{name: "fd_pwrite/ok", fn: "fd_pwrite", params: []uint64{4, aIn, 2, 9, aOut},
		in:    writeIn,
		calls: calls(call("FDPwrite", wasi.FD(4), "hello world", wasi.FileSize(9))),
		out:   []chunk{at(aOut, u32(11))}}
	write := abiCase{name: "fd_write/ok", fn: "fd_write", params: []uint64{1, aIn, 2, aOut},
		in:    writeIn,
		calls: calls(call("FDWrite", wasi.FD(1), "hello world")),
		out:   []chunk{at(aOut, u32(11))}}
	add(pwrite, write)
	add(iovecCases(pwrite, 4)...)
	add(iovecCases(write, 3)...)
	zeroIovs := write
	zeroIovs.name, zeroIovs.params = "fd_write/no_iovecs", []uint64{1, memSize, 0, aOut}
	zeroIovs.calls = calls(call("FDWrite", wasi.FD(1), ""))
	zeroIovs.out = []chunk{at(aOut, u32(0))}
	add(zeroIovs)
	maxIovs := write
	maxIovs.name, maxIovs.params = "fd_write/max_iovecs", []uint64{1, 0x4000, MaxIOVecs, aOut}
	maxIovs.in = []chunk{at(0x4000, zeros(MaxIOVecs*wasi.IOVecSize))} // 1024 empty iovecs at address 0
	maxIovs.calls = calls(call("FDWrite", wasi.FD(1), ""))
	maxIovs.out = []chunk{at(aOut, u32(0))}
	add(maxIovs)

	prestat := abiCase{name: "fd_prestat_get/ok", fn: "fd_prestat_get", params: []uint64{3, aOut},
		fake:  func(f *fakeSystem) { f.prestat = wasi.Prestat{Type: wasi.PreopenDir, NameLen: 5} },
		calls: calls(call("FDPrestatGet", wasi.FD(3))),
		out:   []chunk{at(aOut, u32(0), u32(5))}}
	add(prestat)
	add(efaults(prestat, 1, wasi.PrestatSize, nil)...)

	dirName := abiCase{name: "fd_prestat_dir_name/ok", fn: "fd_prestat_dir_name", params: []uint64{3, aOut, 5},
		fake:  func(f *fakeSystem) { f.dirName = "/data" },
		calls: calls(call("FDPrestatDirName", wasi.FD(3))),
		out:   []chunk{at(aOut, []byte("/data"))}}
	larger := dirName
	larger.name, larger.params = "fd_prestat_dir_name/larger_buffer", []uint64{3, aOut, 64}
	add(dirName, larger,
		variant(dirName, "smaller_buffer", 2, 4, wasi.ENAMETOOLONG, calls(call("FDPrestatDirName", wasi.FD(3)))))
	add(efaults(dirName, 1, 5, nil)...)
	add(variant(dirName, "efault_len_wraps", 2, 0xFFFFFFFF, wasi.EFAULT, nil))

	readdir := abiCase{name: "fd_readdir/ok", fn: "fd_readdir", params: []uint64{3, aData, 64, 1 << 40, aOut},
		fake:  func(f *fakeSystem) { f.data = bytes.Repeat([]byte{0xD1}, 30) },
		calls: calls(call("FDReadDir", wasi.FD(3), 64, wasi.DirCookie(1<<40))),
		out:   []chunk{at(aData, bytes.Repeat([]byte{0xD1}, 30)), at(aOut, u32(30))}}
	add(readdir)
	add(efaults(readdir, 1, 64, nil)...)
	add(efaults(readdir, 4, 4, nil)...)
	add(variant(readdir, "efault_len_wraps", 2, 0xFFFFFFFF, wasi.EFAULT, nil))

	add(abiCase{name: "fd_renumber/ok", fn: "fd_renumber", params: []uint64{3, 0x80000000},
		calls: calls(call("FDRenumber", wasi.FD(3), wasi.FD(-1<<31)))})

	seek := abiCase{name: "fd_seek/ok", fn: "fd_seek", params: []uint64{3, s64(-5), 1, aOut},
		fake:  func(f *fakeSystem) { f.offset = 1<<40 + 3 },
		calls: calls(call("FDSeek", wasi.FD(3), wasi.FileDelta(-5), wasi.WhenceCur)),
		out:   []chunk{at(aOut, u64(1<<40+3))}}
	add(seek, variant(seek, "whence_too_wide", 2, 0x101, wasi.EINVAL, nil))
	add(efaults(seek, 3, 8, nil)...)
	add(abiCase{name: "fd_sync/ok", fn: "fd_sync", params: []uint64{3},
		calls: calls(call("FDSync", wasi.FD(3)))})
	tell := abiCase{name: "fd_tell/ok", fn: "fd_tell", params: []uint64{3, aOut},
		fake:  func(f *fakeSystem) { f.offset = 77 },
		calls: calls(call("FDTell", wasi.FD(3))),
		out:   []chunk{at(aOut, u64(77))}}
	add(tell)
	add(efaults(tell, 1, 8, nil)...)
	return cs
}

// iovecCases derives, from a successful read or write case whose iovec
// array is at params[1], params[2], the cases every iovec taker must
// handle: counts past MaxIOVecs (EINVAL, no allocation), the array or one
// buffer outside memory, and the result pointer at params[out] outside
// memory (EFAULT). The System is never called and nothing is written.
func iovecCases(c abiCase, out int) []abiCase {
	cs := []abiCase{}
	for _, n := range []uint64{MaxIOVecs + 1, 1 << 31, 0xFFFFFFFF} {
		cs = append(cs, variant(c, fmt.Sprintf("iovs_len_%#x", n), 2, n, wasi.EINVAL, nil))
	}
	n := uint32(c.params[2])
	cs = append(cs, efaults(c, 1, n*wasi.IOVecSize, nil)...)
	cs = append(cs, efaults(c, out, 4, nil)...)
	// The last iovec's buffer straddles the end of memory, or wraps.
	for _, e := range [][]byte{iov(memSize-3, 4), iov(0xFFFFFFFF, 2), iov(aData, 0xFFFFFFFF)} {
		v := c
		v.name = fmt.Sprintf("%s/efault_iovec_%x", c.fn, e)
		v.in = append(append([]chunk(nil), c.in...), at(aIn+(n-1)*wasi.IOVecSize, e))
		v.errno, v.calls, v.out = wasi.EFAULT, nil, nil
		cs = append(cs, v)
	}
	return cs
}

// pathCases: a path argument of "dir/f" at aPath.
func pathCases() []abiCase {
	var cs []abiCase
	add := func(c ...abiCase) { cs = append(cs, c...) }
	p := at(aPath, []byte("dir/f"))
	p2 := at(aPath+0x100, []byte("new/g"))

	mkdir := abiCase{name: "path_create_directory/ok", fn: "path_create_directory",
		params: []uint64{3, aPath, 5}, in: []chunk{p},
		calls: calls(call("PathCreateDirectory", wasi.FD(3), "dir/f"))}
	add(mkdir)
	add(pathArgCases(mkdir, 1)...)

	stat := abiCase{name: "path_filestat_get/ok", fn: "path_filestat_get",
		params: []uint64{3, 1, aPath, 5, aOut}, in: []chunk{p},
		fake:  func(f *fakeSystem) { f.filestat = testFileStat },
		calls: calls(call("PathFileStatGet", wasi.FD(3), wasi.SymlinkFollow, "dir/f")),
		out:   []chunk{at(aOut, testFileStatBytes)}}
	add(stat)
	add(pathArgCases(stat, 2)...)
	add(efaults(stat, 4, wasi.FileStatSize, nil)...)

	times := abiCase{name: "path_filestat_set_times/ok", fn: "path_filestat_set_times",
		params: []uint64{3, 0, aPath, 5, 1, 2, 5}, in: []chunk{p},
		calls: calls(call("PathFileStatSetTimes", wasi.FD(3), wasi.LookupFlags(0), "dir/f",
			wasi.Timestamp(1), wasi.Timestamp(2), wasi.AccessTime|wasi.ModifyTime))}
	add(times, variant(times, "fst_flags_too_wide", 6, 0x10000, wasi.EINVAL, nil))
	add(pathArgCases(times, 2)...)

	link := abiCase{name: "path_link/ok", fn: "path_link",
		params: []uint64{3, 1, aPath, 5, 4, aPath + 0x100, 5}, in: []chunk{p, p2},
		calls: calls(call("PathLink", wasi.FD(3), wasi.SymlinkFollow, "dir/f", wasi.FD(4), "new/g"))}
	add(link)
	add(pathArgCases(link, 2)...)
	add(pathArgCases(link, 5)...)

	open := abiCase{name: "path_open/ok", fn: "path_open",
		params: []uint64{3, 1, aPath, 5, uint64(wasi.OCreate | wasi.OTruncate), 0x3F, 0x7, uint64(wasi.Append), aOut},
		in:     []chunk{p},
		fake:   func(f *fakeSystem) { f.fd = 9 },
		calls: calls(call("PathOpen", wasi.FD(3), wasi.SymlinkFollow, "dir/f", wasi.OCreate|wasi.OTruncate,
			wasi.Rights(0x3F), wasi.Rights(0x7), wasi.Append)),
		out: []chunk{at(aOut, u32(9))}}
	add(open,
		variant(open, "oflags_too_wide", 4, 0x10001, wasi.EINVAL, nil),
		variant(open, "fdflags_too_wide", 7, 0x10001, wasi.EINVAL, nil))
	add(pathArgCases(open, 2)...)
	add(efaults(open, 8, 4, nil)...)
	openErr := open
	openErr.name, openErr.errno, openErr.out = "path_open/enoent", wasi.ENOENT, nil
	openErr.fake = func(f *fakeSystem) { f.fd, f.errno = 9, wasi.ENOENT }
	add(openErr)

	readlink := abiCase{name: "path_readlink/ok", fn: "path_readlink",
		params: []uint64{3, aPath, 5, aData, 16, aOut}, in: []chunk{p},
		fake:  func(f *fakeSystem) { f.data = []byte("target") },
		calls: calls(call("PathReadLink", wasi.FD(3), "dir/f", 16)),
		out:   []chunk{at(aData, []byte("target")), at(aOut, u32(6))}}
	truncated := readlink
	truncated.name, truncated.params = "path_readlink/truncated", []uint64{3, aPath, 5, aData, 4, aOut}
	truncated.calls = calls(call("PathReadLink", wasi.FD(3), "dir/f", 4))
	truncated.out = []chunk{at(aData, []byte("targ")), at(aOut, u32(4))}
	add(readlink, truncated)
	add(pathArgCases(readlink, 1)...)
	add(efaults(readlink, 3, 16, nil)...)
	add(efaults(readlink, 5, 4, nil)...)

	rmdir := abiCase{name: "path_remove_directory/ok", fn: "path_remove_directory",
		params: []uint64{3, aPath, 5}, in: []chunk{p},
		calls: calls(call("PathRemoveDirectory", wasi.FD(3), "dir/f"))}
	add(rmdir)
	add(pathArgCases(rmdir, 1)...)

	rename := abiCase{name: "path_rename/ok", fn: "path_rename",
		params: []uint64{3, aPath, 5, 4, aPath + 0x100, 5}, in: []chunk{p, p2},
		calls: calls(call("PathRename", wasi.FD(3), "dir/f", wasi.FD(4), "new/g"))}
	add(rename)
	add(pathArgCases(rename, 1)...)
	add(pathArgCases(rename, 4)...)

	symlink := abiCase{name: "path_symlink/ok", fn: "path_symlink",
		params: []uint64{aPath, 5, 3, aPath + 0x100, 5}, in: []chunk{p, p2},
		calls: calls(call("PathSymlink", "dir/f", wasi.FD(3), "new/g"))}
	add(symlink)
	add(pathArgCases(symlink, 0)...)
	add(pathArgCases(symlink, 3)...)

	unlink := abiCase{name: "path_unlink_file/ok", fn: "path_unlink_file",
		params: []uint64{3, aPath, 5}, in: []chunk{p},
		calls: calls(call("PathUnlinkFile", wasi.FD(3), "dir/f"))}
	add(unlink)
	add(pathArgCases(unlink, 1)...)
	return cs
}

// pathArgCases derives from c the cases for the path at params[i],
// params[i+1]: the longest accepted path (MaxPathLen bytes) reaches the
// System; longer is ENAMETOOLONG; outside memory is EFAULT; a NUL is
// EINVAL; invalid UTF-8 is EILSEQ. Only the longest-path case calls the
// System.
func pathArgCases(c abiCase, i int) []abiCase {
	long := strings.Repeat("a", MaxPathLen)
	var cs []abiCase
	// The longest path, at aData+0x1000 (past every other input).
	v := c
	v.name = fmt.Sprintf("%s/%s_max_len", c.fn, paramName(c.fn, i))
	v.params = with(with(c.params, i, aData+0x1000), i+1, MaxPathLen)
	v.in = append(append([]chunk(nil), c.in...), at(aData+0x1000, []byte(long)))
	v.calls = []fakeCall{replaceArg(c.calls[0], stringArg(c, i), long)}
	cs = append(cs, v)
	for _, n := range []uint64{MaxPathLen + 1, 1 << 31, 0xFFFFFFFF} {
		cs = append(cs, variant(c, fmt.Sprintf("%s_len_%#x", paramName(c.fn, i), n), i+1, n, wasi.ENAMETOOLONG, nil))
	}
	for _, p := range []uint64{memSize - 4, memSize + 1, 0xFFFFFFFF} {
		cs = append(cs, variant(c, fmt.Sprintf("efault_%s_%#x", paramName(c.fn, i), p), i, p, wasi.EFAULT, nil))
	}
	for _, bad := range []struct {
		name  string
		b     []byte
		errno wasi.Errno
	}{{"nul", []byte("di\x00/f"), wasi.EINVAL}, {"bad_utf8", []byte("di\xff/f"), wasi.EILSEQ}} {
		v := c
		v.name = fmt.Sprintf("%s/%s_%s", c.fn, paramName(c.fn, i), bad.name)
		v.params = with(c.params, i, aData+0x800)
		v.in = append(append([]chunk(nil), c.in...), at(aData+0x800, bad.b))
		v.errno, v.calls, v.out = bad.errno, nil, nil
		cs = append(cs, v)
	}
	return cs
}

// stringArg returns which recorded argument of c's System call holds the
// path at params[i]: the recorded strings appear in parameter order.
func stringArg(c abiCase, i int) int {
	nth := 0
	for j := 0; j < i; j++ {
		if strings.Contains(paramName(c.fn, j), "path") && !strings.HasSuffix(paramName(c.fn, j), "_len") {
			nth++
		}
	}
	for k, a := range c.calls[0].args {
		if _, ok := a.(string); ok {
			if nth == 0 {
				return k
			}
			nth--
		}
	}
	panic("no string argument")
}

func replaceArg(fc fakeCall, k int, v any) fakeCall {
	args := append([]any(nil), fc.args...)
	args[k] = v
	return fakeCall{fc.name, args}
}

func pollCases() []abiCase {
	pad := func(n int) []byte { return bytes.Repeat([]byte{0xEE}, n) } // garbage the decoder must ignore
	subs := at(aIn,
		// clock: userdata 1, monotonic, timeout 1000, precision 10, abstime
		u64(1), []byte{0}, pad(7), u32(1), pad(4), u64(1000), u64(10), u16(1), pad(6),
		// fd_read on fd 5, userdata 2
		u64(2), []byte{1}, pad(7), u32(5), pad(28))
	decoded := []wasi.Subscription{
		{UserData: 1, EventType: wasi.ClockEvent, ClockID: wasi.Monotonic, Timeout: 1000, Precision: 10,
			Flags: wasi.SubscriptionClockAbstime},
		{UserData: 2, EventType: wasi.FDReadEvent, FD: 5},
	}
	ev := wasi.Event{UserData: 2, Errno: wasi.EBADF, EventType: wasi.FDReadEvent, NBytes: 9,
		Flags: wasi.FDReadWriteHangup}
	evBytes := bytes.Join([][]byte{u64(2), u16(uint16(wasi.EBADF)), {1, 0}, u32(0), u64(9), u16(1), zeros(6)}, nil)
	poll := abiCase{name: "poll_oneoff/ok", fn: "poll_oneoff", params: []uint64{aIn, aOut, 2, aOut + 0x100},
		in:    []chunk{subs},
		fake:  func(f *fakeSystem) { f.events = []wasi.Event{ev} },
		calls: calls(call("PollOneOff", decoded, 2)),
		// One event: the second slot of out is left alone.
		out: []chunk{at(aOut, evBytes), at(aOut+0x100, u32(1))}}
	cs := []abiCase{poll}
	for _, n := range []uint64{0, MaxPollSubscriptions + 1, 1 << 31, 0xFFFFFFFF} {
		cs = append(cs, variant(poll, fmt.Sprintf("nsubscriptions_%#x", n), 2, n, wasi.EINVAL, nil))
	}
	cs = append(cs, efaults(poll, 0, 2*wasi.SubscriptionSize, nil)...)
	cs = append(cs, efaults(poll, 1, 2*wasi.EventSize, nil)...)
	cs = append(cs, efaults(poll, 3, 4, nil)...)
	lying := poll
	lying.name = "poll_oneoff/nevents_clamped"
	lying.fake = func(f *fakeSystem) { f.events, f.nevents = []wasi.Event{ev, ev}, new(99) }
	lying.out = []chunk{at(aOut, evBytes, evBytes), at(aOut+0x100, u32(2))}
	failed := poll
	failed.name, failed.errno, failed.out = "poll_oneoff/system_error", wasi.EINTR, nil
	failed.fake = func(f *fakeSystem) { f.events, f.errno = []wasi.Event{ev}, wasi.EINTR }
	// in and out overlap: subscriptions are decoded before events are written.
	overlap := poll
	overlap.name, overlap.params = "poll_oneoff/overlapping_in_out", []uint64{aIn, aIn, 2, aOut + 0x100}
	overlap.out = []chunk{at(aIn, evBytes), at(aOut+0x100, u32(1))}
	// The most subscriptions accepted: zero bytes decode as realtime clock
	// subscriptions.
	most := poll
	most.name = "poll_oneoff/max_subscriptions"
	most.params = []uint64{0x10000, 0x40000, MaxPollSubscriptions, aOut}
	most.in = []chunk{at(0x10000, zeros(MaxPollSubscriptions*wasi.SubscriptionSize))}
	most.calls = calls(call("PollOneOff", make([]wasi.Subscription, MaxPollSubscriptions), MaxPollSubscriptions))
	most.out = []chunk{at(0x40000, evBytes), at(aOut, u32(1))}
	return append(cs, lying, failed, overlap, most)
}

func procCases() []abiCase {
	raise := abiCase{name: "proc_raise/ok", fn: "proc_raise", params: []uint64{uint64(wasi.SigTerm)},
		calls: calls(call("ProcRaise", wasi.SigTerm))}
	rnd := abiCase{name: "random_get/ok", fn: "random_get", params: []uint64{aData, 8},
		fake:  func(f *fakeSystem) { f.data = []byte("01234567") },
		calls: calls(call("RandomGet", 8)),
		out:   []chunk{at(aData, []byte("01234567"))}}
	empty := rnd
	empty.name, empty.params = "random_get/empty_at_end", []uint64{memSize, 0}
	empty.calls, empty.out = calls(call("RandomGet", 0)), nil
	cs := []abiCase{
		raise,
		variant(raise, "sig_too_wide", 0, 0x10F, wasi.EINVAL, nil),
		{name: "sched_yield/ok", fn: "sched_yield", calls: calls(call("SchedYield"))},
		rnd, empty,
		variant(rnd, "efault_len_wraps", 1, 0xFFFFFFFF, wasi.EFAULT, nil),
	}
	return append(cs, efaults(rnd, 0, 8, nil)...)
}

func sockCases() []abiCase {
	var cs []abiCase
	add := func(c ...abiCase) { cs = append(cs, c...) }
	accept := abiCase{name: "sock_accept/ok", fn: "sock_accept", params: []uint64{3, uint64(wasi.NonBlock), aOut},
		fake:  func(f *fakeSystem) { f.fd = 12 },
		calls: calls(call("SockAccept", wasi.FD(3), wasi.NonBlock)),
		out:   []chunk{at(aOut, u32(12))}}
	add(accept, variant(accept, "flags_too_wide", 1, 0x10004, wasi.EINVAL, nil))
	add(efaults(accept, 2, 4, nil)...)

	recv := abiCase{name: "sock_recv/ok", fn: "sock_recv", params: []uint64{3, aIn, 2, uint64(wasi.RecvPeek), aOut, aOut + 8},
		in:    []chunk{at(aIn, iov(aData, 3), iov(aData+0x10, 4))},
		fake:  func(f *fakeSystem) { f.data, f.roflags = []byte("abcdefgh"), wasi.RecvDataTruncated },
		calls: calls(call("SockRecv", wasi.FD(3), []int{3, 4}, wasi.RecvPeek)),
		out: []chunk{at(aData, []byte("abc")), at(aData+0x10, []byte("defg")),
			at(aOut, u32(7)), at(aOut+8, u16(uint16(wasi.RecvDataTruncated)))}}
	add(recv, variant(recv, "ri_flags_too_wide", 3, 0x10001, wasi.EINVAL, nil))
	add(iovecCases(recv, 4)...)
	add(efaults(recv, 5, 2, nil)...)

	send := abiCase{name: "sock_send/ok", fn: "sock_send", params: []uint64{3, aIn, 1, 0, aOut},
		in:    []chunk{at(aIn, iov(aData, 4)), at(aData, []byte("ping"))},
		calls: calls(call("SockSend", wasi.FD(3), "ping", wasi.SIFlags(0))),
		out:   []chunk{at(aOut, u32(4))}}
	add(send, variant(send, "si_flags_too_wide", 3, 0x10000, wasi.EINVAL, nil))
	add(iovecCases(send, 4)...)

	shut := abiCase{name: "sock_shutdown/ok", fn: "sock_shutdown", params: []uint64{3, uint64(wasi.ShutdownWR)},
		calls: calls(call("SockShutdown", wasi.FD(3), wasi.ShutdownWR))}
	add(shut, variant(shut, "how_too_wide", 1, 0x102, wasi.EINVAL, nil))
	return cs
}

// TestABI runs every case against one instance of all.wat.
func TestABI(t *testing.T) {
	ctx := t.Context()
	fake := &fakeSystem{}
	env := newGuestEnv(t, ctx, fake, "all")
	seen := map[string]bool{}
	for _, tc := range abiCases() {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %s", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			*fake = fakeSystem{}
			if tc.fake != nil {
				tc.fake(fake)
			}
			mem := env.mem(t)
			fillPattern(mem)
			for _, c := range tc.in {
				copy(mem[c.off:], c.b)
			}
			want := bytes.Clone(mem)
			for _, c := range tc.out {
				copy(want[c.off:], c.b)
			}
			errno, err := env.call(t, ctx, tc.fn, tc.params...)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if errno != tc.errno {
				t.Errorf("errno = %v, want %v", errno, tc.errno)
			}
			if !reflect.DeepEqual(fake.calls, tc.calls) {
				t.Errorf("System calls:\n got %v\nwant %v", fake.calls, tc.calls)
			}
			diffMemory(t, env.mem(t), want)
		})
	}
}

// diffMemory reports the first bytes that differ between got and want.
func diffMemory(t *testing.T, got, want []byte) {
	t.Helper()
	for i := range got {
		if got[i] != want[i] {
			end := min(i+16, len(got))
			t.Errorf("memory differs at %#x:\n got % x\nwant % x", i, got[i:end], want[i:end])
			return
		}
	}
}

// TestABICoverage checks that the suite has a success case for each of
// the 46 functions (proc_exit has its own test), and an EFAULT case for
// each function that takes a pointer.
func TestABICoverage(t *testing.T) {
	ok, efault := map[string]bool{}, map[string]bool{}
	for _, c := range abiCases() {
		if strings.HasSuffix(c.name, "/ok") && c.errno == 0 {
			ok[c.fn] = true
		}
		if c.errno == wasi.EFAULT {
			efault[c.fn] = true
		}
	}
	ok["proc_exit"] = true // TestProcExit
	for _, f := range Functions() {
		if !ok[f.Name] {
			t.Errorf("no success case for %s", f.Name)
		}
		if takesPointer(f) && !efault[f.Name] {
			t.Errorf("no EFAULT case for %s", f.Name)
		}
	}
}

func takesPointer(f FuncInfo) bool {
	for _, n := range f.ParamNames {
		switch {
		case strings.HasPrefix(n, "result."), strings.Contains(n, "path") && !strings.HasSuffix(n, "_len"):
			return true
		}
		switch n {
		case "argv", "argv_buf", "environ", "environ_buf", "iovs", "buf", "in", "out", "ri_data", "si_data":
			return true
		}
	}
	return false
}
