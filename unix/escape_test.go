//go:build linux

package unix

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// Escape tests: a guest holding a preopen tries to reach a sentinel tree
// next to it through every path call, with "..", absolute paths, links
// planted by the host, links it creates itself, chains of links and links
// whose targets end in "/". Every attempt must fail, and the sentinel
// (names, modes, sizes, mtimes, contents) must be unchanged afterwards.

// ptEscapeTree builds top/outside (the sentinel) and top/root (the
// preopen), plants links in root, and returns root and outside.
func ptEscapeTree(tb testing.TB) (root, outside string) {
	tb.Helper()
	top := tb.TempDir()
	root = filepath.Join(top, "root")
	outside = filepath.Join(top, "outside")
	ptMake(tb, top, "outside/", "outside/secret=s3cret", "outside/d/", "outside/d/x=inner", "outside/lsecret->secret", "root/")
	ptMake(tb, root,
		"f=file", "d/", "d/g=gee", "e/",
		"labs->"+outside, "labsfile->"+filepath.Join(outside, "secret"),
		"lup->../outside", "lupfile->../outside/secret",
		"d/lpp->../..", "chain1->chain2", "chain2->d/lpp/outside",
		"lslashout->../outside/", "lchainslash->lslashout",
		"lproc->/proc/self/root",
	)
	return root, outside
}

// ptEscapeOp is one path call made with an attacker's path in one of its
// path arguments; typeA marks calls on a final name that never follow it
// (mkdir, unlink, rmdir, rename, link and symlink destinations).
type ptEscapeOp struct {
	name   string
	typeA  bool
	follow bool
	call   func(ctx context.Context, s *System, p string) wasi.Errno
}

var ptEscapeOps = []ptEscapeOp{
	{"path_open", false, true, func(ctx context.Context, s *System, p string) wasi.Errno {
		_, errno := s.PathOpen(ctx, 3, wasi.SymlinkFollow, p, 0, wasi.FDReadRight, 0, 0)
		return errno
	}},
	{"path_open directory", false, true, func(ctx context.Context, s *System, p string) wasi.Errno {
		_, errno := s.PathOpen(ctx, 3, wasi.SymlinkFollow, p, wasi.ODirectory, wasi.DirectoryRights, wasi.AllRights, 0)
		return errno
	}},
	{"path_open nofollow", false, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		_, errno := s.PathOpen(ctx, 3, 0, p, 0, wasi.FDReadRight, 0, 0)
		return errno
	}},
	{"path_open create", false, true, func(ctx context.Context, s *System, p string) wasi.Errno {
		_, errno := s.PathOpen(ctx, 3, wasi.SymlinkFollow, p, wasi.OCreate, wasi.FDReadRight|wasi.FDWriteRight, 0, 0)
		return errno
	}},
	{"path_open truncate", false, true, func(ctx context.Context, s *System, p string) wasi.Errno {
		_, errno := s.PathOpen(ctx, 3, wasi.SymlinkFollow, p, wasi.OTruncate, wasi.FDWriteRight, 0, 0)
		return errno
	}},
	{"path_filestat_get", false, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		_, errno := s.PathFileStatGet(ctx, 3, 0, p)
		return errno
	}},
	{"path_filestat_get follow", false, true, func(ctx context.Context, s *System, p string) wasi.Errno {
		_, errno := s.PathFileStatGet(ctx, 3, wasi.SymlinkFollow, p)
		return errno
	}},
	{"path_filestat_set_times", false, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		return s.PathFileStatSetTimes(ctx, 3, 0, p, 1e9, 1e9, wasi.AccessTime|wasi.ModifyTime)
	}},
	{"path_filestat_set_times follow", false, true, func(ctx context.Context, s *System, p string) wasi.Errno {
		return s.PathFileStatSetTimes(ctx, 3, wasi.SymlinkFollow, p, 1e9, 1e9, wasi.AccessTime|wasi.ModifyTime)
	}},
	{"path_readlink", false, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		_, errno := s.PathReadLink(ctx, 3, p, make([]byte, 256))
		return errno
	}},
	{"path_create_directory", true, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		return s.PathCreateDirectory(ctx, 3, p)
	}},
	{"path_unlink_file", true, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		return s.PathUnlinkFile(ctx, 3, p)
	}},
	{"path_remove_directory", true, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		return s.PathRemoveDirectory(ctx, 3, p)
	}},
	{"path_rename from", true, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		return s.PathRename(ctx, 3, p, 3, "stolen")
	}},
	{"path_rename to", true, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		return s.PathRename(ctx, 3, "f", 3, p)
	}},
	{"path_rename directory to", true, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		return s.PathRename(ctx, 3, "e", 3, p)
	}},
	{"path_link from", false, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		return s.PathLink(ctx, 3, 0, p, 3, "stolen")
	}},
	{"path_link from follow", false, true, func(ctx context.Context, s *System, p string) wasi.Errno {
		return s.PathLink(ctx, 3, wasi.SymlinkFollow, p, 3, "stolen")
	}},
	{"path_link to", true, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		return s.PathLink(ctx, 3, 0, "f", 3, p)
	}},
	{"path_symlink at", true, false, func(ctx context.Context, s *System, p string) wasi.Errno {
		return s.PathSymlink(ctx, "f", 3, p)
	}},
}

