package policy

import (
	"fmt"
	"strings"
	"testing"
)

const testPolicy = `package wasibox

deny contains "no shell scripts may be written" if {
	input.op == "path_open"
	input.access.write
	endswith(input.path, ".sh")
}

deny contains msg if {
	input.op == "path_open"
	glob.match("/data/private/**", ["/"], input.path)
	msg := sprintf("private: %s", [input.path])
}

deny contains "no mkdir" if { input.op == "path_create_directory" }

deny contains "no port 22" if { input.op == "sock_connect"; input.port == 22 }

deny contains "bad name" if {
	input.op == "sock_connect"
	some n in data.manifest.bad
	n == input.name
}
`

func newTestEngine(t testing.TB, src string) *Engine {
	t.Helper()
	e, err := NewEngineFromSources(t.Context(), map[string]string{"p.rego": src},
		map[string]any{"manifest": map[string]any{"bad": []any{"x.com", "y.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEnginePlans(t *testing.T) {
	e := newTestEngine(t, testPolicy)
	for op, want := range map[string]string{
		"path_open":             "native:",
		"path_create_directory": "constant deny (no mkdir)",
		"path_unlink_file":      "constant allow",
		"sock_connect":          "native:",
		"sock_bind":             "constant allow",
	} {
		if got := e.Plan(op); !strings.HasPrefix(got, want) {
			t.Errorf("Plan(%s) = %q, want prefix %q", op, got, want)
		}
	}
}

func TestEngineDecide(t *testing.T) {
	e := newTestEngine(t, testPolicy)
	tests := []struct {
		name   string
		in     Input
		allow  bool
		reason string
	}{
		{"write sh", Input{Op: "path_open", Path: "/x/a.sh", Access: Access{Write: true}}, false, "no shell scripts may be written"},
		{"read sh", Input{Op: "path_open", Path: "/x/a.sh", Access: Access{Read: true}}, true, ""},
		{"private", Input{Op: "path_open", Path: "/data/private/k", Access: Access{Read: true}}, false, "private: /data/private/k"},
		{"both", Input{Op: "path_open", Path: "/data/private/k.sh", Access: Access{Write: true}}, false, "no shell scripts may be written; private: /data/private/k.sh"},
		{"port 22", Input{Op: "sock_connect", Port: 22}, false, "no port 22"},
		{"bad name", Input{Op: "sock_connect", Port: 23, Name: "y.com"}, false, "bad name"},
		{"good name", Input{Op: "sock_connect", Port: 23, Name: "z.com"}, true, ""},
		{"mkdir", Input{Op: "path_create_directory", Path: "/a"}, false, "no mkdir"},
		{"unlink", Input{Op: "path_unlink_file", Path: "/a"}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.Decide(t.Context(), &tt.in)
			if got.Allow != tt.allow || got.Reason != tt.reason {
				t.Errorf("Decide = %+v, want allow=%v reason=%q", got, tt.allow, tt.reason)
			}
			// The native plan and OPA must agree.
			ref := e.eval(t.Context(), tt.in.Map())
			if ref.Allow != got.Allow || ref.Reason != got.Reason {
				t.Errorf("OPA says %+v, plan says %+v", ref, got)
			}
		})
	}
}

func TestEngineForbiddenBuiltins(t *testing.T) {
	for _, call := range []string{
		`http.send({"method": "get", "url": "http://x"})`,
		`net.lookup_ip_addr("example.com")`,
		`opa.runtime()`,
		`time.now_ns()`,
		`rand.intn("x", 10)`,
	} {
		src := fmt.Sprintf("package wasibox\n\ndeny contains x if {\n\tx := %s\n}\n", call)
		_, err := NewEngineFromSources(t.Context(), map[string]string{"bad.rego": src}, nil)
		var es Errors
		if err == nil {
			t.Errorf("%s: compiled", call)
			continue
		}
		if !asErrors(err, &es) || es[0].Code != CodeRegoBuiltin || es[0].Line != 4 || es[0].File != "bad.rego" {
			t.Errorf("%s: got %v, want a %s error at bad.rego:4", call, err, CodeRegoBuiltin)
		}
	}
}

func asErrors(err error, es *Errors) bool {
	e, ok := err.(Errors)
	*es = e
	return ok && len(e) > 0
}

func TestEngineFailClosed(t *testing.T) {
	// A policy whose evaluation errors (conflicting values) denies.
	e := newTestEngine(t, `package wasibox

deny contains x if {
	input.op == "path_open"
	x := to_number(input.path)
}
`)
	d := e.Decide(t.Context(), &Input{Op: "path_open", Path: "not-a-number"})
	if d.Allow {
		t.Errorf("a policy error allowed: %+v", d)
	}
}

func BenchmarkDecide(b *testing.B) {
	e := newTestEngine(b, testPolicy)
	in := Input{Op: "path_open", Access: Access{Write: true}}
	paths := make([]string, 100000)
	for i := range paths {
		paths[i] = fmt.Sprintf("/data/x/%d.txt", i)
	}
	b.Run("native", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			in.Path = paths[i%len(paths)]
			e.Decide(b.Context(), &in)
		}
	})
	b.Run("opa", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			in.Path = paths[i%len(paths)]
			e.eval(b.Context(), in.Map())
		}
	})
	b.Run("constant", func(b *testing.B) {
		b.ReportAllocs()
		in := Input{Op: "path_unlink_file", Path: "/a"}
		for b.Loop() {
			e.Decide(b.Context(), &in)
		}
	})
}

func TestGlobRenameSafe(t *testing.T) {
	tests := []struct {
		glob, dir string
		want      bool
	}{
		{"**/*.pem", "/out/a", true},
		{"/out/a/private/**", "/out/a", false},
		{"/out/a/private/**", "/out/a/private", false},
		{"/out/a/private/**", "/out/b", true},
		{"/data/private/**", "/out", true},
		{"private/*.txt", "/out/a", false},
		{"/out/*/secret", "/out/x", false},
		{"/out/*/secret", "/other", true},
		{"/out/x", "/out/x", true},
	}
	for _, tt := range tests {
		g, err := CompileGlob(tt.glob)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.RenameSafe(tt.dir); got != tt.want {
			t.Errorf("%q.RenameSafe(%q) = %v, want %v", tt.glob, tt.dir, got, tt.want)
		}
	}
}
