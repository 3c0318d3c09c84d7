// Package policy holds the wasibox manifest (v1) and the Rego policies
// that narrow it: parsing with exact error locations, validation, a
// compiled immutable form for fast native checks, and OPA evaluation.
//
// Trust boundary: the manifest and policies are trusted once reviewed, but
// are parsed defensively (they are written by people, and `wasibox check`
// runs on unreviewed ones). Decision inputs come from the guest and are
// untrusted: nothing in them can widen what the manifest grants.
//
// Usage:
//
//	m, err := policy.Load("manifest.yaml")
//	if err != nil { ... } // a policy.Errors with file:line:col per problem
package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/wasibox/wasibox/wasi"
	"gopkg.in/yaml.v3"
)

// Mode is a mount's access mode.
type Mode string

// Mount modes.
const (
	ReadOnly  Mode = "ro"
	ReadWrite Mode = "rw"
)

// Mount maps a host folder into the guest.
type Mount struct {
	Host  string // absolute, cleaned host path
	Guest string // absolute, cleaned guest path
	Mode  Mode
	Pos   Pos
}

// ClockMode says what the guest's clock reads: the host's, none (the
// clock is not available: EINVAL/ENOTSUP to the guest... see guard), or a
// fixed time (realtime only).
type ClockMode struct {
	Kind  string    // "host", "none" or "fixed"
	Fixed time.Time // when Kind == "fixed"
}

// Random says where random_get's bytes come from.
type Random struct {
	Kind string // "host", "none" or "seed"
	Seed uint64 // when Kind == "seed"
}

// Stdio says what a guest standard stream is connected to.
type Stdio struct {
	Kind string // "inherit", "null" or "file"
	Path string // host path when Kind == "file"
}

// Limits are the manifest's resource limits; zero means "no limit given".
type Limits struct {
	Memory     uint64        // guest linear memory (memory.grow fails past it)
	Timeout    time.Duration // wall clock (exit 124)
	OpenFiles  int           // descriptors, sockets included (EMFILE)
	Stdout     uint64        // bytes written to stdout (EFBIG past it)
	Stderr     uint64        // bytes written to stderr (EFBIG past it)
	Write      uint64        // bytes written into rw mounts (EDQUOT past it)
	ModuleSize uint64        // module file size (refused before compiling)
}

// Manifest is a parsed and validated manifest (version 1). See
// ../shared/docs/design.md for the format. A Manifest is not modified
// after Load returns.
type Manifest struct {
	File string // the manifest's path as given
	Dir  string // absolute folder of the manifest; host paths are relative to it

	Version      int
	ModuleSHA256 string   // lower-case hex, "" if not pinned
	Args         []string // argv after argv[0]
	ArgsSet      bool     // args was given: command-line arguments are refused

	EnvSet     map[string]string
	EnvInherit []string // names or NAME_* prefixes

	Mounts []Mount
	Deny   []Glob

	Connect []NetRule
	Listen  []NetRule
	// Preopen are listening TCP sockets the host opens before the guest
	// starts and passes to it as descriptors (after the mounts' folders,
	// in this order), served with preview 1's sock_accept. Each names one
	// address and port (ParsePreopen). They grant nothing else: a guest
	// that binds sockets itself still needs net.listen.
	Preopen []NetRule
	Lookup  []string // name patterns (lower case)

	Realtime, Monotonic ClockMode
	Resolution          time.Duration

	Random Random
	Stdin  Stdio
	Stdout Stdio
	Stderr Stdio
	Limits Limits

	PolicyModules []string // absolute paths (globs expanded)
	PolicyData    string   // absolute path or ""
	PolicyTests   []string // absolute paths (globs expanded)

	OnDenyErrno wasi.Errno

	// AuditLog is the host file (absolute) that every sensitive decision
	// is appended to as a JSON line (audit.log), or "".
	AuditLog string

	// Positions of sections, for tools that point at them (check, learn).
	Positions map[string]Pos
}

// PreopenFD returns the guest descriptor of the preopened socket
// m.Preopen[i]: after stdio (0-2) and one descriptor per mount, in order,
// which is the order unix.Config gives them (Preopens, then Listeners).
func (m *Manifest) PreopenFD(i int) wasi.FD {
	return wasi.FD(3 + len(m.Mounts) + i)
}

