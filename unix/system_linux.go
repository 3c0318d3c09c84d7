//go:build linux

// Package unix implements wasi.System over the Linux kernel with
// golang.org/x/sys/unix.
//
// Trust boundary: every argument is guest-controlled (already decoded and
// bounds-checked by hostabi). Confinement of paths is done by the kernel:
// every path call resolves beneath its directory descriptor with
// openat2(RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS), or with an
// openat(O_NOFOLLOW) walk where openat2 is missing (see RATIONALE.md,
// decision 1). Nothing in this package interprets ".." or symlinks as
// strings to decide whether a path is allowed.
//
// Usage:
//
//	sys, err := unix.New(unix.Config{
//		Args:     []string{"app"},
//		Preopens: []unix.Preopen{{HostPath: "/srv/data", GuestPath: "/data", ReadOnly: true}},
//		Stdin: 0, Stdout: 1, Stderr: 2,
//	})
//	defer sys.Close(ctx)
//
// A System is used by one guest instance at a time: its methods are not safe
// for concurrent use, except Wake and Close, which may be called from any
// goroutine to interrupt a blocked call.
package unix

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// DefaultMaxOpenFiles is the default cap on guest descriptors (stdio and
// preopens included).
const DefaultMaxOpenFiles = 1024

// MaxFD is the hard upper bound on a guest descriptor number: any fd at or
// above it is EBADF without a table lookup.
const MaxFD = 1 << 16

// Preopen maps a host directory to a guest path.
type Preopen struct {
	HostPath  string // host directory; opened at New
	GuestPath string // path the guest sees, e.g. "/" or "/data"
	ReadOnly  bool   // removes every mutating right (design decision 3)
}

// Resolver selects how paths are resolved beneath a directory.
type Resolver int

const (
	// ResolveAuto uses openat2 where the kernel has it, the walk otherwise.
	ResolveAuto Resolver = iota
	// ResolveOpenat2 forces openat2(RESOLVE_BENEATH); New fails if missing.
	ResolveOpenat2
	// ResolveWalk forces the component-by-component openat(O_NOFOLLOW) walk.
	ResolveWalk
)

func (r Resolver) String() string {
	switch r {
	case ResolveOpenat2:
		return "openat2"
	case ResolveWalk:
		return "walk"
	}
	return "auto"
}

// Config configures a System.
type Config struct {
	Args     []string // argv, argv[0] first
	Environ  []string // "KEY=value"
	Preopens []Preopen

	// Host descriptors for guest fds 0, 1, 2; they are duplicated, so the
	// caller keeps ownership. -1 means the guest has no such descriptor
	// (EBADF).
	Stdin, Stdout, Stderr int

	// MaxOpenFiles caps the guest's descriptor table (EMFILE past it);
	// 0 means DefaultMaxOpenFiles.
	MaxOpenFiles int

	// Listeners are host descriptors of listening TCP sockets (see
	// ListenTCP) that the guest receives as preopened sockets, after the
	// preopens and in this order, to serve with sock_accept. They are
	// duplicated, so the caller keeps ownership; their open file
	// descriptions become non-blocking. fd_prestat_get answers EBADF for
	// them, which ends wasi-libc's and Go's scans for preopens, so the
	// preopened folders must come first (wazero's order too).
	Listeners []int

	// Resolver picks the path resolution strategy (tests run both).
	Resolver Resolver

	// Rand is the source of random_get; nil means the kernel's getrandom.
	Rand io.Reader

	// Clock answers every clock id (realtime, monotonic, CPU time); nil
	// means the host's clocks.
	Clock Clock

	// AllowSockets lets the guest create sockets (sock_open) and resolve
	// host names (sock_getaddrinfo). False, the default, makes both EACCES:
	// fail closed until a network grant exists. Sockets passed in as stdio
	// work either way.
	AllowSockets bool

	// StdoutLimit and StderrLimit cap the bytes the guest writes to its
	// stdout and stderr (EFBIG past the cap); WriteQuota caps the bytes it
	// writes into files beneath the preopens (EDQUOT). 0 means no limit.
	// See limits_linux.go.
	StdoutLimit, StderrLimit, WriteQuota int64
}

