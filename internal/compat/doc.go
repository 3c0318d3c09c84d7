// Package compat is a compatibility suite: it runs real-world WASI
// preview 1 programs from wazero's own test data under wasibox, with the
// arguments, environment, preopened folders and standard input that
// wazero's tests give them, and checks the output, the error output and
// the exit status that those tests expect.
//
// The programs are the ones wazero ships prebuilt beside their sources
// (Rust via cargo-wasi, TinyGo, Zig, C via zig cc, hand-written WAT) and
// one Go program built at test time with GOOS=wasip1. They are read from
// the Go module cache (the wazero version go.mod requires); nothing is
// copied into this repository. Without the module's source in the cache,
// every test skips and says how to fetch it.
//
// The expectations are wazero's, except where wazero's answer is a quirk
// of wazero rather than what WASI specifies (or what wasmtime does where
// the spec is silent): there the test asserts the spec's behaviour and its
// comment says why. Where wasibox differs from the expectation for a
// reason already understood, the case names that reason (a divergence) and
// skips while wasibox still produces exactly the output recorded with it,
// so that a fix, or any other change, is noticed.
//
// The tests run the guests in-process through the library (NewSystem,
// hostabi.Instantiate, one wazero compilation cache per test binary) and,
// for wazero's CLI cases, through a wasibox binary built once per test
// binary. Where wazero's tests sleep to let a guest reach a call (a
// FIFO read, an accept), these wait for the call in wasibox's trace.
// Path cases run under both resolvers (openat2 and the openat walk).
//
// Usage:
//
//	go test ./internal/compat -v            # every case; skips name divergences
//	go test ./internal/compat -run Test_Sock
//
// Trust boundary: the prebuilt modules are third-party binaries and are
// treated as hostile guests: they run only under wasibox, with nothing
// granted beyond the temporary folders (or read-only module-cache folders)
// each case mounts. The harness itself is test code and trusts the module
// cache, the Go toolchain and the host kernel.
package compat
