package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/wasibox/wasibox/hostabi"
	"github.com/wasibox/wasibox/unix"
)

// inspectWAT compiles testdata/inspect/<name>.wat into t.TempDir() and
// returns the .wasm path.
func inspectWAT(t *testing.T, name string) string {
	t.Helper()
	wat2wasm, err := exec.LookPath("wat2wasm")
	if err != nil {
		t.Fatalf("wat2wasm (apt-get install wabt) is needed to build test guests: %v", err)
	}
	out := filepath.Join(t.TempDir(), name+".wasm")
	src := filepath.Join("testdata", "inspect", name+".wat")
	if b, err := exec.Command(wat2wasm, "--enable-threads", "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm %s: %v\n%s", name, err, b)
	}
	return out
}

func inspectFile(t *testing.T, path string) *inspectReport {
	t.Helper()
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := inspectModule(t.Context(), path, wasm)
	if err != nil {
		t.Fatalf("inspect %s: %v", path, err)
	}
	return rep
}

func groupsOf(rep *inspectReport) map[string][]string {
	m := map[string][]string{}
	for _, g := range rep.Capabilities {
		m[g.Group] = g.Imports
	}
	return m
}

func sectionsOf(rep *inspectReport) []string {
	var s []string
	for _, m := range rep.Manifest {
		s = append(s, m.Section)
	}
	return s
}

func problemsOf(rep *inspectReport) []string {
	var s []string
	for _, p := range rep.Problems {
		s = append(s, p.Import)
	}
	return s
}

