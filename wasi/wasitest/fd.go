package wasitest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// Tests of the fd_* functions (fd_readdir and fd_renumber are in dir.go).

func (s *suite) fdAdvise(t *testing.T) {
	s.test(t, "every advice", func(e *env) {
		fd := e.openFile("f", fileContent)
		for a := wasi.AdviceNormal; a <= wasi.AdviceNoReuse; a++ {
			e.errno(fmt.Sprintf("fd_advise(advice=%d)", a), e.sys.FDAdvise(e.ctx, fd, 0, 10, a), wasi.ESUCCESS)
		}
	})
	s.test(t, "unknown advice", func(e *env) {
		fd := e.openFile("f", fileContent)
		e.errno("fd_advise(advice=6)", e.sys.FDAdvise(e.ctx, fd, 0, 10, 6), wasi.EINVAL)
		e.errno("fd_advise(advice=255)", e.sys.FDAdvise(e.ctx, fd, 0, 10, 255), wasi.EINVAL)
	})
	s.test(t, "range past the end", func(e *env) {
		fd := e.openFile("f", fileContent)
		e.errno("fd_advise(offset=1<<62)", e.sys.FDAdvise(e.ctx, fd, 1<<62, 1<<62, wasi.AdviceRandom), wasi.ESUCCESS, wasi.EINVAL)
	})
}

func (s *suite) fdAllocate(t *testing.T) {
	// wasmtime reports ENOTSUP for fd_allocate; when supported, it must
	// grow the file and keep its contents.
	s.test(t, "grows the file", func(e *env) {
		fd := e.openFile("f", "abc")
		errno := e.sys.FDAllocate(e.ctx, fd, 0, 4096)
		if !e.errno("fd_allocate(0, 4096)", errno, wasi.ESUCCESS, wasi.ENOTSUP) || errno != wasi.ESUCCESS {
			return
		}
		if st := e.filestat(fd); st.Size != 4096 {
			e.t.Errorf("size after fd_allocate(0, 4096) = %d, want 4096", st.Size)
		}
		if got := e.hostRead("f"); !strings.HasPrefix(got, "abc") {
			e.t.Errorf("contents after fd_allocate = %q..., want abc...", got[:min(len(got), 8)])
		}
		e.errno("fd_allocate(0, 10) inside the file", e.sys.FDAllocate(e.ctx, fd, 0, 10), wasi.ESUCCESS)
		if st := e.filestat(fd); st.Size != 4096 {
			e.t.Errorf("fd_allocate inside the file changed its size to %d", st.Size)
		}
	})
	s.test(t, "huge", func(e *env) {
		fd := e.openFile("f", "")
		// offset+len overflows: the kernel says EFBIG or EINVAL.
		errno := e.sys.FDAllocate(e.ctx, fd, 1<<63, 1<<63)
		e.errno("fd_allocate(1<<63, 1<<63)", errno, wasi.EINVAL, wasi.EFBIG, wasi.ENOTSUP)
	})
}

func (s *suite) fdClose(t *testing.T) {
	s.test(t, "close", func(e *env) {
		fd := e.openFile("f", "")
		e.close(fd)
		e.errno("fd_fdstat_get after close", func() wasi.Errno { _, err := e.sys.FDStatGet(e.ctx, fd); return err }(), wasi.EBADF)
		e.errno("second fd_close", e.sys.FDClose(e.ctx, fd), wasi.EBADF)
	})
	s.test(t, "not open", func(e *env) {
		for _, fd := range []wasi.FD{-1, 100, 1 << 30, -1 << 31} {
			e.errno(fmt.Sprintf("fd_close(%d)", fd), e.sys.FDClose(e.ctx, fd), wasi.EBADF)
		}
	})
	s.test(t, "other descriptors stay open", func(e *env) {
		a := e.openFile("a", "a")
		b := e.openFile("b", "b")
		e.close(a)
		if got := e.readAll(b); got != "b" {
			e.t.Errorf("read from the other descriptor = %q, want b", got)
		}
		if !e.isOpen(Root) {
			e.t.Error("closing a file closed the preopen")
		}
	})
}

