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
	"strconv"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/wasibox/wasibox/guard"
	"github.com/wasibox/wasibox/policies"
	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
	"gopkg.in/yaml.v3"
)

// The decision cases in testdata/cases are shared by the Go and the Rego
// tests (see testdata/cases/README.md): TestCases decides them with
// policy.Engine, and generates and runs the same cases as Rego tests;
// TestCasesGuard makes the same calls through the guard, which adds the
// manifest ceiling.

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

// TestCasesGuard makes each case's call through guard.System over a
// unix.System whose mounts are temporary folders, and checks the decision
// the guard records: manifest ceiling AND policy. Socket calls are answered
// by netFake once decided, so nothing reaches the network.
func TestCasesGuard(t *testing.T) {
	for _, s := range loadSuites(t) {
		t.Run(s.Name, func(t *testing.T) {
			// One engine per suite: data.manifest differs between cases
			// only in the temporary host folders, which no rule reads.
			eng, err := policy.NewEngineFromSources(t.Context(), s.sources(t), s.data(t, s.manifest(t)))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range s.Cases {
				t.Run(c.Name, func(t *testing.T) {
					if why := guardSkip(c.Input); why != "" {
						t.Skip(why)
					}
					g, records := newCaseGuard(t, s, eng, c.Input)
					errno := guardCall(t, g, c.Input)
					var allow *bool
					var reason string
					for _, r := range *records {
						if r.Input.Op != c.Input.Op {
							continue
						}
						a := r.Allow
						if allow == nil || !a {
							allow, reason = &a, r.Reason
						}
					}
					if allow == nil {
						t.Fatalf("the guard recorded no %s decision (errno %v)", c.Input.Op, errno)
					}
					if *allow != c.Allow {
						t.Fatalf("guard allow=%v (reason %q, errno %v), want %v", *allow, reason, errno, c.Allow)
					}
					if !c.Allow {
						if errno != wasi.EACCES {
							t.Errorf("denied with errno %v, want EACCES", errno)
						}
						checkReasons(t, "guard", reason, c.Reasons)
					}
				})
			}
		})
	}
}

// guardSkip says why a case cannot be replayed through the guard as a
// single call: the guard computes the envelope itself.
func guardSkip(in caseInput) string {
	switch {
	case in.Family == "unix":
		return "the guard refuses unix-domain sockets before any policy"
	case strings.HasPrefix(in.Op, "sock_") && in.Op != "sock_getaddrinfo" && in.Addr == "":
		return "no address to call with"
	}
	return ""
}

