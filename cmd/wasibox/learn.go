package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wasibox/wasibox"
	"github.com/wasibox/wasibox/guard"
	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

const learnUsage = `usage: wasibox learn -o manifest.yaml [run flags] app.wasm [args...]

Runs the module as "wasibox run" does, under the grants its run flags give
(--dir, --env, --env-inherit, --connect, --listen, --lookup; -c is
refused), records every capability the run actually used, and writes the
smallest manifest that allows that run, with comments saying what each
grant was used for:

  module     the module's sha256, pinned
  args       fixed to the arguments given, if any were
  env        the variables given, if the guest read its environment
  fs.mounts  the mounts used; rw only where the guest opened a file for
             writing or created, removed, renamed, linked or changed the
             times of something under it (and the mount was rw)
  net        the exact addresses and ports connected to and listened on
             (by name where the address came from a lookup), and the
             names looked up
  clock      host for each clock the guest read, none for the others
  random     host if the guest asked for random bytes, none otherwise

Limits, stdio and policies are left out. Host paths are written relative
to the manifest's folder when they lie under it. "wasibox run -c
manifest.yaml app.wasm" then repeats the run; review the manifest first
("wasibox check manifest.yaml"). Calls the flags did not grant are listed
in a comment: grant them and learn again to include them.

Flags:
  -o, --output FILE   where to write the manifest (required)
  and every flag of "wasibox run" ("wasibox help run") except -c.

Exit status: that of the run, or 125 if the manifest could not be written.
Nothing is written when the run is cut short (timeout, signal).
`

func learnMain(ctx context.Context, e *cliEnv, args []string) int {
	var out string
	f, err := parseFlags("learn", args, func(fs *flag.FlagSet) {
		fs.Var(fileValue{&out}, "o", "")
		fs.Var(fileValue{&out}, "output", "")
	})
	if err == nil && out == "" {
		err = usagef("missing -o FILE: where to write the learned manifest")
	}
	if err == nil && f.Config != "" {
		err = usagef("learn drafts a manifest from the grants given on the command line; -c is refused")
	}
	if err != nil {
		return e.usageFailed(err, learnUsage)
	}
	return e.run(ctx, f, &learner{out: out, e: e})
}

// Bounds on what a learn run records: the guest drives these, and a
// manifest that lists more than this is no longer a review of anything.
const (
	maxLearnPaths   = 1 << 16 // distinct paths counted per mount and kind
	maxLearnNet     = 4096    // distinct connect/listen hosts and lookups
	maxLearnPins    = 4096    // addresses remembered from lookups
	maxLearnDenials = 20      // denials listed in the header
)

// learner is the observer of a learn run. It records what the guest used
// from two sources: the guard's decisions (network addresses, as the guard
// normalised them) and a recorder wrapped around the System the guest
// calls (everything the guard does not decide: which mount each
// descriptor belongs to, environment, clocks, randomness).
type learner struct {
	out  string
	e    *cliEnv
	file *os.File
	info *runInfo
	unix *unix.System
	// ephemeral is the kernel's range for port 0 binds, read before the
	// kernel backstop ("32768-60999").
	ephemeral string

	mu        sync.Mutex
	mounts    []mountUse         // parallel to info.manifest.Mounts
	fds       map[wasi.FD]fdSpot // descriptors that lie in a mount
	connect   netUses
	listen    netUses
	lookups   map[string]int        // name -> successful or failed lookups
	pins      map[netip.Addr]string // address -> the name a lookup gave it for
	bound0    map[string]bool       // listen hosts bound to port 0
	envCalls  int                   // environ_get, environ_sizes_get
	argCalls  int                   // args_get, args_sizes_get
	clockUse  [2]int                // realtime, monotonic (and CPU) reads
	randCalls int                   // random_get
	grants    map[string]bool       // guard.Record.Grant of allowed calls
	denied    []string              // the first denials, for the header
	denials   int                   // all of them
	overflow  bool                  // some bound above was reached
	sockFDs   map[wasi.FD]struct{}  // sockets (not in a mount)
}

// fdSpot places a descriptor: its mount and guest path.
type fdSpot struct {
	mount int
	path  string
}

