//go:build linux

package unix

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// Each benchmark runs the System call ("wasibox") next to the same work
// done with raw system calls ("native"), so that the overhead can be
// reported as a ratio:
//
//	go test ./unix/ -run '^$' -bench 'FDWrite|FDRead|FDFileStatGet' -benchmem
//
// fd_read and fd_write must show 0 allocs/op (design target).

func BenchmarkFDWrite64(b *testing.B) {
	e := newFDEnv(b, noStdioConfig())
	ctx := b.Context()
	fd := e.open(b, "out", unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC, wasi.FileRights)
	data := make([]byte, 64)
	iovs := [][]byte{data}
	// Rewind now and then so the file stays small (page cache only).
	const every = 1 << 14
	b.Run("wasibox", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if i++; i%every == 0 {
				e.s.FDSeek(ctx, fd, 0, wasi.WhenceSet)
			}
			if n, errno := e.s.FDWrite(ctx, fd, iovs); n != 64 || errno != wasi.ESUCCESS {
				b.Fatal(n, errno)
			}
		}
	})
	b.Run("wasibox/2iovecs", func(b *testing.B) {
		b.ReportAllocs()
		two := [][]byte{data[:32], data[32:]}
		i := 0
		for b.Loop() {
			if i++; i%every == 0 {
				e.s.FDSeek(ctx, fd, 0, wasi.WhenceSet)
			}
			if n, errno := e.s.FDWrite(ctx, fd, two); n != 64 || errno != wasi.ESUCCESS {
				b.Fatal(n, errno)
			}
		}
	})
	hfd := e.s.files[fd].fd
	b.Run("native", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if i++; i%every == 0 {
				unix.Seek(hfd, 0, unix.SEEK_SET)
			}
			if n, err := unix.Write(hfd, data); n != 64 || err != nil {
				b.Fatal(n, err)
			}
		}
	})
}

func BenchmarkFDRead64K(b *testing.B) {
	e := newFDEnv(b, noStdioConfig())
	ctx := b.Context()
	const size = 64 << 10
	e.writeFile(b, "in", string(make([]byte, 4*size)))
	fd := e.open(b, "in", unix.O_RDONLY, wasi.FileRights)
	buf := make([]byte, size)
	iovs := [][]byte{buf}
	b.Run("wasibox", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(size)
		for b.Loop() {
			n, errno := e.s.FDRead(ctx, fd, iovs)
			if errno != wasi.ESUCCESS {
				b.Fatal(errno)
			}
			if n == 0 {
				e.s.FDSeek(ctx, fd, 0, wasi.WhenceSet)
			}
		}
	})
	hfd := e.s.files[fd].fd
	b.Run("native", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(size)
		for b.Loop() {
			n, err := unix.Read(hfd, buf)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				unix.Seek(hfd, 0, unix.SEEK_SET)
			}
		}
	})
}

func BenchmarkFDFileStatGet(b *testing.B) {
	e := newFDEnv(b, noStdioConfig())
	ctx := b.Context()
	e.writeFile(b, "f", "x")
	fd := e.open(b, "f", unix.O_RDONLY, wasi.FileRights)
	b.Run("wasibox", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, errno := e.s.FDFileStatGet(ctx, fd); errno != wasi.ESUCCESS {
				b.Fatal(errno)
			}
		}
	})
	hfd := e.s.files[fd].fd
	b.Run("native", func(b *testing.B) {
		b.ReportAllocs()
		var st unix.Stat_t
		for b.Loop() {
			if err := unix.Fstat(hfd, &st); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFDReadDir lists a directory of 1000 entries from the start in
// each iteration, and reports the cost per entry: wasibox with a 32 KiB
// guest buffer (what wasi-libc uses... at most; it starts smaller) and a
// 4 KiB one, native getdents64 with glibc's 32 KiB buffer, walking the
// records as readdir(3) does.
func BenchmarkFDReadDir(b *testing.B) {
	e := newFDEnv(b, noStdioConfig())
	ctx := b.Context()
	const entries = 1000
	for i := range entries - 2 {
		if err := os.WriteFile(filepath.Join(e.dir, fmt.Sprintf("file-%04d.txt", i)), nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, size := range []int{32 << 10, 4 << 10} {
		b.Run(fmt.Sprintf("wasibox/buf%dK", size>>10), func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, size)
			for b.Loop() {
				count := 0
				cookie := wasi.DirCookie(0)
				for {
					n, errno := e.s.FDReadDir(ctx, fdPreopen, buf, cookie)
					if errno != wasi.ESUCCESS {
						b.Fatal(errno)
					}
					// Walk the entries as wasi-libc's readdir does.
					var d wasi.Dirent
					p := 0
					for p+wasi.DirentSize <= int(n) {
						d.Get(buf[p:])
						if p+wasi.DirentSize+int(d.NameLen) > int(n) {
							break
						}
						p += wasi.DirentSize + int(d.NameLen)
						cookie = d.Next
						count++
					}
					if int(n) < len(buf) {
						break
					}
				}
				if count != entries {
					b.Fatalf("%d entries, want %d", count, entries)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*entries), "ns/entry")
		})
	}
	hfd := e.s.files[fdPreopen].fd
	b.Run("native", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 32<<10)
		for b.Loop() {
			if _, err := unix.Seek(hfd, 0, unix.SEEK_SET); err != nil {
				b.Fatal(err)
			}
			count := 0
			for {
				n, err := unix.Getdents(hfd, buf)
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					break
				}
				for p := 0; p < n; {
					reclen := int(buf[p+16]) | int(buf[p+17])<<8
					p += reclen
					count++
				}
			}
			if count != entries {
				b.Fatalf("%d entries, want %d", count, entries)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*entries), "ns/entry")
	})
}
