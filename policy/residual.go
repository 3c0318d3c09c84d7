package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/gobwas/glob"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// A plan is the result of partially evaluating `deny` for one operation
// with the manifest (data) known and the input unknown: a disjunction of
// residual queries, each a conjunction of expressions over input fields.
//
// Each query is evaluated in two tiers:
//
//   - its leading expressions that are plain tests of input fields against
//     constants (==, !=, <, startswith, endswith, contains, glob.match,
//     regex.match, `in` a constant collection, a field's truthiness, and
//     their negations) are compiled to Go closures on *Input: no OPA term,
//     no allocation, a few nanoseconds each. They are only compiled where
//     the operand types are known (the input envelope's fields have fixed
//     types per operation), so they cannot fail where OPA would raise a
//     type error;
//   - if every such test holds and expressions remain (typically the
//     sprintf that builds the deny message), the whole query is evaluated
//     again, in order, by a small interpreter over OPA terms that calls
//     OPA's own built-ins. That costs a few microseconds and allocations,
//     but only on the way to a denial.
//
// Full OPA evaluation costs 30-100 µs (design decision 4), which is what
// keeps path_open with Rego path rules within 10% of the open itself.
//
// Only residuals made of input references, constants, local variables and
// pure built-in calls are compiled; anything else (support rules, `with`,
// data references that survived partial evaluation) leaves the operation
// to the cached full evaluation. A built-in that fails in the interpreter
// sends the decision to OPA too, which reports the real error (and denies).
type plan struct {
	queries []residual
}

type residual struct {
	exprs  []*ast.Expr
	msgVar ast.Var
	// fast are native tests of exprs[:len(fast)]. If they all hold and
	// full is false, the query holds with message constMsg.
	fast []test
	// full: exprs remain after the fast prefix, so a query whose fast
	// tests hold is evaluated again by the interpreter (evalBody).
	full     bool
	constMsg string
}

// test is one compiled expression of a residual query.
type test func(in *Input) bool

// compilePlan simplifies and checks the residual queries of op.
func compilePlan(op string, pq []ast.Body, msgVar ast.Var) (*plan, bool) {
	p := &plan{}
	for _, body := range pq {
		var exprs []*ast.Expr
		dead := false
		for _, expr := range body {
			if v, ok := opCheck(expr); ok {
				if v == op {
					continue // input.op == op: true for this operation
				}
				dead = true // input.op == other: this query never holds
				break
			}
			if !supportedExpr(expr) {
				return nil, false
			}
			exprs = append(exprs, expr)
		}
		if !dead {
			p.queries = append(p.queries, compileResidual(op, exprs, msgVar))
		}
	}
	return p, true
}

// compileResidual compiles the longest prefix of exprs that has a native
// form. A final `msgVar = "constant"` binding counts as native.
func compileResidual(op string, exprs []*ast.Expr, msgVar ast.Var) residual {
	r := residual{exprs: exprs, msgVar: msgVar, constMsg: defaultMsg}
	n := 0
	bound := false
	for _, e := range exprs {
		if msg, ok := constMsgBinding(e, msgVar); ok && !bound {
			// (A second binding must unify with the first: the
			// interpreter decides that.)
			bound = true
			r.constMsg = msg
			r.fast = append(r.fast, alwaysTrue)
			n++
			continue
		}
		t, ok := compileTest(op, e)
		if !ok {
			break
		}
		r.fast = append(r.fast, t)
		n++
	}
	r.full = n < len(exprs)
	return r
}

const defaultMsg = "denied by policy"

func alwaysTrue(*Input) bool { return true }

// constMsgBinding recognises `msgVar = "text"` (either order).
func constMsgBinding(e *ast.Expr, msgVar ast.Var) (string, bool) {
	if e.Negated || !e.IsEquality() || len(e.With) > 0 {
		return "", false
	}
	ops := e.Operands()
	for i := 0; i < 2; i++ {
		if v, ok := ops[i].Value.(ast.Var); ok && v.Equal(msgVar) {
			if s, ok := ops[1-i].Value.(ast.String); ok {
				return string(s), true
			}
		}
	}
	return "", false
}