func TestInspectModules(t *testing.T) {
	u32 := func(v uint64) *uint64 { return &v }
	tests := []struct {
		name      string
		kind      string
		socketABI string
		groups    map[string][]string
		problems  []string // imports that cannot link ("" for the module)
		sections  []string
		memory    []inspectMem
		functions []string // other exported functions
		notes     []string // substrings of notes
	}{
		{
			name: "files", kind: "command", socketABI: "none",
			groups:    map[string][]string{"files": {"fd_prestat_get", "fd_prestat_dir_name", "path_open", "fd_read", "fd_write", "fd_close", "path_unlink_file"}},
			sections:  []string{"fs.mounts", "fs.mounts.mode", "stdio"},
			memory:    []inspectMem{{MinPages: 2, MaxPages: u32(4), ExportedAs: []string{"memory"}}},
			functions: []string{"helper"},
		},
		{
			name: "clocks_env", kind: "reactor", socketABI: "none",
			groups: map[string][]string{
				"clocks":  {"clock_time_get", "poll_oneoff"},
				"random":  {"random_get"},
				"env":     {"args_sizes_get", "args_get", "environ_sizes_get", "environ_get"},
				"process": {"sched_yield", "proc_exit"},
			},
			sections:  []string{"env", "args", "clock", "random"},
			memory:    []inspectMem{{MinPages: 1, ExportedAs: []string{}}},
			functions: []string{"a", "b", "c", "d", "e", "f"},
			notes:     []string{"not exported"},
		},
		{
			name: "net_preview1", kind: "command", socketABI: "preview1",
			groups:   map[string][]string{"network": {"sock_accept", "sock_recv", "sock_send", "sock_shutdown"}},
			sections: []string{"net.listen"},
			memory:   []inspectMem{{MinPages: 1, ExportedAs: []string{"memory"}}},
		},
		{
			name: "net_v1", kind: "command", socketABI: "wasmedge-v1",
			groups:   map[string][]string{"network": {"sock_open", "sock_bind", "sock_listen", "sock_accept", "sock_connect", "sock_recv_from", "sock_getlocaladdr", "sock_getpeeraddr"}},
			sections: []string{"net.connect", "net.listen"},
			memory:   []inspectMem{{MinPages: 1, ExportedAs: []string{"memory"}}},
		},
		{
			name: "net_v2", kind: "command", socketABI: "wasmedge-v2",
			groups:   map[string][]string{"network": {"sock_open_v2", "sock_connect_v2", "sock_accept_v2", "sock_recv_from", "sock_send_to", "sock_getpeeraddr", "sock_getaddrinfo", "sock_setsockopt"}},
			sections: []string{"net.connect", "net.listen", "net.lookup"},
			memory:   []inspectMem{{MinPages: 1, ExportedAs: []string{"memory"}}},
		},
		{
			name: "net_mixed", kind: "command", socketABI: "wasmedge-mixed",
			groups:   map[string][]string{"network": {"sock_open", "sock_accept", "sock_recv_from", "sock_getlocaladdr"}},
			sections: []string{"net.listen"},
			memory:   []inspectMem{{MinPages: 1, ExportedAs: []string{"memory"}}},
		},
		{
			name: "net_common", kind: "command", socketABI: "wasmedge",
			groups:   map[string][]string{"network": {"sock_open", "sock_connect", "sock_getaddrinfo"}},
			sections: []string{"net.connect", "net.lookup"},
			memory:   []inspectMem{{MinPages: 1, ExportedAs: []string{"memory"}}},
		},
		{
			name: "unlinkable", kind: "command", socketABI: "wasmedge-v1",
			groups: map[string][]string{"network": {"sock_recv_from"}, "random": {"random_get"}},
			problems: []string{"env.abort", "wasi_unstable.sock_accept", "wasi_snapshot_preview1.fd_write",
				"wasi_snapshot_preview1.no_such_function", "wasi_snapshot_preview1.sock_recv_from",
				"env.memory", "env.table", "env.g"},
			sections: []string{"random", "stdio"},
			memory:   []inspectMem{{Imported: true, ImportModule: "env", ImportName: "memory", MinPages: 1, ExportedAs: []string{}}},
		},
		{
			name: "shared", kind: "command", socketABI: "none",
			groups:   map[string][]string{"files": {"fd_write"}},
			problems: []string{""},
			sections: []string{"stdio"},
			memory:   []inspectMem{{MinPages: 1, MaxPages: u32(16), Shared: true, ExportedAs: []string{"memory"}}},
		},
		{
			name: "nothing", kind: "library", socketABI: "none",
			groups:    map[string][]string{},
			functions: []string{"add"},
			notes:     []string{"nothing to call", "no linear memory"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := inspectFile(t, inspectWAT(t, tc.name))
			if rep.Kind != tc.kind {
				t.Errorf("kind %q, want %q", rep.Kind, tc.kind)
			}
			if rep.SocketABI != tc.socketABI {
				t.Errorf("socket ABI %q, want %q", rep.SocketABI, tc.socketABI)
			}
			if got := groupsOf(rep); !equalGroups(got, tc.groups) {
				t.Errorf("groups\n got %v\nwant %v", got, tc.groups)
			}
			if got := problemsOf(rep); !slices.Equal(got, tc.problems) {
				t.Errorf("cannot link\n got %q\nwant %q\n%+v", got, tc.problems, rep.Problems)
			}
			if rep.Linkable != (len(tc.problems) == 0) {
				t.Errorf("linkable = %v with problems %q", rep.Linkable, tc.problems)
			}
			if got := sectionsOf(rep); !slices.Equal(got, tc.sections) {
				t.Errorf("manifest sections\n got %q\nwant %q", got, tc.sections)
			}
			gm, _ := json.Marshal(rep.Memories)
			wm, _ := json.Marshal(tc.memory)
			if tc.memory == nil {
				wm = []byte("[]")
			}
			if !bytes.Equal(gm, wm) {
				t.Errorf("memories\n got %s\nwant %s", gm, wm)
			}
			if !slices.Equal(rep.Exports.Functions, tc.functions) && (len(rep.Exports.Functions) != 0 || tc.functions != nil) {
				t.Errorf("other exports %q, want %q", rep.Exports.Functions, tc.functions)
			}
			for _, n := range tc.notes {
				if !slices.ContainsFunc(rep.Notes, func(s string) bool { return strings.Contains(s, n) }) {
					t.Errorf("no note about %q in %q", n, rep.Notes)
				}
			}
			if len(tc.notes) == 0 && len(rep.Notes) > 0 {
				t.Errorf("unexpected notes %q", rep.Notes)
			}
		})
	}
}

