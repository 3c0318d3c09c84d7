// Command wazerowasi runs a wasip1 module the way `wazero run` (wazero's
// own CLI, cmd/wazero) does, with wazero's own WASI
// (imports/wasi_snapshot_preview1) and its pre-opened TCP listeners
// (experimental/sock), so that internal/netbench can time wasibox against
// a plain wazero user on the same guest.
//
// Usage:
//
//	wazerowasi [-cachedir DIR] [-listen HOST:PORT]... module.wasm [args...]
//
// Everything the CLI sets up is set up the same way: wazero's default
// compiler configuration (wazero.NewRuntimeConfig, no
// WithCloseOnContextDone since no -timeout is given), stdin, stdout,
// stderr, crypto/rand, the system clocks and nanosleep, no mounts, no
// environment, argv[0] the module's base name, and each -listen a
// pre-opened listener (descriptors 3, 4, ... with no mounts). The one
// addition: the CLI refuses a module that imports functions wazero lacks,
// and the test guests link the WasmEdge socket extensions (guest/sock)
// into the same wasi_snapshot_preview1 namespace, so each such import is
// bound to a stub that returns ENOSYS, as a runtime without the extension
// would answer. A guest serving on a pre-opened listener (`httpserver
// fd:3`) never calls them; every function it does call is wazero's.
//
// The compilation cache (-cachedir) only saves compile time; the code it
// holds is what the runtime would compile anyway.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental/sock"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// errnoNosys is WASI preview 1's ENOSYS.
const errnoNosys = 52

// listens collects the repeated -listen flag.
type listens []string

func (l *listens) String() string     { return fmt.Sprint(*l) }
func (l *listens) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	os.Exit(run())
}

func run() int {
	var ls listens
	flag.Var(&ls, "listen", "pre-open a TCP listener on HOST:PORT (repeatable; port 0 picks one)")
	cacheDir := flag.String("cachedir", "", "folder for wazero's compilation cache")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: wazerowasi [-cachedir DIR] [-listen HOST:PORT]... module.wasm [args...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 1 {
		flag.Usage()
		return 2
	}
	wasmPath := flag.Arg(0)
	wasm, err := os.ReadFile(wasmPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wazerowasi:", err)
		return 1
	}

	ctx := context.Background()
	sockCfg := sock.NewConfig()
	for _, l := range ls {
		host, portStr, err := net.SplitHostPort(l)
		if err != nil {
			fmt.Fprintf(os.Stderr, "wazerowasi: -listen %q: %v\n", l, err)
			return 2
		}
		port, err := strconv.ParseUint(portStr, 10, 16)
		if err != nil {
			fmt.Fprintf(os.Stderr, "wazerowasi: -listen %q: bad port\n", l)
			return 2
		}
		sockCfg = sockCfg.WithTCPListener(host, int(port))
	}
	ctx = sock.WithConfig(ctx, sockCfg)

	rtc := wazero.NewRuntimeConfig()
	if *cacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(*cacheDir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "wazerowasi:", err)
			return 1
		}
		rtc = rtc.WithCompilationCache(cache)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, rtc)
	defer rt.Close(ctx)

	guest, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		fmt.Fprintln(os.Stderr, "wazerowasi: compile:", err)
		return 1
	}
	if err := instantiateWASI(ctx, rt, guest); err != nil {
		fmt.Fprintln(os.Stderr, "wazerowasi:", err)
		return 1
	}

	conf := wazero.NewModuleConfig().
		WithStdout(os.Stdout).
		WithStderr(os.Stderr).
		WithStdin(os.Stdin).
		WithRandSource(rand.Reader).
		WithFSConfig(wazero.NewFSConfig()).
		WithSysNanosleep().
		WithSysNanotime().
		WithSysWalltime().
		WithArgs(append([]string{filepath.Base(wasmPath)}, flag.Args()[1:]...)...)
	if _, err := rt.InstantiateModule(ctx, guest, conf); err != nil {
		var exit *sys.ExitError
		if errors.As(err, &exit) {
			return int(exit.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "wazerowasi: instantiate:", err)
		return 1
	}
	return 0
}

// instantiateWASI instantiates wazero's wasi_snapshot_preview1 with an
// ENOSYS stub for each function guest imports from that module that
// wazero does not define (the WasmEdge socket extensions).
func instantiateWASI(ctx context.Context, rt wazero.Runtime, guest wazero.CompiledModule) error {
	// wazero's own functions, from a compiled copy of its host module.
	own, err := wasi_snapshot_preview1.NewBuilder(rt).Compile(ctx)
	if err != nil {
		return err
	}
	defined := own.ExportedFunctions()
	own.Close(ctx)

	b := rt.NewHostModuleBuilder(wasi_snapshot_preview1.ModuleName)
	wasi_snapshot_preview1.NewFunctionExporter().ExportFunctions(b)
	stubbed := map[string]bool{}
	for _, f := range guest.ImportedFunctions() {
		module, name, _ := f.Import()
		if module != wasi_snapshot_preview1.ModuleName || defined[name] != nil || stubbed[name] {
			continue
		}
		results := f.ResultTypes()
		if len(results) != 1 || results[0] != api.ValueTypeI32 {
			return fmt.Errorf("%s.%s: cannot stub a function without one i32 (errno) result", module, name)
		}
		stubbed[name] = true
		b.NewFunctionBuilder().
			WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, _ api.Module, stack []uint64) {
				stack[0] = errnoNosys
			}), f.ParamTypes(), results).
			Export(name)
	}
	_, err = b.Instantiate(ctx)
	return err
}