// mountUse is what the guest did under one mount.
type mountUse struct {
	calls int  // path calls made under it, and fd_readdir on its folders
	write bool // a call that a read-only mount refuses was made
	// Distinct guest paths, per kind of use, for the comments.
	read, wrote, listed, made, removed, renamed, linked, times, looked pathSet
}

// pathSet counts distinct paths up to maxLearnPaths.
type pathSet struct {
	m    map[string]struct{}
	over bool
}

func (s *pathSet) add(p string) {
	if s.m == nil {
		s.m = map[string]struct{}{}
	}
	if len(s.m) >= maxLearnPaths {
		s.over = true
		return
	}
	s.m[p] = struct{}{}
}

func (s *pathSet) count() string {
	if s.over {
		return strconv.Itoa(len(s.m)) + "+"
	}
	return strconv.Itoa(len(s.m))
}

// netUses are connect or listen addresses, by protocol and host.
type netUses struct {
	byKey map[string]*netUse
	order []*netUse
}

type netUse struct {
	proto, host string // host: a name, an IPv4 address or [IPv6]
	ports       map[uint16]bool
	calls       map[string]int // op -> count
}

func (n *netUses) add(l *learner, proto, host string, port uint16, op string) *netUse {
	k := proto + "://" + host
	u := n.byKey[k]
	if u == nil {
		if len(n.order) >= maxLearnNet {
			l.overflow = true
			return nil
		}
		if n.byKey == nil {
			n.byKey = map[string]*netUse{}
		}
		u = &netUse{proto: proto, host: host, ports: map[uint16]bool{}, calls: map[string]int{}}
		n.byKey[k] = u
		n.order = append(n.order, u)
	}
	if len(u.ports) < 65536 {
		u.ports[port] = true
	}
	u.calls[op]++
	return u
}

// prepare opens the output (before the kernel backstop, which would
// refuse it later) without truncating it: an existing manifest is only
// replaced once the run has finished.
func (l *learner) prepare(info *runInfo) (func(), error) {
	l.info = info
	l.ephemeral = "32768-60999" // Linux's default
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if lo, hi, ok := strings.Cut(strings.TrimSpace(string(b)), "\t"); ok {
			l.ephemeral = strings.TrimSpace(lo) + "-" + strings.TrimSpace(hi)
		}
	}
	f, err := os.OpenFile(l.out, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("learn: %w", err)
	}
	l.file = f
	return func() {
		if l.file != nil {
			l.file.Close()
			l.file = nil
		}
	}, nil
}

// wrap places the recorder between the host module and the run's System
// and finds the descriptors of the mounts.
func (l *learner) wrap(ctx context.Context, sys *wasibox.System, info *runInfo) (wasi.System, error) {
	l.unix = sys.Unix()
	m := info.manifest
	l.mounts = make([]mountUse, len(m.Mounts))
	l.fds = map[wasi.FD]fdSpot{}
	l.sockFDs = map[wasi.FD]struct{}{}
	l.lookups = map[string]int{}
	l.pins = map[netip.Addr]string{}
	l.bound0 = map[string]bool{}
	// Preopens are numbered from 3 without gaps. Asking the kernel-level
	// System directly keeps these calls out of any trace and stats.
	for fd := wasi.FD(3); fd < 3+4096; fd++ {
		p, errno := l.unix.FDPrestatGet(ctx, fd)
		if errno == wasi.EBADF {
			break
		}
		if errno != wasi.ESUCCESS || p.Type != wasi.PreopenDir {
			continue
		}
		name, errno := l.unix.FDPrestatDirName(ctx, fd)
		if errno != wasi.ESUCCESS {
			continue
		}
		name = path.Clean("/" + name)
		for i, mt := range m.Mounts {
			if mt.Guest == name {
				l.fds[fd] = fdSpot{mount: i, path: name}
				break
			}
		}
	}
	return &recorder{System: sys, l: l}, nil
}

