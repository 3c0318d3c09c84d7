package policy

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The fuzz targets below never touch the file system except through the
// parser's own policy globs, which resolve under a folder that does not
// exist. Seed corpora: testdata/fuzz/<target>/ (Go's corpus format) plus
// every manifest in testdata/good and testdata/bad.
//
//	go test -run '^$' -fuzz FuzzParseManifest -fuzztime 60s ./policy/
//	go test -run '^$' -fuzz FuzzParseNetRule -fuzztime 60s ./policy/

// fuzzFile names the manifest in fuzzed parses; its folder does not exist,
// so relative policy globs match nothing.
const fuzzFile = "fuzz-no-such-dir/manifest.yaml"

// knownCodes are every error code Parse may return.
var knownCodes = map[string]bool{
	CodeYAML: true, CodeUnknownKey: true, CodeDuplicate: true, CodeType: true,
	CodeRequired: true, CodeValue: true, CodeVersion: true, CodeNetEntry: true,
	CodeName: true, CodeGlob: true, CodePath: true, CodeHostPath: true,
	CodeShadow: true, CodeIO: true,
}

func addManifestSeeds(f *testing.F) {
	for _, pat := range []string{"testdata/good/*.yaml", "testdata/bad/*.yaml"} {
		files, err := filepath.Glob(pat)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

func FuzzParseManifest(f *testing.F) {
	addManifestSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return // the parser is linear; big inputs only slow the fuzzer down
		}
		m, err := Parse(data, fuzzFile)
		if err != nil {
			checkParseErrors(t, data, m, err)
			return
		}
		checkInvariants(t, m)

		// A successful parse round-trips: rendering the manifest back to
		// YAML and parsing that gives the same facts, and rendering again
		// gives the same text.
		text := renderManifest(t, m)
		m2, err := Parse(text, fuzzFile)
		if err != nil {
			t.Fatalf("re-parsing the rendered manifest failed: %v\ninput:\n%s\nrendered:\n%s", err, data, text)
		}
		if text2 := renderManifest(t, m2); string(text2) != string(text) {
			t.Fatalf("render is not a fixed point:\n%s\n---\n%s", text, text2)
		}
		if !m2.Realtime.Fixed.Equal(m.Realtime.Fixed) {
			t.Fatalf("fixed time %v became %v", m.Realtime.Fixed, m2.Realtime.Fixed)
		}
	})
}

// checkParseErrors checks what a failed parse returns: no manifest, and a
// non-empty policy.Errors whose every entry has a known code, the file
// name, a message and a position inside the input.
func checkParseErrors(t *testing.T, data []byte, m *Manifest, err error) {
	t.Helper()
	if m != nil {
		t.Fatalf("Parse returned a manifest with error %v", err)
	}
	var es Errors
	if !errors.As(err, &es) || len(es) == 0 {
		t.Fatalf("error %T %v is not a non-empty policy.Errors", err, err)
	}
	// YAML breaks lines at \n, \r, NEL, LS and PS.
	lines := 2
	for _, br := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
		lines += strings.Count(string(data), br)
	}
	for _, e := range es {
		if !knownCodes[e.Code] {
			t.Fatalf("unknown code %q in %v", e.Code, e)
		}
		if e.File != fuzzFile || e.Message == "" {
			t.Fatalf("error without file or message: %#v", e)
		}
		if e.Line < 0 || e.Col < 0 || e.Line > lines {
			t.Fatalf("position %d:%d outside a %d-line input: %v", e.Line, e.Col, lines, e)
		}
	}
}

