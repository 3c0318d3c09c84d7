package wasi

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// ErrnoOf maps a Go or host error to the closest Errno. It never panics:
// nil is ESUCCESS, an Errno is returned as is, a syscall.Errno that WASI
// lacks maps to a sensible neighbour (EIO as a last resort), and wrapped
// errors (os.PathError, os.SyscallError, fmt.Errorf("%w")) are unwrapped.
func ErrnoOf(err error) Errno {
	if err == nil {
		return ESUCCESS
	}
	switch e := err.(type) {
	case Errno:
		return e
	case syscall.Errno:
		return errnoOfSyscall(e)
	}
	var we Errno
	if errors.As(err, &we) {
		return we
	}
	var se syscall.Errno
	if errors.As(err, &se) {
		return errnoOfSyscall(se)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return ECANCELED
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return ETIMEDOUT
	case errors.Is(err, fs.ErrNotExist):
		return ENOENT
	case errors.Is(err, fs.ErrExist):
		return EEXIST
	case errors.Is(err, fs.ErrPermission):
		return EPERM
	case errors.Is(err, fs.ErrInvalid):
		return EINVAL
	case errors.Is(err, fs.ErrClosed):
		return EBADF
	}
	return EIO
}