// decided receives the guard's decisions: the network grants used, and
// the denials.
func (l *learner) decided(r guard.Record) {
	l.mu.Lock()
	defer l.mu.Unlock()
	in := &r.Input
	if !r.Allow {
		l.denials++
		if len(l.denied) < maxLearnDenials {
			l.denied = append(l.denied, in.Op+" "+printableObject(r.Object))
		}
		return
	}
	if l.grants == nil {
		l.grants = map[string]bool{}
	}
	if len(l.grants) < maxLearnNet {
		l.grants[r.Grant] = true
	}
	switch in.Op {
	case "sock_connect", "sock_send_to":
		a, err := netip.ParseAddr(in.Addr)
		if err != nil {
			return
		}
		host := in.Name
		if host == "" {
			host = l.pins[a]
		}
		if host == "" {
			host = hostOf(a)
		}
		l.connect.add(l, in.Proto, host, uint16(in.Port), in.Op)
	case "sock_bind", "sock_listen":
		a, err := netip.ParseAddr(in.Addr)
		if err != nil {
			return
		}
		host := hostOf(a)
		l.listen.add(l, in.Proto, host, uint16(in.Port), in.Op)
		if in.Op == "sock_bind" && in.Port == 0 {
			l.bound0[in.Proto+"://"+host] = true
		}
	}
}

func hostOf(a netip.Addr) string {
	if a.Is6() {
		return "[" + a.String() + "]"
	}
	return a.String()
}

// printableObject keeps a denial's object on one comment line.
func printableObject(s string) string {
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return !strconv.IsPrint(r) }) {
		return strconv.Quote(s)
	}
	return s
}

// recorder is the System the host module calls in a learn run: it passes
// every call through and notes what it used.
type recorder struct {
	wasi.System
	l *learner
}

var _ wasi.System = (*recorder)(nil)

// ArgsGet implements wasi.System.
func (r *recorder) ArgsGet(ctx context.Context) ([]string, wasi.Errno) {
	r.l.count(&r.l.argCalls)
	return r.System.ArgsGet(ctx)
}

// EnvironGet implements wasi.System.
func (r *recorder) EnvironGet(ctx context.Context) ([]string, wasi.Errno) {
	r.l.count(&r.l.envCalls)
	return r.System.EnvironGet(ctx)
}

// ClockResGet implements wasi.System.
func (r *recorder) ClockResGet(ctx context.Context, id wasi.ClockID) (wasi.Timestamp, wasi.Errno) {
	r.l.clock(id)
	return r.System.ClockResGet(ctx, id)
}

// ClockTimeGet implements wasi.System.
func (r *recorder) ClockTimeGet(ctx context.Context, id wasi.ClockID, precision wasi.Timestamp) (wasi.Timestamp, wasi.Errno) {
	r.l.clock(id)
	return r.System.ClockTimeGet(ctx, id, precision)
}

// RandomGet implements wasi.System.
func (r *recorder) RandomGet(ctx context.Context, buf []byte) wasi.Errno {
	r.l.count(&r.l.randCalls)
	return r.System.RandomGet(ctx, buf)
}

// FDReadDir implements wasi.System.
func (r *recorder) FDReadDir(ctx context.Context, fd wasi.FD, buf []byte, cookie wasi.DirCookie) (wasi.Size, wasi.Errno) {
	r.l.onFD(fd, false, func(u *mountUse, p string) { u.listed.add(p) })
	return r.System.FDReadDir(ctx, fd, buf, cookie)
}

// FDAllocate implements wasi.System.
func (r *recorder) FDAllocate(ctx context.Context, fd wasi.FD, offset, length wasi.FileSize) wasi.Errno {
	r.l.onFD(fd, true, func(u *mountUse, p string) { u.wrote.add(p) })
	return r.System.FDAllocate(ctx, fd, offset, length)
}

// FDFileStatSetSize implements wasi.System.
func (r *recorder) FDFileStatSetSize(ctx context.Context, fd wasi.FD, size wasi.FileSize) wasi.Errno {
	r.l.onFD(fd, true, func(u *mountUse, p string) { u.wrote.add(p) })
	return r.System.FDFileStatSetSize(ctx, fd, size)
}

// FDFileStatSetTimes implements wasi.System.
func (r *recorder) FDFileStatSetTimes(ctx context.Context, fd wasi.FD, atim, mtim wasi.Timestamp, flags wasi.FSTFlags) wasi.Errno {
	r.l.onFD(fd, true, func(u *mountUse, p string) { u.times.add(p) })
	return r.System.FDFileStatSetTimes(ctx, fd, atim, mtim, flags)
}

