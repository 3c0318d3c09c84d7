package guard

import (
	"strings"
	"testing"

	"github.com/wasibox/wasibox/policy"
)

var globPatterns = []string{
	"**/*.pem", "/data/private/**", "**/.ssh/**", "**/id_*", "*.txt", "/data/*", "/data/*/x", "/a/**/b", "**",
	"/**", "/data/**/*.key", "a?c", "/data/[a-c]*", "/data/[!a]x", `/data/\*`, "/data/*.tar.*", "/x/**/**/y", "k*",
	"*k", "/data/é*", "/data/*é", "/data/?", "/data/pre*fix",
}

var globPaths = []string{
	"/", "/data", "/data/private", "/data/private/k", "/data/x/.ssh/id_rsa", "/data/k.pem", "/data/d/f.txt", "/f.txt",
	"/a/b", "/a/x/y/b", "/a/b/c", "/data/abc", "/data/bx", "/data/ax", "/data/*", "/data/x.tar.gz", "/x/y", "/x/1/2/y",
	"/data/é", "/data/éé", "/data/aé", "/data/k", "/k", "/data/prefix", "/data/pre-and-fix", "/data/x/key.key",
	"/data/\xff.pem", "/data/a//b", "a/b", "/data/", "/abc",
}

// The guard's compiled fs.deny patterns match exactly what policy.Glob
// matches.
func TestDenyGlobMatchesPolicy(t *testing.T) {
	for _, pat := range globPatterns {
		checkGlob(t, pat, globPaths...)
	}
}

func checkGlob(t *testing.T, pat string, paths ...string) {
	t.Helper()
	g, err := policy.CompileGlob(pat)
	if err != nil {
		return
	}
	d := compileDenyGlob(&g)
	var parts []string
	for _, p := range paths {
		parts = splitPath(parts[:0], p)
		want := g.Match(p)
		if got := d.matchParts(parts); got != want {
			t.Errorf("pattern %q, path %q: guard %v, policy %v", pat, p, got, want)
		}
		if want && strings.HasPrefix(p, "/") && !d.mayMatch(p) {
			t.Errorf("pattern %q (needs %q) ruled out %q, which it matches", pat, d.need, p)
		}
	}
}

func FuzzDenyGlob(f *testing.F) {
	for i, pat := range globPatterns {
		f.Add(pat, globPaths[i%len(globPaths)])
	}
	f.Fuzz(func(t *testing.T, pat, p string) {
		if len(pat) > 64 || len(p) > 256 || strings.Count(pat, "**") > 4 {
			return // the reference matcher is exponential in **
		}
		checkGlob(t, pat, p)
	})
}

func TestDenyGlobNoAllocs(t *testing.T) {
	h := newHarness(t, setup{tree: pathTree, manifest: pathManifest})
	n := testing.AllocsPerRun(100, func() {
		h.sys.denied("/data/sub/dir/file.txt")
	})
	if n != 0 {
		t.Errorf("%v allocations per fs.deny check", n)
	}
}

func TestJoin(t *testing.T) {
	tests := []struct {
		base, rel, want string
		lexical         bool
	}{
		{"/data", "a/b.txt", "/data/a/b.txt", true},
		{"/", "a", "/a", true},
		{"/data", ".", "/data", true},
		{"/data", "a/../b", "/data/b", true},
		{"/data", "a//b/", "/data/a/b", true},
		{"/data", "..", "", false},
		// Back inside lexically: a name to decide; the kernel refuses the
		// climb above the descriptor anyway.
		{"/data", "../data/x", "/data/x", true},
		{"/data", "a/../../x", "", false},
		{"/data", "/abs", "", false},
		{"/data", "", "", false},
		{"/", "..", "/", true},
		{"/data", ".hidden/..x", "/data/.hidden/..x", true},
	}
	for _, tt := range tests {
		got, lexical := join(tt.base, tt.rel)
		if lexical != tt.lexical || (lexical && got != tt.want) {
			t.Errorf("join(%q, %q) = %q, %v; want %q, %v", tt.base, tt.rel, got, lexical, tt.want, tt.lexical)
		}
	}
}

// A guest path cannot make an fs.deny decision slow: the matcher is
// linear in the path for each pattern (this took minutes with a matcher
// that retries every split of every **).
func TestDenyGlobLinear(t *testing.T) {
	g, err := policy.CompileGlob("/out/**/a/**/a/**/a/**/b")
	if err != nil {
		t.Fatal(err)
	}
	d := compileDenyGlob(&g)
	long := "/out/" + strings.TrimSuffix(strings.Repeat("a/", 2000), "/")
	parts := splitPath(nil, long)
	if d.matchParts(parts) {
		t.Errorf("matched %d elements of a without a final b", len(parts))
	}
	if !d.matchParts(append(parts, "b")) {
		t.Error("no match with the final b")
	}
	// (checkGlob compares with the recursive reference on shorter paths.)
	checkGlob(t, "/out/**/a/**/a/**/a/**/b", "/out/a/a/a/b", "/out/a/x/a/y/a/b", "/out/a/a/b", "/out/x/a/a/a/b/b")
}
