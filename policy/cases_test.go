package policy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/wasibox/wasibox/policies"
	"github.com/wasibox/wasibox/policy"
	"gopkg.in/yaml.v3"
)

// The decision cases in testdata/cases are shared by the Go and the Rego
// tests (see testdata/cases/README.md): TestCases decides them with
// policy.Engine, and generates and runs the same cases as Rego tests.

var updateCases = flag.Bool("update-cases", false, "rewrite testdata/cases/*_test.rego")

const casesDir = "testdata/cases"

// suite is one testdata/cases/*.yaml file.
type suite struct {
	Name     string `yaml:"-"`
	Manifest string `yaml:"manifest"`
	// Policies are shipped policies (package policies) by name.
	Policies []string `yaml:"policies"`
	// Modules are Rego files relative to testdata/cases.
	Modules []string   `yaml:"modules"`
	Cases   []decision `yaml:"cases"`
}

// decision is one case: an input envelope and the expected decision.
type decision struct {
	Name  string    `yaml:"name"`
	Input caseInput `yaml:"input"`
	Allow bool      `yaml:"allow"`
	// Reasons must each appear in the denial.
	Reasons []string `yaml:"reasons"`
	// By is "policy" (default) or "manifest": the manifest ceiling denies
	// and the policy must allow.
	By string `yaml:"by"`
	// GoOnly, if set, says why the case is not exported to Rego.
	GoOnly string `yaml:"go_only"`
}

// caseInput is the YAML form of policy.Input, with the envelope's keys.
type caseInput struct {
	Op      string `yaml:"op"`
	Path    string `yaml:"path"`
	NewPath string `yaml:"new_path"`
	Target  string `yaml:"target"`
	Mount   string `yaml:"mount"`
	Mode    string `yaml:"mode"`
	Follow  bool   `yaml:"follow"`
	Access  struct {
		Read      bool `yaml:"read"`
		Write     bool `yaml:"write"`
		Create    bool `yaml:"create"`
		Truncate  bool `yaml:"truncate"`
		Directory bool `yaml:"directory"`
	} `yaml:"access"`
	Proto  string `yaml:"proto"`
	Family string `yaml:"family"`
	Addr   string `yaml:"addr"`
	Port   int    `yaml:"port"`
	Name   string `yaml:"name"`
}

func (c caseInput) input() *policy.Input {
	return &policy.Input{
		Op: c.Op, Path: c.Path, NewPath: c.NewPath, Target: c.Target, Mount: c.Mount, Mode: c.Mode, Follow: c.Follow,
		Access: policy.Access{Read: c.Access.Read, Write: c.Access.Write, Create: c.Access.Create, Truncate: c.Access.Truncate, Directory: c.Access.Directory},
		Proto:  c.Proto, Family: c.Family, Addr: c.Addr, Port: c.Port, Name: c.Name,
	}
}

func loadSuites(t *testing.T) []*suite {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(casesDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no suites in %s: %v", casesDir, err)
	}
	var out []*suite
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := &suite{Name: strings.TrimSuffix(filepath.Base(f), ".yaml")}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true) // a misspelt key in a case must not pass silently
		if err := dec.Decode(s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		names := map[string]bool{}
		for _, c := range s.Cases {
			if c.Name == "" || names[c.Name] {
				t.Fatalf("%s: case name %q empty or repeated", f, c.Name)
			}
			names[c.Name] = true
			if !c.Allow && len(c.Reasons) == 0 {
				t.Fatalf("%s: %s: a denial needs reasons", f, c.Name)
			}
			if c.By != "" && c.By != "policy" && c.By != "manifest" {
				t.Fatalf("%s: %s: by must be policy or manifest", f, c.Name)
			}
		}
		out = append(out, s)
	}
	return out
}

// manifest parses the suite's manifest. It is anchored at /cases so that
// data.manifest (absolute host paths) does not depend on the checkout.
func (s *suite) manifest(t *testing.T) *policy.Manifest {
	t.Helper()
	m, err := policy.Parse([]byte(s.Manifest), "/cases/"+s.Name+".yaml")
	if err != nil {
		t.Fatalf("suite %s: manifest: %v", s.Name, err)
	}
	return m
}

// sources returns the suite's policy modules by file name (as `opa test`
// from the repository root names them).
func (s *suite) sources(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, name := range s.Policies {
		p, ok := policies.Get(name)
		if !ok {
			t.Fatalf("suite %s: no shipped policy %q", s.Name, name)
		}
		files["policies/"+p.File] = p.Source
	}
	for _, f := range s.Modules {
		b, err := os.ReadFile(filepath.Join(casesDir, f))
		if err != nil {
			t.Fatal(err)
		}
		files["policy/"+filepath.ToSlash(filepath.Join(casesDir, f))] = string(b)
	}
	return files
}

