package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wasibox/wasibox/guard"
	"github.com/wasibox/wasibox/policy"
	"gopkg.in/yaml.v3"
)

// Guests of the learn and observation tests, built from testdata/<rel>
// (.c with wasi-libc, .wat with wat2wasm, or a Go package folder for
// GOOS=wasip1) into the shared test folder, once per test binary.
var builtGuests sync.Map // rel -> func() (string, error)

func testGuest(t testing.TB, rel string) string {
	t.Helper()
	build, _ := builtGuests.LoadOrStore(rel, sync.OnceValues(func() (string, error) {
		out := filepath.Join(shared.dir, "guests", strings.NewReplacer("/", "_", ".", "_").Replace(rel)+".wasm")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return "", err
		}
		var cmd *exec.Cmd
		switch filepath.Ext(rel) {
		case ".wat":
			cmd = exec.Command("wat2wasm", "--debug-names", "-o", out, filepath.Join("testdata", rel))
		case ".c":
			// A sysroot of two symlinks, as scripts/build-guests.sh makes:
			// --sysroot=/usr would let glibc headers in.
			sysroot := filepath.Join(shared.dir, "sysroot")
			for _, d := range []string{"include", "lib"} {
				os.MkdirAll(filepath.Join(sysroot, d), 0o755)
				os.Symlink("/usr/"+d+"/wasm32-wasi", filepath.Join(sysroot, d, "wasm32-wasi"))
			}
			cmd = exec.Command("clang", "--target=wasm32-wasi", "--sysroot="+sysroot, "-O2", "-Wall", "-Werror",
				"-o", out, filepath.Join("testdata", rel))
		default: // a Go package, relative to the module root
			cmd = exec.Command("go", "build", "-trimpath", "-o", out, "./"+rel)
			cmd.Dir = filepath.Join("..", "..")
			cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=", "CGO_ENABLED=0")
		}
		if msg, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("building %s (clang, lld, wasi-libc and wabt are needed; see docs/toolchains.md): %v\n%s", rel, err, msg)
		}
		return out, nil
	}))
	p, err := build.(func() (string, error))()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// learnCase is one learn round trip.
type learnCase struct {
	wasm    string
	flags   []string // run flags for learn
	args    []string // guest arguments
	env     []string // extra host environment of every run
	dir     string   // where the learned manifest is written
	wantOut string   // substring of the learned run's stdout
	// wantDenial lists grants (as variant names) whose removal must be
	// reported as a denial on stderr, not merely change the output.
	wantDenial []string
	// tolerated lists grants the guest used but does without, so that
	// removing them changes nothing: learn cannot tell (see TestLearnHTTPClient).
	tolerated []string
	// rerun, if set, checks the host side after the re-run.
	rerun func(t *testing.T)
}

