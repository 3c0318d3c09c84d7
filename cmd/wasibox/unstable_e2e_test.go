package main

// WASI preview 0 ("wasi_unstable") guests through the wasibox binary:
// testdata/unstable_hello.wat imports only from wasi_unstable, prints, reads
// a mounted file using the preview 0 filestat and whence, and exits with 7.
// The trace, the guard and a manifest see the same calls as for a preview 1
// guest.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const unstableOut = "hello from wasi_unstable\nthe mounted file says hi\n hi\n"

func unstableData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "msg.txt"), []byte("the mounted file says hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestUnstableRun(t *testing.T) {
	guest := watGuest(t, "unstable_hello")
	data := unstableData(t)

	t.Run("mounted", func(t *testing.T) {
		r := runWasibox(t, "run", "--dir", data+":/data:ro", guest)
		if r.code != 7 || r.stdout != unstableOut {
			t.Fatalf("exit %d, stdout %q, want 7 and %q; stderr %q", r.code, r.stdout, unstableOut, r.stderr)
		}
	})

	t.Run("no_mount", func(t *testing.T) {
		// Nothing granted: fd_prestat_get(3) fails and the guest exits 11
		// after its greeting.
		r := runWasibox(t, "run", guest)
		if r.code != 11 || r.stdout != "hello from wasi_unstable\n" {
			t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("trace", func(t *testing.T) {
		// The trace shows preview 1's meaning of the preview 0 calls:
		// whence 1 is end, whence 0 is cur.
		r := runWasibox(t, "run", "--trace", "--dir", data+":/data:ro", guest)
		if r.code != 7 || r.stdout != unstableOut {
			t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
		for _, want := range []string{
			"fd_seek(fd=4, offset=-4, whence=end) => newoffset=21 ESUCCESS",
			"fd_seek(fd=4, offset=0, whence=cur) => newoffset=21 ESUCCESS",
			"fd_filestat_get(fd=4) => stat={type=regular_file size=25 ",
			"proc_exit(rval=7)",
		} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("trace lacks %q:\n%s", want, r.stderr)
			}
		}
	})

	t.Run("manifest", func(t *testing.T) {
		// A manifest means the same for a preview 0 guest: the mount
		// grants the read, a deny rule refuses it.
		dir := t.TempDir()
		for name, deny := range map[string]string{"allow.yaml": "[]", "deny.yaml": `["**/msg.txt"]`} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte("version: 1\nfs:\n  mounts: [{host: "+data+
				", guest: /data, mode: ro}]\n  deny: "+deny+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if r := runWasibox(t, "run", "-c", filepath.Join(dir, "allow.yaml"), guest); r.code != 7 || r.stdout != unstableOut {
			t.Errorf("allowed: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
		r := runWasibox(t, "run", "-c", filepath.Join(dir, "deny.yaml"), "--stats", guest)
		if r.code != 12 || r.stdout != "hello from wasi_unstable\n" {
			t.Errorf("denied: exit %d (want 12: path_open refused), stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
		if f := statsRow(t, r.stderr, "path_open"); len(f) != 7 || f[3] != "1" || f[5] != "1" {
			t.Errorf("path_open stats row %q: want 1 call, 1 denial", f)
		}
	})
}

// unstableWAT compiles WAT source into t.TempDir() and returns the path.
func unstableWAT(t *testing.T, name, src string) string {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, name+".wat"), filepath.Join(dir, name+".wasm")
	if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("wat2wasm", "-o", out, in).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm: %v\n%s", err, b)
	}
	return out
}

// TestUnstableInspect: inspect reports preview 0 imports as linkable
// ("preview0"), grouped by capability like preview 1's, with a note; the
// functions preview 0 lacks and wrong signatures cannot link; and the
// verdicts agree with hostabi's real linking.
func TestUnstableInspect(t *testing.T) {
	guest := watGuest(t, "unstable_hello")
	rep := inspectFile(t, guest)
	if !rep.Linkable || len(rep.Problems) != 0 {
		t.Fatalf("not linkable: %+v", rep.Problems)
	}
	for _, im := range rep.Imports {
		if im.Module != "wasi_unstable" || im.ABI != "preview0" || !im.Linkable {
			t.Errorf("import %+v", im)
		}
	}
	want := map[string][]string{
		"files":   {"fd_write", "fd_read", "fd_prestat_get", "path_open", "fd_filestat_get", "fd_seek"},
		"process": {"proc_exit"},
	}
	if got := groupsOf(rep); !equalGroups(got, want) {
		t.Errorf("groups %v, want %v", got, want)
	}
	if got := sectionsOf(rep); !slices.Equal(got, []string{"fs.mounts", "stdio"}) {
		t.Errorf("manifest sections %q", got)
	}
	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "WASI preview 0") {
		t.Errorf("notes %q", rep.Notes)
	}
	if text := rep.text(); !strings.Contains(text, "imports: 7, all from wasi_unstable\n") {
		t.Errorf("text:\n%s", text)
	}
	if err := linkWithHostabi(t, guest); err != nil {
		t.Errorf("does not link: %v", err)
	}

	// The binary's JSON says the same.
	r := runWasibox(t, "inspect", "--format", "json", guest)
	var js struct {
		Linkable bool
		Imports  []struct{ ABI string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &js); err != nil || r.code != 0 || !js.Linkable || len(js.Imports) != 7 || js.Imports[0].ABI != "preview0" {
		t.Errorf("inspect --format json: exit %d, %v, %+v", r.code, err, js)
	}

	mixed := unstableWAT(t, "mixed", `(module
  (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "sock_recv" (func (param i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))`)
	rep = inspectFile(t, mixed)
	if !rep.Linkable || rep.SocketABI != "preview0" || linkWithHostabi(t, mixed) != nil {
		t.Errorf("mixed: linkable %v, sockets %q, problems %+v", rep.Linkable, rep.SocketABI, rep.Problems)
	}
	if text := rep.text(); strings.Contains(text, "all from") {
		t.Errorf("mixed imports said to come from one module:\n%s", text)
	}

	bad := unstableWAT(t, "bad", `(module
  (import "wasi_unstable" "sock_accept" (func (param i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))`)
	rep = inspectFile(t, bad)
	wantProblems := map[string]string{
		"wasi_unstable.sock_accept": `wasi_unstable (WASI preview 0) has no function "sock_accept"`,
		"wasi_unstable.fd_seek":     "signature (i32, i32, i32, i32) -> i32 does not match (i32, i64, i32, i32) -> i32 (preview0)",
	}
	if rep.Linkable || len(rep.Problems) != len(wantProblems) {
		t.Errorf("bad: linkable %v, problems %+v", rep.Linkable, rep.Problems)
	}
	for _, p := range rep.Problems {
		if p.Message != wantProblems[p.Import] {
			t.Errorf("%s: %q, want %q", p.Import, p.Message, wantProblems[p.Import])
		}
	}
	if linkWithHostabi(t, bad) == nil {
		t.Error("bad links")
	}
}

// TestUnstableCheck: check --module counts preview 0 imports and grants
// them as preview 1's; a function preview 0 lacks is an unknown import.
func TestUnstableCheck(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(dir, "m.yaml")
	if err := os.WriteFile(manifest, []byte("version: 1\nfs:\n  mounts: [{host: "+unstableData(t)+", guest: /data, mode: ro}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runWasibox(t, "check", "--module", watGuest(t, "unstable_hello"), manifest)
	if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "7 imports") {
		t.Errorf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	bad := unstableWAT(t, "accept", `(module
  (import "wasi_unstable" "sock_accept" (func (param i32 i32 i32) (result i32)))
  (func (export "_start")))`)
	r = runWasibox(t, "check", "--module", bad, manifest)
	if out := r.stdout + r.stderr; r.code == 0 || !strings.Contains(out, "imports wasi_unstable.sock_accept, which wasibox does not provide") ||
		!strings.Contains(out, "[unknown_import]") {
		t.Errorf("check of a preview 0 sock_accept import: exit %d\n%s", r.code, out)
	}
}

// TestUnstableRunFileNamedAfterHost: a guest file named wasi_unstable.wasm
// is not given the host module's name (wazero refuses two modules of one
// name), as for wasi_snapshot_preview1.wasm.
func TestUnstableRunFileNamedAfterHost(t *testing.T) {
	b, err := os.ReadFile(watGuest(t, "unstable_hello"))
	if err != nil {
		t.Fatal(err)
	}
	guest := filepath.Join(t.TempDir(), "wasi_unstable.wasm")
	if err := os.WriteFile(guest, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runWasibox(t, "run", "--dir", unstableData(t)+":/data:ro", guest); r.code != 7 || r.stdout != unstableOut {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
