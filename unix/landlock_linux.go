//go:build linux

package unix

// The kernel backstop (issue 6): after start-up, wasibox restricts its own
// process with Landlock to the mounted folders and the granted TCP ports,
// so that a bug in its own path resolver or socket checks cannot reach
// anything else. Confinement itself is openat2(RESOLVE_BENEATH) and the
// guard (design decisions 1 and 5); Landlock is the second line.
//
// Every thread. landlock_restrict_self(2) restricts the calling thread only
// (and the threads it creates later), but a Go program runs goroutines on
// many threads, created before the call. Two mechanisms reach them all:
//
//   - syscall.AllThreadsSyscall: the runtime stops the world and makes the
//     same system call on every thread it created (prctl(NO_NEW_PRIVS),
//     then landlock_restrict_self). It refuses (ENOTSUP) in a binary that
//     links cgo, because threads started by C code are unknown to it; a
//     Go program that imports net links cgo unless it is built with
//     CGO_ENABLED=0 (or -tags netgo,osusergo). wasibox needs no C.
//   - LANDLOCK_RESTRICT_SELF_TSYNC (Landlock ABI 8): the kernel restricts
//     every sibling thread itself, and sets their no_new_privs; it works
//     with cgo.
//
// With neither (a cgo build on a kernel before ABI 8), restricting only
// the calling thread would leave the guest's host calls unrestricted on
// every other thread, so nothing is restricted and the Backstop says why.
//
// Threads the runtime starts later are cloned from restricted threads and
// inherit the domain.

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Landlock access rights, by the ABI version that introduced them
// (include/uapi/linux/landlock.h).
const (
	llExecute    = unix.LANDLOCK_ACCESS_FS_EXECUTE     // ABI 1
	llWriteFile  = unix.LANDLOCK_ACCESS_FS_WRITE_FILE  // ABI 1
	llReadFile   = unix.LANDLOCK_ACCESS_FS_READ_FILE   // ABI 1
	llReadDir    = unix.LANDLOCK_ACCESS_FS_READ_DIR    // ABI 1
	llRemoveDir  = unix.LANDLOCK_ACCESS_FS_REMOVE_DIR  // ABI 1
	llRemoveFile = unix.LANDLOCK_ACCESS_FS_REMOVE_FILE // ABI 1
	llMakeChar   = unix.LANDLOCK_ACCESS_FS_MAKE_CHAR   // ABI 1
	llMakeDir    = unix.LANDLOCK_ACCESS_FS_MAKE_DIR    // ABI 1
	llMakeReg    = unix.LANDLOCK_ACCESS_FS_MAKE_REG    // ABI 1
	llMakeSock   = unix.LANDLOCK_ACCESS_FS_MAKE_SOCK   // ABI 1
	llMakeFifo   = unix.LANDLOCK_ACCESS_FS_MAKE_FIFO   // ABI 1
	llMakeBlock  = unix.LANDLOCK_ACCESS_FS_MAKE_BLOCK  // ABI 1
	llMakeSym    = unix.LANDLOCK_ACCESS_FS_MAKE_SYM    // ABI 1
	llRefer      = unix.LANDLOCK_ACCESS_FS_REFER       // ABI 2
	llTruncate   = unix.LANDLOCK_ACCESS_FS_TRUNCATE    // ABI 3
	llIoctlDev   = unix.LANDLOCK_ACCESS_FS_IOCTL_DEV   // ABI 5

	llBindTCP    = unix.LANDLOCK_ACCESS_NET_BIND_TCP    // ABI 4
	llConnectTCP = unix.LANDLOCK_ACCESS_NET_CONNECT_TCP // ABI 4

	llScopeAbstractUnix = unix.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET // ABI 6
	llScopeSignal       = unix.LANDLOCK_SCOPE_SIGNAL               // ABI 6

	llTSync = unix.LANDLOCK_RESTRICT_SELF_TSYNC // ABI 8

	llRuleNetPort = 2 // LANDLOCK_RULE_NET_PORT (ABI 4)
)

// llFileRights are the rights a rule may grant on a non-directory (the
// kernel refuses the others there with EINVAL).
const llFileRights = llExecute | llWriteFile | llReadFile | llTruncate | llIoctlDev

