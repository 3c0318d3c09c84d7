package wasi

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Trace returns a System that forwards every call to sys and writes one
// line per call to w, after the call returns, for example
//
//	fd_write(fd=1, iovs=[12B]) => nwritten=12 ESUCCESS (1.2µs)
//	path_open(fd=3, dirflags=symlink_follow, path="data/in.csv", oflags=0, base=fd_read|fd_seek, inheriting=0, fdflags=0) => fd=4 ESUCCESS [allow fs.mounts] (6.3µs)
//
// or, with TraceWithFormat(TraceJSON), one JSON object per line:
//
//	{"ts":"2025-01-02T15:04:05.123456789Z","call":"fd_write","args":{"fd":1,"iovs":{"len":12,"count":1}},"result":{"nwritten":12},"errno":"ESUCCESS","dur_ns":1200}
//
// Function names are the import names of the spec (and of the WasmEdge
// socket extensions). Strings and paths are quoted (Go syntax in text,
// JSON in JSON), so a guest cannot forge a line with a newline or a
// terminal escape, and shortened to TraceMaxString bytes; byte payloads are
// summarised by their length, optionally followed by a prefix
// (TracePayload). environ_get lists variable names only, since values are
// often secrets. A sensitive call that a policy layer below decided (see
// RecordDecision) shows the decision.
//
// Each line is built in a buffer owned by the tracer and written with a
// single Write, so it never interleaves with other output to w (a guest's
// stderr, say) and is never split. Writer errors are ignored: tracing must
// not change what the guest sees.
//
// The returned System has the concurrency of sys: formatting and writing
// are serialised by a mutex, which is never held while sys runs, so a call
// that blocks (poll_oneoff, a read on stdin) does not delay the line of a
// Close made from another goroutine. A System that is not wrapped pays
// nothing for the existence of Trace.
func Trace(sys System, w io.Writer, opts ...TraceOption) System {
	t := &tracer{sys: sys, w: w, cfg: traceConfig{maxString: DefaultTraceMaxString, durations: true}, epoch: time.Now()}
	for _, o := range opts {
		o(&t.cfg)
	}
	t.json = t.cfg.format == TraceJSON
	if t.cfg.payload > 0 {
		t.scratch = make([]byte, t.cfg.payload)
	}
	t.buf = make([]byte, 0, 256)
	t.dctx = &decisionCtx{}
	return t
}

// DefaultTraceMaxString is the default TraceMaxString.
const DefaultTraceMaxString = 128

// maxTraceList caps the elements shown of a list (args, subscriptions,
// events, addresses); the rest are counted.
const maxTraceList = 16

// TraceFormat selects how Trace encodes a line.
type TraceFormat uint8

// Trace formats.
const (
	// TraceText writes name(arg=value, ...) => result=value ERRNO [decision] (duration).
	TraceText TraceFormat = iota
	// TraceJSON writes one JSON object per line, with the members
	//
	//	ts        RFC 3339 UTC time the call began, nanoseconds (omitted without durations)
	//	call      the function name, as in text
	//	args      the arguments: {"name": value, ...}, the names of the text format
	//	result    the results other than the errno: {"name": value, ...}, maybe {}
	//	decision  {"allow": bool, "grant": string, "reason": string}, only for a decided call
	//	errno     the errno's name, e.g. "ESUCCESS"
	//	dur_ns    the call's duration in nanoseconds (omitted without durations)
	//
	// Values: descriptors and integers are numbers; enumerations are
	// strings, or numbers when the value has no name; bit sets (flags,
	// rights) are arrays of names, unknown bits as one "0x..." string;
	// strings are JSON strings, invalid UTF-8 replaced by U+FFFD, and end
	// with "…(NB)" when shortened, N their length in bytes; buffers are
	// {"len": bytes} (iovecs add "count" and, with TracePayload, "data");
	// addresses are "ip:port", "[ip6]:port", "unix:path" or null; lists
	// longer than 16 elements are cut and a member "<name>_more" counts the
	// rest. Member order is fixed, so lines can be compared as text.
	TraceJSON
)

// String returns "text" or "json".
func (f TraceFormat) String() string {
	if f == TraceJSON {
		return "json"
	}
	return "text"
}

// ParseTraceFormat returns the format named "text" or "json" (the values of
// wasibox run --trace-format).
func ParseTraceFormat(s string) (TraceFormat, error) {
	switch s {
	case "text":
		return TraceText, nil
	case "json":
		return TraceJSON, nil
	}
	return 0, fmt.Errorf("unknown trace format %q (want text or json)", s)
}

