package guard

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/wasi"
)

// pathTree is the host tree of the path tests: data/ is mounted rw at
// /data, ro/ read-only at /ro. fs.deny covers /data/private and *.pem;
// the policy seals /data/vault for every call (name or new name), denies
// opens under /data/sealed and writes of *.sh. The l* links lead into
// those places from allowed names.
var pathTree = []string{
	"data/pub/a.txt=hello", "data/pub/b.sh=#!/bin/sh", "data/pub/inner/", "data/pub/sub/f.txt=f",
	"data/pub/del.txt=del", "data/pub/l-up->../private",
	"data/private/secret.txt=secret", "data/private/emptydir/", "data/private/plink->../pub/a.txt",
	"data/keys/k.pem=key",
	"data/vault/s.txt=vault", "data/vault/emptydir/",
	"data/sealed/x.txt=sealed",
	"data/l-secret->private/secret.txt", "data/l-priv->private", "data/l-vault->vault/s.txt",
	"data/l-vaultdir->vault", "data/l-ok->pub/a.txt", "data/l-dangling->private/new.txt",
	"data/l-dangvault->vault/new.txt", "data/l-inner->pub/inner",
	"data/conf/app.conf=conf", "data/conf/readme=r",
	"ro/r.txt=read only",
}

const pathManifest = `version: 1
fs:
  mounts:
    - {host: ./data, guest: /data, mode: rw}
    - {host: ./ro, guest: /ro}
  deny: ["/data/private/**", "**/*.pem", "/data/conf/*.conf", "/data/etc/*.conf"]
`

const pathPolicy = `package wasibox

deny contains "no shell scripts may be written" if {
	input.op == "path_open"
	input.access.write
	endswith(input.path, ".sh")
}

deny contains msg if {
	glob.match("/data/vault/**", ["/"], input.path)
	msg := sprintf("the vault is sealed: %s", [input.path])
}

deny contains msg if {
	glob.match("/data/vault/**", ["/"], input.new_path)
	msg := sprintf("the vault is sealed: %s", [input.new_path])
}

deny contains "nothing under /data/sealed may be opened" if {
	input.op == "path_open"
	startswith(input.path, "/data/sealed/")
}
`

// pathCase is one call on a fresh pathTree. A denial (denyOp set) must
// return the manifest's errno, log one line naming denyOp and object,
// record it, and leave the whole tree unchanged; otherwise the call must
// return want and log nothing.
type pathCase struct {
	name   string
	call   func(h *harness, fd wasi.FD) wasi.Errno
	denyOp string
	object string
	want   wasi.Errno
	check  func(t *testing.T, h *harness)
}

func open(path string, lookup wasi.LookupFlags, oflags wasi.OFlags, rights wasi.Rights) func(h *harness, fd wasi.FD) wasi.Errno {
	return func(h *harness, fd wasi.FD) wasi.Errno {
		nfd, errno := h.sys.PathOpen(h.ctx, fd, lookup, path, oflags, rights, allInherit, 0)
		if errno == wasi.ESUCCESS {
			if e := h.sys.FDClose(h.ctx, nfd); e != wasi.ESUCCESS {
				h.t.Errorf("close: %v", e)
			}
		}
		return errno
	}
}

func denied(op, object string) (string, string) { return op, object }

func runPathCases(t *testing.T, cases []pathCase) {
	m := parseManifest(t, t.TempDir(), pathManifest)
	eng := compileEngine(t, m, pathPolicy)
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					h := newHarness(t, setup{tree: pathTree, manifest: pathManifest, engine: eng, mode: mode})
					fd := h.fd("/data")
					before := snapshot(t, h.dir)
					errno := tc.call(h, fd)
					if tc.denyOp != "" {
						h.wantDenied(t, errno, tc.denyOp, tc.object, "")
						if after := snapshot(t, h.dir); after != before {
							t.Errorf("a denied call changed the tree:\nbefore:\n%s\nafter:\n%s", before, after)
						}
					} else {
						h.wantErrno(t, errno, tc.want)
					}
					if tc.check != nil {
						tc.check(t, h)
					}
				})
			}
		})
	}
}

