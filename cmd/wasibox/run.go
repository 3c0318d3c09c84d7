package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox"
	"github.com/wasibox/wasibox/guard"
	"github.com/wasibox/wasibox/hostabi"
	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/wasi"
)

func runMain(ctx context.Context, e *cliEnv, args []string) int {
	f, err := parseRunFlags(args)
	if err != nil {
		return e.usageFailed(err, runUsage)
	}
	return e.run(ctx, f, nil)
}

// observer lets a command built on run (learn) watch a run: the guard's
// decisions, the System the guest calls, and the guest's status.
type observer interface {
	// decided receives every sensitive decision of the guard.
	decided(guard.Record)
	// wrap returns the System the host module calls instead of sys.
	wrap(ctx context.Context, sys *wasibox.System, m *runInfo) (wasi.System, error)
	// prepare runs just before the kernel backstop: anything the observer
	// writes later must be opened here. release is called when run returns.
	prepare(m *runInfo) (release func(), err error)
	// finish is called once the guest has run, with wasibox's status and
	// whether the run was cut short (timeout, signal); it returns the
	// command's status.
	finish(status int, cut bool) int
}

// runInfo is what an observer learns about the run.
type runInfo struct {
	flags    *runFlags
	manifest *policy.Manifest // the grants of the run
	module   string           // the module's file
	sha256   string           // and its hash
	cwd      string
}

// errFinished is the cancellation cause set when the guest has returned:
// whichever of it, a signal or the timeout comes first decides the status.
var errFinished = errors.New("finished")

