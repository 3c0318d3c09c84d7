package guard

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

// Benchmarks of path_open + fd_close over 100k distinct files (issue 3,
// "Performance"): unguarded unix.System against the guard with (a) the
// manifest only and (b) a Rego policy with path rules, and the policy
// decided each way the engine can (constant, native, cached, evaluated).
//
//	go test ./guard -run '^$' -bench PathOpen -benchmem
//
// The ratio benchmark times the unguarded and the guarded System in
// alternating blocks within one run, by the thread's CPU time as well as
// the wall clock: much steadier than comparing separate runs on a busy
// machine.

const (
	benchFiles   = 100_000
	benchPerDir  = 1000
	benchCached  = 1000 // distinct paths of the cached variant (< the engine's cache)
	benchDenyFS  = "  deny: [\"**/*.pem\", \"/data/private/**\", \"**/.ssh/**\", \"**/id_*\"]\n"
	benchMounts  = "version: 1\nfs:\n  mounts:\n    - {host: ./data, guest: /data, mode: rw}\n"
	benchPolicyB = `package wasibox

deny contains "no shell scripts may be written" if {
	input.op == "path_open"
	input.access.write
	endswith(input.path, ".sh")
}

deny contains msg if {
	input.op == "path_open"
	glob.match("/data/private/**", ["/"], input.path)
	msg := sprintf("private: %s", [input.path])
}
`
	// benchPolicyOPA has the same rules written so that partial evaluation
	// cannot compile them (object.get on the whole input): every decision
	// goes to OPA, through the cache.
	benchPolicyOPA = `package wasibox

deny contains "private" if {
	input.op == "path_open"
	startswith(object.get(input, "path", ""), "/data/private/")
}
`
	// benchPolicyConst only has rules for other operations: path_open is
	// folded to a constant allow at start.
	benchPolicyConst = `package wasibox

deny contains "no listening" if input.op == "sock_listen"
`
)

// benchTree is the 100k files, created once per test binary (every
// benchmark and -count shares them) and removed by TestMain.
type benchTree struct {
	dir   string
	paths []string // relative to the mount
}

