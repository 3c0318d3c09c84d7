package policy

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestTimeout bounds each policy test, as `opa test --timeout`.
const TestTimeout = 10 * time.Second

// TestFailure is one Rego test that failed or errored.
type TestFailure struct {
	Name     string // e.g. "wasibox.test_denies_pem"
	File     string
	Pos      Pos
	Err      error  // evaluation error, or nil for a plain failure
	FailedAt string // the expression that failed, if known
	FailLine int
}

// TestSummary counts the results of RunTests.
type TestSummary struct {
	Passed, Failed, Skipped int
	Failures                []TestFailure // in file order
}

// RunTests runs the test_ rules of files (Rego v1 source by file name)
// with OPA's test runner, the one `opa test` uses, but compiled under
// wasibox's restricted capabilities and with data as the data document.
func RunTests(ctx context.Context, files map[string]string, data map[string]any) (*TestSummary, error) {
	mods := make(map[string]*ast.Module, len(files))
	for name, src := range files {
		mod, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			return nil, regoErrors(err, name)
		}
		mods[name] = mod
	}
	store := inmem.NewFromObject(data)
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, err
	}
	defer store.Abort(ctx, txn)
	compiler := ast.NewCompiler().WithCapabilities(Capabilities()).WithDefaultRegoVersion(ast.RegoV1)
	runner := tester.NewRunner().
		SetCompiler(compiler).
		SetStore(store).
		SetModules(mods).
		SetDefaultRegoVersion(ast.RegoV1).
		SetTimeout(TestTimeout).
		RaiseBuiltinErrors(true)
	ch, err := runner.RunTests(ctx, txn)
	if err != nil {
		var es ast.Errors
		if errors.As(err, &es) {
			return nil, regoErrors(err, "")
		}
		return nil, err
	}
	var results []*tester.Result
	for r := range ch {
		results = append(results, r)
	}
	// Results arrive in any order; report them in file order.
	sort.Slice(results, func(i, j int) bool {
		a, b := results[i].Location, results[j].Location
		if a == nil || b == nil {
			return a != nil
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Row < b.Row
	})
	sum := &TestSummary{}
	for _, r := range results {
		switch {
		case r.Skip:
			sum.Skipped++
		case r.Pass():
			sum.Passed++
		default:
			sum.Failed++
			f := TestFailure{Name: r.Package + "." + r.Name, Err: r.Error}
			if r.Location != nil {
				f.File, f.Pos = r.Location.File, Pos{r.Location.Row, r.Location.Col}
			}
			if r.FailedAt != nil && r.FailedAt.Location != nil {
				f.FailLine, f.FailedAt = r.FailedAt.Location.Row, string(r.FailedAt.Location.Text)
			}
			sum.Failures = append(sum.Failures, f)
		}
	}
	return sum, nil
}
