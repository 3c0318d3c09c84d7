//go:build linux

package unix

import (
	"context"
	"io"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// PollOneOff implements wasi.System.
//
// It waits in one ppoll(2) on the subscribed descriptors plus the wake
// eventfd, with a timespec timeout (nanosecond granularity, unlike poll's
// milliseconds) equal to the earliest clock deadline. It then reports every
// clock whose deadline has passed and every ready descriptor, in
// subscription order. A signal (EINTR, which Go's preemption causes often)
// restarts the wait with the time that is left, never the full timeout.
//
// Clocks: realtime and monotonic, relative or with
// SubscriptionClockAbstime. Every deadline is turned into a wait on the
// host's monotonic clock when the call starts, so an absolute realtime
// deadline does not follow wall-clock steps made during the wait (as in
// wazero), and a Config.Clock that stands still cannot make a guest sleep
// forever. Relative timeouts always measure real time; with Config.Clock,
// the clock must still answer Now for the subscription to be valid. The
// precision field is ignored. The CPU-time clocks cannot be waited on and,
// like unknown clock ids, give an event with EINVAL.
//
// Descriptors need PollFDReadWriteRight (ENOTCAPABLE otherwise; EBADF for a
// descriptor that is not open), reported as an event on that subscription.
// Regular files are always ready, as on every POSIX system; for fd_read
// their nbytes is what is left between the offset and the end of the file.
// For other descriptors nbytes of fd_read is FIONREAD (TIOCINQ), and POLLHUP sets
// FDReadWriteHangup. An unknown subscription type gives an event with
// EINVAL. When any such event exists, the call does not block: the other
// descriptors are polled once with a zero timeout.
//
// Errors: EINVAL when subs is empty (as the spec says) or events is shorter
// than subs; ECANCELED when the System was woken (Wake) or closed, which is
// the host cancelling the guest; another errno only if ppoll itself fails.
//
// It does not allocate once the System's scratch slice holds as many
// descriptors as the largest poll seen (plus one for the wake eventfd).
//
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#poll_oneoff
func (s *System) PollOneOff(ctx context.Context, subs []wasi.Subscription, events []wasi.Event) (int, wasi.Errno) {
	if len(subs) == 0 || len(events) < len(subs) {
		return 0, wasi.EINVAL
	}
	if s.closed.Load() {
		// The wake eventfd is closed and its number may be reused.
		return 0, wasi.ECANCELED
	}

	nfd := 0
	for i := range subs {
		if t := subs[i].EventType; t == wasi.FDReadEvent || t == wasi.FDWriteEvent {
			nfd++
		}
	}
	if cap(s.pollFDs) < nfd+1 {
		s.pollFDs = make([]unix.PollFd, 0, nfd+1)
	}
	fds := s.pollFDs[:0]

	// Pass 1: validate, collect the descriptors to poll and find the
	// earliest clock deadline. Pass 2 (pollEvents) walks subs again in the
	// same order, so no per-subscription state is stored.
	var clocks pollClocks
	immediate := false // an event exists already: do not block
	haveClock := false
	minRem := uint64(1<<64 - 1)
	for i := range subs {
		sub := &subs[i]
		switch sub.EventType {
		case wasi.ClockEvent:
			rem, errno := s.clockRemaining(sub, &clocks)
			if errno != wasi.ESUCCESS {
				immediate = true
				continue
			}
			haveClock = true
			minRem = min(minRem, rem)
		case wasi.FDReadEvent, wasi.FDWriteEvent:
			f, errno := s.lookup(sub.FD, wasi.PollFDReadWriteRight)
			if errno != wasi.ESUCCESS || f.typ == wasi.RegularFileType {
				immediate = true
				continue
			}
			ev := int16(unix.POLLIN)
			if sub.EventType == wasi.FDWriteEvent {
				ev = unix.POLLOUT
			}
			fds = append(fds, unix.PollFd{Fd: int32(f.fd), Events: ev})
		default:
			immediate = true
		}
	}
	wakeIdx := len(fds)
	fds = append(fds, unix.PollFd{Fd: int32(s.wake), Events: unix.POLLIN})
	s.pollFDs = fds

	// The clocks above were read before monoStart, so deadlines measured
	// from monoStart can only be late, never early. The monotonic clock is
	// read only when the call may wait for a clock: without a wait
	// (a zero timeout, or an event already there), elapsed stays 0, so a
	// clock due now triggers and any later one does not, as it may not
	// have yet (wazero's WASI reads no clock for a zero timeout either).
	timed := haveClock && !immediate && minRem > 0
	var monoStart uint64
	if timed {
		monoStart = s.monoNow()
	}
	elapsed := uint64(0) // since monoStart, as of the last reading
	for {
		var tsp *unix.Timespec
		zero := immediate
		switch {
		case immediate:
			s.rt.ts = unix.Timespec{}
			tsp = &s.rt.ts
		case haveClock:
			rem := uint64(0)
			if elapsed < minRem {
				rem = minRem - elapsed
			}
			zero = rem == 0
			s.rt.ts = unix.Timespec{Sec: int64(rem / 1e9), Nsec: int64(rem % 1e9)}
			tsp = &s.rt.ts
		}
		if zero && wakeIdx == 0 {
			// Nothing to wait for and no descriptor to look at: only
			// cancellation matters, and Wake sets a flag before it writes
			// the eventfd, which saves the system call.
			if s.rt.woken.Load() {
				return 0, wasi.ECANCELED
			}
		} else {
			_, err := unix.Ppoll(fds, tsp, nil)
			if err == unix.EINTR {
				if s.closed.Load() {
					return 0, wasi.ECANCELED
				}
				if timed {
					elapsed = s.monoNow() - monoStart
				}
				continue
			}
			if err != nil {
				return 0, wasi.ErrnoOf(err)
			}
			if fds[wakeIdx].Revents != 0 {
				return 0, wasi.ECANCELED
			}
		}
		if timed {
			elapsed = s.monoNow() - monoStart
		}
		if n := s.pollEvents(subs, events, fds, &clocks, elapsed); n > 0 {
			return n, wasi.ESUCCESS
		}
		// Woken before any clock expired (the kernel's timer and our
		// clock disagree by rounding): wait for what is left.
	}
}

// pollEvents is pass 2 of PollOneOff: it writes one event per subscription
// that has triggered and returns how many it wrote.
//
// elapsed is the time since the call started; a clock subscription has
// triggered when it is at least its remaining time.
func (s *System) pollEvents(subs []wasi.Subscription, events []wasi.Event, fds []unix.PollFd, clocks *pollClocks, elapsed uint64) int {
	n, j := 0, 0
	for i := range subs {
		sub := &subs[i]
		ev := wasi.Event{UserData: sub.UserData, EventType: sub.EventType}
		switch sub.EventType {
		case wasi.ClockEvent:
			rem, errno := s.clockRemaining(sub, clocks)
			if errno != wasi.ESUCCESS {
				ev.Errno = errno
			} else if elapsed < rem {
				continue
			}
		case wasi.FDReadEvent, wasi.FDWriteEvent:
			f, errno := s.lookup(sub.FD, wasi.PollFDReadWriteRight)
			if errno != wasi.ESUCCESS {
				ev.Errno = errno
				break
			}
			read := sub.EventType == wasi.FDReadEvent
			if f.typ == wasi.RegularFileType {
				if read {
					ev.NBytes, ev.Errno = fileRemaining(f.fd)
				}
				break
			}
			re := fds[j].Revents
			j++
			if re == 0 {
				continue
			}
			if re&unix.POLLNVAL != 0 {
				ev.Errno = wasi.EBADF
				break
			}
			if re&unix.POLLHUP != 0 {
				ev.Flags |= wasi.FDReadWriteHangup
			}
			if read && re&unix.POLLIN != 0 {
				// A listening socket has no FIONREAD (EINVAL): ready with
				// nbytes 0, which is what the guest gets from accept anyway.
				// TIOCINQ is FIONREAD (x/sys spells it only this way).
				if v, err := unix.IoctlGetInt(f.fd, unix.TIOCINQ); err == nil && v > 0 {
					ev.NBytes = wasi.FileSize(v)
				}
			}
		default:
			ev.Errno = wasi.EINVAL
		}
		events[n] = ev
		n++
	}
	return n
}

// pollClocks caches, for one poll_oneoff call, the reading of each clock
// that a subscription needed, so that both passes see the same value.
type pollClocks struct {
	now   [2]wasi.Timestamp
	errno [2]wasi.Errno
	have  [2]bool
}

// clockRemaining returns how long, in nanoseconds from the start of the
// call, clock subscription sub waits.
func (s *System) clockRemaining(sub *wasi.Subscription, c *pollClocks) (uint64, wasi.Errno) {
	id := sub.ClockID
	if id != wasi.Realtime && id != wasi.Monotonic {
		return 0, wasi.EINVAL
	}
	abs := sub.Flags.Has(wasi.SubscriptionClockAbstime)
	if !abs && s.clock == nil {
		return sub.Timeout, wasi.ESUCCESS // no need to read the host clock
	}
	if !c.have[id] {
		c.now[id], c.errno[id] = s.now(id)
		c.have[id] = true
	}
	if c.errno[id] != wasi.ESUCCESS {
		return 0, c.errno[id]
	}
	if !abs {
		return sub.Timeout, wasi.ESUCCESS
	}
	if now := c.now[id]; sub.Timeout > now {
		return sub.Timeout - now, wasi.ESUCCESS
	}
	return 0, wasi.ESUCCESS
}

// fileRemaining returns how many bytes a read from the current offset of
// regular file fd would find before the end of the file.
func fileRemaining(fd int) (wasi.FileSize, wasi.Errno) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return 0, wasi.ErrnoOf(err)
	}
	off, err := unix.Seek(fd, 0, io.SeekCurrent)
	if err != nil {
		return 0, wasi.ErrnoOf(err)
	}
	if st.Size <= off {
		return 0, wasi.ESUCCESS
	}
	return wasi.FileSize(st.Size - off), wasi.ESUCCESS
}
