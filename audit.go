package wasibox

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wasibox/wasibox/guard"
	"github.com/wasibox/wasibox/policy"
)

// AuditLog writes every sensitive decision of a guard (guard.Config.Audit)
// as one JSON object per line, with the field names of OPA's decision logs
// where they fit, so that tools that read those (jq recipes, log pipelines,
// OPA's own decision-log consumers) read these:
//
//	{"decision_id":"5c1e...","timestamp":"2025-01-02T15:04:05.123456789Z",
//	 "path":"wasibox/path_open","op":"path_open",
//	 "input":{"access":{...},"follow":true,"mode":"ro","module":{"sha256":"..."},"mount":"/data","op":"path_open","path":"/data/in.csv"},
//	 "result":{"allow":true,"reason":""},
//	 "grant":"fs.mounts /data ro","object":"/data/in.csv",
//	 "labels":{"id":"...","module_sha256":"..."}}
//
// (one line in the file). decision_id is a UUID, unique per record;
// timestamp is RFC 3339 UTC with nanoseconds; path names the decision as
// OPA names the policy path it queried, "wasibox/" and the operation; input
// is the policy input envelope exactly as Rego sees it (policy.Input.Map);
// result is the decision (reason is empty when allowed); grant is, for an
// allowed call, the manifest grant that allowed it and, for a denied one,
// what would allow it or the rule that refused it (guard.Record.Grant);
// object is what the call named, as in the denial line on stderr; labels
// are the run's (id is the same on every record of one run, as an OPA
// instance's labels.id).
//
// Records are buffered and written whole: a line is never split across
// writes, so a reader never sees half a record, even if wasibox is killed.
// Call Close (or Flush) at exit. An AuditLog is safe for concurrent use.
type AuditLog struct {
	mu     sync.Mutex
	w      *bufio.Writer
	closer io.Closer // nil when the caller owns the writer
	labels []byte    // `"labels":{...}}` + "\n", encoded once
	run    [16]byte  // random; decision ids are derived from it
	seq    uint64
	rec    []byte // the record being built
	err    error  // the first write error; records after it are counted
	lost   int    // records not written because of err
	queued int    // records in the buffer
	now    func() time.Time
}

// auditBufferSize is the write buffer of an AuditLog: a path-heavy guest
// makes tens of thousands of decisions a second, and one write per record
// would cost more than the decision.
const auditBufferSize = 64 << 10

// NewAuditLog returns an AuditLog writing to w. labels are added to every
// record; "id" (a random run identifier) is set unless labels has one.
// Typical labels: "module_sha256", "manifest".
func NewAuditLog(w io.Writer, labels map[string]string) *AuditLog {
	l := &AuditLog{w: bufio.NewWriterSize(w, auditBufferSize), now: time.Now}
	if _, err := rand.Read(l.run[:]); err != nil {
		// crypto/rand does not fail on Linux; should it, ids stay unique
		// within the run (the sequence number) and the time tells runs apart.
		binary.BigEndian.PutUint64(l.run[:8], uint64(time.Now().UnixNano()))
	}
	all := map[string]string{"id": hex.EncodeToString(l.run[:8])}
	for k, v := range labels {
		all[k] = v
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := []byte(`"labels":{`)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, all[k])
	}
	l.labels = append(b, "}}\n"...)
	return l
}

// OpenAuditLog opens (creating it if needed, mode 0600: decisions name
// the files and hosts a module used) and appends to file: the records of
// successive runs accumulate, as a log's should.
func OpenAuditLog(file string, labels map[string]string) (*AuditLog, error) {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	l := NewAuditLog(f, labels)
	l.closer = f
	return l, nil
}

// Record writes one decision. It has the signature of guard.Config.Audit.
func (l *AuditLog) Record(r guard.Record) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	b := append(l.rec[:0], `{"decision_id":"`...)
	b = l.appendID(b, l.seq)
	b = append(b, `","timestamp":"`...)
	b = now.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","path":`...)
	b = appendJSONString(b, "wasibox/"+r.Input.Op)
	b = append(b, `,"op":`...)
	b = appendJSONString(b, r.Input.Op)
	b = append(b, `,"input":`...)
	b = AppendInputJSON(b, &r.Input)
	b = append(b, `,"result":{"allow":`...)
	b = strconv.AppendBool(b, r.Allow)
	b = append(b, `,"reason":`...)
	b = appendJSONString(b, r.Reason)
	b = append(b, `},"grant":`...)
	b = appendJSONString(b, r.Grant)
	b = append(b, `,"object":`...)
	b = appendJSONString(b, r.Object)
	b = append(b, ',')
	b = append(b, l.labels...)
	l.rec = b
	if cap(l.rec) > 64<<10 {
		l.rec = nil // a huge path grew it; do not keep it
	}
	if l.err != nil {
		l.lost++
		return
	}
	// Whole records only: flush what is buffered first if this one does
	// not fit, so that every write(2) ends at a line boundary.
	if len(b) > l.w.Available() && l.w.Buffered() > 0 {
		if l.err = l.w.Flush(); l.err != nil {
			l.lost += l.queued + 1
			return
		}
		l.queued = 0
	}
	if _, l.err = l.w.Write(b); l.err != nil {
		l.lost += l.queued + 1
		return
	}
	if l.w.Buffered() > 0 {
		l.queued++ // else it was larger than the buffer and written directly
	}
}

