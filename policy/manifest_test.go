package policy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wasibox/wasibox/wasi"
)

// wantError is one expected error: its code and position.
type wantError struct {
	Code      string
	Line, Col int
}

func (w wantError) String() string { return fmt.Sprintf("%s %d:%d", w.Code, w.Line, w.Col) }

// readWant reads the expected errors of a malformed manifest from its first
// line, "# want: code line:col[, code line:col ...]". Files that cannot
// carry a comment (an empty file) are listed in wantOverride.
func readWant(t *testing.T, file string, data []byte) []wantError {
	t.Helper()
	if w, ok := wantOverride[filepath.Base(file)]; ok {
		return w
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	spec, ok := strings.CutPrefix(string(line), "# want: ")
	if !ok {
		t.Fatalf("%s: first line must be `# want: code line:col`", file)
	}
	var out []wantError
	for _, one := range strings.Split(spec, ",") {
		var w wantError
		if _, err := fmt.Sscanf(strings.TrimSpace(one), "%s %d:%d", &w.Code, &w.Line, &w.Col); err != nil {
			t.Fatalf("%s: bad want %q: %v", file, one, err)
		}
		out = append(out, w)
	}
	return out
}

var wantOverride = map[string][]wantError{
	// Nothing to point at: the position is unknown (0:0).
	"empty.yaml": {{CodeRequired, 0, 0}},
}

// allCodes are the codes the parser itself can produce; every one of them
// must be exercised by some file in testdata/bad (the others, rego_* and
// mount nesting, come from check and the engine).
var parserCodes = []string{
	CodeYAML, CodeUnknownKey, CodeDuplicate, CodeType, CodeRequired, CodeValue,
	CodeVersion, CodeNetEntry, CodeName, CodeGlob, CodePath, CodeHostPath, CodeShadow,
}

// TestBadManifests parses every file in testdata/bad and compares the
// errors, in order, with the file's `# want:` line.
func TestBadManifests(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 30 {
		t.Fatalf("only %d malformed manifests in testdata/bad, want at least 30", len(files))
	}
	seen := map[string]bool{}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := readWant(t, file, data)
			m, err := Parse(data, file)
			if err == nil {
				t.Fatalf("parsed without error: %+v", m)
			}
			if m != nil {
				t.Errorf("Parse returned a manifest with its errors")
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error is %T, not policy.Errors: %v", err, err)
			}
			var got []wantError
			for _, e := range es {
				got = append(got, wantError{e.Code, e.Line, e.Col})
				seen[e.Code] = true
				if e.File != file {
					t.Errorf("error %v names file %q, want %q", e, e.File, file)
				}
				if e.Message == "" {
					t.Errorf("error %v has no message", e)
				}
				if !strings.HasSuffix(e.Error(), "["+e.Code+"]") {
					t.Errorf("Error() = %q does not end with the code", e.Error())
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("errors:\n%v\ngot  %v\nwant %v", err, got, want)
			}
		})
	}
	for _, c := range parserCodes {
		if !seen[c] {
			t.Errorf("no file in testdata/bad produces code %s", c)
		}
	}
}