// run runs f.Module and returns wasibox's exit status. obs, if not nil,
// watches the run.
func (e *cliEnv) run(parent context.Context, f *runFlags, obs observer) int {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(errFinished)

	// Host profiles cover everything wasibox does, compilation included.
	// Their files are opened now, before the kernel backstop.
	if f.CPUProfile != "" {
		pf, err := os.Create(f.CPUProfile)
		if err != nil {
			return e.failed("cpuprofile: %v", err)
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			pf.Close()
			return e.failed("cpuprofile: %v", err)
		}
		defer func() {
			pprof.StopCPUProfile()
			if err := pf.Close(); err != nil {
				fmt.Fprintf(e.stderr, "wasibox: cpuprofile: %v\n", err)
			}
		}()
	}
	if f.MemProfile != "" {
		pf, err := os.Create(f.MemProfile)
		if err != nil {
			return e.failed("memprofile: %v", err)
		}
		defer func() {
			runtime.GC() // up-to-date statistics, as go test -memprofile
			err := pprof.WriteHeapProfile(pf)
			if cerr := pf.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "wasibox: memprofile: %v\n", err)
			}
		}()
	}

	// What a second signal must still flush before exiting at once.
	var flushers flushList
	exit := func(code int) {
		flushers.tryFlush()
		e.exit(code)
	}

	// Signals are caught before anything slow (compilation) starts, so that
	// the first SIGINT/SIGTERM always stops the guest in an orderly way and
	// yields 130/143. A second one exits at once: the guest may be stuck
	// somewhere cancellation does not reach (a bug), and the user insists.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go watchSignals(sigs, done, cancel, exit)

	cwd, err := os.Getwd()
	if err != nil {
		return e.failed("%v", err)
	}
	m, err := f.manifest(e.environ, cwd)
	if err != nil {
		if errors.Is(err, errUsage) {
			// A flag that conflicts with the manifest: one line, no usage.
			fmt.Fprintf(e.stderr, "wasibox: %v\n", err)
			return exitUsage
		}
		return e.failed("%v", err)
	}
	wasm, err := wasibox.ReadModule(m, f.Module)
	if err != nil {
		return e.failed("%v", err)
	}
	sum, err := wasibox.CheckPin(m, wasm)
	if err != nil {
		return e.failed("%s: %v", f.Module, err)
	}

	// The CLI compiles without wazero's CloseOnContextDone: that option
	// makes every wasm loop header check for cancellation, which costs
	// ~40% of the CPU of a Go guest's request handling (RATIONALE.md,
	// "Network performance"). Cancellation still works everywhere (design
	// decision 8): a blocked host call is woken (System.Wake), the module
	// is closed so its next host call ends it, and a guest spinning in pure
	// wasm, which neither reaches, is ended with the process after a grace
	// period (runGuest). The library keeps the checks on by default.
	rc := wasibox.RuntimeConfig(m).WithCloseOnContextDone(false)
	if !f.NoCache {
		if c := openCache(e.stderr); c != nil {
			defer c.Close(context.Background())
			rc = rc.WithCompilationCache(c)
		}
	}
	r := wazero.NewRuntimeWithConfig(ctx, rc)
	defer r.Close(context.Background())

	compiled, err := r.CompileModule(wasibox.CompileContext(ctx), wasm)
	if err != nil {
		return e.failed("compile %s: %v", f.Module, err)
	}
	if ctx.Err() != nil { // a signal during compilation
		return guestExit(nil, context.Cause(ctx), e.stderr)
	}

	// The timeout covers instantiation and execution, not compilation (as
	// in the wazero CLI): a cold cache must not eat the guest's budget.
	if m.Limits.Timeout > 0 {
		t := time.AfterFunc(m.Limits.Timeout, func() { cancel(errTimeout) })
		defer t.Stop()
	}

	// Observation outputs are opened before the backstop below; nothing
	// is wrapped for what was not asked (an untraced run pays nothing).
	var audits []func(guard.Record)
	if f.AuditLog != "" && !sameFile(f.AuditLog, m.AuditLog) {
		al, err := wasibox.OpenAuditLog(f.AuditLog, map[string]string{"module_sha256": sum, "manifest": m.File})
		if err != nil {
			return e.failed("%v", err)
		}
		defer func() {
			if err := al.Close(); err != nil {
				fmt.Fprintf(e.stderr, "wasibox: %v\n", err)
			}
		}()
		flushers.add(al.TryFlush)
		audits = append(audits, al.Record)
	}
	if obs != nil {
		audits = append(audits, obs.decided)
	}
	var trace io.Writer
	if f.Trace != "" {
		if f.Trace == traceStderr {
			// Unbuffered, in order with the guest's own stderr; each line
			// is one write, so the two never split each other's lines.
			trace = e.stderr
		} else {
			tf, err := os.Create(f.Trace)
			if err != nil {
				return e.failed("trace: %v", err)
			}
			lb := newLineBuffer(tf)
			defer func() {
				if err := lb.Close(); err != nil {
					fmt.Fprintf(e.stderr, "wasibox: trace: %v\n", err)
				}
			}()
			flushers.add(lb.tryFlush)
			trace = lb
		}
	}

	// Flags and manifests take one path: the manifest (from -c, or built
	// from the flags) gives the mounts, environment, network grants and
	// limits; the guard enforces it over the kernel-level System.
	opts := wasibox.Options{
		Manifest:     m,
		Args:         append([]string{filepath.Base(f.Module)}, f.Args...),
		HostEnv:      e.environ,
		DenyLog:      e.stderr,
		Audit:        fanOut(audits),
		ModuleSHA256: sum,
		Resolver:     f.Resolver,
		Trace:        trace,
		Stats:        f.Stats,
	}
	if trace != nil {
		opts.TraceOptions = []wasi.TraceOption{wasi.TraceWithFormat(f.TraceFormat), wasi.TraceMaxString(f.TraceMaxString)}
	}
	system, err := wasibox.NewSystem(ctx, opts)
	if err != nil {
		return e.failed("%v", err)
	}
	flushers.add(system.TryFlush) // the manifest's audit.log
	for i, l := range system.Listeners() {
		// A port the kernel picked is only known from here; a fixed one
		// is said with -v only, so that stderr stays the guest's own.
		if f.Verbose || m.Preopen[i].Ports[0].Lo == 0 {
			fmt.Fprintf(e.stderr, "wasibox: listening on tcp://%s (guest fd %d)\n", l.Addr, l.FD)
		}
	}
	if st := system.Stats(); st != nil {
		// Deferred before the System's Close below, so it runs after it:
		// the table includes every call, the last fd_close too.
		defer st.WriteTable(e.stderr)
	}
	info := &runInfo{flags: f, manifest: m, module: f.Module, sha256: sum, cwd: cwd}
	if obs != nil {
		release, err := obs.prepare(info)
		if err != nil {
			system.Close(context.Background())
			return e.failed("%v", err)
		}
		defer release()
	}
	// The kernel backstop (Landlock): from here on the process itself can
	// reach only what the manifest grants, so a bug in wasibox's own code
	// cannot reach anything else. Compilation (and its cache) is done.
	if !f.NoLandlock {
		b, err := wasibox.Backstop(m, nil, nil)
		if err != nil {
			system.Close(context.Background())
			return e.failed("backstop: %v", err)
		}
		if f.Verbose {
			fmt.Fprintf(e.stderr, "wasibox: backstop: %s\n", b)
		}
	}
	// Wake must not run after Close: the wake descriptor's number could
	// already belong to another file. So wait for a Wake in progress.
	woke := make(chan struct{})
	stopWake := context.AfterFunc(ctx, func() {
		defer close(woke)
		system.Wake()
	})
	defer func() {
		if !stopWake() {
			<-woke
		}
		system.Close(context.Background())
	}()

	// The host module calls the outermost layer directly: with no trace
	// and no stats that is the guard itself, with nothing in between.
	guest := system.System
	if obs != nil {
		if guest, err = obs.wrap(ctx, system, info); err != nil {
			return e.failed("%v", err)
		}
	}
	host, err := hostabi.Instantiate(ctx, r, guest, compiled)
	if err != nil {
		return e.failed("link %s: %v", f.Module, err)
	}
	defer host.Close(context.Background())

	// wazero's own WASI is not instantiated: args, environment, stdio and
	// files all come through hostabi and system. The guest is named after its
	// file (stack traces read "app._start"), never after the host module,
	// whatever its name section says (nor after wasi_unstable, the preview 0
	// host module). Start functions are called below, so that a link error
	// (125) is told apart from a trap (134).
	name := strings.TrimSuffix(filepath.Base(f.Module), ".wasm")
	if name == hostabi.ModuleName || name == hostabi.UnstableModuleName {
		name = ""
	}
	mod, err := r.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(name).WithStartFunctions())
	if err != nil {
		// A wasm start section runs during instantiation and may exit or
		// be cancelled; anything else is a link error.
		if cause := runCause(ctx, cancel); cause != nil || isExit(err) {
			return finish(obs, guestExit(err, cause, e.stderr), cause != nil)
		}
		return e.failed("instantiate %s: %v", f.Module, err)
	}
	defer mod.Close(context.Background())

	// A command exports _start. A reactor exports _initialize instead,
	// which WASI requires to be called once before anything else; there is
	// nothing else to call from the command line, so that is all we run.
	// A module with neither ran whatever it does at instantiation, as in
	// the wazero CLI.
	start := mod.ExportedFunction("_start")
	if start == nil {
		start = mod.ExportedFunction("_initialize")
	}
	if start == nil {
		return finish(obs, exitOK, false)
	}
	if d := start.Definition(); len(d.ParamTypes()) != 0 || len(d.ResultTypes()) != 0 {
		return e.failed("%s: %s must have type [] -> [], has %v -> %v",
			f.Module, d.Name(), d.ParamTypes(), d.ResultTypes())
	}
	err, spinning := runGuest(ctx, mod, start)
	cause := runCause(ctx, cancel)
	if spinning {
		// The guest ignores cancellation (no host call): end the process,
		// after flushing what a second signal would flush too.
		status := finish(obs, guestExit(nil, cause, e.stderr), true)
		exit(status)
		return status // only reached when e.exit does not exit (tests)
	}
	return finish(obs, guestExit(err, cause, e.stderr), cause != nil)
}