// fdSync covers fd_sync and fd_datasync.
func (s *suite) fdSync(t *testing.T) {
	s.test(t, "file", func(e *env) {
		fd := e.openFile("f", "")
		e.write(fd, "data")
		e.errno("fd_datasync", e.sys.FDDataSync(e.ctx, fd), wasi.ESUCCESS)
		e.errno("fd_sync", e.sys.FDSync(e.ctx, fd), wasi.ESUCCESS)
	})
	s.test(t, "directory", func(e *env) {
		e.errno("fd_sync(root)", e.sys.FDSync(e.ctx, Root), wasi.ESUCCESS)
	})
}

func (s *suite) fdStatGet(t *testing.T) {
	s.test(t, "preopen", func(e *env) {
		st := e.fdstat(Root)
		if st.FileType != wasi.DirectoryType {
			e.t.Errorf("root filetype = %v, want directory", st.FileType)
		}
		if need := wasi.PathOpenRight | wasi.FDReadDirRight | wasi.PathCreateFileRight; !st.RightsBase.Has(need) {
			e.t.Errorf("root rights %v lack %v", st.RightsBase, need&^st.RightsBase)
		}
		if !st.RightsInheriting.Has(wasi.FDReadRight | wasi.FDWriteRight) {
			e.t.Errorf("root inheriting rights %v lack fd_read|fd_write", st.RightsInheriting)
		}
	})
	s.test(t, "file", func(e *env) {
		e.hostWrite("f", "")
		want := wasi.FDReadRight | wasi.FDWriteRight | wasi.FDSeekRight
		fd := e.open("f", 0, want, wasi.Append)
		st := e.fdstat(fd)
		if st.FileType != wasi.RegularFileType {
			e.t.Errorf("filetype = %v, want regular_file", st.FileType)
		}
		if st.RightsBase != want {
			e.t.Errorf("rights = %v, want exactly the requested %v", st.RightsBase, want)
		}
		if !st.Flags.Has(wasi.Append) {
			e.t.Errorf("flags = %v, want append", st.Flags)
		}
	})
	s.test(t, "directory", func(e *env) {
		e.hostMkdir("d")
		fd := e.openDir("d", dirRights)
		st := e.fdstat(fd)
		if st.FileType != wasi.DirectoryType {
			e.t.Errorf("filetype = %v, want directory", st.FileType)
		}
		if st.RightsBase&^dirRights != 0 {
			e.t.Errorf("rights %v exceed the requested %v", st.RightsBase, dirRights)
		}
	})
}

func (s *suite) fdStatSetFlags(t *testing.T) {
	s.test(t, "append", func(e *env) {
		fd := e.openFile("f", "")
		e.write(fd, "abc")
		e.seek(fd, 0, wasi.WhenceSet)
		e.must("fd_fdstat_set_flags(append)", e.sys.FDStatSetFlags(e.ctx, fd, wasi.Append))
		if st := e.fdstat(fd); !st.Flags.Has(wasi.Append) {
			e.t.Errorf("flags after set = %v, want append", st.Flags)
		}
		e.write(fd, "d")
		if got := e.hostRead("f"); got != "abcd" {
			e.t.Errorf("append write gave %q, want abcd", got)
		}
		e.must("fd_fdstat_set_flags(0)", e.sys.FDStatSetFlags(e.ctx, fd, 0))
		if st := e.fdstat(fd); st.Flags.Has(wasi.Append) {
			e.t.Errorf("flags after clearing = %v", st.Flags)
		}
		e.seek(fd, 0, wasi.WhenceSet)
		e.write(fd, "X")
		if got := e.hostRead("f"); got != "Xbcd" {
			e.t.Errorf("write after clearing append gave %q, want Xbcd", got)
		}
	})
	s.test(t, "nonblock", func(e *env) {
		fd := e.openFile("f", fileContent)
		e.must("fd_fdstat_set_flags(nonblock)", e.sys.FDStatSetFlags(e.ctx, fd, wasi.NonBlock))
		if st := e.fdstat(fd); !st.Flags.Has(wasi.NonBlock) {
			e.t.Errorf("flags = %v, want nonblock", st.Flags)
		}
		if got := e.readAll(fd); got != fileContent {
			e.t.Errorf("non-blocking read of a file = %q", got)
		}
	})
}

