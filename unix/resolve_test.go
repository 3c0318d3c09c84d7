//go:build linux

package unix

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// Helpers shared by the path tests (resolve_test.go, path_test.go,
// escape_test.go, readonly_test.go); all named pt* to stay clear of the
// other test files of the package.

// ptResolvers are the resolvers every path test runs under.
var ptResolvers = []Resolver{ResolveOpenat2, ResolveWalk}

// ptEach runs f once per resolver.
func ptEach(t *testing.T, f func(t *testing.T, r Resolver)) {
	t.Helper()
	for _, r := range ptResolvers {
		t.Run(r.String(), func(t *testing.T) {
			if r == ResolveOpenat2 && !haveOpenat2() {
				t.Skip("openat2 is not available on this kernel")
			}
			f(t, r)
		})
	}
}

// ptNew returns a System without stdio whose preopens are fds 3, 4, ...
func ptNew(tb testing.TB, r Resolver, pre ...Preopen) *System {
	tb.Helper()
	s, err := New(Config{Preopens: pre, Resolver: r, Stdin: -1, Stdout: -1, Stderr: -1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close(context.Background()) })
	if s.Resolver() != r {
		tb.Fatalf("Resolver() = %v, want %v", s.Resolver(), r)
	}
	return s
}

// ptMake creates entries under dir: "a/" a directory, "a=text" a file,
// "a->target" a symbolic link, "a|" a FIFO.
func ptMake(tb testing.TB, dir string, entries ...string) {
	tb.Helper()
	for _, e := range entries {
		var err error
		switch {
		case strings.Contains(e, "->"):
			name, target, _ := strings.Cut(e, "->")
			err = os.Symlink(target, filepath.Join(dir, name))
		case strings.Contains(e, "="):
			name, text, _ := strings.Cut(e, "=")
			err = os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
		case strings.HasSuffix(e, "/"):
			err = os.MkdirAll(filepath.Join(dir, e), 0o755)
		case strings.HasSuffix(e, "|"):
			err = unix.Mkfifo(filepath.Join(dir, strings.TrimSuffix(e, "|")), 0o644)
		default:
			tb.Fatalf("ptMake: bad entry %q", e)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func ptWant(tb testing.TB, what string, got, want wasi.Errno) {
	tb.Helper()
	if got != want {
		tb.Errorf("%s: errno %v, want %v", what, got, want)
	}
}

// ptIno returns the inode of a host path (not following a final link).
func ptIno(tb testing.TB, path string) uint64 {
	tb.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

// ptHostIno returns the inode of an open host descriptor.
func ptHostIno(tb testing.TB, fd int) uint64 {
	tb.Helper()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		tb.Fatal(err)
	}
	return st.Ino
}

// ptFile returns the descriptor table entry of a guest fd.
func ptFile(tb testing.TB, s *System, fd wasi.FD) *file {
	tb.Helper()
	f, errno := s.lookup(fd, 0)
	if errno != wasi.ESUCCESS {
		tb.Fatalf("fd %d: %v", fd, errno)
	}
	return f
}

// ptHash digests a host tree: names, types, modes, sizes, mtimes, file
// contents and link targets, without following links. Escape tests hash a
// sentinel tree before and after an attack.
func ptHash(tb testing.TB, root string) string {
	tb.Helper()
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		line := fmt.Sprintf("%s %v %d %d", rel, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			line += " -> " + t
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			line += " " + hex.EncodeToString(sum[:])
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}

func TestCheckPath(t *testing.T) {
	tests := []struct {
		name, path string
		want       wasi.Errno
	}{
		{"relative", "a/b", wasi.ESUCCESS},
		{"dot", ".", wasi.ESUCCESS},
		{"empty", "", wasi.ENOENT},
		{"absolute", "/etc/passwd", wasi.ENOTCAPABLE},
		{"slash", "/", wasi.ENOTCAPABLE},
		{"nul", "a\x00b", wasi.EINVAL},
		{"trailing nul", "a\x00", wasi.EINVAL},
		{"max", strings.Repeat("a", maxPathLen), wasi.ESUCCESS},
		{"too long", strings.Repeat("a", maxPathLen+1), wasi.ENAMETOOLONG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ptWant(t, tt.path, checkPath(tt.path), tt.want)
		})
	}
}

func TestSplitPath(t *testing.T) {
	tests := []struct {
		path                  string
		parentDir, parentName string
		finalDir, finalName   string
	}{
		{"a", "", "a", "", "a"},
		{"a/b", "a/", "b", "a/", "b"},
		{"a//b", "a//", "b", "a//", "b"},
		{"a/b/", "a/", "b/", "a/b/", "."},
		{"a/b//", "a/", "b//", "a/b//", "."},
		{".", ".", ".", ".", "."},
		{"..", "..", ".", "..", "."},
		{"a/..", "a/..", ".", "a/..", "."},
		{"a/./", "a/./", ".", "a/./", "."},
		{"a/../", "a/../", ".", "a/../", "."},
		{"..a", "", "..a", "", "..a"},
		{"a/.b", "a/", ".b", "a/", ".b"},
	}
	for _, tt := range tests {
		if d, n := splitParent(tt.path); d != tt.parentDir || n != tt.parentName {
			t.Errorf("splitParent(%q) = %q, %q; want %q, %q", tt.path, d, n, tt.parentDir, tt.parentName)
		}
		if d, n := splitFinal(tt.path); d != tt.finalDir || n != tt.finalName {
			t.Errorf("splitFinal(%q) = %q, %q; want %q, %q", tt.path, d, n, tt.finalDir, tt.finalName)
		}
	}
}

// ptResolveTree builds root/ (the preopen) next to outside/ (a sentinel)
// with links of every kind, and returns both paths.
func ptResolveTree(tb testing.TB) (root, outside string) {
	tb.Helper()
	top := tb.TempDir()
	root = filepath.Join(top, "root")
	outside = filepath.Join(top, "outside")
	ptMake(tb, top, "root/", "outside/", "outside/secret=s3cret", "outside/d/")
	ptMake(tb, root,
		"f=file", "d/", "d/g=gee", "d/e/", "d/e/h=aitch", "fifo|",
		"ld->d", "lf->f", "ldslash->d/", "lself->.", "lloop->lloop",
		"labs->"+outside, "labsfile->"+filepath.Join(outside, "secret"),
		"lup->../outside", "lupfile->../outside/secret",
		"d/lparent->..", "d/lpp->../..", "d/e/lroot->../..",
		"ldangling->nowhere", "lchain1->lchain2", "lchain2->ldslash", "lfslash->f/",
		"lslashdir->ld/",
	)
	// A chain of exactly maxSymlinks links to f, and one more.
	prev := "f"
	for i := 1; i <= maxSymlinks+1; i++ {
		name := fmt.Sprintf("c%02d", i)
		ptMake(tb, root, name+"->"+prev)
		prev = name
	}
	return root, outside
}

func TestResolveOpen(t *testing.T) {
	const rd = unix.O_RDONLY | unix.O_NONBLOCK
	tests := []struct {
		name  string
		path  string
		flags int
		want  wasi.Errno
		is    string // host path (relative to root) the result must be
	}{
		{"file", "f", rd, 0, "f"},
		{"nested", "d/e/h", rd, 0, "d/e/h"},
		{"dotdot inside", "d/../f", rd, 0, "f"},
		{"dots and slashes", "./d/.//e/../g", rd, 0, "d/g"},
		{"interesting", "d/./e/../../d/e/../e///./h", rd, 0, "d/e/h"},
		{"dir", "d", rd, 0, "d"},
		{"dir slash", "d/", rd, 0, "d"},
		{"dir slashes", "d///", rd, 0, "d"},
		{"dot", ".", rd, 0, "."},
		{"dir dotdot", "d/..", rd, 0, "."},
		{"dir dot", "d/.", rd, 0, "d"},
		{"file slash", "f/", rd, wasi.ENOTDIR, ""},
		{"file slashes", "f///", rd, wasi.ENOTDIR, ""},
		{"through file", "f/x", rd, wasi.ENOTDIR, ""},
		{"missing", "nope", rd, wasi.ENOENT, ""},
		{"missing dir", "nope/x", rd, wasi.ENOENT, ""},
		{"create missing slash", "new/", rd | unix.O_CREAT, wasi.EISDIR, ""},
		{"directory flag on file", "f", rd | unix.O_DIRECTORY, wasi.ENOTDIR, ""},
		{"fifo", "fifo", rd, 0, "fifo"},

		{"link to dir", "ld/g", rd, 0, "d/g"},
		{"link to file", "lf", rd, 0, "f"},
		{"link to file nofollow", "lf", rd | unix.O_NOFOLLOW, wasi.ELOOP, ""},
		{"link to dir nofollow directory", "ld", rd | unix.O_NOFOLLOW | unix.O_DIRECTORY, wasi.ENOTDIR, ""},
		{"link to dir slash nofollow", "ld/", rd | unix.O_NOFOLLOW, 0, "d"},
		{"link target with slash", "ldslash/g", rd, 0, "d/g"},
		{"link target with slash final", "ldslash", rd, 0, "d"},
		{"link to file with slash", "lfslash", rd, wasi.ENOTDIR, ""},
		{"link to link with slash", "lslashdir/e/h", rd, 0, "d/e/h"},
		{"chain ending in slash", "lchain1/g", rd, 0, "d/g"},
		{"self", "lself/lself/f", rd, 0, "f"},
		{"parent link", "d/lparent/f", rd, 0, "f"},
		{"parent link chain", "d/e/lroot/d/g", rd, 0, "d/g"},
		{"loop", "lloop", rd, wasi.ELOOP, ""},
		{"loop nofollow", "lloop", rd | unix.O_NOFOLLOW, wasi.ELOOP, ""},
		{"loop intermediate", "lloop/x", rd, wasi.ELOOP, ""},
		{"dangling", "ldangling", rd, wasi.ENOENT, ""},
		{"40 links", fmt.Sprintf("c%02d", maxSymlinks), rd, 0, "f"},
		{"41 links", fmt.Sprintf("c%02d", maxSymlinks+1), rd, wasi.ELOOP, ""},

		{"dotdot", "..", rd, wasi.ENOTCAPABLE, ""},
		{"dotdot slash", "../", rd, wasi.ENOTCAPABLE, ""},
		{"dotdot deep", "d/../..", rd, wasi.ENOTCAPABLE, ""},
		{"dotdot and back", "../root/f", rd, wasi.ENOTCAPABLE, ""},
		{"dotdot out", "d/e/../../../outside/secret", rd, wasi.ENOTCAPABLE, ""},
		{"absolute link", "labs/secret", rd, wasi.ENOTCAPABLE, ""},
		{"absolute link final", "labsfile", rd, wasi.ENOTCAPABLE, ""},
		{"absolute link nofollow", "labsfile", rd | unix.O_NOFOLLOW, wasi.ELOOP, ""},
		{"relative link out", "lup/secret", rd, wasi.ENOTCAPABLE, ""},
		{"relative link out final", "lupfile", rd, wasi.ENOTCAPABLE, ""},
		{"link climbing twice", "d/lpp/outside/secret", rd, wasi.ENOTCAPABLE, ""},
		{"link climbing, final", "d/lpp", rd, wasi.ENOTCAPABLE, ""},
	}
	root, outside := ptResolveTree(t)
	before := ptHash(t, outside)
	ptEach(t, func(t *testing.T, r Resolver) {
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/root"})
		dirfd := ptFile(t, s, 3).fd
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				fd, errno := s.openBeneath(dirfd, tt.path, tt.flags, 0o644)
				if errno != tt.want {
					if errno == wasi.ESUCCESS {
						unix.Close(fd)
					}
					t.Fatalf("open %q: errno %v, want %v", tt.path, errno, tt.want)
				}
				if errno != wasi.ESUCCESS {
					if fd != -1 {
						t.Errorf("fd %d on error", fd)
					}
					return
				}
				defer unix.Close(fd)
				if got, want := ptHostIno(t, fd), ptIno(t, filepath.Join(root, tt.is)); got != want {
					t.Errorf("open %q: inode %d, want %d (%s)", tt.path, got, want, tt.is)
				}
				fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
				if err != nil || fl&unix.FD_CLOEXEC == 0 {
					t.Errorf("open %q: not close-on-exec (%v)", tt.path, err)
				}
			})
		}
		if len(s.path.stack) != 0 {
			t.Errorf("walk left %d descriptors on its stack", len(s.path.stack))
		}
	})
	if after := ptHash(t, outside); after != before {
		t.Error("the tree outside the preopen changed")
	}
}

