//go:build linux

package unix

import (
	"math"
	"testing"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// TestFDShortPaths checks that fd_read, fd_write and fd_pread of one
// buffer (readOne, writeOne) behave as the ordinary path does for the
// same call with an empty buffer added, which never takes a short path.
func TestFDShortPaths(t *testing.T) {
	ctx := t.Context()
	for _, short := range []bool{true, false} {
		name := "ordinary"
		if short {
			name = "short"
		}
		t.Run(name, func(t *testing.T) {
			e := newFDEnv(t, noStdioConfig())
			fd := e.open(t, "f", unix.O_RDWR|unix.O_CREAT, wasi.FileRights)
			iovs := func(b []byte) [][]byte {
				if short {
					return [][]byte{b}
				}
				return [][]byte{b, nil}
			}
			n, errno := e.s.FDWrite(ctx, fd, iovs([]byte("hello, world")))
			if n != 12 || errno != wasi.ESUCCESS {
				t.Fatalf("write = %d, %v", n, errno)
			}
			if n, errno := e.s.FDWrite(ctx, fd, iovs(nil)); n != 0 || errno != wasi.ESUCCESS {
				t.Fatalf("empty write = %d, %v", n, errno)
			}
			if got := e.readFile(t, "f"); got != "hello, world" {
				t.Fatalf("file = %q", got)
			}
			buf := make([]byte, 5)
			if n, errno := e.s.FDPread(ctx, fd, iovs(buf), 7); n != 5 || errno != wasi.ESUCCESS || string(buf) != "world" {
				t.Fatalf("pread at 7 = %d, %v, %q", n, errno, buf)
			}
			if n, errno := e.s.FDPread(ctx, fd, iovs(buf), 12); n != 0 || errno != wasi.ESUCCESS {
				t.Fatalf("pread at the end = %d, %v", n, errno)
			}
			if _, errno := e.s.FDPread(ctx, fd, iovs(buf), math.MaxInt64+1); errno != wasi.EINVAL {
				t.Fatalf("pread past 2^63-1: %v, want EINVAL", errno)
			}
			// The file offset is at the end (after the write): a read is
			// at EOF, and a seek back makes it read from the start.
			if n, errno := e.s.FDRead(ctx, fd, iovs(buf)); n != 0 || errno != wasi.ESUCCESS {
				t.Fatalf("read at the end = %d, %v", n, errno)
			}
			if _, errno := e.s.FDSeek(ctx, fd, 0, wasi.WhenceSet); errno != wasi.ESUCCESS {
				t.Fatal(errno)
			}
			if n, errno := e.s.FDRead(ctx, fd, iovs(buf)); n != 5 || errno != wasi.ESUCCESS || string(buf) != "hello" {
				t.Fatalf("read = %d, %v, %q", n, errno, buf)
			}
			if n, errno := e.s.FDRead(ctx, fd, iovs(nil)); n != 0 || errno != wasi.ESUCCESS {
				t.Fatalf("empty read = %d, %v", n, errno)
			}

			// Errors come from the ordinary path, whichever path was asked.
			ro := e.open(t, "f", unix.O_RDONLY, wasi.FileRights&^wasi.FDWriteRight)
			noSeek := e.open(t, "f", unix.O_RDONLY, wasi.FileRights&^wasi.FDSeekRight)
			tests := []struct {
				name string
				call func() wasi.Errno
				want wasi.Errno
			}{
				{"write without right", func() wasi.Errno { _, e := e.s.FDWrite(ctx, ro, iovs(buf)); return e }, wasi.EBADF},
				{"write directory", func() wasi.Errno { _, e := e.s.FDWrite(ctx, fdPreopen, iovs(buf)); return e }, wasi.EBADF},
				{"read directory", func() wasi.Errno { _, e := e.s.FDRead(ctx, fdPreopen, iovs(buf)); return e }, wasi.EISDIR},
				{"read closed", func() wasi.Errno { _, e := e.s.FDRead(ctx, 99, iovs(buf)); return e }, wasi.EBADF},
				{"read negative", func() wasi.Errno { _, e := e.s.FDRead(ctx, -1, iovs(buf)); return e }, wasi.EBADF},
				{"pread without seek", func() wasi.Errno { _, e := e.s.FDPread(ctx, noSeek, iovs(buf), 0); return e }, wasi.ENOTCAPABLE},
				{"pread directory", func() wasi.Errno { _, e := e.s.FDPread(ctx, fdPreopen, iovs(buf), 0); return e }, wasi.EISDIR},
			}
			for _, tt := range tests {
				if got := tt.call(); got != tt.want {
					t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
				}
			}
		})
	}
}

// TestFDShortPathsPendingType checks that a descriptor whose type
// path_open left pending is settled before a read or write of one buffer
// uses it (the short paths need the type).
func TestFDShortPathsPendingType(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	e.writeFile(t, "f", "data")
	fd, errno := e.s.PathOpen(ctx, fdPreopen, 0, "f", 0, wasi.FileRights, 0, 0)
	if errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	if !e.s.files[fd].typPending {
		t.Fatal("path_open settled the type: nothing to test")
	}
	buf := make([]byte, 8)
	if n, errno := e.s.FDRead(ctx, fd, [][]byte{buf}); n != 4 || errno != wasi.ESUCCESS || string(buf[:4]) != "data" {
		t.Fatalf("read = %d, %v, %q", n, errno, buf[:n])
	}
	if f := e.s.files[fd]; f.typPending || f.typ != wasi.RegularFileType {
		t.Fatalf("after read: pending %v, type %v", f.typPending, f.typ)
	}
	if n, errno := e.s.FDPread(ctx, fd, [][]byte{buf}, 1); n != 3 || errno != wasi.ESUCCESS {
		t.Fatalf("pread = %d, %v", n, errno)
	}
}

// TestFDShortPathsLimits checks that a write of one buffer under a byte
// limit is charged (the short path is only for a System without limits).
func TestFDShortPathsLimits(t *testing.T) {
	cfg := noStdioConfig()
	cfg.WriteQuota = 10
	e := newFDEnv(t, cfg)
	ctx := t.Context()
	fd := e.open(t, "f", unix.O_RDWR|unix.O_CREAT, wasi.FileRights)
	if n, errno := e.s.FDWrite(ctx, fd, [][]byte{[]byte("0123456789abc")}); n != 10 || errno != wasi.ESUCCESS {
		t.Fatalf("write over the quota = %d, %v; want a short write of 10", n, errno)
	}
	if _, errno := e.s.FDWrite(ctx, fd, [][]byte{[]byte("x")}); errno != wasi.EDQUOT {
		t.Fatalf("write past the quota: %v, want EDQUOT", errno)
	}
}

// TestFDShortPathsNoAllocs: the short paths allocate nothing either.
func TestFDShortPathsNoAllocs(t *testing.T) {
	e := newFDEnv(t, noStdioConfig())
	ctx := t.Context()
	fd := e.open(t, "f", unix.O_RDWR|unix.O_CREAT, wasi.FileRights)
	one := [][]byte{make([]byte, 64)}
	tests := []struct {
		name string
		fn   func()
	}{
		{"write one", func() { e.s.FDWrite(ctx, fd, one) }},
		{"read one", func() { e.s.FDSeek(ctx, fd, 0, wasi.WhenceSet); e.s.FDRead(ctx, fd, one) }},
		{"pread one", func() { e.s.FDPread(ctx, fd, one, 0) }},
	}
	for _, tt := range tests {
		if a := testing.AllocsPerRun(100, tt.fn); a != 0 {
			t.Errorf("%s: %v allocs/op", tt.name, a)
		}
	}
}
