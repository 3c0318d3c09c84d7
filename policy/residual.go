package policy

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// A plan is the result of partially evaluating `deny` for one operation
// with the manifest (data) known and the input unknown: a disjunction of
// residual queries, each a conjunction of expressions over input fields.
// Evaluating a plan natively costs about a microsecond, against 30-100 µs
// for a full OPA evaluation (design decision 4), which is what keeps
// path_open with Rego path rules within 10% of the open itself.
//
// Only residuals made of input references, constants, local variables and
// pure built-in calls are compiled; anything else (support rules, `with`,
// data references that survived partial evaluation) leaves the operation
// to the cached full evaluation.
type plan struct {
	queries []residual
}

type residual struct {
	exprs  []*ast.Expr
	msgVar ast.Var
}

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
			p.queries = append(p.queries, residual{exprs: exprs, msgVar: msgVar})
		}
	}
	return p, true
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
// returned an error: let OPA produce the real error or result).
var errUnsupported = fmt.Errorf("residual: unsupported at run time")

// eval returns the sorted deny messages of every residual query that holds.
func (p *plan) eval(ctx context.Context, in *Input) ([]string, error) {
	var msgs []string
	for i := range p.queries {
		q := &p.queries[i]
		env := map[ast.Var]*ast.Term{}
		ok, err := evalBody(ctx, q.exprs, in, env)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		msg := "denied by policy"
		if t, ok := env[q.msgVar]; ok {
			if s, ok := t.Value.(ast.String); ok {
				msg = string(s)
			} else {
				msg = t.String()
			}
		}
		msgs = append(msgs, msg)
	}
	sort.Strings(msgs)
	return dedup(msgs), nil
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
		v, ok := resolve(t, in, env)
		if !ok {
			return false, nil
		}
		b, isBool := v.Value.(ast.Boolean)
		return !isBool || bool(b), nil
	case []*ast.Term:
		name := t[0].String()
		args := t[1:]
		if name == "eq" {
			return unify(args[0], args[1], in, env), nil
		}
		b := ast.BuiltinMap[name]
		n := len(b.Decl.FuncArgs().Args)
		operands := make([]*ast.Term, n)
		for i := 0; i < n; i++ {
			v, ok := resolve(args[i], in, env)
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
			return unifyTerm(args[n], res, in, env), nil
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

// resolve returns the value of t; ok is false if it is undefined (an
// unbound variable or a missing input field).
func resolve(t *ast.Term, in *Input, env map[ast.Var]*ast.Term) (*ast.Term, bool) {
	switch v := t.Value.(type) {
	case ast.Var:
		r, ok := env[v]
		return r, ok
	case ast.Ref:
		path := make([]string, 0, len(v)-1)
		for _, k := range v[1:] {
			path = append(path, string(k.Value.(ast.String)))
		}
		if x, ok := in.get(path); ok {
			switch x := x.(type) {
			case string:
				return ast.StringTerm(x), true
			case bool:
				return ast.BooleanTerm(x), true
			case int:
				return ast.IntNumberTerm(x), true
			}
		}
		if len(path) == 1 && (path[0] == "access" || path[0] == "module") {
			m := in.Map()[path[0]]
			if m != nil {
				v, err := ast.InterfaceToValue(m)
				if err == nil {
					return ast.NewTerm(v), true
				}
			}
		}
		return nil, false
	case *ast.Array:
		if t.IsGround() {
			return t, true
		}
		elems := make([]*ast.Term, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			e, ok := resolve(v.Elem(i), in, env)
			if !ok {
				return nil, false
			}
			elems = append(elems, e)
		}
		return ast.ArrayTerm(elems...), true
	}
	return t, true
}

func unify(a, b *ast.Term, in *Input, env map[ast.Var]*ast.Term) bool {
	if av, ok := a.Value.(ast.Var); ok {
		if _, bound := env[av]; !bound {
			bv, ok := resolve(b, in, env)
			if !ok {
				return false
			}
			env[av] = bv
			return true
		}
	}
	bv, ok := resolve(b, in, env)
	if !ok {
		if v, isVar := b.Value.(ast.Var); isVar {
			av, ok := resolve(a, in, env)
			if !ok {
				return false
			}
			env[v] = av
			return true
		}
		return false
	}
	return unifyTerm(a, bv, in, env)
}

func unifyTerm(a *ast.Term, val *ast.Term, in *Input, env map[ast.Var]*ast.Term) bool {
	if av, ok := a.Value.(ast.Var); ok {
		if cur, bound := env[av]; bound {
			return cur.Equal(val)
		}
		env[av] = val
		return true
	}
	cur, ok := resolve(a, in, env)
	return ok && cur.Equal(val)
}

// describePlan renders a plan for `wasibox check` and debugging.
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
