package hostabi

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// buildWAT compiles testdata/<name>.wat with wat2wasm. A missing wat2wasm
// fails the test: CI installs wabt, and a skipped ABI suite would pass
// without testing anything.
func buildWAT(tb testing.TB, name string) []byte {
	tb.Helper()
	wat2wasm, err := exec.LookPath("wat2wasm")
	if err != nil {
		tb.Fatalf("wat2wasm not found (install wabt): %v", err)
	}
	out := filepath.Join(tb.TempDir(), name+".wasm")
	cmd := exec.Command(wat2wasm, filepath.Join("testdata", name+".wat"), "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("wat2wasm %s: %v\n%s", name, err, msg)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

// guestEnv is a runtime with the host module over sys and one guest.
type guestEnv struct {
	r     wazero.Runtime
	mod   api.Module
	stack []uint64
}

// newGuestEnv instantiates hostabi over sys and then the guest built from
// testdata/<name>.wat, in a fresh runtime closed at the end of the test.
func newGuestEnv(tb testing.TB, ctx context.Context, sys wasi.System, name string) *guestEnv {
	tb.Helper()
	return newGuestEnvWASM(tb, ctx, sys, buildWAT(tb, name))
}

func newGuestEnvWASM(tb testing.TB, ctx context.Context, sys wasi.System, bin []byte) *guestEnv {
	tb.Helper()
	r := wazero.NewRuntime(ctx)
	tb.Cleanup(func() { r.Close(context.Background()) })
	guest, err := r.CompileModule(ctx, bin)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := Instantiate(ctx, r, sys, guest); err != nil {
		tb.Fatal(err)
	}
	mod, err := r.InstantiateModule(ctx, guest, wazero.NewModuleConfig().WithStartFunctions())
	if err != nil {
		tb.Fatal(err)
	}
	return &guestEnv{r: r, mod: mod, stack: make([]uint64, 16)}
}

// mem returns the guest's whole linear memory (aliased).
func (e *guestEnv) mem(tb testing.TB) []byte {
	tb.Helper()
	m := e.mod.Memory()
	b, ok := m.Read(0, m.Size())
	if !ok {
		tb.Fatal("memory read failed")
	}
	return b
}

// call calls the guest export fn with params and returns the errno it
// returned (0 for functions without results).
func (e *guestEnv) call(tb testing.TB, ctx context.Context, fn string, params ...uint64) (wasi.Errno, error) {
	tb.Helper()
	f := e.mod.ExportedFunction(fn)
	if f == nil {
		tb.Fatalf("guest does not export %s", fn)
	}
	res, err := f.Call(ctx, params...)
	if err != nil || len(res) == 0 {
		return 0, err
	}
	return wasi.Errno(res[0]), nil
}
