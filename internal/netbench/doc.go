// Package netbench measures wasibox's network path against native code
// and against wazero's own WASI: the same Go programs
// (testdata/guests/net/httpserver and .../echo), built for wasip1 and run
// under `wasibox run --listen`, and built natively with plain `go build`
// (guest/sock forwards to package net there), are loaded over loopback and
// compared as a ratio. BenchmarkHTTP also runs the wasip1 httpserver on a
// listener its runtime pre-opens as descriptor 3 (`httpserver fd:3`: plain
// Go net.FileListener, preview 1 sock_accept, no socket extensions), under
// wazero's own wasi_snapshot_preview1 (cmd/wazerowasi, set up as the
// `wazero run` CLI sets it up) and under `wasibox run --tcplisten`: the
// byte-identical module under both runtimes, the peer ratio.
//
// The package holds the load generators the benchmarks use (an HTTP/1.1
// keep-alive load generator, Load, and a TCP stream pump, Stream); the
// benchmarks themselves are in its tests and run with
//
//	go test ./internal/netbench -bench . -run '^$' -benchtime 1x
//
// Each benchmark runs for a fixed, bounded time (flag -netbench.duration,
// default 5s, after -netbench.warmup) and request count, whatever b.N is,
// and reports, for each runtime of -netbench.runtimes (default native,
// wasibox, wazero-wasi, wasibox-preopen, measured in turn; -count repeats
// the turn): requests per second ("req/s" for wasibox, "native-req/s",
// "wazero-req/s", "preopen-req/s"), the ratio to native, median and
// 99th-percentile latency, the server's CPU time per request
// ("cpu-us/req"), or the stream's throughput and CPU time per GiB.
// BenchmarkHTTPIdle reports the CPU each server burns while idle with
// keep-alive connections open (a poll_oneoff that does not block spins).
// -netbench.wasibox measures another wasibox binary (to compare builds);
// -netbench.wasibox-args passes extra flags to `wasibox run` (e.g.
// "--cpuprofile /tmp/host.prof --stats" to profile the host side);
// -netbench.cache keeps the compilation cache between runs.
// TestLoad and TestStream check the generators against in-process
// servers, and TestGuests runs them briefly against every runtime of both
// guests, so a broken benchmark fails plain `go test`. Command
// cmd/netload applies the same loads to a server started by hand. The
// numbers measured are in RATIONALE.md, "Network performance".
//
// Trust boundary: none; this is test code. It builds the guests, their
// native twins, the wasibox binary and cmd/wazerowasi into temporary
// folders, and talks to them on 127.0.0.1 only.
package netbench
