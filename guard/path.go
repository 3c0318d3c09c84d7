package guard

// Path decisions.
//
// Every path call is decided on the name the guest gave, placed in the
// guest namespace lexically (the guest path of the directory descriptor
// joined with the relative path), and, when some rule depends on the path
// (System.pathRules), on the path the kernel acts on once symbolic links
// are followed. The second decision is what keeps a link inside a mount
// from reaching a file that fs.deny or a Rego rule denies.
//
// Finding the resolved path costs system calls, so the guard avoids it
// where the lexical path is provably the answer:
//
//   - path_open first opens with PathOpenNoSymlinks: if the kernel met no
//     symbolic link, the file opened is the one the (already decided)
//     lexical path names, at no extra cost. Otherwise (ELOOP) it asks
//     PathGuestPath where the path leads, decides that, and opens.
//   - a call on a plain name ("x", no slash) that does not follow a final
//     link acts in the directory descriptor itself: the name is the path.
//   - every other call asks PathGuestPath before acting.
//
// Both rely on the guest path of each directory descriptor being right;
// it is recorded resolved when the directory is opened, and refreshed
// after every rename (which can move a directory that is open).

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/wasi"
)

// accessOf precomputes what a path_open asks for, so rules stay simple.
func accessOf(oflags wasi.OFlags, base wasi.Rights, fdflags wasi.FDFlags) policy.Access {
	// Write ignores fd_filestat_set_size: Go's wasip1 O_RDONLY asks for it,
	// and unix drops it from a descriptor not opened for writing.
	return policy.Access{
		Read:      base.HasAny(wasi.FDReadRight | wasi.FDReadDirRight),
		Write:     base.HasAny(wasi.FDWriteRight|wasi.FDAllocateRight) || fdflags.Has(wasi.Append) || oflags.Has(wasi.OTruncate) || oflags.Has(wasi.OCreate),
		Create:    oflags.Has(wasi.OCreate),
		Truncate:  oflags.Has(wasi.OTruncate),
		Directory: oflags.Has(wasi.ODirectory),
	}
}

// placement says what the guard knows about a directory descriptor.
type placement int

const (
	notDir      placement = iota // not an open directory: the inner System refuses the call
	placed                       // a directory whose guest path is known
	unplaceable                  // a directory the guard cannot place: deny
)

// dirOf returns the guest path of directory descriptor fd.
func (g *System) dirOf(ctx context.Context, fd wasi.FD) (string, placement) {
	if d, ok := g.dirs[fd]; ok {
		return d.path, placed
	}
	// Every directory the guest can hold was opened through the guard
	// (or is a preopen), so this is for robustness only: an unknown
	// directory is placed by asking the kernel, or denied.
	st, errno := g.System.FDStatGet(ctx, fd)
	if errno != wasi.ESUCCESS || st.FileType != wasi.DirectoryType {
		return "", notDir
	}
	if g.pather != nil {
		if p, errno := g.pather.FDGuestPath(ctx, fd); errno == wasi.ESUCCESS {
			g.dirs[fd] = dirEntry{path: p}
			return p, placed
		}
	}
	return "", unplaceable
}

// join places rel, relative to the directory at guest path base, in the
// guest namespace. lexical is false for an empty or absolute rel and for
// one whose ".." leaves base: no decision can be taken on such a name
// (the kernel refuses it beneath the descriptor, unless symbolic links
// bring it back inside, which only the resolved path shows).
func join(base, rel string) (p string, lexical bool) {
	if rel == "" || rel[0] == '/' {
		return "", false
	}
	p = path.Join(base, rel)
	return p, under(p, base)
}

func under(p, dir string) bool {
	if dir == "/" {
		return true
	}
	return p == dir || strings.HasPrefix(p, dir) && len(p) > len(dir) && p[len(dir)] == '/'
}

// plainName reports whether rel names an entry of its directory itself:
// no slash, not "." or "..". A call on it that does not follow a final
// link acts on exactly the lexical path.
func plainName(rel string) bool {
	return rel != "" && rel != "." && rel != ".." && strings.IndexByte(rel, '/') < 0
}