// ptAttack is a path and what it must give.
type ptAttack struct {
	path string
	// through: the escape is before the final name (or is a final ".."),
	// so every call must say ENOTCAPABLE. Otherwise the final name is a
	// link out: calls that follow it must say ENOTCAPABLE, the others may
	// act on the link itself (inside the preopen).
	through bool
	// slash: a final link out named with a trailing slash; calls that
	// look through the final name must say ENOTCAPABLE, the others must
	// fail without following it.
	slash bool
}

func ptAttacks(outside string) []ptAttack {
	return []ptAttack{
		{path: "..", through: true},
		{path: "../", through: true},
		{path: "../outside", through: true},
		{path: "../outside/secret", through: true},
		{path: "../outside/new", through: true},
		{path: "d/../..", through: true},
		{path: "d/../../outside/secret", through: true},
		{path: "./d/.././../outside/d/x", through: true},
		{path: "../root/f", through: true},
		{path: "/", through: true},
		{path: "/etc/passwd", through: true},
		{path: filepath.Join(outside, "secret"), through: true},
		{path: "labs/secret", through: true},
		{path: "labs/new", through: true},
		{path: "labs/lsecret", through: true},
		{path: "lup/secret", through: true},
		{path: "lup/d/x", through: true},
		{path: "d/lpp/outside/secret", through: true},
		{path: "chain1/secret", through: true},
		{path: "lslashout/secret", through: true},
		{path: "lchainslash/secret", through: true},
		{path: "lproc/etc/passwd", through: true},
		{path: "guest1/outside/secret", through: true},
		{path: "guest2/secret", through: true},
		{path: "guest3/secret", through: true},
		{path: "labs/", slash: true},
		{path: "lup/", slash: true},
		{path: "lslashout/", slash: true},
		{path: "lchainslash/", slash: true},
		{path: "chain1/", slash: true},
		{path: "d/lpp/", slash: true},
		{path: "guest1/", slash: true},
		{path: "labs"},
		{path: "labsfile"},
		{path: "lup"},
		{path: "lupfile"},
		{path: "d/lpp"},
		{path: "chain1"},
		{path: "lslashout"},
		{path: "lchainslash"},
		{path: "lproc"},
		{path: "guest1"},
		{path: "guest2"},
		{path: "guest3"},
	}
}

func TestEscape(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		_, outside := ptEscapeTree(t) // for the absolute attack paths: any will do
		for _, a := range ptAttacks(outside) {
			t.Run(a.path, func(t *testing.T) {
				// One tree per attack, made again after a call that
				// succeeded (on a link inside) and so changed it.
				var root, outside string
				var s *System
				fresh := func() {
					root, outside = ptEscapeTree(t)
					s = ptNew(t, r, Preopen{HostPath: root, GuestPath: "/"})
					// Links the guest makes itself: contents are stored as
					// given, and can never be followed out.
					for name, target := range map[string]string{"guest1": "../../..", "guest2": "../outside", "guest3": "d/../../outside/"} {
						ptWant(t, "symlink "+name, s.PathSymlink(t.Context(), target, 3, name), wasi.ESUCCESS)
					}
				}
				fresh()
				for _, op := range ptEscapeOps {
					before := ptHash(t, outside)
					errno := op.call(t.Context(), s, a.path)
					mustRefuse := a.through || (a.slash && !op.typeA) || (!a.slash && !a.through && op.follow)
					switch {
					case a.slash && op.name == "path_open create" && errno == wasi.EISDIR:
						// open(2) refuses O_CREAT with a trailing slash
						// before looking at the name.
					case mustRefuse && errno != wasi.ENOTCAPABLE:
						t.Errorf("%s: errno %v, want %v", op.name, errno, wasi.ENOTCAPABLE)
					case a.slash && op.typeA && errno == wasi.ESUCCESS:
						t.Errorf("%s: succeeded on a link out named with a slash", op.name)
					}
					if after := ptHash(t, outside); after != before {
						t.Errorf("%s: the sentinel tree outside the preopen changed", op.name)
					}
					if ptLstat(t, filepath.Dir(root), "stolen") != nil || ptLstat(t, filepath.Dir(root), "new") != nil {
						t.Errorf("%s: something was created next to the preopen", op.name)
					}
					if errno == wasi.ESUCCESS {
						fresh()
					}
				}
			})
		}
	})
}