// Rights granted beneath a folder. Read-only: read files and list
// directories. Read-write adds what WASI preview 1 can do to a tree:
// write, truncate, create files, folders and symlinks, remove, and
// rename or link between folders (REFER). Never granted: execute,
// device, FIFO and socket creation, device ioctls.
const (
	llRO = llReadFile | llReadDir
	llRW = llRO | llWriteFile | llTruncate | llMakeReg | llMakeDir | llMakeSym |
		llRemoveFile | llRemoveDir | llRefer
)

// llHandledFS returns every filesystem right ABI abi knows: all are
// denied unless a rule grants them.
func llHandledFS(abi int) uint64 {
	m := uint64(llExecute | llWriteFile | llReadFile | llReadDir | llRemoveDir | llRemoveFile |
		llMakeChar | llMakeDir | llMakeReg | llMakeSock | llMakeFifo | llMakeBlock | llMakeSym)
	if abi >= 2 {
		m |= llRefer
	}
	if abi >= 3 {
		m |= llTruncate
	}
	if abi >= 5 {
		m |= llIoctlDev
	}
	return m
}

// llRulesetAttr is struct landlock_ruleset_attr up to ABI 8. The size
// passed to the kernel follows the ABI (8, 16 or 24 bytes), so an older
// kernel never sees a field it does not know.
type llRulesetAttr struct {
	handledFS  uint64 // ABI 1
	handledNet uint64 // ABI 4
	scoped     uint64 // ABI 6
}

// llPathBeneath is struct landlock_path_beneath_attr, which is packed in
// C: the kernel reads its first 12 bytes (the Go padding after parentFD is
// never read).
type llPathBeneath struct {
	allowed  uint64
	parentFD int32
}

// llNetPort is struct landlock_net_port_attr (ABI 4).
type llNetPort struct {
	allowed uint64
	port    uint64
}

// PortRange is an inclusive range of TCP ports.
type PortRange struct {
	Lo, Hi uint16
}

// all reports whether r covers every port, 0 included (so the access is
// not restricted at all: Landlock has no wildcard rule).
func (r PortRange) all() bool { return r.Lo == 0 && r.Hi == 65535 }

// Restrictions says what the wasibox process may still reach after
// RestrictSelf: everything not listed is denied by the kernel. Landlock
// rights add up along a path, so a read-only folder beneath a read-write
// one is writable as far as the backstop goes (the System's rights still
// refuse the writes).
type Restrictions struct {
	// ReadOnly lists host folders (or files) the process may read beneath:
	// the read-only mounts, and any file it reads after start-up.
	ReadOnly []string
	// ReadWrite lists host folders the process may read and change beneath:
	// the read-write mounts, and e.g. the compilation cache folder if
	// modules are compiled after the restriction.
	ReadWrite []string
	// Resolver grants what Go's own resolver (sock_getaddrinfo) reads and
	// does: /etc/resolv.conf, /etc/hosts, /etc/nsswitch.conf and
	// /etc/services read-only (each only if it exists), and TCP connect to
	// port 53 (the fallback for truncated answers; UDP is never
	// restricted).
	Resolver bool
	// BindTCP and ConnectTCP are the TCP ports the process may bind and
	// connect to, on any address (Landlock rules carry no address: the
	// guard checks addresses). Empty means none. A range 0-65535 leaves
	// that access unrestricted. Binding port 0 (an
	// ephemeral port) needs port 0 listed.
	BindTCP, ConnectTCP []PortRange
}

// resolverFiles returns the files Go's resolver opens (net/conf.go,
// net/dnsconfig_unix.go, net/hosts.go, net/port_unix.go).
func resolverFiles() []string {
	return []string{"/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/services"}
}

// Backstop describes the kernel restriction in force after RestrictSelf.
type Backstop struct {
	// ABI is the kernel's Landlock ABI version (0: no Landlock).
	ABI int
	// FS: file access is restricted to Restrictions' folders.
	FS bool
	// TCP: TCP bind and connect are restricted to the granted ports
	// (ABI 4 and later); false means only the filesystem is.
	TCP bool
	// Scoped: abstract unix sockets and signals are scoped to the process
	// (ABI 6 and later).
	Scoped bool
	// Threads names how every thread was reached: "all-threads" or "tsync".
	Threads string
	// Reason says why nothing is restricted ("" when FS is true).
	Reason string
}

// Active reports whether the kernel restricts the process.
func (b Backstop) Active() bool { return b.FS }