// learnRoundTrip learns a manifest, checks it with `wasibox check`, re-runs
// under it expecting the same status and output, then removes each grant
// in turn (and narrows each rw mount to ro) expecting the re-run to fail.
// It returns the learned manifest's text.
func learnRoundTrip(t *testing.T, c learnCase) string {
	t.Helper()
	learned := filepath.Join(c.dir, "learned.yaml")
	run := func(args ...string) result {
		t.Helper()
		cmd := wasiboxCmd(t, args...)
		cmd.Env = append(cmd.Env, c.env...)
		return wait(t, start(t, cmd))
	}
	learn := run(append(append(append([]string{"learn", "-o", learned}, c.flags...), c.wasm), c.args...)...)
	if learn.code != 0 || !strings.Contains(learn.stdout, c.wantOut) {
		t.Fatalf("learn: exit %d, stdout %q (want %q), stderr %q", learn.code, learn.stdout, c.wantOut, learn.stderr)
	}
	text, err := os.ReadFile(learned)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("learned manifest:\n%s", text)

	// wasibox check accepts it, warnings included, against the module.
	rep := runCheck(t.Context(), &checkFlags{Manifest: learned, Module: c.wasm, Format: "text"}, nil)
	if !rep.OK || len(rep.Errors)+len(rep.Warnings) != 0 {
		var b bytes.Buffer
		rep.writeText(&b)
		t.Fatalf("wasibox check on the learned manifest:\n%s", b.String())
	}

	again := run("run", "-c", learned, c.wasm)
	if again.code != learn.code || again.stdout != learn.stdout {
		t.Fatalf("re-run under the learned manifest: exit %d, stdout %q; learn gave %d, %q (stderr %q)",
			again.code, again.stdout, learn.code, learn.stdout, again.stderr)
	}
	if strings.Contains(again.stderr, "wasibox: denied") {
		t.Fatalf("re-run had denials: %s", again.stderr)
	}
	if c.rerun != nil {
		c.rerun(t)
	}

	variants := grantVariants(t, text)
	if len(variants) == 0 {
		t.Fatal("the learned manifest grants nothing to remove")
	}
	for _, v := range variants {
		t.Run("without "+v.name, func(t *testing.T) {
			file := filepath.Join(c.dir, "variant.yaml")
			if err := os.WriteFile(file, v.text, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := policy.Load(file); err != nil {
				t.Fatalf("the variant does not parse: %v\n%s", err, v.text)
			}
			r := run("run", "-c", file, c.wasm)
			if slices.Contains(c.tolerated, v.name) {
				if r.code != again.code || r.stdout != again.stdout {
					t.Errorf("without %s: exit %d, stdout %q; the guest is known to do without it", v.name, r.code, r.stdout)
				}
				return
			}
			if r.code == again.code && r.stdout == again.stdout {
				t.Fatalf("the run still succeeds without %s (exit %d, stdout %q)", v.name, r.code, r.stdout)
			}
			for _, d := range c.wantDenial {
				if d == v.name && !strings.Contains(r.stderr, "wasibox: denied") {
					t.Errorf("no denial on stderr without %s: %q", v.name, r.stderr)
				}
			}
		})
	}
	return string(text)
}

// variant is the learned manifest with one grant taken away.
type variant struct {
	name string
	text []byte
}

// grantVariants returns, for every grant of a manifest, the manifest
// without it: each args, env.set and env.inherit entry, mount, net entry
// and clock or randomness set to host (set to none instead), and each rw
// mount narrowed to ro.
func grantVariants(t *testing.T, text []byte) []variant {
	t.Helper()
	var out []variant
	parse := func() *yaml.Node {
		var doc yaml.Node
		if err := yaml.Unmarshal(text, &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Content[0]
	}
	emit := func(name string, root *yaml.Node) {
		b, err := yaml.Marshal(root)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, variant{name: name, text: b})
	}
	get := func(m *yaml.Node, key string) (int, *yaml.Node) {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				return i, m.Content[i+1]
			}
		}
		return -1, nil
	}
	top := parse()
	if _, args := get(top, "args"); args != nil {
		root := parse()
		i, _ := get(root, "args")
		root.Content = append(root.Content[:i], root.Content[i+2:]...)
		emit("args", root)
	}
	// Lists: remove one element.
	for _, p := range [][]string{{"env", "inherit"}, {"fs", "mounts"}, {"net", "connect"}, {"net", "listen"}, {"net", "lookup"}} {
		_, sec := get(top, p[0])
		if sec == nil {
			continue
		}
		_, list := get(sec, p[1])
		if list == nil {
			continue
		}
		for j := range list.Content {
			root := parse()
			_, s := get(root, p[0])
			_, l := get(s, p[1])
			name := p[0] + "." + p[1] + "[" + strconv.Itoa(j) + "]"
			if l.Content[j].Kind == yaml.ScalarNode {
				name = p[0] + "." + p[1] + " " + l.Content[j].Value
			} else if _, g := get(l.Content[j], "guest"); g != nil {
				name = p[0] + "." + p[1] + " " + g.Value
			}
			l.Content = append(l.Content[:j], l.Content[j+1:]...)
			emit(name, root)
			if p[1] == "mounts" {
				root := parse()
				_, s := get(root, "fs")
				_, l := get(s, "mounts")
				if _, mode := get(l.Content[j], "mode"); mode != nil && mode.Value == "rw" {
					mode.Value = "ro"
					emit(name+" rw (ro instead)", root)
				}
			}
		}
	}
	if _, env := get(top, "env"); env != nil {
		if _, set := get(env, "set"); set != nil {
			for j := 0; j+1 < len(set.Content); j += 2 {
				root := parse()
				_, e := get(root, "env")
				_, s := get(e, "set")
				name := "env.set " + s.Content[j].Value
				s.Content = append(s.Content[:j], s.Content[j+2:]...)
				emit(name, root)
			}
		}
	}
	for _, p := range [][]string{{"clock", "realtime"}, {"clock", "monotonic"}} {
		if _, sec := get(top, p[0]); sec != nil {
			if _, v := get(sec, p[1]); v != nil && v.Value == "host" {
				root := parse()
				_, s := get(root, p[0])
				_, v := get(s, p[1])
				v.Value = "none"
				emit(p[0]+"."+p[1], root)
			}
		}
	}
	if _, v := get(top, "random"); v != nil && v.Value == "host" {
		root := parse()
		_, v := get(root, "random")
		v.Value = "none"
		emit("random", root)
	}
	return out
}