// opCheck recognises `input.op = "x"` (in either order, not negated).
func opCheck(expr *ast.Expr) (string, bool) {
	if expr.Negated || !expr.IsEquality() || len(expr.With) > 0 {
		return "", false
	}
	ops := expr.Operands()
	for i := 0; i < 2; i++ {
		if r, ok := ops[i].Value.(ast.Ref); ok && r.Equal(inputOpRef) {
			if s, ok := ops[1-i].Value.(ast.String); ok {
				return string(s), true
			}
		}
	}
	return "", false
}

var inputOpRef = ast.MustParseRef("input.op")

// operand is a compiled operand of a native test: an input field of a
// known type, or a constant.
type operand struct {
	kind  byte // 's' string, 'i' integer, 'b' boolean, 'u' undefined
	str   func(*Input) string
	num   func(*Input) int64
	bool_ func(*Input) bool
	// constant values (when the getter is nil)
	s string
	i int64
	b bool
}

func (o *operand) constant() bool { return o.str == nil && o.num == nil && o.bool_ == nil }

// compileOperand compiles an input reference or a scalar constant.
func compileOperand(op string, t *ast.Term) (operand, bool) {
	switch v := t.Value.(type) {
	case ast.String:
		return operand{kind: 's', s: string(v)}, true
	case ast.Boolean:
		return operand{kind: 'b', b: bool(v)}, true
	case ast.Number:
		i, ok := intOf(v)
		return operand{kind: 'i', i: i}, ok
	case ast.Ref:
		return inputField(op, v)
	}
	return operand{}, false
}

func intOf(n ast.Number) (int64, bool) {
	i, err := json.Number(n).Int64()
	return i, err == nil
}

// inputField compiles a reference to a scalar field of op's envelope.
// Which fields exist depends only on the operation (Input.get), so a
// field op lacks is known undefined here.
func inputField(op string, r ast.Ref) (operand, bool) {
	if !r.HasPrefix(ast.InputRootRef) || len(r) < 2 || len(r) > 3 {
		return operand{}, false
	}
	path := make([]string, 0, 2)
	for _, k := range r[1:] {
		s, ok := k.Value.(ast.String)
		if !ok {
			return operand{}, false
		}
		path = append(path, string(s))
	}
	probe := &Input{Op: op}
	v, ok := probe.get(path)
	if !ok {
		if len(path) == 1 && (path[0] == "access" || path[0] == "module") {
			return operand{}, false // an object: not a scalar test
		}
		return operand{kind: 'u'}, true
	}
	key := strings.Join(path, ".")
	switch v.(type) {
	case string:
		if g, ok := stringFields[key]; ok {
			return operand{kind: 's', str: g}, true
		}
	case bool:
		if g, ok := boolFields[key]; ok {
			return operand{kind: 'b', bool_: g}, true
		}
	case int:
		if key == "port" {
			return operand{kind: 'i', num: func(in *Input) int64 { return int64(in.Port) }}, true
		}
	}
	return operand{}, false
}

var stringFields = map[string]func(*Input) string{
	"op":            func(in *Input) string { return in.Op },
	"path":          func(in *Input) string { return in.Path },
	"new_path":      func(in *Input) string { return in.NewPath },
	"target":        func(in *Input) string { return in.Target },
	"mount":         func(in *Input) string { return in.Mount },
	"mode":          func(in *Input) string { return in.Mode },
	"proto":         func(in *Input) string { return in.Proto },
	"family":        func(in *Input) string { return in.Family },
	"addr":          func(in *Input) string { return in.Addr },
	"name":          func(in *Input) string { return in.Name },
	"module.sha256": func(in *Input) string { return in.Module },
}

var boolFields = map[string]func(*Input) bool{
	"follow":           func(in *Input) bool { return in.Follow },
	"access.read":      func(in *Input) bool { return in.Access.Read },
	"access.write":     func(in *Input) bool { return in.Access.Write },
	"access.create":    func(in *Input) bool { return in.Access.Create },
	"access.truncate":  func(in *Input) bool { return in.Access.Truncate },
	"access.directory": func(in *Input) bool { return in.Access.Directory },
}

// compileTest compiles one expression to a native test, if it has one.
func compileTest(op string, e *ast.Expr) (test, bool) {
	if len(e.With) > 0 {
		return nil, false
	}
	t, ok := compilePositive(op, e)
	if !ok {
		return nil, false
	}
	if e.Negated {
		// `not x` holds when x is false or undefined: exactly !t, since
		// a native test never fails.
		return func(in *Input) bool { return !t(in) }, true
	}
	return t, true
}