func (s *suite) fdStatSetRights(t *testing.T) {
	s.test(t, "drop", func(e *env) {
		fd := e.openFile("f", fileContent)
		e.must("fd_fdstat_set_rights", e.sys.FDStatSetRights(e.ctx, fd, wasi.FDReadRight|wasi.FDFileStatGetRight, 0))
		st := e.fdstat(fd)
		if st.RightsBase != wasi.FDReadRight|wasi.FDFileStatGetRight || st.RightsInheriting != 0 {
			e.t.Errorf("rights = %v / %v, want fd_read|fd_filestat_get / 0", st.RightsBase, st.RightsInheriting)
		}
		_, errno := e.sys.FDWrite(e.ctx, fd, []wasi.IOVec{[]byte("x")})
		e.errno("fd_write without the right", errno, wasi.EBADF) // not open for writing
		if got, _ := e.read(fd, 64); got != fileContent {
			e.t.Errorf("fd_read = %q, want %q", got, fileContent)
		}
	})
	s.test(t, "cannot add", func(e *env) {
		e.hostWrite("f", "")
		fd := e.open("f", 0, wasi.FDReadRight, 0)
		errno := e.sys.FDStatSetRights(e.ctx, fd, wasi.FDReadRight|wasi.FDWriteRight, 0)
		e.errno("fd_fdstat_set_rights adding fd_write", errno, wasi.ENOTCAPABLE)
		if st := e.fdstat(fd); st.RightsBase.Has(wasi.FDWriteRight) {
			e.t.Errorf("rights grew to %v", st.RightsBase)
		}
	})
	s.test(t, "directory inheriting", func(e *env) {
		e.hostWrite("d/f", "x")
		d := e.openDir("d", dirRights)
		e.must("fd_fdstat_set_rights", e.sys.FDStatSetRights(e.ctx, d, dirRights, wasi.FDReadRight))
		// Inheriting rights attenuate what a later path_open asks for;
		// they never make it fail by themselves.
		fd, errno := e.openAt(d, 0, "f", 0, wasi.FDReadRight|wasi.FDWriteRight, 0)
		if !e.errno("path_open asking for more than inheriting", errno, wasi.ESUCCESS) {
			return
		}
		if st := e.fdstat(fd); st.RightsBase&^wasi.FDReadRight != 0 {
			e.t.Errorf("opened with rights %v, want at most fd_read", st.RightsBase)
		}
		_, errno = e.sys.FDWrite(e.ctx, fd, []wasi.IOVec{[]byte("y")})
		e.errno("fd_write through attenuated rights", errno, wasi.EBADF)
		if got := e.hostRead("d/f"); got != "x" {
			e.t.Errorf("file changed to %q", got)
		}
	})
}

func (s *suite) fdFileStatGet(t *testing.T) {
	s.test(t, "file", func(e *env) {
		fd := e.openFile("f", fileContent)
		st := e.filestat(fd)
		if st.FileType != wasi.RegularFileType || st.Size != uint64(len(fileContent)) || st.NLink != 1 {
			e.t.Errorf("filestat = %+v, want a regular file of %d bytes with one link", st, len(fileContent))
		}
		if st.Ino == 0 || st.MTime == 0 {
			e.t.Errorf("filestat = %+v, want an inode and a modification time", st)
		}
		if pst := e.pathStat("f", 0); pst.Ino != st.Ino || pst.Dev != st.Dev {
			e.t.Errorf("path_filestat_get and fd_filestat_get disagree: %+v vs %+v", pst, st)
		}
		e.write(fd, "more")
		if st := e.filestat(fd); st.Size != uint64(len(fileContent)) {
			e.t.Errorf("size after overwriting 4 bytes = %d", st.Size)
		}
		e.seek(fd, 0, wasi.WhenceEnd)
		e.write(fd, "more")
		if st := e.filestat(fd); st.Size != uint64(len(fileContent)+4) {
			e.t.Errorf("size after appending 4 bytes = %d", st.Size)
		}
	})
	s.test(t, "directory", func(e *env) {
		st := e.filestat(Root)
		if st.FileType != wasi.DirectoryType {
			e.t.Errorf("root filestat type = %v, want directory", st.FileType)
		}
	})
}

