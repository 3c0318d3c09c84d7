package wasi

import (
	"context"
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

// System methods, in the order of the System interface.

// ArgsGet implements System.
func (t *tracer) ArgsGet(ctx context.Context) ([]string, Errno) {
	start := t.start()
	args, errno := t.sys.ArgsGet(ctx)
	t.begin("args_get", start)
	t.ret()
	if errno == ESUCCESS {
		t.strings("args", args, false)
	}
	t.end(errno)
	return args, errno
}

// EnvironGet implements System. Only names are traced.
func (t *tracer) EnvironGet(ctx context.Context) ([]string, Errno) {
	start := t.start()
	env, errno := t.sys.EnvironGet(ctx)
	t.begin("environ_get", start)
	t.ret()
	if errno == ESUCCESS {
		t.strings("names", env, true)
	}
	t.end(errno)
	return env, errno
}

// ClockResGet implements System.
func (t *tracer) ClockResGet(ctx context.Context, id ClockID) (Timestamp, Errno) {
	start := t.start()
	res, errno := t.sys.ClockResGet(ctx, id)
	t.begin("clock_res_get", start)
	t.name("id", uint64(id), clockNames[:])
	t.ret()
	if errno == ESUCCESS {
		t.uint("resolution", res)
	}
	t.end(errno)
	return res, errno
}

// ClockTimeGet implements System.
func (t *tracer) ClockTimeGet(ctx context.Context, id ClockID, precision Timestamp) (Timestamp, Errno) {
	start := t.start()
	ts, errno := t.sys.ClockTimeGet(ctx, id, precision)
	t.begin("clock_time_get", start)
	t.name("id", uint64(id), clockNames[:])
	t.uint("precision", precision)
	t.ret()
	if errno == ESUCCESS {
		t.uint("time", ts)
	}
	t.end(errno)
	return ts, errno
}

// FDAdvise implements System.
func (t *tracer) FDAdvise(ctx context.Context, fd FD, offset, length FileSize, advice Advice) Errno {
	start := t.start()
	errno := t.sys.FDAdvise(ctx, fd, offset, length, advice)
	t.begin("fd_advise", start)
	t.fd("fd", fd)
	t.uint("offset", offset)
	t.uint("len", length)
	t.name("advice", uint64(advice), adviceNames[:])
	t.end(errno)
	return errno
}

// FDAllocate implements System.
func (t *tracer) FDAllocate(ctx context.Context, fd FD, offset, length FileSize) Errno {
	start := t.start()
	errno := t.sys.FDAllocate(ctx, fd, offset, length)
	t.begin("fd_allocate", start)
	t.fd("fd", fd)
	t.uint("offset", offset)
	t.uint("len", length)
	t.end(errno)
	return errno
}

// FDClose implements System.
func (t *tracer) FDClose(ctx context.Context, fd FD) Errno {
	start := t.start()
	errno := t.sys.FDClose(ctx, fd)
	t.begin("fd_close", start)
	t.fd("fd", fd)
	t.end(errno)
	return errno
}

// FDDataSync implements System.
func (t *tracer) FDDataSync(ctx context.Context, fd FD) Errno {
	start := t.start()
	errno := t.sys.FDDataSync(ctx, fd)
	t.begin("fd_datasync", start)
	t.fd("fd", fd)
	t.end(errno)
	return errno
}

// FDStatGet implements System.
func (t *tracer) FDStatGet(ctx context.Context, fd FD) (FDStat, Errno) {
	start := t.start()
	st, errno := t.sys.FDStatGet(ctx, fd)
	t.begin("fd_fdstat_get", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.fdstat("stat", &st)
	}
	t.end(errno)
	return st, errno
}

// FDStatSetFlags implements System.
func (t *tracer) FDStatSetFlags(ctx context.Context, fd FD, flags FDFlags) Errno {
	start := t.start()
	errno := t.sys.FDStatSetFlags(ctx, fd, flags)
	t.begin("fd_fdstat_set_flags", start)
	t.fd("fd", fd)
	t.flags("flags", uint64(flags), fdFlagNames[:])
	t.end(errno)
	return errno
}

// FDStatSetRights implements System.
func (t *tracer) FDStatSetRights(ctx context.Context, fd FD, rightsBase, rightsInheriting Rights) Errno {
	start := t.start()
	errno := t.sys.FDStatSetRights(ctx, fd, rightsBase, rightsInheriting)
	t.begin("fd_fdstat_set_rights", start)
	t.fd("fd", fd)
	t.rights("base", rightsBase)
	t.rights("inheriting", rightsInheriting)
	t.end(errno)
	return errno
}

// FDFileStatGet implements System.
func (t *tracer) FDFileStatGet(ctx context.Context, fd FD) (FileStat, Errno) {
	start := t.start()
	st, errno := t.sys.FDFileStatGet(ctx, fd)
	t.begin("fd_filestat_get", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.filestat("stat", &st)
	}
	t.end(errno)
	return st, errno
}

// FDFileStatSetSize implements System.
func (t *tracer) FDFileStatSetSize(ctx context.Context, fd FD, size FileSize) Errno {
	start := t.start()
	errno := t.sys.FDFileStatSetSize(ctx, fd, size)
	t.begin("fd_filestat_set_size", start)
	t.fd("fd", fd)
	t.uint("size", size)
	t.end(errno)
	return errno
}

// FDFileStatSetTimes implements System.
func (t *tracer) FDFileStatSetTimes(ctx context.Context, fd FD, atim, mtim Timestamp, flags FSTFlags) Errno {
	start := t.start()
	errno := t.sys.FDFileStatSetTimes(ctx, fd, atim, mtim, flags)
	t.begin("fd_filestat_set_times", start)
	t.fd("fd", fd)
	t.uint("atim", atim)
	t.uint("mtim", mtim)
	t.flags("flags", uint64(flags), fstFlagNames[:])
	t.end(errno)
	return errno
}

// FDPread implements System.
func (t *tracer) FDPread(ctx context.Context, fd FD, iovs []IOVec, offset FileSize) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.FDPread(ctx, fd, iovs, offset)
	t.begin("fd_pread", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, false)
	t.uint("offset", offset)
	t.ret()
	t.uint("nread", uint64(n))
	t.data("data", iovs, n)
	t.end(errno)
	return n, errno
}

