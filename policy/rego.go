package policy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/util"
)

// PolicyPackage is the Rego package every wasibox policy module belongs to.
const PolicyPackage = "wasibox"

// forbiddenBuiltins are refused even if OPA does not mark them
// non-deterministic: they reach outside the policy (network, runtime,
// environment) or change between evaluations, which would make decisions
// uncacheable (design decision 4).
var forbiddenBuiltins = map[string]bool{
	"http.send": true, "net.lookup_ip_addr": true, "opa.runtime": true,
	"time.now_ns": true, "rand.intn": true, "uuid.rfc4122": true, "uuid.parse": false,
	"trace": false, "io.jwt.decode_verify": true, "crypto.x509.parse_and_verify_certificates": true,
	"crypto.x509.parse_and_verify_certificates_with_options": true,
}

// Capabilities returns the OPA capabilities policies are compiled with:
// this OPA's built-ins minus every non-deterministic one and the
// forbidden list, and no network access.
func Capabilities() *ast.Capabilities {
	c := ast.CapabilitiesForThisVersion()
	kept := c.Builtins[:0]
	for _, b := range c.Builtins {
		if b.Nondeterministic || forbiddenBuiltins[b.Name] {
			continue
		}
		kept = append(kept, b)
	}
	c.Builtins = kept
	c.AllowNet = []string{}
	return c
}

func isForbiddenBuiltin(name string) bool {
	if forbiddenBuiltins[name] {
		return true
	}
	for _, b := range ast.Builtins {
		if b.Name == name {
			return b.Nondeterministic
		}
	}
	return false
}

// CompileModules parses and compiles Rego modules (file name -> source)
// under the restricted capabilities, Rego v1 syntax. Every error carries
// its file, line and column; a call to a forbidden built-in has code
// CodeRegoBuiltin.
func CompileModules(files map[string]string) (*ast.Compiler, map[string]*ast.Module, Errors) {
	var errs Errors
	mods := map[string]*ast.Module{}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		mod, err := ast.ParseModuleWithOpts(name, files[name], ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			errs = append(errs, regoErrors(err, name)...)
			continue
		}
		mods[name] = mod
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	c := ast.NewCompiler().WithCapabilities(Capabilities()).WithEnablePrintStatements(false)
	c.Compile(mods)
	if c.Failed() {
		return nil, nil, regoErrors(c.Errors, "")
	}
	return c, mods, nil
}

// regoErrors converts OPA's errors to ours, keeping locations.
func regoErrors(err error, file string) Errors {
	var list ast.Errors
	if !errors.As(err, &list) {
		return Errors{{Code: CodeRego, Message: err.Error(), File: file}}
	}
	var out Errors
	for _, e := range list {
		pe := &Error{Code: CodeRego, Message: e.Message, File: file}
		if e.Location != nil {
			pe.File, pe.Line, pe.Col = e.Location.File, e.Location.Row, e.Location.Col
		}
		if name, ok := strings.CutPrefix(e.Message, "undefined function "); ok && isForbiddenBuiltin(name) {
			pe.Code = CodeRegoBuiltin
			pe.Message = fmt.Sprintf("built-in %s is not allowed: wasibox policies must be deterministic (no network, time, randomness or runtime access)", name)
		}
		out = append(out, pe)
	}
	return out
}

// Decision is the outcome of a policy evaluation.
type Decision struct {
	Allow bool
	// Reason says why the call was denied (the deny messages, or the
	// evaluation error); empty when allowed.
	Reason string
	// How tells how the decision was reached: "constant", "cache" or "eval".
	How string
}

// Engine evaluates the manifest's Rego policies. It is immutable after
// NewEngine except for its bounded decision cache, and safe for concurrent
// use.
type Engine struct {
	compiler *ast.Compiler
	store    storage.Store
	denyQ    rego.PreparedEvalQuery
	allowQ   *rego.PreparedEvalQuery // set when the policy defines data.wasibox.allow
	timeout  time.Duration

	// constant holds, per operation, a decision that does not depend on
	// the rest of the input (found by partial evaluation at start).
	constant map[string]Decision
	// plans holds, per operation, the residual of partial evaluation
	// compiled for native evaluation (residual.go).
	plans map[string]*plan
	// ops is constant and plans in one map, for Decide.
	ops   map[string]opState
	cache *decisionCache

	// Stats, for benchmarks and `--stats`.
	evals, cacheHits, constants, natives atomic.Int64
}