// mountOf returns the mount a clean guest path lies in (longest prefix).
func (g *System) mountOf(p string) *policy.Mount {
	var best *policy.Mount
	for i := range g.m.Mounts {
		mt := &g.m.Mounts[i]
		if under(p, mt.Guest) && (best == nil || len(mt.Guest) > len(best.Guest)) {
			best = mt
		}
	}
	return best
}

// setPath sets the path of a path input and the mount and mode it lies in.
func (g *System) setPath(in *policy.Input, p string) {
	in.Path = p
	in.Mount, in.Mode = "", string(policy.ReadOnly)
	if mt := g.mountOf(p); mt != nil {
		in.Mount, in.Mode = mt.Guest, string(mt.Mode)
	}
}

// decidePath checks a path input against fs.deny and the policy. It
// returns ESUCCESS or the denial errno (already logged).
func (g *System) decidePath(ctx context.Context, in *policy.Input, object string) wasi.Errno {
	for i := range g.m.Deny {
		gl := &g.m.Deny[i]
		if gl.Match(in.Path) || (in.NewPath != "" && gl.Match(in.NewPath)) {
			return g.deny(in, object, g.denyGlobReason(gl), "fs.deny wins over fs.mounts")
		}
	}
	if g.engine != nil {
		if d := g.engine.Decide(ctx, in); !d.Allow {
			return g.deny(in, object, "policy: "+d.Reason, "")
		}
	}
	if g.audit != nil {
		g.allowed(in, object, g.mountGrant(in.Path))
	}
	return wasi.ESUCCESS
}

func (g *System) denyGlobReason(gl *policy.Glob) string {
	where := g.m.File
	if gl.Pos.Line > 0 {
		where += ":" + strconv.Itoa(gl.Pos.Line)
	}
	return fmt.Sprintf("fs.deny %q at %s matches", gl.Raw, where)
}

func (g *System) mountGrant(p string) string {
	if mt := g.mountOf(p); mt != nil {
		return "fs.mounts " + mt.Guest + " " + string(mt.Mode)
	}
	return "fs.mounts"
}

// decideConstant decides a path call when no rule depends on the path:
// the policy for the operation is constant (or absent). The path is only
// placed when a record or a denial needs it.
func (g *System) decideConstant(ctx context.Context, in *policy.Input, fd wasi.FD, rel string, newFD wasi.FD, newRel string) wasi.Errno {
	d := policy.Decision{Allow: true}
	if g.engine != nil {
		d = g.engine.Decide(ctx, in) // constant: the path is not looked at
	}
	if d.Allow && g.audit == nil {
		return wasi.ESUCCESS
	}
	object := g.lexicalObject(fd, rel)
	g.setPath(in, object)
	if in.Op == "path_rename" || in.Op == "path_link" {
		in.NewPath = g.lexicalObject(newFD, newRel)
		object += " -> " + in.NewPath
	}
	if !d.Allow {
		return g.deny(in, object, "policy: "+d.Reason, "")
	}
	g.allowed(in, object, g.mountGrant(in.Path))
	return wasi.ESUCCESS
}

// lexicalObject names rel relative to fd for records and messages.
func (g *System) lexicalObject(fd wasi.FD, rel string) string {
	if d, ok := g.dirs[fd]; ok {
		if p, lexical := join(d.path, rel); lexical {
			return p
		}
	}
	return "fd " + strconv.Itoa(int(fd)) + ": " + rel
}

// decideAt decides a call on path rel relative to fd, which follows a
// final symbolic link if follow is set: the name, then where it leads.
// in carries the operation and its own fields.
func (g *System) decideAt(ctx context.Context, in *policy.Input, fd wasi.FD, rel string, follow bool) wasi.Errno {
	in.Follow = follow
	if !g.pathRules {
		return g.decideConstant(ctx, in, fd, rel, 0, "")
	}
	base, pl := g.dirOf(ctx, fd)
	switch pl {
	case notDir:
		return wasi.ESUCCESS // the inner System refuses the call (EBADF, ENOTDIR)
	case unplaceable:
		return g.deny(in, "fd "+strconv.Itoa(int(fd))+": "+rel, "the directory cannot be placed in the guest namespace", "")
	}
	gp, lexical := join(base, rel)
	if lexical {
		g.setPath(in, gp)
		if errno := g.decidePath(ctx, in, gp); errno != wasi.ESUCCESS {
			return errno
		}
		if !follow && plainName(rel) {
			return wasi.ESUCCESS
		}
	}
	r, errno := g.res.PathGuestPath(ctx, fd, lookupFlags(follow), rel)
	if errno != wasi.ESUCCESS {
		return errno // the call would fail the same way
	}
	if lexical && r == gp {
		return wasi.ESUCCESS
	}
	rin := *in
	g.setPath(&rin, r)
	return g.decidePath(ctx, &rin, resolvedObject(gp, lexical, r))
}