// FDClose implements wasi.System.
func (r *recorder) FDClose(ctx context.Context, fd wasi.FD) wasi.Errno {
	errno := r.System.FDClose(ctx, fd)
	if errno == wasi.ESUCCESS {
		r.l.mu.Lock()
		delete(r.l.fds, fd)
		delete(r.l.sockFDs, fd)
		r.l.mu.Unlock()
	}
	return errno
}

// FDRenumber implements wasi.System.
func (r *recorder) FDRenumber(ctx context.Context, from, to wasi.FD) wasi.Errno {
	errno := r.System.FDRenumber(ctx, from, to)
	if errno == wasi.ESUCCESS && from != to {
		l := r.l
		l.mu.Lock()
		if s, ok := l.fds[from]; ok {
			l.fds[to] = s
		} else {
			delete(l.fds, to)
		}
		delete(l.fds, from)
		delete(l.sockFDs, to)
		l.mu.Unlock()
	}
	return errno
}

// PathOpen implements wasi.System. An open for writing (write or allocate
// rights, append, create or truncate: what a read-only mount refuses) is a
// write, whether or not it succeeded: the same attempt under a read-only
// mount would fail differently.
func (r *recorder) PathOpen(ctx context.Context, fd wasi.FD, dirFlags wasi.LookupFlags, p string, oflags wasi.OFlags, base, inherit wasi.Rights, fdflags wasi.FDFlags) (wasi.FD, wasi.Errno) {
	nfd, errno := r.System.PathOpen(ctx, fd, dirFlags, p, oflags, base, inherit, fdflags)
	// The same test as the guard's input.access.write: Go's wasip1
	// O_RDONLY asks for fd_filestat_set_size, so that right is no write.
	write := base.HasAny(wasi.FDWriteRight|wasi.FDAllocateRight) || fdflags.Has(wasi.Append) ||
		oflags.Has(wasi.OTruncate) || oflags.Has(wasi.OCreate)
	dir := oflags.Has(wasi.ODirectory)
	if errno == wasi.ESUCCESS && !dir {
		if st, e := r.l.unix.FDStatGet(ctx, nfd); e == wasi.ESUCCESS && st.FileType == wasi.DirectoryType {
			dir = true
		}
	}
	l := r.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if errno == wasi.ESUCCESS {
		delete(l.fds, nfd)
	}
	spot, ok := l.fds[fd]
	if !ok {
		return nfd, errno
	}
	u := &l.mounts[spot.mount]
	u.calls++
	gp := path.Join(spot.path, p)
	switch {
	case write:
		u.write = true
		u.wrote.add(gp)
	case dir:
		u.looked.add(gp)
	default:
		u.read.add(gp)
	}
	if errno == wasi.ESUCCESS {
		l.fds[nfd] = fdSpot{mount: spot.mount, path: gp}
	}
	return nfd, errno
}

// PathCreateDirectory implements wasi.System.
func (r *recorder) PathCreateDirectory(ctx context.Context, fd wasi.FD, p string) wasi.Errno {
	r.l.onPath(fd, p, true, func(u *mountUse, gp string) { u.made.add(gp) })
	return r.System.PathCreateDirectory(ctx, fd, p)
}

// PathFileStatGet implements wasi.System.
func (r *recorder) PathFileStatGet(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, p string) (wasi.FileStat, wasi.Errno) {
	r.l.onPath(fd, p, false, func(u *mountUse, gp string) { u.looked.add(gp) })
	return r.System.PathFileStatGet(ctx, fd, flags, p)
}

// PathFileStatSetTimes implements wasi.System.
func (r *recorder) PathFileStatSetTimes(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, p string, atim, mtim wasi.Timestamp, fst wasi.FSTFlags) wasi.Errno {
	r.l.onPath(fd, p, true, func(u *mountUse, gp string) { u.times.add(gp) })
	return r.System.PathFileStatSetTimes(ctx, fd, flags, p, atim, mtim, fst)
}

// PathLink implements wasi.System: the old path is read, the new one
// written.
func (r *recorder) PathLink(ctx context.Context, oldFD wasi.FD, oldFlags wasi.LookupFlags, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	r.l.onPath(oldFD, oldPath, false, func(u *mountUse, gp string) { u.looked.add(gp) })
	r.l.onPath(newFD, newPath, true, func(u *mountUse, gp string) { u.linked.add(gp) })
	return r.System.PathLink(ctx, oldFD, oldFlags, oldPath, newFD, newPath)
}

