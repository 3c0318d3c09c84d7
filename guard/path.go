package guard

import (
	"context"
	"path"

	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/wasi"
)

// accessOf precomputes what a path_open asks for, so rules stay simple.
func accessOf(oflags wasi.OFlags, base wasi.Rights, fdflags wasi.FDFlags) policy.Access {
	return policy.Access{
		Read:      base.HasAny(wasi.FDReadRight | wasi.FDReadDirRight),
		Write:     base.HasAny(wasi.FDWriteRight|wasi.FDAllocateRight|wasi.FDFileStatSetSizeRight) || fdflags.Has(wasi.Append) || oflags.Has(wasi.OTruncate) || oflags.Has(wasi.OCreate),
		Create:    oflags.Has(wasi.OCreate),
		Truncate:  oflags.Has(wasi.OTruncate),
		Directory: oflags.Has(wasi.ODirectory),
	}
}

// PathOpen implements wasi.System. The name is decided before the open
// (so that a denied create has no side effect); when rules could depend
// on the path, the path the kernel actually opened (after symlinks) is
// decided too, and the descriptor is closed if that one is denied.
func (g *System) PathOpen(ctx context.Context, fd wasi.FD, dirFlags wasi.LookupFlags, p string, oflags wasi.OFlags, base, inherit wasi.Rights, fdflags wasi.FDFlags) (wasi.FD, wasi.Errno) {
	gp, ok := g.place(fd, p)
	if !ok {
		return g.System.PathOpen(ctx, fd, dirFlags, p, oflags, base, inherit, fdflags)
	}
	in := g.pathInput("path_open", gp, dirFlags.Has(wasi.SymlinkFollow))
	in.Access = accessOf(oflags, base, fdflags)
	if errno := g.decidePath(ctx, &in, gp); errno != wasi.ESUCCESS {
		return -1, errno
	}
	if g.checkResolved && oflags.Has(wasi.OCreate) {
		// A create through a symlink would create the target before we
		// could look at it: decide on the resolved parent folder and
		// refuse to create through a final symlink.
		if errno := g.checkParent(ctx, fd, p, &in); errno != wasi.ESUCCESS {
			return -1, errno
		}
		if st, errno := g.System.PathFileStatGet(ctx, fd, 0, p); errno == wasi.ESUCCESS && st.FileType == wasi.SymbolicLinkType && in.Follow {
			return -1, g.deny(&in, gp, "creating through a symbolic link while path rules apply", "fs.deny")
		}
	}
	nfd, errno := g.System.PathOpen(ctx, fd, dirFlags, p, oflags, base, inherit, fdflags)
	if errno != wasi.ESUCCESS {
		return nfd, errno
	}
	resolved := gp
	if g.checkResolved && g.pather != nil {
		r, errno := g.pather.FDGuestPath(ctx, nfd)
		if errno != wasi.ESUCCESS {
			g.System.FDClose(ctx, nfd)
			return -1, g.deny(&in, gp, "cannot place the opened file in the guest namespace", "fs.mounts")
		}
		if r != gp {
			rin := in
			rin.Path = r
			if mt := g.mountOf(r); mt != nil {
				rin.Mount, rin.Mode = mt.Guest, string(mt.Mode)
			}
			if errno := g.decidePath(ctx, &rin, gp+" -> "+r); errno != wasi.ESUCCESS {
				g.System.FDClose(ctx, nfd)
				return -1, errno
			}
			resolved = r
		}
	}
	if st, errno := g.System.FDStatGet(ctx, nfd); errno == wasi.ESUCCESS && st.FileType == wasi.DirectoryType {
		g.dirs[nfd] = resolved
	} else {
		delete(g.dirs, nfd)
	}
	return nfd, wasi.ESUCCESS
}

