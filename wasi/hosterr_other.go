//go:build !linux

package wasi

import (
	"errors"
	"io/fs"
	"syscall"
)

// errnoOfSyscall maps a host errno on platforms other than Linux, where
// only the portable meanings are known.
func errnoOfSyscall(e syscall.Errno) Errno {
	switch {
	case e == 0:
		return ESUCCESS
	case errors.Is(e, fs.ErrNotExist):
		return ENOENT
	case errors.Is(e, fs.ErrExist):
		return EEXIST
	case errors.Is(e, fs.ErrPermission):
		return EPERM
	}
	return EIO
}