// TestLearnFileProcessor: two read-only inputs in one mount, an output in
// another; an unused mount and an unused grant are left out.
func TestLearnFileProcessor(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"in", "out", "unused"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "in", "a.txt"), []byte("first\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "in", "b.txt"), []byte("second\n"), 0o644)
	text := learnRoundTrip(t, learnCase{
		wasm: testGuest(t, "learn/fileproc.c"),
		flags: []string{
			"--dir", filepath.Join(dir, "in") + ":/in", // rw on the command line: learn narrows it
			"--dir", filepath.Join(dir, "out") + ":/out",
			"--dir", filepath.Join(dir, "unused") + ":/unused",
			"--env", "UNUSED=1", // the guest never reads its environment
			"--connect", "tcp://127.0.0.1:9",
		},
		args:    []string{"/out/result.txt", "/in/a.txt", "/in/b.txt"},
		dir:     dir,
		wantOut: "processed 13 bytes from 2 files into /out/result.txt",
		rerun: func(t *testing.T) {
			if b, _ := os.ReadFile(filepath.Join(dir, "out", "result.txt")); string(b) != "FIRST\nSECOND\n" {
				t.Errorf("result.txt = %q after the re-run", b)
			}
		},
	})
	for _, want := range []string{
		`- {host: "./in", guest: "/in", mode: ro}`,
		`- {host: "./out", guest: "/out", mode: rw}`,
		"# read 2 file(s)\n",
		"# wrote 1 file(s)\n",
		"#   fs.mounts /unused\n",
		"#   net.connect tcp://127.0.0.1:9\n",
		"clock: {realtime: none, monotonic: none}",
		"random: none",
		`args: ["/out/result.txt", "/in/a.txt", "/in/b.txt"]`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("learned manifest lacks %q", want)
		}
	}
	for _, unwanted := range []string{`guest: "/unused"`, "env:", "net:", "UNUSED"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("learned manifest has %q, which the guest never used", unwanted)
		}
	}
}

// TestLearnEnvClock: the environment (set and inherited) and both clocks.
func TestLearnEnvClock(t *testing.T) {
	dir := t.TempDir()
	text := learnRoundTrip(t, learnCase{
		wasm:    testGuest(t, "learn/envclock.c"),
		flags:   []string{"--env", "GREETING=hello world", "--env-inherit", "APP_*", "--lookup", "example.com"},
		args:    []string{"GREETING", "APP_MODE"},
		env:     []string{"APP_MODE=fast"},
		dir:     dir,
		wantOut: "GREETING=hello world\nAPP_MODE=fast\nrealtime: ok\nmonotonic: ok\n",
	})
	for _, want := range []string{
		`"GREETING": "hello world"`,
		`inherit: ["APP_MODE"]`,
		"clock: {realtime: host, monotonic: host}",
		"random: none",
		"#   net.lookup example.com\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("learned manifest lacks %q", want)
		}
	}
}