// TraceOption configures Trace.
type TraceOption func(*traceConfig)

type traceConfig struct {
	format    TraceFormat
	maxString int  // longest string or path shown, in bytes; 0 = unlimited
	payload   int  // bytes of each payload shown; 0 = length only
	durations bool // append the call's duration (and, in JSON, its start time)
}

// TraceWithFormat selects the encoding of lines (TraceText by default).
// Unknown formats fall back to TraceText.
func TraceWithFormat(f TraceFormat) TraceOption {
	return func(c *traceConfig) { c.format = f }
}

// TraceMaxString sets the longest string or path shown, in bytes; longer
// ones are cut at a character boundary and followed by "…" and their
// length. n <= 0 shows strings whole.
func TraceMaxString(n int) TraceOption {
	return func(c *traceConfig) { c.maxString = max(n, 0) }
}

// TracePayload shows up to n bytes of the data read or written (fd_read,
// fd_write, sock_send, ...) after its length. The default, 0, shows only
// lengths; data may be sensitive and is rarely what a trace is for.
func TracePayload(n int) TraceOption {
	return func(c *traceConfig) { c.payload = max(n, 0) }
}

// TraceDurations turns the duration at the end of each line on (the
// default) or off; off makes output deterministic, for tests and examples.
// In JSON it also controls the start time ("ts").
func TraceDurations(on bool) TraceOption {
	return func(c *traceConfig) { c.durations = on }
}

// tracer implements Trace. Invariant: buf, n, results, dec and scratch are
// only touched with mu held.
type tracer struct {
	sys  System
	cfg  traceConfig
	json bool // cfg.format == TraceJSON
	// epoch is the origin of the clock readings: time.Since reads one
	// clock where time.Now reads two, and a read costs 100 ns on some
	// virtual machines. Start times are epoch plus a reading.
	epoch time.Time

	// dctx is the decision slot reused by sensitive calls, so that they
	// do not allocate; dctxBusy is set while a call uses it (a concurrent
	// sensitive call, rare, allocates its own).
	dctx     *decisionCtx
	dctxBusy atomic.Bool

	mu      sync.Mutex
	w       io.Writer
	buf     []byte
	n       int  // fields written in the current section (for separators)
	results bool // the line is in its results section
	dur     time.Duration
	dec     *decisionCtx // the decision of the current line, if any
	scratch []byte       // payload prefix gathered from several iovecs
}

var _ System = (*tracer)(nil)

// Unwrap returns the traced System, so that callers can reach methods that
// are not part of System (unix.System's Wake, for example).
func (t *tracer) Unwrap() System { return t.sys }

// start returns when a call begins, as a time since t.epoch.
func (t *tracer) start() time.Duration {
	if !t.cfg.durations {
		return 0
	}
	return time.Since(t.epoch)
}

// begin starts a line for function name; start is when the inner call
// began. It locks mu; end unlocks it.
func (t *tracer) begin(name string, start time.Duration) {
	var d time.Duration
	if t.cfg.durations {
		d = time.Since(t.epoch) - start
	}
	t.mu.Lock()
	t.dur = d
	t.n = 0
	t.results = false
	if !t.json {
		t.buf = append(t.buf[:0], name...)
		t.buf = append(t.buf, '(')
		return
	}
	t.buf = append(t.buf[:0], '{')
	if t.cfg.durations {
		t.buf = append(t.buf, `"ts":"`...)
		t.buf = t.epoch.Add(start).UTC().AppendFormat(t.buf, time.RFC3339Nano)
		t.buf = append(t.buf, `",`...)
	}
	t.buf = append(t.buf, `"call":"`...)
	t.buf = append(t.buf, name...) // names are constants: nothing to escape
	t.buf = append(t.buf, `","args":{`...)
}

// key starts a field: an argument before ret, a result after it.
func (t *tracer) key(k string) {
	if t.json {
		if t.n > 0 {
			t.buf = append(t.buf, ',')
		}
		t.n++
		t.buf = append(t.buf, '"')
		t.buf = append(t.buf, k...)
		t.buf = append(t.buf, `":`...)
		return
	}
	switch {
	case t.results:
		t.buf = append(t.buf, ' ')
	case t.n > 0:
		t.buf = append(t.buf, ", "...)
	}
	t.n++
	t.buf = append(t.buf, k...)
	t.buf = append(t.buf, '=')
}

