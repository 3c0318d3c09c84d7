package guard

import (
	"fmt"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// A policy that errors, runs out of time, is undefined or conflicts
// denies (fail closed); a policy never widens the manifest.
func TestPolicyFailsClosed(t *testing.T) {
	tests := []struct {
		name   string
		rego   string
		path   string
		reason string // in the denial line
	}{
		{"built-in error", `package wasibox
deny contains "never" if {
	input.op == "path_open"
	to_number(input.path) < 0
}`, "pub/a.txt", "policy error (denied)"},
		{"loop", `package wasibox
deny contains "never" if {
	input.op == "path_open"
	n := 2000 + count(input.path)
	some i in numbers.range(1, n)
	some j in numbers.range(1, n)
	some k in numbers.range(1, n)
	i * j * k == -1
}`, "pub/a.txt", "policy error (denied)"},
		{"undefined allow", `package wasibox
allow if input.path == "/data/pub/b.sh"
`, "pub/a.txt", "allow is not true"},
		{"deny not a set", `package wasibox
deny := 5
`, "pub/a.txt", "not a set"},
		{"conflict", `package wasibox
verdict := "a" if input.op == "path_open"
verdict := "b" if input.path != ""
deny contains verdict if input.op == "path_open"
`, "pub/a.txt", "policy error (denied)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, setup{tree: pathTree, manifest: pathManifest, rego: tt.rego})
			errno := open(tt.path, follow, 0, readRights)(h, h.fd("/data"))
			h.wantDenied(t, errno, "path_open", "/data/"+tt.path, tt.reason)
		})
	}
}

// A policy can only narrow: one that allows everything leaves fs.deny,
// read-only mounts and the network grants as they are.
func TestPolicyCannotWiden(t *testing.T) {
	h := newHarness(t, setup{tree: pathTree, manifest: pathManifest + "net: {connect: [\"tcp://127.0.0.1:80\"]}\n", rego: `package wasibox
allow := true
deny := set()
`})
	h.wantDenied(t, open("private/secret.txt", follow, 0, readRights)(h, h.fd("/data")), "path_open", "/data/private/secret.txt", "fs.deny")
	h.wantErrno(t, open("r.txt", follow, 0, writeRights)(h, h.fd("/ro")), wasi.EROFS)
	fd := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
	h.wantDenied(t, h.sys.SockConnect(h.ctx, fd, inet("127.0.0.1:81")), "sock_connect", "tcp://127.0.0.1:81", "no net.connect grant")
}

// How decisions are reached: constant-folded operations never reach OPA,
// path rules are decided natively, anything else is evaluated once per
// distinct input and then cached.
func TestPolicyDecisionPaths(t *testing.T) {
	h := newHarness(t, setup{tree: pathTree, manifest: pathManifest, rego: pathPolicy + `
deny contains "odd" if {
	input.op == "path_filestat_get"
	object.get(input, "path", "") == "/data/pub/odd"
}
`})
	fd := h.fd("/data")
	for i := range 3 {
		for _, p := range []string{"pub/a.txt", "pub/sub/f.txt"} {
			h.wantErrno(t, open(p, follow, 0, readRights)(h, fd), wasi.ESUCCESS)
			_, errno := h.sys.PathFileStatGet(h.ctx, fd, 0, p)
			h.wantErrno(t, errno, wasi.ESUCCESS)
		}
		h.wantErrno(t, h.sys.PathCreateDirectory(h.ctx, fd, fmt.Sprintf("pub/d%d", i)), wasi.ESUCCESS)
	}
	st := h.eng.Stats()
	// path_open: native; path_filestat_get: 2 evaluations, then cached;
	// path_create_directory: the vault rule is native for every op.
	if st.Evaluated != 2 || st.Cached != 4 || st.Native < 6 {
		t.Errorf("stats %+v: want 2 evaluated, 4 cached, at least 6 native", st)
	}
}
