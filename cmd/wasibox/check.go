package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/wasibox/wasibox/hostabi"
	"github.com/wasibox/wasibox/policy"
)

const checkUsage = `usage: wasibox check [--module app.wasm] [--format text|json] manifest.yaml

Reviews a manifest without running anything: validates it against the
schema; checks that mounted host folders exist and that mounts do not hide
each other; warns about broad grants (0.0.0.0/0, ::/0, any port, a writable
home or root folder, listening on a non-loopback address, inheriting the
whole environment); compiles the Rego policies under wasibox's restricted
capabilities (no network, time, randomness or runtime built-ins) and runs
their tests (policy.tests); and prints what the module may do, one line per
grant.

With --module, it also checks the module against module.sha256 and lists
the WASI functions the module imports that the manifest does not grant.

Flags:
  --module FILE      the .wasm module the manifest is for
  --format FORMAT    text (default) or json: {ok, errors, warnings, grants, ...}

Exit status: 0 no errors (warnings allowed), 1 errors, 2 bad command line.
`

// exitFindings is check's status when it found errors.
const exitFindings = 1

// Codes of findings that only check reports (the manifest parser's and the
// policy compiler's codes are in package policy).
const (
	codeMountNested   = "mount_nested"    // a mount lies inside another mount's guest path
	codeMountOverlap  = "mount_overlap"   // two mounts show overlapping host folders
	codeBroadGrant    = "broad_grant"     // a grant much wider than most modules need
	codeAuditReach    = "audit_reachable" // the audit log lies inside a mount
	codeRegoNoTests   = "rego_no_tests"   // policy.tests names files with no test rules
	codeModuleIO      = "module_io"       // --module cannot be read
	codeModuleInvalid = "module_invalid"  // --module is not a valid wasm module
	codeModuleHash    = "module_hash"     // --module does not match module.sha256
	codeModuleUnpin   = "module_unpinned"
	codeUnknownImport = "unknown_import" // an import wasibox does not provide: the module will not link
)

// checkFlags are the arguments of "wasibox check".
type checkFlags struct {
	Manifest string
	Module   string
	Format   string // "text" or "json"
}

// parseCheckFlags parses check's arguments. Flags may come before or after
// the manifest, as in the usage line.
func parseCheckFlags(args []string) (*checkFlags, error) {
	f := &checkFlags{Format: "text"}
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&f.Module, "module", "", "")
	fs.StringVar(&f.Format, "format", "text", "")
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case len(pos) == 0:
		return nil, usagef("missing manifest: wasibox check [flags] manifest.yaml")
	case len(pos) > 1:
		return nil, usagef("check takes one manifest, got %d arguments", len(pos))
	case f.Format != "text" && f.Format != "json":
		return nil, usagef("--format must be text or json, not %q", f.Format)
	}
	f.Manifest = pos[0]
	return f, nil
}

func checkMain(ctx context.Context, e *cliEnv, args []string) int {
	f, err := parseCheckFlags(args)
	if err != nil {
		return e.usageFailed(err, checkUsage)
	}
	rep := runCheck(ctx, f, e.environ)
	if f.Format == "json" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return e.failed("%v", err)
		}
		e.stdout.Write(append(b, '\n'))
	} else {
		rep.writeText(e.stdout)
	}
	if !rep.OK {
		return exitFindings
	}
	return exitOK
}

// checkReport is the result of "wasibox check"; with --format json it is
// printed as is, so its field names are a stable interface.
type checkReport struct {
	OK       bool         `json:"ok"`
	Manifest string       `json:"manifest"`
	Errors   []finding    `json:"errors"`
	Warnings []finding    `json:"warnings"`
	Grants   []grant      `json:"grants"`
	Tests    *testSummary `json:"tests,omitempty"`
	Module   *moduleCheck `json:"module,omitempty"`
}

// finding is one error or warning, located where possible.
type finding struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
}