// TestLearnHTTPClient: a Go guest (guest/sock) that looks a name up and
// fetches a page from a server on loopback. The address is granted by
// name, the port exactly.
func TestLearnHTTPClient(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and compiles a Go wasip1 HTTP client")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s\n", r.URL.Path)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	dir := t.TempDir()
	text := learnRoundTrip(t, learnCase{
		wasm: testGuest(t, "testdata/guests/net/httpclient"),
		flags: []string{"--lookup", "localhost", "--lookup", "unused.example.com",
			"--connect", "tcp://localhost:" + port, "--connect", "tcp://10.0.0.0/8:443"},
		args:       []string{"http://localhost:" + port + "/page", "2"},
		dir:        dir,
		wantOut:    "status 200 bytes 12 sha256 ",
		wantDenial: []string{"net.connect tcp://localhost:" + port, "net.lookup localhost"},
		// Go's runtime calls random_get once at start to seed its maps,
		// and falls back on the clock when that fails: the call is made,
		// so learn grants it, but the run does not need it.
		tolerated: []string{"random"},
	})
	for _, want := range []string{
		`- "tcp://localhost:` + port + `"`,
		`- "localhost"`,
		"#   net.lookup unused.example.com\n",
		"#   net.connect tcp://10.0.0.0/8:443\n",
		"random: host",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("learned manifest lacks %q", want)
		}
	}
}

func TestLearnUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no -o", args: []string{"learn", "a.wasm"}, want: "missing -o FILE"},
		{name: "-c refused", args: []string{"learn", "-o", "x.yaml", "-c", "m.yaml", "a.wasm"}, want: "-c is refused"},
		{name: "no module", args: []string{"learn", "-o", "x.yaml"}, want: "missing module: wasibox learn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runInProcess(t, tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || !strings.Contains(r.stderr, "usage: wasibox learn") {
				t.Fatalf("exit %d, stderr %q; want 2 and %q with the usage", r.code, r.stderr, tt.want)
			}
		})
	}
}

