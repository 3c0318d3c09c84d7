package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGoWasip1Wrapper runs a Go test package built for wasip1 through
// misc/go_wasip1_wasm_exec, the way a developer would:
//
//	PATH=misc:$PATH GOOS=wasip1 GOARCH=wasm go test ./pkg
//
// It checks the working directory, relative paths, environment passing and
// that the test's exit status reaches the go command.
func TestGoWasip1Wrapper(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go's standard library for wasip1")
	}
	misc, err := filepath.Abs(filepath.Join("..", "..", "misc"))
	if err != nil {
		t.Fatal(err)
	}
	bin := wasiboxBin(t)
	goTest := func(t *testing.T, extraEnv ...string) (string, int) {
		t.Helper()
		// Generous: the first run compiles the standard library for wasip1.
		ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-v", "./testdata/gowasip1")
		cmd.Env = append(os.Environ(),
			"PATH="+misc+string(os.PathListSeparator)+os.Getenv("PATH"),
			"GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=",
			"WASIBOX="+bin,
			"XDG_CACHE_HOME="+filepath.Join(shared.dir, "cache"),
			"GOWASIBOXTEST=inherited", "WASIBOXSECRET=not for the guest",
		)
		cmd.Env = append(cmd.Env, extraEnv...)
		out, err := cmd.CombinedOutput()
		if err != nil && cmd.ProcessState == nil {
			t.Fatalf("go test: %v\n%s", err, out)
		}
		return string(out), cmd.ProcessState.ExitCode()
	}

	out, code := goTest(t)
	if code != 0 || !strings.Contains(out, "--- PASS: TestUnderWasibox") {
		t.Fatalf("go test under wasibox: exit %d\n%s", code, out)
	}
	// The control: a failing guest test must fail go test.
	out, code = goTest(t, "GOWASIBOXFAIL=1")
	if code != 1 || !strings.Contains(out, "failing as requested") {
		t.Fatalf("go test with a failing test: exit %d, want 1\n%s", code, out)
	}
}
