// Package netbench measures wasibox's network path against native code:
// the same Go programs (testdata/guests/net/httpserver and .../echo), built
// for wasip1 and run under `wasibox run --listen`, and built natively with
// plain `go build` (guest/sock forwards to package net there), are loaded
// over loopback and compared as a ratio.
//
// The package holds the load generators the benchmarks use (an HTTP/1.1
// keep-alive load generator, Load, and a TCP stream pump, Stream); the
// benchmarks themselves are in its tests and run with
//
//	go test ./internal/netbench -bench . -run '^$' -benchtime 1x
//
// Each benchmark runs for a fixed, bounded time (flag -netbench.duration,
// default 5s, plus a warm-up) and request count, whatever b.N is, and
// reports, for the wasibox server and the native one measured just before
// it: requests per second ("req/s", "native-req/s", "ratio"), median and
// 99th-percentile latency, or stream throughput ("MB/s", "native-MB/s",
// "ratio"). -netbench.wasibox-args passes extra flags to `wasibox run`
// (e.g. "--cpuprofile /tmp/host.prof --stats" to profile the host side).
// TestLoad and TestStream run every generator briefly against both builds,
// so a broken path fails plain `go test`. The numbers measured are in
// RATIONALE.md, "Network performance".
//
// Trust boundary: none; this is test code. It builds the guests, their
// native twins and the wasibox binary into temporary folders, and talks to
// them on 127.0.0.1 only.
package netbench
