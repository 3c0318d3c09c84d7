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
// Path decisions are taken on the name the guest gave and, when some rule
// depends on the path, on the path the kernel really acts on after every
// symbolic link: a link inside a mount cannot reach a file that fs.deny
// or a Rego rule denies. Everything with a side effect (create, truncate,
// unlink, rename, ...) is decided before it happens.
//
// Fail closed: a policy error, an undefined result, a timeout, or a path
// the guard cannot place in the guest namespace denies the call.
//
// A System is used by one guest instance, one call at a time, like the
// unix System it wraps.
//
// Usage:
//
//	m, _ := policy.Load("manifest.yaml")
//	eng, _ := policy.NewEngine(ctx, m)               // nil without policy modules
//	inner, _ := unix.New(cfg)                        // mounts from m.Mounts
//	sys, err := guard.New(ctx, inner, guard.Config{Manifest: m, Engine: eng, Log: os.Stderr})
package guard

import (
	"context"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

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
	// Audit, if set, is called for every sensitive decision, allowed or
	// denied.
	Audit func(Record)
}

// Record describes one sensitive decision, for the audit log.
type Record struct {
	Input  policy.Input
	Object string // what the call named, e.g. "/data/x.txt", "/data/l -> /data/private/k" or "tcp://10.0.0.1:443"
	Allow  bool
	Reason string // why it was denied; empty when allowed
	// Grant is, when allowed, the manifest grant that allowed the call
	// (e.g. `net.connect "tcp://10.0.0.0/8:443"`); when denied, what would
	// allow it: the grant to add, or the fs.deny pattern or policy that
	// refused it.
	Grant string
}

// PathResolver is what the guard needs from the System it wraps to decide
// on the path a call really acts on rather than on the name the guest
// gave. Package unix implements it. It is declared here, by its only user,
// rather than next to wasi.GuestPather; see RATIONALE.md ("Guard").
type PathResolver interface {
	// PathGuestPath returns the clean absolute guest path that path,
	// relative to directory fd, names once every symbolic link in its
	// directory part and, with SymlinkFollow in flags, a final one has
	// been followed, confined as the path calls are, for the calls that
	// may look through the final component (open, stat, set-times,
	// readlink, link's old name). The final component need not exist. It
	// has no side effect.
	PathGuestPath(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, path string) (string, wasi.Errno)
	// PathParentGuestPath is PathGuestPath for the calls that create or
	// remove the final component (mkdir, unlink, rmdir, rename, symlink,
	// link's new name): the directory part is resolved, the final name
	// kept as given, never followed.
	PathParentGuestPath(ctx context.Context, fd wasi.FD, path string) (string, wasi.Errno)
	// SetNoSymlinks turns on or off a mode in which every path call
	// fails with ELOOP, before acting, when resolving its path meets a
	// symbolic link (ENOSYS where it cannot tell): a call that succeeds
	// acted on the file its lexical path names. ok is false where the
	// System has no such mode.
	SetNoSymlinks(on bool) (ok bool)
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

	res    PathResolver     // nil if the inner System cannot resolve paths
	pather wasi.GuestPather // nil if the inner System cannot place descriptors

	// pathRules is set when some path decision depends on the path
	// (fs.deny globs, or a path operation whose policy is not constant):
	// then every path call is decided on the name and on the resolved
	// path, and directory descriptors carry their resolved guest paths.
	// Without it each path operation is allowed or denied whatever the
	// path (a constant policy), and nothing is resolved.
	pathRules bool
	// noFast makes path calls always resolve the slow way (tests and
	// benchmarks of the fallback).
	noFast bool

	logMu sync.Mutex // Log may be shared with other writers

	// dirs maps directory descriptors to their guest paths, so that a
	// path relative to one can be placed in the guest namespace: the
	// mounts, and directories placed on first use (dirOf). Invariant: a
	// path is where the kernel has the directory, links resolved; close,
	// renumber and rename keep it so.
	dirs map[wasi.FD]dirEntry
	net  netState
	env  envState

	scratch [2]policy.Input // see input
	bufs    [2]pathBuf      // the lexical paths being decided (pathbuf_unsafe.go)

	globs       []denyGlob // fs.deny, compiled (glob.go)
	renamingDir bool       // the path_rename being decided moves a folder
	parts       []string   // scratch: the elements of the path being matched
}

