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
//   - a call on a plain name ("x", no slash) that does not follow a final
//     link acts in the directory descriptor itself: the name is the path;
//   - any other call is first made in the inner System's no-symlink mode
//     (SetNoSymlinks: openat2 with RESOLVE_NO_SYMLINKS): if it succeeds,
//     or fails for another reason, it met no link, so it acted (or would
//     have) on the lexical path already decided, at no extra cost;
//   - only if it met a link (ELOOP, before acting) does the guard ask
//     PathGuestPath or PathParentGuestPath where the path leads, decide
//     that, and make the call again normally.
//
// Both rely on the guest path of each directory descriptor being right:
// the kernel says where a directory is when it is first used as a base
// (dirOf), and the guard forgets it after every rename, which can move a
// directory that is open.

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
	notDir placement = iota // not an open directory: the inner System refuses the call
	placed                  // a directory whose guest path is known
	gone                    // a directory that is in no mount any more (removed): the call fails
)

// dirOf returns the guest path of directory descriptor fd. Preopens are
// known from the start; any other directory is placed when first used as
// the base of a path call, by asking the kernel where it is now (after
// links and renames), and remembered until a rename could move it.
// Guests rarely use other directories as bases (wasi-libc and Go resolve
// every path from a preopen), so opens never pay for this.
func (g *System) dirOf(ctx context.Context, fd wasi.FD) (string, placement, wasi.Errno) {
	if d, ok := g.dirs[fd]; ok {
		return d.path, placed, wasi.ESUCCESS
	}
	st, errno := g.System.FDStatGet(ctx, fd)
	if errno != wasi.ESUCCESS || st.FileType != wasi.DirectoryType || g.pather == nil {
		// Without a GuestPather the guard has no path rules (New), and
		// only names its messages after the directory.
		return "", notDir, wasi.ESUCCESS
	}
	p, errno := g.pather.FDGuestPath(ctx, fd)
	if errno != wasi.ESUCCESS {
		return "", gone, errno
	}
	g.dirs[fd] = dirEntry{path: p}
	return p, placed, wasi.ESUCCESS
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
	if cleanRel(rel) { // the common case: one concatenation, no Clean
		if base == "/" {
			return "/" + rel, true
		}
		return base + "/" + rel, true
	}
	p = path.Join(base, rel)
	return p, under(p, base)
}

