package wasibox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasibox/wasibox/guard"
	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/wasi"
)

// TestAppendInputJSONMatchesMap: the audit record's input is byte for byte
// what encoding/json makes of policy.Input.Map (what Rego sees), hostile
// strings included.
func TestAppendInputJSONMatchesMap(t *testing.T) {
	hostile := "a\nb\"c\\d<e>f&g\x01h\x7fi\xffj\u2028k\u2029l\tm\rn é 日本"
	tests := []struct {
		name string
		in   policy.Input
	}{
		{name: "path_open", in: policy.Input{Op: "path_open", Path: "/data/x.txt", Mount: "/data", Mode: "ro", Follow: true,
			Access: policy.Access{Read: true, Create: true, Directory: true}, Module: "abc"}},
		{name: "path_open write", in: policy.Input{Op: "path_open", Path: "/out/y", Mount: "/out", Mode: "rw",
			Access: policy.Access{Write: true, Truncate: true}}},
		{name: "path_rename", in: policy.Input{Op: "path_rename", Path: "/a", NewPath: "/b", Mount: "/", Mode: "rw"}},
		{name: "path_link", in: policy.Input{Op: "path_link", Path: "/a", NewPath: "/b"}},
		{name: "path_symlink", in: policy.Input{Op: "path_symlink", Path: "/l", Target: "../etc/passwd"}},
		{name: "path_unlink_file", in: policy.Input{Op: "path_unlink_file", Path: "/x", Target: "ignored", NewPath: "ignored"}},
		{name: "sock_connect", in: policy.Input{Op: "sock_connect", Proto: "tcp", Family: "inet", Addr: "10.1.2.3", Port: 443, Name: "api.example.com", Module: "m"}},
		{name: "sock_getaddrinfo", in: policy.Input{Op: "sock_getaddrinfo", Name: "example.com"}},
		{name: "sock_open", in: policy.Input{Op: "sock_open", Proto: "udp", Family: "inet6", Port: -1}},
		{name: "hostile path", in: policy.Input{Op: "path_open", Path: hostile, Mount: hostile, Mode: hostile, Module: hostile}},
		{name: "hostile target", in: policy.Input{Op: "path_symlink", Path: hostile, Target: hostile}},
		{name: "hostile name", in: policy.Input{Op: "sock_getaddrinfo", Name: hostile, Addr: hostile}},
		{name: "empty", in: policy.Input{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.in.Map())
			if err != nil {
				t.Fatal(err)
			}
			if got := AppendInputJSON(nil, &tt.in); !bytes.Equal(got, want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", "\x00\x1f", "\"\\", "<>&", "\xff\xfe", "a\xe2\x80", "\u2028\u2029", "日本語", "\U0001F600"} {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	}
}

// auditFixture is a guarded System over a temporary folder, with an
// AuditLog writing to a buffer.
type auditFixture struct {
	m    *policy.Manifest
	sys  *System
	buf  *bytes.Buffer
	log  *AuditLog
	port uint16 // a loopback port the manifest grants (a listener is there)
}

func newAuditFixture(t *testing.T, extra string) *auditFixture {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"in.txt", "key.pem"} {
		if err := os.WriteFile(filepath.Join(data, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	manifest := "version: 1\n" +
		"fs:\n  mounts: [{host: ./data, guest: /data, mode: ro}]\n  deny: [\"**/*.pem\"]\n" +
		"net:\n  connect: [\"tcp://127.0.0.1:" + strconv.Itoa(int(port)) + "\"]\n" + extra
	file := filepath.Join(dir, "manifest.yaml")
	if err := os.WriteFile(file, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := policy.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	f := &auditFixture{m: m, buf: &bytes.Buffer{}, port: port}
	f.log = NewAuditLog(f.buf, map[string]string{"module_sha256": "feed"})
	f.sys, err = NewSystem(t.Context(), Options{
		Manifest: m, HostEnv: []string{}, DenyLog: io.Discard,
		Audit: f.log.Record, ModuleSHA256: "feed",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.sys.Close(context.Background()) })
	return f
}

// auditRecord is one decoded line.
type auditRecord struct {
	DecisionID string         `json:"decision_id"`
	Timestamp  string         `json:"timestamp"`
	Path       string         `json:"path"`
	Op         string         `json:"op"`
	Input      map[string]any `json:"input"`
	Result     struct {
		Allow  *bool   `json:"allow"`
		Reason *string `json:"reason"`
	} `json:"result"`
	Grant  *string           `json:"grant"`
	Object string            `json:"object"`
	Labels map[string]string `json:"labels"`
}

func decodeAudit(t *testing.T, b []byte) []auditRecord {
	t.Helper()
	var out []auditRecord
	for i, line := range strings.SplitAfter(string(b), "\n") {
		if line == "" {
			continue
		}
		if !strings.HasSuffix(line, "\n") {
			t.Fatalf("line %d is not terminated: %q", i+1, line)
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		var r auditRecord
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		out = append(out, r)
	}
	return out
}

var uuidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestAuditLogRecords(t *testing.T) {
	f := newAuditFixture(t, "")
	ctx := t.Context()
	s := f.sys
	const dataFD = 3
	fd, errno := s.PathOpen(ctx, dataFD, 0, "in.txt", 0, wasi.FDReadRight, 0, 0)
	if errno != wasi.ESUCCESS {
		t.Fatalf("open in.txt: %v", errno)
	}
	s.FDClose(ctx, fd)
	if _, errno := s.PathOpen(ctx, dataFD, 0, "key.pem", 0, wasi.FDReadRight, 0, 0); errno != wasi.EACCES {
		t.Fatalf("open key.pem: %v, want EACCES", errno)
	}
	sock, errno := s.SockOpen(ctx, wasi.InetFamily, wasi.StreamSocket, 0, wasi.SocketRights, wasi.SocketRights)
	if errno != wasi.ESUCCESS {
		t.Fatalf("sock_open: %v", errno)
	}
	granted := wasi.SockAddr{Family: wasi.InetFamily, Addr: netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), f.port)}
	if errno := s.SockConnect(ctx, sock, granted); errno != wasi.ESUCCESS {
		t.Fatalf("sock_connect to the granted address: %v", errno)
	}
	sock2, _ := s.SockOpen(ctx, wasi.InetFamily, wasi.StreamSocket, 0, wasi.SocketRights, wasi.SocketRights)
	other := wasi.SockAddr{Family: wasi.InetFamily, Addr: netip.MustParseAddrPort("10.1.2.3:80")}
	if errno := s.SockConnect(ctx, sock2, other); errno != wasi.EACCES {
		t.Fatalf("sock_connect to 10.1.2.3:80: %v, want EACCES", errno)
	}
	if err := f.log.Close(); err != nil {
		t.Fatal(err)
	}

	recs := decodeAudit(t, f.buf.Bytes())
	connectPort := float64(f.port)
	tests := []struct {
		name      string
		op        string
		object    string
		allow     bool
		grant     string // exact
		reason    string // substring; "" = must be empty
		inputPath string
		input     map[string]any // members that must be there
	}{
		{name: "allowed open", op: "path_open", object: "/data/in.txt", allow: true, grant: "fs.mounts /data ro",
			input: map[string]any{"path": "/data/in.txt", "mount": "/data", "mode": "ro",
				"access": map[string]any{"read": true, "write": false, "create": false, "truncate": false, "directory": false}}},
		{name: "denied open", op: "path_open", object: "/data/key.pem", grant: "fs.deny wins over fs.mounts",
			reason: `fs.deny "**/*.pem"`, input: map[string]any{"path": "/data/key.pem"}},
		{name: "allowed socket", op: "sock_open", object: "tcp/inet", allow: true, grant: "net",
			input: map[string]any{"proto": "tcp", "family": "inet"}},
		{name: "allowed connect", op: "sock_connect", object: "tcp://127.0.0.1:" + strconv.Itoa(int(f.port)), allow: true,
			grant: `net.connect "tcp://127.0.0.1:` + strconv.Itoa(int(f.port)) + `"`,
			input: map[string]any{"addr": "127.0.0.1", "port": connectPort, "proto": "tcp"}},
		{name: "denied connect", op: "sock_connect", object: "tcp://10.1.2.3:80",
			grant: `grant: net.connect "tcp://10.1.2.3:80"`, reason: "no net.connect grant matches",
			input: map[string]any{"addr": "10.1.2.3", "port": float64(80)}},
	}
	// The second sock_open (allowed) is in between; match by op and object.
	find := func(op, object string) *auditRecord {
		for i := range recs {
			if recs[i].Op == op && recs[i].Object == object {
				return &recs[i]
			}
		}
		return nil
	}
	ids := map[string]bool{}
	for _, r := range recs {
		if !uuidRe.MatchString(r.DecisionID) || ids[r.DecisionID] {
			t.Errorf("decision_id %q: want a UUID, unique per record", r.DecisionID)
		}
		ids[r.DecisionID] = true
		if ts, err := time.Parse(time.RFC3339Nano, r.Timestamp); err != nil || ts.Location() != time.UTC {
			t.Errorf("timestamp %q: want RFC 3339 UTC (%v)", r.Timestamp, err)
		}
		if r.Path != "wasibox/"+r.Op || r.Input["op"] != r.Op {
			t.Errorf("path %q, input.op %v for op %q", r.Path, r.Input["op"], r.Op)
		}
		if r.Labels["module_sha256"] != "feed" || r.Labels["id"] != recs[0].Labels["id"] || r.Labels["id"] == "" {
			t.Errorf("labels %v: want module_sha256 and the run's id", r.Labels)
		}
		if mod, _ := r.Input["module"].(map[string]any); mod["sha256"] != "feed" {
			t.Errorf("input.module %v", r.Input["module"])
		}
		if r.Result.Allow == nil || r.Result.Reason == nil || r.Grant == nil {
			t.Errorf("record %+v lacks result.allow, result.reason or grant", r)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := find(tt.op, tt.object)
			if r == nil {
				t.Fatalf("no record for %s %s in\n%s", tt.op, tt.object, f.buf.Bytes())
			}
			if *r.Result.Allow != tt.allow || *r.Grant != tt.grant {
				t.Errorf("allow %v grant %q, want %v %q", *r.Result.Allow, *r.Grant, tt.allow, tt.grant)
			}
			if tt.reason == "" && *r.Result.Reason != "" || !strings.Contains(*r.Result.Reason, tt.reason) {
				t.Errorf("reason %q, want %q", *r.Result.Reason, tt.reason)
			}
			for k, want := range tt.input {
				got, _ := json.Marshal(r.Input[k])
				w, _ := json.Marshal(want)
				if !bytes.Equal(got, w) {
					t.Errorf("input.%s = %s, want %s", k, got, w)
				}
			}
		})
	}
}

// TestAuditLogManifest: audit.log in the manifest (relative to its
// folder) is opened by NewSystem, gets the records Options.Audit gets, is
// flushed by Close, appended to by each run, and has mode 0600.
func TestAuditLogManifest(t *testing.T) {
	f := newAuditFixture(t, "audit: {log: ./audit.jsonl}\n")
	m := f.m
	if filepath.Base(m.AuditLog) != "audit.jsonl" || filepath.Dir(m.AuditLog) != m.Dir {
		t.Fatalf("Manifest.AuditLog = %q, want audit.jsonl in %s", m.AuditLog, m.Dir)
	}
	f.sys.PathOpen(t.Context(), 3, 0, "key.pem", 0, wasi.FDReadRight, 0, 0)
	if err := f.sys.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(m.AuditLog)
	if err != nil {
		t.Fatal(err)
	}
	recs := decodeAudit(t, b)
	if len(recs) != 1 || recs[0].Op != "path_open" || *recs[0].Result.Allow {
		t.Fatalf("%d records, want the one denial:\n%s", len(recs), b)
	}
	if recs[0].Labels["manifest"] != m.File || recs[0].Labels["module_sha256"] != "feed" {
		t.Errorf("labels %v", recs[0].Labels)
	}
	if st, _ := os.Stat(m.AuditLog); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	f.log.Close()
	if !strings.Contains(f.buf.String(), `"object":"/data/key.pem"`) {
		t.Errorf("Options.Audit did not get the record too: %s", f.buf.String())
	}

	// A second run appends.
	s, err := NewSystem(t.Context(), Options{Manifest: m, HostEnv: []string{}, DenyLog: io.Discard, ModuleSHA256: "feed"})
	if err != nil {
		t.Fatal(err)
	}
	s.PathOpen(t.Context(), 3, 0, "key.pem", 0, wasi.FDReadRight, 0, 0)
	s.Close(t.Context())
	b, _ = os.ReadFile(m.AuditLog)
	if n := len(decodeAudit(t, b)); n != 2 {
		t.Fatalf("after a second run: %d records, want 2 (appended)", n)
	}
}

// writeLog records every Write, to check that records are never split.
type writeLog struct {
	mu     sync.Mutex
	writes [][]byte
	fail   error
}

func (w *writeLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fail != nil {
		return 0, w.fail
	}
	w.writes = append(w.writes, bytes.Clone(p))
	return len(p), nil
}

// TestAuditLogWholeRecords: concurrent records, more than one buffer's
// worth, one of them larger than the buffer: every write ends at a line
// boundary, every line is a record, every id unique.
func TestAuditLogWholeRecords(t *testing.T) {
	w := &writeLog{}
	l := NewAuditLog(w, nil)
	const goroutines, each = 4, 500
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				p := "/data/" + strings.Repeat("x", (g*each+i)%300)
				if g == 0 && i == 0 {
					p = strings.Repeat("y", auditBufferSize+10)
				}
				l.Record(guard.Record{Input: policy.Input{Op: "path_open", Path: p}, Object: p, Allow: i%2 == 0})
			}
		}()
	}
	wg.Wait()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if len(w.writes) < 3 {
		t.Fatalf("%d writes; want the buffer flushed several times", len(w.writes))
	}
	var all []byte
	for i, b := range w.writes {
		if len(b) == 0 || b[len(b)-1] != '\n' {
			t.Fatalf("write %d does not end a line (%d bytes)", i, len(b))
		}
		all = append(all, b...)
	}
	recs := decodeAudit(t, all)
	if len(recs) != goroutines*each {
		t.Fatalf("%d records, want %d", len(recs), goroutines*each)
	}
	ids := map[string]bool{}
	for _, r := range recs {
		if ids[r.DecisionID] {
			t.Fatalf("decision_id %s repeated", r.DecisionID)
		}
		ids[r.DecisionID] = true
	}
}

func TestAuditLogWriteError(t *testing.T) {
	w := &writeLog{fail: errors.New("disk full")}
	l := NewAuditLog(w, nil)
	for range 3 {
		l.Record(guard.Record{Input: policy.Input{Op: "path_open"}})
	}
	err := l.Close()
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "3 records lost") {
		t.Fatalf("Close: %v, want the write error and 3 records lost", err)
	}
}

func BenchmarkAuditLogRecord(b *testing.B) {
	l := NewAuditLog(io.Discard, map[string]string{"module_sha256": strings.Repeat("a", 64)})
	r := guard.Record{Input: policy.Input{Op: "path_open", Path: "/data/some/file.txt", Mount: "/data", Mode: "ro",
		Access: policy.Access{Read: true}, Follow: true, Module: strings.Repeat("a", 64)}, Object: "/data/some/file.txt", Allow: true, Grant: "fs.mounts /data ro"}
	b.ReportAllocs()
	for b.Loop() {
		l.Record(r)
	}
}