// PathReadLink implements wasi.System.
func (r *recorder) PathReadLink(ctx context.Context, fd wasi.FD, p string, buf []byte) (wasi.Size, wasi.Errno) {
	r.l.onPath(fd, p, false, func(u *mountUse, gp string) { u.looked.add(gp) })
	return r.System.PathReadLink(ctx, fd, p, buf)
}

// PathRemoveDirectory implements wasi.System.
func (r *recorder) PathRemoveDirectory(ctx context.Context, fd wasi.FD, p string) wasi.Errno {
	r.l.onPath(fd, p, true, func(u *mountUse, gp string) { u.removed.add(gp) })
	return r.System.PathRemoveDirectory(ctx, fd, p)
}

// PathRename implements wasi.System: both places are written.
func (r *recorder) PathRename(ctx context.Context, fd wasi.FD, oldPath string, newFD wasi.FD, newPath string) wasi.Errno {
	r.l.onPath(fd, oldPath, true, func(u *mountUse, gp string) { u.renamed.add(gp) })
	r.l.onPath(newFD, newPath, true, func(*mountUse, string) {})
	errno := r.System.PathRename(ctx, fd, oldPath, newFD, newPath)
	return errno
}

// PathSymlink implements wasi.System.
func (r *recorder) PathSymlink(ctx context.Context, target string, fd wasi.FD, p string) wasi.Errno {
	r.l.onPath(fd, p, true, func(u *mountUse, gp string) { u.linked.add(gp) })
	return r.System.PathSymlink(ctx, target, fd, p)
}

// PathUnlinkFile implements wasi.System.
func (r *recorder) PathUnlinkFile(ctx context.Context, fd wasi.FD, p string) wasi.Errno {
	r.l.onPath(fd, p, true, func(u *mountUse, gp string) { u.removed.add(gp) })
	return r.System.PathUnlinkFile(ctx, fd, p)
}

// SockOpen implements wasi.System.
func (r *recorder) SockOpen(ctx context.Context, family wasi.ProtocolFamily, typ wasi.SocketType, proto wasi.Protocol, base, inherit wasi.Rights) (wasi.FD, wasi.Errno) {
	fd, errno := r.System.SockOpen(ctx, family, typ, proto, base, inherit)
	if errno == wasi.ESUCCESS {
		r.l.socket(fd)
	}
	return fd, errno
}

// SockAccept implements wasi.System.
func (r *recorder) SockAccept(ctx context.Context, fd wasi.FD, flags wasi.FDFlags) (wasi.FD, wasi.SockAddr, wasi.Errno) {
	nfd, peer, errno := r.System.SockAccept(ctx, fd, flags)
	if errno == wasi.ESUCCESS {
		r.l.socket(nfd)
	}
	return nfd, peer, errno
}

// SockAddressInfo implements wasi.System. A name is learned when the
// run's net.lookup grants it (what the guard allows), whatever the lookup
// returned: without the grant the same lookup would be denied rather than
// fail as it did. The addresses returned are remembered, so that a
// connection to one is granted by name (as the guard pins it).
func (r *recorder) SockAddressInfo(ctx context.Context, node, service string, hints wasi.AddrInfo, results []wasi.AddrInfo) (int, wasi.Errno) {
	n, errno := r.System.SockAddressInfo(ctx, node, service, hints, results)
	if _, err := netip.ParseAddr(node); node == "" || err == nil {
		return n, errno // numeric or empty: no lookup, no grant needed
	}
	name := strings.ToLower(strings.TrimSuffix(node, "."))
	l := r.l
	l.mu.Lock()
	defer l.mu.Unlock()
	granted := false
	for _, pat := range l.info.manifest.Lookup {
		if policy.MatchName(pat, name) {
			granted = true
			break
		}
	}
	if !granted {
		return n, errno
	}
	if _, ok := l.lookups[name]; ok || len(l.lookups) < maxLearnNet {
		l.lookups[name]++
	} else {
		l.overflow = true
	}
	if errno == wasi.ESUCCESS {
		for i := 0; i < n && i < len(results); i++ {
			a := results[i].Addr
			if a.Family != wasi.InetFamily && a.Family != wasi.Inet6Family {
				continue
			}
			ip := a.Addr.Addr().Unmap().WithZone("")
			if _, ok := l.pins[ip]; ok || len(l.pins) < maxLearnPins {
				l.pins[ip] = name
			}
		}
	}
	return n, errno
}