// cleanRel reports whether a relative path is already clean: no empty,
// "." or ".." element, and no trailing slash.
func cleanRel(rel string) bool {
	start := 0
	for i := 0; i <= len(rel); i++ {
		if i < len(rel) && rel[i] != '/' {
			continue
		}
		switch rel[start:i] {
		case "", ".", "..":
			return false
		}
		start = i + 1
	}
	return true
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

// input returns the System's scratch envelope, reset for op. Decisions
// are taken one call at a time, and an envelope given to the engine's
// compiled tests would otherwise be allocated on every call.
func (g *System) input(op string) *policy.Input {
	g.scratch[0] = policy.Input{Op: op, Module: g.module}
	return &g.scratch[0]
}

// resolvedInput returns a copy of in (in the second scratch envelope) for
// the resolved path p.
func (g *System) resolvedInput(in *policy.Input, p string) *policy.Input {
	g.scratch[1] = *in
	g.setPath(&g.scratch[1], p)
	return &g.scratch[1]
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
	if gl := g.denied(in.Path); gl != nil {
		return g.deny(ctx, in, object, g.denyGlobReason(gl), "fs.deny wins over fs.mounts")
	}
	if in.NewPath != "" {
		if gl := g.denied(in.NewPath); gl != nil {
			return g.deny(ctx, in, object, g.denyGlobReason(gl), "fs.deny wins over fs.mounts")
		}
	}
	if g.renamingDir {
		// Renaming a folder renames everything beneath it: it could move
		// a file fs.deny protects to a name no pattern matches, or put
		// files under a protected name, unless no pattern can match
		// beneath either name (or only looks at last elements).
		for i := range g.globs {
			gl := g.globs[i].g
			if !gl.RenameSafe(in.Path) || !gl.RenameSafe(in.NewPath) {
				where := g.denyGlobReason(gl)
				return g.deny(ctx, in, object, "renaming a folder could move what "+strings.TrimSuffix(where, " matches")+" protects", "")
			}
		}
	}
	if g.engine != nil {
		if d := g.engine.Decide(ctx, in); !d.Allow {
			return g.deny(ctx, in, object, "policy: "+d.Reason, "")
		}
	}
	if g.audit != nil {
		g.allowed(ctx, in, object, g.mountGrant(in.Path))
	}
	return wasi.ESUCCESS
}

// denied returns the first fs.deny pattern p matches, or nil.
func (g *System) denied(p string) *policy.Glob {
	split := false
	for i := range g.globs {
		d := &g.globs[i]
		if !d.mayMatch(p) {
			continue
		}
		if !split {
			g.parts, split = splitPath(g.parts[:0], p), true
		}
		if d.matchParts(g.parts) {
			return d.g
		}
	}
	return nil
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
	object := g.lexicalObject(ctx, fd, rel)
	g.setPath(in, object)
	if in.Op == "path_rename" || in.Op == "path_link" {
		in.NewPath = g.lexicalObject(ctx, newFD, newRel)
		object += " -> " + in.NewPath
	}
	if !d.Allow {
		return g.deny(ctx, in, object, "policy: "+d.Reason, "")
	}
	g.allowed(ctx, in, object, g.mountGrant(in.Path))
	return wasi.ESUCCESS
}

// lexicalObject names rel relative to fd for records and messages.
func (g *System) lexicalObject(ctx context.Context, fd wasi.FD, rel string) string {
	if base, pl, _ := g.dirOf(ctx, fd); pl == placed {
		if p, lexical := join(base, rel); lexical {
			return p
		}
	}
	return "fd " + strconv.Itoa(int(fd)) + ": " + rel
}

// reach says how a call reaches the final component of its path, which
// decides where the kernel acts (unix resolves the same way).
type reach int

const (
	// lookThrough: open, stat, set-times, readlink, link's old name. A
	// trailing slash makes the whole path a directory to reach, through
	// a final link if it is one.
	lookThrough reach = iota
	// followLink: as lookThrough, and a final link is followed.
	followLink
	// createRemove: mkdir, unlink, rmdir, rename, symlink, link's new
	// name act on the final name in its directory, never through it.
	createRemove
)

// reachOf is lookThrough or followLink, as flags say.
func reachOf(flags wasi.LookupFlags) reach {
	if flags.Has(wasi.SymlinkFollow) {
		return followLink
	}
	return lookThrough
}

// resolve asks the inner System where rel, relative to fd, leads.
func (g *System) resolve(ctx context.Context, fd wasi.FD, rel string, how reach) (string, wasi.Errno) {
	switch how {
	case createRemove:
		return g.res.PathParentGuestPath(ctx, fd, rel)
	case followLink:
		return g.res.PathGuestPath(ctx, fd, wasi.SymlinkFollow, rel)
	}
	return g.res.PathGuestPath(ctx, fd, 0, rel)
}

// lexicalIsResolved reports whether the lexical path of rel is where the
// call acts without asking the kernel: a plain name that is not followed
// is in the directory descriptor itself.
func lexicalIsResolved(rel string, how reach) bool {
	return how != followLink && plainName(rel)
}

// pathCall decides a call on path rel relative to fd and makes it:
// call makes the inner System's call. The name is decided first; then,
// when rules depend on the path, the call is made in the inner System's
// no-symlink mode (which proves the lexical path is the one acted on),
// and only if a link was on the way is the resolved path found and
// decided, and the call made again. in carries the operation and its own
// fields.
func (g *System) pathCall(ctx context.Context, in *policy.Input, fd wasi.FD, rel string, how reach, call func() wasi.Errno) wasi.Errno {
	in.Follow = how == followLink
	if !g.pathRules {
		if g.engine != nil || g.audit != nil {
			if errno := g.decideConstant(ctx, in, fd, rel, 0, ""); errno != wasi.ESUCCESS {
				return errno
			}
		}
		return call()
	}
	base, pl, errno := g.dirOf(ctx, fd)
	switch pl {
	case notDir:
		return call() // the inner System refuses it (EBADF, ENOTDIR)
	case gone:
		return errno
	}
	gp, lexical := g.bufs[0].join(base, rel)
	if lexical {
		g.setPath(in, gp)
		if errno := g.decidePath(ctx, in, gp); errno != wasi.ESUCCESS {
			return errno
		}
		if lexicalIsResolved(rel, how) {
			return call()
		}
		if errno, done := g.callNoSymlinks(call); done {
			return errno
		}
	}
	// A symbolic link is on the way (or the name cannot be placed): find
	// where the call leads, without side effects, and decide that too.
	r, errno := g.resolve(ctx, fd, rel, how)
	if errno != wasi.ESUCCESS {
		return errno // the call would fail the same way
	}
	if !lexical || r != gp {
		if errno := g.decidePath(ctx, g.resolvedInput(in, r), resolvedObject(gp, lexical, r)); errno != wasi.ESUCCESS {
			return errno
		}
	}
	return call()
}

// callNoSymlinks makes call in the inner System's no-symlink mode. done
// is false if the call met a link (ELOOP) or the mode is unavailable
// (ENOSYS): it did nothing, and the caller resolves the slow way.
func (g *System) callNoSymlinks(call func() wasi.Errno) (errno wasi.Errno, done bool) {
	if g.noFast || !g.res.SetNoSymlinks(true) {
		return 0, false
	}
	errno = call()
	g.res.SetNoSymlinks(false)
	return errno, errno != wasi.ELOOP && errno != wasi.ENOSYS
}

func resolvedObject(name string, lexical bool, resolved string) string {
	if !lexical {
		return resolved
	}
	return name + " -> " + resolved
}

// pathCall2 is pathCall for a call on two paths (rename, link): both
// names, then both resolved paths. The new name is always created
// (createRemove).
func (g *System) pathCall2(ctx context.Context, in *policy.Input, oldFD wasi.FD, oldRel string, oldHow reach, newFD wasi.FD, newRel string, call func() wasi.Errno) wasi.Errno {
	in.Follow = oldHow == followLink
	if !g.pathRules {
		if g.engine != nil || g.audit != nil {
			if errno := g.decideConstant(ctx, in, oldFD, oldRel, newFD, newRel); errno != wasi.ESUCCESS {
				return errno
			}
		}
		return call()
	}
	oldBase, pl1, errno1 := g.dirOf(ctx, oldFD)
	newBase, pl2, errno2 := g.dirOf(ctx, newFD)
	switch {
	case pl1 == notDir || pl2 == notDir:
		return call() // the inner System refuses it
	case pl1 == gone:
		return errno1
	case pl2 == gone:
		return errno2
	}
	op, lex1 := g.bufs[0].join(oldBase, oldRel)
	np, lex2 := g.bufs[1].join(newBase, newRel)
	if lex1 && lex2 {
		g.setPath(in, op)
		in.NewPath = np
		if errno := g.decidePath(ctx, in, op+" -> "+np); errno != wasi.ESUCCESS {
			return errno
		}
		if lexicalIsResolved(oldRel, oldHow) && lexicalIsResolved(newRel, createRemove) {
			return call()
		}
		if errno, done := g.callNoSymlinks(call); done {
			return errno
		}
	}
	rOld, errno := g.resolve(ctx, oldFD, oldRel, oldHow)
	if errno != wasi.ESUCCESS {
		return errno
	}
	rNew, errno := g.resolve(ctx, newFD, newRel, createRemove)
	if errno != wasi.ESUCCESS {
		return errno
	}
	if !lex1 || !lex2 || rOld != op || rNew != np {
		rin := g.resolvedInput(in, rOld)
		rin.NewPath = rNew
		if errno := g.decidePath(ctx, rin, resolvedObject(op+" -> "+np, lex1 && lex2, rOld+" -> "+rNew)); errno != wasi.ESUCCESS {
			return errno
		}
	}
	return call()
}

// PathOpen implements wasi.System. Everything is decided before the
// open, so that a denied create or truncate has no side effect.
func (g *System) PathOpen(ctx context.Context, fd wasi.FD, dirFlags wasi.LookupFlags, p string, oflags wasi.OFlags, base, inherit wasi.Rights, fdflags wasi.FDFlags) (wasi.FD, wasi.Errno) {
	if !g.pathRules && g.engine == nil && g.audit == nil {
		return g.System.PathOpen(ctx, fd, dirFlags, p, oflags, base, inherit, fdflags)
	}
	in := g.input("path_open")
	in.Access = accessOf(oflags, base, fdflags)
	nfd := wasi.FD(-1)
	errno := g.pathCall(ctx, in, fd, p, reachOf(dirFlags), func() (errno wasi.Errno) {
		nfd, errno = g.System.PathOpen(ctx, fd, dirFlags, p, oflags, base, inherit, fdflags)
		return errno
	})
	if errno != wasi.ESUCCESS {
		return -1, errno
	}
	return nfd, errno
}

// PathCreateDirectory implements wasi.System.
func (g *System) PathCreateDirectory(ctx context.Context, fd wasi.FD, p string) wasi.Errno {
	return g.pathCall(ctx, g.input("path_create_directory"), fd, p, createRemove, func() wasi.Errno {
		return g.System.PathCreateDirectory(ctx, fd, p)
	})
}

// PathFileStatGet implements wasi.System.
func (g *System) PathFileStatGet(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, p string) (wasi.FileStat, wasi.Errno) {
	var st wasi.FileStat
	errno := g.pathCall(ctx, g.input("path_filestat_get"), fd, p, reachOf(flags), func() (errno wasi.Errno) {
		st, errno = g.System.PathFileStatGet(ctx, fd, flags, p)
		return errno
	})
	if errno != wasi.ESUCCESS {
		return wasi.FileStat{}, errno
	}
	return st, errno
}

// PathFileStatSetTimes implements wasi.System.
func (g *System) PathFileStatSetTimes(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, p string, atim, mtim wasi.Timestamp, fst wasi.FSTFlags) wasi.Errno {
	return g.pathCall(ctx, g.input("path_filestat_set_times"), fd, p, reachOf(flags), func() wasi.Errno {
		return g.System.PathFileStatSetTimes(ctx, fd, flags, p, atim, mtim, fst)
	})
}

// PathReadLink implements wasi.System. The link itself is decided (it is
// read, not followed).
func (g *System) PathReadLink(ctx context.Context, fd wasi.FD, p string, buf []byte) (wasi.Size, wasi.Errno) {
	var n wasi.Size
	errno := g.pathCall(ctx, g.input("path_readlink"), fd, p, lookThrough, func() (errno wasi.Errno) {
		n, errno = g.System.PathReadLink(ctx, fd, p, buf)
		return errno
	})
	if errno != wasi.ESUCCESS {
		return 0, errno
	}
	return n, errno
}

// PathRemoveDirectory implements wasi.System.
func (g *System) PathRemoveDirectory(ctx context.Context, fd wasi.FD, p string) wasi.Errno {
	return g.pathCall(ctx, g.input("path_remove_directory"), fd, p, createRemove, func() wasi.Errno {
		return g.System.PathRemoveDirectory(ctx, fd, p)
	})
}

// PathUnlinkFile implements wasi.System.
func (g *System) PathUnlinkFile(ctx context.Context, fd wasi.FD, p string) wasi.Errno {
	return g.pathCall(ctx, g.input("path_unlink_file"), fd, p, createRemove, func() wasi.Errno {
		return g.System.PathUnlinkFile(ctx, fd, p)
	})
}

// PathSymlink implements wasi.System. The link's contents are given to the
// policy as input.target; the link is decided where it is created. What
// it points at is decided whenever it is followed.
func (g *System) PathSymlink(ctx context.Context, target string, fd wasi.FD, p string) wasi.Errno {
	in := g.input("path_symlink")
	in.Target = target
	return g.pathCall(ctx, in, fd, p, createRemove, func() wasi.Errno {
		return g.System.PathSymlink(ctx, target, fd, p)
	})
}

// PathRename implements wasi.System: both the old and the new path are
// decided (input.path and input.new_path). A rename can move a directory
// that is open, so the guard forgets where open directories are.
func (g *System) PathRename(ctx context.Context, fd wasi.FD, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	if len(g.globs) > 0 {
		// Is a folder being renamed? (decidePath; the stat is the
		// guard's own, the guest learns nothing from it)
		st, errno := g.System.PathFileStatGet(ctx, fd, 0, oldPath)
		g.renamingDir = errno == wasi.ESUCCESS && st.FileType == wasi.DirectoryType
		defer func() { g.renamingDir = false }()
	}
	errno := g.pathCall2(ctx, g.input("path_rename"), fd, oldPath, createRemove, newFD, newPath, func() wasi.Errno {
		return g.System.PathRename(ctx, fd, oldPath, newFD, newPath)
	})
	if errno == wasi.ESUCCESS {
		g.forgetDirs()
	}
	return errno
}

// forgetDirs forgets where every directory but the mounts is: a rename
// may have moved one (or a folder above it). Each is placed again by
// dirOf, from the kernel, when next used.
func (g *System) forgetDirs() {
	for fd, d := range g.dirs {
		if !d.preopen {
			delete(g.dirs, fd)
		}
	}
}

// PathLink implements wasi.System: the existing path (followed if
// oldFlags says so) and the new one are decided.
func (g *System) PathLink(ctx context.Context, oldFD wasi.FD, oldFlags wasi.LookupFlags, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	return g.pathCall2(ctx, g.input("path_link"), oldFD, oldPath, reachOf(oldFlags), newFD, newPath, func() wasi.Errno {
		return g.System.PathLink(ctx, oldFD, oldFlags, oldPath, newFD, newPath)
	})
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