// EvalTimeout bounds one policy evaluation; past it the call is denied.
// A normal evaluation takes 30-500 µs even on a loaded machine; the bound
// only stops policies that explode on guest-controlled input.
const EvalTimeout = time.Second

// DefaultCacheSize is the number of decisions the engine remembers.
const DefaultCacheSize = 8192

// Ops are the operation names of the policy input envelope that the guard
// asks about; partial evaluation runs for each at start.
var Ops = []string{
	"path_open", "path_create_directory", "path_unlink_file", "path_remove_directory",
	"path_rename", "path_link", "path_symlink", "path_readlink", "path_filestat_get",
	"path_filestat_set_times",
	"sock_open", "sock_bind", "sock_listen", "sock_connect", "sock_accept", "sock_send_to",
	"sock_getaddrinfo", "sock_setsockopt",
}

// NewEngine compiles the manifest's policy modules and prepares their
// evaluation. data.manifest holds the manifest (ManifestData), and the
// manifest's policy.data file, if any, is merged at data's root.
// It returns nil, nil when the manifest has no policy modules.
func NewEngine(ctx context.Context, m *Manifest) (*Engine, error) {
	if len(m.PolicyModules) == 0 {
		return nil, nil
	}
	files := map[string]string{}
	for _, f := range m.PolicyModules {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, Errors{{Code: CodeIO, Message: err.Error(), File: f}}
		}
		files[f] = string(b)
	}
	data, err := PolicyData(m)
	if err != nil {
		return nil, err
	}
	return NewEngineFromSources(ctx, files, data)
}

// PolicyData returns the data document policies see: the policy.data file
// (if any) with data.manifest set to ManifestData(m).
func PolicyData(m *Manifest) (map[string]any, error) {
	data := map[string]any{}
	if m.PolicyData != "" {
		b, err := os.ReadFile(m.PolicyData)
		if err != nil {
			return nil, Errors{{Code: CodeIO, Message: err.Error(), File: m.PolicyData}}
		}
		if err := util.UnmarshalJSON(b, &data); err != nil {
			return nil, Errors{{Code: CodeValue, Message: "policy data: " + err.Error(), File: m.PolicyData}}
		}
	}
	data["manifest"] = ManifestData(m)
	return data, nil
}

// NewEngineFromSources is NewEngine for modules and data given directly.
func NewEngineFromSources(ctx context.Context, files map[string]string, data map[string]any) (*Engine, error) {
	c, _, errs := CompileModules(files)
	if errs != nil {
		return nil, errs
	}
	if data == nil {
		data = map[string]any{} // the store's root must be an object
	}
	e := &Engine{
		compiler: c,
		store:    inmem.NewFromObject(data),
		timeout:  EvalTimeout,
		constant: map[string]Decision{},
		plans:    map[string]*plan{},
		cache:    newDecisionCache(DefaultCacheSize),
	}
	var err error
	e.denyQ, err = rego.New(
		rego.Query("data."+PolicyPackage+".deny"),
		rego.Compiler(c), rego.Store(e.store),
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, Errors{{Code: CodeRego, Message: err.Error()}}
	}
	if definesRule(c, "allow") {
		q, err := rego.New(
			rego.Query("data."+PolicyPackage+".allow == true"),
			rego.Compiler(c), rego.Store(e.store),
			rego.StrictBuiltinErrors(true),
		).PrepareForEval(ctx)
		if err != nil {
			return nil, Errors{{Code: CodeRego, Message: err.Error()}}
		}
		e.allowQ = &q
	}
	if !conflictProne(c) {
		for _, op := range Ops {
			e.prepareOp(ctx, op)
		}
	}
	e.ops = map[string]opState{}
	for op, d := range e.constant {
		e.ops[op] = opState{constant: true, decision: d}
	}
	for op, p := range e.plans {
		e.ops[op] = opState{plan: p}
	}
	return e, nil
}