// FDPrestatGet implements System.
func (t *tracer) FDPrestatGet(ctx context.Context, fd FD) (Prestat, Errno) {
	start := t.start()
	p, errno := t.sys.FDPrestatGet(ctx, fd)
	t.begin("fd_prestat_get", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.key("prestat")
		t.buf = append(t.buf, "{type="...)
		t.buf = appendEnum(t.buf, uint64(p.Type), preopenTypeNames[:])
		t.buf = append(t.buf, " name_len="...)
		t.buf = appendUint(t.buf, uint64(p.NameLen))
		t.buf = append(t.buf, '}')
	}
	t.end(errno)
	return p, errno
}

// FDPrestatDirName implements System.
func (t *tracer) FDPrestatDirName(ctx context.Context, fd FD) (string, Errno) {
	start := t.start()
	name, errno := t.sys.FDPrestatDirName(ctx, fd)
	t.begin("fd_prestat_dir_name", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.str("name", name)
	}
	t.end(errno)
	return name, errno
}

// FDPwrite implements System.
func (t *tracer) FDPwrite(ctx context.Context, fd FD, iovs []IOVec, offset FileSize) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.FDPwrite(ctx, fd, iovs, offset)
	t.begin("fd_pwrite", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, true)
	t.uint("offset", offset)
	t.ret()
	t.uint("nwritten", uint64(n))
	t.end(errno)
	return n, errno
}

// FDRead implements System.
func (t *tracer) FDRead(ctx context.Context, fd FD, iovs []IOVec) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.FDRead(ctx, fd, iovs)
	t.begin("fd_read", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, false)
	t.ret()
	t.uint("nread", uint64(n))
	t.data("data", iovs, n)
	t.end(errno)
	return n, errno
}

// FDReadDir implements System.
func (t *tracer) FDReadDir(ctx context.Context, fd FD, buf []byte, cookie DirCookie) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.FDReadDir(ctx, fd, buf, cookie)
	t.begin("fd_readdir", start)
	t.fd("fd", fd)
	t.bytes("buf", buf, 0)
	t.uint("cookie", cookie)
	t.ret()
	t.uint("bufused", uint64(n))
	t.end(errno)
	return n, errno
}