// newCaseGuard builds the guard for one case: the suite's manifest with
// each mount's host folder a fresh temporary folder holding what the case
// needs (the file it opens, the link it reads, ...), and the suite's
// policy engine. It returns the guard and the decisions it records.
func newCaseGuard(t *testing.T, s *suite, eng *policy.Engine, in caseInput) (*guard.System, *[]guard.Record) {
	t.Helper()
	m := s.manifest(t)
	var preopens []unix.Preopen
	for i := range m.Mounts {
		mt := &m.Mounts[i]
		mt.Host = t.TempDir() // m is this case's own copy
		preopens = append(preopens, unix.Preopen{HostPath: mt.Host, GuestPath: mt.Guest, ReadOnly: mt.Mode == policy.ReadOnly})
	}
	prepareTree(t, m, in)
	inner, err := unix.New(unix.Config{Preopens: preopens, Stdin: -1, Stdout: -1, Stderr: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inner.Close(context.Background()) })
	records := &[]guard.Record{}
	g, err := guard.New(t.Context(), &netFake{System: inner, addr: in.Addr}, guard.Config{
		Manifest: m, Engine: eng,
		Audit: func(r guard.Record) { *records = append(*records, r) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return g, records
}

// hostPath maps a guest path to the host, through the longest mount.
func hostPath(m *policy.Manifest, p string) (string, bool) {
	var best *policy.Mount
	for i := range m.Mounts {
		mt := &m.Mounts[i]
		if (p == mt.Guest || mt.Guest == "/" || strings.HasPrefix(p, mt.Guest+"/")) && (best == nil || len(mt.Guest) > len(best.Guest)) {
			best = mt
		}
	}
	if best == nil {
		return "", false
	}
	return filepath.Join(best.Host, strings.TrimPrefix(p, best.Guest)), true
}

// prepareTree creates what the case's call acts on, so that an allowed
// call gets as far as the decision on the resolved path.
func prepareTree(t *testing.T, m *policy.Manifest, in caseInput) {
	t.Helper()
	if !policy.IsPathOp(in.Op) {
		return
	}
	must := func(err error) {
		t.Helper()
		if err != nil && !os.IsExist(err) {
			t.Fatal(err)
		}
	}
	for _, p := range []string{in.Path, in.NewPath} {
		if h, ok := hostPath(m, p); ok && p != "" {
			must(os.MkdirAll(filepath.Dir(h), 0o755))
		}
	}
	h, ok := hostPath(m, in.Path)
	if !ok {
		return
	}
	switch {
	case in.Op == "path_create_directory" || in.Op == "path_symlink":
		// Must not exist.
	case in.Op == "path_remove_directory" || in.Access.Directory:
		must(os.MkdirAll(h, 0o755))
	case in.Op == "path_readlink":
		must(os.Symlink("target", h))
	default:
		must(os.WriteFile(h, []byte("x"), 0o644))
	}
}

// guardCall makes the case's call through the guard.
func guardCall(t *testing.T, g *guard.System, in caseInput) wasi.Errno {
	t.Helper()
	ctx := t.Context()
	dirFD := func(p string) (wasi.FD, string) {
		t.Helper()
		for fd := wasi.FD(3); fd < 64; fd++ {
			name, errno := g.FDPrestatDirName(ctx, fd)
			if errno != wasi.ESUCCESS {
				break
			}
			if p == name {
				return fd, "."
			}
			if rel, ok := strings.CutPrefix(p, strings.TrimSuffix(name, "/")+"/"); ok {
				return fd, rel
			}
		}
		t.Fatalf("%s is in no preopen", p)
		return 0, ""
	}
	var lf wasi.LookupFlags
	if in.Follow {
		lf = wasi.SymlinkFollow
	}
	sockAddr := func() wasi.SockAddr {
		a := netip.MustParseAddr(in.Addr)
		if in.Family == "inet6" && a.Is4() {
			a = netip.AddrFrom16(a.As16()) // as a guest on an inet6 socket writes it
		}
		f := wasi.InetFamily
		if in.Family == "inet6" {
			f = wasi.Inet6Family
		}
		return wasi.SockAddr{Family: f, Addr: netip.AddrPortFrom(a, uint16(in.Port))}
	}
	socket := func() wasi.FD {
		t.Helper()
		if in.Name != "" {
			// The guard learns names from its own resolver (pinning).
			res := make([]wasi.AddrInfo, 1)
			if _, errno := g.SockAddressInfo(ctx, in.Name, "", wasi.AddrInfo{}, res); errno != wasi.ESUCCESS {
				t.Skipf("the lookup of %s is denied (%v), so no connection can name it", in.Name, errno)
			}
		}
		fam, typ := sockAddr().Family, wasi.StreamSocket
		if in.Proto == "udp" {
			typ = wasi.DatagramSocket
		}
		fd, errno := g.SockOpen(ctx, fam, typ, 0, wasi.SocketRights, wasi.SocketRights)
		if errno != wasi.ESUCCESS {
			t.Fatalf("sock_open: %v", errno)
		}
		return fd
	}
	switch in.Op {
	case "path_open":
		fd, rel := dirFD(in.Path)
		var of wasi.OFlags
		var base wasi.Rights
		if in.Access.Create {
			of |= wasi.OCreate
		}
		if in.Access.Truncate {
			of |= wasi.OTruncate
		}
		if in.Access.Directory {
			of |= wasi.ODirectory
			base |= wasi.FDReadDirRight
		}
		if in.Access.Read {
			base |= wasi.FDReadRight
		}
		if in.Access.Write {
			base |= wasi.FDWriteRight
		}
		nfd, errno := g.PathOpen(ctx, fd, lf, rel, of, base, base, 0)
		if errno == wasi.ESUCCESS {
			g.FDClose(ctx, nfd)
		}
		return errno
	case "path_create_directory":
		fd, rel := dirFD(in.Path)
		return g.PathCreateDirectory(ctx, fd, rel)
	case "path_unlink_file":
		fd, rel := dirFD(in.Path)
		return g.PathUnlinkFile(ctx, fd, rel)
	case "path_remove_directory":
		fd, rel := dirFD(in.Path)
		return g.PathRemoveDirectory(ctx, fd, rel)
	case "path_rename":
		fd, rel := dirFD(in.Path)
		nfd, nrel := dirFD(in.NewPath)
		return g.PathRename(ctx, fd, rel, nfd, nrel)
	case "path_link":
		fd, rel := dirFD(in.Path)
		nfd, nrel := dirFD(in.NewPath)
		return g.PathLink(ctx, fd, lf, rel, nfd, nrel)
	case "path_symlink":
		fd, rel := dirFD(in.Path)
		return g.PathSymlink(ctx, in.Target, fd, rel)
	case "path_readlink":
		fd, rel := dirFD(in.Path)
		_, errno := g.PathReadLink(ctx, fd, rel, make([]byte, 64))
		return errno
	case "path_filestat_get":
		fd, rel := dirFD(in.Path)
		_, errno := g.PathFileStatGet(ctx, fd, lf, rel)
		return errno
	case "path_filestat_set_times":
		fd, rel := dirFD(in.Path)
		return g.PathFileStatSetTimes(ctx, fd, lf, rel, 0, 0, 0)
	case "sock_connect":
		return g.SockConnect(ctx, socket(), sockAddr())
	case "sock_send_to":
		_, errno := g.SockSendTo(ctx, socket(), nil, 0, sockAddr())
		return errno
	case "sock_bind":
		return g.SockBind(ctx, socket(), sockAddr())
	case "sock_getaddrinfo":
		_, errno := g.SockAddressInfo(ctx, in.Name, strconv.Itoa(in.Port), wasi.AddrInfo{}, make([]wasi.AddrInfo, 1))
		return errno
	}
	t.Fatalf("no guard call for %s", in.Op)
	return 0
}

// netFake answers the socket calls the guard lets through, so that the
// cases never reach the network: sockets are numbers, connect and send
// succeed, and name lookups return the case's address.
type netFake struct {
	*unix.System
	addr string // what lookups resolve to
	next wasi.FD
}

// fakeSocketBase numbers fake sockets far above the preopens.
const fakeSocketBase = 10000

func (f *netFake) SockOpen(context.Context, wasi.ProtocolFamily, wasi.SocketType, wasi.Protocol, wasi.Rights, wasi.Rights) (wasi.FD, wasi.Errno) {
	f.next++
	return fakeSocketBase + f.next, wasi.ESUCCESS
}

func (f *netFake) SockConnect(context.Context, wasi.FD, wasi.SockAddr) wasi.Errno {
	return wasi.ESUCCESS
}

func (f *netFake) SockBind(context.Context, wasi.FD, wasi.SockAddr) wasi.Errno { return wasi.ESUCCESS }

func (f *netFake) SockSendTo(_ context.Context, _ wasi.FD, iovs []wasi.IOVec, _ wasi.SIFlags, _ wasi.SockAddr) (wasi.Size, wasi.Errno) {
	return 0, wasi.ESUCCESS
}

func (f *netFake) SockAddressInfo(_ context.Context, node, _ string, _ wasi.AddrInfo, results []wasi.AddrInfo) (int, wasi.Errno) {
	a, err := netip.ParseAddr(f.addr)
	if err != nil || len(results) == 0 {
		return 0, wasi.ESUCCESS
	}
	fam := wasi.InetFamily
	if a.Is6() {
		fam = wasi.Inet6Family
	}
	results[0] = wasi.AddrInfo{Family: fam, SocketType: wasi.StreamSocket, Addr: wasi.SockAddr{Family: fam, Addr: netip.AddrPortFrom(a, 0)}}
	return 1, wasi.ESUCCESS
}