// cloneInput copies in with strings of its own: OPA's built-in caches
// (compiled regular expressions, globs) may keep strings they are given.
func cloneInput(in *Input) *Input {
	c := *in
	for _, s := range []*string{&c.Op, &c.Path, &c.NewPath, &c.Target, &c.Mount, &c.Mode, &c.Proto, &c.Family, &c.Addr, &c.Name, &c.Module} {
		*s = strings.Clone(*s)
	}
	return &c
}

// opState is how one operation is decided: a constant, a native plan, or
// (neither) OPA.
type opState struct {
	constant bool
	decision Decision
	plan     *plan
}

// conflictProne reports whether a rule could produce two values for one
// input: a complete rule, function or object rule whose value is not a
// constant, or defined twice with different constants. OPA's evaluation
// reports such a conflict as an error (and the guard denies), but partial
// evaluation does not see it, so such a policy is never folded: every
// decision is OPA's (cached).
func conflictProne(c *ast.Compiler) bool {
	values := map[string][]*ast.Term{}
	for _, mod := range c.Modules {
		for _, r := range mod.Rules {
			if r.Default || r.Head.RuleKind() != ast.SingleValue {
				continue
			}
			key := r.Head.Ref().String()
			for x := r; x != nil; x = x.Else {
				if x.Head.Value == nil || !x.Head.Value.IsGround() {
					return true
				}
				values[key] = append(values[key], x.Head.Value)
			}
		}
	}
	for _, vs := range values {
		for _, v := range vs[1:] {
			if !v.Equal(vs[0]) {
				return true
			}
		}
	}
	return false
}

func definesRule(c *ast.Compiler, name string) bool {
	ref := ast.MustParseRef("data." + PolicyPackage + "." + name)
	return len(c.GetRulesExact(ref)) > 0
}

// msgVar names the deny message in the partially evaluated query.
var msgVar = ast.Var("wasibox_msg")