func (l *learner) count(n *int) {
	l.mu.Lock()
	*n++
	l.mu.Unlock()
}

func (l *learner) clock(id wasi.ClockID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch id {
	case wasi.Realtime:
		l.clockUse[0]++
	case wasi.Monotonic, wasi.ProcessCPUTimeID, wasi.ThreadCPUTimeID:
		// The guard serves the CPU-time clocks under clock.monotonic.
		l.clockUse[1]++
	}
}

func (l *learner) socket(fd wasi.FD) {
	l.mu.Lock()
	delete(l.fds, fd)
	if len(l.sockFDs) < 1<<16 {
		l.sockFDs[fd] = struct{}{}
	}
	l.mu.Unlock()
}

// onFD notes a call on descriptor fd (write: one a read-only mount
// refuses).
func (l *learner) onFD(fd wasi.FD, write bool, note func(*mountUse, string)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	spot, ok := l.fds[fd]
	if !ok {
		return
	}
	u := &l.mounts[spot.mount]
	u.calls++
	u.write = u.write || write
	note(u, spot.path)
}

// onPath notes a path call relative to directory fd.
func (l *learner) onPath(fd wasi.FD, p string, write bool, note func(*mountUse, string)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	spot, ok := l.fds[fd]
	if !ok {
		return
	}
	u := &l.mounts[spot.mount]
	u.calls++
	u.write = u.write || write
	note(u, path.Join(spot.path, p))
}

// finish writes the manifest once the guest has run.
func (l *learner) finish(status int, cut bool) int {
	stderr := l.e.stderr
	if cut {
		fmt.Fprintf(stderr, "wasibox: learn: the run was cut short; %s not written\n", l.out)
		return status
	}
	l.mu.Lock()
	data, err := l.manifest()
	l.mu.Unlock()
	if err == nil {
		// Whatever is written must be a manifest the parser takes.
		if _, perr := policy.Parse(data, l.out); perr != nil {
			err = fmt.Errorf("the drafted manifest does not parse (a bug in wasibox): %w", perr)
		}
	}
	if err == nil {
		err = l.write(data)
	}
	if err != nil {
		fmt.Fprintf(stderr, "wasibox: learn: %s: %v\n", l.out, err)
		return exitFailed
	}
	fmt.Fprintf(stderr, "wasibox: learn: wrote %s; review it, then: wasibox run -c %s %s\n", l.out, l.out, l.info.module)
	if l.denials > 0 {
		fmt.Fprintf(stderr, "wasibox: learn: %d call(s) were denied and are not granted (listed in %s)\n", l.denials, l.out)
	}
	if l.overflow {
		fmt.Fprintf(stderr, "wasibox: learn: the run used more than wasibox records; %s is incomplete\n", l.out)
	}
	return status
}

func (l *learner) write(data []byte) error {
	if l.file == nil {
		return errors.New("not opened")
	}
	if err := l.file.Truncate(0); err != nil {
		return err
	}
	if _, err := l.file.WriteAt(data, 0); err != nil {
		return err
	}
	err := l.file.Close()
	l.file = nil
	return err
}