func (s *suite) fdFileStatSetSize(t *testing.T) {
	s.test(t, "grow and shrink", func(e *env) {
		fd := e.openFile("f", "abc")
		e.must("fd_filestat_set_size(100)", e.sys.FDFileStatSetSize(e.ctx, fd, 100))
		if got := e.hostRead("f"); got != "abc"+strings.Repeat("\x00", 97) {
			e.t.Errorf("after growing: %q", got)
		}
		e.must("fd_filestat_set_size(2)", e.sys.FDFileStatSetSize(e.ctx, fd, 2))
		if got := e.hostRead("f"); got != "ab" {
			e.t.Errorf("after shrinking: %q", got)
		}
		if pos, _ := e.sys.FDTell(e.ctx, fd); pos != 0 {
			e.t.Errorf("fd_filestat_set_size moved the offset to %d", pos)
		}
	})
	s.test(t, "too large", func(e *env) {
		fd := e.openFile("f", "abc")
		e.errno("fd_filestat_set_size(1<<63)", e.sys.FDFileStatSetSize(e.ctx, fd, 1<<63), wasi.EINVAL, wasi.EFBIG)
		if got := e.hostRead("f"); got != "abc" {
			e.t.Errorf("file changed to %q", got)
		}
	})
	s.test(t, "directory", func(e *env) {
		errno := e.sys.FDFileStatSetSize(e.ctx, Root, 0)
		e.errno("fd_filestat_set_size(root)", errno, wasi.EISDIR, wasi.ENOTCAPABLE, wasi.EBADF, wasi.EINVAL)
	})
}

const (
	sec1 = wasi.Timestamp(1_000_000_001) // odd nanoseconds: precision is checked too
	sec2 = wasi.Timestamp(2_000_000_002)
)

