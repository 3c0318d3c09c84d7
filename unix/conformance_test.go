//go:build linux

package unix_test

import (
	"context"
	"testing"

	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
	"github.com/wasibox/wasibox/wasi/wasitest"
)

// TestConformance runs the wasitest suite against unix.New under both path
// resolvers (design decision 1: tests run both).
func TestConformance(t *testing.T) {
	for _, r := range []unix.Resolver{unix.ResolveOpenat2, unix.ResolveWalk} {
		t.Run(r.String(), func(t *testing.T) {
			wasitest.Run(t, func(t *testing.T, root string) wasi.System {
				stdin, stdout, stderr := wasitest.Stdio(t)
				sys, err := unix.New(unix.Config{
					Args:     []string{"wasitest"},
					Environ:  []string{"WASITEST=1"},
					Preopens: []unix.Preopen{{HostPath: root, GuestPath: "/"}},
					Stdin:    int(stdin.Fd()),
					Stdout:   int(stdout.Fd()),
					Stderr:   int(stderr.Fd()),
					Resolver: r,
				})
				if err != nil {
					if r == unix.ResolveOpenat2 {
						t.Skipf("openat2: %v", err)
					}
					t.Fatal(err)
				}
				if got := sys.Resolver(); got != r {
					t.Fatalf("resolver = %v, want %v", got, r)
				}
				t.Cleanup(func() { sys.Close(context.Background()) })
				return sys
			})
		})
	}
}
