//go:build linux

package wasi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

// newTree fills dir with files, directories and symlinks (one of them
// pointing out of dir) and returns the names TestFS must find.
func newTree(t *testing.T, dir string) []string {
	t.Helper()
	files := map[string]string{
		"hello.txt":              "hello, world\n",
		"empty":                  "",
		"dir/a.txt":              "a",
		"dir/sub/deep.txt":       strings.Repeat("deep ", 1000),
		"dir/sub/more/x":         "x",
		"spaces and ü.txt":       "unicode",
		strings.Repeat("n", 255): "longest name",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 120 { // more than one 4 KiB fd_readdir buffer
		if err := os.WriteFile(filepath.Join(dir, "dir", "many", "f"+strings.Repeat("0", i%40)+string(rune('a'+i%26))+itoa(i)), nil, 0o644); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				os.MkdirAll(filepath.Join(dir, "dir", "many"), 0o755)
				i--
				continue
			}
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "emptydir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("hello.txt", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("dir/sub", filepath.Join(dir, "dirlink")); err != nil {
		t.Fatal(err)
	}
	return []string{"hello.txt", "empty", "dir/a.txt", "dir/sub/deep.txt", "dir/sub/more/x", "spaces and ü.txt", "emptydir", "link"}
}

func itoa(i int) string {
	return string(strconvAppend(nil, i))
}

func strconvAppend(b []byte, i int) []byte {
	if i >= 10 {
		b = strconvAppend(b, i/10)
	}
	return append(b, byte('0'+i%10))
}

func newUnix(t *testing.T, root string, readOnly bool) wasi.System {
	t.Helper()
	sys, err := unix.New(unix.Config{
		Preopens: []unix.Preopen{{HostPath: root, GuestPath: "/", ReadOnly: readOnly}},
		Stdin:    -1, Stdout: -1, Stderr: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close(context.Background()) })
	return sys
}

func TestFS(t *testing.T) {
	for _, ro := range []bool{false, true} {
		name := "rw"
		if ro {
			name = "ro"
		}
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			want := newTree(t, root)
			fsys := wasi.NewFS(newUnix(t, root, ro), 3)
			if err := fstest.TestFS(fsys, want...); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestFSErrors(t *testing.T) {
	root := t.TempDir()
	newTree(t, root)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "abs-escape")); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(root, filepath.Join(outside, "secret"))
	if err := os.Symlink(rel, filepath.Join(root, "rel-escape")); err != nil {
		t.Fatal(err)
	}
	fsys := wasi.NewFS(newUnix(t, root, false), 3)
	for _, c := range []struct {
		name  string
		op    func() error
		is    error
		errno wasi.Errno
	}{
		{"missing", func() error { _, err := fsys.Open("nope"); return err }, fs.ErrNotExist, wasi.ENOENT},
		{"missing stat", func() error { _, err := fs.Stat(fsys, "dir/nope"); return err }, fs.ErrNotExist, wasi.ENOENT},
		{"missing readfile", func() error { _, err := fs.ReadFile(fsys, "nope"); return err }, fs.ErrNotExist, wasi.ENOENT},
		{"dotdot", func() error { _, err := fsys.Open("../x"); return err }, fs.ErrInvalid, 0},
		{"absolute", func() error { _, err := fsys.Open("/etc/passwd"); return err }, fs.ErrInvalid, 0},
		{"trailing slash", func() error { _, err := fsys.Open("dir/"); return err }, fs.ErrInvalid, 0},
		{"absolute symlink", func() error { _, err := fs.ReadFile(fsys, "abs-escape"); return err }, fs.ErrPermission, wasi.ENOTCAPABLE},
		{"relative symlink", func() error { _, err := fs.ReadFile(fsys, "rel-escape"); return err }, fs.ErrPermission, wasi.ENOTCAPABLE},
		{"stat through symlink", func() error { _, err := fs.Stat(fsys, "rel-escape"); return err }, fs.ErrPermission, wasi.ENOTCAPABLE},
		{"readdir of file", func() error { _, err := fs.ReadDir(fsys, "hello.txt"); return err }, nil, wasi.ENOTDIR},
		{"file under file", func() error { _, err := fsys.Open("hello.txt/x"); return err }, nil, wasi.ENOTDIR},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.op()
			var pe *fs.PathError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *fs.PathError", err, err)
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, c.is)
			}
			if c.errno != 0 && !errors.Is(err, c.errno) {
				t.Errorf("error %v does not wrap %v", err, c.errno.Name())
			}
		})
	}
	// The symlinks themselves are inside the root: Lstat and ReadLink work.
	if fi, err := fs.Lstat(fsys, "abs-escape"); err != nil || fi.Mode().Type() != fs.ModeSymlink {
		t.Errorf("Lstat(abs-escape) = %v, %v; want a symlink", fi, err)
	}
	if target, err := fs.ReadLink(fsys, "rel-escape"); err != nil || target != rel {
		t.Errorf("ReadLink(rel-escape) = %q, %v; want %q", target, err, rel)
	}
}

func TestFSFile(t *testing.T) {
	root := t.TempDir()
	newTree(t, root)
	fsys := wasi.NewFS(newUnix(t, root, true), 3)
	f, err := fsys.Open("dir/sub/deep.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []byte(strings.Repeat("deep ", 1000))
	got, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("ReadAll = %d bytes, %v; want %d bytes", len(got), err, len(want))
	}
	if data, err := fs.ReadFile(fsys, "dirlink/deep.txt"); err != nil || !bytes.Equal(data, want) {
		t.Errorf("ReadFile through a symlinked directory = %d bytes, %v", len(data), err)
	}
	ra := f.(io.ReaderAt)
	buf := make([]byte, 10)
	if n, err := ra.ReadAt(buf, 4995); n != 5 || err != io.EOF || string(buf[:n]) != "deep " {
		t.Errorf("ReadAt at the end = %d %q, %v; want 5 \"deep \", EOF", n, buf[:n], err)
	}
	if _, err := ra.ReadAt(buf, -1); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("ReadAt(-1) error = %v, want ErrInvalid", err)
	}
	if pos, err := f.(io.Seeker).Seek(-5, io.SeekEnd); pos != 4995 || err != nil {
		t.Errorf("Seek(-5, end) = %d, %v", pos, err)
	}
	fi, err := f.Stat()
	if err != nil || fi.Size() != 5000 || fi.Name() != "deep.txt" || !fi.Mode().IsRegular() {
		t.Errorf("Stat = %v, %v", fi, err)
	}
	if st, ok := fi.Sys().(wasi.FileStat); !ok || st.Size != 5000 || st.FileType != wasi.RegularFileType {
		t.Errorf("Sys() = %#v, want the wasi.FileStat", fi.Sys())
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("second Close = %v, want ErrClosed", err)
	}
	if _, err := f.Read(buf); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Read after Close = %v, want ErrClosed", err)
	}
}

// TestFSOverTrace: the FS goes through the System it is given, so a
// wrapper sees every access.
func TestFSOverTrace(t *testing.T) {
	root := t.TempDir()
	newTree(t, root)
	var log bytes.Buffer
	fsys := wasi.NewFS(wasi.Trace(newUnix(t, root, true), &log, wasi.TraceDurations(false)), 3)
	if data, err := fs.ReadFile(fsys, "hello.txt"); err != nil || string(data) != "hello, world\n" {
		t.Fatalf("ReadFile = %q, %v", data, err)
	}
	for _, want := range []string{`path_open(fd=3, dirflags=symlink_follow, path="hello.txt"`, "fd_read(", "fd_close("} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("trace has no %q:\n%s", want, log.String())
		}
	}
}
