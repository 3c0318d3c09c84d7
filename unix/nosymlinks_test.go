//go:build linux

package unix

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// The tree of these tests: mounted at /m, with links in the folder part
// and as the final component, and a dangling one.
var nsTree = []string{"f=file", "d/", "d/g=gee", "d/sub/", "ld->d", "lf->f", "ldangling->d/new", "d/lup->../f"}

func TestPathOpenNoSymlinks(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		root := t.TempDir()
		ptMake(t, root, nsTree...)
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/m"})
		if r == ResolveWalk {
			if _, errno := s.PathOpenNoSymlinks(t.Context(), 3, "f", 0, wasi.FDReadRight, 0, 0); errno != wasi.ENOSYS {
				t.Errorf("walk: errno %v, want ENOSYS", errno)
			}
			return
		}
		tests := []struct {
			name   string
			path   string
			oflags wasi.OFlags
			want   wasi.Errno
		}{
			{"plain", "f", 0, wasi.ESUCCESS},
			{"folder", "d/g", 0, wasi.ESUCCESS},
			{"dotdot", "d/sub/../g", 0, wasi.ESUCCESS},
			{"directory", "d", wasi.ODirectory, wasi.ESUCCESS},
			{"final link", "lf", 0, wasi.ELOOP},
			{"final link to folder", "ld", wasi.ODirectory, wasi.ELOOP},
			{"folder link", "ld/g", 0, wasi.ELOOP},
			{"link up", "d/lup", 0, wasi.ELOOP},
			{"create through dangling link", "ldangling", wasi.OCreate, wasi.ELOOP},
			{"truncate through link", "lf", wasi.OTruncate, wasi.ELOOP},
			{"create in linked folder", "ld/new", wasi.OCreate, wasi.ELOOP},
			{"missing", "nope", 0, wasi.ENOENT},
			{"escape", "../x", 0, wasi.ENOTCAPABLE},
			{"create", "new", wasi.OCreate, wasi.ESUCCESS},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rights := wasi.FDReadRight | wasi.FDWriteRight
				if tt.oflags.Has(wasi.ODirectory) {
					rights = wasi.FDReadDirRight
				}
				fd, errno := s.PathOpenNoSymlinks(t.Context(), 3, tt.path, tt.oflags, rights, 0, 0)
				if errno != tt.want {
					t.Fatalf("errno %v, want %v", errno, tt.want)
				}
				if errno == wasi.ESUCCESS {
					s.FDClose(t.Context(), fd)
				}
			})
		}
		// Nothing was created or truncated through a link.
		if _, err := os.Lstat(filepath.Join(root, "d/new")); !os.IsNotExist(err) {
			t.Errorf("d/new: %v, want not created", err)
		}
		if b, _ := os.ReadFile(filepath.Join(root, "f")); string(b) != "file" {
			t.Errorf("f = %q, want untouched", b)
		}
		// The next open resolves links again.
		fd, errno := s.PathOpen(t.Context(), 3, wasi.SymlinkFollow, "ld/g", 0, wasi.FDReadRight, 0, 0)
		if errno != wasi.ESUCCESS {
			t.Fatalf("PathOpen after PathOpenNoSymlinks: %v", errno)
		}
		s.FDClose(t.Context(), fd)
	})
}

func TestPathGuestPath(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		root := t.TempDir()
		ptMake(t, root, nsTree...)
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/m"})
		sub, errno := s.PathOpen(t.Context(), 3, wasi.SymlinkFollow, "ld/sub", wasi.ODirectory, wasi.DirectoryRights, wasi.DirectoryRights, 0)
		if errno != wasi.ESUCCESS {
			t.Fatal(errno)
		}
		tests := []struct {
			name  string
			fd    wasi.FD
			path  string
			flags wasi.LookupFlags
			want  string
			errno wasi.Errno
		}{
			{"plain", 3, "f", 0, "/m/f", 0},
			{"root", 3, ".", 0, "/m", 0},
			{"missing final", 3, "d/new", 0, "/m/d/new", 0},
			{"folder link", 3, "ld/g", 0, "/m/d/g", 0},
			{"final link not followed", 3, "lf", 0, "/m/lf", 0},
			{"final link followed", 3, "lf", wasi.SymlinkFollow, "/m/f", 0},
			{"dangling link followed", 3, "ldangling", wasi.SymlinkFollow, "/m/d/new", 0},
			{"link up", 3, "d/lup", wasi.SymlinkFollow, "/m/f", 0},
			{"trailing slash", 3, "ld/", 0, "/m/d", 0},
			{"dotdot after link", 3, "ld/sub/../../f", 0, "/m/f", 0},
			{"from a subfolder", sub, "..", 0, "", wasi.ENOTCAPABLE},
			{"from a subfolder opened through a link", sub, "x", 0, "/m/d/sub/x", 0},
			{"escape", 3, "../x", 0, "", wasi.ENOTCAPABLE},
			{"missing folder", 3, "nope/x", 0, "", wasi.ENOENT},
			{"absolute", 3, "/f", 0, "", wasi.ENOTCAPABLE},
			{"not a directory", 0, "f", 0, "", wasi.EBADF},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, errno := s.PathGuestPath(t.Context(), tt.fd, tt.flags, tt.path)
				if got != tt.want || errno != tt.errno {
					t.Errorf("PathGuestPath(%d, %q) = %q, %v; want %q, %v", tt.fd, tt.path, got, errno, tt.want, tt.errno)
				}
			})
		}
	})
}

func TestPathParentGuestPath(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		root := t.TempDir()
		ptMake(t, root, nsTree...)
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/m"})
		tests := []struct {
			path  string
			want  string
			errno wasi.Errno
		}{
			{"new", "/m/new", 0},
			{"d/new/", "/m/d/new", 0},
			{"ld/x", "/m/d/x", 0},
			{"lf", "/m/lf", 0},
			{"ld/", "/m/ld", 0},
			{"ldangling", "/m/ldangling", 0},
			{"d/sub/..", "/m/d", 0},
			{"ld/sub/../lup", "/m/d/lup", 0},
			{"nope/x", "", wasi.ENOENT},
			{"../x", "", wasi.ENOTCAPABLE},
			{"lf/x", "", wasi.ENOTDIR},
		}
		for _, tt := range tests {
			got, errno := s.PathParentGuestPath(t.Context(), 3, tt.path)
			if got != tt.want || errno != tt.errno {
				t.Errorf("PathParentGuestPath(%q) = %q, %v; want %q, %v", tt.path, got, errno, tt.want, tt.errno)
			}
		}
	})
}
