package wasibox_test

// End-to-end tests of examples/: each example's README command is run
// verbatim (from a copy of the repository layout, so that runs never touch
// the checkout and may go in parallel) with the real CLI, and its output is
// compared with the output the README shows. Then the files it wrote, and
// those it was refused to write, are checked.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// testedExamples are the examples these tests run.
var testedExamples = []string{"file-processor", "rego-narrowing", "denied"}

var examplesBuild struct {
	once sync.Once
	root string
	err  error
}

// buildExamples runs scripts/build-examples.sh once per test binary (it
// builds bin/wasibox and the tested examples' app.wasm, skipping what is
// up to date) and returns the repository root.
func buildExamples(t *testing.T) string {
	t.Helper()
	examplesBuild.once.Do(func() {
		root, err := os.Getwd() // the root package's folder is the repository root
		if err != nil {
			examplesBuild.err = err
			return
		}
		examplesBuild.root = root
		cmd := exec.Command("bash", append([]string{filepath.Join(root, "scripts", "build-examples.sh")}, testedExamples...)...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			examplesBuild.err = fmt.Errorf("scripts/build-examples.sh: %v\n%s", err, out)
		}
	})
	if examplesBuild.err != nil {
		t.Fatal(examplesBuild.err)
	}
	return examplesBuild.root
}

// readme is what the tests use of an example's README.md.
type readme struct {
	command string   // the one line of the first fenced block, without the build step
	text    []string // the ```text blocks, in order, each ending in a newline
}

// exampleBuildStep is how every README command starts.
const exampleBuildStep = "scripts/build-examples.sh && "

func parseREADME(t *testing.T, root, name string) readme {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "examples", name, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	type block struct {
		lang  string
		lines []string
	}
	var blocks []block
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		if fence, ok := strings.CutPrefix(line, "```"); ok {
			if !in {
				blocks = append(blocks, block{lang: fence})
			}
			in = !in
			continue
		}
		if in {
			blocks[len(blocks)-1].lines = append(blocks[len(blocks)-1].lines, line)
		}
	}
	if in || len(blocks) == 0 {
		t.Fatalf("%s/README.md: no fenced command block, or an unclosed block", name)
	}
	var r readme
	first := blocks[0]
	if first.lang != "sh" || len(first.lines) != 1 {
		t.Fatalf("%s/README.md: the first block is %q with %d lines; want one ```sh line", name, first.lang, len(first.lines))
	}
	cmd, ok := strings.CutPrefix(first.lines[0], exampleBuildStep)
	run := "bin/wasibox run -c examples/" + name + "/manifest.yaml examples/" + name + "/app.wasm"
	if !ok || !strings.Contains(cmd, run) {
		t.Fatalf("%s/README.md: command %q; want %q followed by a command with %q", name, first.lines[0], exampleBuildStep, run)
	}
	r.command = cmd
	for _, bl := range blocks[1:] {
		if bl.lang == "text" {
			r.text = append(r.text, strings.Join(bl.lines, "\n")+"\n")
		}
	}
	return r
}

// exampleCopy is a copy of one example in a temporary repository layout:
// root/examples/<name>/ and root/bin/wasibox (a link to the real one).
type exampleCopy struct {
	root string // where the README command runs
	dir  string // root/examples/<name>
	orig string // the example in the checkout
}

// copyExample copies examples/<name> (with its app.wasm) into a temporary
// layout. Folders the guest writes to (those with a .gitignore) are copied
// empty, so that outputs of a run in the checkout cannot pass for outputs
// of this one.
func copyExample(t *testing.T, root, name string) exampleCopy {
	t.Helper()
	c := exampleCopy{root: t.TempDir(), orig: filepath.Join(root, "examples", name)}
	c.dir = filepath.Join(c.root, "examples", name)
	err := filepath.WalkDir(c.orig, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(c.orig, p)
		dst := filepath.Join(c.dir, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if d.Name() != ".gitignore" {
			if _, err := os.Stat(filepath.Join(filepath.Dir(p), ".gitignore")); err == nil {
				return nil // an output folder
			}
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", p)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(c.root, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "bin", "wasibox"), filepath.Join(c.root, "bin", "wasibox")); err != nil {
		t.Fatal(err)
	}
	return c
}

// exampleRun is the outcome of one command.
type exampleRun struct {
	stdout, stderr string
	code           int
}

// run runs a shell command in c.root. The host environment is passed on
// without SECRET_TOKEN, so that only what the command itself sets counts.
func (c exampleCopy) run(t *testing.T, command string) exampleRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", command)
	cmd.Dir = c.root
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "SECRET_TOKEN=") })
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := exampleRun{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", command, err)
	}
	return r
}