func exists(rel string, want bool) func(t *testing.T, h *harness) {
	return func(t *testing.T, h *harness) {
		t.Helper()
		_, err := os.Lstat(h.host(rel))
		if got := err == nil; got != want {
			t.Errorf("%s exists: %v, want %v", rel, got, want)
		}
	}
}

func content(rel, want string) func(t *testing.T, h *harness) {
	return func(t *testing.T, h *harness) {
		t.Helper()
		b, err := os.ReadFile(h.host(rel))
		if err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", rel, b, err, want)
		}
	}
}

const follow = wasi.SymlinkFollow

func TestPathOpen(t *testing.T) {
	create := wasi.OCreate
	runPathCases(t, []pathCase{
		{name: "read", call: open("pub/a.txt", follow, 0, readRights)},
		{name: "read fs.deny glob", call: open("keys/k.pem", follow, 0, readRights), denyOp: "path_open", object: "/data/keys/k.pem"},
		{name: "read fs.deny folder", call: open("private/secret.txt", follow, 0, readRights), denyOp: "path_open", object: "/data/private/secret.txt"},
		{name: "read rego", call: open("vault/s.txt", follow, 0, readRights), denyOp: "path_open", object: "/data/vault/s.txt"},
		{name: "read rego prefix", call: open("sealed/x.txt", follow, 0, readRights), denyOp: "path_open", object: "/data/sealed/x.txt"},
		{name: "write", call: open("pub/a.txt", follow, 0, writeRights)},
		{name: "write rego", call: open("pub/b.sh", follow, 0, writeRights), denyOp: "path_open", object: "/data/pub/b.sh"},
		{name: "read what rego denies writing", call: open("pub/b.sh", follow, 0, readRights)},
		{name: "create", call: open("pub/new.txt", follow, create, writeRights), check: exists("data/pub/new.txt", true)},
		{name: "create rego", call: open("pub/new.sh", follow, create, writeRights), denyOp: "path_open", object: "/data/pub/new.sh"},
		{name: "create fs.deny", call: open("private/new.txt", follow, create, writeRights), denyOp: "path_open", object: "/data/private/new.txt"},
		{name: "create exclusive in vault", call: open("vault/new.txt", follow, create|wasi.OExclusive, writeRights), denyOp: "path_open", object: "/data/vault/new.txt"},
		{name: "truncate", call: open("pub/a.txt", follow, wasi.OTruncate, writeRights), check: content("data/pub/a.txt", "")},
		{name: "truncate fs.deny", call: open("private/secret.txt", follow, wasi.OTruncate, writeRights), denyOp: "path_open", object: "/data/private/secret.txt"},
		{name: "truncate read-only rights", call: open("private/secret.txt", follow, wasi.OTruncate, readRights), denyOp: "path_open", object: "/data/private/secret.txt"},
		{name: "directory", call: open("pub", follow, wasi.ODirectory, dirRights)},
		{name: "directory fs.deny", call: open("private", follow, wasi.ODirectory, dirRights), denyOp: "path_open", object: "/data/private"},
		{name: "mount root", call: open(".", follow, wasi.ODirectory, dirRights)},
		{name: "dotdot stays lexical", call: open("pub/inner/../../private/secret.txt", follow, 0, readRights), denyOp: "path_open", object: "/data/private/secret.txt"},

		// Symbolic links: decided on where they lead.
		{name: "link to allowed", call: open("l-ok", follow, 0, readRights)},
		{name: "link to fs.deny", call: open("l-secret", follow, 0, readRights), denyOp: "path_open", object: "/data/l-secret -> /data/private/secret.txt"},
		{name: "link to rego", call: open("l-vault", follow, 0, readRights), denyOp: "path_open", object: "/data/l-vault -> /data/vault/s.txt"},
		{name: "link not followed", call: open("l-secret", 0, 0, readRights), want: wasi.ELOOP},
		{name: "write through link", call: open("l-secret", follow, 0, writeRights), denyOp: "path_open", object: "/data/private/secret.txt"},
		{name: "truncate through link", call: open("l-secret", follow, wasi.OTruncate, writeRights), denyOp: "path_open", object: "/data/private/secret.txt"},
		{name: "create through dangling link", call: open("l-dangling", follow, create, writeRights), denyOp: "path_open", object: "/data/l-dangling -> /data/private/new.txt"},
		{name: "create through dangling link rego", call: open("l-dangvault", follow, create, writeRights), denyOp: "path_open", object: "/data/vault/new.txt"},
		{name: "linked folder", call: open("l-priv/secret.txt", follow, 0, readRights), denyOp: "path_open", object: "/data/l-priv/secret.txt -> /data/private/secret.txt"},
		{name: "linked folder create", call: open("l-priv/new.txt", follow, create, writeRights), denyOp: "path_open", object: "/data/private/new.txt"},
		{name: "linked folder itself", call: open("l-priv", follow, wasi.ODirectory, dirRights), denyOp: "path_open", object: "/data/private"},
		{name: "linked rego folder", call: open("l-vaultdir/s.txt", follow, 0, readRights), denyOp: "path_open", object: "/data/vault/s.txt"},
		{name: "relative link up", call: open("pub/l-up/secret.txt", follow, 0, readRights), denyOp: "path_open", object: "/data/private/secret.txt"},
		{name: "dotdot after link", call: open("l-inner/../../private/secret.txt", follow, 0, readRights), denyOp: "path_open", object: "/data/private/secret.txt"},
		{name: "dotdot after link back out", call: open("l-priv/../pub/a.txt", follow, 0, readRights)},
		{name: "allowed linked folder", call: open("l-inner/../a.txt", follow, 0, readRights)},

		// What the kernel refuses is not a denial.
		{name: "escape", call: open("../x", follow, 0, readRights), want: wasi.ENOTCAPABLE},
		{name: "absolute", call: open("/data/pub/a.txt", follow, 0, readRights), want: wasi.ENOTCAPABLE},
		{name: "empty", call: open("", follow, 0, readRights), want: wasi.ENOENT},
		{name: "missing", call: open("pub/nope", follow, 0, readRights), want: wasi.ENOENT},
		{name: "read-only mount", call: func(h *harness, _ wasi.FD) wasi.Errno {
			return open("r.txt", follow, 0, writeRights)(h, h.fd("/ro"))
		}, want: wasi.EROFS},
		{name: "bad fd", call: func(h *harness, _ wasi.FD) wasi.Errno {
			return open("a.txt", follow, 0, readRights)(h, 99)
		}, want: wasi.EBADF},
	})
}

