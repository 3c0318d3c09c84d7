package guard

import (
	"path"
	"strings"

	"github.com/wasibox/wasibox/policy"
)

// denyGlob is an fs.deny pattern compiled for the hot path: the same
// language as policy.Glob (its Match is the reference, and
// TestDenyGlobMatchesPolicy checks the two agree), matched against a path
// split once per decision, with the common element shapes (a literal,
// `*`, `prefix*`, `*suffix`) compared directly instead of through
// path.Match, and no allocation. policy.Glob.Match splits the path for
// every pattern and costs about a microsecond for four patterns here,
// against the few hundred nanoseconds this takes.
type denyGlob struct {
	g     *policy.Glob // the manifest's pattern, for messages
	elems []globElem
	// need is a string every absolute path the pattern matches contains
	// (the longest one its elements require: "/name" for a literal or
	// prefix element, the suffix of a `*suffix` one): most paths are
	// ruled out by one strings.Contains, without splitting them.
	need string
}

type globElem struct {
	kind byte // '*': "**" (zero or more elements); 'a': any one element; 'l': literal; 'p': prefix*; 's': *suffix; 'm': path.Match
	s    string
}

func compileDenyGlob(g *policy.Glob) denyGlob {
	p := g.Raw
	if !strings.HasPrefix(p, "/") {
		p = "/**/" + p // as policy.CompileGlob: a relative pattern matches at any depth
	}
	d := denyGlob{g: g}
	for _, e := range strings.Split(strings.Trim(p, "/"), "/") {
		el := compileElem(e)
		d.elems = append(d.elems, el)
		var need string
		switch el.kind {
		case 'l', 'p':
			need = "/" + el.s
		case 's':
			need = el.s
		}
		if len(need) > len(d.need) {
			d.need = need
		}
	}
	return d
}

// mayMatch reports whether the absolute path p can match (false only if
// it cannot).
func (d *denyGlob) mayMatch(p string) bool {
	return strings.Contains(p, d.need)
}

func compileElem(e string) globElem {
	const meta = `*?[\`
	switch {
	case e == "**":
		return globElem{kind: '*'}
	case e == "*":
		return globElem{kind: 'a'}
	case !strings.ContainsAny(e, meta):
		return globElem{kind: 'l', s: e}
	case strings.HasSuffix(e, "*") && !strings.ContainsAny(e[:len(e)-1], meta):
		return globElem{kind: 'p', s: e[:len(e)-1]}
	case strings.HasPrefix(e, "*") && !strings.ContainsAny(e[1:], meta):
		return globElem{kind: 's', s: e[1:]}
	}
	return globElem{kind: 'm', s: e}
}

func (e *globElem) match(part string) bool {
	switch e.kind {
	case 'a':
		return true
	case 'l':
		return part == e.s
	case 'p':
		return strings.HasPrefix(part, e.s)
	case 's':
		return strings.HasSuffix(part, e.s)
	}
	ok, _ := path.Match(e.s, part)
	return ok
}

// splitPath splits a guest path into its elements as policy.Glob.Match
// does (strings.Split of the path without its outer slashes), appending
// to parts, whose backing array the caller reuses: no allocation once it
// has grown.
func splitPath(parts []string, p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return parts
	}
	for {
		i := strings.IndexByte(p, '/')
		if i < 0 {
			return append(parts, p)
		}
		parts = append(parts, p[:i])
		p = p[i+1:]
	}
}

// matchParts reports whether the split path matches.
func (d *denyGlob) matchParts(parts []string) bool {
	return matchElems(d.elems, parts)
}

// matchElems is the classic wildcard match over elements: `**` matches
// any run of elements, every other element exactly one. On a mismatch it
// retries only from the last `**` seen, one element further: earlier
// `**`s never need to take more, since whatever follows the last one can
// take it instead. That keeps a decision O(pattern × path) whatever the
// guest's path; retrying every split of every `**` recursively (as
// policy.Glob.Match does) is O(path^(k+1)) for k `**`s: minutes for one
// decision on a 1,000-element path.
func matchElems(pat []globElem, parts []string) bool {
	pi, si := 0, 0
	star, next := -1, 0 // the last ** seen, and where its retry starts
	for si < len(parts) {
		switch {
		case pi < len(pat) && pat[pi].kind == '*':
			star, next = pi, si
			pi++
		case pi < len(pat) && pat[pi].match(parts[si]):
			pi++
			si++
		case star >= 0:
			next++
			pi, si = star+1, next
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi].kind == '*' {
		pi++
	}
	return pi == len(pat)
}
