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

func TestNoSymlinks(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		root := t.TempDir()
		ptMake(t, root, nsTree...)
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/m"})
		ctx := t.Context()
		if ok := s.SetNoSymlinks(true); ok != (r == ResolveOpenat2) {
			t.Fatalf("SetNoSymlinks = %v under %v", ok, r)
		}
		if r == ResolveWalk {
			if _, errno := s.PathFileStatGet(ctx, 3, wasi.SymlinkFollow, "ld/g"); errno != wasi.ESUCCESS {
				t.Errorf("walk, mode refused: stat through a link = %v", errno)
			}
			return
		}
		defer s.SetNoSymlinks(false)
		open := func(p string, lookup wasi.LookupFlags, oflags wasi.OFlags) wasi.Errno {
			rights := wasi.FDReadRight | wasi.FDWriteRight
			if oflags.Has(wasi.ODirectory) {
				rights = wasi.FDReadDirRight
			}
			fd, errno := s.PathOpen(ctx, 3, lookup, p, oflags, rights, 0, 0)
			if errno == wasi.ESUCCESS {
				s.FDClose(ctx, fd)
			}
			return errno
		}
		stat := func(p string, lookup wasi.LookupFlags) wasi.Errno {
			_, errno := s.PathFileStatGet(ctx, 3, lookup, p)
			return errno
		}
		follow := wasi.SymlinkFollow
		tests := []struct {
			name string
			call func() wasi.Errno
			want wasi.Errno
		}{
			{"open plain", func() wasi.Errno { return open("f", follow, 0) }, wasi.ESUCCESS},
			{"open folder", func() wasi.Errno { return open("d/g", follow, 0) }, wasi.ESUCCESS},
			{"open dotdot", func() wasi.Errno { return open("d/sub/../g", follow, 0) }, wasi.ESUCCESS},
			{"open final link", func() wasi.Errno { return open("lf", follow, 0) }, wasi.ELOOP},
			{"open final link not followed", func() wasi.Errno { return open("lf", 0, 0) }, wasi.ELOOP},
			{"open link to folder, not followed, as a folder", func() wasi.Errno { return open("ld", 0, wasi.ODirectory) }, wasi.ENOTDIR},
			{"open link to folder as a folder", func() wasi.Errno { return open("ld", follow, wasi.ODirectory) }, wasi.ELOOP},
			{"open through folder link", func() wasi.Errno { return open("ld/g", follow, 0) }, wasi.ELOOP},
			{"create through dangling link", func() wasi.Errno { return open("ldangling", follow, wasi.OCreate) }, wasi.ELOOP},
			{"truncate through link", func() wasi.Errno { return open("lf", follow, wasi.OTruncate) }, wasi.ELOOP},
			{"create in linked folder", func() wasi.Errno { return open("ld/new", follow, wasi.OCreate) }, wasi.ELOOP},
			{"open missing", func() wasi.Errno { return open("nope", follow, 0) }, wasi.ENOENT},
			{"open escape", func() wasi.Errno { return open("../x", follow, 0) }, wasi.ENOTCAPABLE},
			{"stat", func() wasi.Errno { return stat("d/g", follow) }, wasi.ESUCCESS},
			{"stat link itself", func() wasi.Errno { return stat("lf", 0) }, wasi.ESUCCESS},
			{"stat through final link", func() wasi.Errno { return stat("lf", follow) }, wasi.ELOOP},
			{"stat through folder link", func() wasi.Errno { return stat("ld/g", 0) }, wasi.ELOOP},
			{"stat folder link with a slash", func() wasi.Errno { return stat("ld/", 0) }, wasi.ELOOP},
			{"readlink", func() wasi.Errno { _, e := s.PathReadLink(ctx, 3, "lf", make([]byte, 16)); return e }, wasi.ESUCCESS},
			{"set times through link", func() wasi.Errno { return s.PathFileStatSetTimes(ctx, 3, follow, "lf", 0, 0, wasi.ModifyTimeNow) }, wasi.ELOOP},
			{"mkdir in linked folder", func() wasi.Errno { return s.PathCreateDirectory(ctx, 3, "ld/newdir") }, wasi.ELOOP},
			{"unlink in linked folder", func() wasi.Errno { return s.PathUnlinkFile(ctx, 3, "ld/g") }, wasi.ELOOP},
			{"rmdir in linked folder", func() wasi.Errno { return s.PathRemoveDirectory(ctx, 3, "ld/sub") }, wasi.ELOOP},
			{"rename from linked folder", func() wasi.Errno { return s.PathRename(ctx, 3, "ld/g", 3, "x") }, wasi.ELOOP},
			{"rename into linked folder", func() wasi.Errno { return s.PathRename(ctx, 3, "f", 3, "ld/x") }, wasi.ELOOP},
			{"link through final link", func() wasi.Errno { return s.PathLink(ctx, 3, follow, "lf", 3, "h") }, wasi.ELOOP},
			{"symlink in linked folder", func() wasi.Errno { return s.PathSymlink(ctx, "x", 3, "ld/l") }, wasi.ELOOP},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if errno := tt.call(); errno != tt.want {
					t.Errorf("errno %v, want %v", errno, tt.want)
				}
			})
		}
		// Nothing was done through a link.
		for _, p := range []string{"d/new", "d/newdir", "d/x", "d/l", "x", "h"} {
			if _, err := os.Lstat(filepath.Join(root, p)); !os.IsNotExist(err) {
				t.Errorf("%s: %v, want not created", p, err)
			}
		}
		if b, _ := os.ReadFile(filepath.Join(root, "f")); string(b) != "file" {
			t.Errorf("f = %q, want untouched", b)
		}
		if _, err := os.Stat(filepath.Join(root, "d/g")); err != nil {
			t.Errorf("d/g: %v", err)
		}
		// Off again: links are followed.
		s.SetNoSymlinks(false)
		if errno := stat("ld/g", follow); errno != wasi.ESUCCESS {
			t.Errorf("stat through a link after the mode: %v", errno)
		}
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
