package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/tetratelabs/wazero/sys"
)

// Exit statuses of wasibox (design.md, "Exit codes of wasibox run").
const (
	exitOK         = 0
	exitGuestRange = 1   // a guest exit code above 255 becomes 1
	exitUsage      = 2   // bad command line (see RATIONALE.md, "CLI")
	exitTimeout    = 124 // --timeout elapsed, as timeout(1)
	exitFailed     = 125 // wasibox itself failed: module not found, link error, ...
	exitTrap       = 134 // the guest trapped (128 + SIGABRT, as a native abort)
)

// errTimeout is the cancellation cause of --timeout.
var errTimeout = errors.New("timeout")

// signalCause is the cancellation cause of a SIGINT or SIGTERM.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string { return "received " + c.sig.String() }

// exitStatus returns 128 + the signal number, as a shell reports a process
// killed by sig.
func exitStatus(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitFailed
}

// guestExit maps the outcome of running a guest to wasibox's exit status
// and writes one explanatory line on stderr where the status alone would
// not explain itself.
//
// cause is the reason the run was cancelled (errTimeout or a signalCause),
// nil if it was not. Once cancellation fired, it decides the status
// whatever the guest did next: like timeout(1), a command that is being
// stopped reports 124 even if it manages to exit on its own in between
// (waking blocked calls may make it see EINTR and exit with its own code).
//
// runErr is what calling the start function returned: nil (returned
// normally), a *sys.ExitError (proc_exit, or closed on cancellation), or
// any other error, which is a trap whose text carries wazero's wasm stack
// trace.
func guestExit(runErr, cause error, stderr io.Writer) int {
	if cause != nil {
		var sc signalCause
		switch {
		case errors.Is(cause, errTimeout):
			fmt.Fprintln(stderr, "wasibox: timeout: guest stopped")
			return exitTimeout
		case errors.As(cause, &sc):
			return exitStatus(sc.sig)
		}
		fmt.Fprintf(stderr, "wasibox: cancelled: %v\n", cause)
		return exitFailed
	}
	if runErr == nil {
		return exitOK
	}
	var ee *sys.ExitError
	if errors.As(runErr, &ee) {
		code := ee.ExitCode()
		if code <= 255 {
			return int(code)
		}
		fmt.Fprintf(stderr, "wasibox: guest exit code %d is out of range 0-255; exiting with 1\n", code)
		return exitGuestRange
	}
	fmt.Fprintf(stderr, "wasibox: trap: %v\n", runErr)
	return exitTrap
}