// checkParent decides on the resolved folder that will hold the final
// component of p (symlinks in the folder part followed).
func (g *System) checkParent(ctx context.Context, fd wasi.FD, p string, in *policy.Input) wasi.Errno {
	if g.pather == nil {
		return wasi.ESUCCESS
	}
	dir, name := path.Split(p)
	if name == "" || name == "." || name == ".." {
		return wasi.ESUCCESS // the inner System refuses or handles these
	}
	if dir == "" {
		dir = "."
	}
	dfd, errno := g.System.PathOpen(ctx, fd, wasi.SymlinkFollow, dir, wasi.ODirectory, 0, 0, 0)
	if errno != wasi.ESUCCESS {
		return wasi.ESUCCESS // the call itself will fail the same way
	}
	r, errno := g.pather.FDGuestPath(ctx, dfd)
	g.System.FDClose(ctx, dfd)
	if errno != wasi.ESUCCESS {
		return g.deny(in, in.Path, "cannot place the folder in the guest namespace", "fs.mounts")
	}
	full := path.Join(r, name)
	if full == in.Path {
		return wasi.ESUCCESS
	}
	rin := *in
	rin.Path = full
	if mt := g.mountOf(full); mt != nil {
		rin.Mount, rin.Mode = mt.Guest, string(mt.Mode)
	}
	return g.decidePath(ctx, &rin, in.Path+" -> "+full)
}

// checkTarget decides a path call on a final component that is followed
// (stat, set-times, link with SYMLINK_FOLLOW): the resolved file itself.
func (g *System) checkTarget(ctx context.Context, fd wasi.FD, p string, in *policy.Input) wasi.Errno {
	if g.pather == nil {
		return wasi.ESUCCESS
	}
	tfd, errno := g.System.PathOpen(ctx, fd, wasi.SymlinkFollow, p, 0, 0, 0, wasi.NonBlock)
	if errno != wasi.ESUCCESS {
		return wasi.ESUCCESS
	}
	r, errno := g.pather.FDGuestPath(ctx, tfd)
	g.System.FDClose(ctx, tfd)
	if errno != wasi.ESUCCESS || r == in.Path {
		return wasi.ESUCCESS
	}
	rin := *in
	rin.Path = r
	if mt := g.mountOf(r); mt != nil {
		rin.Mount, rin.Mode = mt.Guest, string(mt.Mode)
	}
	return g.decidePath(ctx, &rin, in.Path+" -> "+r)
}

// simple decides a path call that acts on the final component of p:
// the name, then (when rules could care) the resolved parent folder, or
// the resolved target when the call follows a final symlink.
func (g *System) simple(ctx context.Context, op string, fd wasi.FD, p string, follow bool) (ok bool, errno wasi.Errno) {
	gp, placed := g.place(fd, p)
	if !placed {
		return true, wasi.ESUCCESS // the inner System refuses it
	}
	in := g.pathInput(op, gp, follow)
	if errno := g.decidePath(ctx, &in, gp); errno != wasi.ESUCCESS {
		return false, errno
	}
	if g.checkResolved {
		if follow {
			if errno := g.checkTarget(ctx, fd, p, &in); errno != wasi.ESUCCESS {
				return false, errno
			}
		}
		if errno := g.checkParent(ctx, fd, p, &in); errno != wasi.ESUCCESS {
			return false, errno
		}
	}
	return true, wasi.ESUCCESS
}

// PathCreateDirectory implements wasi.System.
func (g *System) PathCreateDirectory(ctx context.Context, fd wasi.FD, p string) wasi.Errno {
	if ok, errno := g.simple(ctx, "path_create_directory", fd, p, false); !ok {
		return errno
	}
	return g.System.PathCreateDirectory(ctx, fd, p)
}

// PathFileStatGet implements wasi.System.
func (g *System) PathFileStatGet(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, p string) (wasi.FileStat, wasi.Errno) {
	if ok, errno := g.simple(ctx, "path_filestat_get", fd, p, flags.Has(wasi.SymlinkFollow)); !ok {
		return wasi.FileStat{}, errno
	}
	return g.System.PathFileStatGet(ctx, fd, flags, p)
}

// PathFileStatSetTimes implements wasi.System.
func (g *System) PathFileStatSetTimes(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, p string, atim, mtim wasi.Timestamp, fst wasi.FSTFlags) wasi.Errno {
	if ok, errno := g.simple(ctx, "path_filestat_set_times", fd, p, flags.Has(wasi.SymlinkFollow)); !ok {
		return errno
	}
	return g.System.PathFileStatSetTimes(ctx, fd, flags, p, atim, mtim, fst)
}