// TestEscapeLinksAreObjects checks that links pointing out of
// the preopen are still usable as objects inside it (unlink, rename,
// readlink, lstat) without their targets ever being touched.
func TestEscapeLinksAreObjects(t *testing.T) {
	ptEach(t, func(t *testing.T, r Resolver) {
		root, outside := ptEscapeTree(t)
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/"})
		ctx := t.Context()
		before := ptHash(t, outside)
		buf := make([]byte, 256)
		n, errno := s.PathReadLink(ctx, 3, "lupfile", buf)
		if errno != wasi.ESUCCESS || string(buf[:n]) != "../outside/secret" {
			t.Errorf("readlink lupfile = %q, %v", buf[:n], errno)
		}
		st, errno := s.PathFileStatGet(ctx, 3, 0, "labsfile")
		if errno != wasi.ESUCCESS || st.FileType != wasi.SymbolicLinkType {
			t.Errorf("lstat labsfile = %v, %v", st.FileType, errno)
		}
		ptWant(t, "rename lupfile", s.PathRename(ctx, 3, "lupfile", 3, "d/moved"), wasi.ESUCCESS)
		_, errno = s.PathOpen(ctx, 3, wasi.SymlinkFollow, "d/moved", 0, wasi.FDReadRight, 0, 0)
		ptWant(t, "open the moved link", errno, wasi.ENOENT) // from d, ../outside/secret is root/outside/secret
		ptWant(t, "hard link labsfile", s.PathLink(ctx, 3, 0, "labsfile", 3, "l2"), wasi.ESUCCESS)
		_, errno = s.PathOpen(ctx, 3, wasi.SymlinkFollow, "l2", 0, wasi.FDReadRight, 0, 0)
		ptWant(t, "open the hard link", errno, wasi.ENOTCAPABLE)
		ptWant(t, "unlink labsfile", s.PathUnlinkFile(ctx, 3, "labsfile"), wasi.ESUCCESS)
		ptWant(t, "unlink labs/", s.PathUnlinkFile(ctx, 3, "labs/"), wasi.ENOTDIR)
		ptWant(t, "rmdir labs", s.PathRemoveDirectory(ctx, 3, "labs"), wasi.ENOTDIR)
		ptWant(t, "rmdir labs/", s.PathRemoveDirectory(ctx, 3, "labs/"), wasi.ENOTDIR)
		ptWant(t, "unlink labs", s.PathUnlinkFile(ctx, 3, "labs"), wasi.ESUCCESS)
		if after := ptHash(t, outside); after != before {
			t.Error("the sentinel tree outside the preopen changed")
		}
		if ptLstat(t, root, "labs") != nil || ptLstat(t, root, "labsfile") != nil {
			t.Error("links were not removed")
		}
	})
}

// TestEscapeMagicLinks opens /proc magic links through a preopen of "/":
// /proc/self/root, /proc/self/cwd and /proc/self/fd/N are refused
// (RESOLVE_NO_MAGICLINKS, or the walk reading an absolute target), so a
// guest cannot reopen a host descriptor or jump to another root through
// them. The preopen is read-only: nothing here may write.
func TestEscapeMagicLinks(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc")
	}
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	host, err := os.Open(secret)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	hostDir, err := os.Open(filepath.Dir(secret))
	if err != nil {
		t.Fatal(err)
	}
	defer hostDir.Close()
	fdPath := "proc/self/fd/" + strconv.Itoa(int(host.Fd()))
	dirPath := "proc/self/fd/" + strconv.Itoa(int(hostDir.Fd()))
	ptEach(t, func(t *testing.T, r Resolver) {
		s := ptNew(t, r, Preopen{HostPath: "/", GuestPath: "/", ReadOnly: true})
		ctx := t.Context()
		// The non-magic link /proc/self is fine: the walk of "proc/self"
		// works like any other.
		if _, errno := s.PathFileStatGet(ctx, 3, wasi.SymlinkFollow, "proc/self/status"); errno != wasi.ESUCCESS {
			t.Fatalf("stat proc/self/status: %v", errno)
		}
		paths := []string{
			fdPath, fdPath + "/", dirPath, dirPath + "/secret", dirPath + "/",
			"proc/self/root", "proc/self/root/", "proc/self/root/etc/passwd", "proc/thread-self/root/etc",
			"proc/self/cwd", "proc/self/cwd/", "proc/self/exe",
			"proc/" + strconv.Itoa(os.Getpid()) + "/root/etc",
		}
		for _, p := range paths {
			t.Run(p, func(t *testing.T) {
				refused := func(what string, errno wasi.Errno) {
					t.Helper()
					if errno != wasi.ELOOP && errno != wasi.ENOTCAPABLE {
						t.Errorf("%s: errno %v, want ELOOP or ENOTCAPABLE", what, errno)
					}
				}
				_, errno := s.PathOpen(ctx, 3, wasi.SymlinkFollow, p, 0, wasi.FDReadRight, 0, 0)
				refused("path_open", errno)
				_, errno = s.PathOpen(ctx, 3, wasi.SymlinkFollow, p, wasi.ODirectory, wasi.FDReadDirRight, 0, 0)
				refused("path_open directory", errno)
				_, errno = s.PathFileStatGet(ctx, 3, wasi.SymlinkFollow, p)
				refused("path_filestat_get follow", errno)
			})
		}
		// Without following, the magic link itself is only described.
		st, errno := s.PathFileStatGet(ctx, 3, 0, fdPath)
		if errno != wasi.ESUCCESS || st.FileType != wasi.SymbolicLinkType {
			t.Errorf("lstat %s = %v, %v", fdPath, st.FileType, errno)
		}
		if s.nfiles != 1 {
			t.Errorf("%d descriptors open, want only the preopen", s.nfiles)
		}
	})
}