func lookupFlags(follow bool) wasi.LookupFlags {
	if follow {
		return wasi.SymlinkFollow
	}
	return 0
}

func resolvedObject(name string, lexical bool, resolved string) string {
	if !lexical {
		return resolved
	}
	return name + " -> " + resolved
}

// decideTwo decides a call on two paths (rename, link): both names, then
// both resolved paths. Only the old path may follow a final link (link
// with SymlinkFollow).
func (g *System) decideTwo(ctx context.Context, in *policy.Input, oldFD wasi.FD, oldRel string, follow bool, newFD wasi.FD, newRel string) wasi.Errno {
	in.Follow = follow
	if !g.pathRules {
		return g.decideConstant(ctx, in, oldFD, oldRel, newFD, newRel)
	}
	oldBase, pl1 := g.dirOf(ctx, oldFD)
	newBase, pl2 := g.dirOf(ctx, newFD)
	if pl1 == notDir || pl2 == notDir {
		return wasi.ESUCCESS // the inner System refuses the call
	}
	if pl1 == unplaceable || pl2 == unplaceable {
		return g.deny(in, oldRel+" -> "+newRel, "a directory cannot be placed in the guest namespace", "")
	}
	op, lex1 := join(oldBase, oldRel)
	np, lex2 := join(newBase, newRel)
	if lex1 && lex2 {
		g.setPath(in, op)
		in.NewPath = np
		if errno := g.decidePath(ctx, in, op+" -> "+np); errno != wasi.ESUCCESS {
			return errno
		}
	}
	rOld, rNew := op, np
	if !lex1 || follow || !plainName(oldRel) {
		r, errno := g.res.PathGuestPath(ctx, oldFD, lookupFlags(follow), oldRel)
		if errno != wasi.ESUCCESS {
			return errno
		}
		rOld = r
	}
	if !lex2 || !plainName(newRel) {
		r, errno := g.res.PathGuestPath(ctx, newFD, 0, newRel)
		if errno != wasi.ESUCCESS {
			return errno
		}
		rNew = r
	}
	if lex1 && lex2 && rOld == op && rNew == np {
		return wasi.ESUCCESS
	}
	rin := *in
	g.setPath(&rin, rOld)
	rin.NewPath = rNew
	return g.decidePath(ctx, &rin, resolvedObject(op+" -> "+np, lex1 && lex2, rOld+" -> "+rNew))
}