// checkInvariants checks what every parsed manifest guarantees.
func checkInvariants(t *testing.T, m *Manifest) {
	t.Helper()
	if m.Version != 1 {
		t.Fatalf("version %d", m.Version)
	}
	if m.ModuleSHA256 != "" && (len(m.ModuleSHA256) != 64 || strings.Trim(m.ModuleSHA256, "0123456789abcdef") != "") {
		t.Fatalf("module.sha256 %q", m.ModuleSHA256)
	}
	guests := map[string]bool{}
	for _, mt := range m.Mounts {
		if !filepath.IsAbs(mt.Host) || filepath.Clean(mt.Host) != mt.Host {
			t.Fatalf("host path %q is not absolute and clean", mt.Host)
		}
		if !strings.HasPrefix(mt.Guest, "/") || filepath.Clean(mt.Guest) != mt.Guest || hasDotDot(mt.Guest) {
			t.Fatalf("guest path %q is not absolute and clean", mt.Guest)
		}
		if guests[mt.Guest] {
			t.Fatalf("guest path %q mounted twice", mt.Guest)
		}
		guests[mt.Guest] = true
		if mt.Mode != ReadOnly && mt.Mode != ReadWrite {
			t.Fatalf("mode %q", mt.Mode)
		}
	}
	for _, rs := range [][]NetRule{m.Connect, m.Listen} {
		for i := range rs {
			checkRule(t, &rs[i])
		}
	}
	for _, n := range m.Lookup {
		if n != strings.ToLower(n) || checkDNSPattern(n) != nil {
			t.Fatalf("lookup name %q", n)
		}
	}
	if o := m.Limits.OpenFiles; o != 0 && (o < 4 || o > 65536) {
		t.Fatalf("open_files %d", o)
	}
	if m.Limits.Memory != 0 && m.Limits.Memory < 64<<10 {
		t.Fatalf("memory %d", m.Limits.Memory)
	}
	if m.Limits.Timeout < 0 || m.Resolution < 0 {
		t.Fatalf("negative duration")
	}
	if m.OnDenyErrno == 0 {
		t.Fatalf("on_deny.errno is ESUCCESS")
	}
}

func hasDotDot(p string) bool {
	for _, el := range strings.Split(p, "/") {
		if el == ".." {
			return true
		}
	}
	return false
}

// checkRule checks what every parsed network entry guarantees.
func checkRule(t *testing.T, r *NetRule) {
	t.Helper()
	if r.Proto != "tcp" && r.Proto != "udp" {
		t.Fatalf("%q: proto %q", r.Raw, r.Proto)
	}
	if r.Prefix.IsValid() == (r.Name != "") {
		t.Fatalf("%q: want exactly one of prefix (%v) and name (%q)", r.Raw, r.Prefix, r.Name)
	}
	if r.Prefix.IsValid() {
		if r.Prefix != r.Prefix.Masked() || r.Prefix.Addr().Zone() != "" || r.Prefix.Addr().Is4In6() {
			t.Fatalf("%q: prefix %v is not masked, has a zone or is IPv4-mapped", r.Raw, r.Prefix)
		}
	} else if r.Name != strings.ToLower(r.Name) || checkDNSPattern(r.Name) != nil {
		t.Fatalf("%q: name %q", r.Raw, r.Name)
	}
	if len(r.Ports) == 0 {
		t.Fatalf("%q: no ports", r.Raw)
	}
	for _, p := range r.Ports {
		if p.Lo > p.Hi {
			t.Fatalf("%q: reversed range %v", r.Raw, p)
		}
	}
}