func TestPathCreateDirectory(t *testing.T) {
	mkdir := func(p string) func(h *harness, fd wasi.FD) wasi.Errno {
		return func(h *harness, fd wasi.FD) wasi.Errno { return h.sys.PathCreateDirectory(h.ctx, fd, p) }
	}
	runPathCases(t, []pathCase{
		{name: "allowed", call: mkdir("pub/newdir"), check: exists("data/pub/newdir", true)},
		{name: "plain name", call: mkdir("newdir"), check: exists("data/newdir", true)},
		{name: "fs.deny", call: mkdir("private/d"), denyOp: "path_create_directory", object: "/data/private/d"},
		{name: "rego", call: mkdir("vault/d"), denyOp: "path_create_directory", object: "/data/vault/d"},
		{name: "linked folder", call: mkdir("l-priv/d"), denyOp: "path_create_directory", object: "/data/l-priv/d -> /data/private/d"},
		{name: "linked rego folder", call: mkdir("l-vaultdir/d"), denyOp: "path_create_directory", object: "/data/vault/d"},
		{name: "exists", call: mkdir("pub"), want: wasi.EEXIST},
		{name: "escape", call: mkdir("../d"), want: wasi.ENOTCAPABLE},
	})
}

func TestPathUnlinkFile(t *testing.T) {
	unlink := func(p string) func(h *harness, fd wasi.FD) wasi.Errno {
		return func(h *harness, fd wasi.FD) wasi.Errno { return h.sys.PathUnlinkFile(h.ctx, fd, p) }
	}
	runPathCases(t, []pathCase{
		{name: "allowed", call: unlink("pub/del.txt"), check: exists("data/pub/del.txt", false)},
		{name: "fs.deny", call: unlink("private/secret.txt"), denyOp: "path_unlink_file", object: "/data/private/secret.txt"},
		{name: "fs.deny glob", call: unlink("keys/k.pem"), denyOp: "path_unlink_file", object: "/data/keys/k.pem"},
		{name: "rego", call: unlink("vault/s.txt"), denyOp: "path_unlink_file", object: "/data/vault/s.txt"},
		{name: "linked folder", call: unlink("l-priv/secret.txt"), denyOp: "path_unlink_file", object: "/data/l-priv/secret.txt -> /data/private/secret.txt"},
		{name: "relative link up", call: unlink("pub/l-up/secret.txt"), denyOp: "path_unlink_file", object: "/data/private/secret.txt"},
		{name: "linked rego folder", call: unlink("l-vaultdir/s.txt"), denyOp: "path_unlink_file", object: "/data/vault/s.txt"},
		// The link itself lives in /data: removing it is allowed, and does
		// not touch what it points at.
		{name: "link itself", call: unlink("l-secret"), check: func(t *testing.T, h *harness) {
			exists("data/l-secret", false)(t, h)
			exists("data/private/secret.txt", true)(t, h)
		}},
		{name: "missing", call: unlink("pub/nope"), want: wasi.ENOENT},
	})
}

