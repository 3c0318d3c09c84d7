//go:build linux

package unix

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// Each benchmark pairs a System call with the raw native equivalent, so
// that the overhead can be reported as a ratio:
//
//	go test ./unix/ -run '^$' -bench 'ClockTimeGet|RandomGet|PollOneOff' -benchmem

func BenchmarkClockTimeGet(b *testing.B) {
	s := newMiscSystem(b, noStdio())
	ctx := b.Context()
	for _, id := range []wasi.ClockID{wasi.Realtime, wasi.Monotonic} {
		b.Run(id.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, errno := s.ClockTimeGet(ctx, id, 1); errno != wasi.ESUCCESS {
					b.Fatal(errno)
				}
			}
		})
	}
	b.Run("native/time.Now", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = time.Now().UnixNano()
		}
	})
	base := time.Now()
	b.Run("native/time.Since", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = time.Since(base)
		}
	})
	for _, c := range []struct {
		name string
		id   int32
	}{{"realtime", unix.CLOCK_REALTIME}, {"monotonic", unix.CLOCK_MONOTONIC}} {
		b.Run("native/clock_gettime-syscall/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			var ts unix.Timespec
			for b.Loop() {
				if err := unix.ClockGettime(c.id, &ts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRandomGet(b *testing.B) {
	s := newMiscSystem(b, noStdio())
	ctx := b.Context()
	buf := make([]byte, 32)
	b.Run("32B", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			if errno := s.RandomGet(ctx, buf); errno != wasi.ESUCCESS {
				b.Fatal(errno)
			}
		}
	})
	b.Run("native/crypto-rand/32B", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			rand.Read(buf)
		}
	})
	b.Run("native/getrandom/32B", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			if _, err := unix.Getrandom(buf, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPollOneOff(b *testing.B) {
	s := newMiscSystem(b, noStdio())
	ctx := b.Context()
	r, w := pollPipe(b, s, 0, wasi.SocketRights)
	if _, err := unix.Write(*w, []byte("x")); err != nil {
		b.Fatal(err)
	}
	hostR := s.files[r].fd
	events := make([]wasi.Event, 1)

	zeroClock := []wasi.Subscription{clockSub(1, wasi.Monotonic, 0, 0)}
	b.Run("zero-clock", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if n, errno := s.PollOneOff(ctx, zeroClock, events); n != 1 || errno != wasi.ESUCCESS {
				b.Fatal(n, errno)
			}
		}
	})
	b.Run("native/ppoll-zero-timeout", func(b *testing.B) {
		b.ReportAllocs()
		var ts unix.Timespec
		for b.Loop() {
			if _, err := unix.Ppoll(nil, &ts, nil); err != nil && err != unix.EINTR {
				b.Fatal(err)
			}
		}
	})

	readyFD := []wasi.Subscription{fdSub(1, wasi.FDReadEvent, r)}
	b.Run("ready-fd", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if n, errno := s.PollOneOff(ctx, readyFD, events); n != 1 || errno != wasi.ESUCCESS {
				b.Fatal(n, errno)
			}
		}
	})
	b.Run("native/ppoll-ready-fd", func(b *testing.B) {
		b.ReportAllocs()
		fds := []unix.PollFd{{Fd: int32(hostR), Events: unix.POLLIN}}
		for b.Loop() {
			if n, err := unix.Ppoll(fds, nil, nil); n != 1 && err != unix.EINTR {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("native/ppoll-ready-fd+FIONREAD", func(b *testing.B) {
		b.ReportAllocs()
		fds := []unix.PollFd{{Fd: int32(hostR), Events: unix.POLLIN}}
		for b.Loop() {
			if n, err := unix.Ppoll(fds, nil, nil); n != 1 && err != unix.EINTR {
				b.Fatal(n, err)
			}
			if _, err := unix.IoctlGetInt(hostR, unix.TIOCINQ); err != nil {
				b.Fatal(err)
			}
		}
	})
}