// FDRenumber implements System.
func (t *tracer) FDRenumber(ctx context.Context, from, to FD) Errno {
	start := t.start()
	errno := t.sys.FDRenumber(ctx, from, to)
	t.begin("fd_renumber", start)
	t.fd("fd", from)
	t.fd("to", to)
	t.end(errno)
	return errno
}

// FDSeek implements System.
func (t *tracer) FDSeek(ctx context.Context, fd FD, offset FileDelta, whence Whence) (FileSize, Errno) {
	start := t.start()
	pos, errno := t.sys.FDSeek(ctx, fd, offset, whence)
	t.begin("fd_seek", start)
	t.fd("fd", fd)
	t.int("offset", offset)
	t.name("whence", uint64(whence), whenceNames[:])
	t.ret()
	if errno == ESUCCESS {
		t.uint("newoffset", pos)
	}
	t.end(errno)
	return pos, errno
}

// FDSync implements System.
func (t *tracer) FDSync(ctx context.Context, fd FD) Errno {
	start := t.start()
	errno := t.sys.FDSync(ctx, fd)
	t.begin("fd_sync", start)
	t.fd("fd", fd)
	t.end(errno)
	return errno
}

// FDTell implements System.
func (t *tracer) FDTell(ctx context.Context, fd FD) (FileSize, Errno) {
	start := t.start()
	pos, errno := t.sys.FDTell(ctx, fd)
	t.begin("fd_tell", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.uint("offset", pos)
	}
	t.end(errno)
	return pos, errno
}

// FDWrite implements System.
func (t *tracer) FDWrite(ctx context.Context, fd FD, iovs []IOVec) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.FDWrite(ctx, fd, iovs)
	t.begin("fd_write", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, true)
	t.ret()
	t.uint("nwritten", uint64(n))
	t.end(errno)
	return n, errno
}

// PathCreateDirectory implements System.
func (t *tracer) PathCreateDirectory(ctx context.Context, fd FD, path string) Errno {
	start := t.start()
	errno := t.sys.PathCreateDirectory(ctx, fd, path)
	t.begin("path_create_directory", start)
	t.fd("fd", fd)
	t.str("path", path)
	t.end(errno)
	return errno
}

// PathFileStatGet implements System.
func (t *tracer) PathFileStatGet(ctx context.Context, fd FD, flags LookupFlags, path string) (FileStat, Errno) {
	start := t.start()
	st, errno := t.sys.PathFileStatGet(ctx, fd, flags, path)
	t.begin("path_filestat_get", start)
	t.fd("fd", fd)
	t.flags("flags", uint64(flags), lookupFlagNames[:])
	t.str("path", path)
	t.ret()
	if errno == ESUCCESS {
		t.filestat("stat", &st)
	}
	t.end(errno)
	return st, errno
}

// PathFileStatSetTimes implements System.
func (t *tracer) PathFileStatSetTimes(ctx context.Context, fd FD, flags LookupFlags, path string, atim, mtim Timestamp, fstFlags FSTFlags) Errno {
	start := t.start()
	errno := t.sys.PathFileStatSetTimes(ctx, fd, flags, path, atim, mtim, fstFlags)
	t.begin("path_filestat_set_times", start)
	t.fd("fd", fd)
	t.flags("flags", uint64(flags), lookupFlagNames[:])
	t.str("path", path)
	t.uint("atim", atim)
	t.uint("mtim", mtim)
	t.flags("fst_flags", uint64(fstFlags), fstFlagNames[:])
	t.end(errno)
	return errno
}

// PathLink implements System.
func (t *tracer) PathLink(ctx context.Context, oldFD FD, oldFlags LookupFlags, oldPath string, newFD FD, newPath string) Errno {
	start := t.start()
	errno := t.sys.PathLink(ctx, oldFD, oldFlags, oldPath, newFD, newPath)
	t.begin("path_link", start)
	t.fd("old_fd", oldFD)
	t.flags("old_flags", uint64(oldFlags), lookupFlagNames[:])
	t.str("old_path", oldPath)
	t.fd("new_fd", newFD)
	t.str("new_path", newPath)
	t.end(errno)
	return errno
}