// grant is one thing the manifest lets the module do.
type grant struct {
	// Kind is the manifest section, e.g. "fs.read", "net.connect", "env.set".
	Kind string `json:"kind"`
	// Text is the line of the human summary, e.g. "read  /data  (host ./data)".
	Text string `json:"text"`
	Line int    `json:"line"`
}

// testSummary counts the results of the policy tests.
type testSummary struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

// moduleCheck describes the --module.
type moduleCheck struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	// Pinned is true when the manifest pins the module and the hash matches.
	Pinned bool `json:"pinned"`
	// Imports are the module's imported functions.
	Imports []importCheck `json:"imports"`
	// Ungranted names the imports the manifest does not grant: the module
	// links, but every call is denied or fails.
	Ungranted []importCheck `json:"ungranted"`
}

// importCheck is one imported function and the grant it needs.
type importCheck struct {
	Module string `json:"module"`
	Name   string `json:"name"`
	Group  string `json:"group"`
	// Needs is the manifest grant the function needs, e.g. "net.connect";
	// empty when it needs none.
	Needs   string `json:"needs"`
	Granted bool   `json:"granted"`
}

// checker accumulates a report.
type checker struct {
	rep  *checkReport
	m    *policy.Manifest
	cwd  string
	home string // the user's home folder, from HOME; "" if unknown
}

func (c *checker) add(list *[]finding, code, file string, pos policy.Pos, format string, args ...any) {
	*list = append(*list, finding{Code: code, Message: fmt.Sprintf(format, args...), File: c.rel(file), Line: pos.Line, Col: pos.Col})
}

func (c *checker) errorf(code string, pos policy.Pos, format string, args ...any) {
	c.add(&c.rep.Errors, code, c.m.File, pos, format, args...)
}

func (c *checker) warnf(code string, pos policy.Pos, format string, args ...any) {
	c.add(&c.rep.Warnings, code, c.m.File, pos, format, args...)
}

func (c *checker) addPolicyErrors(err error) {
	var es policy.Errors
	if !errors.As(err, &es) {
		c.rep.Errors = append(c.rep.Errors, finding{Code: policy.CodeIO, Message: err.Error()})
		return
	}
	for _, e := range es {
		c.rep.Errors = append(c.rep.Errors, finding{Code: e.Code, Message: e.Message, File: c.rel(e.File), Line: e.Line, Col: e.Col})
	}
}