func TestPathRemoveDirectory(t *testing.T) {
	rmdir := func(p string) func(h *harness, fd wasi.FD) wasi.Errno {
		return func(h *harness, fd wasi.FD) wasi.Errno { return h.sys.PathRemoveDirectory(h.ctx, fd, p) }
	}
	runPathCases(t, []pathCase{
		{name: "allowed", call: rmdir("pub/inner"), check: exists("data/pub/inner", false)},
		{name: "fs.deny", call: rmdir("private/emptydir"), denyOp: "path_remove_directory", object: "/data/private/emptydir"},
		{name: "rego", call: rmdir("vault/emptydir"), denyOp: "path_remove_directory", object: "/data/vault/emptydir"},
		{name: "linked folder", call: rmdir("l-priv/emptydir"), denyOp: "path_remove_directory", object: "/data/private/emptydir"},
		{name: "linked rego folder", call: rmdir("l-vaultdir/emptydir"), denyOp: "path_remove_directory", object: "/data/vault/emptydir"},
		{name: "not empty", call: rmdir("pub"), want: wasi.ENOTEMPTY},
	})
}

func TestPathRename(t *testing.T) {
	rename := func(from, to string) func(h *harness, fd wasi.FD) wasi.Errno {
		return func(h *harness, fd wasi.FD) wasi.Errno { return h.sys.PathRename(h.ctx, fd, from, fd, to) }
	}
	runPathCases(t, []pathCase{
		{name: "allowed", call: rename("pub/a.txt", "pub/a2.txt"), check: exists("data/pub/a2.txt", true)},
		{name: "plain names", call: rename("l-ok", "l-ok2"), check: exists("data/l-ok2", true)},
		{name: "old fs.deny", call: rename("private/secret.txt", "pub/x"), denyOp: "path_rename", object: "/data/private/secret.txt -> /data/pub/x"},
		{name: "new fs.deny", call: rename("pub/a.txt", "private/x"), denyOp: "path_rename", object: "/data/pub/a.txt -> /data/private/x"},
		{name: "new fs.deny glob", call: rename("pub/a.txt", "pub/a.pem"), denyOp: "path_rename", object: "/data/pub/a.pem"},
		{name: "old rego", call: rename("vault/s.txt", "pub/x"), denyOp: "path_rename", object: "/data/vault/s.txt"},
		{name: "new rego", call: rename("pub/a.txt", "vault/x"), denyOp: "path_rename", object: "/data/vault/x"},
		{name: "old linked folder", call: rename("l-priv/secret.txt", "pub/x"), denyOp: "path_rename", object: "/data/private/secret.txt -> /data/pub/x"},
		{name: "new linked folder", call: rename("pub/a.txt", "l-priv/x"), denyOp: "path_rename", object: "/data/pub/a.txt -> /data/private/x"},
		{name: "new linked rego folder", call: rename("pub/a.txt", "l-vaultdir/x"), denyOp: "path_rename", object: "/data/vault/x"},
		{name: "link itself", call: rename("l-secret", "pub/l"), check: func(t *testing.T, h *harness) {
			exists("data/pub/l", true)(t, h)
			content("data/private/secret.txt", "secret")(t, h)
		}},
		{name: "missing", call: rename("pub/nope", "pub/x"), want: wasi.ENOENT},
		// Renaming a folder renames what is beneath it.
		{name: "folder", call: rename("pub", "pub2"), check: exists("data/pub2/a.txt", true)},
		{name: "folder with *.pem files", call: rename("keys", "keys2"), check: exists("data/keys2/k.pem", true)},
		{name: "folder fs.deny protects files in", call: rename("conf", "conf2"), denyOp: "path_rename", object: "/data/conf -> /data/conf2"},
		{name: "folder to a name fs.deny protects files in", call: rename("pub/sub", "etc"), denyOp: "path_rename", object: "/data/pub/sub -> /data/etc"},
		{name: "file in a protected folder", call: rename("conf/readme", "conf/readme2"), check: exists("data/conf/readme2", true)},
	})
}

