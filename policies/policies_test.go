package policies_test

import (
	"context"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/wasibox/wasibox/policies"
	"github.com/wasibox/wasibox/policy"
)

func TestList(t *testing.T) {
	want := []string{"deny_private_networks", "deny_secret_files", "no_dns", "read_only"}
	got := policies.List()
	if len(got) != len(want) {
		t.Fatalf("List() has %d policies, want %d: %v", len(got), len(want), got)
	}
	for i, p := range got {
		if p.Name != want[i] {
			t.Errorf("List()[%d].Name = %q, want %q", i, p.Name, want[i])
		}
		if p.Title == "" || p.Description == "" {
			t.Errorf("%s: no title or description in its leading comment", p.Name)
		}
		if p.Source == "" || p.TestSource == "" {
			t.Errorf("%s: source or %s missing", p.Name, p.TestFile)
		}
		if !strings.Contains(p.Source, "\npackage wasibox\n") {
			t.Errorf("%s: not in package wasibox", p.Name)
		}
	}
	if _, ok := policies.Get("read_only"); !ok {
		t.Error(`Get("read_only") found nothing`)
	}
	if _, ok := policies.Get("nope"); ok {
		t.Error(`Get("nope") found something`)
	}
	if _, err := fs.Stat(policies.FS(), "no_dns_test.rego"); err != nil {
		t.Error(err)
	}
}

// msgRe finds the literal deny messages (or sprintf formats) of a policy.
var msgRe = regexp.MustCompile(`(?:deny contains|sprintf\()\s*"([^"]*)"`)

// TestMessagesNamePolicy checks the convention the tests rely on: every
// deny message starts with "<name>: ".
func TestMessagesNamePolicy(t *testing.T) {
	for _, p := range policies.List() {
		ms := msgRe.FindAllStringSubmatch(p.Source, -1)
		if len(ms) == 0 {
			t.Errorf("%s: no deny message found", p.Name)
		}
		for _, m := range ms {
			if !strings.HasPrefix(m[1], p.Name+": ") {
				t.Errorf("%s: message %q does not start with %q", p.Name, m[1], p.Name+": ")
			}
		}
	}
}

// TestCompileRestricted compiles every shipped policy, alone and all
// together, under wasibox's restricted capabilities.
func TestCompileRestricted(t *testing.T) {
	all := map[string]string{}
	for _, p := range policies.List() {
		if _, _, errs := policy.CompileModules(map[string]string{p.File: p.Source}); errs != nil {
			t.Errorf("%s: %v", p.Name, errs)
		}
		all[p.File] = p.Source
		all[p.TestFile] = p.TestSource
	}
	if _, _, errs := policy.CompileModules(all); errs != nil {
		t.Errorf("all together: %v", errs)
	}
}

// TestNeverOPAPerCall checks that the engine decides every operation of
// every shipped policy without a full OPA evaluation per call: either a
// constant folded at start or a native residual plan (design decision 4).
// wantConst lists the operations each policy must fold to a constant.
func TestNeverOPAPerCall(t *testing.T) {
	wantConst := map[string]map[string]string{
		"read_only": {
			"path_create_directory": "constant deny", "path_unlink_file": "constant deny",
			"path_symlink": "constant deny", "path_readlink": "constant allow",
			"sock_connect": "constant allow",
		},
		"no_dns":                {"sock_getaddrinfo": "constant deny", "sock_connect": "constant allow", "path_open": "constant allow"},
		"deny_private_networks": {"path_open": "constant allow", "sock_bind": "constant allow"},
		"deny_secret_files":     {"path_unlink_file": "constant allow", "sock_connect": "constant allow"},
	}
	for _, p := range policies.List() {
		e, err := policy.NewEngineFromSources(context.Background(), map[string]string{p.File: p.Source}, map[string]any{"manifest": map[string]any{}})
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		for _, op := range policy.Ops {
			plan := e.Plan(op)
			if plan == "opa" {
				t.Errorf("%s: %s is evaluated by OPA on every (uncached) call", p.Name, op)
			}
			if want, ok := wantConst[p.Name][op]; ok && !strings.HasPrefix(plan, want) {
				t.Errorf("%s: Plan(%s) = %q, want %q", p.Name, op, plan, want)
			}
		}
	}
}