// rel shortens an absolute path under the working folder, for messages.
func (c *checker) rel(p string) string {
	if p == "" || !filepath.IsAbs(p) || c.cwd == "" {
		return p
	}
	if r, err := filepath.Rel(c.cwd, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

// runCheck checks f.Manifest (and f.Module) and returns the report.
func runCheck(ctx context.Context, f *checkFlags, environ []string) *checkReport {
	rep := &checkReport{Manifest: f.Manifest, Errors: []finding{}, Warnings: []finding{}, Grants: []grant{}}
	c := &checker{rep: rep, home: envValue(environ, "HOME")}
	c.cwd, _ = os.Getwd()
	m, err := policy.Load(f.Manifest)
	if err != nil {
		c.m = &policy.Manifest{File: f.Manifest}
		c.addPolicyErrors(err)
		return rep.finish()
	}
	c.m = m
	c.hostPaths()
	c.mounts()
	c.broadGrants()
	c.policies(ctx)
	c.summary(ctx)
	if f.Module != "" {
		c.module(ctx, f.Module)
	}
	return rep.finish()
}

func (rep *checkReport) finish() *checkReport {
	rep.OK = len(rep.Errors) == 0
	return rep
}

func envValue(environ []string, name string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}

// hostPaths checks that every mounted host folder exists and is a folder
// (following symlinks, as the kernel will when wasibox opens it), and that
// stdio files can be opened.
func (c *checker) hostPaths() {
	for _, mt := range c.m.Mounts {
		st, err := os.Stat(mt.Host)
		switch {
		case err != nil:
			c.errorf(policy.CodeHostPath, mt.Pos, "mount %s: host folder %s: %v", mt.Guest, c.hostName(mt.Host), unwrapPathError(err))
		case !st.IsDir():
			c.errorf(policy.CodeHostPath, mt.Pos, "mount %s: host path %s is not a folder", mt.Guest, c.hostName(mt.Host))
		}
	}
	pos := c.m.Positions["stdio"]
	if s := c.m.Stdin; s.Kind == "file" {
		if st, err := os.Stat(s.Path); err != nil {
			c.errorf(policy.CodeHostPath, pos, "stdio.stdin: %s: %v", c.hostName(s.Path), unwrapPathError(err))
		} else if st.IsDir() {
			c.errorf(policy.CodeHostPath, pos, "stdio.stdin: %s is a folder", c.hostName(s.Path))
		}
	}
	for _, s := range []struct {
		name string
		st   policy.Stdio
	}{{"stdout", c.m.Stdout}, {"stderr", c.m.Stderr}} {
		if s.st.Kind != "file" {
			continue
		}
		if st, err := os.Stat(filepath.Dir(s.st.Path)); err != nil || !st.IsDir() {
			c.errorf(policy.CodeHostPath, pos, "stdio.%s: the folder of %s does not exist", s.name, c.hostName(s.st.Path))
		} else if st, err := os.Stat(s.st.Path); err == nil && st.IsDir() {
			c.errorf(policy.CodeHostPath, pos, "stdio.%s: %s is a folder", s.name, c.hostName(s.st.Path))
		}
	}
	if log := c.m.AuditLog; log != "" {
		pos := c.m.Positions["audit"]
		if st, err := os.Stat(filepath.Dir(log)); err != nil || !st.IsDir() {
			c.errorf(policy.CodeHostPath, pos, "audit.log: the folder of %s does not exist", c.hostName(log))
		} else if st, err := os.Stat(log); err == nil && st.IsDir() {
			c.errorf(policy.CodeHostPath, pos, "audit.log: %s is a folder", c.hostName(log))
		}
		// An audit log the guest can reach is not evidence: through a rw
		// mount it can rewrite the record of what it did.
		real := log
		if r, err := filepath.EvalSymlinks(filepath.Dir(log)); err == nil {
			real = filepath.Join(r, filepath.Base(log))
		}
		for _, mt := range c.m.Mounts {
			host := mt.Host
			if r, err := filepath.EvalSymlinks(host); err == nil {
				host = r
			}
			if !within(real, host) {
				continue
			}
			if mt.Mode == policy.ReadWrite {
				c.warnf(codeAuditReach, pos, "audit.log %s lies inside mount %s (rw): the guest can rewrite its own audit log", c.hostName(log), mt.Guest)
			} else {
				c.warnf(codeAuditReach, pos, "audit.log %s lies inside mount %s: the guest can read its own audit log", c.hostName(log), mt.Guest)
			}
		}
	}
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// mounts warns when one mount hides part of another: in the guest (a mount
// inside another mount's guest path shadows that part of the outer host
// folder) and on the host (two mounts showing the same host files, possibly
// with different modes, so that a read-only mount's files can be written
// through the other one). Identical guest paths are a parse error already.
func (c *checker) mounts() {
	ms := c.m.Mounts
	real := make([]string, len(ms))
	for i, mt := range ms {
		real[i] = mt.Host
		if r, err := filepath.EvalSymlinks(mt.Host); err == nil {
			real[i] = r
		}
	}
	for i, a := range ms {
		for j, b := range ms {
			if i == j {
				continue
			}
			if within(b.Guest, a.Guest) {
				c.warnf(codeMountNested, b.Pos, "mount %s lies inside mount %s: it hides %s of host folder %s",
					b.Guest, a.Guest, c.hostName(filepath.Join(a.Host, strings.TrimPrefix(b.Guest, a.Guest))), c.hostName(a.Host))
			}
			if i < j && (within(real[j], real[i]) || within(real[i], real[j]) || real[i] == real[j]) {
				msg := fmt.Sprintf("mounts %s (%s) and %s (%s) show overlapping host folders %s and %s",
					a.Guest, a.Mode, b.Guest, b.Mode, c.hostName(a.Host), c.hostName(b.Host))
				if a.Mode != b.Mode {
					msg += ": files of the read-only mount can be written through the other"
				}
				c.warnf(codeMountOverlap, b.Pos, "%s", msg)
			}
		}
	}
}

// within reports whether path p lies strictly inside folder dir.
func within(p, dir string) bool {
	if p == dir {
		return false
	}
	if dir == "/" {
		return true
	}
	return strings.HasPrefix(p, dir) && p[len(dir)] == '/'
}

// broadGrants warns about grants that are rarely what a reviewer meant.
func (c *checker) broadGrants() {
	m := c.m
	for _, mt := range m.Mounts {
		what := ""
		switch {
		case mt.Host == "/":
			what = "the host's root folder"
		case c.home != "" && (mt.Host == filepath.Clean(c.home) || within(filepath.Clean(c.home), mt.Host)):
			what = "the home folder " + filepath.Clean(c.home)
			if mt.Host != filepath.Clean(c.home) {
				what = "a folder containing the home folder " + filepath.Clean(c.home)
			}
		}
		if what == "" {
			continue
		}
		if mt.Mode == policy.ReadWrite {
			c.warnf(codeBroadGrant, mt.Pos, "mount %s makes %s writable", mt.Guest, what)
		} else {
			c.warnf(codeBroadGrant, mt.Pos, "mount %s shows %s (read-only)", mt.Guest, what)
		}
	}
	for _, list := range []struct {
		name  string
		rules []policy.NetRule
	}{{"net.connect", m.Connect}, {"net.listen", m.Listen}, {"net.preopen", m.Preopen}} {
		for _, r := range list.rules {
			if r.Prefix.IsValid() && r.Prefix.Bits() == 0 {
				c.warnf(codeBroadGrant, r.Pos, "%s %s grants every %s address", list.name, r.Raw, map[bool]string{true: "IPv4", false: "IPv6"}[r.Prefix.Addr().Is4()])
			}
			if r.AnyPort() {
				c.warnf(codeBroadGrant, r.Pos, "%s %s grants every port", list.name, r.Raw)
			}
			if list.name != "net.connect" && !loopbackRule(r) {
				c.warnf(codeBroadGrant, r.Pos, "%s %s accepts connections from other machines (listen on 127.0.0.1 or [::1] to stay local)", list.name, r.Raw)
			}
		}
	}
	for _, n := range m.EnvInherit {
		if n == "*" {
			c.warnf(codeBroadGrant, m.Positions["env"], `env.inherit "*" copies the whole host environment, secrets included`)
		}
	}
}

var loopback4 = netip.MustParsePrefix("127.0.0.0/8")

// loopbackRule reports whether a listen rule only covers loopback
// addresses. 0.0.0.0 and :: are every interface when listening.
func loopbackRule(r policy.NetRule) bool {
	if !r.Prefix.IsValid() {
		return r.Name == "localhost"
	}
	if r.Prefix.Addr().Is4() {
		return r.Prefix.Bits() >= 8 && loopback4.Contains(r.Prefix.Addr())
	}
	return r.Prefix.Bits() == 128 && r.Prefix.Addr() == netip.IPv6Loopback()
}

// policies compiles the policy modules under the restricted capabilities,
// then runs the policy tests with the modules and data.manifest.
func (c *checker) policies(ctx context.Context) {
	m := c.m
	if len(m.PolicyModules) == 0 && len(m.PolicyTests) == 0 {
		return
	}
	modules, ok := c.readRego(m.PolicyModules)
	tests, ok2 := c.readRego(m.PolicyTests)
	if !ok || !ok2 {
		return
	}
	data, err := policy.PolicyData(m)
	if err != nil {
		c.addPolicyErrors(err)
		return
	}
	if _, _, errs := policy.CompileModules(modules); errs != nil {
		c.addPolicyErrors(errs)
		return
	}
	if len(tests) == 0 {
		return
	}
	all := make(map[string]string, len(modules)+len(tests))
	for k, v := range modules {
		all[k] = v
	}
	for k, v := range tests {
		all[k] = v
	}
	if _, _, errs := policy.CompileModules(all); errs != nil {
		c.addPolicyErrors(errs)
		return
	}
	res, err := policy.RunTests(ctx, all, data)
	if err == nil {
		for _, r := range res.Failures {
			f := finding{Code: policy.CodeRegoTest, File: c.rel(r.File), Line: r.Pos.Line, Col: r.Pos.Col}
			name := strings.TrimPrefix(r.Name, "data.")
			switch {
			case r.Err != nil:
				f.Message = fmt.Sprintf("%s: error: %v", name, r.Err)
			default:
				f.Message = fmt.Sprintf("%s failed", name)
				if r.FailLine > 0 {
					f.Message += fmt.Sprintf(" at line %d: %s", r.FailLine, r.FailedAt)
				}
			}
			c.rep.Errors = append(c.rep.Errors, f)
		}
	}
	if err != nil {
		c.addPolicyErrors(err)
		return
	}
	sum := &testSummary{Passed: res.Passed, Failed: res.Failed, Skipped: res.Skipped}
	c.rep.Tests = sum
	if sum.Passed+sum.Failed+sum.Skipped == 0 {
		c.warnf(codeRegoNoTests, m.Positions["policy"], "policy.tests names %d file(s) but they hold no test_ rules", len(tests))
	}
}

func (c *checker) readRego(files []string) (map[string]string, bool) {
	out := make(map[string]string, len(files))
	ok := true
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			c.add(&c.rep.Errors, policy.CodeIO, f, policy.Pos{}, "%v", unwrapPathError(err))
			ok = false
			continue
		}
		out[c.rel(f)] = string(b)
	}
	return out, ok
}

// summary lists, one line per grant, what the module may do: a verb, then
// the object, e.g. "read     /data  (host ./data)".
func (c *checker) summary(ctx context.Context) {
	m := c.m
	add := func(kind string, line int, verb, format string, args ...any) {
		text := fmt.Sprintf("%-8s %s", verb, fmt.Sprintf(format, args...))
		c.rep.Grants = append(c.rep.Grants, grant{Kind: kind, Text: text, Line: line})
	}
	width := 0
	for _, mt := range m.Mounts {
		width = max(width, len(mt.Guest))
	}
	for _, mt := range m.Mounts {
		verb, kind := "read", "fs.read"
		if mt.Mode == policy.ReadWrite {
			verb, kind = "write", "fs.write"
		}
		add(kind, mt.Pos.Line, verb, "%-*s  (host %s)", width, mt.Guest, c.hostName(mt.Host))
	}
	for _, g := range m.Deny {
		add("fs.deny", g.Pos.Line, "deny", "%s  (fs.deny)", g.Raw)
	}
	for _, r := range m.Connect {
		add("net.connect", r.Pos.Line, "connect", "%s", ruleText(r))
	}
	for _, r := range m.Listen {
		add("net.listen", r.Pos.Line, "listen", "%s", ruleText(r))
	}
	for i, r := range m.Preopen {
		add("net.preopen", r.Pos.Line, "listen", "%s (preopened by the host as guest fd %d)", r.Raw, m.PreopenFD(i))
	}
	line := func(sec string) int { return m.Positions[sec].Line }
	for _, n := range m.Lookup {
		add("net.lookup", line("net"), "resolve", "%s", n)
	}
	keys := make([]string, 0, len(m.EnvSet))
	for k := range m.EnvSet {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		add("env.set", line("env"), "env", "%s (set)", k)
	}
	for _, n := range m.EnvInherit {
		if n == "*" {
			add("env.inherit", line("env"), "env", "* (the whole host environment)")
		} else {
			add("env.inherit", line("env"), "env", "%s (inherited)", n)
		}
	}
	if m.ArgsSet {
		add("args", line("args"), "args", "fixed: %s (command-line arguments are refused)", strings.Join(quoteArgs(m.Args), " "))
	}
	for _, cl := range []struct {
		name string
		mode policy.ClockMode
	}{{"realtime", m.Realtime}, {"monotonic", m.Monotonic}} {
		switch cl.mode.Kind {
		case "host":
			add("clock", line("clock"), "clock", "%s (host)", cl.name)
		case "fixed":
			add("clock", line("clock"), "clock", "%s fixed at %s", cl.name, cl.mode.Fixed.Format(time.RFC3339Nano))
		}
	}
	if m.Resolution != 0 {
		add("clock", line("clock"), "clock", "resolution %s", m.Resolution)
	}
	switch m.Random.Kind {
	case "host":
		add("random", line("random"), "random", "host")
	case "seed":
		add("random", line("random"), "random", "seeded (seed:%d, deterministic)", m.Random.Seed)
	}
	for _, s := range []struct {
		name string
		st   policy.Stdio
	}{{"stdin", m.Stdin}, {"stdout", m.Stdout}, {"stderr", m.Stderr}} {
		switch s.st.Kind {
		case "inherit":
			add("stdio", line("stdio"), s.name, "inherited")
		case "file":
			add("stdio", line("stdio"), s.name, "file %s", c.hostName(s.st.Path))
		}
	}
	l := m.Limits
	for _, s := range []struct {
		name string
		v    uint64
	}{{"memory", l.Memory}, {"stdout", l.Stdout}, {"stderr", l.Stderr}} {
		if s.v != 0 {
			add("limits", line("limits"), "limit", "%s %s", s.name, formatSize(s.v))
		}
	}
	if l.Timeout != 0 {
		add("limits", line("limits"), "limit", "timeout %s", l.Timeout)
	}
	if l.OpenFiles != 0 {
		add("limits", line("limits"), "limit", "open_files %d", l.OpenFiles)
	}
	c.policySummary(ctx, func(verb, format string, args ...any) {
		add("policy", line("policy"), verb, format, args...)
	})
}

// policySummary says how the policy narrows the grants, from the engine's
// start-up partial evaluation: the operations it always denies, and those
// it decides per call. It says nothing if the policy did not compile
// (that is already an error).
func (c *checker) policySummary(ctx context.Context, add func(verb, format string, args ...any)) {
	if len(c.m.PolicyModules) == 0 || len(c.rep.Errors) > 0 {
		return
	}
	eng, err := policy.NewEngine(ctx, c.m)
	if err != nil || eng == nil {
		return
	}
	var perCall []string
	for _, op := range policy.Ops {
		d, constant := eng.Constant(op)
		switch {
		case constant && !d.Allow:
			add("policy", "denies every %s (%s)", op, d.Reason)
		case !constant:
			perCall = append(perCall, op)
		}
	}
	if len(perCall) > 0 {
		add("policy", "decides per call: %s", strings.Join(perCall, ", "))
	}
}

// hostName shows a host path relative to the manifest's folder when it is
// inside it (as the manifest would say it), else absolute.
func (c *checker) hostName(p string) string {
	if p == c.m.Dir {
		return "."
	}
	if within(p, c.m.Dir) {
		return "./" + strings.TrimPrefix(p[len(c.m.Dir):], "/")
	}
	return p
}

// ruleText describes a network rule, e.g. "tcp 10.0.0.0/8 port 443".
func ruleText(r policy.NetRule) string {
	host := r.Name
	if r.Prefix.IsValid() {
		host = r.Prefix.String()
		if r.Prefix.IsSingleIP() {
			host = r.Prefix.Addr().String()
		}
	}
	var ports []string
	for _, p := range r.Ports {
		ports = append(ports, p.String())
	}
	switch {
	case r.AnyPort():
		return r.Proto + " " + host + " any port"
	case len(ports) == 1 && r.Ports[0].Lo == r.Ports[0].Hi:
		return r.Proto + " " + host + " port " + ports[0]
	}
	return r.Proto + " " + host + " ports " + strings.Join(ports, ",")
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\") {
			a = strconv.Quote(a)
		}
		out[i] = a
	}
	return out
}