// more counts the elements of list k that were left out: in text inside
// the list (", …+N"), in JSON as a member "k_more" after it.
func (t *tracer) more(k string, n int) {
	if !t.json {
		t.buf = appendMore(t.buf, n)
		return
	}
	t.buf = append(t.buf, `,"`...)
	t.buf = append(t.buf, k...)
	t.buf = append(t.buf, `_more":`...)
	t.buf = appendUint(t.buf, uint64(n))
	t.n++
}

// ret ends the arguments.
func (t *tracer) ret() {
	if t.results {
		return
	}
	t.results = true
	if t.json {
		t.buf = append(t.buf, `},"result":{`...)
		t.n = 0
		return
	}
	t.buf = append(t.buf, ") =>"...)
}

// end writes the decision, the errno and the duration, writes the line
// and unlocks mu.
func (t *tracer) end(errno Errno) {
	t.ret()
	var d TraceDecision
	decided := false
	if t.dec != nil {
		d, decided = t.dec.d, t.dec.set
		t.releaseDecision(t.dec)
		t.dec = nil
	}
	if t.json {
		t.buf = append(t.buf, '}')
		if decided {
			t.buf = append(t.buf, `,"decision":{"allow":`...)
			t.buf = appendBool(t.buf, d.Allow)
			t.buf = append(t.buf, `,"grant":`...)
			t.buf = appendJSONString(t.buf, d.Grant, t.cfg.maxString)
			if d.Reason != "" {
				t.buf = append(t.buf, `,"reason":`...)
				t.buf = appendJSONString(t.buf, d.Reason, t.cfg.maxString)
			}
			t.buf = append(t.buf, '}')
		}
		t.buf = append(t.buf, `,"errno":"`...)
		t.buf = appendErrno(t.buf, errno)
		t.buf = append(t.buf, '"')
		if t.cfg.durations {
			t.buf = append(t.buf, `,"dur_ns":`...)
			t.buf = appendInt(t.buf, int64(t.dur))
		}
		t.buf = append(t.buf, '}')
	} else {
		t.buf = append(t.buf, ' ')
		t.buf = appendErrno(t.buf, errno)
		if decided {
			t.buf = appendTextDecision(t.buf, &d, t.cfg.maxString)
		}
		if t.cfg.durations {
			t.buf = append(t.buf, " ("...)
			t.buf = appendDuration(t.buf, t.dur)
			t.buf = append(t.buf, ')')
		}
	}
	t.buf = append(t.buf, '\n')
	t.w.Write(t.buf) //nolint:errcheck // tracing never changes the guest's results
	if cap(t.buf) > 64<<10 {
		// A huge argument list grew the buffer; do not pin it for the
		// life of the guest.
		t.buf = make([]byte, 0, 256)
	}
	t.mu.Unlock()
}

// Typed fields. Each appends key=value (text) or "key":value (JSON).

func (t *tracer) fd(k string, fd FD) {
	t.key(k)
	t.buf = appendInt(t.buf, int64(fd))
}

func (t *tracer) uint(k string, v uint64) {
	t.key(k)
	t.buf = appendUint(t.buf, v)
}

func (t *tracer) int(k string, v int64) {
	t.key(k)
	t.buf = appendInt(t.buf, v)
}

func (t *tracer) name(k string, v uint64, names []string) {
	t.key(k)
	t.buf = t.appendEnum(t.buf, v, names)
}

func (t *tracer) flags(k string, v uint64, names []string) {
	t.key(k)
	t.buf = t.appendFlags(t.buf, v, names)
}

func (t *tracer) rights(k string, r Rights) {
	t.key(k)
	t.buf = t.appendRights(t.buf, r)
}

func (t *tracer) str(k, s string) {
	t.key(k)
	t.buf = t.appendString(t.buf, s, t.cfg.maxString)
}

// text shows b as a string (a symlink target), not as a payload.
func (t *tracer) text(k string, b []byte) {
	t.key(k)
	t.buf = t.appendQuotedBytes(t.buf, b, t.cfg.maxString)
}