// String describes the backstop for the start-up log, e.g. "landlock ABI
// v4: fs + tcp", "landlock ABI v1: fs only" or "none: <reason>".
func (b Backstop) String() string {
	if !b.FS {
		return "none: " + b.Reason
	}
	s := fmt.Sprintf("landlock ABI v%d: fs", b.ABI)
	if b.TCP {
		s += " + tcp"
	}
	if b.Scoped {
		s += " + scope"
	}
	if !b.TCP && !b.Scoped {
		s += " only"
	}
	return s
}

// LandlockABI returns the kernel's Landlock ABI version, or an error
// saying why Landlock cannot be used: ENOSYS (a kernel built without it,
// or a sandbox such as gVisor that does not implement it), EOPNOTSUPP
// (built in but not enabled at boot, "lsm=" lacks landlock), EPERM (a
// seccomp filter refuses the call).
func LandlockABI() (int, error) {
	r, _, e := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	switch e {
	case 0:
		return int(r), nil
	case unix.ENOSYS:
		return 0, fmt.Errorf("kernel has no landlock (landlock_create_ruleset: %w)", e)
	case unix.EOPNOTSUPP:
		return 0, fmt.Errorf("landlock is disabled on this kernel (boot option lsm=; landlock_create_ruleset: %w)", e)
	case unix.EPERM:
		return 0, fmt.Errorf("landlock is blocked here, e.g. by a seccomp filter (landlock_create_ruleset: %w)", e)
	}
	return 0, fmt.Errorf("landlock_create_ruleset: %w", e)
}