// canonicalRule writes a parsed entry back in canonical form.
func canonicalRule(r *NetRule) string {
	var b strings.Builder
	b.WriteString(r.Proto)
	b.WriteString("://")
	switch {
	case r.Name != "":
		b.WriteString(r.Name)
	case r.Prefix.Addr().Is6():
		b.WriteString("[" + r.Prefix.String() + "]")
	default:
		b.WriteString(r.Prefix.String())
	}
	b.WriteByte(':')
	for i, p := range r.Ports {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// renderManifest writes m back as YAML, with every value normalized, leaving
// out the policy section (its globs were expanded against the file system).
func renderManifest(t *testing.T, m *Manifest) []byte {
	t.Helper()
	doc := map[string]any{"version": 1}
	if m.ModuleSHA256 != "" {
		doc["module"] = map[string]any{"sha256": m.ModuleSHA256}
	}
	if m.ArgsSet {
		doc["args"] = append([]string{}, m.Args...)
	}
	env := map[string]any{}
	if m.EnvSet != nil {
		env["set"] = m.EnvSet
	}
	if m.EnvInherit != nil {
		env["inherit"] = m.EnvInherit
	}
	if len(env) > 0 {
		doc["env"] = env
	}
	fs := map[string]any{}
	var mounts []any
	for _, mt := range m.Mounts {
		mounts = append(mounts, map[string]any{"host": mt.Host, "guest": mt.Guest, "mode": string(mt.Mode)})
	}
	if mounts != nil {
		fs["mounts"] = mounts
	}
	var deny []string
	for _, g := range m.Deny {
		deny = append(deny, g.Raw)
	}
	if deny != nil {
		fs["deny"] = deny
	}
	if len(fs) > 0 {
		doc["fs"] = fs
	}
	net := map[string]any{}
	for key, rs := range map[string][]NetRule{"connect": m.Connect, "listen": m.Listen} {
		var out []string
		for i := range rs {
			out = append(out, canonicalRule(&rs[i]))
		}
		if out != nil {
			net[key] = out
		}
	}
	if m.Lookup != nil {
		net["lookup"] = m.Lookup
	}
	if len(net) > 0 {
		doc["net"] = net
	}
	clock := map[string]any{"realtime": clockText(m.Realtime), "monotonic": clockText(m.Monotonic)}
	if m.Resolution != 0 {
		clock["resolution"] = m.Resolution.String()
	}
	doc["clock"] = clock
	switch m.Random.Kind {
	case "seed":
		doc["random"] = "seed:" + strconv.FormatUint(m.Random.Seed, 10)
	default:
		doc["random"] = m.Random.Kind
	}
	doc["stdio"] = map[string]any{"stdin": stdioText(m.Stdin), "stdout": stdioText(m.Stdout), "stderr": stdioText(m.Stderr)}
	limits := map[string]any{}
	for key, v := range map[string]uint64{"memory": m.Limits.Memory, "stdout": m.Limits.Stdout, "stderr": m.Limits.Stderr} {
		if v != 0 {
			limits[key] = strconv.FormatUint(v, 10)
		}
	}
	if m.Limits.Timeout != 0 {
		limits["timeout"] = m.Limits.Timeout.String()
	}
	if m.Limits.OpenFiles != 0 {
		limits["open_files"] = m.Limits.OpenFiles
	}
	if len(limits) > 0 {
		doc["limits"] = limits
	}
	doc["on_deny"] = map[string]any{"errno": m.OnDenyErrno.Name()}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatalf("rendering %+v: %v", m, err)
	}
	return out
}

func clockText(c ClockMode) string {
	if c.Kind == "fixed" {
		return c.Fixed.Format(time.RFC3339Nano)
	}
	return c.Kind
}

func stdioText(s Stdio) string {
	if s.Kind == "file" {
		return s.Path
	}
	return s.Kind
}

func FuzzParseNetRule(f *testing.F) {
	for _, s := range []string{
		"tcp://10.0.0.0/8:443", "tcp://api.example.com:443,8000-8099", "udp://127.0.0.1:53",
		"tcp://[::1]:80", "tcp://[fe80::/10]:*", "tcp://*.svc.local:1-65535", "tcp://0.0.0.0/0:*",
		"tcp://[::ffff:1.2.3.4]:80", "tcp://[fe80::1%eth0]:80", "tcp://::1:80", "tcp://a.*.b:1",
		"tcp://1.2.3.4:9-8", "tcp://1.2.3.4:", "tcp://[::1]", "sctp://1.2.3.4:1", "tcp://x:+1",
		"tcp://1.2.3.4: 80 , 81", "udp://LOCALHOST.:53",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseNetRule(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
		} else {
			if r.Raw != s {
				t.Fatalf("Raw = %q, want %q", r.Raw, s)
			}
			checkRule(t, &r)
			// Round trip: the canonical form parses to the same rule.
			c := canonicalRule(&r)
			r2, err := ParseNetRule(c)
			if err != nil {
				t.Fatalf("%q: canonical form %q does not parse: %v", s, c, err)
			}
			if r2.Proto != r.Proto || r2.Prefix != r.Prefix || r2.Name != r.Name || !reflect.DeepEqual(r2.Ports, r.Ports) {
				t.Fatalf("%q -> %q: %+v became %+v", s, c, r, r2)
			}
		}

		// The same entry in a manifest: accepted exactly when ParseNetRule
		// accepts it, and otherwise reported as bad_net_entry at the entry.
		if !utf8.ValidString(s) || len(s) > 4096 {
			return
		}
		text, merr := yaml.Marshal(map[string]any{"version": 1, "net": map[string]any{"connect": []string{s}}})
		if merr != nil {
			return
		}
		m, perr := Parse(text, fuzzFile)
		if m != nil && m.Connect[0].Raw != s {
			return // YAML normalized the string (e.g. line breaks); not comparable
		}
		switch {
		case err == nil && perr != nil:
			t.Fatalf("%q: ParseNetRule accepts it but the manifest parser says %v\n%s", s, perr, text)
		case err != nil && perr == nil:
			t.Fatalf("%q: ParseNetRule says %v but the manifest parser accepts it", s, err)
		case err != nil:
			var es Errors
			if !errors.As(perr, &es) || len(es) != 1 || es[0].Code != CodeNetEntry || es[0].Line == 0 {
				t.Fatalf("%q: manifest error %v, want one %s with a position", s, perr, CodeNetEntry)
			}
		}
	})
}