func equalGroups(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestInspectProblemMessages: each kind of link problem says what is wrong
// and, for a signature, what wasibox offers.
func TestInspectProblemMessages(t *testing.T) {
	rep := inspectFile(t, inspectWAT(t, "unlinkable"))
	want := map[string]string{
		"env.abort":                               `unknown import module "env"`,
		"wasi_unstable.sock_accept":               `wasi_unstable (WASI preview 0) has no function "sock_accept"`,
		"wasi_snapshot_preview1.fd_write":         `signature (i32, i32) -> i32 does not match (i32, i32, i32, i32) -> i32 (preview1)`,
		"wasi_snapshot_preview1.no_such_function": `has no function "no_such_function"`,
		"wasi_snapshot_preview1.sock_recv_from":   `imported twice with different signatures, and wasibox exports one function per name: (i32, i32, i32, i32, i32, i32, i32) -> i32 (wasmedge-v1)`,
		"env.memory":                              "no memory to import",
		"env.table":                               "no table to import",
		"env.g":                                   "no global to import",
	}
	for _, p := range rep.Problems {
		if w, ok := want[p.Import]; !ok || !strings.Contains(p.Message, w) {
			t.Errorf("%s: %q, want it to contain %q", p.Import, p.Message, w)
		}
	}
	shared := inspectFile(t, inspectWAT(t, "shared"))
	if len(shared.Problems) != 1 || !strings.Contains(shared.Problems[0].Message, "threads") {
		t.Errorf("shared memory problems: %+v", shared.Problems)
	}
}

// TestInspectLinkAgreesWithHostabi: inspect's verdict is what really
// happens when wasibox links the module: every module is instantiated with
// hostabi's host module, with no start function, so nothing runs.
func TestInspectLinkAgreesWithHostabi(t *testing.T) {
	for _, name := range []string{"files", "clocks_env", "net_preview1", "net_v1", "net_v2", "net_mixed", "net_common", "unlinkable", "shared", "nothing"} {
		t.Run(name, func(t *testing.T) {
			path := inspectWAT(t, name)
			rep := inspectFile(t, path)
			err := linkWithHostabi(t, path)
			if (err == nil) != rep.Linkable {
				t.Errorf("inspect says linkable=%v, linking says %v", rep.Linkable, err)
			}
		})
	}
}

func linkWithHostabi(t *testing.T, path string) error {
	t.Helper()
	ctx := t.Context()
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer r.Close(context.Background())
	guest, err := r.CompileModule(ctx, wasm)
	if err != nil {
		return err
	}
	sys, err := unix.New(unix.Config{Stdin: -1, Stdout: -1, Stderr: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close(context.Background())
	host, err := hostabi.Instantiate(ctx, r, sys, guest)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close(context.Background())
	mod, err := r.InstantiateModule(ctx, guest, wazero.NewModuleConfig().WithStartFunctions())
	if err == nil {
		mod.Close(context.Background())
	}
	return err
}

// TestInspectGoWasip1 inspects a real Go program built for wasip1.
func TestInspectGoWasip1(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program for wasip1")
	}
	out := filepath.Join(t.TempDir(), "gowasip1.wasm")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute) // a cold cache builds the standard library
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./testdata/inspect/gowasip1")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	rep := inspectFile(t, out)
	if rep.Kind != "command" || !rep.Exports.Start || !rep.Linkable || rep.SocketABI != "none" {
		t.Errorf("kind %s start %v linkable %v sockets %s, want a linkable command without sockets", rep.Kind, rep.Exports.Start, rep.Linkable, rep.SocketABI)
	}
	if len(rep.Memories) != 1 || rep.Memories[0].Imported || rep.Memories[0].MaxPages != nil || !slices.Equal(rep.Memories[0].ExportedAs, []string{"memory"}) {
		t.Errorf("memories %+v, want one defined memory exported as memory, no max", rep.Memories)
	}
	g := groupsOf(rep)
	for group, names := range map[string][]string{
		"files":   {"fd_write", "fd_read", "path_open", "fd_prestat_get"},
		"clocks":  {"clock_time_get", "poll_oneoff"},
		"random":  {"random_get"},
		"env":     {"args_get", "environ_get"},
		"process": {"proc_exit"},
	} {
		for _, n := range names {
			if !slices.Contains(g[group], n) {
				t.Errorf("group %s lacks %s: %v", group, n, g[group])
			}
		}
	}
	for _, s := range []string{"fs.mounts", "env", "args", "clock", "random", "stdio"} {
		if !slices.Contains(sectionsOf(rep), s) {
			t.Errorf("manifest sections %q lack %s", sectionsOf(rep), s)
		}
	}
	if err := linkWithHostabi(t, out); err != nil {
		t.Errorf("linking the Go program: %v", err)
	}
}

// TestInspectCLI runs the command itself: both formats, flags after the
// module, and the errors.
func TestInspectCLI(t *testing.T) {
	path := inspectWAT(t, "net_v2")
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(wasm)
	notWasm := filepath.Join(t.TempDir(), "x.wasm")
	os.WriteFile(notWasm, []byte("#!/bin/sh\necho hi\n"), 0o644)
	component := filepath.Join(t.TempDir(), "c.wasm")
	os.WriteFile(component, []byte("\x00asm\x0d\x00\x01\x00"), 0o644)

	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		e := &cliEnv{stdout: &stdout, stderr: &stderr, exit: func(int) { t.Error("unexpected exit") }}
		code := inspectMain(t.Context(), e, args)
		return code, stdout.String(), stderr.String()
	}

	code, out, _ := run(path)
	if code != exitOK || !strings.Contains(out, hex.EncodeToString(sum[:])) || !strings.Contains(out, "sockets   WasmEdge V2") ||
		!strings.Contains(out, "net.connect: imports sock_connect_v2, sock_send_to") {
		t.Errorf("text: exit %d\n%s", code, out)
	}

	code, out, _ = run(path, "--format", "json")
	var rep inspectReport
	if err := json.Unmarshal([]byte(out), &rep); code != exitOK || err != nil {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	if rep.SHA256 != hex.EncodeToString(sum[:]) || rep.Size != len(wasm) || rep.SocketABI != "wasmedge-v2" || !rep.Linkable {
		t.Errorf("json report %+v", rep)
	}
	// Machines rely on every member being present, even when empty.
	for _, k := range []string{`"problems": []`, `"notes": []`, `"functions": []`, `"max_pages": null`} {
		if !strings.Contains(out, k) {
			t.Errorf("json lacks %s", k)
		}
	}

	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no module", nil, exitUsage, "exactly one module"},
		{"two modules", []string{path, path}, exitUsage, "exactly one module"},
		{"bad format", []string{"--format", "yaml", path}, exitUsage, `--format "yaml"`},
		{"missing", []string{filepath.Join(t.TempDir(), "none.wasm")}, exitFailed, "no such file"},
		{"not wasm", []string{notWasm}, exitFailed, "not a WebAssembly binary"},
		{"component", []string{component}, exitFailed, "component, not a core module"},
	} {
		code, _, stderr := run(c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.name, code, stderr, c.code, c.stderr)
		}
	}
}

