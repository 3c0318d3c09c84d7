package policy

import (
	"fmt"
	"path"
	"strings"
)

// Glob is a compiled fs.deny pattern over guest paths: `*` and `?` and
// character classes match within one path element (as path.Match), `**`
// as a whole element matches zero or more elements. A pattern without a
// leading `/` matches at any depth (as if prefixed with `**/`).
type Glob struct {
	Raw   string
	elems []string
	Pos   Pos
}

// CompileGlob parses an fs.deny pattern.
func CompileGlob(pattern string) (Glob, error) {
	g := Glob{Raw: pattern}
	if pattern == "" {
		return g, fmt.Errorf("empty pattern")
	}
	p := pattern
	if !strings.HasPrefix(p, "/") {
		p = "/**/" + p
	}
	for _, e := range strings.Split(strings.Trim(p, "/"), "/") {
		if e == "" || e == "." || e == ".." {
			return g, fmt.Errorf("pattern %q: empty, . or .. element", pattern)
		}
		if e != "**" {
			if strings.Contains(e, "**") {
				return g, fmt.Errorf("pattern %q: ** must be a whole path element", pattern)
			}
			if _, err := path.Match(e, ""); err != nil {
				return g, fmt.Errorf("pattern %q: %v", pattern, err)
			}
		}
		g.elems = append(g.elems, e)
	}
	return g, nil
}

// Match reports whether the clean absolute guest path p matches.
func (g *Glob) Match(p string) bool {
	p = strings.Trim(p, "/")
	var parts []string
	if p != "" {
		parts = strings.Split(p, "/")
	}
	return matchElems(g.elems, parts)
}

func matchElems(pat, parts []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			// Collapse consecutive ** and try every split.
			for len(pat) > 0 && pat[0] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 0 {
				return true
			}
			for i := 0; i <= len(parts); i++ {
				if matchElems(pat, parts[i:]) {
					return true
				}
			}
			return false
		}
		if len(parts) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], parts[0]); !ok {
			return false
		}
		pat, parts = pat[1:], parts[1:]
	}
	return len(parts) == 0
}

// RenameSafe reports whether renaming the directory dir (to any name) can
// never change whether a path beneath it matches: true when no path under
// dir can match, or when the pattern only looks at a path's last element
// (`**/x`, e.g. "**/*.pem"), which a rename of an ancestor does not change.
// The guard refuses directory renames that are not safe for every fs.deny
// glob, since they could move denied files to names no glob matches (or
// allowed files under a denied name).
func (g *Glob) RenameSafe(dir string) bool {
	rest := g.elems
	for len(rest) > 0 && rest[0] == "**" {
		rest = rest[1:]
	}
	if len(rest) == 1 && len(rest) < len(g.elems) {
		return true // `**/x`: only the last element counts
	}
	dir = strings.Trim(dir, "/")
	var parts []string
	if dir != "" {
		parts = strings.Split(dir, "/")
	}
	return !mayMatchUnder(g.elems, parts)
}

// mayMatchUnder reports whether some path strictly beneath the path parts
// could match pat.
func mayMatchUnder(pat, parts []string) bool {
	for {
		if len(parts) == 0 {
			return len(pat) > 0
		}
		if len(pat) == 0 {
			return false
		}
		if pat[0] == "**" {
			return true
		}
		if ok, _ := path.Match(pat[0], parts[0]); !ok {
			return false
		}
		pat, parts = pat[1:], parts[1:]
	}
}