func (s *suite) data(t *testing.T, m *policy.Manifest) map[string]any {
	t.Helper()
	d, err := policy.PolicyData(m)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestCases decides every case with policy.Engine, then runs the same cases
// as generated Rego tests with OPA's test runner.
func TestCases(t *testing.T) {
	for _, s := range loadSuites(t) {
		t.Run(s.Name, func(t *testing.T) {
			m := s.manifest(t)
			files := s.sources(t)
			eng, err := policy.NewEngineFromSources(t.Context(), files, s.data(t, m))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range s.Cases {
				t.Run(c.Name, func(t *testing.T) {
					in := c.Input.input()
					if c.By == "manifest" {
						deny, reason := ceiling(m, in)
						if !deny {
							t.Errorf("the manifest ceiling allows %+v", in)
						}
						checkReasons(t, "manifest", reason, c.Reasons)
						if d := eng.Decide(t.Context(), in); !d.Allow {
							t.Errorf("by: manifest, but the policy denies too: %q", d.Reason)
						}
						return
					}
					if deny, reason := ceiling(m, in); deny {
						t.Errorf("the manifest ceiling denies (%s): this case would not reach the policy", reason)
					}
					// Twice: the second answer may come from the cache
					// and must be the same.
					for i := 0; i < 2; i++ {
						d := eng.Decide(t.Context(), in)
						if d.Allow != c.Allow {
							t.Fatalf("call %d: Decide = %+v, want allow=%v", i+1, d, c.Allow)
						}
						if d.Allow && d.Reason != "" {
							t.Errorf("allowed with a reason: %q", d.Reason)
						}
						checkReasons(t, "policy ("+d.How+")", d.Reason, c.Reasons)
					}
				})
			}
			t.Run("rego", func(t *testing.T) { s.runRego(t, m, files) })
		})
	}
}

func checkReasons(t *testing.T, who, got string, want []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s reason %q lacks %q", who, got, w)
		}
	}
}

// ceiling is a model of the guard's native manifest check, enough for the
// cases: fs.deny globs on path operations, and net.connect/net.listen
// address and port rules on socket operations that name an address (name
// rules are pinned by the guard's resolver and never match here).
func ceiling(m *policy.Manifest, in *policy.Input) (bool, string) {
	if policy.IsPathOp(in.Op) {
		for _, g := range m.Deny {
			if g.Match(in.Path) || in.NewPath != "" && g.Match(in.NewPath) {
				return true, fmt.Sprintf("fs.deny %q", g.Raw)
			}
		}
		return false, ""
	}
	var rules []policy.NetRule
	var grant string
	switch in.Op {
	case "sock_connect", "sock_send_to":
		rules, grant = m.Connect, "net.connect"
	case "sock_bind", "sock_listen", "sock_accept":
		rules, grant = m.Listen, "net.listen"
	default:
		return false, ""
	}
	if in.Family == "unix" {
		return false, "" // the guard's own unix-socket rule, not modelled
	}
	a, err := netip.ParseAddr(in.Addr)
	if err != nil {
		return true, "bad address"
	}
	for i := range rules {
		if rules[i].Proto == in.Proto && rules[i].MatchAddr(a.Unmap()) && rules[i].MatchPort(uint16(in.Port)) {
			return false, ""
		}
	}
	return true, "no " + grant + " grant matches"
}

// regoFile is where the suite's generated Rego tests live.
func (s *suite) regoFile() string { return filepath.Join(casesDir, s.Name+"_test.rego") }