func TestPathLink(t *testing.T) {
	link := func(from string, flags wasi.LookupFlags, to string) func(h *harness, fd wasi.FD) wasi.Errno {
		return func(h *harness, fd wasi.FD) wasi.Errno { return h.sys.PathLink(h.ctx, fd, flags, from, fd, to) }
	}
	runPathCases(t, []pathCase{
		{name: "allowed", call: link("pub/a.txt", 0, "pub/hard"), check: content("data/pub/hard", "hello")},
		{name: "old fs.deny", call: link("private/secret.txt", 0, "pub/hard"), denyOp: "path_link", object: "/data/private/secret.txt -> /data/pub/hard"},
		{name: "new fs.deny", call: link("pub/a.txt", 0, "private/hard"), denyOp: "path_link", object: "/data/private/hard"},
		{name: "old rego", call: link("vault/s.txt", 0, "pub/hard"), denyOp: "path_link", object: "/data/vault/s.txt"},
		{name: "new rego", call: link("pub/a.txt", 0, "vault/hard"), denyOp: "path_link", object: "/data/vault/hard"},
		{name: "followed link", call: link("l-secret", follow, "pub/hard"), denyOp: "path_link", object: "/data/private/secret.txt -> /data/pub/hard"},
		{name: "link itself", call: link("l-secret", 0, "pub/hard")},
		{name: "old linked folder", call: link("l-priv/secret.txt", 0, "pub/hard"), denyOp: "path_link", object: "/data/private/secret.txt"},
		{name: "new linked folder", call: link("pub/a.txt", 0, "l-priv/hard"), denyOp: "path_link", object: "/data/private/hard"},
	})
}

func TestPathSymlink(t *testing.T) {
	symlink := func(target, p string) func(h *harness, fd wasi.FD) wasi.Errno {
		return func(h *harness, fd wasi.FD) wasi.Errno { return h.sys.PathSymlink(h.ctx, target, fd, p) }
	}
	runPathCases(t, []pathCase{
		// Where a link points is decided when it is followed, not here.
		{name: "allowed", call: symlink("../private/secret.txt", "pub/l2"), check: exists("data/pub/l2", true)},
		{name: "fs.deny", call: symlink("x", "private/l"), denyOp: "path_symlink", object: "/data/private/l"},
		{name: "fs.deny glob", call: symlink("x", "pub/l.pem"), denyOp: "path_symlink", object: "/data/pub/l.pem"},
		{name: "rego", call: symlink("x", "vault/l"), denyOp: "path_symlink", object: "/data/vault/l"},
		{name: "linked folder", call: symlink("x", "l-priv/l"), denyOp: "path_symlink", object: "/data/private/l"},
		{name: "exists", call: symlink("x", "pub/a.txt"), want: wasi.EEXIST},
	})
}