// Clock supplies the guest's clocks.
type Clock interface {
	// Now returns the time of clock id in nanoseconds.
	Now(id wasi.ClockID) (wasi.Timestamp, wasi.Errno)
	// Resolution returns the resolution of clock id in nanoseconds.
	Resolution(id wasi.ClockID) (wasi.Timestamp, wasi.Errno)
}

// System implements wasi.System over the Linux kernel.
type System struct {
	args    []string
	environ []string

	files  []*file // indexed by guest fd; nil = free
	nfiles int     // open entries in files
	// stdioOpened has bit i set when New was given stdio descriptor i:
	// that slot, once free, may be renumbered onto (FDRenumber).
	stdioOpened uint8
	maxOpen     int

	useOpenat2   bool
	rand         io.Reader
	clock        Clock
	allowSockets bool // Config.AllowSockets (sock_linux.go)

	// wake is an eventfd that every blocking wait also polls, so that Wake
	// (cancellation, timeout, signals) interrupts it (design decision 8).
	wake    int
	closed  atomic.Bool
	closeMu sync.Mutex

	// Scratch space reused by hot paths to stay allocation-free.
	iovecs  []unix.Iovec // readv/writev vectors, reused (fd_linux.go)
	pollFDs []unix.PollFd

	rt rtState // clock, poll_oneoff, proc and random state (proc_linux.go)

	path pathScratch // path call scratch: NUL-terminated names, stat buffers (resolve_linux.go)

	// spareDir is the fd_readdir cache of the last directory closed, handed
	// to the next directory read so that a guest listing directory after
	// directory reuses one getdents64 buffer (dir_linux.go).
	spareDir *dirState

	lim limitState // byte limits on stdout, stderr and preopens (limits_linux.go)
}

var _ wasi.System = (*System)(nil)

// file is one guest descriptor. Invariants: rightsBase and
// rightsInheriting only ever shrink; a read-only mount's descriptors never
// hold wasi.MutatingRights in either set.
type file struct {
	fd           int // host descriptor, owned
	typ          wasi.FileType
	flags        wasi.FDFlags // guest-visible flags (NonBlock is emulated for files and sockets)
	base         wasi.Rights
	inherit      wasi.Rights
	preopen      string // guest path if this is a preopen, "" otherwise
	hostPath     string // host path of a preopen (for FDGuestPath), "" otherwise
	readOnly     bool   // descends from a read-only mount
	hostBlocking bool   // host fd is blocking and shared (stdio): never a plain read (fd_linux.go, ioMode)
	noNowait     bool   // RWF_NOWAIT was refused on this fd (terminals, tmpfs, FUSE): see fd_linux.go
	// typPending: path_open did not fstat the new descriptor, so typ is not
	// known yet and base/inherit are not yet masked for it; lookup settles
	// both before anything reads them (see settleType).
	typPending bool
	dir        *dirState
	sock       *sockState
}

// New opens the preopens and stdio and returns a System.
func New(cfg Config) (*System, error) {
	s := &System{
		args:    cfg.Args,
		environ: cfg.Environ,
		maxOpen: cfg.MaxOpenFiles,
		rand:    cfg.Rand,
		clock:   cfg.Clock,

		allowSockets: cfg.AllowSockets,
	}
	if s.maxOpen <= 0 {
		s.maxOpen = DefaultMaxOpenFiles
	}
	if s.maxOpen > MaxFD {
		s.maxOpen = MaxFD
	}
	switch cfg.Resolver {
	case ResolveAuto:
		s.useOpenat2 = haveOpenat2()
	case ResolveOpenat2:
		if !haveOpenat2() {
			return nil, errors.New("unix: openat2 is not available on this kernel")
		}
		s.useOpenat2 = true
	case ResolveWalk:
		s.useOpenat2 = false
	}
	w, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("unix: eventfd: %w", err)
	}
	s.wake = w
	ok := false
	defer func() {
		if !ok {
			s.Close(context.Background())
		}
	}()
	for i, hfd := range []int{cfg.Stdin, cfg.Stdout, cfg.Stderr} {
		if hfd < 0 {
			s.files = append(s.files, nil)
			continue
		}
		f, err := s.stdio(hfd)
		if err != nil {
			return nil, fmt.Errorf("unix: stdio fd %d: %w", i, err)
		}
		s.files = append(s.files, f)
		s.nfiles++
		s.stdioOpened |= 1 << i
	}
	if err := s.initLimits(cfg); err != nil {
		return nil, err
	}
	for _, p := range cfg.Preopens {
		if err := s.addPreopen(p); err != nil {
			return nil, err
		}
	}
	for _, l := range cfg.Listeners {
		if err := s.addListener(l); err != nil {
			return nil, err
		}
	}
	ok = true
	return s, nil
}