// PathOpen implements wasi.System. Everything is decided before the
// open, so that a denied create or truncate has no side effect.
func (g *System) PathOpen(ctx context.Context, fd wasi.FD, dirFlags wasi.LookupFlags, p string, oflags wasi.OFlags, base, inherit wasi.Rights, fdflags wasi.FDFlags) (wasi.FD, wasi.Errno) {
	in := policy.Input{Op: "path_open", Module: g.module, Follow: dirFlags.Has(wasi.SymlinkFollow),
		Access: accessOf(oflags, base, fdflags)}
	if !g.pathRules {
		if errno := g.decideConstant(ctx, &in, fd, p, 0, ""); errno != wasi.ESUCCESS {
			return -1, errno
		}
		nfd, errno := g.System.PathOpen(ctx, fd, dirFlags, p, oflags, base, inherit, fdflags)
		if errno == wasi.ESUCCESS {
			// Nothing is decided on paths: the name is kept for messages.
			if st, e := g.System.FDStatGet(ctx, nfd); e == wasi.ESUCCESS && st.FileType == wasi.DirectoryType {
				g.dirs[nfd] = dirEntry{path: g.lexicalObject(fd, p)}
			} else {
				delete(g.dirs, nfd)
			}
		}
		return nfd, errno
	}
	dir, pl := g.dirOf(ctx, fd)
	switch pl {
	case notDir:
		return g.System.PathOpen(ctx, fd, dirFlags, p, oflags, base, inherit, fdflags)
	case unplaceable:
		return -1, g.deny(&in, "fd "+strconv.Itoa(int(fd))+": "+p, "the directory cannot be placed in the guest namespace", "")
	}
	gp, lexical := join(dir, p)
	if lexical {
		g.setPath(&in, gp)
		if errno := g.decidePath(ctx, &in, gp); errno != wasi.ESUCCESS {
			return -1, errno
		}
		if !g.noFastOpen {
			nfd, errno := g.res.PathOpenNoSymlinks(ctx, fd, p, oflags, base, inherit, fdflags)
			if errno != wasi.ELOOP && errno != wasi.ENOSYS {
				if errno == wasi.ESUCCESS {
					g.trackPath(ctx, nfd, gp)
				}
				return nfd, errno
			}
		}
	}
	// A symbolic link is on the way (or the name cannot be placed): find
	// where the open leads, without side effects, and decide that too.
	r, errno := g.res.PathGuestPath(ctx, fd, dirFlags&wasi.SymlinkFollow, p)
	if errno != wasi.ESUCCESS {
		return -1, errno // the open would fail the same way
	}
	if !lexical || r != gp {
		rin := in
		g.setPath(&rin, r)
		if errno := g.decidePath(ctx, &rin, resolvedObject(gp, lexical, r)); errno != wasi.ESUCCESS {
			return -1, errno
		}
	}
	nfd, errno := g.System.PathOpen(ctx, fd, dirFlags, p, oflags, base, inherit, fdflags)
	if errno == wasi.ESUCCESS {
		g.trackPath(ctx, nfd, r)
	}
	return nfd, errno
}

// trackPath records the guest path of nfd if it is a directory.
func (g *System) trackPath(ctx context.Context, nfd wasi.FD, p string) {
	if st, errno := g.System.FDStatGet(ctx, nfd); errno == wasi.ESUCCESS && st.FileType == wasi.DirectoryType {
		g.dirs[nfd] = dirEntry{path: p}
	} else {
		delete(g.dirs, nfd)
	}
}

// PathCreateDirectory implements wasi.System.
func (g *System) PathCreateDirectory(ctx context.Context, fd wasi.FD, p string) wasi.Errno {
	in := policy.Input{Op: "path_create_directory", Module: g.module}
	if errno := g.decideAt(ctx, &in, fd, p, false); errno != wasi.ESUCCESS {
		return errno
	}
	return g.System.PathCreateDirectory(ctx, fd, p)
}

// PathFileStatGet implements wasi.System.
func (g *System) PathFileStatGet(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, p string) (wasi.FileStat, wasi.Errno) {
	in := policy.Input{Op: "path_filestat_get", Module: g.module}
	if errno := g.decideAt(ctx, &in, fd, p, flags.Has(wasi.SymlinkFollow)); errno != wasi.ESUCCESS {
		return wasi.FileStat{}, errno
	}
	return g.System.PathFileStatGet(ctx, fd, flags, p)
}

// PathFileStatSetTimes implements wasi.System.
func (g *System) PathFileStatSetTimes(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, p string, atim, mtim wasi.Timestamp, fst wasi.FSTFlags) wasi.Errno {
	in := policy.Input{Op: "path_filestat_set_times", Module: g.module}
	if errno := g.decideAt(ctx, &in, fd, p, flags.Has(wasi.SymlinkFollow)); errno != wasi.ESUCCESS {
		return errno
	}
	return g.System.PathFileStatSetTimes(ctx, fd, flags, p, atim, mtim, fst)
}

// PathReadLink implements wasi.System. The link itself is decided (it is
// read, not followed).
func (g *System) PathReadLink(ctx context.Context, fd wasi.FD, p string, buf []byte) (wasi.Size, wasi.Errno) {
	in := policy.Input{Op: "path_readlink", Module: g.module}
	if errno := g.decideAt(ctx, &in, fd, p, false); errno != wasi.ESUCCESS {
		return 0, errno
	}
	return g.System.PathReadLink(ctx, fd, p, buf)
}