func never(*Input) bool { return false }

func compilePositive(op string, e *ast.Expr) (test, bool) {
	switch t := e.Terms.(type) {
	case *ast.Term:
		// A bare term holds if it is defined and not false.
		o, ok := compileOperand(op, t)
		if !ok {
			return nil, false
		}
		switch {
		case o.kind == 'u':
			return never, true
		case o.bool_ != nil:
			return o.bool_, true
		case o.constant():
			if o.kind == 'b' && !o.b {
				return never, true
			}
			return alwaysTrue, true
		}
		return alwaysTrue, true // a defined string or number field
	case []*ast.Term:
		name := t[0].String()
		args := t[1:]
		switch name {
		case "eq", "equal", "neq":
			if len(args) != 2 {
				return nil, false
			}
			return compileCompare(op, name, args[0], args[1])
		case "lt", "gt", "lte", "gte":
			if len(args) != 2 {
				return nil, false
			}
			return compileCompare(op, name, args[0], args[1])
		case "startswith", "endswith", "contains":
			if len(args) != 2 {
				return nil, false
			}
			return compileStrings(op, name, args[0], args[1])
		case "glob.match":
			if len(args) != 3 {
				return nil, false
			}
			return compileGlob(op, args)
		case "regex.match":
			if len(args) != 2 {
				return nil, false
			}
			return compileRegex(op, args)
		case "internal.member_2":
			if len(args) != 2 {
				return nil, false
			}
			return compileMember(op, args[0], args[1])
		}
	}
	return nil, false
}

// compileCompare compiles a comparison of two scalars of the same type.
// (Rego compares values of different types by a type order; those, and
// an equality that would bind a variable, are left to the interpreter.)
func compileCompare(op, name string, x, y *ast.Term) (test, bool) {
	a, ok1 := compileOperand(op, x)
	b, ok2 := compileOperand(op, y)
	if !ok1 || !ok2 {
		return nil, false
	}
	if a.kind == 'u' || b.kind == 'u' {
		return never, true // an undefined operand makes the expression undefined
	}
	if a.kind != b.kind {
		return nil, false
	}
	var cmp func(in *Input) int
	switch a.kind {
	case 's':
		fa, fb := strOf(a), strOf(b)
		cmp = func(in *Input) int { return strings.Compare(fa(in), fb(in)) }
	case 'i':
		fa, fb := numOf(a), numOf(b)
		cmp = func(in *Input) int {
			p, q := fa(in), fb(in)
			switch {
			case p < q:
				return -1
			case p > q:
				return 1
			}
			return 0
		}
	case 'b':
		if name != "eq" && name != "equal" && name != "neq" {
			return nil, false
		}
		fa, fb := boolOf(a), boolOf(b)
		cmp = func(in *Input) int {
			if fa(in) == fb(in) {
				return 0
			}
			return 1
		}
	default:
		return nil, false
	}
	switch name {
	case "eq", "equal":
		return func(in *Input) bool { return cmp(in) == 0 }, true
	case "neq":
		return func(in *Input) bool { return cmp(in) != 0 }, true
	case "lt":
		return func(in *Input) bool { return cmp(in) < 0 }, true
	case "gt":
		return func(in *Input) bool { return cmp(in) > 0 }, true
	case "lte":
		return func(in *Input) bool { return cmp(in) <= 0 }, true
	case "gte":
		return func(in *Input) bool { return cmp(in) >= 0 }, true
	}
	return nil, false
}

func strOf(o operand) func(*Input) string {
	if o.str != nil {
		return o.str
	}
	s := o.s
	return func(*Input) string { return s }
}

func numOf(o operand) func(*Input) int64 {
	if o.num != nil {
		return o.num
	}
	i := o.i
	return func(*Input) int64 { return i }
}

func boolOf(o operand) func(*Input) bool {
	if o.bool_ != nil {
		return o.bool_
	}
	b := o.b
	return func(*Input) bool { return b }
}

