package guard

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
	"github.com/wasibox/wasibox/wasi/wasitest"
)

// TestConformance runs the wasitest suite against the guard over unix
// with manifests that deny nothing the suite does: everything that works
// unguarded must work guarded, with the same answers, and without a
// single denial. The path-rule variants (an fs.deny glob and a Rego path
// rule that never match) make the guard resolve every path, under both
// unix resolvers and with path_open's fast path off.
func TestConformance(t *testing.T) {
	variants := []struct {
		name     string
		deny     string
		rego     string
		resolver unix.Resolver
		noFast   bool
	}{
		{name: "manifest", resolver: unix.ResolveOpenat2},
		{name: "fs.deny/openat2", deny: "**/*.never", resolver: unix.ResolveOpenat2},
		{name: "fs.deny/walk", deny: "**/*.never", resolver: unix.ResolveWalk},
		{name: "fs.deny/no-fast-open", deny: "**/*.never", resolver: unix.ResolveOpenat2, noFast: true},
		{name: "rego", resolver: unix.ResolveOpenat2, rego: `package wasibox
deny contains "never" if { endswith(input.path, ".never") }
deny contains "never" if { input.op == "path_rename"; endswith(input.new_path, ".never") }
`},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			// One engine for the whole run: it is immutable and its
			// cache is safe for concurrent use.
			var once sync.Once
			var eng *policy.Engine
			wasitest.Run(t, func(t *testing.T, root string) wasi.System {
				src := "version: 1\nfs:\n  mounts: [{host: " + strconv.Quote(root) + ", guest: /, mode: rw}]\n"
				if v.deny != "" {
					src += "  deny: [" + strconv.Quote(v.deny) + "]\n"
				}
				m := parseManifest(t, root, src)
				if v.rego != "" {
					once.Do(func() { eng = compileEngine(t, m, v.rego) })
				}
				stdin, stdout, stderr := wasitest.Stdio(t)
				inner, err := unix.New(unix.Config{
					Args:     []string{"wasitest"},
					Environ:  []string{"WASITEST=1"},
					Preopens: preopens(m),
					Stdin:    int(stdin.Fd()),
					Stdout:   int(stdout.Fd()),
					Stderr:   int(stderr.Fd()),
					Resolver: v.resolver,
				})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { inner.Close(context.Background()) })
				var log bytes.Buffer
				g, err := New(context.Background(), inner, Config{Manifest: m, Engine: eng, Log: &log})
				if err != nil {
					t.Fatal(err)
				}
				if g.pathRules != (v.deny != "" || v.rego != "") {
					t.Fatalf("pathRules = %v", g.pathRules)
				}
				g.noFast = v.noFast
				t.Cleanup(func() {
					if log.Len() > 0 {
						t.Errorf("the guard denied something the suite does:\n%s", log.String())
					}
				})
				return g
			})
		})
	}
}
