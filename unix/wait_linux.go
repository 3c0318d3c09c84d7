//go:build linux

package unix

import (
	"time"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// waitFD blocks until host descriptor fd has one of events (unix.POLLIN,
// unix.POLLOUT) ready, or until the System is woken (cancellation), in
// which case it returns ECANCELED. Error and hangup conditions count as
// ready: the following read or write reports them.
//
// Blocking calls never block in read(2)/write(2)/accept(2) themselves,
// because a thread stuck in the kernel cannot be interrupted by Wake
// (wazero's WithCloseOnContextDone does not reach into host calls).
func (s *System) waitFD(fd int, events int16) wasi.Errno {
	return s.wait(fd, events, time.Time{}, true)
}

// waitFDUntil is waitFD bounded by a deadline: EAGAIN once it has passed.
// A deadline already past (the zero time) polls once without waiting.
func (s *System) waitFDUntil(fd int, events int16, deadline time.Time) wasi.Errno {
	return s.wait(fd, events, deadline, false)
}

// wait is waitFD (forever) and waitFDUntil (deadline).
func (s *System) wait(fd int, events int16, deadline time.Time, forever bool) wasi.Errno {
	fds := [2]unix.PollFd{{Fd: int32(fd), Events: events}, {Fd: int32(s.wake), Events: unix.POLLIN}}
	for {
		if s.closed.Load() {
			return wasi.ECANCELED
		}
		ms := -1
		if !forever {
			ms = 0
			if rem := time.Until(deadline); rem > 0 {
				// Rounded up: the wait never ends before the deadline.
				ms = int(min((rem+time.Millisecond-1)/time.Millisecond, 1<<30))
			}
		}
		_, err := unix.Poll(fds[:], ms)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return wasi.ErrnoOf(err)
		case fds[1].Revents != 0:
			return wasi.ECANCELED
		case fds[0].Revents&unix.POLLNVAL != 0:
			return wasi.EBADF
		case fds[0].Revents != 0:
			return wasi.ESUCCESS
		}
		if !forever && (ms == 0 || !time.Now().Before(deadline)) {
			return wasi.EAGAIN
		}
	}
}

// woken reports whether Wake has been called (without consuming it: once
// woken, a System stays woken, so every later blocking call returns too).
func (s *System) woken() bool {
	var fds = [1]unix.PollFd{{Fd: int32(s.wake), Events: unix.POLLIN}}
	n, _ := unix.Poll(fds[:], 0)
	return n > 0
}