// PathOpen implements System.
func (t *tracer) PathOpen(ctx context.Context, fd FD, dirFlags LookupFlags, path string, oflags OFlags, rightsBase, rightsInheriting Rights, fdFlags FDFlags) (FD, Errno) {
	start := t.start()
	nfd, errno := t.sys.PathOpen(ctx, fd, dirFlags, path, oflags, rightsBase, rightsInheriting, fdFlags)
	t.begin("path_open", start)
	t.fd("fd", fd)
	t.flags("dirflags", uint64(dirFlags), lookupFlagNames[:])
	t.str("path", path)
	t.flags("oflags", uint64(oflags), oFlagNames[:])
	t.rights("base", rightsBase)
	t.rights("inheriting", rightsInheriting)
	t.flags("fdflags", uint64(fdFlags), fdFlagNames[:])
	t.ret()
	if errno == ESUCCESS {
		t.fd("fd", nfd)
	}
	t.end(errno)
	return nfd, errno
}

// PathReadLink implements System.
func (t *tracer) PathReadLink(ctx context.Context, fd FD, path string, buf []byte) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.PathReadLink(ctx, fd, path, buf)
	t.begin("path_readlink", start)
	t.fd("fd", fd)
	t.str("path", path)
	t.bytes("buf", buf, 0)
	t.ret()
	t.uint("bufused", uint64(n))
	if errno == ESUCCESS && int(n) <= len(buf) {
		t.text("target", buf[:n])
	}
	t.end(errno)
	return n, errno
}

// PathRemoveDirectory implements System.
func (t *tracer) PathRemoveDirectory(ctx context.Context, fd FD, path string) Errno {
	start := t.start()
	errno := t.sys.PathRemoveDirectory(ctx, fd, path)
	t.begin("path_remove_directory", start)
	t.fd("fd", fd)
	t.str("path", path)
	t.end(errno)
	return errno
}

// PathRename implements System.
func (t *tracer) PathRename(ctx context.Context, fd FD, oldPath string, newFD FD, newPath string) Errno {
	start := t.start()
	errno := t.sys.PathRename(ctx, fd, oldPath, newFD, newPath)
	t.begin("path_rename", start)
	t.fd("fd", fd)
	t.str("old_path", oldPath)
	t.fd("new_fd", newFD)
	t.str("new_path", newPath)
	t.end(errno)
	return errno
}

// PathSymlink implements System.
func (t *tracer) PathSymlink(ctx context.Context, oldPath string, fd FD, newPath string) Errno {
	start := t.start()
	errno := t.sys.PathSymlink(ctx, oldPath, fd, newPath)
	t.begin("path_symlink", start)
	t.str("old_path", oldPath)
	t.fd("fd", fd)
	t.str("new_path", newPath)
	t.end(errno)
	return errno
}

// PathUnlinkFile implements System.
func (t *tracer) PathUnlinkFile(ctx context.Context, fd FD, path string) Errno {
	start := t.start()
	errno := t.sys.PathUnlinkFile(ctx, fd, path)
	t.begin("path_unlink_file", start)
	t.fd("fd", fd)
	t.str("path", path)
	t.end(errno)
	return errno
}

// PollOneOff implements System.
func (t *tracer) PollOneOff(ctx context.Context, subs []Subscription, events []Event) (int, Errno) {
	start := t.start()
	n, errno := t.sys.PollOneOff(ctx, subs, events)
	t.begin("poll_oneoff", start)
	t.subscriptions("subs", subs)
	t.ret()
	t.uint("nevents", uint64(max(n, 0)))
	if errno == ESUCCESS && n > 0 && n <= len(events) {
		t.events("events", events[:n])
	}
	t.end(errno)
	return n, errno
}

// ProcExit implements System.
func (t *tracer) ProcExit(ctx context.Context, code ExitCode) Errno {
	start := t.start()
	errno := t.sys.ProcExit(ctx, code)
	t.begin("proc_exit", start)
	t.uint("rval", uint64(code))
	t.end(errno)
	return errno
}

// ProcRaise implements System.
func (t *tracer) ProcRaise(ctx context.Context, sig Signal) Errno {
	start := t.start()
	errno := t.sys.ProcRaise(ctx, sig)
	t.begin("proc_raise", start)
	t.name("sig", uint64(sig), signalNames[:])
	t.end(errno)
	return errno
}

// SchedYield implements System.
func (t *tracer) SchedYield(ctx context.Context) Errno {
	start := t.start()
	errno := t.sys.SchedYield(ctx)
	t.begin("sched_yield", start)
	t.end(errno)
	return errno
}

