package wasitest

import (
	"fmt"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// escapes tries to reach the directory next to root through every path
// function: "..", absolute paths, and symlinks (absolute, relative,
// chained, in the middle of a path, dangling) that point out of root. Each
// attempt must fail with ENOTCAPABLE, and the sentinel outside root must be
// exactly as it was: not read through a link, not truncated, not renamed,
// not linked, no file created next to it, not even its times changed.
func (s *suite) escapes(t *testing.T) {
	s.test(t, "all", func(e *env) {
		out := e.outside // absolute host path
		e.hostWrite("file.txt", "inside")
		e.hostMkdir("sub")
		e.hostSymlink(out, "abs-dir")
		e.hostSymlink(out+"/secret", "abs-file")
		e.hostSymlink(out+"/new", "abs-dangling")
		e.hostSymlink("../outside", "rel-dir")
		e.hostSymlink("../outside/secret", "rel-file")
		e.hostSymlink("../outside/new", "rel-dangling")
		e.hostSymlink("../../outside", "sub/up")
		e.hostSymlink("rel-dir", "chain")
		e.hostSymlink("..", "dotdot")
		e.hostSymlink("/proc/self/root"+out+"/secret", "magic")

		follow := wasi.SymlinkFollow
		open := func(path string, lookup wasi.LookupFlags, oflags wasi.OFlags, rights wasi.Rights) func() wasi.Errno {
			return func() wasi.Errno { return second(e.openAt(Root, lookup, path, oflags, rights, 0)) }
		}
		stat := func(path string, lookup wasi.LookupFlags) func() wasi.Errno {
			return func() wasi.Errno { return second(e.sys.PathFileStatGet(e.ctx, Root, lookup, path)) }
		}
		times := func(path string, lookup wasi.LookupFlags) func() wasi.Errno {
			return func() wasi.Errno {
				return e.sys.PathFileStatSetTimes(e.ctx, Root, lookup, path, sec1, sec1, wasi.AccessTime|wasi.ModifyTime)
			}
		}
		mkdir := func(path string) func() wasi.Errno {
			return func() wasi.Errno { return e.sys.PathCreateDirectory(e.ctx, Root, path) }
		}
		unlink := func(path string) func() wasi.Errno {
			return func() wasi.Errno { return e.sys.PathUnlinkFile(e.ctx, Root, path) }
		}
		rmdir := func(path string) func() wasi.Errno {
			return func() wasi.Errno { return e.sys.PathRemoveDirectory(e.ctx, Root, path) }
		}
		rename := func(from, to string) func() wasi.Errno {
			return func() wasi.Errno { return e.sys.PathRename(e.ctx, Root, from, Root, to) }
		}
		link := func(from string, lookup wasi.LookupFlags, to string) func() wasi.Errno {
			return func() wasi.Errno { return e.sys.PathLink(e.ctx, Root, lookup, from, Root, to) }
		}
		symlink := func(target, path string) func() wasi.Errno {
			return func() wasi.Errno { return e.sys.PathSymlink(e.ctx, target, Root, path) }
		}
		readlink := func(path string) func() wasi.Errno {
			return func() wasi.Errno { return second(e.sys.PathReadLink(e.ctx, Root, path, make([]byte, 256))) }
		}

		for _, c := range []struct {
			name string
			call func() wasi.Errno
		}{
			{`path_open("..")`, open("..", 0, wasi.ODirectory, dirRights)},
			{`path_open("../")`, open("../", 0, wasi.ODirectory, dirRights)},
			{`path_open("../outside/secret")`, open("../outside/secret", 0, 0, readRights)},
			{`path_open("sub/../../outside/secret")`, open("sub/../../outside/secret", 0, 0, readRights)},
			{`path_open("sub/../..")`, open("sub/../..", 0, wasi.ODirectory, dirRights)},
			{`path_open("/")`, open("/", 0, wasi.ODirectory, dirRights)},
			{`path_open(absolute host path)`, open(out+"/secret", 0, 0, readRights)},
			{`path_open("/etc/passwd")`, open("/etc/passwd", 0, 0, readRights)},
			{`path_open("abs-file", follow)`, open("abs-file", follow, 0, readRights)},
			{`path_open("rel-file", follow)`, open("rel-file", follow, 0, readRights)},
			{`path_open("abs-dir/secret")`, open("abs-dir/secret", 0, 0, readRights)},
			{`path_open("rel-dir/secret")`, open("rel-dir/secret", 0, 0, readRights)},
			{`path_open("sub/up/secret")`, open("sub/up/secret", 0, 0, readRights)},
			{`path_open("chain/secret")`, open("chain/secret", 0, 0, readRights)},
			{`path_open("dotdot/outside/secret")`, open("dotdot/outside/secret", 0, 0, readRights)},
			{`path_open("dotdot", follow)`, open("dotdot", follow, wasi.ODirectory, dirRights)},
			{`path_open("rel-dir", follow)`, open("rel-dir", follow, wasi.ODirectory, dirRights)},
			{`path_open("magic", follow)`, open("magic", follow, 0, readRights)},
			{`path_open("rel-file", follow, trunc)`, open("rel-file", follow, wasi.OTruncate, fileRights)},
			{`path_open("abs-file", follow, trunc)`, open("abs-file", follow, wasi.OTruncate, fileRights)},
			{`path_open("rel-dangling", follow, creat)`, open("rel-dangling", follow, wasi.OCreate, fileRights)},
			{`path_open("abs-dangling", follow, creat)`, open("abs-dangling", follow, wasi.OCreate, fileRights)},
			{`path_open("rel-dir/new", creat)`, open("rel-dir/new", 0, wasi.OCreate, fileRights)},
			{`path_open("../outside/new", creat)`, open("../outside/new", 0, wasi.OCreate, fileRights)},
			{`path_filestat_get("rel-file", follow)`, stat("rel-file", follow)},
			{`path_filestat_get("abs-file", follow)`, stat("abs-file", follow)},
			{`path_filestat_get("rel-dir/secret")`, stat("rel-dir/secret", 0)},
			{`path_filestat_get("../outside/secret")`, stat("../outside/secret", 0)},
			{`path_filestat_get("..")`, stat("..", 0)},
			{`path_filestat_get(absolute host path)`, stat(out+"/secret", 0)},
			{`path_filestat_set_times("rel-file", follow)`, times("rel-file", follow)},
			{`path_filestat_set_times("abs-dir/secret")`, times("abs-dir/secret", 0)},
			{`path_filestat_set_times("../outside/secret")`, times("../outside/secret", 0)},
			{`path_create_directory("../outside/d")`, mkdir("../outside/d")},
			{`path_create_directory("rel-dir/d")`, mkdir("rel-dir/d")},
			{`path_create_directory("abs-dir/d")`, mkdir("abs-dir/d")},
			{`path_create_directory(absolute host path)`, mkdir(out + "/d")},
			{`path_unlink_file("../outside/secret")`, unlink("../outside/secret")},
			{`path_unlink_file("rel-dir/secret")`, unlink("rel-dir/secret")},
			{`path_unlink_file("abs-dir/link")`, unlink("abs-dir/link")},
			{`path_remove_directory("../outside/dir")`, rmdir("../outside/dir")},
			{`path_remove_directory("rel-dir/dir")`, rmdir("rel-dir/dir")},
			{`path_remove_directory("..")`, rmdir("..")},
			{`path_rename("file.txt", "../outside/secret")`, rename("file.txt", "../outside/secret")},
			{`path_rename("file.txt", "rel-dir/secret")`, rename("file.txt", "rel-dir/secret")},
			{`path_rename("file.txt", "rel-dir/new")`, rename("file.txt", "rel-dir/new")},
			{`path_rename("rel-dir/secret", "stolen")`, rename("rel-dir/secret", "stolen")},
			{`path_rename("../outside/secret", "stolen")`, rename("../outside/secret", "stolen")},
			{`path_rename("sub", "../outside/dir")`, rename("sub", "../outside/dir")},
			{`path_link("rel-file", follow, "stolen")`, link("rel-file", follow, "stolen")},
			{`path_link("abs-file", follow, "stolen")`, link("abs-file", follow, "stolen")},
			{`path_link("rel-dir/secret", "stolen")`, link("rel-dir/secret", 0, "stolen")},
			{`path_link("../outside/secret", "stolen")`, link("../outside/secret", 0, "stolen")},
			{`path_link("file.txt", "rel-dir/planted")`, link("file.txt", 0, "rel-dir/planted")},
			{`path_link("file.txt", "../outside/planted")`, link("file.txt", 0, "../outside/planted")},
			{`path_symlink("x", "rel-dir/planted")`, symlink("x", "rel-dir/planted")},
			{`path_symlink("x", "../outside/planted")`, symlink("x", "../outside/planted")},
			{`path_symlink("x", "abs-dir/planted")`, symlink("x", "abs-dir/planted")},
			{`path_readlink("rel-dir/link")`, readlink("rel-dir/link")},
			{`path_readlink("../outside/link")`, readlink("../outside/link")},
		} {
			// ELOOP is accepted for the magic link only: the kernel
			// refuses /proc/self/root with ELOOP under
			// RESOLVE_NO_MAGICLINKS, before it is an escape.
			want := []wasi.Errno{wasi.ENOTCAPABLE}
			if c.name == `path_open("magic", follow)` {
				want = append(want, wasi.ELOOP)
			}
			e.errno(c.name, c.call(), want...)
			e.checkSentinel(c.name)
			if _, ok := e.hostType("stolen"); ok {
				e.t.Fatalf("%s: created \"stolen\" inside root", c.name)
			}
			if got := e.hostRead("file.txt"); got != "inside" {
				e.t.Fatalf("%s: file.txt = %q", c.name, got)
			}
		}
	})
	s.test(t, "not escapes", func(e *env) {
		// Links that point out of root are themselves inside it: they may be
		// inspected, renamed and removed without following them.
		e.hostSymlink("../outside/secret", "rel-file")
		e.hostSymlink(e.outside, "abs-dir")
		for _, c := range []struct {
			name string
			call func() wasi.Errno
		}{
			{`path_filestat_get("rel-file", nofollow)`, func() wasi.Errno {
				st, errno := e.sys.PathFileStatGet(e.ctx, Root, 0, "rel-file")
				if errno == wasi.ESUCCESS && st.FileType != wasi.SymbolicLinkType {
					e.t.Errorf("rel-file is a %v", st.FileType)
				}
				return errno
			}},
			{`path_filestat_set_times("rel-file", nofollow)`, func() wasi.Errno {
				return e.sys.PathFileStatSetTimes(e.ctx, Root, 0, "rel-file", sec1, sec1, wasi.AccessTime|wasi.ModifyTime)
			}},
			{`path_readlink("abs-dir")`, func() wasi.Errno { return second(e.sys.PathReadLink(e.ctx, Root, "abs-dir", make([]byte, 4096))) }},
			{`path_rename("rel-file", "moved")`, func() wasi.Errno { return e.sys.PathRename(e.ctx, Root, "rel-file", Root, "moved") }},
			{`path_link("moved", nofollow, "hard")`, func() wasi.Errno { return e.sys.PathLink(e.ctx, Root, 0, "moved", Root, "hard") }},
			{`path_unlink_file("moved")`, func() wasi.Errno { return e.sys.PathUnlinkFile(e.ctx, Root, "moved") }},
			{`path_unlink_file("hard")`, func() wasi.Errno { return e.sys.PathUnlinkFile(e.ctx, Root, "hard") }},
			{`path_unlink_file("abs-dir")`, func() wasi.Errno { return e.sys.PathUnlinkFile(e.ctx, Root, "abs-dir") }},
		} {
			e.errno(c.name, c.call(), wasi.ESUCCESS)
			e.checkSentinel(c.name)
		}
		for _, name := range []string{"rel-file", "moved", "hard", "abs-dir"} {
			if _, ok := e.hostType(name); ok {
				e.t.Errorf("%s still exists", name)
			}
		}
	})
	s.test(t, "directory descriptor", func(e *env) {
		// A directory opened beneath root confines like root does.
		e.hostWrite("sub/inner", "x")
		e.hostSymlink("../../outside/secret", "sub/up")
		d := e.openDir("sub", dirRights)
		for i, p := range []string{"..", "../sub/inner", "up", "../../outside/secret"} {
			_, errno := e.openAt(d, wasi.SymlinkFollow, p, 0, readRights, 0)
			e.errno(fmt.Sprintf("%d: path_open(sub fd, %q)", i, p), errno, wasi.ENOTCAPABLE)
		}
		e.checkSentinel("directory descriptor")
	})
}
