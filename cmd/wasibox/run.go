package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox"
	"github.com/wasibox/wasibox/hostabi"
)

func runMain(ctx context.Context, e *cliEnv, args []string) int {
	f, err := parseRunFlags(args)
	if err != nil {
		return e.usageFailed(err, runUsage)
	}
	return e.run(ctx, f)
}

// errFinished is the cancellation cause set when the guest has returned:
// whichever of it, a signal or the timeout comes first decides the status.
var errFinished = errors.New("finished")

// run runs f.Module and returns wasibox's exit status.
func (e *cliEnv) run(parent context.Context, f *runFlags) int {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(errFinished)

	// Signals are caught before anything slow (compilation) starts, so that
	// the first SIGINT/SIGTERM always stops the guest in an orderly way and
	// yields 130/143. A second one exits at once: the guest may be stuck
	// somewhere cancellation does not reach (a bug), and the user insists.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go watchSignals(sigs, done, cancel, e.exit)

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

	rc := wasibox.RuntimeConfig(m)
	if !f.NoCache {
		if c := openCache(e.stderr); c != nil {
			defer c.Close(context.Background())
			rc = rc.WithCompilationCache(c)
		}
	}
	r := wazero.NewRuntimeWithConfig(ctx, rc)
	defer r.Close(context.Background())

	compiled, err := r.CompileModule(ctx, wasm)
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

	// Flags and manifests take one path: the manifest (from -c, or built
	// from the flags) gives the mounts, environment, network grants and
	// limits; the guard enforces it over the kernel-level System.
	system, err := wasibox.NewSystem(ctx, wasibox.Options{
		Manifest:     m,
		Args:         append([]string{filepath.Base(f.Module)}, f.Args...),
		HostEnv:      e.environ,
		DenyLog:      e.stderr,
		ModuleSHA256: sum,
		Resolver:     f.Resolver,
	})
	if err != nil {
		return e.failed("%v", err)
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

	host, err := hostabi.Instantiate(ctx, r, system, compiled)
	if err != nil {
		return e.failed("link %s: %v", f.Module, err)
	}
	defer host.Close(context.Background())

	// wazero's own WASI is not instantiated: args, environment, stdio and
	// files all come through hostabi and system. The guest is named after its
	// file (stack traces read "app._start"), never after the host module,
	// whatever its name section says. Start functions are called below, so
	// that a link error (125) is told apart from a trap (134).
	name := strings.TrimSuffix(filepath.Base(f.Module), ".wasm")
	if name == hostabi.ModuleName {
		name = ""
	}
	mod, err := r.InstantiateModule(ctx, compiled, wazero.NewModuleConfig().WithName(name).WithStartFunctions())
	if err != nil {
		// A wasm start section runs during instantiation and may exit or
		// be cancelled; anything else is a link error.
		if cause := runCause(ctx, cancel); cause != nil || isExit(err) {
			return guestExit(err, cause, e.stderr)
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
		return exitOK
	}
	if d := start.Definition(); len(d.ParamTypes()) != 0 || len(d.ResultTypes()) != 0 {
		return e.failed("%s: %s must have type [] -> [], has %v -> %v",
			f.Module, d.Name(), d.ParamTypes(), d.ResultTypes())
	}
	_, err = start.Call(ctx)
	return guestExit(err, runCause(ctx, cancel), e.stderr)
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