// spinGrace is how long a cancelled guest may take to reach its next host
// call (where the closed module ends it) before the process ends it.
const spinGrace = 500 * time.Millisecond

// runGuest calls start and returns its error. If ctx is cancelled first,
// it closes the module (the guest's next host call then returns) and waits
// up to spinGrace; spinning reports a guest that is still running then.
func runGuest(ctx context.Context, mod api.Module, start api.Function) (err error, spinning bool) {
	done := make(chan error, 1)
	go func() {
		_, err := start.Call(ctx)
		done <- err
	}()
	select {
	case err := <-done:
		return err, false
	case <-ctx.Done():
	}
	mod.CloseWithExitCode(context.Background(), sys.ExitCodeContextCanceled)
	t := time.NewTimer(spinGrace)
	defer t.Stop()
	select {
	case err := <-done:
		return err, false
	case <-t.C:
		return nil, true
	}
}

// finish hands the guest's status to obs, if any.
func finish(obs observer, status int, cut bool) int {
	if obs == nil {
		return status
	}
	return obs.finish(status, cut)
}

// fanOut returns one audit callback that calls each of fns, or nil.
func fanOut(fns []func(guard.Record)) func(guard.Record) {
	switch len(fns) {
	case 0:
		return nil
	case 1:
		return fns[0]
	}
	return func(r guard.Record) {
		for _, fn := range fns {
			fn(r)
		}
	}
}

