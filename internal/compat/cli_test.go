package compat

// The cases of wazero's cmd/wazero TestRun, through the wasibox binary:
// `wazero run [opts] test.wasm [args]` becomes `wasibox run [flags]
// test.wasm [args]` with the matching grants. Cases about wazero's own
// CLI features (--interpreter, --cachedir, --hostlogging's format,
// profiles) have no WASI behaviour to compare and are left out; where
// hostlogging was only a way to observe a guest, the guest's own output
// and status are checked.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Test_wazeroRun is wazero's cmd/wazero TestRun.
func Test_wazeroRun(t *testing.T) {
	wazeroDir(t)
	bearDir := wazeroPath(t, "cmd/wazero/testdata/fs")
	// The module is run as test.wasm, as in wazero's test: argv[0] is its
	// file name. A symlink keeps the module in the module cache.
	work := t.TempDir()
	wasmAt := func(t *testing.T, rel string) string {
		p := filepath.Join(t.TempDir(), "test.wasm")
		if err := os.Symlink(wazeroPath(t, "cmd/wazero/testdata/"+rel), p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// wazero's test clears the environment and sets these two.
	env := []string{"ANIMAL=kitten", "INHERITED=wazero"}

	tests := []struct {
		name       string
		wasm       string // under cmd/wazero/testdata
		flags      []string
		afterFlags []string // between the flags and the module
		args       []string
		wantStdout string
		wantStderr string
		wantCode   int
		d          *divergence
	}{
		{
			name:       "args",
			wasm:       "wasi_arg.wasm",
			args:       []string{"hello world"},
			wantStdout: "test.wasm\x00hello world\x00",
		},
		{
			// wazero drops a "--" that follows the module; wasibox passes
			// everything after the module verbatim (its documented
			// behaviour, so a guest can receive "--"), and takes "--"
			// before the module as the end of its own flags.
			name:       "-- args",
			wasm:       "wasi_arg.wasm",
			afterFlags: []string{"--"},
			args:       []string{"hello world"},
			wantStdout: "test.wasm\x00hello world\x00",
		},
		{
			name:       "-- after the module is the guest's",
			wasm:       "wasi_arg.wasm",
			args:       []string{"--", "hello world"},
			wantStdout: "test.wasm\x00--\x00hello world\x00",
		},
		{
			name:       "env",
			wasm:       "wasi_env.wasm",
			flags:      []string{"--env=ANIMAL=bear", "--env=FOOD=sushi"},
			wantStdout: "ANIMAL=bear\x00FOOD=sushi\x00",
		},
		{
			name:       "env-inherit", // wazero's -env-inherit copies every variable
			wasm:       "wasi_env.wasm",
			flags:      []string{"--env-inherit", "*", "--no-cache"}, // no XDG_CACHE_HOME either
			wantStdout: "ANIMAL=kitten\x00INHERITED=wazero\x00",
		},
		{
			name:       "env-inherit with env",
			wasm:       "wasi_env.wasm",
			flags:      []string{"--env-inherit", "*", "--env=ANIMAL=bear", "--no-cache"},
			wantStdout: "ANIMAL=bear\x00INHERITED=wazero\x00", // not ANIMAL=kitten
		},
		{
			// wasi_fd opens bear.txt with no rights at all (base and
			// inheriting 0), then reads it. wazero ignores rights and
			// prints "pooh\n" (as does wasmtime, which opens a file
			// requested with neither read nor write for reading). Under
			// the spec the descriptor holds no fd_read right ("the right
			// to invoke fd_read", typenames.witx), so the read fails and
			// the program writes its untouched 50-byte buffer: zeros.
			name:       "wasi",
			wasm:       "wasi_fd.wasm",
			flags:      []string{"--dir=" + bearDir + ":/"},
			wantStdout: strings.Repeat("\x00", 50),
		},
		{
			name:       "wasi readonly",
			wasm:       "wasi_fd.wasm",
			flags:      []string{"--dir=" + bearDir + ":/:ro"},
			wantStdout: strings.Repeat("\x00", 50), // as "wasi"
		},
		{
			name:       "wasi non root",
			wasm:       "cat/cat-tinygo.wasm",
			flags:      []string{"--dir=" + bearDir + ":/animals:ro"},
			args:       []string{"/animals/bear.txt"},
			wantStdout: "pooh\n",
		},
		{
			name: "random_get", // "wasi hostlogging=all": memory not exported
			wasm: "wasi_random_get.wasm",
		},
		{
			name:     "exit code of a missing file", // "wasi hostlogging=proc"
			wasm:     "cat/cat-tinygo.wasm",
			flags:    []string{"--dir=" + bearDir + ":/animals:ro"},
			args:     []string{"/animals/not-bear.txt"},
			wantCode: 1,
		},
		{
			name:       "read a file", // "wasi hostlogging=filesystem"
			wasm:       "cat/cat-tinygo.wasm",
			flags:      []string{"--dir=" + bearDir + ":/animals:ro"},
			args:       []string{"/animals/bear.txt"},
			wantStdout: "pooh\n",
		},
		{
			// wazero exits with its own sys.ExitCodeDeadlineExceeded and
			// an "error: module closed with context deadline exceeded"
			// line; wasibox's documented status for --timeout is 124 (as
			// timeout(1)), with its own message, so only the status is
			// compared.
			name:       "timeout: a binary that exceeds the deadline",
			wasm:       "infinite_loop.wasm",
			flags:      []string{"--timeout=1ms"},
			wantCode:   124,
			wantStderr: "*",
		},
		{
			name:  "timeout: a binary that ends before the deadline",
			wasm:  "wasi_random_get.wasm",
			flags: []string{"--timeout=10s"},
		},
		{
			name:       "should run wasi_unstable",
			wasm:       "exit_on_start_unstable.wasm",
			wantCode:   2,
			wantStderr: "*",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"run"}, tc.flags...)
			args = append(args, tc.afterFlags...)
			args = append(args, wasmAt(t, tc.wasm))
			args = append(args, tc.args...)
			r := runCLI(t, work, env, args...)
			if tc.d != nil && r.code != tc.wantCode {
				if r.code == 125 {
					t.Skipf("known divergence: %s\nexit %d, stderr %q", tc.d.why, r.code, r.stderr)
				}
			}
			if r.code != tc.wantCode {
				t.Errorf("exit %d, want %d\nstderr:\n%s", r.code, tc.wantCode, r.stderr)
			}
			if tc.wantStderr != "*" {
				expect(t, "stderr", r.stderr, tc.wantStderr, nil)
			}
			expect(t, "stdout", r.stdout, tc.wantStdout, nil)
		})
	}
}