func (s *suite) fdFileStatSetTimes(t *testing.T) {
	s.test(t, "explicit", func(e *env) {
		fd := e.openFile("f", "")
		e.must("fd_filestat_set_times(atim|mtim)", e.sys.FDFileStatSetTimes(e.ctx, fd, sec1, sec2, wasi.AccessTime|wasi.ModifyTime))
		if st := e.filestat(fd); st.ATime != sec1 || st.MTime != sec2 {
			e.t.Errorf("times = %d, %d; want %d, %d", st.ATime, st.MTime, sec1, sec2)
		}
		e.must("fd_filestat_set_times(mtim)", e.sys.FDFileStatSetTimes(e.ctx, fd, 0, sec1, wasi.ModifyTime))
		if st := e.filestat(fd); st.ATime != sec1 || st.MTime != sec1 {
			e.t.Errorf("times after setting mtim only = %d, %d; want %d, %d", st.ATime, st.MTime, sec1, sec1)
		}
		e.must("fd_filestat_set_times(0)", e.sys.FDFileStatSetTimes(e.ctx, fd, 5, 5, 0))
		if st := e.filestat(fd); st.ATime != sec1 || st.MTime != sec1 {
			e.t.Errorf("times after flags 0 = %d, %d; want them unchanged", st.ATime, st.MTime)
		}
	})
	s.test(t, "now", func(e *env) {
		fd := e.openFile("f", "")
		e.must("fd_filestat_set_times(atim|mtim)", e.sys.FDFileStatSetTimes(e.ctx, fd, sec1, sec1, wasi.AccessTime|wasi.ModifyTime))
		e.must("fd_filestat_set_times(mtim_now)", e.sys.FDFileStatSetTimes(e.ctx, fd, 0, 0, wasi.ModifyTimeNow))
		if st := e.filestat(fd); st.MTime <= sec2 || st.ATime != sec1 {
			e.t.Errorf("after mtim_now: atim %d (want %d), mtim %d (want now)", st.ATime, sec1, st.MTime)
		}
		e.must("fd_filestat_set_times(atim_now)", e.sys.FDFileStatSetTimes(e.ctx, fd, 0, 0, wasi.AccessTimeNow))
		if st := e.filestat(fd); st.ATime <= sec2 {
			e.t.Errorf("after atim_now: atim %d, want now", st.ATime)
		}
	})
	s.test(t, "time and now", func(e *env) {
		fd := e.openFile("f", "")
		e.must("fd_filestat_set_times", e.sys.FDFileStatSetTimes(e.ctx, fd, sec1, sec1, wasi.AccessTime|wasi.ModifyTime))
		for _, flags := range []wasi.FSTFlags{
			wasi.AccessTime | wasi.AccessTimeNow,
			wasi.ModifyTime | wasi.ModifyTimeNow,
			wasi.AccessTime | wasi.AccessTimeNow | wasi.ModifyTime,
		} {
			errno := e.sys.FDFileStatSetTimes(e.ctx, fd, sec2, sec2, flags)
			e.errno(fmt.Sprintf("fd_filestat_set_times(%v)", flags), errno, wasi.EINVAL)
		}
		if st := e.filestat(fd); st.ATime != sec1 || st.MTime != sec1 {
			e.t.Errorf("a refused call changed the times to %d, %d", st.ATime, st.MTime)
		}
	})
}

func (s *suite) fdPread(t *testing.T) {
	s.test(t, "at offsets", func(e *env) {
		fd := e.openFile("f", fileContent)
		e.seek(fd, 2, wasi.WhenceSet)
		a, b := make([]byte, 2), make([]byte, 3)
		n, errno := e.sys.FDPread(e.ctx, fd, []wasi.IOVec{a, b}, 5)
		e.must("fd_pread", errno)
		if n != 5 || string(a)+string(b) != "56789" {
			e.t.Errorf("fd_pread at 5 = %d %q%q, want 5 \"56789\"", n, a, b)
		}
		if pos, _ := e.sys.FDTell(e.ctx, fd); pos != 2 {
			e.t.Errorf("fd_pread moved the offset to %d", pos)
		}
		n, errno = e.sys.FDPread(e.ctx, fd, []wasi.IOVec{make([]byte, 10)}, 8)
		if e.errno("fd_pread near the end", errno, wasi.ESUCCESS) && n != 2 {
			e.t.Errorf("fd_pread at 8 = %d bytes, want 2", n)
		}
		n, errno = e.sys.FDPread(e.ctx, fd, []wasi.IOVec{make([]byte, 10)}, 1000)
		if e.errno("fd_pread past the end", errno, wasi.ESUCCESS) && n != 0 {
			e.t.Errorf("fd_pread past the end = %d bytes", n)
		}
		n, errno = e.sys.FDPread(e.ctx, fd, nil, 0)
		if e.errno("fd_pread with no iovecs", errno, wasi.ESUCCESS) && n != 0 {
			e.t.Errorf("fd_pread with no iovecs = %d bytes", n)
		}
	})
	s.test(t, "huge offset", func(e *env) {
		fd := e.openFile("f", fileContent)
		_, errno := e.sys.FDPread(e.ctx, fd, []wasi.IOVec{make([]byte, 4)}, 1<<63)
		e.errno("fd_pread at 1<<63", errno, wasi.EINVAL, wasi.EOVERFLOW)
	})
	s.test(t, "directory", func(e *env) {
		_, errno := e.sys.FDPread(e.ctx, Root, []wasi.IOVec{make([]byte, 4)}, 0)
		e.errno("fd_pread(root)", errno, wasi.EISDIR, wasi.EBADF)
	})
}