// Load reads and parses a manifest file.
func Load(file string) (*Manifest, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, Errors{{Code: CodeIO, Message: err.Error(), File: file}}
	}
	return Parse(data, file)
}

// Parse parses manifest bytes. file names the manifest in errors and
// anchors relative host paths at its folder.
func Parse(data []byte, file string) (*Manifest, error) {
	dir, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return nil, Errors{{Code: CodeIO, Message: err.Error(), File: file}}
	}
	p := &parser{file: file, m: &Manifest{
		File: file, Dir: dir,
		Realtime:    ClockMode{Kind: "host"},
		Monotonic:   ClockMode{Kind: "host"},
		Random:      Random{Kind: "host"},
		Stdin:       Stdio{Kind: "inherit"},
		Stdout:      Stdio{Kind: "inherit"},
		Stderr:      Stdio{Kind: "inherit"},
		OnDenyErrno: wasi.EACCES,
		Positions:   map[string]Pos{},
	}}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.errAt(nil, CodeRequired, "the manifest is empty; it needs at least `version: 1`")
			return nil, p.errs
		}
		p.errs = append(p.errs, yamlError(file, err))
		return nil, p.errs
	}
	var extra yaml.Node
	if dec.Decode(&extra) == nil {
		p.errAt(&extra, CodeYAML, "a manifest is one YAML document; found a second one")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	p.top(root)
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return p.m, nil
}

var yamlLineRe = regexp.MustCompile(`line (\d+)`)

func yamlError(file string, err error) *Error {
	e := &Error{Code: CodeYAML, File: file, Message: strings.TrimPrefix(err.Error(), "yaml: ")}
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		fmt.Sscan(m[1], &e.Line)
		e.Col = 1
	}
	return e
}

type parser struct {
	file string
	m    *Manifest
	errs Errors
}

func (p *parser) errAt(n *yaml.Node, code, format string, args ...any) {
	e := &Error{Code: code, File: p.file, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
}

func pos(n *yaml.Node) Pos { return Pos{n.Line, n.Column} }

// mapping walks a mapping node: each known key's handler is called with the
// value; unknown and duplicate keys are errors.
func (p *parser) mapping(n *yaml.Node, what string, handlers map[string]func(*yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.errAt(n, CodeType, "%s must be a mapping, not %s", what, kindName(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errAt(k, CodeType, "keys of %s must be strings", what)
			continue
		}
		if seen[k.Value] {
			p.errAt(k, CodeDuplicate, "%s: key %q is given twice", what, k.Value)
			continue
		}
		seen[k.Value] = true
		h, ok := handlers[k.Value]
		if !ok {
			p.errAt(k, CodeUnknownKey, "%s: unknown key %q (known: %s)", what, k.Value, keyList(handlers))
			continue
		}
		h(v)
	}
}

func keyList(h map[string]func(*yaml.Node)) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return strings.Join(keys, ", ")
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return "a scalar (" + strings.TrimPrefix(n.Tag, "!!") + ")"
	}
	return "nothing"
}

// str returns a scalar string value.
func (p *parser) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errAt(n, CodeType, "%s must be a string, not %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

func (p *parser) strList(n *yaml.Node, what string) ([]string, []*yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.errAt(n, CodeType, "%s must be a list, not %s", what, kindName(n))
		return nil, nil
	}
	var out []string
	var nodes []*yaml.Node
	for _, c := range n.Content {
		if s, ok := p.str(c, what+" entries"); ok {
			out = append(out, s)
			nodes = append(nodes, c)
		}
	}
	return out, nodes
}