// compileStrings compiles startswith, endswith and contains on strings.
func compileStrings(op, name string, x, y *ast.Term) (test, bool) {
	a, ok1 := compileOperand(op, x)
	b, ok2 := compileOperand(op, y)
	if !ok1 || !ok2 {
		return nil, false
	}
	if a.kind == 'u' || b.kind == 'u' {
		return never, true
	}
	if a.kind != 's' || b.kind != 's' {
		return nil, false // a type error in OPA: let it say so
	}
	fa := strOf(a)
	if b.constant() {
		s := b.s
		switch name {
		case "startswith":
			return func(in *Input) bool { return strings.HasPrefix(fa(in), s) }, true
		case "endswith":
			return func(in *Input) bool { return strings.HasSuffix(fa(in), s) }, true
		default:
			return func(in *Input) bool { return strings.Contains(fa(in), s) }, true
		}
	}
	fb := strOf(b)
	switch name {
	case "startswith":
		return func(in *Input) bool { return strings.HasPrefix(fa(in), fb(in)) }, true
	case "endswith":
		return func(in *Input) bool { return strings.HasSuffix(fa(in), fb(in)) }, true
	default:
		return func(in *Input) bool { return strings.Contains(fa(in), fb(in)) }, true
	}
}

// compileGlob compiles glob.match(pattern, delimiters, field) with a
// constant pattern and delimiters, exactly as OPA's built-in does (the
// same library, the same delimiter defaults).
func compileGlob(op string, args []*ast.Term) (test, bool) {
	pat, ok := args[0].Value.(ast.String)
	if !ok {
		return nil, false
	}
	var delims []rune
	switch d := args[1].Value.(type) {
	case ast.Null:
		delims = []rune{}
	case *ast.Array:
		for i := 0; i < d.Len(); i++ {
			s, ok := d.Elem(i).Value.(ast.String)
			if !ok {
				return nil, false
			}
			r := []rune(string(s))
			if len(r) != 1 {
				return nil, false
			}
			delims = append(delims, r[0])
		}
		if len(delims) == 0 {
			delims = []rune{'.'}
		}
	default:
		return nil, false
	}
	m, ok := compileOperand(op, args[2])
	if !ok {
		return nil, false
	}
	if m.kind == 'u' {
		return never, true
	}
	if m.kind != 's' {
		return nil, false
	}
	g, err := glob.Compile(string(pat), delims...)
	if err != nil {
		return nil, false // OPA reports the error
	}
	f := strOf(m)
	return func(in *Input) bool { return g.Match(f(in)) }, true
}

// compileRegex compiles regex.match(pattern, field) with a constant
// pattern (OPA uses Go's regexp too).
func compileRegex(op string, args []*ast.Term) (test, bool) {
	pat, ok := args[0].Value.(ast.String)
	if !ok {
		return nil, false
	}
	m, ok := compileOperand(op, args[1])
	if !ok {
		return nil, false
	}
	if m.kind == 'u' {
		return never, true
	}
	if m.kind != 's' {
		return nil, false
	}
	re, err := regexp.Compile(string(pat))
	if err != nil {
		return nil, false
	}
	f := strOf(m)
	return func(in *Input) bool { return re.MatchString(f(in)) }, true
}

// compileMember compiles `field in collection` for a constant array or
// set of scalars (internal.member_2 compares with Rego equality: a value
// of another type never matches).
func compileMember(op string, x, coll *ast.Term) (test, bool) {
	a, ok := compileOperand(op, x)
	if !ok || a.constant() {
		return nil, false
	}
	if a.kind == 'u' {
		return never, true
	}
	var elems []*ast.Term
	switch c := coll.Value.(type) {
	case *ast.Array:
		for i := 0; i < c.Len(); i++ {
			elems = append(elems, c.Elem(i))
		}
	case ast.Set:
		elems = c.Slice()
	default:
		return nil, false
	}
	strs := map[string]bool{}
	nums := map[int64]bool{}
	bools := map[bool]bool{}
	for _, el := range elems {
		switch v := el.Value.(type) {
		case ast.String:
			strs[string(v)] = true
		case ast.Number:
			i, ok := intOf(v)
			if !ok {
				return nil, false
			}
			nums[i] = true
		case ast.Boolean:
			bools[bool(v)] = true
		case ast.Null:
		default:
			return nil, false
		}
	}
	switch a.kind {
	case 's':
		f := a.str
		return func(in *Input) bool { return strs[f(in)] }, true
	case 'i':
		f := a.num
		return func(in *Input) bool { return nums[f(in)] }, true
	case 'b':
		f := a.bool_
		return func(in *Input) bool { return bools[f(in)] }, true
	}
	return nil, false
}