// formatSize writes a byte count with the largest binary unit that divides
// it, as a manifest would say it.
func formatSize(n uint64) string {
	for _, u := range []struct {
		name string
		size uint64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatUint(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatUint(n, 10) + "B"
}

// importNeeds maps a host function to the manifest grant without which it
// can do nothing useful. Functions absent here need no grant (fd_* on
// stdio, args, environ, proc_*, poll_oneoff...). The WasmEdge socket
// functions are listed here because hostabi's table only holds preview 1.
var importNeeds = map[string]string{
	"path_create_directory": "rw mount", "path_unlink_file": "rw mount", "path_remove_directory": "rw mount",
	"path_rename": "rw mount", "path_link": "rw mount", "path_symlink": "rw mount", "path_filestat_set_times": "rw mount",
	"path_open": "fs.mounts", "path_filestat_get": "fs.mounts", "path_readlink": "fs.mounts",
	"fd_prestat_get": "", "fd_prestat_dir_name": "",
	"sock_accept": "accept", "sock_bind": "net.listen", "sock_listen": "net.listen",
	"sock_connect": "net.connect", "sock_send_to": "net.connect", "sock_recv_from": "net",
	"sock_open": "net", "sock_recv": "net", "sock_send": "net", "sock_shutdown": "net",
	"sock_getsockopt": "net", "sock_setsockopt": "net", "sock_getlocaladdr": "net", "sock_getpeeraddr": "net",
	"sock_getaddrinfo": "net.lookup",
	"random_get":       "random",
	"clock_time_get":   "clock", "clock_res_get": "clock",
}

// wasmEdgeSockets are the WasmEdge socket extensions wasibox exports in
// the wasi_snapshot_preview1 module, in addition to hostabi's table.
var wasmEdgeSockets = []string{
	"sock_open", "sock_bind", "sock_listen", "sock_connect", "sock_recv_from", "sock_send_to",
	"sock_getsockopt", "sock_setsockopt", "sock_getlocaladdr", "sock_getpeeraddr", "sock_getaddrinfo",
}

// granted reports whether the manifest gives what need names.
func granted(m *policy.Manifest, need string) bool {
	switch need {
	case "":
		return true
	case "fs.mounts":
		return len(m.Mounts) > 0
	case "rw mount":
		for _, mt := range m.Mounts {
			if mt.Mode == policy.ReadWrite {
				return true
			}
		}
		return false
	case "net":
		return len(m.Connect)+len(m.Listen)+len(m.Preopen) > 0
	case "accept":
		return len(m.Listen)+len(m.Preopen) > 0
	case "net.connect":
		return len(m.Connect) > 0
	case "net.listen":
		return len(m.Listen) > 0
	case "net.lookup":
		return len(m.Lookup) > 0
	case "random":
		return m.Random.Kind != "none"
	case "clock":
		return m.Realtime.Kind != "none" || m.Monotonic.Kind != "none"
	}
	return false
}

// module checks the module file: its hash against module.sha256, that it
// is valid wasm, that every import is one wasibox provides, and which
// imports the manifest does not grant.
func (c *checker) module(ctx context.Context, file string) {
	wasm, err := os.ReadFile(file)
	if err != nil {
		c.add(&c.rep.Errors, codeModuleIO, file, policy.Pos{}, "%v", unwrapPathError(err))
		return
	}
	sum := sha256.Sum256(wasm)
	mc := &moduleCheck{File: file, SHA256: hex.EncodeToString(sum[:]), Imports: []importCheck{}, Ungranted: []importCheck{}}
	c.rep.Module = mc
	switch pin := c.m.ModuleSHA256; {
	case pin == "":
		c.warnf(codeModuleUnpin, policy.Pos{}, "the manifest does not pin the module: add module: {sha256: %q} so that no other module runs under it", mc.SHA256)
	case pin != mc.SHA256:
		c.errorf(codeModuleHash, c.m.Positions["module"], "%s has sha256 %s, but the manifest pins %s", file, mc.SHA256, pin)
	default:
		mc.Pinned = true
	}

	// The interpreter only validates and decodes: nothing is compiled to
	// machine code and nothing runs.
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer r.Close(ctx)
	cm, err := r.CompileModule(ctx, wasm)
	if err != nil {
		c.add(&c.rep.Errors, codeModuleInvalid, file, policy.Pos{}, "not a valid WebAssembly module: %v", err)
		return
	}
	groups := map[string]string{}
	for _, fi := range hostabi.Functions() {
		groups[fi.Name] = fi.Group.String()
	}
	for _, n := range wasmEdgeSockets {
		groups[n] = "network"
	}
	p0 := map[string]string{} // wasi_unstable (WASI preview 0): the same names, less sock_accept
	for _, fi := range hostabi.UnstableFunctions() {
		p0[fi.Name] = fi.Group.String()
	}
	for _, def := range cm.ImportedFunctions() {
		mod, name, _ := def.Import()
		var group string
		var ok bool
		switch mod {
		case hostabi.ModuleName:
			group, ok = groups[name]
		case hostabi.UnstableModuleName:
			group, ok = p0[name]
		default:
			c.add(&c.rep.Errors, codeUnknownImport, file, policy.Pos{}, "imports %s.%s: wasibox only provides %s and %s, so the module will not link", mod, name, hostabi.ModuleName, hostabi.UnstableModuleName)
			continue
		}
		if !ok {
			c.add(&c.rep.Errors, codeUnknownImport, file, policy.Pos{}, "imports %s.%s, which wasibox does not provide, so the module will not link", mod, name)
			continue
		}
		ic := importCheck{Module: mod, Name: name, Group: group, Needs: importNeeds[name]}
		ic.Granted = granted(c.m, ic.Needs)
		mc.Imports = append(mc.Imports, ic)
		if !ic.Granted {
			mc.Ungranted = append(mc.Ungranted, ic)
		}
	}
	for _, def := range cm.ImportedMemories() {
		mod, name, _ := def.Import()
		c.add(&c.rep.Errors, codeUnknownImport, file, policy.Pos{}, "imports memory %s.%s: wasibox provides no memory, so the module will not link", mod, name)
	}
}

// writeText prints the report for people.
func (rep *checkReport) writeText(w io.Writer) {
	for _, f := range rep.Errors {
		fmt.Fprintf(w, "%s: error: %s [%s]\n", f.where(), f.Message, f.Code)
	}
	for _, f := range rep.Warnings {
		fmt.Fprintf(w, "%s: warning: %s [%s]\n", f.where(), f.Message, f.Code)
	}
	if len(rep.Grants) > 0 {
		fmt.Fprintf(w, "The module may:\n")
		for _, g := range rep.Grants {
			fmt.Fprintf(w, "  %s\n", g.Text)
		}
	}
	if mc := rep.Module; mc != nil {
		state := "not pinned"
		if mc.Pinned {
			state = "matches module.sha256"
		}
		fmt.Fprintf(w, "Module %s: sha256 %s (%s), %d imports\n", mc.File, mc.SHA256, state, len(mc.Imports))
		for _, ic := range mc.Ungranted {
			fmt.Fprintf(w, "  not granted: %s (needs %s)\n", ic.Name, ic.Needs)
		}
	}
	if t := rep.Tests; t != nil {
		fmt.Fprintf(w, "Policy tests: %d passed, %d failed", t.Passed, t.Failed)
		if t.Skipped > 0 {
			fmt.Fprintf(w, ", %d skipped", t.Skipped)
		}
		fmt.Fprintln(w)
	}
	status := "ok"
	if !rep.OK {
		status = "FAILED"
	}
	fmt.Fprintf(w, "%s: %s (%s, %s)\n", rep.Manifest, status, plural(len(rep.Errors), "error"), plural(len(rep.Warnings), "warning"))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// where is "file:line:col", "file" or "wasibox" for a finding.
func (f finding) where() string {
	switch {
	case f.File == "":
		return "wasibox"
	case f.Line > 0:
		return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Col)
	}
	return f.File
}
