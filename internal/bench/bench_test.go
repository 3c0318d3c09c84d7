package bench

import (
	"testing"
)

// BenchmarkSyscalls times each loop of syscalls.c natively, under wasibox
// and under wazero's WASI. One benchmark iteration is one iteration of the
// guest's loop: b.N is passed to a single guest run. Each sub-benchmark
// reports
//
//   - guest-ns/op: the guest's own time per operation, loop only;
//   - ratio-to-native: guest-ns/op over the native loop's guest-ns/op,
//     measured earlier in the same process (by the native sub-benchmark,
//     or, when -bench filtered it out, by a native run of the same b.N
//     just before).
//
// Go's own ns/op also counts the guest's start-up (process or instance),
// so guest-ns/op is the figure to compare. Summarise with benchstat:
//
//	go test ./internal/bench -bench . -benchmem -run '^$' -count 5 > new.txt
//	benchstat new.txt
func BenchmarkSyscalls(b *testing.B) {
	e := newEnv(b)
	for _, o := range ops {
		b.Run(o.name, func(b *testing.B) {
			native := 0.0 // guest-ns/op of the last native run
			b.Run("native", func(b *testing.B) {
				ns := measure(b, e.runNative, o.name)
				native = ns
				b.ReportMetric(1, "ratio-to-native")
			})
			for _, peer := range []struct {
				name string
				run  host
			}{
				{"wasibox", e.runWasibox},
				{"wazero", e.runWazero},
			} {
				b.Run(peer.name, func(b *testing.B) {
					ns := measure(b, peer.run, o.name)
					base := native
					if base == 0 {
						var err error
						if base, err = e.runNative(b.Context(), noTimer{}, o.name, b.N); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(ns/base, "ratio-to-native")
				})
			}
		})
	}
}

// measure runs the loop op for b.N iterations on run and reports the
// guest's own ns per operation.
func measure(b *testing.B, run host, op string) float64 {
	b.ReportAllocs()
	b.ResetTimer()
	ns, err := run(b.Context(), b, op, b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(ns, "guest-ns/op")
	return ns
}
