package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnsurePrivateDir(t *testing.T) {
	t.Run("created 0700", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a", "wasibox")
		if err := ensurePrivateDir(dir); err != nil {
			t.Fatal(err)
		}
		assertMode(t, dir, 0o700)
	})
	t.Run("loose mode tightened", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "wasibox")
		if err := os.Mkdir(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o777); err != nil { // past the umask
			t.Fatal(err)
		}
		if err := ensurePrivateDir(dir); err != nil {
			t.Fatal(err)
		}
		assertMode(t, dir, 0o700)
	})
	t.Run("symlink refused", func(t *testing.T) {
		tmp := t.TempDir()
		target := filepath.Join(tmp, "elsewhere")
		if err := os.Mkdir(target, 0o700); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(tmp, "wasibox")
		if err := os.Symlink(target, dir); err != nil {
			t.Fatal(err)
		}
		if err := ensurePrivateDir(dir); !errors.Is(err, errUnsafeCache) {
			t.Fatalf("ensurePrivateDir(symlink) = %v, want errUnsafeCache", err)
		}
	})
	t.Run("file refused", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "wasibox")
		if err := os.WriteFile(dir, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := ensurePrivateDir(dir); err == nil {
			t.Fatal("ensurePrivateDir(file) succeeded")
		}
	})
}

func TestOpenCacheUnsafeIsReported(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", tmp)
	if err := os.Symlink(t.TempDir(), filepath.Join(tmp, "wasibox")); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if c := openCache(&stderr); c != nil {
		t.Fatal("openCache used a symlinked cache folder")
	}
	if !strings.Contains(stderr.String(), "compilation cache not used") {
		t.Fatalf("stderr = %q, want a warning", stderr.String())
	}
}

func assertMode(t *testing.T, dir string, want os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Fatalf("mode of %s = %v, want %v", dir, got, want)
	}
}
