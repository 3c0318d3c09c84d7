package guard

import (
	"context"
	"strings"
	"testing"

	"github.com/wasibox/wasibox/policy"
)

// The engine's native plans (policy/residual.go) must decide exactly as
// OPA does. OPA's answer comes from the same policy plus a rule whose
// value depends on the input: such a policy could conflict, so the engine
// never folds it and every decision is OPA's.
func TestNativePlansAgreeWithOPA(t *testing.T) {
	policies := map[string]string{
		"strings": `
deny contains "sh" if { input.op == "path_open"; input.access.write; endswith(input.path, ".sh") }
deny contains "tmp" if { input.op == "path_open"; startswith(input.path, "/data/tmp/") }
deny contains "secret" if { input.op == "path_open"; contains(input.path, "secret") }
deny contains "in mount" if { input.op == "path_open"; not startswith(input.path, input.mount) }
deny contains msg if { input.op == "path_open"; endswith(input.path, ".key"); msg := sprintf("key %s", [input.path]) }
`,
		"globs": `
deny contains "g1" if { input.op == "path_open"; glob.match("/data/private/**", ["/"], input.path) }
deny contains "g2" if { input.op == "path_open"; glob.match("/data/*.txt", ["/"], input.path) }
deny contains "g3" if { input.op == "path_open"; glob.match("*.txt", [], input.path) }
deny contains "g4" if { input.op == "path_open"; glob.match("/data/?/[a-c]*", ["/"], input.path) }
deny contains "g5" if { input.op == "path_open"; glob.match("/data/{x,y}/**", null, input.path) }
deny contains "g6" if { input.op == "path_open"; not glob.match("/data/**", ["/"], input.path) }
`,
		"regex and sets": `
deny contains "re" if { input.op == "path_open"; regex.match("^/data/[0-9]+\\.log$", input.path) }
deny contains "set" if { input.op == "path_open"; input.path in {"/data/a", "/data/b"} }
deny contains "arr" if { input.op == "path_open"; input.mode in ["ro"]; input.access.write }
deny contains "port" if { input.op == "sock_connect"; not input.port in {80, 443} }
deny contains "mixed" if { input.op == "sock_connect"; input.port in [22, "22", true] }
`,
		"comparisons": `
deny contains "low" if { input.op == "sock_connect"; input.port < 1024; input.port != 443 }
deny contains "high" if { input.op == "sock_connect"; input.port >= 60000 }
deny contains "addr" if { input.op == "sock_connect"; input.addr == "10.0.0.1" }
deny contains "addr order" if { input.op == "sock_connect"; input.addr > "192." ; input.addr <= "192.168.255.255" }
deny contains "follow" if { input.op == "path_open"; input.follow == false; input.access.create }
deny contains "true eq" if { input.op == "path_open"; true == input.access.truncate }
deny contains "float" if { input.op == "sock_connect"; input.port == 8080.0 }
`,
		"undefined fields": `
deny contains "port on a path" if { input.op == "path_open"; input.port > 0 }
deny contains "no new path" if { input.op == "path_open"; not input.new_path }
deny contains "nosuch" if { input.op == "sock_connect"; input.nosuch == 1 }
deny contains "nosuch not" if { input.op == "sock_connect"; not input.nosuch }
deny contains "rename" if { input.op == "path_rename"; startswith(input.new_path, "/data/in/") }
`,
		"two bindings": `
deny contains msg if { input.op == "path_open"; msg := "a"; msg == "b" }
deny contains msg if { input.op == "path_open"; endswith(input.path, ".z"); msg := "z"; msg == "z" }
`,
	}
	paths := []string{"/data/a", "/data/b", "/data/x.sh", "/data/tmp/x", "/data/secret", "/data/private/k", "/data/private",
		"/data/f.txt", "/data/sub/f.txt", "f.txt", "/data/q/cat", "/data/q/dog", "/data/x/1", "/data/12.log", "/data/1a.log",
		"/data/k.key", "/other/x", "/data/in/x", "/data/y/z.z", ""}
	var inputs []policy.Input
	for _, p := range paths {
		for _, acc := range []policy.Access{{Read: true}, {Write: true, Create: true}, {Write: true, Truncate: true}} {
			for _, mode := range []string{"ro", "rw"} {
				inputs = append(inputs,
					policy.Input{Op: "path_open", Path: p, Mount: "/data", Mode: mode, Access: acc, Follow: acc.Read},
					policy.Input{Op: "path_rename", Path: p, NewPath: p, Mount: "/data", Mode: mode})
			}
		}
	}
	for _, port := range []int{0, 22, 80, 443, 1023, 1024, 8080, 60000, 65535} {
		for _, addr := range []string{"10.0.0.1", "127.0.0.1", "192.168.1.1", "193.0.0.1", "::1"} {
			inputs = append(inputs, policy.Input{Op: "sock_connect", Proto: "tcp", Family: "inet", Addr: addr, Port: port})
		}
	}
	ctx := context.Background()
	for name, src := range policies {
		t.Run(name, func(t *testing.T) {
			src = "package wasibox\n" + src
			native, err := policy.NewEngineFromSources(ctx, map[string]string{"p.rego": src}, nil)
			if err != nil {
				t.Fatal(err)
			}
			opa, err := policy.NewEngineFromSources(ctx, map[string]string{"p.rego": src + "\nwasibox_unfolded := input.op\n"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, op := range []string{"path_open", "sock_connect"} {
				if p := opa.Plan(op); p != "opa" {
					t.Fatalf("reference engine plan for %s: %s", op, p)
				}
				if p := native.Plan(op); strings.HasPrefix(p, "opa") {
					t.Errorf("plan for %s: %s, want native or constant", op, p)
				}
			}
			for _, in := range inputs {
				got := native.Decide(ctx, &in)
				want := opa.Decide(ctx, &in)
				if strings.Contains(want.Reason, "eval_cancel_error") {
					continue // OPA ran out of time on a busy machine: no reference
				}
				if got.Allow != want.Allow || got.Reason != want.Reason {
					t.Errorf("%s %q port %d %+v: plan %q says %v %q, OPA says %v %q", in.Op, in.Path, in.Port, in.Access,
						native.Plan(in.Op), got.Allow, got.Reason, want.Allow, want.Reason)
				}
			}
			if st := native.Stats(); st.Evaluated > 0 {
				t.Logf("stats %+v", st)
			}
			if st := opa.Stats(); st.Native+st.Constant > 0 {
				t.Errorf("reference stats %+v: OPA only expected", st)
			}
		})
	}
}