// RandomGet implements System. The random bytes are never shown.
func (t *tracer) RandomGet(ctx context.Context, buf []byte) Errno {
	start := t.start()
	errno := t.sys.RandomGet(ctx, buf)
	t.begin("random_get", start)
	t.bytes("buf", buf, 0)
	t.end(errno)
	return errno
}

// SockAccept implements System.
func (t *tracer) SockAccept(ctx context.Context, fd FD, flags FDFlags) (FD, SockAddr, Errno) {
	start := t.start()
	nfd, addr, errno := t.sys.SockAccept(ctx, fd, flags)
	t.begin("sock_accept", start)
	t.fd("fd", fd)
	t.flags("flags", uint64(flags), fdFlagNames[:])
	t.ret()
	if errno == ESUCCESS {
		t.fd("fd", nfd)
		t.addr("addr", addr)
	}
	t.end(errno)
	return nfd, addr, errno
}

// SockRecv implements System.
func (t *tracer) SockRecv(ctx context.Context, fd FD, iovs []IOVec, flags RIFlags) (Size, ROFlags, Errno) {
	start := t.start()
	n, oflags, errno := t.sys.SockRecv(ctx, fd, iovs, flags)
	t.begin("sock_recv", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, false)
	t.flags("flags", uint64(flags), riFlagNames[:])
	t.ret()
	t.uint("nread", uint64(n))
	t.data("data", iovs, n)
	if oflags != 0 {
		t.flags("oflags", uint64(oflags), roFlagNames[:])
	}
	t.end(errno)
	return n, oflags, errno
}

// SockSend implements System.
func (t *tracer) SockSend(ctx context.Context, fd FD, iovs []IOVec, flags SIFlags) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.SockSend(ctx, fd, iovs, flags)
	t.begin("sock_send", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, true)
	t.flags("flags", uint64(flags), nil)
	t.ret()
	t.uint("nwritten", uint64(n))
	t.end(errno)
	return n, errno
}

// SockShutdown implements System.
func (t *tracer) SockShutdown(ctx context.Context, fd FD, how SDFlags) Errno {
	start := t.start()
	errno := t.sys.SockShutdown(ctx, fd, how)
	t.begin("sock_shutdown", start)
	t.fd("fd", fd)
	t.flags("how", uint64(how), sdFlagNames[:])
	t.end(errno)
	return errno
}

// SockOpen implements System.
func (t *tracer) SockOpen(ctx context.Context, family ProtocolFamily, socktype SocketType, protocol Protocol, rightsBase, rightsInheriting Rights) (FD, Errno) {
	start := t.start()
	fd, errno := t.sys.SockOpen(ctx, family, socktype, protocol, rightsBase, rightsInheriting)
	t.begin("sock_open", start)
	t.name("family", uint64(family), familyNames[:])
	t.name("type", uint64(socktype), socketTypeNames[:])
	t.uint("protocol", uint64(protocol))
	t.rights("base", rightsBase)
	t.rights("inheriting", rightsInheriting)
	t.ret()
	if errno == ESUCCESS {
		t.fd("fd", fd)
	}
	t.end(errno)
	return fd, errno
}

// SockBind implements System.
func (t *tracer) SockBind(ctx context.Context, fd FD, addr SockAddr) Errno {
	start := t.start()
	errno := t.sys.SockBind(ctx, fd, addr)
	t.begin("sock_bind", start)
	t.fd("fd", fd)
	t.addr("addr", addr)
	t.end(errno)
	return errno
}

// SockConnect implements System.
func (t *tracer) SockConnect(ctx context.Context, fd FD, addr SockAddr) Errno {
	start := t.start()
	errno := t.sys.SockConnect(ctx, fd, addr)
	t.begin("sock_connect", start)
	t.fd("fd", fd)
	t.addr("addr", addr)
	t.end(errno)
	return errno
}

// SockListen implements System.
func (t *tracer) SockListen(ctx context.Context, fd FD, backlog int) Errno {
	start := t.start()
	errno := t.sys.SockListen(ctx, fd, backlog)
	t.begin("sock_listen", start)
	t.fd("fd", fd)
	t.int("backlog", int64(backlog))
	t.end(errno)
	return errno
}