func (s *suite) fdPwrite(t *testing.T) {
	s.test(t, "at offsets", func(e *env) {
		fd := e.openFile("f", "")
		n, errno := e.sys.FDPwrite(e.ctx, fd, []wasi.IOVec{[]byte("hel"), nil, []byte("lo")}, 3)
		e.must("fd_pwrite", errno)
		if n != 5 {
			e.t.Errorf("fd_pwrite wrote %d bytes, want 5", n)
		}
		if got := e.hostRead("f"); got != "\x00\x00\x00hello" {
			e.t.Errorf("file = %q, want a hole then hello", got)
		}
		if pos, _ := e.sys.FDTell(e.ctx, fd); pos != 0 {
			e.t.Errorf("fd_pwrite moved the offset to %d", pos)
		}
		e.write(fd, "AB")
		if got := e.hostRead("f"); got != "AB\x00hello" {
			e.t.Errorf("file = %q after a write at the offset", got)
		}
	})
	s.test(t, "huge offset", func(e *env) {
		fd := e.openFile("f", "")
		_, errno := e.sys.FDPwrite(e.ctx, fd, []wasi.IOVec{[]byte("x")}, 1<<63)
		e.errno("fd_pwrite at 1<<63", errno, wasi.EINVAL, wasi.EFBIG, wasi.EOVERFLOW)
	})
}

func (s *suite) fdPrestatGet(t *testing.T) {
	s.test(t, "root", func(e *env) {
		p, errno := e.sys.FDPrestatGet(e.ctx, Root)
		e.must("fd_prestat_get(3)", errno)
		if p.Type != wasi.PreopenDir || p.NameLen != 1 {
			e.t.Errorf("fd_prestat_get(3) = %+v, want a directory named by 1 byte (\"/\")", p)
		}
	})
	s.test(t, "not preopens", func(e *env) {
		// wasi-libc scans fds from 3 until EBADF: the first fd after the
		// preopens must say EBADF, and so must everything that is not one.
		e.hostMkdir("d")
		d := e.openDir("d", dirRights)
		f := e.openFile("f", "")
		for _, fd := range []wasi.FD{0, 1, 2, d, f, 100, -1} {
			_, errno := e.sys.FDPrestatGet(e.ctx, fd)
			e.errno(fmt.Sprintf("fd_prestat_get(%d)", fd), errno, wasi.EBADF)
		}
	})
	s.test(t, "scan stops", func(e *env) {
		_, errno := e.sys.FDPrestatGet(e.ctx, Root+1)
		e.errno("fd_prestat_get(4) with one preopen", errno, wasi.EBADF)
	})
}

func (s *suite) fdPrestatDirName(t *testing.T) {
	s.test(t, "root", func(e *env) {
		name, errno := e.sys.FDPrestatDirName(e.ctx, Root)
		e.must("fd_prestat_dir_name(3)", errno)
		if name != "/" {
			e.t.Errorf("fd_prestat_dir_name(3) = %q, want \"/\"", name)
		}
	})
	s.test(t, "not preopens", func(e *env) {
		e.hostMkdir("d")
		d := e.openDir("d", dirRights)
		for _, fd := range []wasi.FD{0, 1, d, 100, -1} {
			_, errno := e.sys.FDPrestatDirName(e.ctx, fd)
			e.errno(fmt.Sprintf("fd_prestat_dir_name(%d)", fd), errno, wasi.EBADF)
		}
	})
}

