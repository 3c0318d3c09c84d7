package wasi

import (
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// Append-style formatting for Trace: no allocation, no fmt. Enumerations
// and bit sets are rendered from the name tables below, in spec order;
// unknown values print as numbers so that hostile input is visible as is.

var (
	clockNames        = [...]string{"realtime", "monotonic", "process_cputime_id", "thread_cputime_id"}
	whenceNames       = [...]string{"set", "cur", "end"}
	adviceNames       = [...]string{"normal", "sequential", "random", "willneed", "dontneed", "noreuse"}
	fdFlagNames       = [...]string{"append", "dsync", "nonblock", "rsync", "sync"}
	fstFlagNames      = [...]string{"atim", "atim_now", "mtim", "mtim_now"}
	lookupFlagNames   = [...]string{"symlink_follow"}
	oFlagNames        = [...]string{"creat", "directory", "excl", "trunc"}
	eventTypeNames    = [...]string{"clock", "fd_read", "fd_write"}
	eventRWFlagNames  = [...]string{"hangup"}
	subClockFlagNames = [...]string{"abstime"}
	preopenTypeNames  = [...]string{"dir"}
	riFlagNames       = [...]string{"recv_peek", "recv_waitall"}
	roFlagNames       = [...]string{"recv_data_truncated"}
	sdFlagNames       = [...]string{"rd", "wr"}
	familyNames       = [...]string{"unspec", "inet", "inet6", "unix"}
	socketTypeNames   = [...]string{"any", "dgram", "stream"}
	addrInfoFlagNames = [...]string{"passive", "canonname", "numerichost", "numericserv"}
	signalNames       = [...]string{"none", "hup", "int", "quit", "ill", "trap", "abrt", "bus", "fpe", "kill",
		"usr1", "segv", "usr2", "pipe", "alrm", "term", "chld", "cont", "stop", "tstp", "ttin", "ttou",
		"urg", "xcpu", "xfsz", "vtalrm", "prof", "winch", "poll", "pwr", "sys"}
)

func appendUint(b []byte, v uint64) []byte { return strconv.AppendUint(b, v, 10) }

func appendInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }

func appendErrno(b []byte, e Errno) []byte {
	if int(e) < len(errnoNames) {
		return append(b, errnoNames[e]...)
	}
	b = append(b, "errno("...)
	b = appendUint(b, uint64(e))
	return append(b, ')')
}

// appendEnum appends names[v], or v in decimal if it has no name.
func appendEnum(b []byte, v uint64, names []string) []byte {
	if v < uint64(len(names)) {
		return append(b, names[v]...)
	}
	return appendUint(b, v)
}

// appendFlags appends the names of the bits set in v joined by "|", then
// any unnamed bits in hex; "0" if none is set.
func appendFlags(b []byte, v uint64, names []string) []byte {
	if v == 0 {
		return append(b, '0')
	}
	first := true
	for i, n := range names {
		if v&(1<<uint(i)) == 0 {
			continue
		}
		if !first {
			b = append(b, '|')
		}
		first = false
		b = append(b, n...)
		v &^= 1 << uint(i)
	}
	if v != 0 {
		if !first {
			b = append(b, '|')
		}
		b = append(b, "0x"...)
		b = strconv.AppendUint(b, v, 16)
	}
	return b
}

// appendRights names whole groups first, because inheriting rights are
// usually DirectoryRights|FileRights and thirty names hide the line.
func appendRights(b []byte, r Rights) []byte {
	if r == AllRights {
		return append(b, "all"...)
	}
	rest, first := r, true
	for _, g := range [...]struct {
		set  Rights
		name string
	}{{DirectoryRights, "directory_rights"}, {FileRights, "file_rights"}} {
		if r.Has(g.set) {
			if !first {
				b = append(b, '|')
			}
			b = append(b, g.name...)
			rest &^= g.set
			first = false
		}
	}
	if first {
		return appendFlags(b, uint64(r), rightNames[:])
	}
	if rest != 0 {
		b = append(b, '|')
		b = appendFlags(b, uint64(rest), rightNames[:])
	}
	return b
}

// appendString appends s quoted with Go syntax, cut to max bytes (at a
// character boundary) and followed by "…(NB)" if it was longer.
func appendString(b []byte, s string, max int) []byte {
	if max <= 0 || len(s) <= max {
		return strconv.AppendQuote(b, s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	b = strconv.AppendQuote(b, s[:cut])
	return appendCut(b, len(s))
}

func appendCut(b []byte, n int) []byte {
	b = append(b, "…("...)
	b = appendUint(b, uint64(n))
	return append(b, "B)"...)
}

// appendQuotedBytes is appendString for a byte slice, without converting it
// to a string: printable characters as they are, the rest escaped, so that
// nothing the guest wrote can break the line or reach a terminal raw.
func appendQuotedBytes(b []byte, p []byte, max int) []byte {
	n := len(p)
	if max > 0 && n > max {
		p = p[:max]
	}
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c >= 0x20 && c < 0x7f:
				b = append(b, c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			for _, c := range p[i : i+size] {
				b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
			}
		} else {
			b = append(b, p[i:i+size]...)
		}
		i += size
	}
	b = append(b, '"')
	if len(p) < n {
		b = appendCut(b, n)
	}
	return b
}

// appendLE shows a socket option value: a little-endian integer if it has
// the size of one, its length otherwise.
func appendLE(b []byte, v []byte) []byte {
	var x uint64
	switch len(v) {
	case 1:
		x = uint64(v[0])
	case 2:
		x = uint64(le.Uint16(v))
	case 4:
		x = uint64(le.Uint32(v))
	case 8:
		x = le.Uint64(v)
	default:
		b = append(b, '[')
		b = appendUint(b, uint64(len(v)))
		return append(b, "B]"...)
	}
	return appendUint(b, x)
}

func appendMore(b []byte, n int) []byte {
	b = append(b, ", …+"...)
	return appendUint(b, uint64(n))
}

// appendDuration appends d with three significant figures at most, in the
// unit time.Duration.String would pick (ns, µs, ms, s).
func appendDuration(b []byte, d time.Duration) []byte {
	switch {
	case d < time.Microsecond:
		b = appendInt(b, int64(d))
		return append(b, "ns"...)
	case d < time.Millisecond:
		b = strconv.AppendFloat(b, float64(d)/1e3, 'f', 1, 64)
		return append(b, "µs"...)
	case d < time.Second:
		b = strconv.AppendFloat(b, float64(d)/1e6, 'f', 1, 64)
		return append(b, "ms"...)
	}
	b = strconv.AppendFloat(b, float64(d)/1e9, 'f', 3, 64)
	return append(b, 's')
}