// SockSendTo implements System.
func (t *tracer) SockSendTo(ctx context.Context, fd FD, iovs []IOVec, flags SIFlags, addr SockAddr) (Size, Errno) {
	start := t.start()
	n, errno := t.sys.SockSendTo(ctx, fd, iovs, flags, addr)
	t.begin("sock_send_to", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, true)
	t.flags("flags", uint64(flags), nil)
	t.addr("addr", addr)
	t.ret()
	t.uint("nwritten", uint64(n))
	t.end(errno)
	return n, errno
}

// SockRecvFrom implements System.
func (t *tracer) SockRecvFrom(ctx context.Context, fd FD, iovs []IOVec, flags RIFlags) (Size, ROFlags, SockAddr, Errno) {
	start := t.start()
	n, oflags, addr, errno := t.sys.SockRecvFrom(ctx, fd, iovs, flags)
	t.begin("sock_recv_from", start)
	t.fd("fd", fd)
	t.iovs("iovs", iovs, false)
	t.flags("flags", uint64(flags), riFlagNames[:])
	t.ret()
	t.uint("nread", uint64(n))
	t.data("data", iovs, n)
	if oflags != 0 {
		t.flags("oflags", uint64(oflags), roFlagNames[:])
	}
	if errno == ESUCCESS {
		t.addr("addr", addr)
	}
	t.end(errno)
	return n, oflags, addr, errno
}

// SockGetOpt implements System.
func (t *tracer) SockGetOpt(ctx context.Context, fd FD, level SockOptLevel, name SockOption, value []byte) (int, Errno) {
	start := t.start()
	n, errno := t.sys.SockGetOpt(ctx, fd, level, name, value)
	t.begin("sock_getsockopt", start)
	t.fd("fd", fd)
	t.int("level", int64(level))
	t.int("name", int64(name))
	t.bytes("value", value, 0)
	t.ret()
	if errno == ESUCCESS && n >= 0 && n <= len(value) {
		t.int("len", int64(n))
		t.key("value")
		t.buf = appendLE(t.buf, value[:n])
	}
	t.end(errno)
	return n, errno
}

// SockSetOpt implements System.
func (t *tracer) SockSetOpt(ctx context.Context, fd FD, level SockOptLevel, name SockOption, value []byte) Errno {
	start := t.start()
	errno := t.sys.SockSetOpt(ctx, fd, level, name, value)
	t.begin("sock_setsockopt", start)
	t.fd("fd", fd)
	t.int("level", int64(level))
	t.int("name", int64(name))
	t.key("value")
	t.buf = appendLE(t.buf, value)
	t.end(errno)
	return errno
}

// SockLocalAddress implements System.
func (t *tracer) SockLocalAddress(ctx context.Context, fd FD) (SockAddr, Errno) {
	start := t.start()
	addr, errno := t.sys.SockLocalAddress(ctx, fd)
	t.begin("sock_getlocaladdr", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.addr("addr", addr)
	}
	t.end(errno)
	return addr, errno
}

// SockPeerAddress implements System.
func (t *tracer) SockPeerAddress(ctx context.Context, fd FD) (SockAddr, Errno) {
	start := t.start()
	addr, errno := t.sys.SockPeerAddress(ctx, fd)
	t.begin("sock_getpeeraddr", start)
	t.fd("fd", fd)
	t.ret()
	if errno == ESUCCESS {
		t.addr("addr", addr)
	}
	t.end(errno)
	return addr, errno
}

// SockAddressInfo implements System.
func (t *tracer) SockAddressInfo(ctx context.Context, node, service string, hints AddrInfo, results []AddrInfo) (int, Errno) {
	start := t.start()
	n, errno := t.sys.SockAddressInfo(ctx, node, service, hints, results)
	t.begin("sock_getaddrinfo", start)
	t.str("node", node)
	t.str("service", service)
	t.addrinfo("hints", &hints)
	t.uint("max", uint64(len(results)))
	t.ret()
	t.uint("n", uint64(max(n, 0)))
	if errno == ESUCCESS && n > 0 && n <= len(results) {
		t.addrinfos("results", results[:n])
	}
	t.end(errno)
	return n, errno
}

// Close implements System. It is traced as "close", with the errno the
// error maps to.
func (t *tracer) Close(ctx context.Context) error {
	start := t.start()
	err := t.sys.Close(ctx)
	t.begin("close", start)
	t.end(ErrnoOf(err))
	return err
}
