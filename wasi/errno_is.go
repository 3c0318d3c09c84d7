package wasi

import (
	"errors"
	"io/fs"
)

// Is reports whether e matches one of the portable error values of package
// io/fs (and errors.ErrUnsupported), so that code above the ABI can write
// errors.Is(err, fs.ErrNotExist) whether err came from this package, from os
// or from syscall, exactly as it does for syscall.Errno:
//
//	ENOENT                         fs.ErrNotExist
//	EEXIST, ENOTEMPTY              fs.ErrExist
//	EACCES, EPERM, ENOTCAPABLE     fs.ErrPermission
//	EBADF                          fs.ErrClosed
//	EINVAL                         fs.ErrInvalid
//	ENOSYS, ENOTSUP                errors.ErrUnsupported
//
// ENOTCAPABLE counts as a permission error because that is what it is to the
// caller: a missing right or a path outside the preopen.
func (e Errno) Is(target error) bool {
	switch target {
	case fs.ErrNotExist:
		return e == ENOENT
	case fs.ErrExist:
		return e == EEXIST || e == ENOTEMPTY
	case fs.ErrPermission:
		return e == EACCES || e == EPERM || e == ENOTCAPABLE
	case fs.ErrClosed:
		return e == EBADF
	case fs.ErrInvalid:
		return e == EINVAL
	case errors.ErrUnsupported:
		return e == ENOSYS || e == ENOTSUP
	}
	return false
}
