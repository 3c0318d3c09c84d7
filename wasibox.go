// Package wasibox runs untrusted WebAssembly modules (WASI preview 1 and
// the WasmEdge socket extensions) under a reviewed capability manifest.
// It wires the layers together the way `wasibox run -c` does:
//
//	policy  (manifest + Rego)  ->  guard (decides)  ->  unix (the kernel)
//	hostabi (the wazero host module) calls the guarded System.
//
// Embedding it takes a few lines:
//
//	m, err := policy.Load("manifest.yaml")
//	...
//	code, err := wasibox.Run(ctx, wasm, wasibox.Options{Manifest: m, Args: []string{"app"}})
//
// Use NewSystem directly to instantiate the host module in a wazero
// runtime of your own.
package wasibox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"runtime"
	"syscall"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox/guard"
	"github.com/wasibox/wasibox/hostabi"
	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

// Options configures a sandboxed System (and a Run).
type Options struct {
	// Manifest is the reviewed ceiling; required.
	Manifest *policy.Manifest
	// Args is argv, argv[0] first. When the manifest sets args, they
	// replace Args[1:] (and extra arguments are an error).
	Args []string
	// HostEnv is the host environment env.inherit copies from
	// (os.Environ() if nil).
	HostEnv []string
	// Stdin, Stdout, Stderr are host descriptors for the guest's stdio
	// when the manifest says "inherit"; 0 values mean the process's own.
	Stdin, Stdout, Stderr *os.File
	// DenyLog receives one line per denial (os.Stderr if nil).
	DenyLog io.Writer
	// Audit, if set, receives every sensitive decision. The manifest's
	// audit.log, if set, receives them too (NewSystem opens it).
	Audit func(guard.Record)
	// Trace, if set, receives one line per host call the guest makes
	// (wasi.Trace, configured by TraceOptions), with the guard's decision
	// on sensitive calls. Without it nothing is wrapped: an untraced run
	// pays nothing for tracing.
	Trace        io.Writer
	TraceOptions []wasi.TraceOption
	// Stats counts calls, time, errors and denials per host function
	// (wasi.Stats); read them with System.Stats.
	Stats bool
	// ModuleSHA256 is the running module's hash, for policies and audit.
	ModuleSHA256 string
	// Resolver selects the path resolver (tests run both).
	Resolver unix.Resolver
	// Engine overrides the policy engine built from the manifest (nil:
	// compile the manifest's policy.modules, if any).
	Engine *policy.Engine
}

// System is a guarded System over the kernel, with the handles a runner
// needs: Wake to interrupt blocked calls, Close to release everything.
//
// Its calls go through the layers Options asked for, outermost first:
//
//	Trace -> Stats -> guard -> unix
//
// The trace sits above the guard so that it shows each call as the guest
// made it, with the guard's decision (wasi.RecordDecision); Stats sits
// below the trace so that its times do not include formatting trace lines.
type System struct {
	wasi.System // the outermost layer: what the guest's host module calls

	guard   *guard.System
	stats   *wasi.StatsSystem // nil unless Options.Stats
	unix    *unix.System
	audit   *AuditLog // the manifest's audit.log, if any
	closers []io.Closer

	listeners []Listener // the manifest's net.preopen sockets, as bound
}

// Listener is a preopened listening socket (the manifest's net.preopen):
// the guest descriptor it has and the address the host bound, whose port
// is the kernel's choice where the manifest said 0.
type Listener struct {
	FD   wasi.FD
	Addr netip.AddrPort
}

// fdCloser closes a host descriptor that no *os.File owns.
type fdCloser int

func (f fdCloser) Close() error { return syscall.Close(int(f)) }

// ErrArgsFixed is returned when the manifest fixes argv and arguments
// were given anyway.
var ErrArgsFixed = errors.New("the manifest fixes args; command-line arguments are refused")