// appendID appends a version 4 UUID made of the run's random bits and seq:
// unique within the run, and random across runs.
func (l *AuditLog) appendID(b []byte, seq uint64) []byte {
	id := l.run
	binary.BigEndian.PutUint64(id[8:], binary.BigEndian.Uint64(id[8:])^seq)
	id[6] = id[6]&0x0f | 0x40 // version 4
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	var s [36]byte
	hex.Encode(s[0:8], id[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], id[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], id[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], id[8:10])
	s[23] = '-'
	hex.Encode(s[24:], id[10:])
	return append(b, s[:]...)
}

// Flush writes the buffered records. It returns the first write error, if
// any, with the number of records lost since.
func (l *AuditLog) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.flushLocked()
}

func (l *AuditLog) flushLocked() error {
	if l.err == nil {
		if l.err = l.w.Flush(); l.err != nil {
			l.lost += l.queued
		}
		l.queued = 0
	}
	if l.err != nil {
		return fmt.Errorf("audit log: %w (%d records lost)", l.err, l.lost)
	}
	return nil
}

// TryFlush flushes unless a record is being written at this moment. It is
// for an exit that cannot wait (a second SIGINT).
func (l *AuditLog) TryFlush() {
	if l.mu.TryLock() {
		l.flushLocked() //nolint:errcheck // exiting anyway
		l.mu.Unlock()
	}
}

// Close flushes the log and closes the file OpenAuditLog opened. Records
// after Close are lost (and counted); a second Close does nothing more.
func (l *AuditLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	err := l.flushLocked()
	if l.closer != nil {
		err = errors.Join(err, l.closer.Close())
		l.closer = nil
	}
	return err
}

// AppendInputJSON appends in as the JSON object that policy.Input.Map
// describes (what `input` is in Rego), members in sorted order as
// encoding/json writes a map, without building the map.
func AppendInputJSON(b []byte, in *policy.Input) []byte {
	b = append(b, '{')
	if policy.IsPathOp(in.Op) {
		// Sorted: access, follow, mode, module, mount, new_path, op, path, target.
		if in.Op == "path_open" {
			a := in.Access
			b = append(b, `"access":{"create":`...)
			b = strconv.AppendBool(b, a.Create)
			b = append(b, `,"directory":`...)
			b = strconv.AppendBool(b, a.Directory)
			b = append(b, `,"read":`...)
			b = strconv.AppendBool(b, a.Read)
			b = append(b, `,"truncate":`...)
			b = strconv.AppendBool(b, a.Truncate)
			b = append(b, `,"write":`...)
			b = strconv.AppendBool(b, a.Write)
			b = append(b, "},"...)
		}
		b = append(b, `"follow":`...)
		b = strconv.AppendBool(b, in.Follow)
		b = append(b, `,"mode":`...)
		b = appendJSONString(b, in.Mode)
		b = appendModule(b, in.Module)
		b = append(b, `,"mount":`...)
		b = appendJSONString(b, in.Mount)
		if in.Op == "path_rename" || in.Op == "path_link" {
			b = append(b, `,"new_path":`...)
			b = appendJSONString(b, in.NewPath)
		}
		b = append(b, `,"op":`...)
		b = appendJSONString(b, in.Op)
		b = append(b, `,"path":`...)
		b = appendJSONString(b, in.Path)
		if in.Op == "path_symlink" {
			b = append(b, `,"target":`...)
			b = appendJSONString(b, in.Target)
		}
		return append(b, '}')
	}
	// Sorted: addr, family, module, name, op, port, proto.
	b = append(b, `"addr":`...)
	b = appendJSONString(b, in.Addr)
	b = append(b, `,"family":`...)
	b = appendJSONString(b, in.Family)
	b = appendModule(b, in.Module)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, in.Name)
	b = append(b, `,"op":`...)
	b = appendJSONString(b, in.Op)
	b = append(b, `,"port":`...)
	b = strconv.AppendInt(b, int64(in.Port), 10)
	b = append(b, `,"proto":`...)
	b = appendJSONString(b, in.Proto)
	return append(b, '}')
}

func appendModule(b []byte, sha string) []byte {
	b = append(b, `,"module":{"sha256":`...)
	b = appendJSONString(b, sha)
	return append(b, '}')
}

// appendJSONString appends s as a JSON string, as encoding/json does:
// invalid UTF-8 becomes U+FFFD, and <, >, &, U+2028 and U+2029 are
// escaped so that a record is safe to embed anywhere. Guest paths are
// hostile: nothing in them can break a line or a record.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