// TestResolveDirNoLeak checks that openDir and the walk close every
// descriptor they open, on success and on error.
func TestResolveDirNoLeak(t *testing.T) {
	root, _ := ptResolveTree(t)
	ptEach(t, func(t *testing.T, r Resolver) {
		s := ptNew(t, r, Preopen{HostPath: root, GuestPath: "/root"})
		dirfd := ptFile(t, s, 3).fd
		paths := []string{"d", "d/e", "d/e/..", "ld/e/", "d/lparent", "..", "d/lpp", "lup", "f", "nope/x", "lloop", ".", "d/.."}
		count := func() int {
			ents, err := os.ReadDir("/proc/self/fd")
			if err != nil {
				t.Skip("no /proc/self/fd")
			}
			return len(ents)
		}
		n0 := count()
		for range 3 {
			for _, p := range paths {
				fd, errno := s.openDir(dirfd, p)
				if errno == wasi.ESUCCESS {
					closeDir(dirfd, fd)
				}
				fd, errno = s.openBeneath(dirfd, p, unix.O_RDONLY, 0)
				if errno == wasi.ESUCCESS {
					unix.Close(fd)
				}
			}
		}
		if n1 := count(); n1 != n0 {
			t.Errorf("open descriptors: %d before, %d after", n0, n1)
		}
		// openDir of "" and of paths that end at the root itself.
		if fd, errno := s.openDir(dirfd, ""); errno != wasi.ESUCCESS || fd != dirfd {
			t.Errorf(`openDir("") = %d, %v; want the root itself`, fd, errno)
		}
	})
}