// TestLearnNotWrittenWhenCut: a run stopped by --timeout writes nothing,
// and an existing manifest is left as it was.
func TestLearnNotWrittenWhenCut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.yaml")
	os.WriteFile(out, []byte("version: 1\n"), 0o644)
	r := runWasibox(t, "learn", "-o", out, "--timeout", "1s", watGuest(t, "sleep"))
	if r.code != exitTimeout || !strings.Contains(r.stderr, "not written") {
		t.Fatalf("exit %d, stderr %q; want 124 and no manifest", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != "version: 1\n" {
		t.Fatalf("the existing manifest was changed: %q", b)
	}
}

func TestYAMLString(t *testing.T) {
	for _, s := range []string{"", "yes", "no", "~", "null", "1e3", "0x10", "*a", "&a", "!x", "- a", "a: b", "#c", "\"q\"", "back\\slash", "tab\there", "new\nline", "é", "<>&", "\u2028"} {
		var got string
		if err := yaml.Unmarshal([]byte("v: "+yamlString(s)), &struct{ V *string }{&got}); err != nil || got != s {
			t.Errorf("yamlString(%q) = %s reads back as %q (%v)", s, yamlString(s), got, err)
		}
	}
}

// learnerFor returns a learner as a run sets it up, for unit tests of the
// manifest it drafts.
func learnerFor(t *testing.T, m *policy.Manifest, f *runFlags, out string) *learner {
	t.Helper()
	l := &learner{out: out, e: &cliEnv{environ: nil}}
	l.info = &runInfo{flags: f, manifest: m, module: "app.wasm", sha256: strings.Repeat("ab", 32), cwd: "/work"}
	l.mounts = make([]mountUse, len(m.Mounts))
	l.lookups = map[string]int{}
	l.bound0 = map[string]bool{}
	l.ephemeral = "32768-60999"
	return l
}

func TestLearnHostPath(t *testing.T) {
	tests := []struct{ out, host, want string }{
		{out: "/work/m.yaml", host: "data", want: "./data"},
		{out: "/work/m.yaml", host: "/work/data/x", want: "./data/x"},
		{out: "/work/m.yaml", host: "/work", want: "."},
		{out: "sub/m.yaml", host: "data", want: "/work/data"},
		{out: "/work/m.yaml", host: "/srv/data", want: "/srv/data"},
		{out: "/work/m.yaml", host: "/work/../workx", want: "/workx"},
	}
	for _, tt := range tests {
		l := learnerFor(t, &policy.Manifest{}, &runFlags{}, tt.out)
		if got := l.hostPath(tt.host); got != tt.want {
			t.Errorf("hostPath(%q) with -o %s = %q, want %q", tt.host, tt.out, got, tt.want)
		}
	}
}

// TestLearnNetManifest: the network section from guard decisions: names
// where the address was pinned, IPs otherwise, listeners bound to port 0
// granted the ephemeral range, unused rules and denials listed.
func TestLearnNetManifest(t *testing.T) {
	rule := func(s string) policy.NetRule {
		r, err := policy.ParseNetRule(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	m := &policy.Manifest{
		Connect: []policy.NetRule{rule("tcp://api.example.com:443"), rule("tcp://10.0.0.0/8:*"), rule("udp://[::1]:53")},
		Listen:  []policy.NetRule{rule("tcp://127.0.0.1:*")},
		Lookup:  []string{"api.example.com"},
	}
	l := learnerFor(t, m, &runFlags{}, "/work/m.yaml")
	for _, r := range learnRecords() {
		l.decided(r)
	}
	l.lookups["api.example.com"] = 1
	b, err := l.manifest()
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, want := range []string{
		"#   net.connect udp://[::1]:53\n", // not used
		`    - "tcp://api.example.com:443"`,
		`    - "tcp://10.1.2.3:80,8080"`,
		// Bound to port 0, then listened on 40000 (ephemeral); bound to 9000.
		`    - "tcp://127.0.0.1:0,9000,32768-60999"`,
		"# sock_connect 3 times\n",
		"#   sock_connect tcp://192.168.1.1:22\n",
		`    - "api.example.com"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("manifest lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "40000") {
		t.Errorf("the ephemeral port is listed:\n%s", text)
	}
	if _, err := policy.Parse(b, "/work/m.yaml"); err != nil {
		t.Fatalf("the drafted manifest does not parse: %v\n%s", err, text)
	}
}

// learnRecords are guard decisions of a run that connects by name and by
// address, listens on an ephemeral and on a fixed port, and is denied once.
func learnRecords() []guard.Record {
	conn := func(addr string, port int, name, grant string) guard.Record {
		return guard.Record{Input: policy.Input{Op: "sock_connect", Proto: "tcp", Family: "inet", Addr: addr, Port: port, Name: name},
			Allow: true, Grant: grant}
	}
	listen := func(op string, port int) guard.Record {
		return guard.Record{Input: policy.Input{Op: op, Proto: "tcp", Family: "inet", Addr: "127.0.0.1", Port: port},
			Allow: true, Grant: `net.listen "tcp://127.0.0.1:*"`}
	}
	return []guard.Record{
		conn("93.184.216.34", 443, "api.example.com", `net.connect "tcp://api.example.com:443"`),
		conn("10.1.2.3", 80, "", `net.connect "tcp://10.0.0.0/8:*"`),
		conn("10.1.2.3", 80, "", `net.connect "tcp://10.0.0.0/8:*"`),
		conn("10.1.2.3", 8080, "", `net.connect "tcp://10.0.0.0/8:*"`),
		listen("sock_bind", 0),
		listen("sock_listen", 40000),
		listen("sock_bind", 9000),
		listen("sock_listen", 9000),
		{Input: policy.Input{Op: "sock_connect", Proto: "tcp", Family: "inet", Addr: "192.168.1.1", Port: 22},
			Object: "tcp://192.168.1.1:22", Reason: "no net.connect grant matches"},
	}
}
