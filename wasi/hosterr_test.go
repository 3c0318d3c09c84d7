package wasi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"syscall"
	"testing"
)

func TestErrnoOfNil(t *testing.T) {
	if got := ErrnoOf(nil); got != ESUCCESS {
		t.Errorf("ErrnoOf(nil) = %v, want ESUCCESS", got)
	}
}

func TestErrnoOfErrno(t *testing.T) {
	for e := Errno(0); e <= ENOTCAPABLE+1; e++ {
		if got := ErrnoOf(e); got != e {
			t.Errorf("ErrnoOf(%v) = %v", e.Name(), got)
		}
	}
}

// TestErrnoOfSyscallNeverPanics: whatever the host returns, the guest gets
// a real errno, never ESUCCESS for a failure (design decision 6).
func TestErrnoOfSyscallNeverPanics(t *testing.T) {
	for i := 0; i <= 133; i++ {
		e := syscall.Errno(i)
		got := ErrnoOf(e)
		if i == 0 && got != ESUCCESS {
			t.Errorf("ErrnoOf(syscall.Errno(0)) = %v, want ESUCCESS", got)
		}
		if i != 0 && got == ESUCCESS {
			t.Errorf("ErrnoOf(syscall.Errno(%d) %q) = ESUCCESS", i, e.Error())
		}
		if got > ENOTCAPABLE {
			t.Errorf("ErrnoOf(syscall.Errno(%d)) = %d, not a preview 1 errno", i, got)
		}
	}
	for _, i := range []int{134, 511, 4095, 1 << 20, -1} {
		if got := ErrnoOf(syscall.Errno(i)); got == ESUCCESS || got > ENOTCAPABLE {
			t.Errorf("ErrnoOf(syscall.Errno(%d)) = %v", i, got)
		}
	}
}

func TestErrnoOfSyscall(t *testing.T) {
	cases := []struct {
		host syscall.Errno
		want Errno
	}{
		{syscall.ENOENT, ENOENT},
		{syscall.EEXIST, EEXIST},
		{syscall.EBADF, EBADF},
		{syscall.EINVAL, EINVAL},
		{syscall.EAGAIN, EAGAIN},
		{syscall.EISDIR, EISDIR},
		{syscall.ENOTDIR, ENOTDIR},
		{syscall.ENOTEMPTY, ENOTEMPTY},
		{syscall.ELOOP, ELOOP},
		{syscall.EPIPE, EPIPE},
		{syscall.ECONNREFUSED, ECONNREFUSED},
		{syscall.ENAMETOOLONG, ENAMETOOLONG},
	}
	for _, c := range cases {
		if got := ErrnoOf(c.host); got != c.want {
			t.Errorf("ErrnoOf(%s) = %v, want %v", c.host.Error(), got, c.want)
		}
	}
}

func TestErrnoOfWrapped(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want Errno
	}{
		{"PathError", &os.PathError{Op: "open", Path: "/x", Err: syscall.ENOENT}, ENOENT},
		{"SyscallError", os.NewSyscallError("read", syscall.EBADF), EBADF},
		{"LinkError", &os.LinkError{Op: "rename", Old: "a", New: "b", Err: syscall.ENOTEMPTY}, ENOTEMPTY},
		{"OpError", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, ECONNREFUSED},
		{"fmt %w Errno", fmt.Errorf("context: %w", ENOTCAPABLE), ENOTCAPABLE},
		{"fmt %w syscall", fmt.Errorf("a: %w", fmt.Errorf("b: %w", syscall.EISDIR)), EISDIR},
		{"PathError Errno", &fs.PathError{Op: "open", Path: "x", Err: EROFS}, EROFS},
		{"joined", errors.Join(errors.New("first"), syscall.EMFILE), EMFILE},
		{"Errno before syscall", fmt.Errorf("%w: %w", EACCES, syscall.ENOENT), EACCES},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ErrnoOf(c.err); got != c.want {
				t.Errorf("ErrnoOf(%v) = %v, want %v", c.err, got, c.want)
			}
		})
	}
}

func TestErrnoOfPortable(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want Errno
	}{
		{"fs.ErrNotExist", fs.ErrNotExist, ENOENT},
		{"fs.ErrExist", fs.ErrExist, EEXIST},
		{"fs.ErrPermission", fs.ErrPermission, EPERM},
		{"fs.ErrInvalid", fs.ErrInvalid, EINVAL},
		{"fs.ErrClosed", fs.ErrClosed, EBADF},
		{"wrapped fs.ErrNotExist", &fs.PathError{Op: "stat", Path: "x", Err: fs.ErrNotExist}, ENOENT},
		{"os.ErrClosed", fmt.Errorf("x: %w", os.ErrClosed), EBADF},
		{"context.Canceled", context.Canceled, ECANCELED},
		{"context.DeadlineExceeded", context.DeadlineExceeded, ETIMEDOUT},
		{"os.ErrDeadlineExceeded", os.ErrDeadlineExceeded, ETIMEDOUT},
		{"wrapped context.Canceled", fmt.Errorf("call: %w", context.Canceled), ECANCELED},
		{"ctx.Err", canceledCtxErr(), ECANCELED},
		{"cause", contextCause(), ETIMEDOUT},
		{"unknown", errors.New("something else"), EIO},
		{"io.EOF", io.EOF, EIO},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ErrnoOf(c.err); got != c.want {
				t.Errorf("ErrnoOf(%v) = %v, want %v", c.err, got, c.want)
			}
		})
	}
}

func canceledCtxErr() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx.Err()
}

func contextCause() error {
	ctx, cancel := context.WithTimeoutCause(context.Background(), 0, errors.New("too slow"))
	defer cancel()
	<-ctx.Done()
	return ctx.Err()
}
