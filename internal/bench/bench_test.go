package bench

import (
	"testing"
)

// BenchmarkSyscalls times each loop of syscalls.c natively, under wasibox
// as `wasibox run` runs it (host=wasibox, the primary figure), under
// wasibox with the library's runtime configuration (host=wasibox-lib) and
// under wazero's WASI (env.hosts). One benchmark iteration is one iteration of the
// guest's loop: b.N is passed to a single guest run. Each sub-benchmark
// reports
//
//   - guest-ns/op: the guest's own time per operation, loop only;
//   - ratio-to-native: guest-ns/op over that of a native run of the same
//     b.N made just before, untimed, in the same benchmark function. Pairing
//     each run with its own native run keeps the ratio meaningful on a
//     shared, noisy machine, where load changes between sub-benchmarks;
//   - cpu-ns/op and cpu-ratio: the same from CPU time (user + system) of
//     the whole run, start-up included, which the scheduler's choices do
//     not inflate (see result).
//
// Go's own ns/op also counts the guest's start-up (process or instance),
// so guest-ns/op is the figure to compare. Summarise with benchstat:
//
//	go test ./internal/bench -bench . -benchmem -run '^$' -count 5 > new.txt
//	benchstat -col /host new.txt
func BenchmarkSyscalls(b *testing.B) {
	e := newEnv(b)
	for _, o := range ops {
		b.Run("op="+o.name, func(b *testing.B) {
			for _, h := range e.hosts() {
				b.Run("host="+h.name, func(b *testing.B) {
					b.ReportAllocs()
					b.StopTimer()
					native, err := e.runNative(b.Context(), noTimer{}, o.name, b.N)
					if err != nil {
						b.Fatal(err)
					}
					b.ResetTimer()
					b.StartTimer()
					got, err := h.run(b.Context(), b, o.name, b.N)
					b.StopTimer()
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(got.guestNs, "guest-ns/op")
					b.ReportMetric(got.guestNs/native.guestNs, "ratio-to-native")
					b.ReportMetric(got.cpuNs, "cpu-ns/op")
					b.ReportMetric(got.cpuNs/native.cpuNs, "cpu-ratio")
				})
			}
		})
	}
}
