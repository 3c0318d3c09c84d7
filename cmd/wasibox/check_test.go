package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// checkDir holds the manifests and files of the check tests; tests run
// with it as the working folder's testdata/check.
const checkDir = "testdata/check"

// checkRun runs "wasibox check" in this process with HOME set to
// testdata/check/home, and returns the status and output.
func checkRun(t *testing.T, args ...string) result {
	t.Helper()
	home, err := filepath.Abs(filepath.Join(checkDir, "home"))
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	e := &cliEnv{stdout: &stdout, stderr: &stderr, environ: []string{"HOME=" + home},
		exit: func(int) { t.Error("unexpected immediate exit") }}
	code := e.main(t.Context(), append([]string{"check"}, args...))
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// checkJSON runs check with --format json and decodes the report.
func checkJSON(t *testing.T, args ...string) (int, *checkReport) {
	t.Helper()
	r := checkRun(t, append([]string{"--format", "json"}, args...)...)
	var rep checkReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("check %q: output is not JSON: %v\n%s\nstderr: %s", args, err, r.stdout, r.stderr)
	}
	return r.code, &rep
}

// wat compiles testdata/check/<name>.wat into a temporary .wasm.
func wat(t *testing.T, name string) string {
	t.Helper()
	wat2wasm, err := exec.LookPath("wat2wasm")
	if err != nil {
		t.Fatalf("wat2wasm (apt-get install wabt) is needed to build test guests: %v", err)
	}
	out := filepath.Join(t.TempDir(), name+".wasm")
	if b, err := exec.Command(wat2wasm, "-o", out, filepath.Join(checkDir, name+".wat")).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm %s: %v\n%s", name, err, b)
	}
	return out
}

func manifest(name string) string { return filepath.Join(checkDir, name) }

// codeAt is a finding reduced to what the tests compare.
type codeAt struct {
	Code string
	File string
	Line int
	Col  int
}

func codes(fs []finding) []codeAt {
	out := []codeAt{}
	for _, f := range fs {
		out = append(out, codeAt{f.Code, f.File, f.Line, f.Col})
	}
	return out
}