type dirEntry struct {
	path    string
	preopen bool // a mount root: it cannot be renamed by the guest
}

var _ wasi.System = (*System)(nil)

// New wraps inner. It reads the preopens of inner to learn the guest path
// of each mount descriptor. When fs.deny or a path rule needs resolved
// paths, inner must implement PathResolver and wasi.GuestPather (package
// unix does); otherwise New fails rather than decide on names alone.
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
		dirs:   map[wasi.FD]dirEntry{},
	}
	if g.errno == wasi.ESUCCESS {
		g.errno = wasi.EACCES
	}
	g.res, _ = inner.(PathResolver)
	g.pather, _ = inner.(wasi.GuestPather)
	for i := range g.m.Deny {
		g.globs = append(g.globs, compileDenyGlob(&g.m.Deny[i]))
	}
	g.pathRules = len(g.m.Deny) > 0
	if g.engine != nil {
		for _, op := range policy.Ops {
			if policy.IsPathOp(op) {
				if _, ok := g.engine.Constant(op); !ok {
					g.pathRules = true
				}
			}
		}
	}
	if g.pathRules && (g.res == nil || g.pather == nil) {
		return nil, fmt.Errorf("guard: fs.deny and path rules need an inner System that resolves paths (guard.PathResolver and wasi.GuestPather, as package unix); %T does not", inner)
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
		g.dirs[fd] = dirEntry{path: cleanGuest(name), preopen: true}
	}
	g.net.init(g.m)
	g.env.init(g.m)
	return g, nil
}

func cleanGuest(p string) string {
	return path.Clean("/" + p)
}

// deny reports a denial: one line on the log, an audit record, and the
// manifest's errno for the guest. grant is what would allow the call.
func (g *System) deny(ctx context.Context, in *policy.Input, object, reason, grant string) wasi.Errno {
	// The trace (if any) shows the decision on the call's line.
	wasi.RecordDecision(ctx, wasi.TraceDecision{Grant: grant, Reason: reason})
	if g.log != nil {
		var b strings.Builder
		b.WriteString("wasibox: denied ")
		b.WriteString(in.Op)
		b.WriteByte(' ')
		b.WriteString(printable(object))
		b.WriteString(" (")
		b.WriteString(printable(reason))
		if grant != "" {
			b.WriteString("; ")
			b.WriteString(printable(grant))
		}
		b.WriteString(")\n")
		g.logMu.Lock()
		io.WriteString(g.log, b.String())
		g.logMu.Unlock()
	}
	if g.audit != nil {
		g.audit(record(in, object, false, reason, grant))
	}
	return g.errno
}

// allowed records an allowed decision in the audit log.
func (g *System) allowed(ctx context.Context, in *policy.Input, object, grant string) {
	wasi.RecordDecision(ctx, wasi.TraceDecision{Allow: true, Grant: grant})
	if g.audit != nil {
		g.audit(record(in, object, true, "", grant))
	}
}

// record makes an audit record that owns its strings: the paths of a
// decision live in buffers the next call reuses (pathBuf).
func record(in *policy.Input, object string, allow bool, reason, grant string) Record {
	r := Record{Input: *in, Object: strings.Clone(object), Allow: allow, Reason: reason, Grant: grant}
	r.Input.Path = strings.Clone(in.Path)
	r.Input.NewPath = strings.Clone(in.NewPath)
	return r
}

// printable keeps a denial on one line whatever the guest named: a string
// with a character that is not printable (newlines, terminal escapes) or
// with invalid UTF-8 is quoted.
func printable(s string) string {
	if !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	for _, r := range s {
		if !strconv.IsPrint(r) { // control characters, U+2028, U+0085, ...
			return strconv.Quote(s)
		}
	}
	return s
}