// PathRemoveDirectory implements wasi.System.
func (g *System) PathRemoveDirectory(ctx context.Context, fd wasi.FD, p string) wasi.Errno {
	in := policy.Input{Op: "path_remove_directory", Module: g.module}
	if errno := g.decideAt(ctx, &in, fd, p, false); errno != wasi.ESUCCESS {
		return errno
	}
	return g.System.PathRemoveDirectory(ctx, fd, p)
}

// PathUnlinkFile implements wasi.System.
func (g *System) PathUnlinkFile(ctx context.Context, fd wasi.FD, p string) wasi.Errno {
	in := policy.Input{Op: "path_unlink_file", Module: g.module}
	if errno := g.decideAt(ctx, &in, fd, p, false); errno != wasi.ESUCCESS {
		return errno
	}
	return g.System.PathUnlinkFile(ctx, fd, p)
}

// PathSymlink implements wasi.System. The link's contents are given to the
// policy as input.target; the link is decided where it is created. What
// it points at is decided whenever it is followed.
func (g *System) PathSymlink(ctx context.Context, target string, fd wasi.FD, p string) wasi.Errno {
	in := policy.Input{Op: "path_symlink", Module: g.module, Target: target}
	if errno := g.decideAt(ctx, &in, fd, p, false); errno != wasi.ESUCCESS {
		return errno
	}
	return g.System.PathSymlink(ctx, target, fd, p)
}

// PathRename implements wasi.System: both the old and the new path are
// decided (input.path and input.new_path). A rename can move a directory
// that is open, so the guest paths of open directories are refreshed.
func (g *System) PathRename(ctx context.Context, fd wasi.FD, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	in := policy.Input{Op: "path_rename", Module: g.module}
	if errno := g.decideTwo(ctx, &in, fd, oldPath, false, newFD, newPath); errno != wasi.ESUCCESS {
		return errno
	}
	errno := g.System.PathRename(ctx, fd, oldPath, newFD, newPath)
	if errno == wasi.ESUCCESS {
		g.refreshDirs(ctx)
	}
	return errno
}

// refreshDirs asks the kernel again where every open directory is. A
// directory that cannot be placed any more (it was removed) is forgotten:
// paths relative to it are then placed by dirOf, or denied.
func (g *System) refreshDirs(ctx context.Context) {
	if g.pather == nil {
		return
	}
	for fd, d := range g.dirs {
		if d.preopen {
			continue
		}
		if p, errno := g.pather.FDGuestPath(ctx, fd); errno == wasi.ESUCCESS {
			g.dirs[fd] = dirEntry{path: p}
		} else {
			delete(g.dirs, fd)
		}
	}
}

// PathLink implements wasi.System: the existing path (followed if
// oldFlags says so) and the new one are decided.
func (g *System) PathLink(ctx context.Context, oldFD wasi.FD, oldFlags wasi.LookupFlags, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	in := policy.Input{Op: "path_link", Module: g.module}
	if errno := g.decideTwo(ctx, &in, oldFD, oldPath, oldFlags.Has(wasi.SymlinkFollow), newFD, newPath); errno != wasi.ESUCCESS {
		return errno
	}
	return g.System.PathLink(ctx, oldFD, oldFlags, oldPath, newFD, newPath)
}

// FDClose implements wasi.System.
func (g *System) FDClose(ctx context.Context, fd wasi.FD) wasi.Errno {
	errno := g.System.FDClose(ctx, fd)
	if errno == wasi.ESUCCESS {
		delete(g.dirs, fd)
		g.net.forget(fd)
	}
	return errno
}

// FDRenumber implements wasi.System: what the guard knows about from
// moves to to (whatever it knew about to is gone with it).
func (g *System) FDRenumber(ctx context.Context, from, to wasi.FD) wasi.Errno {
	errno := g.System.FDRenumber(ctx, from, to)
	if errno == wasi.ESUCCESS && from != to {
		if d, ok := g.dirs[from]; ok {
			g.dirs[to] = d
		} else {
			delete(g.dirs, to)
		}
		delete(g.dirs, from)
		g.net.renumber(from, to)
	}
	return errno
}
