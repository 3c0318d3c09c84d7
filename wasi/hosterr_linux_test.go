//go:build linux

package wasi

import (
	"syscall"
	"testing"
)

// TestErrnoOfSyscallLinux checks the Linux errnos whose WASI equivalent is
// a neighbour or differs from the portable mapping.
func TestErrnoOfSyscallLinux(t *testing.T) {
	for _, c := range []struct {
		host syscall.Errno
		want Errno
	}{
		{syscall.EACCES, EACCES},
		{syscall.EPERM, EPERM},
		{syscall.EXDEV, EXDEV},
		{syscall.EOPNOTSUPP, ENOTSUP},
		{syscall.EHOSTDOWN, EHOSTUNREACH},
		{syscall.ENODATA, ENOENT},
		{syscall.ESHUTDOWN, EPIPE},
		{syscall.EBADFD, EBADF},
		{syscall.ETIMEDOUT, ETIMEDOUT},
		{syscall.EDQUOT, EDQUOT},
		{syscall.ENOTCONN, ENOTCONN},
		{syscall.ERESTART, EINTR},
	} {
		if got := ErrnoOf(c.host); got != c.want {
			t.Errorf("ErrnoOf(%s) = %v, want %v", c.host.Error(), got, c.want)
		}
	}
}
