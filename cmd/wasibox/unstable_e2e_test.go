package main

// WASI preview 0 ("wasi_unstable") guests through the wasibox binary:
// testdata/unstable_hello.wat imports only from wasi_unstable, prints, reads
// a mounted file using the preview 0 filestat and whence, and exits with 7.
// The trace, the guard and a manifest see the same calls as for a preview 1
// guest.

import (
	"os"
	"path/filepath"
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