// bytes shows a buffer's length, and its first n bytes as a payload.
func (t *tracer) bytes(k string, b []byte, n int) {
	t.key(k)
	withData := t.cfg.payload > 0 && n > 0
	if t.json {
		t.buf = append(t.buf, `{"len":`...)
		t.buf = appendUint(t.buf, uint64(len(b)))
		if withData {
			t.buf = append(t.buf, `,"data":`...)
			t.buf = appendJSONBytes(t.buf, b[:min(n, len(b))], t.cfg.payload)
		}
		t.buf = append(t.buf, '}')
		return
	}
	t.buf = append(t.buf, '[')
	t.buf = appendUint(t.buf, uint64(len(b)))
	t.buf = append(t.buf, 'B')
	if withData {
		t.buf = append(t.buf, ' ')
		t.buf = appendQuotedBytes(t.buf, b[:min(n, len(b))], t.cfg.payload)
	}
	t.buf = append(t.buf, ']')
}

// iovs shows the total length of iovecs (and their number if more than
// one); with payload is true (writes), a prefix of their contents.
func (t *tracer) iovs(k string, iovs []IOVec, payload bool) {
	t.key(k)
	total := 0
	for _, v := range iovs {
		total += len(v)
	}
	withData := payload && t.cfg.payload > 0 && total > 0
	if t.json {
		t.buf = append(t.buf, `{"len":`...)
		t.buf = appendUint(t.buf, uint64(total))
		t.buf = append(t.buf, `,"count":`...)
		t.buf = appendUint(t.buf, uint64(len(iovs)))
		if withData {
			t.buf = append(t.buf, `,"data":`...)
			t.buf = t.appendIOVData(t.buf, iovs, total)
		}
		t.buf = append(t.buf, '}')
		return
	}
	t.buf = append(t.buf, '[')
	t.buf = appendUint(t.buf, uint64(total))
	t.buf = append(t.buf, 'B')
	if len(iovs) != 1 {
		t.buf = append(t.buf, " in "...)
		t.buf = appendUint(t.buf, uint64(len(iovs)))
		t.buf = append(t.buf, " iovs"...)
	}
	if withData {
		t.buf = append(t.buf, ' ')
		t.buf = t.appendIOVData(t.buf, iovs, total)
	}
	t.buf = append(t.buf, ']')
}

// data shows the first n bytes of iovs as a result (what a read returned);
// only with TracePayload.
func (t *tracer) data(k string, iovs []IOVec, n Size) {
	if t.cfg.payload == 0 || n == 0 {
		return
	}
	t.key(k)
	t.buf = t.appendIOVData(t.buf, iovs, int(n))
}

// appendIOVData quotes up to cfg.payload of the first n bytes of iovs.
func (t *tracer) appendIOVData(dst []byte, iovs []IOVec, n int) []byte {
	if len(iovs) > 0 && len(iovs[0]) >= min(n, t.cfg.payload) {
		return t.appendQuotedBytes(dst, iovs[0][:min(n, len(iovs[0]))], t.cfg.payload)
	}
	s := t.scratch[:0]
	total := n
	for _, v := range iovs {
		if n <= 0 || len(s) == cap(s) {
			break
		}
		v = v[:min(len(v), n)]
		take := min(len(v), cap(s)-len(s))
		s = append(s, v[:take]...)
		n -= take
	}
	if t.json {
		// The gathered prefix is shorter than the data when n > 0: mark
		// it the way a shortened string is.
		if n > 0 {
			return appendJSONCut(dst, s, total)
		}
		return appendJSONBytes(dst, s, 0)
	}
	dst = appendQuotedBytes(dst, s, 0)
	if n > 0 {
		dst = append(dst, "…"...)
	}
	return dst
}

// Format-dependent value encoders.

func (t *tracer) appendEnum(b []byte, v uint64, names []string) []byte {
	if t.json && v < uint64(len(names)) {
		b = append(b, '"')
		b = append(b, names[v]...)
		return append(b, '"')
	}
	return appendEnum(b, v, names)
}

func (t *tracer) appendFlags(b []byte, v uint64, names []string) []byte {
	if t.json {
		return appendJSONFlags(b, v, names)
	}
	return appendFlags(b, v, names)
}

func (t *tracer) appendRights(b []byte, r Rights) []byte {
	if t.json {
		return appendJSONRights(b, r)
	}
	return appendRights(b, r)
}

func (t *tracer) appendString(b []byte, s string, max int) []byte {
	if t.json {
		return appendJSONString(b, s, max)
	}
	return appendString(b, s, max)
}

func (t *tracer) appendQuotedBytes(b []byte, p []byte, max int) []byte {
	if t.json {
		return appendJSONBytes(b, p, max)
	}
	return appendQuotedBytes(b, p, max)
}