func TestPathReadLink(t *testing.T) {
	readlink := func(p string) func(h *harness, fd wasi.FD) wasi.Errno {
		return func(h *harness, fd wasi.FD) wasi.Errno {
			var buf [64]byte
			_, errno := h.sys.PathReadLink(h.ctx, fd, p, buf[:])
			return errno
		}
	}
	runPathCases(t, []pathCase{
		// A link is read where it is, not followed.
		{name: "allowed", call: readlink("l-secret")},
		{name: "fs.deny", call: readlink("private/plink"), denyOp: "path_readlink", object: "/data/private/plink"},
		{name: "linked folder", call: readlink("l-priv/plink"), denyOp: "path_readlink", object: "/data/l-priv/plink -> /data/private/plink"},
		{name: "not a link", call: readlink("pub/a.txt"), want: wasi.EINVAL},
	})
}

func TestPathFileStatGet(t *testing.T) {
	stat := func(p string, flags wasi.LookupFlags) func(h *harness, fd wasi.FD) wasi.Errno {
		return func(h *harness, fd wasi.FD) wasi.Errno {
			_, errno := h.sys.PathFileStatGet(h.ctx, fd, flags, p)
			return errno
		}
	}
	runPathCases(t, []pathCase{
		{name: "allowed", call: stat("pub/a.txt", follow)},
		{name: "plain name", call: stat("pub", 0)},
		{name: "fs.deny", call: stat("private/secret.txt", follow), denyOp: "path_filestat_get", object: "/data/private/secret.txt"},
		{name: "fs.deny glob", call: stat("keys/k.pem", 0), denyOp: "path_filestat_get", object: "/data/keys/k.pem"},
		{name: "rego", call: stat("vault/s.txt", 0), denyOp: "path_filestat_get", object: "/data/vault/s.txt"},
		{name: "followed link", call: stat("l-secret", follow), denyOp: "path_filestat_get", object: "/data/l-secret -> /data/private/secret.txt"},
		{name: "followed link rego", call: stat("l-vault", follow), denyOp: "path_filestat_get", object: "/data/vault/s.txt"},
		{name: "link itself", call: stat("l-secret", 0)},
		{name: "linked folder", call: stat("l-priv/secret.txt", 0), denyOp: "path_filestat_get", object: "/data/private/secret.txt"},
		{name: "linked folder trailing slash", call: stat("l-priv/", 0), denyOp: "path_filestat_get", object: "/data/private"},
		{name: "missing", call: stat("pub/nope", follow), want: wasi.ENOENT},
	})
}

func TestPathFileStatSetTimes(t *testing.T) {
	touch := func(p string, flags wasi.LookupFlags) func(h *harness, fd wasi.FD) wasi.Errno {
		return func(h *harness, fd wasi.FD) wasi.Errno {
			return h.sys.PathFileStatSetTimes(h.ctx, fd, flags, p, 0, 1e9, wasi.ModifyTime)
		}
	}
	runPathCases(t, []pathCase{
		{name: "allowed", call: touch("pub/a.txt", follow), check: func(t *testing.T, h *harness) {
			if fi, err := os.Stat(h.host("data/pub/a.txt")); err != nil || fi.ModTime().Unix() != 1 {
				t.Errorf("mtime = %v, %v; want 1s after the epoch", fi.ModTime(), err)
			}
		}},
		{name: "fs.deny", call: touch("private/secret.txt", follow), denyOp: "path_filestat_set_times", object: "/data/private/secret.txt"},
		{name: "rego", call: touch("vault/s.txt", follow), denyOp: "path_filestat_set_times", object: "/data/vault/s.txt"},
		{name: "followed link", call: touch("l-secret", follow), denyOp: "path_filestat_set_times", object: "/data/private/secret.txt"},
		{name: "link itself", call: touch("l-secret", 0)},
		{name: "linked folder", call: touch("l-priv/secret.txt", 0), denyOp: "path_filestat_set_times", object: "/data/private/secret.txt"},
	})
}