// FuzzResolve checks the two resolvers against each other on a tree with
// links of every kind: they must agree, and whatever they open must be
// inside the preopen.
func FuzzResolve(f *testing.F) {
	for _, seed := range []string{"f", "d/g", "..", "d/../..", "ld/g", "lup/secret", "labs", "d/lpp/outside",
		"lchain1/g", "c40", "c41", "lself/d/lparent/ld/e/lroot/f", "d/e/h/", "./", "lfslash", "fifo"} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	if !haveOpenat2() {
		f.Skip("openat2 is not available on this kernel")
	}
	root, outside := ptResolveTree(f)
	inside := map[uint64]bool{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			inside[ptIno(f, p)] = true
		}
		return nil
	})
	s2 := ptNew(f, ResolveOpenat2, Preopen{HostPath: root, GuestPath: "/root"})
	sw := ptNew(f, ResolveWalk, Preopen{HostPath: root, GuestPath: "/root"})
	before := ptHash(f, outside)
	f.Fuzz(func(t *testing.T, path string, nofollow bool) {
		if checkPath(path) != wasi.ESUCCESS {
			return
		}
		flags := unix.O_RDONLY | unix.O_NONBLOCK
		if nofollow {
			flags |= unix.O_NOFOLLOW
		}
		fd2, e2 := s2.openBeneath(ptFile(t, s2, 3).fd, path, flags, 0)
		fdw, ew := sw.openBeneath(ptFile(t, sw, 3).fd, path, flags, 0)
		var i2, iw uint64
		if e2 == wasi.ESUCCESS {
			i2 = ptHostIno(t, fd2)
			unix.Close(fd2)
		}
		if ew == wasi.ESUCCESS {
			iw = ptHostIno(t, fdw)
			unix.Close(fdw)
		}
		if e2 != ew || i2 != iw {
			t.Fatalf("%q: openat2 %v (inode %d), walk %v (inode %d)", path, e2, i2, ew, iw)
		}
		if e2 == wasi.ESUCCESS && !inside[i2] {
			t.Fatalf("%q opened inode %d, outside the preopen", path, i2)
		}
		if after := ptHash(t, outside); after != before {
			t.Fatalf("%q changed the tree outside", path)
		}
	})
}