// TestInspectText checks the whole text output for one module (hash and
// size depend on the wat2wasm version and are left out).
func TestInspectText(t *testing.T) {
	rep := inspectFile(t, inspectWAT(t, "unlinkable"))
	rep.Module, rep.SHA256, rep.Size = "unlinkable.wasm", "-", 0
	want := `unlinkable.wasm
  sha256    -
  size      0 B (0 bytes)
  kind      command (exports _start)
  memory    imported from env.memory, min 1 page (64.0 KiB), no max
  exports   _start
  sockets   WasmEdge V1 (before WasmEdge 0.12)

imports: 10
  network   sock_recv_from
  random    random_get

cannot link (8): wasibox run would fail
  env.abort: unknown import module "env" (wasibox provides wasi_snapshot_preview1 and wasi_unstable)
  wasi_unstable.sock_accept: wasi_unstable (WASI preview 0) has no function "sock_accept"
  wasi_snapshot_preview1.fd_write: signature (i32, i32) -> i32 does not match (i32, i32, i32, i32) -> i32 (preview1)
  wasi_snapshot_preview1.no_such_function: wasi_snapshot_preview1 has no function "no_such_function"
  wasi_snapshot_preview1.sock_recv_from: imported twice with different signatures, and wasibox exports one function per name: (i32, i32, i32, i32, i32, i32, i32) -> i32 (wasmedge-v1)
  env.memory: wasibox provides no memory to import (only functions of wasi_snapshot_preview1 and wasi_unstable)
  env.table: wasibox provides no table to import (only functions of wasi_snapshot_preview1 and wasi_unstable)
  env.g: wasibox provides no global to import (only functions of wasi_snapshot_preview1 and wasi_unstable)

manifest sections that matter
  random: imports random_get
      reads random numbers: random sets host, none or a seed
  stdio: imports fd_write
      reads or writes descriptors, stdin/stdout/stderr included: stdio and limits.stdout/stderr apply
`
	if got := rep.text(); got != want {
		t.Errorf("text:\n%s\nwant:\n%s", got, want)
	}
}