// manifest drafts the manifest (l.mu held).
func (l *learner) manifest() ([]byte, error) {
	m := l.info.manifest
	f := l.info.flags
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("# Drafted by `wasibox learn` from one run of %s on %s.\n", printableObject(filepath.Base(l.info.module)), time.Now().UTC().Format(time.DateOnly))
	w("# It grants what that run used and nothing more. Review it before use.\n")
	var unused []string
	for i, mt := range m.Mounts {
		if l.mounts[i].calls == 0 {
			unused = append(unused, "fs.mounts "+mt.Guest)
		}
	}
	// The guard names the rule that allowed each connect and listen.
	for _, r := range m.Connect {
		if !l.grants["net.connect "+strconv.Quote(r.Raw)] {
			unused = append(unused, "net.connect "+r.Raw)
		}
	}
	for _, r := range m.Listen {
		if !l.grants["net.listen "+strconv.Quote(r.Raw)] {
			unused = append(unused, "net.listen "+r.Raw)
		}
	}
	for _, pat := range m.Lookup {
		used := false
		for name := range l.lookups {
			used = used || policy.MatchName(pat, name)
		}
		if !used {
			unused = append(unused, "net.lookup "+pat)
		}
	}
	if len(unused) > 0 {
		w("# Granted on the command line but not used, so left out:\n")
		for _, s := range unused {
			w("#   %s\n", printableObject(s))
		}
	}
	if l.denials > 0 {
		w("# Denied during the run, so not granted here (%d in all):\n", l.denials)
		for _, s := range l.denied {
			w("#   %s\n", s)
		}
	}
	w("version: 1\n")
	w("module:\n  sha256: %s\n", yamlString(l.info.sha256))

	if len(f.Args) > 0 {
		for _, a := range f.Args {
			if !utf8.ValidString(a) {
				return nil, fmt.Errorf("argument %q is not UTF-8 and cannot be written in a manifest", a)
			}
		}
		w("# Fixed: command-line arguments are refused. args_get called %s.\n", times(l.argCalls))
		w("args: %s\n", yamlList(f.Args))
	}

	if err := l.writeEnv(w); err != nil {
		return nil, err
	}
	l.writeMounts(w)
	l.writeNet(w)

	mode := func(n int) string {
		if n > 0 {
			return "host"
		}
		return "none"
	}
	w("# realtime clock read %s; monotonic (and CPU-time) clocks read %s\n", times(l.clockUse[0]), times(l.clockUse[1]))
	w("clock: {realtime: %s, monotonic: %s}\n", mode(l.clockUse[0]), mode(l.clockUse[1]))
	w("# random_get called %s\n", times(l.randCalls))
	w("random: %s\n", mode(l.randCalls))
	return []byte(b.String()), nil
}

func (l *learner) writeEnv(w func(string, ...any)) error {
	if l.envCalls == 0 {
		return nil
	}
	f := l.info.flags
	setNames := map[string]bool{}
	for _, kv := range f.EnvSet {
		k, _, _ := strings.Cut(kv, "=")
		setNames[k] = true
	}
	var set, inherit []string
	for _, kv := range f.environ(l.e.environ) {
		k, v, _ := strings.Cut(kv, "=")
		if !envNameOK(k) {
			return fmt.Errorf("environment variable %q cannot be written in a manifest (names are [A-Za-z_][A-Za-z0-9_]*)", k)
		}
		if setNames[k] {
			if !utf8.ValidString(v) {
				return fmt.Errorf("the value of %s is not UTF-8 and cannot be written in a manifest", k)
			}
			set = append(set, "    "+yamlString(k)+": "+yamlString(v)+"\n")
		} else {
			inherit = append(inherit, k)
		}
	}
	if len(set)+len(inherit) == 0 {
		return nil // the guest read an empty environment: nothing to grant
	}
	w("# The guest read its environment (environ_get called %s): every variable given.\n", times(l.envCalls))
	w("env:\n")
	if len(set) > 0 {
		slices.Sort(set)
		w("  set:\n")
		for _, s := range set {
			w("%s", s)
		}
	}
	if len(inherit) > 0 {
		slices.Sort(inherit)
		w("  # copied from the host when set, as in this run\n")
		w("  inherit: %s\n", yamlList(inherit))
	}
	return nil
}