// prepareOp partially evaluates `deny` for op with the manifest known and
// the input unknown. It records a constant decision when no deny rule can
// fire for op (allow) or one fires whatever the input (deny), and
// otherwise a native plan when the residual is simple enough.
func (e *Engine) prepareOp(ctx context.Context, op string) {
	if e.allowQ != nil {
		return // allow rules are evaluated by OPA (cached)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	query := fmt.Sprintf(`input.op == %q; data.%s.deny[%s]`, op, PolicyPackage, msgVar)
	// Strict: a built-in error at partial evaluation (a call on constants
	// that fails) must not silently drop a deny rule; the operation is
	// then left to OPA, whose strict evaluation denies.
	pq, err := rego.New(rego.Query(query), rego.Compiler(e.compiler), rego.Store(e.store),
		rego.Unknowns([]string{"input"}), rego.StrictBuiltinErrors(true)).Partial(ctx)
	if err != nil || len(pq.Support) > 0 {
		return
	}
	p, ok := compilePlan(op, pq.Queries, msgVar)
	if !ok {
		return
	}
	if len(p.queries) == 0 {
		e.constant[op] = Decision{Allow: true, How: "constant"}
		return
	}
	var constMsgs []string
	for _, q := range p.queries {
		if inputIndependent(q.exprs) {
			msgs, err := (&plan{queries: []residual{q}}).eval(ctx, &Input{Op: op})
			if err == nil && len(msgs) > 0 {
				constMsgs = append(constMsgs, msgs...)
			}
		}
	}
	if len(constMsgs) > 0 {
		sort.Strings(constMsgs)
		e.constant[op] = Decision{Reason: strings.Join(dedup(constMsgs), "; "), How: "constant"}
		return
	}
	e.plans[op] = p
}

func inputIndependent(exprs []*ast.Expr) bool {
	for _, x := range exprs {
		found := false
		ast.WalkRefs(x, func(r ast.Ref) bool {
			if r.HasPrefix(ast.InputRootRef) {
				found = true
			}
			return found
		})
		if found {
			return false
		}
	}
	return true
}

// Decide evaluates the policy for one operation. Any error, timeout or
// conflict denies (fail closed). Decide keeps nothing of in past the call
// (the guard builds paths in reused buffers): what OPA or the decision
// cache may keep is copied first.
func (e *Engine) Decide(ctx context.Context, in *Input) Decision {
	st := e.ops[in.Op] // one lookup on the hot path
	if st.constant {
		e.constants.Add(1)
		return st.decision
	}
	if p := st.plan; p != nil {
		msgs, err := p.eval(ctx, in)
		if err == nil {
			e.natives.Add(1)
			if len(msgs) > 0 {
				return Decision{Reason: strings.Join(msgs, "; "), How: "native"}
			}
			return Decision{Allow: true, How: "native"}
		}
	}
	key := in.Key()
	if d, ok := e.cache.get(key); ok {
		e.cacheHits.Add(1)
		d.How = "cache"
		return d
	}
	d := e.eval(ctx, cloneInput(in).Map())
	e.evals.Add(1)
	e.cache.put(key, d)
	return d
}

// EngineStats counts how decisions were reached.
type EngineStats struct {
	Constant, Native, Cached, Evaluated int
}

// Stats returns how many decisions were constant, native, cached and
// evaluated by OPA.
func (e *Engine) Stats() EngineStats {
	return EngineStats{int(e.constants.Load()), int(e.natives.Load()), int(e.cacheHits.Load()), int(e.evals.Load())}
}

// Plan describes how op is decided: "constant allow", "constant deny",
// "native: <residual>" or "opa".
func (e *Engine) Plan(op string) string {
	if d, ok := e.constant[op]; ok {
		if d.Allow {
			return "constant allow"
		}
		return "constant deny (" + d.Reason + ")"
	}
	if p, ok := e.plans[op]; ok {
		return "native: " + p.String()
	}
	return "opa"
}

// Constant reports the constant decision folded for op at start, if any.
func (e *Engine) Constant(op string) (Decision, bool) {
	d, ok := e.constant[op]
	return d, ok
}

func (e *Engine) eval(ctx context.Context, input map[string]any) Decision {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	val, err := ast.InterfaceToValue(input)
	if err != nil {
		return Decision{Reason: "policy input: " + err.Error(), How: "eval"}
	}
	rs, err := e.denyQ.Eval(ctx, rego.EvalParsedInput(val))
	if err != nil {
		return Decision{Reason: "policy error (denied): " + err.Error(), How: "eval"}
	}
	var msgs []string
	if len(rs) > 0 && len(rs[0].Expressions) > 0 {
		switch v := rs[0].Expressions[0].Value.(type) {
		case []any:
			for _, m := range v {
				msgs = append(msgs, fmt.Sprint(m))
			}
		default:
			return Decision{Reason: fmt.Sprintf("policy error (denied): data.%s.deny is not a set", PolicyPackage), How: "eval"}
		}
	}
	if len(msgs) > 0 {
		sort.Strings(msgs)
		return Decision{Reason: strings.Join(msgs, "; "), How: "eval"}
	}
	if e.allowQ != nil {
		rs, err := e.allowQ.Eval(ctx, rego.EvalParsedInput(val))
		if err != nil {
			return Decision{Reason: "policy error (denied): " + err.Error(), How: "eval"}
		}
		if len(rs) == 0 {
			return Decision{Reason: fmt.Sprintf("data.%s.allow is not true", PolicyPackage), How: "eval"}
		}
	}
	return Decision{Allow: true, How: "eval"}
}

// decisionCache is a bounded map of decisions: when full, a random half is
// dropped (guest-controlled keys must not grow memory without bound; a
// rough eviction is enough since a miss only costs an evaluation).
type decisionCache struct {
	mu  sync.Mutex
	max int
	m   map[string]Decision
}

func newDecisionCache(max int) *decisionCache {
	return &decisionCache{max: max, m: make(map[string]Decision)}
}

func (c *decisionCache) get(k string) (Decision, bool) {
	c.mu.Lock()
	d, ok := c.m[k]
	c.mu.Unlock()
	return d, ok
}

func (c *decisionCache) put(k string, d Decision) {
	if len(k) > 8192 {
		return // do not keep huge keys
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		n := 0
		for k := range c.m {
			delete(c.m, k)
			n++
			if n >= c.max/2 {
				break
			}
		}
	}
	c.m[k] = d
	c.mu.Unlock()
}