func (s *suite) fdRead(t *testing.T) {
	s.test(t, "scatter", func(e *env) {
		fd := e.openFile("f", fileContent)
		a, b, c := make([]byte, 3), []byte{}, make([]byte, 20)
		n, errno := e.sys.FDRead(e.ctx, fd, []wasi.IOVec{a, b, c})
		e.must("fd_read", errno)
		if n != 10 || string(a) != "012" || string(c[:7]) != "3456789" {
			e.t.Errorf("fd_read = %d %q %q, want 10 \"012\" \"3456789\"", n, a, c[:7])
		}
		if pos, _ := e.sys.FDTell(e.ctx, fd); pos != 10 {
			e.t.Errorf("offset after reading = %d, want 10", pos)
		}
		n, errno = e.sys.FDRead(e.ctx, fd, []wasi.IOVec{c})
		if e.errno("fd_read at the end", errno, wasi.ESUCCESS) && n != 0 {
			e.t.Errorf("fd_read at the end = %d bytes, want 0", n)
		}
	})
	s.test(t, "no iovecs", func(e *env) {
		fd := e.openFile("f", fileContent)
		n, errno := e.sys.FDRead(e.ctx, fd, nil)
		if e.errno("fd_read with no iovecs", errno, wasi.ESUCCESS) && n != 0 {
			e.t.Errorf("fd_read with no iovecs = %d", n)
		}
		n, errno = e.sys.FDRead(e.ctx, fd, []wasi.IOVec{{}, {}})
		if e.errno("fd_read with empty iovecs", errno, wasi.ESUCCESS) && n != 0 {
			e.t.Errorf("fd_read with empty iovecs = %d", n)
		}
		if got := e.readAll(fd); got != fileContent {
			e.t.Errorf("empty reads consumed data: %q", got)
		}
	})
	s.test(t, "directory", func(e *env) {
		_, errno := e.sys.FDRead(e.ctx, Root, []wasi.IOVec{make([]byte, 10)})
		e.errno("fd_read(root)", errno, wasi.EISDIR, wasi.EBADF)
	})
	s.test(t, "write-only", func(e *env) {
		e.hostWrite("f", fileContent)
		fd := e.open("f", 0, wasi.FDWriteRight, 0)
		_, errno := e.sys.FDRead(e.ctx, fd, []wasi.IOVec{make([]byte, 10)})
		// Not open for reading: EBADF, as read(2), wasmtime and the
		// WASI testsuite answer; not ENOTCAPABLE.
		e.errno("fd_read without fd_read", errno, wasi.EBADF)
	})
}

func (s *suite) fdSeek(t *testing.T) {
	s.test(t, "whence", func(e *env) {
		fd := e.openFile("f", fileContent)
		for _, c := range []struct {
			off    wasi.FileDelta
			whence wasi.Whence
			want   wasi.FileSize
		}{
			{3, wasi.WhenceSet, 3},
			{2, wasi.WhenceCur, 5},
			{-1, wasi.WhenceCur, 4},
			{-1, wasi.WhenceEnd, 9},
			{0, wasi.WhenceEnd, 10},
			{100, wasi.WhenceSet, 100},
			{0, wasi.WhenceCur, 100},
		} {
			pos, errno := e.sys.FDSeek(e.ctx, fd, c.off, c.whence)
			if e.errno(fmt.Sprintf("fd_seek(%d, %v)", c.off, c.whence), errno, wasi.ESUCCESS) && pos != c.want {
				e.t.Errorf("fd_seek(%d, %v) = %d, want %d", c.off, c.whence, pos, c.want)
			}
		}
		e.seek(fd, 4, wasi.WhenceSet)
		if got, _ := e.read(fd, 3); got != "456" {
			e.t.Errorf("read after seek = %q, want 456", got)
		}
	})
	s.test(t, "invalid", func(e *env) {
		fd := e.openFile("f", fileContent)
		e.seek(fd, 5, wasi.WhenceSet)
		for _, c := range []struct {
			off    wasi.FileDelta
			whence wasi.Whence
		}{
			{-1, wasi.WhenceSet},
			{-6, wasi.WhenceCur},
			{-11, wasi.WhenceEnd},
			{0, 3},
			{0, 255},
		} {
			_, errno := e.sys.FDSeek(e.ctx, fd, c.off, c.whence)
			e.errno(fmt.Sprintf("fd_seek(%d, %d)", c.off, c.whence), errno, wasi.EINVAL)
		}
		if pos, _ := e.sys.FDTell(e.ctx, fd); pos != 5 {
			e.t.Errorf("a refused seek moved the offset to %d", pos)
		}
	})
	s.test(t, "directory", func(e *env) {
		_, errno := e.sys.FDSeek(e.ctx, Root, 0, wasi.WhenceCur)
		e.errno("fd_seek(root)", errno, wasi.EISDIR, wasi.ENOTCAPABLE, wasi.EBADF, wasi.ESPIPE)
	})
}

