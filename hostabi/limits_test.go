package hostabi

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
)

// watBytes compiles WAT source with wat2wasm (a missing wat2wasm fails the
// test, as buildWAT does).
func watBytes(tb testing.TB, src string) []byte {
	tb.Helper()
	wat2wasm, err := exec.LookPath("wat2wasm")
	if err != nil {
		tb.Fatalf("wat2wasm not found (install wabt): %v", err)
	}
	dir := tb.TempDir()
	in, out := filepath.Join(dir, "m.wat"), filepath.Join(dir, "m.wasm")
	if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
	if msg, err := exec.Command(wat2wasm, in, "-o", out).CombinedOutput(); err != nil {
		tb.Fatalf("wat2wasm: %v\n%s", err, msg)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

func TestMemoryLimitPages(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bytes uint64
		want  uint32
	}{
		{"none", 0, MaxMemoryPages},
		{"under a page", PageSize - 1, 0},
		{"one page", PageSize, 1},
		{"rounded down", 3*PageSize + 100, 3},
		{"256MiB", 256 << 20, 4096},
		{"4GiB", 4 << 30, MaxMemoryPages},
		{"huge", 1 << 62, MaxMemoryPages},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MemoryLimitPages(tc.bytes); got != tc.want {
				t.Errorf("MemoryLimitPages(%d) = %d, want %d", tc.bytes, got, tc.want)
			}
		})
	}
}

// TestMemoryLimit checks that wazero holds the limit: memory.grow fails
// past it whatever the module declares, and a module that needs more at
// start does not compile.
func TestMemoryLimit(t *testing.T) {
	ctx := t.Context()
	const limit = 4 * PageSize // 256 KiB
	grow := func(mem string) string {
		return `(module (memory (export "memory") ` + mem + `)
			(func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`
	}
	for _, tc := range []struct {
		name       string
		mem        string
		compileErr string
	}{
		{"no maximum", "1", ""},
		{"maximum above the limit", "1 1000", ""},
		{"minimum above the limit", "5", "over limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := wazero.NewRuntimeWithConfig(ctx, WithMemoryLimit(wazero.NewRuntimeConfig(), limit))
			defer r.Close(ctx)
			compiled, err := r.CompileModule(ctx, watBytes(t, grow(tc.mem)))
			if tc.compileErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.compileErr) {
					t.Fatalf("compile: %v, want an error containing %q", err, tc.compileErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			mod, err := r.InstantiateModule(ctx, compiled, wazero.NewModuleConfig())
			if err != nil {
				t.Fatal(err)
			}
			call := func(pages uint64) int32 {
				res, err := mod.ExportedFunction("grow").Call(ctx, pages)
				if err != nil {
					t.Fatal(err)
				}
				return int32(res[0])
			}
			if got := call(3); got != 1 {
				t.Errorf("grow to the limit returned %d, want 1 (the old size)", got)
			}
			if got := call(1); got != -1 {
				t.Errorf("grow past the limit returned %d, want -1", got)
			}
			if got := call(65535); got != -1 {
				t.Errorf("grow by 4 GiB returned %d, want -1", got)
			}
			if size := mod.Memory().Size(); size != limit {
				t.Errorf("memory is %d bytes, want %d", size, limit)
			}
		})
	}
	if rc := WithMemoryLimit(wazero.NewRuntimeConfig(), 0); rc == nil {
		t.Error("WithMemoryLimit(rc, 0) returned nil")
	}
}