// NewSystem builds the guarded System a manifest describes.
func NewSystem(ctx context.Context, o Options) (*System, error) {
	m := o.Manifest
	if m == nil {
		return nil, errors.New("wasibox: a manifest is required")
	}
	args := o.Args
	if len(args) == 0 {
		args = []string{"app"}
	}
	if m.ArgsSet {
		if len(args) > 1 {
			return nil, ErrArgsFixed
		}
		args = append([]string{args[0]}, m.Args...)
	}
	host := o.HostEnv
	if host == nil {
		host = os.Environ()
	}
	s := &System{}
	ok := false
	defer func() {
		if !ok {
			s.closeFiles()
		}
	}()
	stdin, err := s.stdio(m.Stdin, o.Stdin, os.Stdin, os.O_RDONLY)
	if err != nil {
		return nil, err
	}
	stdout, err := s.stdio(m.Stdout, o.Stdout, os.Stdout, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return nil, err
	}
	stderr, err := s.stdio(m.Stderr, o.Stderr, os.Stderr, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return nil, err
	}
	var preopens []unix.Preopen
	for _, mt := range m.Mounts {
		preopens = append(preopens, unix.Preopen{HostPath: mt.Host, GuestPath: mt.Guest, ReadOnly: mt.Mode != policy.ReadWrite})
	}
	// The preopened sockets follow the folders (unix.Config.Listeners).
	var listeners []int
	for i, r := range m.Preopen {
		ap, _ := r.ListenAddr() // ParsePreopen made sure there is one
		hfd, err := unix.ListenTCP(ap)
		if err != nil {
			return nil, fmt.Errorf("net.preopen %s: %w", r.Raw, err)
		}
		s.closers = append(s.closers, fdCloser(hfd))
		if ap, err = unix.ListenerAddr(hfd); err != nil {
			return nil, fmt.Errorf("net.preopen %s: %w", r.Raw, err)
		}
		listeners = append(listeners, hfd)
		s.listeners = append(s.listeners, Listener{FD: m.PreopenFD(i), Addr: ap})
	}
	inner, err := unix.New(unix.Config{
		Args:         args,
		Environ:      m.Environ(host),
		Preopens:     preopens,
		Listeners:    listeners,
		Stdin:        stdin,
		Stdout:       stdout,
		Stderr:       stderr,
		MaxOpenFiles: m.Limits.OpenFiles,
		StdoutLimit:  clampInt64(m.Limits.Stdout),
		StderrLimit:  clampInt64(m.Limits.Stderr),
		WriteQuota:   clampInt64(m.Limits.Write),
		Resolver:     o.Resolver,
		AllowSockets: len(m.Connect)+len(m.Listen)+len(m.Lookup) > 0,
	})
	if err != nil {
		return nil, err
	}
	s.unix = inner
	s.closeFiles() // unix.New duplicated the descriptors it keeps
	eng := o.Engine
	if eng == nil && len(m.PolicyModules) > 0 {
		if eng, err = policy.NewEngine(ctx, m); err != nil {
			inner.Close(ctx)
			return nil, err
		}
	}
	log := o.DenyLog
	if log == nil {
		log = os.Stderr
	}
	audit := o.Audit
	if m.AuditLog != "" {
		// Opened now, before any kernel backstop a runner applies.
		s.audit, err = OpenAuditLog(m.AuditLog, map[string]string{"module_sha256": o.ModuleSHA256, "manifest": m.File})
		if err != nil {
			inner.Close(ctx)
			return nil, err
		}
		if audit == nil {
			audit = s.audit.Record
		} else {
			given := audit
			audit = func(r guard.Record) {
				given(r)
				s.audit.Record(r)
			}
		}
	}
	g, err := guard.New(ctx, inner, guard.Config{Manifest: m, Engine: eng, ModuleSHA256: o.ModuleSHA256, Log: log, Audit: audit})
	if err != nil {
		inner.Close(ctx)
		if s.audit != nil {
			s.audit.Close()
		}
		return nil, err
	}
	s.guard = g
	s.System = g
	if o.Stats {
		denied := m.OnDenyErrno
		if denied == wasi.ESUCCESS {
			denied = wasi.EACCES // the guard's default
		}
		s.stats = wasi.Stats(s.System, wasi.StatsDenials(denied))
		s.System = s.stats
	}
	if o.Trace != nil {
		s.System = wasi.Trace(s.System, o.Trace, o.TraceOptions...)
	}
	ok = true
	return s, nil
}