// member appends a member of a struct value: " k=" in text (none before
// the first), `,"k":` in JSON (none before the first).
func (t *tracer) member(b []byte, k string, first bool) []byte {
	if t.json {
		if !first {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, k...)
		return append(b, `":`...)
	}
	if !first {
		b = append(b, ' ')
	}
	b = append(b, k...)
	return append(b, '=')
}

// openStruct and closeStruct bracket a struct value: {...} in both
// formats.
func openStruct(b []byte) []byte  { return append(b, '{') }
func closeStruct(b []byte) []byte { return append(b, '}') }

// sep separates list elements: ", " in text, "," in JSON.
func (t *tracer) sep(b []byte) []byte {
	if t.json {
		return append(b, ',')
	}
	return append(b, ", "...)
}

func (t *tracer) filestat(k string, s *FileStat) {
	t.key(k)
	b := openStruct(t.buf)
	b = t.member(b, "type", true)
	b = t.appendEnum(b, uint64(s.FileType), fileTypeNames[:])
	b = t.member(b, "size", false)
	b = appendUint(b, s.Size)
	b = t.member(b, "dev", false)
	b = appendUint(b, s.Dev)
	b = t.member(b, "ino", false)
	b = appendUint(b, s.Ino)
	b = t.member(b, "nlink", false)
	b = appendUint(b, s.NLink)
	b = t.member(b, "atim", false)
	b = appendUint(b, s.ATime)
	b = t.member(b, "mtim", false)
	b = appendUint(b, s.MTime)
	b = t.member(b, "ctim", false)
	b = appendUint(b, s.CTime)
	t.buf = closeStruct(b)
}

func (t *tracer) fdstat(k string, s *FDStat) {
	t.key(k)
	b := openStruct(t.buf)
	b = t.member(b, "type", true)
	b = t.appendEnum(b, uint64(s.FileType), fileTypeNames[:])
	b = t.member(b, "flags", false)
	b = t.appendFlags(b, uint64(s.Flags), fdFlagNames[:])
	b = t.member(b, "base", false)
	b = t.appendRights(b, s.RightsBase)
	b = t.member(b, "inheriting", false)
	b = t.appendRights(b, s.RightsInheriting)
	t.buf = closeStruct(b)
}

func (t *tracer) prestat(k string, p *Prestat) {
	t.key(k)
	b := openStruct(t.buf)
	b = t.member(b, "type", true)
	b = t.appendEnum(b, uint64(p.Type), preopenTypeNames[:])
	b = t.member(b, "name_len", false)
	b = appendUint(b, uint64(p.NameLen))
	t.buf = closeStruct(b)
}

// sockopt shows a socket option value: a little-endian integer if it has
// the size of one, its length otherwise.
func (t *tracer) sockopt(k string, v []byte) {
	t.key(k)
	switch len(v) {
	case 1, 2, 4, 8:
		t.buf = appendLE(t.buf, v)
	default:
		if t.json {
			t.buf = append(t.buf, `{"len":`...)
			t.buf = appendUint(t.buf, uint64(len(v)))
			t.buf = append(t.buf, '}')
			return
		}
		t.buf = appendLE(t.buf, v)
	}
}

func (t *tracer) addr(k string, a SockAddr) {
	t.key(k)
	t.buf = t.appendAddr(t.buf, a)
}

func (t *tracer) appendAddr(b []byte, a SockAddr) []byte {
	switch a.Family {
	case InetFamily, Inet6Family:
		if t.json {
			b = append(b, '"')
			b = a.Addr.AppendTo(b)
			return append(b, '"')
		}
		return a.Addr.AppendTo(b)
	case UnixFamily:
		if t.json {
			b = append(b, `"unix:`...)
			return appendJSONContent(b, a.Path, t.cfg.maxString)
		}
		b = append(b, "unix:"...)
		return appendString(b, a.Path, t.cfg.maxString)
	}
	if t.json {
		return append(b, "null"...)
	}
	return append(b, "<none>"...)
}

func (t *tracer) addrinfo(k string, a *AddrInfo) {
	t.key(k)
	b := openStruct(t.buf)
	b = t.member(b, "flags", true)
	b = t.appendFlags(b, uint64(a.Flags), addrInfoFlagNames[:])
	b = t.member(b, "family", false)
	b = t.appendEnum(b, uint64(a.Family), familyNames[:])
	b = t.member(b, "type", false)
	b = t.appendEnum(b, uint64(a.SocketType), socketTypeNames[:])
	b = t.member(b, "protocol", false)
	b = appendUint(b, uint64(a.Protocol))
	t.buf = closeStruct(b)
}

