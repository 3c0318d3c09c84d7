package compat

// wazero's small WAT programs (usage_test.go, example_test.go, wasi_test.go
// of imports/wasi_snapshot_preview1) and the "cat" examples of
// imports/wasi_snapshot_preview1/example, run through the library.

import (
	"os"
	"path/filepath"
	"testing"
)

const wazeroTestdata = "imports/wasi_snapshot_preview1/testdata/"

// TestInstantiateModule is wazero's TestInstantiateModule: print_args
// copies the NUL-terminated argv to stdout, once per instance.
func TestInstantiateModule(t *testing.T) {
	wazeroDir(t)
	for _, arg := range []string{"a", "b", "c"} {
		r := run(t, spec{wasm: module(t, wazeroTestdata+"print_args.wasm"), args: []string{arg}})
		r.mustSucceed(t)
		expect(t, "stdout", r.stdout, arg+"\x00", nil)
	}
}

// TestArgsEnvEdges goes beyond wazero's cases with the same WAT programs
// (cmd/wazero's wasi_arg and wasi_env): an empty argument, a space, UTF-8,
// and variables whose value is empty or holds "=", each copied byte for
// byte, NUL-terminated.
func TestArgsEnvEdges(t *testing.T) {
	wazeroDir(t)
	r := run(t, spec{wasm: module(t, "cmd/wazero/testdata/wasi_arg.wasm"), args: []string{"test.wasm", "", "a b", "\u00fc"}})
	r.mustSucceed(t)
	expect(t, "args", r.stdout, "test.wasm\x00\x00a b\x00\u00fc\x00", nil)
	r = run(t, spec{wasm: module(t, "cmd/wazero/testdata/wasi_env.wasm"), env: []string{"A=b=c", "E="}})
	r.mustSucceed(t)
	expect(t, "environ", r.stdout, "A=b=c\x00E=\x00", nil)
}

// TestInstantiateModule_Prestat is wazero's TestInstantiateModule_Prestat:
// the name of the first preopen.
func TestInstantiateModule_Prestat(t *testing.T) {
	wazeroDir(t)
	r := run(t, spec{
		wasm:   module(t, wazeroTestdata+"print_prestat_dirname.wasm"),
		mounts: []mount{{host: t.TempDir(), guest: "/wazero", ro: true}},
	})
	r.mustSucceed(t)
	expect(t, "stdout", r.stdout, "/wazero", nil)
}

// TestExitOnStart is wazero's Example: proc_exit(2) from _start.
func TestExitOnStart(t *testing.T) {
	wazeroDir(t)
	r := run(t, spec{wasm: module(t, wazeroTestdata+"exit_on_start.wasm")})
	if r.err != nil || r.code != 2 {
		t.Errorf("exit %d, err %v; want exit 2", r.code, r.err)
	}
}

// TestExitOnStartUnstable is wazero's TestNewFunctionExporter ("export as
// wasi_unstable"): the same module importing proc_exit from
// "wasi_unstable" (WASI preview 0), which hostabi serves with its own
// host module.
func TestExitOnStartUnstable(t *testing.T) {
	wazeroDir(t)
	r := run(t, spec{wasm: module(t, wazeroTestdata+"exit_on_start_unstable.wasm")})
	if r.err != nil || r.code != 2 {
		t.Errorf("exit %d, err %v; want exit 2", r.code, r.err)
	}
}

// catToolchains are the builds of wazero's example cat program.
var catToolchains = []string{"cargo-wasi", "tinygo", "zig", "zig-cc"}

// Test_main is the example's Test_main: each toolchain's cat prints
// test.txt from the example's testdata folder mounted at "/" (read-only
// here: it is the module cache), under each path resolver.
func Test_main(t *testing.T) {
	wazeroDir(t)
	testdata := wazeroPath(t, "imports/wasi_snapshot_preview1/example/testdata")
	for _, res := range resolvers {
		for _, tc := range catToolchains {
			t.Run(res.String()+"/"+tc, func(t *testing.T) {
				r := run(t, spec{
					wasm:     module(t, "imports/wasi_snapshot_preview1/example/testdata/"+tc+"/cat.wasm"),
					args:     []string{"wasi", "test.txt"},
					mounts:   []mount{{host: testdata, guest: "/", ro: true}},
					resolver: res,
				})
				r.mustSucceed(t)
				expect(t, "stderr", r.stderr, "", nil)
				expect(t, "stdout", r.stdout, "greet filesystem\n", nil)
			})
		}
	}
}

// Test_cli is the example's Test_cli, through the wasibox binary: the
// folder holding test.txt is mounted at "/" and again at "/testcases",
// and cat is given each relative path.
func Test_cli(t *testing.T) {
	wazeroDir(t)
	testTxt, err := os.ReadFile(wazeroPath(t, "imports/wasi_snapshot_preview1/example/testdata/test.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range catToolchains {
		t.Run(tc, func(t *testing.T) {
			for _, testPath := range []string{"test.txt", "testcases/test.txt"} {
				if tc == "zig" && testPath == "testcases/test.txt" {
					// As wazero: Zig resolves relative paths only under
					// the first preopen (wazero issue 1077).
					continue
				}
				t.Run(testPath, func(t *testing.T) {
					dir := t.TempDir()
					if err := os.WriteFile(filepath.Join(dir, "test.txt"), testTxt, 0o644); err != nil {
						t.Fatal(err)
					}
					wasm := wazeroPath(t, "imports/wasi_snapshot_preview1/example/testdata/"+tc+"/cat.wasm")
					r := runCLI(t, t.TempDir(), nil, "run", "--dir", dir+":/", "--dir", dir+":/testcases", wasm, testPath)
					if r.code != 0 {
						t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
					}
					expect(t, "stdout", r.stdout, "greet filesystem\n", nil)
				})
			}
		})
	}
}