// stdio returns the host descriptor for one guest standard stream.
func (s *System) stdio(mode policy.Stdio, given, def *os.File, flag int) (int, error) {
	switch mode.Kind {
	case "null":
		f, err := os.OpenFile(os.DevNull, flag&^(os.O_CREATE|os.O_TRUNC), 0)
		if err != nil {
			return -1, err
		}
		s.closers = append(s.closers, f)
		return int(f.Fd()), nil
	case "file":
		f, err := os.OpenFile(mode.Path, flag, 0o644)
		if err != nil {
			return -1, fmt.Errorf("stdio: %w", err)
		}
		s.closers = append(s.closers, f)
		return int(f.Fd()), nil
	}
	if given != nil {
		return int(given.Fd()), nil
	}
	return int(def.Fd()), nil
}

// Listeners returns the preopened listening sockets (the manifest's
// net.preopen), in guest descriptor order.
func (s *System) Listeners() []Listener { return s.listeners }

func (s *System) closeFiles() {
	for _, c := range s.closers {
		c.Close()
	}
	s.closers = nil
}

// Wake interrupts any host call the guest is blocked in (and every later
// one): use it to cancel a run. Safe from any goroutine.
func (s *System) Wake() { s.unix.Wake() }

// Close releases every descriptor of the guest, and flushes and closes
// the manifest's audit log.
func (s *System) Close(ctx context.Context) error {
	err := s.unix.Close(ctx)
	if s.audit != nil {
		err = errors.Join(err, s.audit.Close())
	}
	return err
}

// TryFlush writes out the records the manifest's audit log holds unless
// one is being written at this moment: for an exit that cannot wait for
// Close (a second SIGINT). Safe from any goroutine.
func (s *System) TryFlush() {
	if s.audit != nil {
		s.audit.TryFlush()
	}
}

// Guard returns the guard, under any trace or counting layer.
func (s *System) Guard() *guard.System { return s.guard }

// Stats returns the call counts (Options.Stats), or nil.
func (s *System) Stats() *wasi.StatsSystem { return s.stats }

// Unix returns the kernel-level System under the guard.
func (s *System) Unix() *unix.System { return s.unix }

func clampInt64(v uint64) int64 {
	if v > 1<<62 {
		return 1 << 62
	}
	return int64(v)
}

// RuntimeConfig returns the wazero runtime configuration for a manifest:
// the same everywhere a module is compiled or run (design decision 9),
// with the guest memory limit applied (memory.grow fails past it).
func RuntimeConfig(m *policy.Manifest) wazero.RuntimeConfig {
	rc := wazero.NewRuntimeConfig().WithCloseOnContextDone(true)
	if m != nil {
		rc = hostabi.WithMemoryLimit(rc, m.Limits.Memory)
	}
	return rc
}

// CompileContext returns ctx set up for wazero's CompileModule: the
// functions of a module compile on as many threads as Go may use
// (GOMAXPROCS), so that a cold start of a large module (a Go program is
// megabytes of wasm) takes a fraction of the time. The compiled code is
// the same as from one thread; only wall time changes.
func CompileContext(ctx context.Context) context.Context {
	return experimental.WithCompilationWorkers(ctx, runtime.GOMAXPROCS(0))
}

// ErrModuleTooLarge is returned when a module exceeds limits.module_size.
var ErrModuleTooLarge = errors.New("module is larger than limits.module_size")

// ReadModule reads a module file, refusing one larger than the manifest's
// limits.module_size before reading it whole.
func ReadModule(m *policy.Manifest, file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	max := m.Limits.ModuleSize
	if max == 0 {
		return io.ReadAll(f)
	}
	if st, err := f.Stat(); err == nil && uint64(st.Size()) > max {
		return nil, fmt.Errorf("%w (%d > %d bytes)", ErrModuleTooLarge, st.Size(), max)
	}
	b, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err == nil && uint64(len(b)) > max {
		return nil, fmt.Errorf("%w (more than %d bytes)", ErrModuleTooLarge, max)
	}
	return b, err
}