func supportedExpr(expr *ast.Expr) bool {
	if len(expr.With) > 0 {
		return false
	}
	switch t := expr.Terms.(type) {
	case *ast.Term:
		return supportedTerm(t)
	case []*ast.Term:
		if len(t) == 0 {
			return false
		}
		name := t[0].String()
		if name != "eq" {
			if topdown.GetBuiltin(name) == nil || isForbiddenBuiltin(name) {
				return false
			}
			b, ok := ast.BuiltinMap[name]
			if !ok || b.Decl == nil {
				return false
			}
			n := len(b.Decl.FuncArgs().Args)
			if len(t)-1 != n && len(t)-1 != n+1 {
				return false
			}
		}
		for _, a := range t[1:] {
			if !supportedTerm(a) {
				return false
			}
		}
		return true
	}
	return false
}

func supportedTerm(t *ast.Term) bool {
	switch v := t.Value.(type) {
	case ast.Var:
		return true
	case ast.Ref:
		if !v.HasPrefix(ast.InputRootRef) || len(v) < 2 {
			return false
		}
		for _, k := range v[1:] {
			if _, ok := k.Value.(ast.String); !ok {
				return false
			}
		}
		return true
	case ast.Null, ast.Boolean, ast.Number, ast.String:
		return true
	case *ast.Array:
		ok := true
		v.Foreach(func(e *ast.Term) {
			ok = ok && supportedTerm(e)
		})
		return ok
	}
	return t.IsGround() && !containsRef(t)
}

func containsRef(t *ast.Term) bool {
	found := false
	ast.WalkRefs(t, func(ast.Ref) bool { found = true; return true })
	return found
}

// errUnsupported makes eval fall back to OPA (a built-in panicked or
// returned an error, or an operand the interpreter cannot bind: let OPA
// produce the real error or result).
var errUnsupported = fmt.Errorf("residual: unsupported at run time")

// eval returns the sorted deny messages of every residual query that
// holds. Allowing costs no allocation when every query's fast tests
// decide it.
func (p *plan) eval(ctx context.Context, in *Input) ([]string, error) {
	var msgs []string
	var own *Input // in with strings of its own, for the interpreter (see Engine.Decide)
	for i := range p.queries {
		q := &p.queries[i]
		holds := true
		for _, t := range q.fast {
			if !t(in) {
				holds = false
				break
			}
		}
		if !holds {
			continue
		}
		if !q.full {
			msgs = append(msgs, q.constMsg)
			continue
		}
		if own == nil {
			own = cloneInput(in)
		}
		env := map[ast.Var]*ast.Term{}
		ok, err := evalBody(ctx, q.exprs, own, env)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		msg := defaultMsg
		if t, ok := env[q.msgVar]; ok {
			if s, ok := t.Value.(ast.String); ok {
				msg = string(s)
			} else {
				msg = t.String()
			}
		}
		msgs = append(msgs, msg)
	}
	if len(msgs) > 1 {
		sort.Strings(msgs)
		msgs = dedup(msgs)
	}
	return msgs, nil
}

