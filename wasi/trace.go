package wasi

import (
	"io"
	"sync"
	"time"
)

// Trace returns a System that forwards every call to sys and writes one
// line per call to w, after the call returns, for example
//
//	fd_write(fd=1, iovs=[12B]) => nwritten=12 ESUCCESS (1.2µs)
//	path_open(fd=3, dirflags=symlink_follow, path="data/in.csv", oflags=0, base=fd_read|fd_seek, inheriting=0, fdflags=0) => fd=4 ESUCCESS (6.3µs)
//
// Function names are the import names of the spec (and of the WasmEdge
// socket extensions). Strings and paths are quoted with Go syntax, so a
// guest cannot forge a line with a newline or a terminal escape, and
// shortened to TraceMaxString bytes; byte payloads are summarised by their
// length, optionally followed by a prefix (TracePayload). environ_get lists
// variable names only, since values are often secrets.
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
	t := &tracer{sys: sys, w: w, cfg: traceConfig{maxString: DefaultTraceMaxString, durations: true}}
	for _, o := range opts {
		o(&t.cfg)
	}
	if t.cfg.payload > 0 {
		t.scratch = make([]byte, t.cfg.payload)
	}
	t.buf = make([]byte, 0, 256)
	return t
}

// DefaultTraceMaxString is the default TraceMaxString.
const DefaultTraceMaxString = 128

// maxTraceList caps the elements shown of a list (args, subscriptions,
// events, addresses); the rest are counted.
const maxTraceList = 16

// TraceFormat selects how Trace encodes a line.
type TraceFormat uint8

// Trace formats. TraceText is the only one so far; a JSON format (one
// object per line) will share the same field names.
const (
	// TraceText writes name(arg=value, ...) => result=value ERRNO (duration).
	TraceText TraceFormat = iota
)

// TraceOption configures Trace.
type TraceOption func(*traceConfig)