// Backstop restricts the whole process with Landlock to what the
// manifest grants (its mounts, read-only where it says so, and its TCP
// ports), as a second line of defence should wasibox's own code have a
// bug. It is irreversible: call it once the System is built and the module
// compiled. extraRW lists host folders the process itself still writes
// (e.g. a trace file's folder). Where Landlock is missing (or the binary
// uses cgo, which prevents restricting every thread), it restricts nothing
// and says why in the returned description.
func Backstop(m *policy.Manifest, extraRO, extraRW []string) (unix.Backstop, error) {
	r := unix.Restrictions{Resolver: len(m.Lookup) > 0}
	for _, mt := range m.Mounts {
		if mt.Mode == policy.ReadWrite {
			r.ReadWrite = append(r.ReadWrite, mt.Host)
		} else {
			r.ReadOnly = append(r.ReadOnly, mt.Host)
		}
	}
	for _, s := range []policy.Stdio{m.Stdin, m.Stdout, m.Stderr} {
		if s.Kind == "file" {
			r.ReadWrite = append(r.ReadWrite, s.Path)
		}
	}
	r.ReadOnly = append(r.ReadOnly, extraRO...)
	r.ReadWrite = append(r.ReadWrite, extraRW...)
	ports := func(rules []policy.NetRule) []unix.PortRange {
		var out []unix.PortRange
		for _, rule := range rules {
			if rule.Proto != "tcp" {
				continue
			}
			for _, p := range rule.Ports {
				out = append(out, unix.PortRange{Lo: p.Lo, Hi: p.Hi})
			}
		}
		return out
	}
	r.ConnectTCP = ports(m.Connect)
	r.BindTCP = ports(m.Listen)
	return unix.RestrictSelf(r)
}

// ErrModulePin is returned when the module's sha256 differs from the pin.
var ErrModulePin = errors.New("module sha256 does not match the manifest's module.sha256")

// CheckPin verifies wasm against the manifest's module.sha256 (if any) and
// returns the module's hash.
func CheckPin(m *policy.Manifest, wasm []byte) (string, error) {
	sum := sha256.Sum256(wasm)
	h := hex.EncodeToString(sum[:])
	if m.ModuleSHA256 != "" && m.ModuleSHA256 != h {
		return h, fmt.Errorf("%w: got %s, want %s", ErrModulePin, h, m.ModuleSHA256)
	}
	return h, nil
}

// Run compiles and runs wasm's _start under o.Manifest and returns the
// guest's exit code. A trap or link error is returned as err. The
// manifest's limits.timeout, if any, bounds the run (context deadline).
func Run(ctx context.Context, wasm []byte, o Options) (uint32, error) {
	m := o.Manifest
	if m == nil {
		return 0, errors.New("wasibox: a manifest is required")
	}
	h, err := CheckPin(m, wasm)
	if err != nil {
		return 0, err
	}
	if o.ModuleSHA256 == "" {
		o.ModuleSHA256 = h
	}
	if m.Limits.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, m.Limits.Timeout)
		defer cancel()
	}
	r := wazero.NewRuntimeWithConfig(ctx, RuntimeConfig(m))
	defer r.Close(context.Background())
	compiled, err := r.CompileModule(CompileContext(ctx), wasm)
	if err != nil {
		return 0, err
	}
	s, err := NewSystem(ctx, o)
	if err != nil {
		return 0, err
	}
	stop := context.AfterFunc(ctx, s.Wake)
	defer func() {
		stop()
		s.Close(context.Background())
	}()
	if _, err := hostabi.Instantiate(ctx, r, s.System, compiled); err != nil {
		return 0, err
	}
	_, err = r.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(""))
	var ee *sys.ExitError
	if errors.As(err, &ee) {
		if ctx.Err() != nil {
			return ee.ExitCode(), ctx.Err()
		}
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 0, err
	}
	return 0, nil
}

var _ wasi.System = (*System)(nil)