var (
	benchOnce    sync.Once
	benchShared  *benchTree
	benchErr     error
	benchCleanup []string
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range benchCleanup {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

func newBenchTree(b *testing.B) *benchTree {
	b.Helper()
	benchOnce.Do(func() { benchShared, benchErr = makeBenchTree() })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchShared
}

func makeBenchTree() (*benchTree, error) {
	dir, err := os.MkdirTemp("", "guard-bench-")
	if err != nil {
		return nil, err
	}
	benchCleanup = append(benchCleanup, dir)
	bt := &benchTree{dir: dir}
	for i := range benchFiles {
		d := fmt.Sprintf("d%03d", i/benchPerDir)
		if i%benchPerDir == 0 {
			if err := os.MkdirAll(filepath.Join(dir, "data", d), 0o755); err != nil {
				return nil, err
			}
		}
		rel := fmt.Sprintf("%s/f%05d.txt", d, i)
		f, err := os.Create(filepath.Join(dir, "data", rel))
		if err != nil {
			return nil, err
		}
		f.Close()
		bt.paths = append(bt.paths, rel)
	}
	return bt, nil
}

// benchSystem is one variant under test.
type benchSystem struct {
	name     string
	manifest string
	rego     string
	noFast   bool
	unguard  bool // the bare unix.System
	distinct int  // paths cycled through; 0 is all of them
}

var benchVariants = []benchSystem{
	{name: "0-unix", manifest: benchMounts, unguard: true},
	{name: "a-manifest", manifest: benchMounts},
	{name: "a-manifest+fs.deny", manifest: benchMounts + benchDenyFS},
	{name: "a-manifest+fs.deny/resolve-always", manifest: benchMounts + benchDenyFS, noFast: true},
	{name: "b-rego-constant", manifest: benchMounts, rego: benchPolicyConst},
	{name: "b-rego-native", manifest: benchMounts, rego: benchPolicyB},
	{name: "b-rego-native+fs.deny", manifest: benchMounts + benchDenyFS, rego: benchPolicyB},
	{name: "b-rego-cached", manifest: benchMounts, rego: benchPolicyOPA, distinct: benchCached},
	{name: "b-rego-evaluated", manifest: benchMounts, rego: benchPolicyOPA},
}

func (v benchSystem) open(b *testing.B, bt *benchTree) (wasi.System, *policy.Engine) {
	b.Helper()
	m := parseManifest(b, bt.dir, v.manifest)
	var eng *policy.Engine
	if v.rego != "" {
		eng = compileEngine(b, m, v.rego)
	}
	inner, err := unix.New(unix.Config{Preopens: preopens(m), Stdin: -1, Stdout: -1, Stderr: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { inner.Close(context.Background()) })
	if v.unguard {
		return inner, nil
	}
	g, err := New(context.Background(), inner, Config{Manifest: m, Engine: eng})
	if err != nil {
		b.Fatal(err)
	}
	g.noFast = v.noFast
	return g, eng
}

// openClose opens and closes path i.
func openClose(b *testing.B, sys wasi.System, path string) {
	fd, errno := sys.PathOpen(context.Background(), 3, wasi.SymlinkFollow, path, 0, readRights, 0, 0)
	if errno != wasi.ESUCCESS {
		b.Fatalf("open %s: %v", path, errno)
	}
	if errno := sys.FDClose(context.Background(), fd); errno != wasi.ESUCCESS {
		b.Fatal(errno)
	}
}

func BenchmarkPathOpen(b *testing.B) {
	bt := newBenchTree(b)
	for _, v := range benchVariants {
		b.Run(v.name, func(b *testing.B) {
			sys, eng := v.open(b, bt)
			paths := bt.paths
			if v.distinct > 0 {
				paths = paths[:v.distinct]
				for _, p := range paths { // warm the cache
					openClose(b, sys, p)
				}
			}
			var before policy.EngineStats
			if eng != nil {
				before = eng.Stats()
			}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				openClose(b, sys, paths[n%len(paths)])
				n++
			}
			if eng != nil {
				st := eng.Stats()
				b.ReportMetric(float64(st.Constant-before.Constant)/float64(n), "constant/op")
				b.ReportMetric(float64(st.Native-before.Native)/float64(n), "native/op")
				b.ReportMetric(float64(st.Cached-before.Cached)/float64(n), "cached/op")
				b.ReportMetric(float64(st.Evaluated-before.Evaluated)/float64(n), "evaluated/op")
			}
		})
	}
}

// BenchmarkPathOpenRatio reports each guarded variant's cost as a ratio
// to the unguarded System, timed in alternating blocks of opens.
func BenchmarkPathOpenRatio(b *testing.B) {
	benchRatio(b, openClose)
}

// BenchmarkStatRatio is BenchmarkPathOpenRatio for path_filestat_get.
func BenchmarkStatRatio(b *testing.B) {
	benchRatio(b, func(b *testing.B, sys wasi.System, path string) {
		if _, errno := sys.PathFileStatGet(context.Background(), 3, wasi.SymlinkFollow, path); errno != wasi.ESUCCESS {
			b.Fatal(errno)
		}
	})
}

func benchRatio(b *testing.B, call func(b *testing.B, sys wasi.System, path string)) {
	bt := newBenchTree(b)
	base, _ := benchVariants[0].open(b, bt)
	for _, v := range benchVariants {
		if v.name == "b-rego-evaluated" {
			continue // 100x the call: the ratio says nothing more
		}
		b.Run(v.name, func(b *testing.B) {
			sys, _ := v.open(b, bt)
			paths := bt.paths
			if v.distinct > 0 {
				paths = paths[:v.distinct]
				for _, p := range paths {
					call(b, sys, p)
				}
			}
			const block = 256
			var tBase, tSys, cBase, cSys time.Duration
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			n := 0
			for b.Loop() {
				if n%block == 0 {
					// One block of each, same paths, in alternating order
					// (the second one finds the files warmer).
					first, second := base, sys
					if n/block%2 == 1 {
						first, second = sys, base
					}
					var t, c [2]time.Duration
					for k, s := range [2]wasi.System{first, second} {
						start, cpu := time.Now(), threadCPU()
						for i := range block {
							call(b, s, paths[(n+i)%len(paths)])
						}
						t[k], c[k] = time.Since(start), threadCPU()-cpu
					}
					if first == sys {
						t[0], t[1], c[0], c[1] = t[1], t[0], c[1], c[0]
					}
					tBase, tSys, cBase, cSys = tBase+t[0], tSys+t[1], cBase+c[0], cSys+c[1]
				}
				n++
			}
			ops := float64((n + block - 1) / block * block)
			b.ReportMetric(float64(cBase.Nanoseconds())/ops, "unix-cpu-ns/op")
			b.ReportMetric(float64(cSys.Nanoseconds())/ops, "guard-cpu-ns/op")
			b.ReportMetric(float64(cSys)/float64(cBase), "cpu-ratio")
			b.ReportMetric(float64(tSys)/float64(tBase), "wall-ratio")
		})
	}
}

// BenchmarkNewEngine is the start-up cost of compiling the policy:
// parsing, compiling under the restricted capabilities, preparing the
// queries and partially evaluating every operation.
func BenchmarkNewEngine(b *testing.B) {
	m := parseManifest(b, b.TempDir(), "version: 1\n")
	data, err := policy.PolicyData(m)
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range []struct{ name, src string }{{"path-rules", benchPolicyB}, {"constant", benchPolicyConst}} {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := policy.NewEngineFromSources(context.Background(), map[string]string{"p.rego": v.src}, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkResolve is what deciding on the resolved path costs when the
// fast path cannot say: path_open + fd_close alone, with the kernel's
// answer to where the file is (/proc/self/fd readlink, FDGuestPath), and
// the guard's fallback (PathGuestPath, then the open).
func BenchmarkResolve(b *testing.B) {
	bt := newBenchTree(b)
	m := parseManifest(b, bt.dir, benchMounts)
	inner, err := unix.New(unix.Config{Preopens: preopens(m), Stdin: -1, Stdout: -1, Stderr: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer inner.Close(context.Background())
	ctx := context.Background()
	b.Run("open", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			openClose(b, inner, bt.paths[i%benchFiles])
		}
	})
	b.Run("open+FDGuestPath", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			fd, _ := inner.PathOpen(ctx, 3, wasi.SymlinkFollow, bt.paths[i%benchFiles], 0, readRights, 0, 0)
			if _, errno := inner.FDGuestPath(ctx, fd); errno != wasi.ESUCCESS {
				b.Fatal(errno)
			}
			inner.FDClose(ctx, fd)
		}
	})
	b.Run("PathGuestPath+open", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, errno := inner.PathGuestPath(ctx, 3, wasi.SymlinkFollow, bt.paths[i%benchFiles]); errno != wasi.ESUCCESS {
				b.Fatal(errno)
			}
			openClose(b, inner, bt.paths[i%benchFiles])
		}
	})
	b.Run("open-no-symlinks", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			inner.SetNoSymlinks(true)
			fd, errno := inner.PathOpen(ctx, 3, wasi.SymlinkFollow, bt.paths[i%benchFiles], 0, readRights, 0, 0)
			inner.SetNoSymlinks(false)
			if errno != wasi.ESUCCESS {
				b.Fatal(errno)
			}
			inner.FDClose(ctx, fd)
		}
	})
}