// TestCheckFindings runs check on one manifest per finding and compares the
// errors and warnings (code and location) and the exit status.
func TestCheckFindings(t *testing.T) {
	m := manifest
	rules := func(f string) string { return filepath.Join(checkDir, "rules", f) }
	tests := []struct {
		name     string
		args     []string
		code     int
		errors   []codeAt
		warnings []codeAt
	}{
		{name: "ok", args: []string{m("ok.yaml")}, code: 0},
		{name: "schema error", args: []string{m("unknown_key.yaml")}, code: 1,
			errors: []codeAt{{"unknown_key", m("unknown_key.yaml"), 3, 3}}},
		{name: "bad net entry", args: []string{m("bad_net.yaml")}, code: 1,
			errors: []codeAt{{"bad_net_entry", m("bad_net.yaml"), 3, 13}}},
		{name: "same guest path", args: []string{m("same_guest.yaml")}, code: 1,
			errors: []codeAt{{"mount_shadowed", m("same_guest.yaml"), 5, 7}}},
		{name: "missing host folder", args: []string{m("missing_host.yaml")}, code: 1,
			errors: []codeAt{{"host_path", m("missing_host.yaml"), 5, 7}}},
		{name: "host path is a file", args: []string{m("host_is_file.yaml")}, code: 1,
			errors: []codeAt{{"host_path", m("host_is_file.yaml"), 4, 7}}},
		{name: "stdio files", args: []string{m("stdio_missing.yaml")}, code: 1,
			errors: []codeAt{{"host_path", m("stdio_missing.yaml"), 2, 8}, {"host_path", m("stdio_missing.yaml"), 2, 8}}},
		{name: "nested mount", args: []string{m("nested.yaml")}, code: 0,
			warnings: []codeAt{{"mount_nested", m("nested.yaml"), 5, 7}}},
		{name: "overlapping host folders", args: []string{m("overlap.yaml")}, code: 0,
			warnings: []codeAt{{"mount_overlap", m("overlap.yaml"), 5, 7}}},
		{name: "broad grants", args: []string{m("broad.yaml")}, code: 0,
			warnings: []codeAt{
				{"broad_grant", m("broad.yaml"), 6, 7},  // rw mount of /
				{"broad_grant", m("broad.yaml"), 8, 13}, // 0.0.0.0/0
				{"broad_grant", m("broad.yaml"), 8, 36}, // ::/0
				{"broad_grant", m("broad.yaml"), 8, 56}, // any port
				{"broad_grant", m("broad.yaml"), 9, 12}, // listen on 0.0.0.0
				{"broad_grant", m("broad.yaml"), 3, 3},  // env.inherit "*"
			}},
		{name: "audit log in a rw mount", args: []string{m("audit_rw.yaml")}, code: 0,
			warnings: []codeAt{{"audit_reachable", m("audit_rw.yaml"), 7, 8}}},
		{name: "audit log in a ro mount", args: []string{m("audit_ro.yaml")}, code: 0,
			warnings: []codeAt{{"audit_reachable", m("audit_ro.yaml"), 5, 8}}},
		{name: "audit log folder missing", args: []string{m("audit_missing.yaml")}, code: 1,
			errors: []codeAt{{"host_path", m("audit_missing.yaml"), 2, 8}}},
		{name: "preopened sockets", args: []string{m("preopen.yaml")}, code: 0,
			warnings: []codeAt{{"broad_grant", m("preopen.yaml"), 3, 13}}}, // listens on 0.0.0.0
		{name: "home folder", args: []string{m("home.yaml")}, code: 0,
			warnings: []codeAt{
				{"mount_overlap", m("home.yaml"), 5, 7},
				{"broad_grant", m("home.yaml"), 4, 7}, // rw home
				{"broad_grant", m("home.yaml"), 5, 7}, // ro parent of home
			}},
		{name: "forbidden built-in", args: []string{m("rego_builtin.yaml")}, code: 1,
			errors: []codeAt{{"rego_builtin", rules("now.rego"), 8, 2}}},
		{name: "forbidden built-in in a test", args: []string{m("rego_test_builtin.yaml")}, code: 1,
			errors: []codeAt{{"rego_builtin", rules("http_test.rego"), 6, 2}}},
		{name: "rego syntax", args: []string{m("rego_syntax.yaml")}, code: 1,
			errors: []codeAt{{"rego_compile", rules("syntax.rego"), 7, 1}}},
		{name: "failing rego tests", args: []string{m("rego_test_fail.yaml")}, code: 1,
			errors: []codeAt{{"rego_test", rules("failing_test.rego"), 10, 1}, {"rego_test", rules("failing_test.rego"), 14, 1}}},
		{name: "no rego tests", args: []string{m("rego_no_tests.yaml")}, code: 0,
			warnings: []codeAt{{"rego_no_tests", m("rego_no_tests.yaml"), 3, 3}}},
		{name: "shipped policies", args: []string{m("shipped.yaml")}, code: 0},
		{name: "missing manifest", args: []string{m("no-such.yaml")}, code: 1,
			errors: []codeAt{{"io", m("no-such.yaml"), 0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, rep := checkJSON(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if rep.OK != (tt.code == 0) {
				t.Errorf("ok = %v with exit %d", rep.OK, code)
			}
			want := tt.errors
			if want == nil {
				want = []codeAt{}
			}
			if got := codes(rep.Errors); !reflect.DeepEqual(got, want) {
				t.Errorf("errors:\n got  %v\n want %v\n%+v", got, want, rep.Errors)
			}
			want = tt.warnings
			if want == nil {
				want = []codeAt{}
			}
			if got := codes(rep.Warnings); !reflect.DeepEqual(got, want) {
				t.Errorf("warnings:\n got  %v\n want %v\n%+v", got, want, rep.Warnings)
			}
			for _, f := range append(rep.Errors, rep.Warnings...) {
				if f.Message == "" {
					t.Errorf("finding without a message: %+v", f)
				}
			}
		})
	}
}

// TestCheckMessages checks the wording of findings a reviewer acts on.
func TestCheckMessages(t *testing.T) {
	tests := []struct {
		manifest string
		want     []string
	}{
		{"broad.yaml", []string{
			"mount /host makes the host's root folder writable",
			"net.connect tcp://0.0.0.0/0:443 grants every IPv4 address",
			"net.connect tcp://[::/0]:443 grants every IPv6 address",
			"net.connect udp://10.0.0.1:* grants every port",
			"net.listen tcp://0.0.0.0:8080 accepts connections from other machines",
			`env.inherit "*" copies the whole host environment`,
		}},
		{"home.yaml", []string{"mount /home makes the home folder", "mount /all shows a folder containing the home folder"}},
		{"nested.yaml", []string{"mount /data/sub lies inside mount /data: it hides ./data/sub of host folder ./data"}},
		{"overlap.yaml", []string{"files of the read-only mount can be written through the other"}},
		{"missing_host.yaml", []string{"mount /gone: host folder ./no-such-folder: no such file or directory"}},
		{"rego_builtin.yaml", []string{"built-in time.now_ns is not allowed"}},
		{"rego_test_fail.yaml", []string{"failing_test.test_wrongly_expects_allow failed", "failing_test.test_errors: error:"}},
	}
	for _, tt := range tests {
		t.Run(tt.manifest, func(t *testing.T) {
			r := checkRun(t, manifest(tt.manifest))
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
	// A broad grant is a warning, not a failure: the `listen` on loopback
	// next to it is not reported.
	if r := checkRun(t, manifest("broad.yaml")); strings.Contains(r.stdout, "127.0.0.1:9000") {
		t.Errorf("a loopback listen was reported:\n%s", r.stdout)
	}
}

// TestCheckText checks the human output of a clean manifest: one line per
// grant, the test summary and the status line.
func TestCheckText(t *testing.T) {
	r := checkRun(t, manifest("ok.yaml"))
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	want := `The module may:
  read     /data  (host ./data)
  write    /out   (host ./out)
  deny     **/*.pem  (fs.deny)
  connect  tcp 10.0.0.0/8 port 443
  connect  tcp api.example.com ports 443,8000-8099
  listen   tcp 127.0.0.1 port 8080
  resolve  api.example.com
  env      LANG (set)
  env      TERM (inherited)
  args     fixed: --input /data/in.csv (command-line arguments are refused)
  clock    realtime (host)
  clock    monotonic (host)
  clock    resolution 1ms
  random   seeded (seed:42, deterministic)
  stdout   inherited
  stderr   file ./out/err.log
  limit    memory 256MiB
  limit    timeout 30s
  limit    open_files 256
  policy   decides per call: path_open
Policy tests: 3 passed, 0 failed
testdata/check/ok.yaml: ok (0 errors, 0 warnings)
`
	if r.stdout != want {
		t.Errorf("output:\n%s\nwant:\n%s", r.stdout, want)
	}
}

// TestCheckTextFindings checks how errors and warnings are printed.
func TestCheckTextFindings(t *testing.T) {
	r := checkRun(t, manifest("rego_builtin.yaml"))
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	want := "testdata/check/rules/now.rego:8:2: error: built-in time.now_ns is not allowed: wasibox policies must be deterministic (no network, time, randomness or runtime access) [rego_builtin]\n"
	if !strings.HasPrefix(r.stdout, want) {
		t.Errorf("output:\n%s\nwant it to start with:\n%s", r.stdout, want)
	}
	if !strings.HasSuffix(r.stdout, "testdata/check/rego_builtin.yaml: FAILED (1 error, 0 warnings)\n") {
		t.Errorf("no failure status line:\n%s", r.stdout)
	}
	r = checkRun(t, manifest("nested.yaml"))
	if !strings.Contains(r.stdout, "testdata/check/nested.yaml:5:7: warning: mount /data/sub lies inside mount /data") ||
		!strings.HasSuffix(r.stdout, ": ok (0 errors, 1 warning)\n") {
		t.Errorf("output:\n%s", r.stdout)
	}
}

// TestCheckPolicySummary checks the lines that say how the shipped
// policies narrow a manifest.
func TestCheckPolicySummary(t *testing.T) {
	r := checkRun(t, manifest("shipped.yaml"))
	for _, w := range []string{
		"policy   denies every path_create_directory (read_only: the file system is read-only)",
		"policy   denies every sock_getaddrinfo (no_dns: name resolution is disabled)",
		"policy   denies every path_rename (read_only: the file system is read-only)",
		"policy   decides per call: path_open, path_readlink, path_filestat_get, sock_connect, sock_send_to",
		"Policy tests: 26 passed, 0 failed",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("output lacks %q:\n%s", w, r.stdout)
		}
	}
}

// TestCheckJSONShape pins the JSON document: its keys and their types.
func TestCheckJSONShape(t *testing.T) {
	mod := wat(t, "imports")
	r := checkRun(t, "--format", "json", "--module", mod, manifest("rego_test_fail.yaml"))
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	if got, want := keys(doc), []string{"errors", "grants", "manifest", "module", "ok", "tests", "warnings"}; !reflect.DeepEqual(got, want) {
		t.Errorf("top-level keys %v, want %v", got, want)
	}
	if doc["ok"] != false || doc["manifest"] != manifest("rego_test_fail.yaml") {
		t.Errorf("ok = %v, manifest = %v", doc["ok"], doc["manifest"])
	}
	first := doc["errors"].([]any)[0].(map[string]any)
	if got, want := keys(first), []string{"code", "col", "file", "line", "message"}; !reflect.DeepEqual(got, want) {
		t.Errorf("error keys %v, want %v", got, want)
	}
	g := doc["grants"].([]any)[0].(map[string]any)
	if got, want := keys(g), []string{"kind", "line", "text"}; !reflect.DeepEqual(got, want) {
		t.Errorf("grant keys %v, want %v", got, want)
	}
	if got, want := doc["tests"], map[string]any{"passed": 1.0, "failed": 2.0, "skipped": 0.0}; !reflect.DeepEqual(got, want) {
		t.Errorf("tests = %v, want %v", got, want)
	}
	mk := doc["module"].(map[string]any)
	if got, want := keys(mk), []string{"file", "imports", "pinned", "sha256", "ungranted"}; !reflect.DeepEqual(got, want) {
		t.Errorf("module keys %v, want %v", got, want)
	}
	imp := mk["imports"].([]any)[0].(map[string]any)
	if got, want := keys(imp), []string{"granted", "group", "module", "name", "needs"}; !reflect.DeepEqual(got, want) {
		t.Errorf("import keys %v, want %v", got, want)
	}

	// Empty lists are [], never null.
	r = checkRun(t, "--format", "json", manifest("bare.yaml"))
	for _, k := range []string{`"errors": []`, `"warnings": []`} {
		if !strings.Contains(r.stdout, k) {
			t.Errorf("output lacks %s:\n%s", k, r.stdout)
		}
	}
}

func TestCheckGrantsJSON(t *testing.T) {
	_, rep := checkJSON(t, manifest("ok.yaml"))
	byKind := map[string][]string{}
	for _, g := range rep.Grants {
		byKind[g.Kind] = append(byKind[g.Kind], strings.Join(strings.Fields(g.Text), " "))
		if g.Line == 0 && g.Kind != "stdio" {
			t.Errorf("grant %+v has no line", g)
		}
	}
	want := map[string][]string{
		"fs.read":     {"read /data (host ./data)"},
		"fs.write":    {"write /out (host ./out)"},
		"fs.deny":     {"deny **/*.pem (fs.deny)"},
		"net.connect": {"connect tcp 10.0.0.0/8 port 443", "connect tcp api.example.com ports 443,8000-8099"},
		"net.listen":  {"listen tcp 127.0.0.1 port 8080"},
		"net.lookup":  {"resolve api.example.com"},
		"env.set":     {"env LANG (set)"},
		"env.inherit": {"env TERM (inherited)"},
		"random":      {"random seeded (seed:42, deterministic)"},
	}
	for k, w := range want {
		if !reflect.DeepEqual(byKind[k], w) {
			t.Errorf("%s grants %q, want %q", k, byKind[k], w)
		}
	}
	if rep.Tests == nil || rep.Tests.Passed != 3 || rep.Tests.Failed != 0 {
		t.Errorf("tests = %+v, want 3 passed", rep.Tests)
	}
	if rep.Module != nil {
		t.Errorf("module report without --module: %+v", rep.Module)
	}
}

// TestCheckGrantsPreopen: preopened sockets are summarized with the guest
// descriptor they get.
func TestCheckGrantsPreopen(t *testing.T) {
	_, rep := checkJSON(t, manifest("preopen.yaml"))
	var got []string
	for _, g := range rep.Grants {
		if g.Kind == "net.preopen" {
			got = append(got, strings.Join(strings.Fields(g.Text), " "))
		}
	}
	want := []string{
		"listen tcp://0.0.0.0:8080 (preopened by the host as guest fd 3)",
		"listen tcp://localhost:9000 (preopened by the host as guest fd 4)",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("net.preopen grants %q, want %q", got, want)
	}
}

// TestCheckModule checks --module: the pin, the imports the manifest does
// not grant, and imports wasibox does not provide.
func TestCheckModule(t *testing.T) {
	mod := wat(t, "imports")
	b, err := os.ReadFile(mod)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:])

	t.Run("unpinned", func(t *testing.T) {
		code, rep := checkJSON(t, manifest("bare.yaml"), "--module", mod)
		if code != 0 || !rep.OK {
			t.Fatalf("exit %d: %+v", code, rep.Errors)
		}
		if got := codes(rep.Warnings); len(got) != 1 || got[0].Code != "module_unpinned" || !strings.Contains(rep.Warnings[0].Message, hash) {
			t.Errorf("warnings %+v, want one module_unpinned naming %s", rep.Warnings, hash)
		}
		mc := rep.Module
		if mc == nil || mc.SHA256 != hash || mc.Pinned || len(mc.Imports) != 7 {
			t.Fatalf("module report %+v", mc)
		}
		var ungranted []string
		for _, ic := range mc.Ungranted {
			ungranted = append(ungranted, ic.Name+":"+ic.Needs)
		}
		// bare.yaml: one ro mount, random none, no network.
		want := []string{"path_unlink_file:rw mount", "random_get:random", "sock_connect:net.connect", "sock_getaddrinfo:net.lookup"}
		if !reflect.DeepEqual(ungranted, want) {
			t.Errorf("ungranted %v, want %v", ungranted, want)
		}
		for _, ic := range mc.Imports {
			if ic.Name == "path_open" && (!ic.Granted || ic.Group != "files" || ic.Needs != "fs.mounts") {
				t.Errorf("path_open: %+v", ic)
			}
			if ic.Name == "sock_connect" && ic.Group != "network" {
				t.Errorf("sock_connect: %+v", ic)
			}
		}
	})
	t.Run("text", func(t *testing.T) {
		r := checkRun(t, "--module", mod, manifest("bare.yaml"))
		for _, w := range []string{
			"Module " + mod + ": sha256 " + hash + " (not pinned), 7 imports\n",
			"  not granted: sock_connect (needs net.connect)\n",
			"  not granted: path_unlink_file (needs rw mount)\n",
		} {
			if !strings.Contains(r.stdout, w) {
				t.Errorf("output lacks %q:\n%s", w, r.stdout)
			}
		}
	})
	t.Run("granted", func(t *testing.T) {
		// ok.yaml grants an rw mount, connect, lookup and seeded random.
		_, rep := checkJSON(t, manifest("ok.yaml"), "--module", mod)
		if len(rep.Module.Ungranted) != 0 {
			t.Errorf("ungranted %+v, want none", rep.Module.Ungranted)
		}
	})
	t.Run("pin matches", func(t *testing.T) {
		dir := t.TempDir()
		m := filepath.Join(dir, "m.yaml")
		if err := os.WriteFile(m, []byte("version: 1\nmodule: {sha256: "+strings.ToUpper(hash)+"}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, rep := checkJSON(t, m, "--module", mod)
		if code != 0 || !rep.Module.Pinned || len(rep.Warnings) != 0 {
			t.Errorf("exit %d, module %+v, warnings %+v", code, rep.Module, rep.Warnings)
		}
	})
	t.Run("pin differs", func(t *testing.T) {
		code, rep := checkJSON(t, manifest("pinned.yaml"), "--module", mod)
		want := []codeAt{{"module_hash", manifest("pinned.yaml"), 2, 9}}
		if code != 1 || !reflect.DeepEqual(codes(rep.Errors), want) {
			t.Errorf("exit %d, errors %+v, want %v", code, rep.Errors, want)
		}
	})
	t.Run("foreign imports", func(t *testing.T) {
		foreign := wat(t, "foreign")
		code, rep := checkJSON(t, manifest("bare.yaml"), "--module", foreign)
		var msgs []string
		for _, f := range rep.Errors {
			if f.Code != "unknown_import" || f.File != foreign {
				t.Errorf("unexpected error %+v", f)
			}
			msgs = append(msgs, f.Message)
		}
		if code != 1 || len(msgs) != 3 ||
			!strings.Contains(msgs[0], "wasi_snapshot_preview1.thread_spawn") ||
			!strings.Contains(msgs[1], "env.log") || !strings.Contains(msgs[2], "memory env.memory") {
			t.Errorf("exit %d, errors %q", code, msgs)
		}
	})
	t.Run("not wasm", func(t *testing.T) {
		code, rep := checkJSON(t, manifest("bare.yaml"), "--module", manifest("file.txt"))
		if code != 1 || len(rep.Errors) != 1 || rep.Errors[0].Code != "module_invalid" {
			t.Errorf("exit %d, errors %+v", code, rep.Errors)
		}
	})
	t.Run("missing", func(t *testing.T) {
		code, rep := checkJSON(t, manifest("bare.yaml"), "--module", manifest("no-such.wasm"))
		if code != 1 || len(rep.Errors) != 1 || rep.Errors[0].Code != "module_io" || rep.Module != nil {
			t.Errorf("exit %d, errors %+v", code, rep.Errors)
		}
	})
}

func TestCheckUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no manifest", nil, 2, "missing manifest"},
		{"two manifests", []string{"a.yaml", "b.yaml"}, 2, "one manifest"},
		{"bad format", []string{"--format", "xml", "a.yaml"}, 2, "--format must be text or json"},
		{"unknown flag", []string{"--nope", "a.yaml"}, 2, "flag provided but not defined"},
		{"flag without value", []string{"a.yaml", "--module"}, 2, "flag needs an argument"},
		{"help", []string{"-h"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checkRun(t, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.err) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.err)
			}
			if tt.code == 0 && !strings.HasPrefix(r.stdout, "usage: wasibox check") {
				t.Errorf("help printed %q", r.stdout)
			}
		})
	}
	// Flags after the manifest work too, as in the usage line.
	if code, rep := checkJSON(t, manifest("ok.yaml")); code != 0 || !rep.OK {
		t.Errorf("flags after the manifest: exit %d", code)
	}
	if r := runInProcess(t, "help"); !strings.Contains(r.stdout, "check") {
		t.Errorf("top-level help does not list check:\n%s", r.stdout)
	}
}

// TestCheckBinary runs the built binary once, end to end, for the exit
// status a shell sees.
func TestCheckBinary(t *testing.T) {
	r := runWasibox(t, "check", manifest("ok.yaml"))
	if r.code != 0 || !strings.HasSuffix(r.stdout, "ok (0 errors, 0 warnings)\n") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runWasibox(t, "check", "--format", "json", manifest("rego_builtin.yaml"))
	if r.code != 1 || !strings.Contains(r.stdout, `"code": "rego_builtin"`) {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