// want compares got with want line by line and reports the differing lines.
func wantText(t *testing.T, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Errorf("%s, line %d:\n got: %q\nwant: %q", what, i+1, gl, wl)
		}
	}
}

func wantCode(t *testing.T, r exampleRun, want int) {
	t.Helper()
	if r.code != want {
		t.Fatalf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, want, r.stdout, r.stderr)
	}
}

// wantSame checks that file rel of the copy has the content it has in the
// checkout (a write that was refused left it untouched).
func (c exampleCopy) wantSame(t *testing.T, rel string) {
	t.Helper()
	want, err := os.ReadFile(filepath.Join(c.orig, rel))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(c.dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s was changed: %q, want %q", rel, got, want)
	}
}

// wantEntries checks the names in folder rel of the copy.
func (c exampleCopy) wantEntries(t *testing.T, rel string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(c.dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s holds %q, want %q", rel, got, want)
	}
}

func denialLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "wasibox: denied ") {
			out = append(out, l)
		}
	}
	return out
}

func TestExampleFileProcessor(t *testing.T) {
	t.Parallel()
	root := buildExamples(t)
	doc := parseREADME(t, root, "file-processor")
	if len(doc.text) != 2 {
		t.Fatalf("README has %d text blocks, want 2 (output, summary.csv)", len(doc.text))
	}
	c := copyExample(t, root, "file-processor")
	r := c.run(t, doc.command)
	wantCode(t, r, 0)
	wantText(t, "stdout (README's first text block)", r.stdout, doc.text[0])
	if r.stderr != "" {
		t.Errorf("stderr: %q, want nothing (a read-only mount is not a denial)", r.stderr)
	}

	// The totals, computed by hand from in/*.csv.
	const summary = "region,units,revenue\nnorth,225,824.85\nsouth,166,1269.78\nwest,383,1732.20\ntotal,774,3826.83\n"
	got, err := os.ReadFile(filepath.Join(c.dir, "out", "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	wantText(t, "out/summary.csv", string(got), summary)
	wantText(t, "README's summary.csv block", doc.text[1], summary)

	// The refused writes into /in changed nothing there.
	c.wantEntries(t, "in", "sales-2024-q1.csv", "sales-2024-q2.csv")
	c.wantSame(t, "in/sales-2024-q1.csv")
	c.wantSame(t, "in/sales-2024-q2.csv")
}

func TestExampleRegoNarrowing(t *testing.T) {
	t.Parallel()
	root := buildExamples(t)
	doc := parseREADME(t, root, "rego-narrowing")
	if len(doc.text) != 2 {
		t.Fatalf("README has %d text blocks, want 2 (stdout, stderr)", len(doc.text))
	}
	c := copyExample(t, root, "rego-narrowing")
	// Twice: the guest cleans up after an earlier run.
	for i := range 2 {
		r := c.run(t, doc.command)
		wantCode(t, r, 0)
		wantText(t, fmt.Sprintf("run %d: stdout (README's first text block)", i+1), r.stdout, doc.text[0])
		wantText(t, fmt.Sprintf("run %d: stderr (README's second text block)", i+1), r.stderr, doc.text[1])
		if n, d := strings.Count(r.stdout, "denied: EACCES"), len(denialLines(r.stderr)); n != 6 || d != 6 {
			t.Errorf("run %d: %d denials seen by the guest and %d denial lines, want 6 and 6", i+1, n, d)
		}
	}

	// Denied writes left their targets untouched, allowed ones happened.
	c.wantSame(t, "workspace/scripts/build.sh")
	c.wantSame(t, "workspace/secrets/token.txt")
	c.wantEntries(t, "workspace/out", ".gitignore", "report.txt", "token-link")
	if b, err := os.ReadFile(filepath.Join(c.dir, "workspace/out/report.txt")); err != nil || string(b) != "all good\n" {
		t.Errorf("out/report.txt: %q, %v; want \"all good\\n\"", b, err)
	}
	if l, err := os.Readlink(filepath.Join(c.dir, "workspace/out/token-link")); err != nil || l != "../secrets/token.txt" {
		t.Errorf("out/token-link: %q, %v; want a link to ../secrets/token.txt", l, err)
	}
}

func TestExampleDenied(t *testing.T) {
	t.Parallel()
	root := buildExamples(t)
	doc := parseREADME(t, root, "denied")
	if len(doc.text) != 2 {
		t.Fatalf("README has %d text blocks, want 2 (stdout, stderr)", len(doc.text))
	}
	if !strings.Contains(doc.command, "SECRET_TOKEN=") {
		t.Fatalf("README command %q does not set SECRET_TOKEN on the host", doc.command)
	}
	c := copyExample(t, root, "denied")
	r := c.run(t, doc.command)
	wantCode(t, r, 0)
	wantText(t, "stdout (README's first text block)", r.stdout, doc.text[0])
	wantText(t, "stderr (README's second text block)", r.stderr, doc.text[1])
	for _, leak := range []string{"hunter2", "LEAKED", "UNEXPECTED", "root:"} {
		if strings.Contains(r.stdout, leak) {
			t.Errorf("stdout contains %q", leak)
		}
	}
	if d := denialLines(r.stderr); len(d) != 2 || !strings.Contains(d[0], "path_open /data/private/key.txt") || !strings.Contains(d[1], "sock_open") {
		t.Errorf("denial lines %q; want one for /data/private/key.txt and one for sock_open", d)
	}
	// The truncate through the escaping link reached nothing.
	c.wantSame(t, "host-secret.txt")
	c.wantSame(t, "data/private/key.txt")
	c.wantEntries(t, "scratch", ".gitignore")
}

// TestExampleGuestsCatchFailures runs the examples under manifests that
// grant too much: each guest must notice and fail, which is what makes
// its success above mean something.
func TestExampleGuestsCatchFailures(t *testing.T) {
	t.Parallel()
	root := buildExamples(t)
	tests := []struct {
		name, example string
		edit          func(manifest string) string
		code          int
		stdout        string // a line of stdout that must appear
	}{
		{"input mounted rw", "file-processor",
			func(m string) string { return strings.Replace(m, "guest: /in, mode: ro", "guest: /in, mode: rw", 1) },
			3, "create /in/summary.csv: UNEXPECTED: the read-only mount accepted a write"},
		{"no policy", "rego-narrowing",
			func(m string) string { return regexp.MustCompile(`(?m)^policy:\n(  .*\n)*`).ReplaceAllString(m, "") },
			1, "write /work/out/deploy.sh (new file)                 UNEXPECTED: got success, want EACCES"},
		{"net granted", "denied",
			func(m string) string { return m + "net: {connect: [\"tcp://127.0.0.1:9\"]}\n" },
			1, "sock_open inet/stream (for 127.0.0.1:9)            ok (0)  UNEXPECTED: want EACCES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := copyExample(t, root, tt.example)
			mf := filepath.Join(c.dir, "manifest.yaml")
			b, err := os.ReadFile(mf)
			if err != nil {
				t.Fatal(err)
			}
			edited := tt.edit(string(b))
			if edited == string(b) {
				t.Fatal("the edit changed nothing in manifest.yaml")
			}
			if err := os.WriteFile(mf, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			r := c.run(t, "bin/wasibox run -c examples/"+tt.example+"/manifest.yaml examples/"+tt.example+"/app.wasm")
			wantCode(t, r, tt.code)
			if !slices.Contains(strings.Split(r.stdout, "\n"), tt.stdout) {
				t.Errorf("stdout lacks the line %q:\n%s", tt.stdout, r.stdout)
			}
		})
	}
}

// TestExampleCheck reviews every example's manifest and module with
// `wasibox check`, which also runs the rego-narrowing rules' tests.
func TestExampleCheck(t *testing.T) {
	t.Parallel()
	root := buildExamples(t)
	for _, name := range testedExamples {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("examples", name)
			cmd := exec.CommandContext(t.Context(), filepath.Join(root, "bin", "wasibox"), "check",
				"--module", filepath.Join(dir, "app.wasm"), filepath.Join(dir, "manifest.yaml"))
			cmd.Dir = root
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("wasibox check: %v\n%s", err, out)
			}
			switch name {
			case "rego-narrowing":
				if !regexp.MustCompile(`\b4 passed, 0 failed\b`).Match(out) {
					t.Errorf("wasibox check did not report the 4 Rego tests passing:\n%s", out)
				}
			case "denied":
				if !strings.Contains(string(out), "sock_open") {
					t.Errorf("wasibox check did not report sock_open as not granted:\n%s", out)
				}
			}
		})
	}
}