// PathReadLink implements wasi.System.
func (g *System) PathReadLink(ctx context.Context, fd wasi.FD, p string, buf []byte) (wasi.Size, wasi.Errno) {
	if ok, errno := g.simple(ctx, "path_readlink", fd, p, false); !ok {
		return 0, errno
	}
	return g.System.PathReadLink(ctx, fd, p, buf)
}

// PathRemoveDirectory implements wasi.System.
func (g *System) PathRemoveDirectory(ctx context.Context, fd wasi.FD, p string) wasi.Errno {
	if ok, errno := g.simple(ctx, "path_remove_directory", fd, p, false); !ok {
		return errno
	}
	return g.System.PathRemoveDirectory(ctx, fd, p)
}

// PathUnlinkFile implements wasi.System.
func (g *System) PathUnlinkFile(ctx context.Context, fd wasi.FD, p string) wasi.Errno {
	if ok, errno := g.simple(ctx, "path_unlink_file", fd, p, false); !ok {
		return errno
	}
	return g.System.PathUnlinkFile(ctx, fd, p)
}

// PathSymlink implements wasi.System. The link's contents are given to the
// policy as input.target; the kernel never lets a link lead out of a
// mount, so only the link's own place is decided on the path.
func (g *System) PathSymlink(ctx context.Context, target string, fd wasi.FD, p string) wasi.Errno {
	gp, placed := g.place(fd, p)
	if placed {
		in := g.pathInput("path_symlink", gp, false)
		in.Target = target
		if errno := g.decidePath(ctx, &in, gp); errno != wasi.ESUCCESS {
			return errno
		}
		if g.checkResolved {
			if errno := g.checkParent(ctx, fd, p, &in); errno != wasi.ESUCCESS {
				return errno
			}
		}
	}
	return g.System.PathSymlink(ctx, target, fd, p)
}

// PathRename implements wasi.System: both the old and the new name are
// decided (a rename is a read of one and a write of the other).
func (g *System) PathRename(ctx context.Context, fd wasi.FD, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	if errno := g.twoPaths(ctx, "path_rename", fd, oldPath, false, newFD, newPath); errno != wasi.ESUCCESS {
		return errno
	}
	return g.System.PathRename(ctx, fd, oldPath, newFD, newPath)
}

// PathLink implements wasi.System.
func (g *System) PathLink(ctx context.Context, oldFD wasi.FD, oldFlags wasi.LookupFlags, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	if errno := g.twoPaths(ctx, "path_link", oldFD, oldPath, oldFlags.Has(wasi.SymlinkFollow), newFD, newPath); errno != wasi.ESUCCESS {
		return errno
	}
	return g.System.PathLink(ctx, oldFD, oldFlags, oldPath, newFD, newPath)
}

func (g *System) twoPaths(ctx context.Context, op string, fd wasi.FD, oldPath string, follow bool, newFD wasi.FD, newPath string) wasi.Errno {
	op1, ok1 := g.place(fd, oldPath)
	np, ok2 := g.place(newFD, newPath)
	if !ok1 || !ok2 {
		return wasi.ESUCCESS // the inner System refuses it
	}
	in := g.pathInput(op, op1, follow)
	in.NewPath = np
	if errno := g.decidePath(ctx, &in, op1+" -> "+np); errno != wasi.ESUCCESS {
		return errno
	}
	if g.checkResolved {
		if follow {
			if errno := g.checkTarget(ctx, fd, oldPath, &in); errno != wasi.ESUCCESS {
				return errno
			}
		}
		if errno := g.checkParent(ctx, fd, oldPath, &in); errno != wasi.ESUCCESS {
			return errno
		}
		nin := g.pathInput(op, np, false)
		nin.NewPath = np
		if errno := g.checkParent(ctx, newFD, newPath, &nin); errno != wasi.ESUCCESS {
			return errno
		}
	}
	return wasi.ESUCCESS
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

// FDRenumber implements wasi.System.
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
