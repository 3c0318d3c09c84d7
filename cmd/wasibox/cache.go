package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/tetratelabs/wazero"
)

// cacheDir returns wasibox's compilation cache folder:
// $XDG_CACHE_HOME/wasibox, or ~/.cache/wasibox. wazero adds a subfolder per
// wazero version, GOARCH and GOOS, so binaries built against different
// wazero versions never read each other's entries.
func cacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	// The CLI compiles without wazero's termination checks (see run.go),
	// and wazero's cache key does not record that choice: a folder of its
	// own keeps such code from ever being loaded by a runtime that needs
	// the checks (e.g. an embedder pointing at the default folder).
	return filepath.Join(base, "wasibox", "cli"), nil
}

// openCache returns the on-disk compilation cache, or nil when it must not
// or cannot be used.
//
// The cache holds native code that wazero maps executable without
// re-validating it, so a folder another user can write is code execution
// for that user (design decision 9). The folder is created 0700; an
// existing one must be a real directory owned by us, and is tightened to
// 0700 if it is not already. An unsafe folder is reported on stderr and
// skipped; a folder that cannot be created (no home, read-only file system)
// is skipped silently: the cache only makes start-up faster.
func openCache(stderr io.Writer) wazero.CompilationCache {
	dir, err := cacheDir()
	if err != nil {
		return nil
	}
	// The parent (…/wasibox) is checked as well: a symlinked parent would
	// put the cache wherever its target is.
	err = ensurePrivateDir(filepath.Dir(dir))
	if err == nil {
		err = ensurePrivateDir(dir)
	}
	if err != nil {
		if errors.Is(err, errUnsafeCache) {
			fmt.Fprintf(stderr, "wasibox: compilation cache not used: %v\n", err)
		}
		return nil
	}
	c, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil
	}
	return c
}

var errUnsafeCache = errors.New("unsafe cache folder")

// ensurePrivateDir creates dir (mode 0700) if needed and checks that it is
// a directory, not a symbolic link, owned by the effective user, and
// accessible to nobody else.
func ensurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%w: %s is not a directory", errUnsafeCache, dir)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%w: %s is not owned by uid %d", errUnsafeCache, dir, os.Geteuid())
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("%w: %s has mode %v: %v", errUnsafeCache, dir, fi.Mode().Perm(), err)
		}
	}
	return nil
}
