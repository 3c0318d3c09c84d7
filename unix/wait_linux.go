//go:build linux

package unix

import (
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
	var fds [2]unix.PollFd
	fds[0] = unix.PollFd{Fd: int32(fd), Events: events}
	fds[1] = unix.PollFd{Fd: int32(s.wake), Events: unix.POLLIN}
	for {
		if s.closed.Load() {
			return wasi.ECANCELED
		}
		_, err := unix.Poll(fds[:], -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return wasi.ErrnoOf(err)
		}
		if fds[1].Revents != 0 {
			return wasi.ECANCELED
		}
		if fds[0].Revents&unix.POLLNVAL != 0 {
			return wasi.EBADF
		}
		if fds[0].Revents != 0 {
			return wasi.ESUCCESS
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
