//go:build linux

package wasi_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

func exampleSystem() (wasi.System, func()) {
	dir, err := os.MkdirTemp("", "wasi-example")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello, world\n"), 0o644); err != nil {
		panic(err)
	}
	sys, err := unix.New(unix.Config{
		Preopens: []unix.Preopen{{HostPath: dir, GuestPath: "/", ReadOnly: true}},
		Stdin:    -1, Stdout: -1, Stderr: -1,
	})
	if err != nil {
		panic(err)
	}
	return sys, func() { sys.Close(context.Background()); os.RemoveAll(dir) }
}

// Trace logs one line per call; durations are left out here so that the
// output is the same on every run.
func ExampleTrace() {
	inner, done := exampleSystem()
	defer done()
	sys := wasi.Trace(inner, os.Stdout, wasi.TraceDurations(false), wasi.TracePayload(5))
	ctx := context.Background()

	fd, _ := sys.PathOpen(ctx, 3, 0, "hello.txt", 0, wasi.FDReadRight, 0, 0)
	sys.FDRead(ctx, fd, []wasi.IOVec{make([]byte, 64)})
	sys.FDClose(ctx, fd)
	sys.PathOpen(ctx, 3, 0, "../etc/passwd", 0, wasi.FDReadRight, 0, 0)
	// Output:
	// path_open(fd=3, dirflags=0, path="hello.txt", oflags=0, base=fd_read, inheriting=0, fdflags=0) => fd=4 ESUCCESS
	// fd_read(fd=4, iovs=[64B]) => nread=13 data="hello"…(13B) ESUCCESS
	// fd_close(fd=4) => ESUCCESS
	// path_open(fd=3, dirflags=0, path="../etc/passwd", oflags=0, base=fd_read, inheriting=0, fdflags=0) => ENOTCAPABLE
}

// NewFS reads the guest's view of a System with package io/fs.
func ExampleNewFS() {
	sys, done := exampleSystem()
	defer done()
	fsys := wasi.NewFS(sys, 3)

	data, err := fs.ReadFile(fsys, "hello.txt")
	fmt.Printf("%q %v\n", data, err)
	_, err = fs.Stat(fsys, "missing")
	fmt.Println(err, errors.Is(err, fs.ErrNotExist))
	// Output:
	// "hello, world\n" <nil>
	// stat missing: no such file or directory true
}
