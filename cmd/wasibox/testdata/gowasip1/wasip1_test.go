// Package gowasip1 is run by TestGoWasip1Wrapper with GOOS=wasip1 through
// misc/go_wasip1_wasm_exec: it checks what Go's test harness expects from a
// wasip1 runtime (working directory, relative paths, environment, exit
// status).
package gowasip1

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestUnderWasibox(t *testing.T) {
	if runtime.GOOS != "wasip1" {
		t.Skip("run with GOOS=wasip1 by TestGoWasip1Wrapper")
	}
	wd, err := os.Getwd()
	if err != nil || !strings.HasSuffix(wd, "/testdata/gowasip1") {
		t.Errorf("Getwd() = %q, %v; want the package folder", wd, err)
	}
	b, err := os.ReadFile("input.txt")
	if err != nil || string(b) != "hello from the host\n" {
		t.Errorf("ReadFile(input.txt) = %q, %v", b, err)
	}
	if got := os.Getenv("GOWASIBOXTEST"); got != "inherited" {
		t.Errorf("GOWASIBOXTEST = %q, want %q (GO* is inherited)", got, "inherited")
	}
	if got := os.Getenv("WASIBOXSECRET"); got != "" {
		t.Errorf("WASIBOXSECRET = %q, want it not inherited", got)
	}
	p := filepath.Join(t.TempDir(), "out.txt")
	if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
		t.Errorf("WriteFile in TempDir: %v", err)
	}
}

func TestFailsOnRequest(t *testing.T) {
	if os.Getenv("GOWASIBOXFAIL") != "" {
		t.Fatal("failing as requested")
	}
}