// sameFile reports whether a and b name the same file (b may be "").
func sameFile(a, b string) bool {
	if b == "" {
		return false
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// flushList holds what must be flushed when wasibox exits at once (a
// second signal), without waiting for a writer in progress.
type flushList struct {
	mu  sync.Mutex
	fns []func()
}

func (l *flushList) add(fn func()) {
	l.mu.Lock()
	l.fns = append(l.fns, fn)
	l.mu.Unlock()
}

func (l *flushList) tryFlush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, fn := range l.fns {
		fn()
	}
}

// lineBuffer buffers trace lines for a file: one write(2) per line would
// cost more than most host calls. Every write it makes ends at a line
// boundary, so a reader (tail -f) never sees half a line. The tracer
// writes whole lines, one Write each.
type lineBuffer struct {
	mu sync.Mutex
	w  *bufio.Writer
	f  *os.File
}

func newLineBuffer(f *os.File) *lineBuffer {
	return &lineBuffer{w: bufio.NewWriterSize(f, 64<<10), f: f}
}

// Write implements io.Writer for whole lines.
func (b *lineBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(p) > b.w.Available() && b.w.Buffered() > 0 {
		if err := b.w.Flush(); err != nil {
			return 0, err
		}
	}
	return b.w.Write(p)
}

func (b *lineBuffer) tryFlush() {
	if b.mu.TryLock() {
		b.w.Flush() //nolint:errcheck // exiting anyway
		b.mu.Unlock()
	}
}

// Close flushes the buffer and closes the file.
func (b *lineBuffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return errors.Join(b.w.Flush(), b.f.Close())
}

// watchSignals cancels the run with the first signal from sigs as cause,
// and calls exit with 128+signo on the second, until done is closed.
func watchSignals(sigs <-chan os.Signal, done <-chan struct{}, cancel context.CancelCauseFunc, exit func(int)) {
	stopping := false
	for {
		select {
		case s := <-sigs:
			if stopping {
				exit(exitStatus(s))
				return
			}
			stopping = true
			cancel(signalCause{s})
		case <-done:
			return
		}
	}
}

// runCause marks the run finished and returns why it was cancelled before
// that (errTimeout, a signalCause), or nil if it was not.
func runCause(ctx context.Context, cancel context.CancelCauseFunc) error {
	cancel(errFinished) // no-op if a signal or the timeout came first
	if cause := context.Cause(ctx); cause != errFinished {
		return cause
	}
	return nil
}

func isExit(err error) bool {
	var ee *sys.ExitError
	return errors.As(err, &ee)
}

// failed reports a failure of wasibox itself on one line and returns 125.
func (e *cliEnv) failed(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "wasibox: "+format+"\n", args...)
	return exitFailed
}