func dedup(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func evalBody(ctx context.Context, exprs []*ast.Expr, in *Input, env map[ast.Var]*ast.Term) (bool, error) {
	for _, e := range exprs {
		ok, err := evalExpr(ctx, e, in, env)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func evalExpr(ctx context.Context, e *ast.Expr, in *Input, env map[ast.Var]*ast.Term) (bool, error) {
	if e.Negated {
		// A negated expression binds nothing outside itself.
		scratch := make(map[ast.Var]*ast.Term, len(env))
		for k, v := range env {
			scratch[k] = v
		}
		ok, err := evalPositive(ctx, e, in, scratch)
		return !ok, err
	}
	return evalPositive(ctx, e, in, env)
}

func evalPositive(ctx context.Context, e *ast.Expr, in *Input, env map[ast.Var]*ast.Term) (bool, error) {
	switch t := e.Terms.(type) {
	case *ast.Term:
		v, ok, err := resolve(t, in, env)
		if err != nil || !ok {
			return false, err
		}
		b, isBool := v.Value.(ast.Boolean)
		return !isBool || bool(b), nil
	case []*ast.Term:
		name := t[0].String()
		args := t[1:]
		if name == "eq" {
			return unify(args[0], args[1], in, env)
		}
		b := ast.BuiltinMap[name]
		n := len(b.Decl.FuncArgs().Args)
		operands := make([]*ast.Term, n)
		for i := 0; i < n; i++ {
			v, ok, err := resolve(args[i], in, env)
			if err != nil {
				return false, err
			}
			if !ok {
				return false, nil // undefined operand: the expression is undefined
			}
			operands[i] = v
		}
		res, err := callBuiltin(ctx, name, operands)
		if err != nil {
			return false, err
		}
		if res == nil {
			return false, nil
		}
		if len(args) == n+1 {
			return unifyTerm(args[n], res, in, env)
		}
		bv, isBool := res.Value.(ast.Boolean)
		return !isBool || bool(bv), nil
	}
	return false, errUnsupported
}

func callBuiltin(ctx context.Context, name string, operands []*ast.Term) (res *ast.Term, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, errUnsupported
		}
	}()
	fn := topdown.GetBuiltin(name)
	bctx := topdown.BuiltinContext{Context: ctx}
	e := fn(bctx, operands, func(t *ast.Term) error {
		res = t
		return nil
	})
	if e != nil {
		return nil, errUnsupported
	}
	return res, nil
}

// resolve returns the value of t; ok is false if it is undefined (a
// missing input field). A variable that is not bound yet is an error: in
// Rego it would be bound by iterating (`some x in ...`), which this
// interpreter does not do, so OPA must decide.
func resolve(t *ast.Term, in *Input, env map[ast.Var]*ast.Term) (*ast.Term, bool, error) {
	switch v := t.Value.(type) {
	case ast.Var:
		r, ok := env[v]
		if !ok {
			return nil, false, errUnsupported
		}
		return r, true, nil
	case ast.Ref:
		path := make([]string, 0, len(v)-1)
		for _, k := range v[1:] {
			path = append(path, string(k.Value.(ast.String)))
		}
		if x, ok := in.get(path); ok {
			switch x := x.(type) {
			case string:
				return ast.StringTerm(x), true, nil
			case bool:
				return ast.BooleanTerm(x), true, nil
			case int:
				return ast.IntNumberTerm(x), true, nil
			}
		}
		if len(path) == 1 && (path[0] == "access" || path[0] == "module") {
			m := in.Map()[path[0]]
			if m != nil {
				v, err := ast.InterfaceToValue(m)
				if err == nil {
					return ast.NewTerm(v), true, nil
				}
			}
		}
		return nil, false, nil
	case *ast.Array:
		if t.IsGround() {
			return t, true, nil
		}
		elems := make([]*ast.Term, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			e, ok, err := resolve(v.Elem(i), in, env)
			if err != nil || !ok {
				return nil, false, err
			}
			elems = append(elems, e)
		}
		return ast.ArrayTerm(elems...), true, nil
	}
	return t, true, nil
}

// unify evaluates a = b: it binds an unbound variable on either side to
// the other side's value, or compares two values.
func unify(a, b *ast.Term, in *Input, env map[ast.Var]*ast.Term) (bool, error) {
	if av, ok := a.Value.(ast.Var); ok {
		if _, bound := env[av]; !bound {
			bv, ok, err := resolve(b, in, env)
			if err != nil || !ok {
				return false, err
			}
			env[av] = bv
			return true, nil
		}
	}
	if bv, ok := b.Value.(ast.Var); ok {
		if _, bound := env[bv]; !bound {
			av, ok, err := resolve(a, in, env)
			if err != nil || !ok {
				return false, err
			}
			env[bv] = av
			return true, nil
		}
	}
	bv, ok, err := resolve(b, in, env)
	if err != nil || !ok {
		return false, err
	}
	return unifyTerm(a, bv, in, env)
}

func unifyTerm(a *ast.Term, val *ast.Term, in *Input, env map[ast.Var]*ast.Term) (bool, error) {
	if av, ok := a.Value.(ast.Var); ok {
		if cur, bound := env[av]; bound {
			return cur.Equal(val), nil
		}
		env[av] = val
		return true, nil
	}
	cur, ok, err := resolve(a, in, env)
	if err != nil || !ok {
		return false, err
	}
	return cur.Equal(val), nil
}

// String renders a plan for `wasibox check` and debugging.
func (p *plan) String() string {
	var b strings.Builder
	for i, q := range p.queries {
		if i > 0 {
			b.WriteString(" OR ")
		}
		for j, e := range q.exprs {
			if j > 0 {
				b.WriteString("; ")
			}
			b.WriteString(e.String())
		}
	}
	return b.String()
}