func envNameOK(k string) bool {
	if k == "" || k[0] >= '0' && k[0] <= '9' {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (l *learner) writeMounts(w func(string, ...any)) {
	m := l.info.manifest
	started := false
	for i, mt := range m.Mounts {
		u := &l.mounts[i]
		if u.calls == 0 {
			continue
		}
		if !started {
			w("fs:\n  mounts:\n")
			started = true
		}
		mode := policy.ReadOnly
		if u.write && mt.Mode == policy.ReadWrite {
			mode = policy.ReadWrite
		}
		w("    # %s\n", u.describe(mode == policy.ReadWrite, mt.Mode == policy.ReadWrite))
		w("    - {host: %s, guest: %s, mode: %s}\n", yamlString(l.hostPath(mt.Host)), yamlString(mt.Guest), mode)
	}
}

// describe says what the guest did under a mount, e.g. "read 3 files,
// wrote 1".
func (u *mountUse) describe(rw, grantedRW bool) string {
	var parts []string
	add := func(s *pathSet, what string) {
		if len(s.m) > 0 {
			parts = append(parts, fmt.Sprintf(what, s.count()))
		}
	}
	add(&u.read, "read %s file(s)")
	add(&u.wrote, "wrote %s file(s)")
	add(&u.made, "created %s folder(s)")
	add(&u.removed, "removed %s")
	add(&u.renamed, "renamed %s")
	add(&u.linked, "linked %s")
	add(&u.times, "set the times of %s")
	add(&u.listed, "listed %s folder(s)")
	add(&u.looked, "looked at %s path(s)")
	s := strings.Join(parts, ", ")
	if s == "" {
		s = "used"
	}
	if u.write && !grantedRW {
		s += "; writes were attempted but the mount was read-only"
	}
	return s
}

// hostPath writes a mount's host folder relative to the manifest's folder
// when it lies under it (the manifest then moves with its data), else
// absolute.
func (l *learner) hostPath(h string) string {
	if !filepath.IsAbs(h) {
		h = filepath.Join(l.info.cwd, h)
	}
	h = filepath.Clean(h)
	out := l.out
	if !filepath.IsAbs(out) {
		out = filepath.Join(l.info.cwd, out)
	}
	rel, err := filepath.Rel(filepath.Dir(out), h)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return h
	}
	if rel == "." {
		return "."
	}
	return "./" + rel
}

func (l *learner) writeNet(w func(string, ...any)) {
	preopen := l.info.manifest.Preopen
	if len(l.connect.order)+len(l.listen.order)+len(l.lookups)+len(preopen) == 0 {
		return
	}
	w("net:\n")
	if len(preopen) > 0 {
		// Given by the operator (--tcplisten), not asked for by the guest:
		// the guest expects these descriptors, so they are kept as given.
		w("  preopen:\n")
		for _, r := range preopen {
			w("    # --tcplisten: passed to the guest as a descriptor\n")
			w("    - %s\n", yamlString(r.Raw))
		}
	}
	section := func(name string, uses *netUses) {
		if len(uses.order) == 0 {
			return
		}
		w("  %s:\n", name)
		for _, u := range uses.order {
			var ops []string
			for _, op := range []string{"sock_connect", "sock_send_to", "sock_bind", "sock_listen"} {
				if n := u.calls[op]; n > 0 {
					ops = append(ops, op+" "+times(n))
				}
			}
			w("    # %s\n", strings.Join(ops, ", "))
			w("    - %s\n", yamlString(u.proto+"://"+u.host+":"+l.ports(u, name == "listen")))
		}
	}
	section("connect", &l.connect)
	section("listen", &l.listen)
	if len(l.lookups) > 0 {
		names := make([]string, 0, len(l.lookups))
		for n := range l.lookups {
			names = append(names, n)
		}
		slices.Sort(names)
		w("  lookup:\n")
		for _, n := range names {
			w("    # looked up %s\n", times(l.lookups[n]))
			w("    - %s\n", yamlString(n))
		}
	}
}

// ports lists the ports used, sorted. A listener bound to port 0 gets a
// port from the kernel's ephemeral range, different on every run, so that
// range is granted for it.
func (l *learner) ports(u *netUse, listen bool) string {
	ports := make([]int, 0, len(u.ports))
	for p := range u.ports {
		ports = append(ports, int(p))
	}
	slices.Sort(ports)
	var lo, hi int
	ephemeral := listen && l.bound0[u.proto+"://"+u.host]
	if ephemeral {
		a, c, _ := strings.Cut(l.ephemeral, "-")
		lo, _ = strconv.Atoi(a)
		hi, _ = strconv.Atoi(c)
	}
	var s []string
	for _, p := range ports {
		if ephemeral && p >= lo && p <= hi {
			continue
		}
		s = append(s, strconv.Itoa(p))
	}
	if ephemeral {
		s = append(s, l.ephemeral)
	}
	return strings.Join(s, ",")
}

func times(n int) string {
	if n == 1 {
		return "once"
	}
	if n == 0 {
		return "never"
	}
	if n == 2 {
		return "twice"
	}
	return strconv.Itoa(n) + " times"
}

// yamlString quotes s as a YAML double-quoted scalar. JSON's string syntax
// is a subset of it, and quoting everything leaves no room for YAML's
// plain-scalar surprises (yes, no, 1e3, ~, a leading *).
func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func yamlList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = yamlString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