// A directory descriptor keeps deciding on where the directory is after
// fd_renumber, fd_close and reuse of its number, and after a rename moved
// it (or a folder above it).
func TestDirectoryDescriptors(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			h := newHarness(t, setup{tree: pathTree, manifest: pathManifest, rego: pathPolicy, mode: mode})
			root := h.fd("/data")
			openDir := func(p string) wasi.FD {
				t.Helper()
				fd, errno := h.sys.PathOpen(h.ctx, root, follow, p, wasi.ODirectory, dirRights, allInherit, 0)
				if errno != wasi.ESUCCESS {
					t.Fatalf("open %s: %v", p, errno)
				}
				return fd
			}
			read := func(fd wasi.FD, p string) wasi.Errno {
				return open(p, follow, 0, readRights)(h, fd)
			}

			vault := openDir("vault") // the folder itself is allowed; what is in it is not
			pub := openDir("pub")
			h.wantErrno(t, read(pub, "a.txt"), wasi.ESUCCESS)
			h.wantDenied(t, read(vault, "s.txt"), "path_open", "/data/vault/s.txt", "the vault is sealed")

			// Renumber the vault onto pub's number: that number is the vault now.
			if errno := h.sys.FDRenumber(h.ctx, vault, pub); errno != wasi.ESUCCESS {
				t.Fatal(errno)
			}
			h.wantDenied(t, read(pub, "s.txt"), "path_open", "/data/vault/s.txt", "")
			h.wantErrno(t, read(vault, "s.txt"), wasi.EBADF)

			// Close it; the next directory opened may get the number back.
			if errno := h.sys.FDClose(h.ctx, pub); errno != wasi.ESUCCESS {
				t.Fatal(errno)
			}
			inner := openDir("pub/sub")
			h.wantErrno(t, read(inner, "f.txt"), wasi.ESUCCESS)

			// A directory opened through a link is where the link leads.
			viaLink := openDir("l-vaultdir")
			h.wantDenied(t, read(viaLink, "s.txt"), "path_open", "/data/vault/s.txt", "")

			// Move the open directory under /data/sealed (renaming is
			// allowed there; opening is not): its descriptor must follow.
			if errno := h.sys.PathRename(h.ctx, root, "pub/sub", root, "sealed/sub"); errno != wasi.ESUCCESS {
				t.Fatal(errno)
			}
			h.records = nil
			h.wantDenied(t, read(inner, "f.txt"), "path_open", "/data/sealed/sub/f.txt", "nothing under /data/sealed")
			// And a folder above it.
			if errno := h.sys.PathRename(h.ctx, root, "sealed", root, "pub/unsealed"); errno != wasi.ESUCCESS {
				t.Fatal(errno)
			}
			h.records = nil
			h.wantErrno(t, read(inner, "f.txt"), wasi.ESUCCESS)
			if got := h.sys.dirs[inner].path; got != "/data/pub/unsealed/sub" {
				t.Errorf("dirs[%d] = %q, want /data/pub/unsealed/sub", inner, got)
			}
		})
	}
}

// Denial lines name the operation, the object and what decided; a name
// with a newline or an escape sequence still makes exactly one line.
func TestDenialLog(t *testing.T) {
	h := newHarness(t, setup{tree: pathTree, manifest: pathManifest, rego: pathPolicy})
	fd := h.fd("/data")
	tests := []struct {
		name, path, want string
	}{
		{"fs.deny", "keys/k.pem", `wasibox: denied path_open /data/keys/k.pem (fs.deny "**/*.pem" at ` + h.m.File + `:6 matches; fs.deny wins over fs.mounts)`},
		{"policy", "vault/s.txt", `wasibox: denied path_open /data/vault/s.txt (policy: the vault is sealed: /data/vault/s.txt)`},
		{"newline", "pub/x\ny.pem", `wasibox: denied path_open "/data/pub/x\ny.pem" (`},
		{"escape", "pub/\x1b[2Jx.pem", `wasibox: denied path_open "/data/pub/\x1b[2Jx.pem" (`},
		{"invalid utf-8", "pub/\xff.pem", `wasibox: denied path_open "/data/pub/\xff.pem" (`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errno := h.sys.PathOpen(h.ctx, fd, follow, tt.path, wasi.OCreate, writeRights, 0, 0)
			if errno != wasi.EACCES {
				t.Errorf("errno = %v, want EACCES", errno)
			}
			log := h.log.String()
			h.log.Reset()
			if strings.Count(log, "\n") != 1 || !strings.HasPrefix(log, tt.want) {
				t.Errorf("log = %q, want one line starting %q", log, tt.want)
			}
		})
	}
}

