package guard

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

var (
	_ PathResolver     = (*unix.System)(nil)
	_ wasi.GuestPather = (*unix.System)(nil)
)

// Rights the tests ask for.
const (
	readRights  = wasi.FDReadRight | wasi.FDSeekRight | wasi.FDFileStatGetRight | wasi.FDReadDirRight
	writeRights = wasi.FDWriteRight | wasi.FDReadRight | wasi.FDSeekRight | wasi.FDFileStatGetRight | wasi.FDFileStatSetSizeRight
	dirRights   = wasi.DirectoryRights
	allInherit  = wasi.DirectoryRights | wasi.FileRights
)

// modes are the ways the guard finds resolved paths; every path test runs
// under each: openat2 with the no-symlink fast path for path_open, the
// openat(O_NOFOLLOW) walk (no fast path: PathOpenNoSymlinks is ENOSYS),
// and openat2 with the fast path turned off.
var modes = []string{"openat2", "walk", "slow"}

// setup describes one guarded System: a tree of host files next to the
// manifest, the manifest (host paths relative to the tree), an optional
// Rego module, and how paths are resolved.
type setup struct {
	tree     []string // "p/a.txt=content", "p/dir/", "p/link->target"
	manifest string
	rego     string
	mode     string // one of modes; "" is "openat2"
	engine   *policy.Engine
}

// harness is a guarded System over unix, its host tree, and what it
// logged and recorded.
type harness struct {
	t       testing.TB
	ctx     context.Context
	dir     string
	m       *policy.Manifest
	eng     *policy.Engine
	inner   *unix.System
	sys     *System
	log     bytes.Buffer
	records []Record
}

func makeTree(t testing.TB, root string, entries ...string) {
	t.Helper()
	for _, e := range entries {
		var err error
		switch {
		case strings.Contains(e, "->"):
			name, target, _ := strings.Cut(e, "->")
			os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755)
			err = os.Symlink(target, filepath.Join(root, name))
		case strings.HasSuffix(e, "/"):
			err = os.MkdirAll(filepath.Join(root, e), 0o755)
		default:
			name, content, _ := strings.Cut(e, "=")
			os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755)
			err = os.WriteFile(filepath.Join(root, name), []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// parseManifest parses an inline manifest as if it were dir/manifest.yaml.
func parseManifest(t testing.TB, dir, src string) *policy.Manifest {
	t.Helper()
	m, err := policy.Parse([]byte(src), filepath.Join(dir, "manifest.yaml"))
	if err != nil {
		t.Fatalf("manifest: %v", err)
	}
	return m
}

func compileEngine(t testing.TB, m *policy.Manifest, src string) *policy.Engine {
	t.Helper()
	data, err := policy.PolicyData(m)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := policy.NewEngineFromSources(context.Background(), map[string]string{"policy.rego": src}, data)
	if err != nil {
		t.Fatalf("policy: %v", err)
	}
	return eng
}

// preopens are the unix preopens for the manifest's mounts, in order
// (guest fds 3, 4, ...).
func preopens(m *policy.Manifest) []unix.Preopen {
	var out []unix.Preopen
	for _, mt := range m.Mounts {
		out = append(out, unix.Preopen{HostPath: mt.Host, GuestPath: mt.Guest, ReadOnly: mt.Mode == policy.ReadOnly})
	}
	return out
}

func newHarness(t testing.TB, s setup) *harness {
	t.Helper()
	h := &harness{t: t, ctx: context.Background(), dir: t.TempDir()}
	makeTree(t, h.dir, s.tree...)
	h.m = parseManifest(t, h.dir, s.manifest)
	h.eng = s.engine
	if h.eng == nil && s.rego != "" {
		h.eng = compileEngine(t, h.m, s.rego)
	}
	cfg := unix.Config{
		Preopens: preopens(h.m), Stdin: -1, Stdout: -1, Stderr: -1,
		AllowSockets: len(h.m.Connect)+len(h.m.Listen)+len(h.m.Lookup) > 0,
	}
	if s.mode == "walk" {
		cfg.Resolver = unix.ResolveWalk
	}
	inner, err := unix.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.inner = inner
	t.Cleanup(func() { inner.Close(context.Background()) })
	h.sys, err = New(h.ctx, inner, Config{
		Manifest: h.m, Engine: h.eng, ModuleSHA256: "abc", Log: &h.log,
		Audit: func(r Record) { h.records = append(h.records, r) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.mode == "slow" {
		h.sys.noFast = true
	}
	return h
}

// fd returns the preopen descriptor of a mount.
func (h *harness) fd(guest string) wasi.FD {
	h.t.Helper()
	for fd, d := range h.sys.dirs {
		if d.preopen && d.path == guest {
			return fd
		}
	}
	h.t.Fatalf("no preopen for %s", guest)
	return -1
}

// host returns the host path of a tree entry.
func (h *harness) host(rel string) string { return filepath.Join(h.dir, rel) }

// takeLog returns the lines logged since the last call.
func (h *harness) takeLog() []string {
	s := h.log.String()
	h.log.Reset()
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// lastRecord returns the last audit record and forgets them all.
func (h *harness) lastRecord() (Record, bool) {
	if len(h.records) == 0 {
		return Record{}, false
	}
	r := h.records[len(h.records)-1]
	h.records = nil
	return r, true
}

// wantDenied checks a denial: the manifest's errno, exactly one log line
// naming op and object (and want, if not empty), and a denied record.
func (h *harness) wantDenied(t testing.TB, errno wasi.Errno, op, object, want string) {
	t.Helper()
	if errno != h.m.OnDenyErrno {
		t.Errorf("errno = %v, want %v (denied)", errno, h.m.OnDenyErrno)
	}
	lines := h.takeLog()
	if len(lines) != 1 {
		t.Errorf("log has %d lines, want 1: %q", len(lines), lines)
	} else {
		line := lines[0]
		if !strings.HasPrefix(line, "wasibox: denied "+op+" ") || !strings.Contains(line, object) || !strings.Contains(line, want) || !strings.HasSuffix(line, ")\n") {
			t.Errorf("log line %q: want op %s, object %q and %q", line, op, object, want)
		}
	}
	r, ok := h.lastRecord()
	if !ok || r.Allow || r.Input.Op != op || !strings.Contains(r.Object, object) || r.Reason == "" {
		t.Errorf("audit record %+v (present %v): want a denial of %s %s", r, ok, op, object)
	}
}

// wantErrno checks a call that the guard let through.
func (h *harness) wantErrno(t testing.TB, errno, want wasi.Errno) {
	t.Helper()
	if errno != want {
		t.Errorf("errno = %v, want %v", errno, want)
	}
	if lines := h.takeLog(); len(lines) != 0 {
		t.Errorf("unexpected log: %q", lines)
	}
	h.records = nil
}

// snapshot describes a host tree: every entry's name, type, mode, size,
// modification time, content hash and link target, so that a denied call
// can be shown to have changed nothing.
func snapshot(t testing.TB, root string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		line := fmt.Sprintf("%s %v %d %d", rel, fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			line += " -> " + target
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %x", sha256.Sum256(b))
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
