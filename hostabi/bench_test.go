package hostabi

import (
	"context"
	"crypto/rand"
	"os"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

// hotPaths are the host calls that must not allocate (design.md,
// performance targets); each has a guest testdata/bench_<name>.wat whose
// run(n) calls it n times.
var hotPaths = []string{"fd_write", "fd_read", "clock_time_get", "random_get", "poll_oneoff"}

// newBenchFake returns a quiet fake whose hot methods succeed without
// allocating.
func newBenchFake() *fakeSystem {
	return &fakeSystem{
		quiet:     true,
		timestamp: 1,
		data:      []byte("0123456789abcdef"),
		events:    []wasi.Event{{UserData: 42, EventType: wasi.ClockEvent}},
	}
}

// newBenchUnix returns a unix System with /dev/zero as stdin and /dev/null
// as stdout, closed at the end of the benchmark.
func newBenchUnix(tb testing.TB) wasi.System {
	tb.Helper()
	zero, err := os.Open("/dev/zero")
	if err != nil {
		tb.Fatal(err)
	}
	defer zero.Close()
	null, err := os.OpenFile("/dev/null", os.O_WRONLY, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer null.Close()
	s, err := unix.New(unix.Config{Args: []string{"bench"}, Stdin: int(zero.Fd()), Stdout: int(null.Fd()), Stderr: -1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// BenchmarkHostCall measures one host call made by a wasm loop, per hot
// path, over the fake System, over unix.System, and over wazero's own
// imports/wasi_snapshot_preview1 (stdin /dev/zero, stdout /dev/null, real
// clocks and crypto/rand) for ratios. Compare with
// benchstat; allocs/op must be 0 for fake and unix.
func BenchmarkHostCall(b *testing.B) {
	for _, name := range hotPaths {
		bin := buildWAT(b, "bench_"+name)
		b.Run(name+"/fake", func(b *testing.B) {
			benchGuest(b, bin, func(ctx context.Context, r wazero.Runtime, guest wazero.CompiledModule) wazero.ModuleConfig {
				if _, err := Instantiate(ctx, r, newBenchFake(), guest); err != nil {
					b.Fatal(err)
				}
				return wazero.NewModuleConfig()
			})
		})
		b.Run(name+"/unix", func(b *testing.B) {
			benchGuest(b, bin, func(ctx context.Context, r wazero.Runtime, guest wazero.CompiledModule) wazero.ModuleConfig {
				if _, err := Instantiate(ctx, r, newBenchUnix(b), guest); err != nil {
					b.Fatal(err)
				}
				return wazero.NewModuleConfig()
			})
		})
		b.Run(name+"/wazero", func(b *testing.B) {
			benchGuest(b, bin, func(ctx context.Context, r wazero.Runtime, guest wazero.CompiledModule) wazero.ModuleConfig {
				if _, err := wasi_snapshot_preview1.Instantiate(ctx, r); err != nil {
					b.Fatal(err)
				}
				null, err := os.OpenFile("/dev/null", os.O_WRONLY, 0)
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { null.Close() })
				zero, err := os.Open("/dev/zero")
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { zero.Close() })
				return wazero.NewModuleConfig().WithStdin(zero).WithStdout(null).
					WithSysNanotime().WithSysWalltime().WithSysNanosleep().WithRandSource(rand.Reader)
			})
		})
	}
}

// benchGuest instantiates the guest bin after setup has instantiated the
// host module, warms it up, and times run(b.N): b.N host calls.
func benchGuest(b *testing.B, bin []byte, setup func(context.Context, wazero.Runtime, wazero.CompiledModule) wazero.ModuleConfig) {
	ctx := b.Context()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	guest, err := r.CompileModule(ctx, bin)
	if err != nil {
		b.Fatal(err)
	}
	cfg := setup(ctx, r, guest)
	mod, err := r.InstantiateModule(ctx, guest, cfg.WithStartFunctions())
	if err != nil {
		b.Fatal(err)
	}
	run := mod.ExportedFunction("run")
	stack := []uint64{100} // warm up: scratch slices grow here
	if err := run.CallWithStack(ctx, stack); err != nil || stack[0] != 0 {
		b.Fatalf("warm-up: errno %v, %v", wasi.Errno(stack[0]), err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	stack[0] = uint64(b.N)
	if err := run.CallWithStack(ctx, stack); err != nil || stack[0] != 0 {
		b.Fatalf("run: errno %v, %v", wasi.Errno(stack[0]), err)
	}
}
