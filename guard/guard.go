// Package guard is the policy-enforcing wasi.System wrapper: it decides
// every sensitive call (every path_* call, and every socket call that
// names an address or creates a socket) as manifest ceiling AND Rego
// policy, and passes everything else straight through.
//
// Trust boundary: the guest is untrusted; the manifest and policies are
// trusted (reviewed). The inner System (package unix) already confines
// paths to the mounts and enforces read-only mounts in the kernel; the
// guard narrows further (fs.deny, network grants, Rego) and never widens.
// Decisions are taken at open time and folded into the descriptor
// (design decision 3): fd_read, fd_write, fd_seek and fd_readdir never
// consult the policy.
//
// Fail closed: a policy error, an undefined result, a timeout or a path
// the guard cannot place denies the call.
//
// Usage:
//
//	inner, _ := unix.New(cfg)                     // mounts from the manifest
//	sys, err := guard.New(ctx, inner, guard.Config{Manifest: m, Engine: eng, Log: os.Stderr})
package guard

import (
	"context"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"

	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/wasi"
)

// Config configures a guard.
type Config struct {
	// Manifest is the reviewed ceiling; required.
	Manifest *policy.Manifest
	// Engine evaluates the manifest's Rego policies; nil means none.
	Engine *policy.Engine
	// ModuleSHA256 is the running module's hash (input.module.sha256).
	ModuleSHA256 string
	// Log receives one line per denial ("wasibox: denied ..."); nil
	// discards them.
	Log io.Writer
	// Audit, if set, is called for every sensitive decision.
	Audit func(Record)
}

// Record describes one sensitive decision, for the audit log.
type Record struct {
	Input  policy.Input
	Object string // what the call named, e.g. "/data/x.txt" or "tcp://10.0.0.1:443"
	Allow  bool
	Reason string // why it was denied; empty when allowed
	Grant  string // the manifest grant or rule that decided
}

// System implements wasi.System with policy enforcement over an inner System.
type System struct {
	wasi.System // the inner System: every call not overridden passes through

	m      *policy.Manifest
	engine *policy.Engine
	module string
	log    io.Writer
	audit  func(Record)
	errno  wasi.Errno
	pather wasi.GuestPather // nil if the inner System cannot report resolved paths

	// checkResolved is set when some rule could depend on the path
	// (fs.deny globs or non-constant Rego path rules): then decisions are
	// also taken on the path after symlinks, not only on the name.
	checkResolved bool

	logMu sync.Mutex

	// dirs maps open directory descriptors to their guest paths, so that a
	// path relative to one can be placed in the guest namespace.
	dirs map[wasi.FD]string
	net  netState
	env  envState
}

var _ wasi.System = (*System)(nil)

// New wraps inner. It reads the preopens of inner to learn the guest path
// of each mount descriptor.
func New(ctx context.Context, inner wasi.System, cfg Config) (*System, error) {
	if cfg.Manifest == nil {
		return nil, fmt.Errorf("guard: a manifest is required")
	}
	g := &System{
		System: inner,
		m:      cfg.Manifest,
		engine: cfg.Engine,
		module: cfg.ModuleSHA256,
		log:    cfg.Log,
		audit:  cfg.Audit,
		errno:  cfg.Manifest.OnDenyErrno,
		dirs:   map[wasi.FD]string{},
	}
	if g.errno == wasi.ESUCCESS {
		g.errno = wasi.EACCES
	}
	g.pather, _ = inner.(wasi.GuestPather)
	g.checkResolved = len(g.m.Deny) > 0
	if g.engine != nil {
		for _, op := range policy.Ops {
			if policy.IsPathOp(op) {
				if d, ok := g.engine.Constant(op); !ok || !d.Allow {
					g.checkResolved = true
				}
			}
		}
	}
	// Preopens are numbered from 3 without gaps (that is how wasi-libc
	// and Go discover them); stop at the first EBADF.
	for fd := wasi.FD(3); fd < 3+4096; fd++ {
		p, errno := inner.FDPrestatGet(ctx, fd)
		if errno == wasi.EBADF {
			break
		}
		if errno != wasi.ESUCCESS || p.Type != wasi.PreopenDir {
			continue
		}
		name, errno := inner.FDPrestatDirName(ctx, fd)
		if errno != wasi.ESUCCESS {
			return nil, fmt.Errorf("guard: preopen %d: %w", fd, errno)
		}
		g.dirs[fd] = cleanGuest(name)
	}
	g.net.init(g.m)
	if err := g.env.init(g.m); err != nil {
		return nil, err
	}
	return g, nil
}

func cleanGuest(p string) string {
	return path.Clean("/" + p)
}

// deny reports a denial: one line on the log, an audit record, and the
// manifest's errno for the guest.
func (g *System) deny(in *policy.Input, object, reason, grant string) wasi.Errno {
	if g.log != nil {
		line := "wasibox: denied " + in.Op + " " + object + " (" + reason + ")\n"
		g.logMu.Lock()
		io.WriteString(g.log, line)
		g.logMu.Unlock()
	}
	if g.audit != nil {
		g.audit(Record{Input: *in, Object: object, Reason: reason, Grant: grant})
	}
	return g.errno
}

func (g *System) allowed(in *policy.Input, object, grant string) {
	if g.audit != nil {
		g.audit(Record{Input: *in, Object: object, Allow: true, Grant: grant})
	}
}

// decidePath checks one guest path against fs.deny and the policy.
// It returns ESUCCESS or the denial errno (already logged).
func (g *System) decidePath(ctx context.Context, in *policy.Input, object string) wasi.Errno {
	for i := range g.m.Deny {
		gl := &g.m.Deny[i]
		if gl.Match(in.Path) || (in.NewPath != "" && gl.Match(in.NewPath)) {
			return g.deny(in, object, fmt.Sprintf("fs.deny %q at %s:%d", gl.Raw, g.m.File, gl.Pos.Line), "fs.deny")
		}
	}
	if g.engine != nil {
		d := g.engine.Decide(ctx, in)
		if !d.Allow {
			return g.deny(in, object, "policy: "+d.Reason, "policy")
		}
	}
	g.allowed(in, object, "fs.mounts")
	return wasi.ESUCCESS
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

func under(p, dir string) bool {
	if dir == "/" {
		return true
	}
	return p == dir || strings.HasPrefix(p, dir) && len(p) > len(dir) && p[len(dir)] == '/'
}

// place joins a path given relative to fd into the guest namespace. ok is
// false when the guard does not know fd or the path is absolute or leaves
// fd lexically: the inner System then refuses the call itself (EBADF,
// ENOTCAPABLE), and the guard lets it say so.
func (g *System) place(fd wasi.FD, rel string) (string, bool) {
	base, ok := g.dirs[fd]
	if !ok || strings.HasPrefix(rel, "/") || rel == "" {
		return "", false
	}
	p := path.Join(base, rel)
	if !under(p, base) {
		return "", false
	}
	return p, true
}

func (g *System) pathInput(op, p string, follow bool) policy.Input {
	in := policy.Input{Op: op, Path: p, Follow: follow, Module: g.module, Mode: "ro"}
	if mt := g.mountOf(p); mt != nil {
		in.Mount = mt.Guest
		in.Mode = string(mt.Mode)
	}
	return in
}
