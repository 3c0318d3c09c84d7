package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/tetratelabs/wazero/sys"
)

func TestGuestExit(t *testing.T) {
	trap := errors.New("wasm error: unreachable\nwasm stack trace:\n\tapp.inner()")
	tests := []struct {
		name       string
		runErr     error
		cause      error
		want       int
		wantStderr string
	}{
		{name: "returned", want: 0},
		{name: "exit 0", runErr: sys.NewExitError(0), want: 0},
		{name: "exit 3", runErr: sys.NewExitError(3), want: 3},
		{name: "exit 255", runErr: sys.NewExitError(255), want: 255},
		{name: "exit 256", runErr: sys.NewExitError(256), want: 1, wantStderr: "guest exit code 256 is out of range"},
		{name: "exit 300", runErr: sys.NewExitError(300), want: 1, wantStderr: "guest exit code 300 is out of range"},
		{name: "wrapped exit", runErr: fmt.Errorf("start: %w", sys.NewExitError(7)), want: 7},
		{name: "trap", runErr: trap, want: exitTrap, wantStderr: "wasibox: trap: wasm error: unreachable\nwasm stack trace:\n\tapp.inner()\n"},
		{name: "timeout", runErr: sys.NewExitError(sys.ExitCodeContextCanceled), cause: errTimeout, want: exitTimeout, wantStderr: "timeout"},
		{name: "timeout wins over guest exit", runErr: sys.NewExitError(1), cause: errTimeout, want: exitTimeout, wantStderr: "timeout"},
		{name: "timeout wins over return", cause: errTimeout, want: exitTimeout, wantStderr: "timeout"},
		{name: "SIGINT", runErr: sys.NewExitError(sys.ExitCodeContextCanceled), cause: signalCause{syscall.SIGINT}, want: 130},
		{name: "SIGTERM", runErr: trap, cause: signalCause{syscall.SIGTERM}, want: 143},
		{name: "other cancellation", cause: context.Canceled, want: exitFailed, wantStderr: "cancelled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if got := guestExit(tt.runErr, tt.cause, &stderr); got != tt.want {
				t.Errorf("guestExit(%v, %v) = %d, want %d", tt.runErr, tt.cause, got, tt.want)
			}
			if tt.wantStderr == "" && stderr.Len() != 0 {
				t.Errorf("stderr = %q, want none", stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}

func TestRunCause(t *testing.T) {
	t.Run("finished first", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		if got := runCause(ctx, cancel); got != nil {
			t.Fatalf("runCause = %v, want nil", got)
		}
		cancel(errTimeout) // a late timeout changes nothing
		if got := runCause(ctx, cancel); got != nil {
			t.Fatalf("runCause after late timeout = %v, want nil", got)
		}
	})
	t.Run("timeout first", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(t.Context())
		cancel(errTimeout)
		if got := runCause(ctx, cancel); got != errTimeout {
			t.Fatalf("runCause = %v, want errTimeout", got)
		}
	})
}

func TestWatchSignals(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	sigs := make(chan os.Signal)
	done := make(chan struct{})
	exited := make(chan int, 1)
	returned := make(chan struct{})
	go func() {
		watchSignals(sigs, done, cancel, func(code int) { exited <- code })
		close(returned)
	}()

	sigs <- syscall.SIGTERM
	<-ctx.Done()
	if c := context.Cause(ctx); c != (signalCause{syscall.SIGTERM}) {
		t.Fatalf("cause after first signal = %v, want SIGTERM", c)
	}
	select {
	case code := <-exited:
		t.Fatalf("exit(%d) after the first signal", code)
	default:
	}
	sigs <- syscall.SIGINT
	if code := <-exited; code != 130 {
		t.Fatalf("second signal: exit(%d), want 130", code)
	}
	<-returned
	close(done)
}