// TestBadManifestsCoverage checks that the malformed manifests cover what
// issue 3 lists, by file name, so that a renamed or deleted file is noticed.
func TestBadManifestsCoverage(t *testing.T) {
	for _, name := range []string{
		// unknown keys at every level
		"unknown_top", "unknown_module", "unknown_env", "unknown_fs", "unknown_mount",
		"unknown_net", "unknown_clock", "unknown_stdio", "unknown_limits", "unknown_policy", "unknown_on_deny",
		// wrong types
		"type_args_map", "type_mounts_map", "type_env_set_list", "type_connect_string", "type_top_list",
		// version
		"version_missing", "version_2", "version_string",
		"sha256_short", "sha256_nonhex", "mode_bad", "guest_relative", "guest_dotdot", "mount_duplicate",
		// net entries
		"net_no_proto", "net_bad_proto", "net_missing_port", "net_reversed_range", "net_bad_cidr",
		"net_v6_no_brackets", "net_star_not_leftmost",
		"lookup_bad_char", "lookup_star_middle", "size_unit", "duration_no_unit",
		"open_files_low", "open_files_high", "errno_bad", "random_seed_bad", "clock_bad",
		"duplicate_key", "two_documents", "empty", "yaml_syntax",
	} {
		if _, err := os.Stat(filepath.Join("testdata/bad", name+".yaml")); err != nil {
			t.Errorf("missing malformed manifest: %v", err)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(file)
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Code != CodeIO || es[0].File != file {
		t.Fatalf("Load(missing) = %v, want one %s error naming the file", err, CodeIO)
	}
	var one *Error
	if !errors.As(err, &one) || one.Code != CodeIO {
		t.Errorf("errors.As(*Error) failed on %v", err)
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		e    Error
		want string
	}{
		{"full", Error{Code: CodeValue, Message: "bad", File: "m.yaml", Pos: Pos{3, 7}}, "m.yaml:3:7: bad [invalid_value]"},
		{"no position", Error{Code: CodeIO, Message: "gone", File: "m.yaml"}, "m.yaml: gone [io]"},
		{"nothing", Error{Code: CodeRego, Message: "x"}, "x [rego_compile]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	es := Errors{{Code: "a", Message: "one"}, {Code: "b", Message: "two"}}
	if got := es.Error(); got != "one [a]\ntwo [b]" {
		t.Errorf("Errors.Error() = %q", got)
	}
}

// TestFullManifest parses the manifest of design.md with every section and
// checks the structure it yields.
func TestFullManifest(t *testing.T) {
	m, err := Load("testdata/good/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := filepath.Abs("testdata/good")
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	check("Dir", m.Dir, dir)
	check("Version", m.Version, 1)
	check("ModuleSHA256", m.ModuleSHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	check("Args", m.Args, []string{"--input", "/data/in.csv"})
	check("ArgsSet", m.ArgsSet, true)
	check("EnvSet", m.EnvSet, map[string]string{"LANG": "C.UTF-8", "EMPTY": ""})
	check("EnvInherit", m.EnvInherit, []string{"TERM", "APP_*"})
	check("Mounts", m.Mounts, []Mount{
		{Host: filepath.Join(dir, "data"), Guest: "/data", Mode: ReadOnly, Pos: Pos{10, 7}},
		{Host: filepath.Join(dir, "out"), Guest: "/out", Mode: ReadWrite, Pos: Pos{11, 7}},
		{Host: "/tmp", Guest: "/scratch/tmp", Mode: ReadOnly, Pos: Pos{12, 7}},
	})
	var deny []string
	for _, g := range m.Deny {
		deny = append(deny, fmt.Sprintf("%s@%d:%d", g.Raw, g.Pos.Line, g.Pos.Col))
	}
	check("Deny", deny, []string{"**/*.pem@14:10", "/data/private/**@14:22"})
	if !m.Deny[0].Match("/data/x/key.pem") || m.Deny[0].Match("/data/key.pem.txt") {
		t.Errorf("fs.deny **/*.pem matches wrongly")
	}

	type rule struct {
		Proto, Host, Ports string
		Line               int
	}
	rules := func(rs []NetRule) []rule {
		var out []rule
		for _, r := range rs {
			host := r.Name
			if r.Prefix.IsValid() {
				host = r.Prefix.String()
			}
			var ports []string
			for _, p := range r.Ports {
				ports = append(ports, p.String())
			}
			out = append(out, rule{r.Proto, host, strings.Join(ports, ","), r.Pos.Line})
		}
		return out
	}
	check("Connect", rules(m.Connect), []rule{
		{"tcp", "10.0.0.0/8", "443", 16},
		{"tcp", "api.example.com", "443,8000-8099", 16},
		{"udp", "127.0.0.1/32", "53", 16},
		{"tcp", "2001:db8::/32", "*", 16},
	})
	check("Listen", rules(m.Listen), []rule{{"tcp", "127.0.0.1/32", "8080", 17}})
	check("Preopen", rules(m.Preopen), []rule{{"tcp", "127.0.0.1/32", "8081", 18}, {"tcp", "::1/128", "0", 18}})
	for i, want := range []string{"127.0.0.1:8081", "[::1]:0"} {
		if ap, ok := m.Preopen[i].ListenAddr(); !ok || ap.String() != want {
			t.Errorf("Preopen[%d].ListenAddr() = %v %v, want %s", i, ap, ok, want)
		}
	}
	check("Lookup", m.Lookup, []string{"api.example.com", "*.svc.local", "example.org"})
	check("Realtime", m.Realtime, ClockMode{Kind: "fixed", Fixed: time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)})
	check("Monotonic", m.Monotonic, ClockMode{Kind: "host"})
	check("Resolution", m.Resolution, time.Millisecond)
	check("Random", m.Random, Random{Kind: "seed", Seed: 42})
	check("Stdin", m.Stdin, Stdio{Kind: "null"})
	check("Stdout", m.Stdout, Stdio{Kind: "inherit"})
	check("Stderr", m.Stderr, Stdio{Kind: "file", Path: filepath.Join(dir, "out/err.log")})
	check("Limits", m.Limits, Limits{Memory: 256 << 20, Timeout: 30 * time.Second, OpenFiles: 256, Stdout: 10 << 20, Stderr: 1500})
	check("PolicyModules", m.PolicyModules, []string{filepath.Join(dir, "rules/narrow.rego")})
	check("PolicyTests", m.PolicyTests, []string{filepath.Join(dir, "rules/narrow_test.rego")})
	check("PolicyData", m.PolicyData, filepath.Join(dir, "rules/data.json"))
	check("OnDenyErrno", m.OnDenyErrno, wasi.EPERM)
	for sec, line := range map[string]int{"module": 3, "args": 4, "env": 6, "fs": 9, "net": 16, "clock": 20, "random": 21, "stdio": 22, "limits": 23, "policy": 25} {
		if got := m.Positions[sec].Line; got != line {
			t.Errorf("Positions[%s].Line = %d, want %d", sec, got, line)
		}
	}

	// data.manifest is what policies see.
	d := ManifestData(m)
	check("data.manifest.fs.mounts[1]", d["fs"].(map[string]any)["mounts"].([]any)[1],
		map[string]any{"host": filepath.Join(dir, "out"), "guest": "/out", "mode": "rw"})
	check("data.manifest.net.connect[1]", d["net"].(map[string]any)["connect"].([]any)[1], map[string]any{
		"entry": "tcp://API.example.com:443,8000-8099", "proto": "tcp", "name": "api.example.com",
		"ports": []any{map[string]any{"from": 443, "to": 443}, map[string]any{"from": 8000, "to": 8099}},
	})
	check("data.manifest.on_deny", d["on_deny"], map[string]any{"errno": "EPERM"})
}

// TestMinimalManifest checks the defaults of a manifest that grants nothing.
func TestMinimalManifest(t *testing.T) {
	m, err := Load("testdata/good/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := &Manifest{
		File: "testdata/good/minimal.yaml", Dir: m.Dir, Version: 1,
		Realtime: ClockMode{Kind: "host"}, Monotonic: ClockMode{Kind: "host"},
		Random: Random{Kind: "host"},
		Stdin:  Stdio{Kind: "inherit"}, Stdout: Stdio{Kind: "inherit"}, Stderr: Stdio{Kind: "inherit"},
		OnDenyErrno: wasi.EACCES, Positions: map[string]Pos{},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got  %+v\nwant %+v", m, want)
	}
}

// TestParseValid parses small valid manifests and checks one fact each.
func TestParseValid(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		check func(*Manifest) bool
	}{
		{"flow style", "{version: 1, fs: {mounts: [{host: /, guest: /}]}}", func(m *Manifest) bool {
			return len(m.Mounts) == 1 && m.Mounts[0].Guest == "/" && m.Mounts[0].Host == "/"
		}},
		{"comments and document marker", "---\n# c\nversion: 1 # one\n...\n", func(m *Manifest) bool { return m.Version == 1 }},
		{"empty lists", "version: 1\nargs: []\nnet: {connect: [], listen: [], lookup: []}\n", func(m *Manifest) bool {
			return m.ArgsSet && len(m.Args) == 0 && len(m.Connect) == 0
		}},
		{"random none", "version: 1\nrandom: none\n", func(m *Manifest) bool { return m.Random.Kind == "none" }},
		{"random seed 0", "version: 1\nrandom: seed:0\n", func(m *Manifest) bool { return m.Random == Random{"seed", 0} }},
		{"random seed max", "version: 1\nrandom: seed:18446744073709551615\n", func(m *Manifest) bool { return m.Random.Seed == 1<<64-1 }},
		{"clock none", "version: 1\nclock: {realtime: none, monotonic: none}\n", func(m *Manifest) bool {
			return m.Realtime.Kind == "none" && m.Monotonic.Kind == "none"
		}},
		{"clock fixed with offset", "version: 1\nclock: {realtime: 2024-01-01T01:00:00+01:00}\n", func(m *Manifest) bool {
			return m.Realtime.Fixed.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
		}},
		{"plain byte size", "version: 1\nlimits: {memory: 65536, stdout: 1}\n", func(m *Manifest) bool {
			return m.Limits.Memory == 65536 && m.Limits.Stdout == 1
		}},
		{"open files bounds", "version: 1\nlimits: {open_files: 4}\n", func(m *Manifest) bool { return m.Limits.OpenFiles == 4 }},
		{"errno lower case", "version: 1\non_deny: {errno: enotcapable}\n", func(m *Manifest) bool { return m.OnDenyErrno == wasi.ENOTCAPABLE }},
		{"env inherit star", "version: 1\nenv: {inherit: ['*']}\n", func(m *Manifest) bool { return len(m.EnvInherit) == 1 && m.EnvInherit[0] == "*" }},
		{"nested guest mounts", "version: 1\nfs: {mounts: [{host: a, guest: /d}, {host: b, guest: /d/e}]}\n", func(m *Manifest) bool {
			return len(m.Mounts) == 2
		}},
		{"v6 listen any port", "version: 1\nnet: {listen: ['udp://[::1]:*']}\n", func(m *Manifest) bool {
			return m.Listen[0].AnyPort() && m.Listen[0].Prefix == netip.MustParsePrefix("::1/128")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse([]byte(tt.yaml), filepath.Join(t.TempDir(), "m.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(m) {
				t.Errorf("unexpected manifest: %+v", m)
			}
		})
	}
}

// TestHostPathsRelativeToManifest checks that host paths are anchored at
// the manifest's folder, not the working directory.
func TestHostPathsRelativeToManifest(t *testing.T) {
	dir := t.TempDir()
	m, err := Parse([]byte("version: 1\nfs: {mounts: [{host: ./a/../b, guest: /x}]}\nstdio: {stdout: out.log}\n"), filepath.Join(dir, "sub", "m.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "sub", "b"); m.Mounts[0].Host != want {
		t.Errorf("host = %q, want %q", m.Mounts[0].Host, want)
	}
	if want := filepath.Join(dir, "sub", "out.log"); m.Stdout.Path != want {
		t.Errorf("stdout = %q, want %q", m.Stdout.Path, want)
	}
}

// TestPolicyGlobsSplitTests checks that a modules glob that also matches
// the tests does not make the tests decide.
func TestPolicyGlobsSplitTests(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a.rego", "a_test.rego", "b.rego"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("package wasibox\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := Parse([]byte("version: 1\npolicy: {modules: ['*.rego'], tests: ['*_test.rego']}\n"), filepath.Join(dir, "m.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{filepath.Join(dir, "a.rego"), filepath.Join(dir, "b.rego")}; !reflect.DeepEqual(m.PolicyModules, want) {
		t.Errorf("modules = %v, want %v", m.PolicyModules, want)
	}
	if want := []string{filepath.Join(dir, "a_test.rego")}; !reflect.DeepEqual(m.PolicyTests, want) {
		t.Errorf("tests = %v, want %v", m.PolicyTests, want)
	}
}

func TestParseNetRule(t *testing.T) {
	tests := []struct {
		in     string
		proto  string
		prefix string // or name
		ports  string
	}{
		{"tcp://10.0.0.0/8:443", "tcp", "10.0.0.0/8", "443"},
		{"tcp://10.1.2.3/8:443", "tcp", "10.0.0.0/8", "443"}, // masked
		{"udp://1.2.3.4:*", "udp", "1.2.3.4/32", "*"},
		{"tcp://0.0.0.0/0:1-65535", "tcp", "0.0.0.0/0", "1-65535"},
		{"tcp://[::1]:80", "tcp", "::1/128", "80"},
		{"tcp://[fe80::/10]:80,443", "tcp", "fe80::/10", "80,443"},
		{"tcp://[::]:0", "tcp", "::/128", "0"},
		{"tcp://Example.COM:443", "tcp", "example.com", "443"},
		{"tcp://*.svc.local:8000-8099, 9000", "tcp", "*.svc.local", "8000-8099,9000"},
		{"tcp://localhost:22", "tcp", "localhost", "22"},
		{"tcp://under_score.example:1", "tcp", "under_score.example", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := ParseNetRule(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			host := r.Name
			if r.Prefix.IsValid() {
				host = r.Prefix.String()
				if r.Name != "" {
					t.Errorf("both prefix and name set: %+v", r)
				}
			}
			var ports []string
			for _, p := range r.Ports {
				ports = append(ports, p.String())
			}
			if r.Proto != tt.proto || host != tt.prefix || strings.Join(ports, ",") != tt.ports || r.Raw != tt.in {
				t.Errorf("got %s %s %s (raw %q), want %s %s %s", r.Proto, host, strings.Join(ports, ","), r.Raw, tt.proto, tt.prefix, tt.ports)
			}
		})
	}
	for _, bad := range []string{
		"", "tcp", "tcp://", "tcp://:80", "http://1.2.3.4:80", "TCP://1.2.3.4:80", "tcp://1.2.3.4",
		"tcp://1.2.3.4:", "tcp://1.2.3.4:x", "tcp://1.2.3.4:-1", "tcp://1.2.3.4:+80", "tcp://1.2.3.4:80-",
		"tcp://1.2.3.4:9-8", "tcp://1.2.3.4:65536", "tcp://1.2.3.4:80,,81", "tcp://1.2.3/8:80",
		"tcp://1.2.3.4/33:80", "tcp://::1:80", "tcp://[::1]80", "tcp://[::1:80", "tcp://[1.2.3.4]:80",
		"tcp://[fe80::1%eth0]:80", "tcp://[::ffff:1.2.3.4]:80", "tcp://a.*.com:80", "tcp://*:80",
		"tcp://*.:80", "tcp://-a.com:80", "tcp://a..com:80", "tcp://a b.com:80", "tcp://" + strings.Repeat("a", 64) + ".com:80",
		"tcp://" + strings.Repeat("a.", 127) + "com:80",
	} {
		if r, err := ParseNetRule(bad); err == nil {
			t.Errorf("ParseNetRule(%q) = %+v, want an error", bad, r)
		}
	}
}

func TestNetRuleMatch(t *testing.T) {
	r, err := ParseNetRule("tcp://10.0.0.0/8:443,8000-8099")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		addr string
		port uint16
		want bool
	}{
		{"10.1.2.3", 443, true}, {"10.1.2.3", 8050, true}, {"10.1.2.3", 8100, false},
		{"11.0.0.1", 443, false}, {"::ffff:10.1.2.3", 443, false}, // the caller unmaps
	} {
		got := r.MatchAddr(netip.MustParseAddr(tt.addr)) && r.MatchPort(tt.port)
		if got != tt.want {
			t.Errorf("%s:%d matched %v, want %v", tt.addr, tt.port, got, tt.want)
		}
	}
	if r.AnyPort() {
		t.Error("AnyPort() on a port list")
	}
	name, _ := ParseNetRule("tcp://example.com:443")
	if name.MatchAddr(netip.MustParseAddr("93.184.216.34")) {
		t.Error("a name rule matched an address (names are pinned by the guard)")
	}
}

func TestMatchName(t *testing.T) {
	for _, tt := range []struct {
		pattern, name string
		want          bool
	}{
		{"api.example.com", "api.example.com", true},
		{"api.example.com", "API.Example.com.", true},
		{"api.example.com", "x.api.example.com", false},
		{"*.svc.local", "a.svc.local", true},
		{"*.svc.local", "a.b.svc.local", true},
		{"*.svc.local", "svc.local", false},
		{"*.svc.local", ".svc.local", false},
		{"*.svc.local", "asvc.local", false},
	} {
		if got := MatchName(tt.pattern, tt.name); got != tt.want {
			t.Errorf("MatchName(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"4096", 4096, true}, {"256MiB", 256 << 20, true}, {"10MB", 10e6, true}, {"1.5KiB", 1536, true},
		{"1 GiB", 1 << 30, true}, {"2K", 2048, true}, {"7B", 7, true},
		{"", 0, false}, {"MiB", 0, false}, {"-1", 0, false}, {"1XB", 0, false}, {"NaNKiB", 0, false},
		{"99999999999999999999", 0, false}, {"17179869184GiB", 0, false}, {"1e30", 0, false},
	} {
		got, err := ParseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestGlob(t *testing.T) {
	for _, tt := range []struct {
		pattern, path string
		want          bool
	}{
		{"**/*.pem", "/a.pem", true},
		{"**/*.pem", "/x/y/a.pem", true},
		{"*.pem", "/x/a.pem", true}, // no leading /: any depth
		{"/data/private/**", "/data/private", true},
		{"/data/private/**", "/data/private/a/b", true},
		{"/data/private/**", "/data/privatex", false},
		{"/data/*.txt", "/data/a.txt", true},
		{"/data/*.txt", "/data/x/a.txt", false},
		{"/a/**/b", "/a/b", true},
		{"/a/**/b", "/a/x/y/b", true},
		{"/a/[bc]", "/a/c", true},
	} {
		g, err := CompileGlob(tt.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Match(tt.path); got != tt.want {
			t.Errorf("%q.Match(%q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
	for _, bad := range []string{"", "/a/../b", "/a/./b", "/a//b", "/a/x**", "/a/[", "**x"} {
		if _, err := CompileGlob(bad); err == nil {
			t.Errorf("CompileGlob(%q) succeeded", bad)
		}
	}
}

// TestBadManifestWantLines makes sure every want line names a known code,
// so that a typo in a test file cannot pass by accident.
func TestBadManifestWantLines(t *testing.T) {
	known := map[string]bool{}
	for _, c := range parserCodes {
		known[c] = true
	}
	files, _ := filepath.Glob("testdata/bad/*.yaml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range readWant(t, file, data) {
			if !known[w.Code] {
				t.Errorf("%s: unknown code %q", file, w.Code)
			}
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for n := 1; sc.Scan(); n++ {
			if n > 1 && strings.HasPrefix(sc.Text(), "# want:") {
				t.Errorf("%s:%d: a want line must be the first line", file, n)
			}
		}
	}
}

func TestParsePreopen(t *testing.T) {
	for in, want := range map[string]string{
		"tcp://127.0.0.1:8080":  "127.0.0.1:8080",
		"tcp://localhost:0":     "127.0.0.1:0",
		"tcp://LOCALHOST:80":    "127.0.0.1:80",
		"tcp://[::1]:443":       "[::1]:443",
		"tcp://0.0.0.0:8080":    "0.0.0.0:8080",
		"tcp://10.1.2.3/32:99":  "10.1.2.3:99",
		"udp://127.0.0.1:53":    "",
		"tcp://10.0.0.0/8:80":   "",
		"tcp://example.com:80":  "",
		"tcp://*.local:80":      "",
		"tcp://127.0.0.1:*":     "",
		"tcp://127.0.0.1:80-81": "",
		"tcp://127.0.0.1:80,81": "",
		"tcp://127.0.0.1":       "",
		"127.0.0.1:80":          "",
	} {
		r, err := ParsePreopen(in)
		if want == "" {
			if err == nil {
				t.Errorf("ParsePreopen(%q) accepted: %+v", in, r)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePreopen(%q): %v", in, err)
			continue
		}
		if ap, ok := r.ListenAddr(); !ok || ap.String() != want {
			t.Errorf("ParsePreopen(%q).ListenAddr() = %v %v, want %s", in, ap, ok, want)
		}
	}
}