type traceConfig struct {
	format    TraceFormat
	maxString int  // longest string or path shown, in bytes; 0 = unlimited
	payload   int  // bytes of each payload shown; 0 = length only
	durations bool // append the call's duration
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
func TraceDurations(on bool) TraceOption {
	return func(c *traceConfig) { c.durations = on }
}

// tracer implements Trace. Invariant: buf, n, results and scratch are only
// touched with mu held.
type tracer struct {
	sys System
	cfg traceConfig

	mu      sync.Mutex
	w       io.Writer
	buf     []byte
	n       int  // fields written in the current section (for separators)
	results bool // the line is in its results section
	dur     time.Duration
	scratch []byte // payload prefix gathered from several iovecs
}

var _ System = (*tracer)(nil)

// Unwrap returns the traced System, so that callers can reach methods that
// are not part of System (unix.System's Wake, for example).
func (t *tracer) Unwrap() System { return t.sys }

func (t *tracer) start() time.Time {
	if !t.cfg.durations {
		return time.Time{}
	}
	return time.Now()
}

// begin starts a line for function name; start is when the inner call
// began. It locks mu; end unlocks it.
func (t *tracer) begin(name string, start time.Time) {
	var d time.Duration
	if t.cfg.durations {
		d = time.Since(start)
	}
	t.mu.Lock()
	t.dur = d
	t.n = 0
	t.results = false
	t.buf = append(t.buf[:0], name...)
	t.buf = append(t.buf, '(')
}

// key starts a field: an argument before ret, a result after it.
func (t *tracer) key(k string) {
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

// ret ends the arguments.
func (t *tracer) ret() {
	if !t.results {
		t.buf = append(t.buf, ") =>"...)
		t.results = true
	}
}

// end writes the errno and the duration, writes the line and unlocks mu.
func (t *tracer) end(errno Errno) {
	t.ret()
	t.buf = append(t.buf, ' ')
	t.buf = appendErrno(t.buf, errno)
	if t.cfg.durations {
		t.buf = append(t.buf, " ("...)
		t.buf = appendDuration(t.buf, t.dur)
		t.buf = append(t.buf, ')')
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

// Typed fields. Each appends key=value.

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
	t.buf = appendEnum(t.buf, v, names)
}

func (t *tracer) flags(k string, v uint64, names []string) {
	t.key(k)
	t.buf = appendFlags(t.buf, v, names)
}

func (t *tracer) rights(k string, r Rights) {
	t.key(k)
	t.buf = appendRights(t.buf, r)
}

func (t *tracer) str(k, s string) {
	t.key(k)
	t.buf = appendString(t.buf, s, t.cfg.maxString)
}

// text shows b as a string (a symlink target), not as a payload.
func (t *tracer) text(k string, b []byte) {
	t.key(k)
	t.buf = appendQuotedBytes(t.buf, b, t.cfg.maxString)
}

// bytes shows a buffer's length, and its first n bytes as a payload.
func (t *tracer) bytes(k string, b []byte, n int) {
	t.key(k)
	t.buf = append(t.buf, '[')
	t.buf = appendUint(t.buf, uint64(len(b)))
	t.buf = append(t.buf, 'B')
	if t.cfg.payload > 0 && n > 0 {
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
	t.buf = append(t.buf, '[')
	t.buf = appendUint(t.buf, uint64(total))
	t.buf = append(t.buf, 'B')
	if len(iovs) != 1 {
		t.buf = append(t.buf, " in "...)
		t.buf = appendUint(t.buf, uint64(len(iovs)))
		t.buf = append(t.buf, " iovs"...)
	}
	if payload && t.cfg.payload > 0 && total > 0 {
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
		return appendQuotedBytes(dst, iovs[0][:min(n, len(iovs[0]))], t.cfg.payload)
	}
	s := t.scratch[:0]
	for _, v := range iovs {
		if n <= 0 || len(s) == cap(s) {
			break
		}
		v = v[:min(len(v), n)]
		take := min(len(v), cap(s)-len(s))
		s = append(s, v[:take]...)
		n -= take
	}
	dst = appendQuotedBytes(dst, s, 0)
	if n > 0 {
		dst = append(dst, "…"...)
	}
	return dst
}

func (t *tracer) filestat(k string, s *FileStat) {
	t.key(k)
	b := append(t.buf, "{type="...)
	b = appendEnum(b, uint64(s.FileType), fileTypeNames[:])
	b = append(b, " size="...)
	b = appendUint(b, s.Size)
	b = append(b, " dev="...)
	b = appendUint(b, s.Dev)
	b = append(b, " ino="...)
	b = appendUint(b, s.Ino)
	b = append(b, " nlink="...)
	b = appendUint(b, s.NLink)
	b = append(b, " atim="...)
	b = appendUint(b, s.ATime)
	b = append(b, " mtim="...)
	b = appendUint(b, s.MTime)
	b = append(b, " ctim="...)
	b = appendUint(b, s.CTime)
	t.buf = append(b, '}')
}

func (t *tracer) fdstat(k string, s *FDStat) {
	t.key(k)
	b := append(t.buf, "{type="...)
	b = appendEnum(b, uint64(s.FileType), fileTypeNames[:])
	b = append(b, " flags="...)
	b = appendFlags(b, uint64(s.Flags), fdFlagNames[:])
	b = append(b, " base="...)
	b = appendRights(b, s.RightsBase)
	b = append(b, " inheriting="...)
	b = appendRights(b, s.RightsInheriting)
	t.buf = append(b, '}')
}

func (t *tracer) addr(k string, a SockAddr) {
	t.key(k)
	t.buf = t.appendAddr(t.buf, a)
}

func (t *tracer) appendAddr(b []byte, a SockAddr) []byte {
	switch a.Family {
	case InetFamily, Inet6Family:
		return a.Addr.AppendTo(b)
	case UnixFamily:
		b = append(b, "unix:"...)
		return appendString(b, a.Path, t.cfg.maxString)
	}
	return append(b, "<none>"...)
}

func (t *tracer) addrinfo(k string, a *AddrInfo) {
	t.key(k)
	b := append(t.buf, "{flags="...)
	b = appendFlags(b, uint64(a.Flags), addrInfoFlagNames[:])
	b = append(b, " family="...)
	b = appendEnum(b, uint64(a.Family), familyNames[:])
	b = append(b, " type="...)
	b = appendEnum(b, uint64(a.SocketType), socketTypeNames[:])
	b = append(b, " protocol="...)
	b = appendUint(b, uint64(a.Protocol))
	t.buf = append(b, '}')
}

func (t *tracer) strings(k string, list []string, keysOnly bool) {
	t.key(k)
	t.buf = append(t.buf, '[')
	for i, s := range list {
		if i == maxTraceList {
			t.buf = appendMore(t.buf, len(list)-i)
			break
		}
		if i > 0 {
			t.buf = append(t.buf, ", "...)
		}
		if keysOnly {
			for j := 0; j < len(s); j++ {
				if s[j] == '=' {
					s = s[:j]
					break
				}
			}
		}
		t.buf = appendString(t.buf, s, t.cfg.maxString)
	}
	t.buf = append(t.buf, ']')
}

func (t *tracer) subscriptions(k string, subs []Subscription) {
	t.key(k)
	b := append(t.buf, '[')
	for i := range subs {
		if i == maxTraceList {
			b = appendMore(b, len(subs)-i)
			break
		}
		if i > 0 {
			b = append(b, ", "...)
		}
		s := &subs[i]
		b = append(b, "{ud="...)
		b = appendUint(b, s.UserData)
		b = append(b, ' ')
		b = appendEnum(b, uint64(s.EventType), eventTypeNames[:])
		switch s.EventType {
		case ClockEvent:
			b = append(b, " id="...)
			b = appendEnum(b, uint64(s.ClockID), clockNames[:])
			b = append(b, " timeout="...)
			b = appendUint(b, s.Timeout)
			b = append(b, " precision="...)
			b = appendUint(b, s.Precision)
			b = append(b, " flags="...)
			b = appendFlags(b, uint64(s.Flags), subClockFlagNames[:])
		case FDReadEvent, FDWriteEvent:
			b = append(b, " fd="...)
			b = appendInt(b, int64(s.FD))
		}
		b = append(b, '}')
	}
	t.buf = append(b, ']')
}

func (t *tracer) events(k string, events []Event) {
	t.key(k)
	b := append(t.buf, '[')
	for i := range events {
		if i == maxTraceList {
			b = appendMore(b, len(events)-i)
			break
		}
		if i > 0 {
			b = append(b, ", "...)
		}
		e := &events[i]
		b = append(b, "{ud="...)
		b = appendUint(b, e.UserData)
		b = append(b, ' ')
		b = appendEnum(b, uint64(e.EventType), eventTypeNames[:])
		b = append(b, ' ')
		b = appendErrno(b, e.Errno)
		if e.EventType != ClockEvent {
			b = append(b, " nbytes="...)
			b = appendUint(b, e.NBytes)
			b = append(b, " flags="...)
			b = appendFlags(b, uint64(e.Flags), eventRWFlagNames[:])
		}
		b = append(b, '}')
	}
	t.buf = append(b, ']')
}

func (t *tracer) addrinfos(k string, results []AddrInfo) {
	t.key(k)
	b := append(t.buf, '[')
	for i := range results {
		if i == maxTraceList {
			b = appendMore(b, len(results)-i)
			break
		}
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendEnum(b, uint64(results[i].SocketType), socketTypeNames[:])
		b = append(b, ' ')
		b = t.appendAddr(b, results[i].Addr)
	}
	t.buf = append(b, ']')
}