// RestrictSelf restricts the whole process, every thread, irreversibly,
// to r, as far as the kernel's Landlock ABI allows (best effort: rights
// the ABI does not know are left out; TCP ports need ABI 4). Call it once
// start-up is done: manifest, module, policies and stdio open, the System
// built (descriptors opened before the call keep working), modules
// compiled (or the cache folder in r.ReadWrite).
//
// It fails soft: where Landlock is missing or cannot reach every thread,
// it restricts nothing and returns a Backstop whose Reason says why, with
// a nil error. An error means r is wrong (a folder that cannot be opened)
// or the kernel refused the ruleset; nothing is restricted then either,
// except in the unlikely case that the final step fails, which the error
// says.
//
// Before restricting it loads what the Go runtime would otherwise load
// lazily from outside r (the local time zone).
//
// Not restricted by Landlock at any ABI: stat, readlink (FDGuestPath's
// readlink of /proc/self/fd/N keeps working), chmod, chown, utimes, UDP
// (before ABI 10, which this code does not use yet). Under ABI 1, renaming
// or linking between folders is refused (EXDEV) even within one mount.
func RestrictSelf(r Restrictions) (Backstop, error) {
	type pathRule struct {
		path   string
		access uint64
		opt    bool // may be missing
	}
	var paths []pathRule
	for _, p := range r.ReadOnly {
		paths = append(paths, pathRule{p, llRO, false})
	}
	for _, p := range r.ReadWrite {
		paths = append(paths, pathRule{p, llRW, false})
	}
	if r.Resolver {
		for _, p := range resolverFiles() {
			paths = append(paths, pathRule{p, llReadFile, true})
		}
	}
	// Open every path first: a wrong one is an error before anything
	// irreversible happens. O_PATH follows symlinks (a rule applies to the
	// inode: /etc/resolv.conf is often a link into /run).
	type opened struct {
		fd     int
		access uint64
	}
	fds := make([]opened, 0, len(paths))
	defer func() {
		for _, o := range fds {
			unix.Close(o.fd)
		}
	}()
	for _, p := range paths {
		fd, err := unix.Open(p.path, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			if p.opt && errors.Is(err, unix.ENOENT) {
				continue
			}
			return Backstop{Reason: "not applied"}, &os.PathError{Op: "landlock", Path: p.path, Err: err}
		}
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			unix.Close(fd)
			return Backstop{Reason: "not applied"}, &os.PathError{Op: "landlock", Path: p.path, Err: err}
		}
		access := p.access
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			access &= llFileRights
		}
		fds = append(fds, opened{fd, access})
	}

	abi, err := LandlockABI()
	if err != nil {
		return Backstop{Reason: err.Error()}, nil
	}
	b := Backstop{ABI: abi}

	bind, bindAll := expandPorts(r.BindTCP)
	connect, connectAll := expandPorts(r.ConnectTCP)
	if r.Resolver {
		connect = append(connect, 53)
	}
	attr := llRulesetAttr{handledFS: llHandledFS(abi)}
	size := unsafe.Sizeof(attr.handledFS)
	if abi >= 4 {
		if !bindAll {
			attr.handledNet |= llBindTCP
		}
		if !connectAll {
			attr.handledNet |= llConnectTCP
		}
		size += unsafe.Sizeof(attr.handledNet)
		b.TCP = attr.handledNet != 0
	}
	if abi >= 6 {
		attr.scoped = llScopeAbstractUnix | llScopeSignal
		size += unsafe.Sizeof(attr.scoped)
		b.Scoped = true
	}

	rfd, _, e := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), size, 0)
	if e != 0 {
		return Backstop{ABI: abi, Reason: "not applied"}, fmt.Errorf("landlock_create_ruleset (ABI %d): %w", abi, e)
	}
	ruleset := int(rfd)
	defer unix.Close(ruleset)

	for _, o := range fds {
		rule := llPathBeneath{allowed: o.access & attr.handledFS, parentFD: int32(o.fd)}
		if rule.allowed == 0 {
			continue
		}
		if _, _, e := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(ruleset), unix.LANDLOCK_RULE_PATH_BENEATH,
			uintptr(unsafe.Pointer(&rule)), 0, 0, 0); e != 0 {
			return Backstop{ABI: abi, Reason: "not applied"}, fmt.Errorf("landlock_add_rule (path): %w", e)
		}
	}
	for _, set := range []struct {
		ports  []uint16
		access uint64
	}{{bind, llBindTCP}, {connect, llConnectTCP}} {
		if attr.handledNet&set.access == 0 {
			continue
		}
		for _, p := range set.ports {
			rule := llNetPort{allowed: set.access, port: uint64(p)}
			if _, _, e := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(ruleset), llRuleNetPort,
				uintptr(unsafe.Pointer(&rule)), 0, 0, 0); e != 0 {
				return Backstop{ABI: abi, Reason: "not applied"}, fmt.Errorf("landlock_add_rule (port %d): %w", p, e)
			}
		}
	}

	preload()

	// prctl(PR_SET_NO_NEW_PRIVS) is per thread, and landlock_restrict_self
	// needs it on the calling thread (or CAP_SYS_ADMIN).
	_, _, e = syscall.AllThreadsSyscall6(unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0)
	switch {
	case e == 0:
		b.Threads = "all-threads"
		if _, _, e := syscall.AllThreadsSyscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(ruleset), 0, 0); e != 0 {
			// The first thread failed, so none was restricted (the runtime
			// stops at the first failure); no_new_privs stays set.
			return Backstop{ABI: abi, Reason: "not applied"}, fmt.Errorf("landlock_restrict_self: %w", e)
		}
	case e == syscall.ENOTSUP && abi >= 8:
		b.Threads = "tsync"
		if err := restrictTSync(ruleset); err != nil {
			return Backstop{ABI: abi, Reason: "not applied"}, err
		}
	case e == syscall.ENOTSUP:
		return Backstop{ABI: abi, Reason: fmt.Sprintf(
			"landlock ABI v%d cannot restrict every thread of a cgo binary (needs ABI 8 for TSYNC); build wasibox with CGO_ENABLED=0", abi)}, nil
	default:
		return Backstop{ABI: abi, Reason: "not applied"}, fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", e)
	}
	b.FS = true
	return b, nil
}

// restrictTSync restricts every thread through the kernel (ABI 8): the
// calling thread gets no_new_privs, and TSYNC passes it and the domain to
// its siblings.
func restrictTSync(ruleset int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	if _, _, e := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(ruleset), llTSync, 0); e != 0 {
		return fmt.Errorf("landlock_restrict_self(TSYNC): %w", e)
	}
	return nil
}

// expandPorts lists the ports of ranges, or reports all=true when one
// range covers every port.
func expandPorts(ranges []PortRange) (ports []uint16, all bool) {
	n := 0
	for _, r := range ranges {
		if r.all() {
			return nil, true
		}
		if r.Lo <= r.Hi {
			n += int(r.Hi-r.Lo) + 1
		}
	}
	ports = make([]uint16, 0, n)
	for _, r := range ranges {
		for p := int(r.Lo); p <= int(r.Hi); p++ {
			ports = append(ports, uint16(p))
		}
	}
	return ports, false
}

// preload makes the Go runtime load now what it loads lazily on first use
// from files outside any mount: the local time zone (/etc/localtime,
// /usr/share/zoneinfo), for log timestamps.
func preload() {
	time.Now().Zone()
}