func (s *suite) fdTell(t *testing.T) {
	s.test(t, "tell", func(e *env) {
		fd := e.openFile("f", fileContent)
		if pos, errno := e.sys.FDTell(e.ctx, fd); errno != wasi.ESUCCESS || pos != 0 {
			e.t.Errorf("fd_tell after open = %d, %v; want 0", pos, errno.Name())
		}
		e.read(fd, 4)
		if pos, errno := e.sys.FDTell(e.ctx, fd); errno != wasi.ESUCCESS || pos != 4 {
			e.t.Errorf("fd_tell after reading 4 = %d, %v; want 4", pos, errno.Name())
		}
	})
	s.test(t, "append", func(e *env) {
		e.hostWrite("f", fileContent)
		fd := e.open("f", 0, fileRights, wasi.Append)
		e.write(fd, "ab")
		if pos, errno := e.sys.FDTell(e.ctx, fd); errno != wasi.ESUCCESS || pos != 12 {
			e.t.Errorf("fd_tell after an append write = %d, %v; want 12", pos, errno.Name())
		}
	})
}

func (s *suite) fdWrite(t *testing.T) {
	s.test(t, "gather", func(e *env) {
		fd := e.openFile("f", "")
		n, errno := e.sys.FDWrite(e.ctx, fd, []wasi.IOVec{[]byte("ab"), {}, []byte("cde")})
		e.must("fd_write", errno)
		if n != 5 {
			e.t.Errorf("fd_write = %d, want 5", n)
		}
		if got := e.hostRead("f"); got != "abcde" {
			e.t.Errorf("file = %q, want abcde", got)
		}
	})
	s.test(t, "no iovecs", func(e *env) {
		fd := e.openFile("f", "x")
		n, errno := e.sys.FDWrite(e.ctx, fd, nil)
		if e.errno("fd_write with no iovecs", errno, wasi.ESUCCESS) && n != 0 {
			e.t.Errorf("fd_write with no iovecs = %d", n)
		}
	})
	s.test(t, "large", func(e *env) {
		fd := e.openFile("f", "")
		big := strings.Repeat("0123456789abcdef", 1<<14) // 256 KiB
		iovs := []wasi.IOVec{[]byte(big[:1000]), []byte(big[1000:])}
		n, errno := e.sys.FDWrite(e.ctx, fd, iovs)
		e.must("fd_write 256 KiB", errno)
		if n != wasi.Size(len(big)) {
			e.t.Errorf("fd_write = %d, want %d (a regular file takes it all)", n, len(big))
		}
		if got := e.hostRead("f"); got != big {
			e.t.Errorf("file has %d bytes, want %d", len(got), len(big))
		}
	})
	s.test(t, "read-only", func(e *env) {
		e.hostWrite("f", "x")
		fd := e.open("f", 0, wasi.FDReadRight, 0)
		_, errno := e.sys.FDWrite(e.ctx, fd, []wasi.IOVec{[]byte("y")})
		e.errno("fd_write without fd_write", errno, wasi.EBADF) // not open for writing
		if got := e.hostRead("f"); got != "x" {
			e.t.Errorf("file = %q", got)
		}
	})
	s.test(t, "directory", func(e *env) {
		_, errno := e.sys.FDWrite(e.ctx, Root, []wasi.IOVec{[]byte("y")})
		e.errno("fd_write(root)", errno, wasi.EISDIR, wasi.EBADF)
	})
}