// Resolver reports which resolver the System uses ("openat2" or "walk").
func (s *System) Resolver() Resolver {
	if s.useOpenat2 {
		return ResolveOpenat2
	}
	return ResolveWalk
}

func (s *System) stdio(hfd int) (*file, error) {
	nfd, err := unix.FcntlInt(uintptr(hfd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(nfd, &st); err != nil {
		unix.Close(nfd)
		return nil, err
	}
	typ := fileTypeOf(st.Mode)
	var base wasi.Rights
	switch typ {
	case wasi.RegularFileType:
		base = wasi.FileRights
	case wasi.SocketStreamType, wasi.SocketDGramType:
		base = wasi.SocketRights
	default:
		base = wasi.TTYRights
		// wasi-libc's and Zig's isatty is "a character device without
		// fd_seek/fd_tell": a character device that is no terminal
		// (/dev/null as stdin, /dev/zero) gets both, as lseek(2) works
		// on it, so that the guest does not take it for an interactive
		// user.
		if typ == wasi.CharacterDeviceType {
			if _, err := unix.IoctlGetTermios(nfd, unix.TCGETS); err != nil {
				base |= wasi.FDSeekRight | wasi.FDTellRight
			}
		}
	}
	f := &file{fd: nfd, typ: typ, base: base, hostBlocking: true}
	if fl, err := unix.FcntlInt(uintptr(nfd), unix.F_GETFL, 0); err == nil && fl&unix.O_APPEND != 0 {
		f.flags |= wasi.Append
	}
	return f, nil
}

func (s *System) addPreopen(p Preopen) error {
	hfd, err := unix.Open(p.HostPath, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "preopen", Path: p.HostPath, Err: err}
	}
	rights := wasi.DirectoryRights
	inherit := wasi.DirectoryRights | wasi.FileRights
	if p.ReadOnly {
		rights &^= wasi.MutatingRights
		inherit &^= wasi.MutatingRights
	}
	guest := p.GuestPath
	if guest == "" {
		guest = p.HostPath
	}
	hostPath, err := filepath.Abs(p.HostPath)
	if err != nil {
		unix.Close(hfd)
		return err
	}
	if real, err := filepath.EvalSymlinks(hostPath); err == nil {
		hostPath = real // /proc/self/fd reports resolved paths
	}
	f := &file{fd: hfd, typ: wasi.DirectoryType, base: rights, inherit: inherit, preopen: guest, hostPath: hostPath, readOnly: p.ReadOnly}
	if _, errno := s.install(f); errno != wasi.ESUCCESS {
		unix.Close(hfd)
		return fmt.Errorf("unix: preopen %s: %w", p.HostPath, errno)
	}
	return nil
}

// install puts f in the lowest free slot and returns its guest fd.
func (s *System) install(f *file) (wasi.FD, wasi.Errno) {
	if s.nfiles >= s.maxOpen {
		return -1, wasi.EMFILE
	}
	// Stdio slots (0-2) are never reused for new files: a guest that closed
	// stdout must not have its next open become "stdout" by accident.
	for i := 3; i < len(s.files); i++ {
		if s.files[i] == nil {
			s.files[i] = f
			s.nfiles++
			return wasi.FD(i), wasi.ESUCCESS
		}
	}
	if len(s.files) < 3 {
		for len(s.files) < 3 {
			s.files = append(s.files, nil)
		}
	}
	s.files = append(s.files, f)
	s.nfiles++
	return wasi.FD(len(s.files) - 1), wasi.ESUCCESS
}

// lookup returns the open file for fd (EBADF if none) holding all of need
// (ENOTCAPABLE otherwise). Its type and rights are settled: a descriptor
// whose type path_open left pending is fstat'ed here first.
func (s *System) lookup(fd wasi.FD, need wasi.Rights) (*file, wasi.Errno) {
	if uint32(fd) >= uint32(len(s.files)) {
		return nil, wasi.EBADF
	}
	f := s.files[fd]
	if f == nil {
		return nil, wasi.EBADF
	}
	if f.typPending {
		if errno := f.settleType(); errno != wasi.ESUCCESS {
			return nil, errno
		}
	}
	if !f.base.Has(need) {
		return nil, wasi.ENOTCAPABLE
	}
	return f, wasi.ESUCCESS
}

// lookupUnsettled is lookup without settling a pending type, for the calls
// that need neither the type nor a type-specific right (fd_close,
// fd_renumber, and fd_filestat_get, which settles from its own fstat).
// need must lie within commonRights, so that the check gives the same
// answer before and after settling.
func (s *System) lookupUnsettled(fd wasi.FD, need wasi.Rights) (*file, wasi.Errno) {
	if uint32(fd) >= uint32(len(s.files)) {
		return nil, wasi.EBADF
	}
	f := s.files[fd]
	if f == nil {
		return nil, wasi.EBADF
	}
	if !f.base.Has(need) {
		return nil, wasi.ENOTCAPABLE
	}
	return f, wasi.ESUCCESS
}

// commonRights are the rights that wasi.DirectoryRights and wasi.FileRights
// share: holding one of them does not depend on a pending type.
const commonRights = wasi.DirectoryRights & wasi.FileRights

// settleType learns a pending type with fstat and masks the rights for it
// (setType).
func (f *file) settleType() wasi.Errno {
	var st unix.Stat_t
	if err := unix.Fstat(f.fd, &st); err != nil {
		return wasi.ErrnoOf(err)
	}
	f.setType(fileTypeOf(st.Mode))
	return wasi.ESUCCESS
}

// setType records the type of a descriptor opened by path_open and masks
// its rights with the rights meaningful for it: wasi.DirectoryRights for a
// directory (children may be directories or files), wasi.FileRights for
// anything else, which cannot open children. Rights only shrink.
func (f *file) setType(typ wasi.FileType) {
	f.typ = typ
	f.typPending = false
	if typ == wasi.DirectoryType {
		f.base &= wasi.DirectoryRights
		f.inherit &= wasi.DirectoryRights | wasi.FileRights
	} else {
		f.base &= wasi.FileRights
		f.inherit = 0 // nothing is opened through a file
	}
}

// Wake interrupts any blocking call in progress (and every later one) so
// that it returns promptly, with EINTR or ECANCELED. It is safe to call from
// any goroutine.
func (s *System) Wake() {
	// closeMu orders Wake against Close: once Close has closed the
	// eventfd, its number may belong to another file, so a late Wake must
	// not write to it.
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if !s.closed.Load() {
		s.wakeLocked()
	}
}

func (s *System) wakeLocked() {
	var one = [8]byte{1}
	s.rt.woken.Store(true) // before the write: see rtState.woken
	unix.Write(s.wake, one[:])
}

// Close implements wasi.System.
func (s *System) Close(ctx context.Context) error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed.Swap(true) {
		return nil
	}
	// Wake first: a ppoll or waitFD already blocked on the eventfd keeps
	// its reference and would not notice the descriptor being closed.
	s.wakeLocked()
	var first error
	for i, f := range s.files {
		if f != nil {
			if err := f.close(); err != nil && first == nil {
				first = err
			}
			s.files[i] = nil
		}
	}
	s.nfiles = 0
	if s.wake > 0 {
		unix.Close(s.wake)
	}
	return first
}

// close closes f's host descriptor. Close calls it from any goroutine, so
// it changes nothing else in f: a call in progress on the guest's
// goroutine may still be using f and its fd_readdir cache.
func (f *file) close() error {
	return unix.Close(f.fd)
}

// closeFile closes a descriptor the guest closed (fd_close, or the target
// of fd_renumber): its fd_readdir cache becomes the System's spare, for the
// next directory read (dir_linux.go).
func (s *System) closeFile(f *file) error {
	if f.dir != nil {
		s.spareDir = f.dir.recycled()
		f.dir = nil
	}
	return f.close()
}

func fileTypeOf(mode uint32) wasi.FileType {
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		return wasi.RegularFileType
	case unix.S_IFDIR:
		return wasi.DirectoryType
	case unix.S_IFLNK:
		return wasi.SymbolicLinkType
	case unix.S_IFCHR:
		return wasi.CharacterDeviceType
	case unix.S_IFBLK:
		return wasi.BlockDeviceType
	case unix.S_IFSOCK:
		return wasi.SocketStreamType
	}
	return wasi.UnknownType
}