// on_deny sets the errno of every denial.
func TestOnDenyErrno(t *testing.T) {
	h := newHarness(t, setup{tree: pathTree, manifest: pathManifest + "on_deny: {errno: EPERM}\n"})
	if h.m.OnDenyErrno != wasi.EPERM {
		t.Fatalf("manifest errno %v", h.m.OnDenyErrno)
	}
	errno := open("private/secret.txt", follow, 0, readRights)(h, h.fd("/data"))
	if errno != wasi.EPERM {
		t.Errorf("errno = %v, want EPERM", errno)
	}
	h.wantDenied(t, errno, "path_open", "/data/private/secret.txt", "")
}

// The audit callback sees allowed decisions too, with the grant.
func TestAuditAllowed(t *testing.T) {
	h := newHarness(t, setup{tree: pathTree, manifest: pathManifest})
	if errno := open("pub/a.txt", follow, 0, readRights)(h, h.fd("/data")); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	r, ok := h.lastRecord()
	want := Record{Input: policy.Input{Op: "path_open", Path: "/data/pub/a.txt", Mount: "/data", Mode: "rw",
		Access: policy.Access{Read: true}, Follow: true, Module: "abc"}, Object: "/data/pub/a.txt", Allow: true, Grant: "fs.mounts /data rw"}
	if !ok || r != want {
		t.Errorf("record = %+v, want %+v", r, want)
	}
}

// Without fs.deny and with a policy that is constant for path calls,
// nothing is resolved, and a constant deny still names the path.
func TestConstantPathPolicy(t *testing.T) {
	h := newHarness(t, setup{tree: pathTree, manifest: `version: 1
fs:
  mounts: [{host: ./data, guest: /data, mode: rw}]
`, rego: `package wasibox
deny contains "no folders may be made" if input.op == "path_create_directory"
`})
	if h.sys.pathRules {
		t.Fatal("pathRules set for a constant policy")
	}
	fd := h.fd("/data")
	h.wantDenied(t, h.sys.PathCreateDirectory(h.ctx, fd, "pub/d"), "path_create_directory", "/data/pub/d", "no folders may be made")
	// Not decided on paths: links are the kernel's business only.
	h.wantErrno(t, open("l-secret", follow, 0, readRights)(h, fd), wasi.ESUCCESS)
	if st := h.eng.Stats(); st.Constant < 2 || st.Evaluated != 0 {
		t.Errorf("stats %+v: want constant decisions only", st)
	}
}

// A System that cannot resolve paths cannot be guarded by path rules.
func TestNewNeedsResolver(t *testing.T) {
	h := newHarness(t, setup{tree: pathTree, manifest: pathManifest})
	type opaque struct{ wasi.System }
	if _, err := New(context.Background(), opaque{h.inner}, Config{Manifest: h.m}); err == nil {
		t.Error("New over a System without PathResolver: no error")
	}
	m := parseManifest(t, h.dir, "version: 1\nfs:\n  mounts: [{host: ./data, guest: /data}]\n")
	if _, err := New(context.Background(), opaque{h.inner}, Config{Manifest: m}); err != nil {
		t.Errorf("New without path rules: %v", err)
	}
}

// Records keep their paths after later calls reuse the guard's buffers.
func TestRecordsOwnTheirPaths(t *testing.T) {
	h := newHarness(t, setup{tree: pathTree, manifest: pathManifest})
	fd := h.fd("/data")
	h.sys.PathRename(h.ctx, fd, "private/secret.txt", fd, "pub/zzzzzzzzzz.txt")
	first := h.records[0]
	h.records = nil
	for _, p := range []string{"pub/a.txt", "keys/k.pem", "pub/sub/f.txt"} {
		open(p, follow, 0, readRights)(h, fd)
	}
	if first.Input.Path != "/data/private/secret.txt" || first.Input.NewPath != "/data/pub/zzzzzzzzzz.txt" ||
		first.Object != "/data/private/secret.txt -> /data/pub/zzzzzzzzzz.txt" {
		t.Errorf("record changed after later calls: %+v", first)
	}
}