func (t *tracer) strings(k string, list []string, keysOnly bool) {
	t.key(k)
	t.buf = append(t.buf, '[')
	cut := 0
	for i, s := range list {
		if i == maxTraceList {
			cut = len(list) - i
			break
		}
		if i > 0 {
			t.buf = t.sep(t.buf)
		}
		if keysOnly {
			for j := 0; j < len(s); j++ {
				if s[j] == '=' {
					s = s[:j]
					break
				}
			}
		}
		t.buf = t.appendString(t.buf, s, t.cfg.maxString)
	}
	t.closeList(k, cut)
}

// closeList ends a list of which cut elements were left out.
func (t *tracer) closeList(k string, cut int) {
	if cut > 0 && !t.json {
		t.more(k, cut)
	}
	t.buf = append(t.buf, ']')
	if cut > 0 && t.json {
		t.more(k, cut)
	}
}

func (t *tracer) subscriptions(k string, subs []Subscription) {
	t.key(k)
	b := append(t.buf, '[')
	cut := 0
	for i := range subs {
		if i == maxTraceList {
			cut = len(subs) - i
			break
		}
		if i > 0 {
			b = t.sep(b)
		}
		s := &subs[i]
		b = openStruct(b)
		b = t.member(b, "ud", true)
		b = appendUint(b, s.UserData)
		if t.json {
			b = t.member(b, "type", false)
		} else {
			b = append(b, ' ')
		}
		b = t.appendEnum(b, uint64(s.EventType), eventTypeNames[:])
		switch s.EventType {
		case ClockEvent:
			b = t.member(b, "id", false)
			b = t.appendEnum(b, uint64(s.ClockID), clockNames[:])
			b = t.member(b, "timeout", false)
			b = appendUint(b, s.Timeout)
			b = t.member(b, "precision", false)
			b = appendUint(b, s.Precision)
			b = t.member(b, "flags", false)
			b = t.appendFlags(b, uint64(s.Flags), subClockFlagNames[:])
		case FDReadEvent, FDWriteEvent:
			b = t.member(b, "fd", false)
			b = appendInt(b, int64(s.FD))
		}
		b = closeStruct(b)
	}
	t.buf = b
	t.closeList(k, cut)
}

func (t *tracer) events(k string, events []Event) {
	t.key(k)
	b := append(t.buf, '[')
	cut := 0
	for i := range events {
		if i == maxTraceList {
			cut = len(events) - i
			break
		}
		if i > 0 {
			b = t.sep(b)
		}
		e := &events[i]
		b = openStruct(b)
		b = t.member(b, "ud", true)
		b = appendUint(b, e.UserData)
		if t.json {
			b = t.member(b, "type", false)
			b = t.appendEnum(b, uint64(e.EventType), eventTypeNames[:])
			b = t.member(b, "errno", false)
			b = append(b, '"')
			b = appendErrno(b, e.Errno)
			b = append(b, '"')
		} else {
			b = append(b, ' ')
			b = appendEnum(b, uint64(e.EventType), eventTypeNames[:])
			b = append(b, ' ')
			b = appendErrno(b, e.Errno)
		}
		if e.EventType != ClockEvent {
			b = t.member(b, "nbytes", false)
			b = appendUint(b, e.NBytes)
			b = t.member(b, "flags", false)
			b = t.appendFlags(b, uint64(e.Flags), eventRWFlagNames[:])
		}
		b = closeStruct(b)
	}
	t.buf = b
	t.closeList(k, cut)
}

func (t *tracer) addrinfos(k string, results []AddrInfo) {
	t.key(k)
	b := append(t.buf, '[')
	cut := 0
	for i := range results {
		if i == maxTraceList {
			cut = len(results) - i
			break
		}
		if i > 0 {
			b = t.sep(b)
		}
		if t.json {
			b = append(b, `{"type":`...)
			b = t.appendEnum(b, uint64(results[i].SocketType), socketTypeNames[:])
			b = append(b, `,"addr":`...)
			b = t.appendAddr(b, results[i].Addr)
			b = append(b, '}')
			continue
		}
		b = appendEnum(b, uint64(results[i].SocketType), socketTypeNames[:])
		b = append(b, ' ')
		b = t.appendAddr(b, results[i].Addr)
	}
	t.buf = b
	t.closeList(k, cut)
}