// runRego generates the suite's Rego tests, checks them against the
// committed file (or rewrites it with -update-cases), and runs them with
// the suite's modules under the restricted capabilities.
func (s *suite) runRego(t *testing.T, m *policy.Manifest, files map[string]string) {
	src := s.generateRego(t, m, files)
	file := s.regoFile()
	if *updateCases {
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old, err := os.ReadFile(file)
	if err != nil || string(old) != src {
		t.Fatalf("%s is missing or stale: run go test ./policy -run TestCases -update-cases", file)
	}
	all := map[string]string{"policy/" + filepath.ToSlash(file): src}
	for k, v := range files {
		all[k] = v
	}
	if _, _, errs := policy.CompileModules(all); errs != nil {
		t.Fatalf("generated tests do not compile under the restricted capabilities: %v", errs)
	}
	results := runOPATests(t, all, map[string]any{})
	passed := map[string]bool{}
	for _, r := range results {
		if r.Pass() {
			passed[r.Name] = true
			continue
		}
		t.Errorf("rego %s: fail=%v error=%v", r.Name, r.Fail, r.Error)
	}
	for _, c := range s.Cases {
		if c.GoOnly == "" && !passed[testName(c.Name)] {
			t.Errorf("case %q: no passing Rego test %s", c.Name, testName(c.Name))
		}
	}
}

// runOPATests runs every test_ rule of files with OPA's test runner, the
// one `opa test` uses.
func runOPATests(t *testing.T, files map[string]string, data map[string]any) []*tester.Result {
	t.Helper()
	ctx := context.Background()
	mods := map[string]*ast.Module{}
	for name, src := range files {
		mod, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		mods[name] = mod
	}
	store := inmem.NewFromObject(data)
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Abort(ctx, txn)
	ch, err := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithCapabilities(policy.Capabilities())).
		SetStore(store).SetModules(mods).SetDefaultRegoVersion(ast.RegoV1).
		RaiseBuiltinErrors(true).RunTests(ctx, txn)
	if err != nil {
		t.Fatal(err)
	}
	var out []*tester.Result
	for r := range ch {
		out = append(out, r)
	}
	return out
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

func testName(caseName string) string {
	return "test_" + strings.Trim(nonWord.ReplaceAllString(strings.ToLower(caseName), "_"), "_")
}

// generateRego writes the suite's cases as Rego tests: each evaluates
// data.wasibox.deny (and data.wasibox.allow when the policy defines it)
// with the case's input and the suite's data.manifest.
func (s *suite) generateRego(t *testing.T, m *policy.Manifest, files map[string]string) string {
	t.Helper()
	var b strings.Builder
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(&b, "# Code generated by TestCases (policy/cases_test.go) from %s.yaml; DO NOT EDIT.\n", s.Name)
	fmt.Fprintf(&b, "# From the repository root:\n#\n#\topa test %s policy/%s\n", strings.Join(names, " "), filepath.ToSlash(s.regoFile()))
	fmt.Fprintf(&b, "package cases.%s\n\nimport rego.v1\n\n", nonWord.ReplaceAllString(s.Name, "_"))
	fmt.Fprintf(&b, "# data.manifest of the suite's manifest (policy.ManifestData).\nmanifest := %s\n", jsonRego(t, policy.ManifestData(m), ""))
	hasAllow := false
	for _, src := range files {
		if regexp.MustCompile(`(?m)^allow\b`).MatchString(src) {
			hasAllow = true
		}
	}
	for _, c := range s.Cases {
		if c.GoOnly != "" {
			fmt.Fprintf(&b, "\n# %s: Go only (%s).\n", c.Name, c.GoOnly)
			continue
		}
		in := jsonRego(t, c.Input.input().Map(), "\t")
		fmt.Fprintf(&b, "\n# %s\n%s if {\n", c.Name, testName(c.Name))
		fmt.Fprintf(&b, "\tinp := %s\n", in)
		fmt.Fprintf(&b, "\tds := data.wasibox.deny with input as inp with data.manifest as manifest\n")
		allow := c.Allow || c.By == "manifest" // the policy allows what the manifest denies
		if allow {
			fmt.Fprintf(&b, "\tcount(ds) == 0\n")
			if hasAllow {
				fmt.Fprintf(&b, "\tdata.wasibox.allow with input as inp with data.manifest as manifest\n")
			}
		} else {
			fmt.Fprintf(&b, "\tcount(ds) > 0\n")
			reasons, _ := json.Marshal(c.Reasons)
			fmt.Fprintf(&b, "\tevery r in %s {\n\t\tsome m in ds\n\t\tcontains(sprintf(\"%%v\", [m]), r)\n\t}\n", reasons)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// jsonRego writes v as a Rego (JSON) literal, indented with tabs.
func jsonRego(t *testing.T, v any, indent string) string {
	t.Helper()
	out, err := json.MarshalIndent(v, indent, "\t")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestCasesCoverOps checks that the cases exercise every operation the
// shipped policies decide, allowed and denied.
func TestCasesCoverOps(t *testing.T) {
	allowed, denied := map[string]bool{}, map[string]bool{}
	for _, s := range loadSuites(t) {
		for _, c := range s.Cases {
			if c.Allow {
				allowed[c.Input.Op] = true
			} else {
				denied[c.Input.Op] = true
			}
		}
	}
	for _, op := range []string{"path_open", "path_rename", "path_link", "path_filestat_get", "path_readlink", "sock_connect", "sock_send_to", "sock_getaddrinfo"} {
		if !denied[op] {
			t.Errorf("no case denies %s", op)
		}
	}
	for _, op := range []string{"path_open", "path_readlink", "path_filestat_get", "path_unlink_file", "sock_connect", "sock_bind"} {
		if !allowed[op] {
			t.Errorf("no case allows %s", op)
		}
	}
	for _, op := range slices.Sorted(func(yield func(string) bool) {
		for op := range denied {
			if !yield(op) {
				return
			}
		}
	}) {
		if !slices.Contains(policy.Ops, op) {
			t.Errorf("cases use operation %q, which is not in policy.Ops", op)
		}
	}
}
