// Package bench measures the runtime core against native code: the same C
// loops (testdata/guests/bench/syscalls.c), built for wasm32-wasi and for
// the host, are timed natively, under wasibox and under wazero's own WASI,
// and each guest reports the cost of one operation of its loop as timed by
// itself.
//
// host=wasibox is the primary figure: the guest runs as `wasibox run`
// runs it, over the guarded System of wasibox.NewSystem (guard over unix,
// a manifest mounting the fixture folder, kernel confinement) with the
// CLI's runtime configuration (no per-loop cancellation checks).
// host=wasibox-lib is the same System under the library's configuration
// (wasibox.RuntimeConfig, checks on), host=wazero the peer.
//
// The package holds only tests. Benchmarks run with
//
//	go test ./internal/bench -bench . -benchmem -run '^$'
//
// and report, per operation and host, "guest-ns/op" (the loop alone, as
// timed inside the guest with clock_gettime(CLOCK_MONOTONIC)),
// "ratio-to-native" (guest-ns/op over that of a native run of the same
// length made just before), and the same two from CPU time ("cpu-ns/op",
// "cpu-ratio"), which a busy machine distorts less. TestLoops runs every
// loop a few times on every host, so a broken loop fails plain `go test`.
// The targets are in the design (shared/docs/design.md, performance
// targets); the numbers measured are in RATIONALE.md, "Benchmarks".
//
// Trust boundary: none; this is test code. It builds the guests with clang
// (wasm32-wasi with wasi-libc, and natively) into a temporary folder and
// runs the native build as a child process.
package bench