func TestScanWasmMalformed(t *testing.T) {
	hdr := "\x00asm\x01\x00\x00\x00"
	for _, c := range []struct {
		name, wasm, err string
	}{
		{"empty", "", "no \\0asm header"},
		{"wrong magic", "\x7fELF\x01\x00\x00\x00", "no \\0asm header"},
		{"version 2", "\x00asm\x02\x00\x00\x00", "unsupported WebAssembly version"},
		{"section past the end", hdr + "\x02\x10\x01", "truncated"},
		{"endless LEB", hdr + "\x02\xff\xff\xff\xff\xff\xff\x01", "truncated"},
		{"name past the section", hdr + "\x02\x03\x01\x7f\x00", "truncated"},
		{"huge import count", hdr + "\x02\x06\xff\xff\xff\xff\x0f\x00", "truncated"},
		{"unknown import kind", hdr + "\x02\x05\x01\x00\x00\x09\x00", "unknown kind 9"},
		{"memory without limits", hdr + "\x05\x02\x01\x01", "truncated"},
	} {
		if _, err := scanWasm([]byte(c.wasm)); err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: %v, want an error containing %q", c.name, err, c.err)
		}
	}
	// A 64-bit memory with a maximum, exported twice.
	s, err := scanWasm([]byte(hdr + "\x05\x04\x01\x05\x01\x02" + "\x07\x09\x02\x01a\x02\x00\x01b\x02\x00"))
	if err != nil || len(s.mems) != 1 || !s.mems[0].mem64 || s.mems[0].min != 1 || s.mems[0].max != 2 || !slices.Equal(s.mems[0].exports, []string{"a", "b"}) {
		t.Errorf("memory64: %+v, %v", s, err)
	}
}

// FuzzScanWasm: no input makes the scanner panic or loop.
func FuzzScanWasm(f *testing.F) {
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x02\x05\x01\x00\x00\x02\x00"))
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x05\x04\x01\x07\x01\x02"))
	f.Fuzz(func(t *testing.T, b []byte) {
		scanWasm(append([]byte("\x00asm\x01\x00\x00\x00"), b...))
	})
}