// BenchmarkPathFileStatGet: a path call other than path_open with path
// rules on resolves the path before acting (PathGuestPath).
func BenchmarkPathFileStatGet(b *testing.B) {
	bt := newBenchTree(b)
	for _, v := range []benchSystem{benchVariants[0], benchVariants[1], benchVariants[2]} {
		b.Run(v.name, func(b *testing.B) {
			sys, _ := v.open(b, bt)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, errno := sys.PathFileStatGet(context.Background(), 3, wasi.SymlinkFollow, bt.paths[i%benchFiles]); errno != wasi.ESUCCESS {
					b.Fatal(errno)
				}
			}
		})
	}
}

// BenchmarkDecision is the guard's own cost for one path_open decision,
// without the system calls: placing the name, fs.deny and the policy.
func BenchmarkDecision(b *testing.B) {
	bt := newBenchTree(b)
	for _, v := range benchVariants[1:7] {
		b.Run(v.name, func(b *testing.B) {
			sys, _ := v.open(b, bt)
			g := sys.(*System)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				in := g.input("path_open")
				in.Access.Read, in.Follow = true, true
				gp, _ := join("/data", bt.paths[i%len(bt.paths)])
				g.setPath(in, gp)
				if errno := g.decidePath(context.Background(), in, gp); errno != wasi.ESUCCESS {
					b.Fatal(errno)
				}
			}
		})
	}
}