func (p *parser) top(root *yaml.Node) {
	m := p.m
	versionSeen := false
	p.mapping(root, "the manifest", map[string]func(*yaml.Node){
		"version": func(n *yaml.Node) {
			versionSeen = true
			if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || n.Value != "1" {
				p.errAt(n, CodeVersion, "version must be 1, not %q", n.Value)
				return
			}
			m.Version = 1
		},
		"module": func(n *yaml.Node) {
			m.Positions["module"] = pos(n)
			p.mapping(n, "module", map[string]func(*yaml.Node){
				"sha256": func(v *yaml.Node) {
					s, ok := p.str(v, "module.sha256")
					if !ok {
						return
					}
					s = strings.ToLower(s)
					if len(s) != 64 || strings.Trim(s, "0123456789abcdef") != "" {
						p.errAt(v, CodeValue, "module.sha256 must be 64 hex digits")
						return
					}
					m.ModuleSHA256 = s
				},
			})
		},
		"args": func(n *yaml.Node) {
			m.Positions["args"] = pos(n)
			m.Args, _ = p.strList(n, "args")
			m.ArgsSet = true
		},
		"env":    p.env,
		"fs":     p.fs,
		"net":    p.net,
		"clock":  p.clock,
		"random": p.random,
		"stdio":  p.stdio,
		"limits": p.limits,
		"policy": p.policy,
		"audit":  p.audit,
		"on_deny": func(n *yaml.Node) {
			p.mapping(n, "on_deny", map[string]func(*yaml.Node){
				"errno": func(v *yaml.Node) {
					s, ok := p.str(v, "on_deny.errno")
					if !ok {
						return
					}
					e, found := wasi.ErrnoByName(s)
					if !found || e == wasi.ESUCCESS {
						p.errAt(v, CodeValue, "on_deny.errno %q is not a WASI errno name (e.g. EACCES, EPERM, ENOTCAPABLE)", s)
						return
					}
					m.OnDenyErrno = e
				},
			})
		},
	})
	if root.Kind == yaml.MappingNode && !versionSeen {
		p.errAt(root, CodeRequired, "version is required (version: 1)")
	}
}

var envNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
var envInheritRe = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*\*?|\*)$`)

func (p *parser) env(n *yaml.Node) {
	m := p.m
	m.Positions["env"] = pos(n)
	p.mapping(n, "env", map[string]func(*yaml.Node){
		"set": func(v *yaml.Node) {
			if v.Kind != yaml.MappingNode {
				p.errAt(v, CodeType, "env.set must be a mapping of NAME: value, not %s", kindName(v))
				return
			}
			m.EnvSet = map[string]string{}
			for i := 0; i+1 < len(v.Content); i += 2 {
				k, val := v.Content[i], v.Content[i+1]
				if !envNameRe.MatchString(k.Value) {
					p.errAt(k, CodeValue, "env.set: %q is not a valid variable name", k.Value)
					continue
				}
				if _, dup := m.EnvSet[k.Value]; dup {
					p.errAt(k, CodeDuplicate, "env.set: %q is given twice", k.Value)
					continue
				}
				s, ok := p.str(val, "env.set."+k.Value)
				if !ok {
					continue
				}
				if strings.IndexByte(s, 0) >= 0 {
					p.errAt(val, CodeValue, "env.set.%s contains a NUL byte", k.Value)
					continue
				}
				m.EnvSet[k.Value] = s
			}
		},
		"inherit": func(v *yaml.Node) {
			names, nodes := p.strList(v, "env.inherit")
			for i, s := range names {
				if !envInheritRe.MatchString(s) {
					p.errAt(nodes[i], CodeValue, "env.inherit: %q is not a variable name or NAME_* prefix", s)
					continue
				}
				m.EnvInherit = append(m.EnvInherit, s)
			}
		},
	})
}

func (p *parser) fs(n *yaml.Node) {
	m := p.m
	m.Positions["fs"] = pos(n)
	p.mapping(n, "fs", map[string]func(*yaml.Node){
		"mounts": func(v *yaml.Node) {
			if v.Kind != yaml.SequenceNode {
				p.errAt(v, CodeType, "fs.mounts must be a list, not %s", kindName(v))
				return
			}
			for _, e := range v.Content {
				p.mount(e)
			}
		},
		"deny": func(v *yaml.Node) {
			pats, nodes := p.strList(v, "fs.deny")
			for i, s := range pats {
				g, err := CompileGlob(s)
				if err != nil {
					p.errAt(nodes[i], CodeGlob, "fs.deny: %v", err)
					continue
				}
				g.Pos = pos(nodes[i])
				m.Deny = append(m.Deny, g)
			}
		},
	})
}

func (p *parser) mount(n *yaml.Node) {
	mt := Mount{Mode: ReadOnly, Pos: pos(n)}
	var hostSet, guestSet bool     // valid values
	var hostGiven, guestGiven bool // keys present (an invalid value is reported once)
	p.mapping(n, "fs.mounts entry", map[string]func(*yaml.Node){
		"host": func(v *yaml.Node) {
			hostGiven = true
			s, ok := p.str(v, "host")
			if !ok {
				return
			}
			if s == "" || strings.IndexByte(s, 0) >= 0 {
				p.errAt(v, CodePath, "host path is empty or contains NUL")
				return
			}
			if !filepath.IsAbs(s) {
				s = filepath.Join(p.m.Dir, s)
			}
			mt.Host = filepath.Clean(s)
			hostSet = true
		},
		"guest": func(v *yaml.Node) {
			guestGiven = true
			s, ok := p.str(v, "guest")
			if !ok {
				return
			}
			if !strings.HasPrefix(s, "/") || strings.IndexByte(s, 0) >= 0 {
				p.errAt(v, CodePath, "guest path %q must be absolute (start with /)", s)
				return
			}
			for _, el := range strings.Split(s, "/") {
				if el == ".." {
					p.errAt(v, CodePath, "guest path %q must not contain ..", s)
					return
				}
			}
			mt.Guest = cleanGuest(s)
			guestSet = true
		},
		"mode": func(v *yaml.Node) {
			s, ok := p.str(v, "mode")
			if !ok {
				return
			}
			switch Mode(s) {
			case ReadOnly, ReadWrite:
				mt.Mode = Mode(s)
			default:
				p.errAt(v, CodeValue, "mode must be ro or rw, not %q", s)
			}
		},
	})
	if n.Kind != yaml.MappingNode {
		return
	}
	if !hostGiven {
		p.errAt(n, CodeRequired, "fs.mounts entry needs host")
	}
	if !guestGiven {
		p.errAt(n, CodeRequired, "fs.mounts entry needs guest")
	}
	if hostSet && guestSet {
		for _, o := range p.m.Mounts {
			if o.Guest == mt.Guest {
				p.errAt(n, CodeShadow, "guest path %s is already mounted at line %d", mt.Guest, o.Pos.Line)
				return
			}
		}
		p.m.Mounts = append(p.m.Mounts, mt)
	}
}

// cleanGuest cleans an absolute guest path without ever going above /.
func cleanGuest(s string) string {
	return filepath.ToSlash(filepath.Clean("/" + s))
}

func (p *parser) net(n *yaml.Node) {
	m := p.m
	m.Positions["net"] = pos(n)
	rules := func(what string, dst *[]NetRule) func(*yaml.Node) {
		return func(v *yaml.Node) {
			entries, nodes := p.strList(v, what)
			for i, s := range entries {
				r, err := ParseNetRule(s)
				if err != nil {
					p.errAt(nodes[i], CodeNetEntry, "%s: %v", what, err)
					continue
				}
				r.Pos = pos(nodes[i])
				*dst = append(*dst, r)
			}
		}
	}
	p.mapping(n, "net", map[string]func(*yaml.Node){
		"connect": rules("net.connect", &m.Connect),
		"listen":  rules("net.listen", &m.Listen),
		"preopen": func(v *yaml.Node) {
			entries, nodes := p.strList(v, "net.preopen")
			for i, s := range entries {
				r, err := ParsePreopen(s)
				if err != nil {
					p.errAt(nodes[i], CodeNetEntry, "net.preopen: %v", err)
					continue
				}
				r.Pos = pos(nodes[i])
				m.Preopen = append(m.Preopen, r)
			}
		},
		"lookup": func(v *yaml.Node) {
			names, nodes := p.strList(v, "net.lookup")
			for i, s := range names {
				if err := checkDNSPattern(s); err != nil {
					p.errAt(nodes[i], CodeName, "net.lookup: %v", err)
					continue
				}
				m.Lookup = append(m.Lookup, strings.ToLower(strings.TrimSuffix(s, ".")))
			}
		},
	})
}

func (p *parser) clockMode(v *yaml.Node, what string, allowFixed bool) (ClockMode, bool) {
	s, ok := p.str(v, what)
	if !ok {
		return ClockMode{}, false
	}
	switch s {
	case "host", "none":
		return ClockMode{Kind: s}, true
	}
	if allowFixed {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return ClockMode{Kind: "fixed", Fixed: t}, true
		}
		p.errAt(v, CodeValue, "%s must be host, none, or an RFC 3339 time such as 2024-01-01T00:00:00Z, not %q", what, s)
		return ClockMode{}, false
	}
	p.errAt(v, CodeValue, "%s must be host or none, not %q", what, s)
	return ClockMode{}, false
}

func (p *parser) clock(n *yaml.Node) {
	m := p.m
	m.Positions["clock"] = pos(n)
	p.mapping(n, "clock", map[string]func(*yaml.Node){
		"realtime": func(v *yaml.Node) {
			if c, ok := p.clockMode(v, "clock.realtime", true); ok {
				m.Realtime = c
			}
		},
		"monotonic": func(v *yaml.Node) {
			if c, ok := p.clockMode(v, "clock.monotonic", false); ok {
				m.Monotonic = c
			}
		},
		"resolution": func(v *yaml.Node) {
			if d, ok := p.duration(v, "clock.resolution"); ok {
				m.Resolution = d
			}
		},
	})
}

func (p *parser) duration(v *yaml.Node, what string) (time.Duration, bool) {
	s, ok := p.str(v, what)
	if !ok {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		p.errAt(v, CodeValue, "%s must be a positive duration such as 30s or 1ms, not %q", what, s)
		return 0, false
	}
	return d, true
}

func (p *parser) random(n *yaml.Node) {
	m := p.m
	m.Positions["random"] = pos(n)
	s, ok := p.str(n, "random")
	if !ok {
		return
	}
	switch {
	case s == "host" || s == "none":
		m.Random = Random{Kind: s}
	case strings.HasPrefix(s, "seed:"):
		var seed uint64
		if _, err := fmt.Sscanf(s[5:], "%d", &seed); err != nil || fmt.Sprint(seed) != s[5:] {
			p.errAt(n, CodeValue, "random seed must be a non-negative integer, e.g. seed:42, not %q", s)
			return
		}
		m.Random = Random{Kind: "seed", Seed: seed}
	default:
		p.errAt(n, CodeValue, "random must be host, none or seed:N, not %q", s)
	}
}

func (p *parser) stdio(n *yaml.Node) {
	m := p.m
	m.Positions["stdio"] = pos(n)
	one := func(what string, dst *Stdio) func(*yaml.Node) {
		return func(v *yaml.Node) {
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "null" {
				*dst = Stdio{Kind: "null"} // an unquoted null means /dev/null too
				return
			}
			s, ok := p.str(v, what)
			if !ok {
				return
			}
			switch s {
			case "inherit", "null":
				*dst = Stdio{Kind: s}
			case "":
				p.errAt(v, CodeValue, "%s must be inherit, null or a file path", what)
			default:
				if !filepath.IsAbs(s) {
					s = filepath.Join(m.Dir, s)
				}
				*dst = Stdio{Kind: "file", Path: filepath.Clean(s)}
			}
		}
	}
	p.mapping(n, "stdio", map[string]func(*yaml.Node){
		"stdin":  one("stdio.stdin", &m.Stdin),
		"stdout": one("stdio.stdout", &m.Stdout),
		"stderr": one("stdio.stderr", &m.Stderr),
	})
}

// audit parses audit: {log: FILE}; the file is relative to the manifest's
// folder, as stdio files are.
func (p *parser) audit(n *yaml.Node) {
	m := p.m
	m.Positions["audit"] = pos(n)
	p.mapping(n, "audit", map[string]func(*yaml.Node){
		"log": func(v *yaml.Node) {
			s, ok := p.str(v, "audit.log")
			if !ok {
				return
			}
			if s == "" {
				p.errAt(v, CodeValue, "audit.log must be a file path")
				return
			}
			if !filepath.IsAbs(s) {
				s = filepath.Join(m.Dir, s)
			}
			m.AuditLog = filepath.Clean(s)
		},
	})
}

func (p *parser) limits(n *yaml.Node) {
	m := p.m
	m.Positions["limits"] = pos(n)
	size := func(what string, dst *uint64) func(*yaml.Node) {
		return func(v *yaml.Node) {
			s, ok := p.str(v, what)
			if !ok {
				return
			}
			b, err := ParseSize(s)
			if err != nil || b == 0 {
				p.errAt(v, CodeValue, "%s: bad size %q (want e.g. 256MiB)", what, s)
				return
			}
			*dst = b
		}
	}
	p.mapping(n, "limits", map[string]func(*yaml.Node){
		"memory":      size("limits.memory", &m.Limits.Memory),
		"stdout":      size("limits.stdout", &m.Limits.Stdout),
		"stderr":      size("limits.stderr", &m.Limits.Stderr),
		"write":       size("limits.write", &m.Limits.Write),
		"module_size": size("limits.module_size", &m.Limits.ModuleSize),
		"timeout": func(v *yaml.Node) {
			if d, ok := p.duration(v, "limits.timeout"); ok {
				m.Limits.Timeout = d
			}
		},
		"open_files": func(v *yaml.Node) {
			var k int
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" {
				p.errAt(v, CodeType, "limits.open_files must be an integer")
				return
			}
			if _, err := fmt.Sscan(v.Value, &k); err != nil || k < 4 || k > 65536 {
				p.errAt(v, CodeValue, "limits.open_files must be between 4 and 65536, not %s", v.Value)
				return
			}
			m.Limits.OpenFiles = k
		},
	})
	if m.Limits.Memory != 0 && m.Limits.Memory < 64<<10 {
		p.errAt(n, CodeValue, "limits.memory must be at least one wasm page (64KiB)")
	}
}

func (p *parser) policy(n *yaml.Node) {
	m := p.m
	m.Positions["policy"] = pos(n)
	files := func(what string, dst *[]string) func(*yaml.Node) {
		return func(v *yaml.Node) {
			pats, nodes := p.strList(v, what)
			for i, s := range pats {
				if !filepath.IsAbs(s) {
					s = filepath.Join(m.Dir, s)
				}
				matches, err := filepath.Glob(s)
				if err != nil {
					p.errAt(nodes[i], CodeGlob, "%s: %v", what, err)
					continue
				}
				if len(matches) == 0 {
					p.errAt(nodes[i], CodeHostPath, "%s: %q matches no file", what, pats[i])
					continue
				}
				*dst = append(*dst, matches...)
			}
		}
	}
	var tests []string
	p.mapping(n, "policy", map[string]func(*yaml.Node){
		"modules": files("policy.modules", &m.PolicyModules),
		"tests":   files("policy.tests", &tests),
		"data": func(v *yaml.Node) {
			s, ok := p.str(v, "policy.data")
			if !ok {
				return
			}
			if !filepath.IsAbs(s) {
				s = filepath.Join(m.Dir, s)
			}
			m.PolicyData = filepath.Clean(s)
		},
	})
	// A glob like rules/*.rego also matches the tests; keep tests out of
	// the modules that decide.
	isTest := map[string]bool{}
	for _, t := range tests {
		isTest[t] = true
	}
	mods := m.PolicyModules[:0]
	for _, f := range m.PolicyModules {
		if !isTest[f] && !strings.HasSuffix(f, "_test.rego") {
			mods = append(mods, f)
		}
	}
	m.PolicyModules = mods
	m.PolicyTests = tests
}

// Environ returns the guest's environment: env.set, then every host
// variable (from host, "KEY=value" strings) that env.inherit names or
// matches by prefix (NAME_*), or all of them for "*". A variable set
// explicitly wins over an inherited one. The order is stable.
func (m *Manifest) Environ(host []string) []string {
	var out []string
	seen := map[string]bool{}
	keys := make([]string, 0, len(m.EnvSet))
	for k := range m.EnvSet {
		keys = append(keys, k)
	}
	sortStrings(keys)
	for _, k := range keys {
		out = append(out, k+"="+m.EnvSet[k])
		seen[k] = true
	}
	for _, kv := range host {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || seen[k] || strings.IndexByte(kv, 0) >= 0 {
			continue
		}
		if m.Inherits(k) {
			out = append(out, kv)
			seen[k] = true
		}
	}
	return out
}

// Inherits reports whether env.inherit copies host variable name.
func (m *Manifest) Inherits(name string) bool {
	for _, pat := range m.EnvInherit {
		if pat == "*" || pat == name {
			return true
		}
		if prefix, ok := strings.CutSuffix(pat, "*"); ok && strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}
