// Package testguest builds the test guest programs of testdata/guests with
// scripts/build-guests.sh, once per test binary, and returns their paths.
//
// Guests are built from source on the machine that runs the tests (nothing
// prebuilt is trusted). Several test binaries run in parallel under
// `go test ./...`; a file lock in the output directory serialises their
// builds, and the script itself is incremental, so only the first one does
// any work.
//
// Usage:
//
//	wasm := testguest.Path(t, "conformance") // testdata/build/conformance.wasm
//
// The environment variable WASIBOX_GUEST_DIR selects another output
// directory (for example one that CI builds ahead of the tests).
package testguest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// buildTimeout bounds one run of the build script (a cold Go build of the
// wasip1 guests takes most of it).
const buildTimeout = 10 * time.Minute

// build is the one build of this test binary. It is package state on
// purpose: its whole point is to be shared by every test in the process.
var build = sync.OnceValues(func() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	out := os.Getenv("WASIBOX_GUEST_DIR")
	if out == "" {
		out = filepath.Join(root, "testdata", "build")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	unlock, err := lock(filepath.Join(out, ".lock"))
	if err != nil {
		return "", fmt.Errorf("testguest: lock %s: %w", out, err)
	}
	defer unlock()

	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", "build-guests.sh"), out)
	cmd.Dir = root
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("testguest: scripts/build-guests.sh: %w\n%s", err, log.Bytes())
	}
	return out, nil
})

// Dir builds the guests if needed and returns the output directory.
func Dir(t testing.TB) string {
	t.Helper()
	out, err := build()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Path returns the path of the built module name (name.wasm), building the
// guests first if needed. It fails the test if the module does not exist.
func Path(t testing.TB, name string) string {
	t.Helper()
	return existing(t, filepath.Join(Dir(t), name+".wasm"))
}

// NativePath returns the path of the host build of the benchmark guest name
// (testdata/guests/c/bench/name.c).
func NativePath(t testing.TB, name string) string {
	t.Helper()
	return existing(t, filepath.Join(Dir(t), "native", name))
}

func existing(t testing.TB, p string) string {
	t.Helper()
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("testguest: %v (is there a source for it in testdata/guests?)", err)
	}
	return p
}

// repoRoot finds the module root from the working directory (go test runs
// in the package directory) by looking for the build script.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "scripts", "build-guests.sh")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testguest: scripts/build-guests.sh not found above the working directory")
		}
		dir = parent
	}
}
