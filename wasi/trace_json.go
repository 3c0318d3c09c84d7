package wasi

import (
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// JSON encoders for Trace's JSON format: no allocation, no encoding/json.
// Strings follow encoding/json's rules for invalid UTF-8 (U+FFFD) and
// U+2028/U+2029 (escaped), and also escape DEL and every non-printable
// character, so that a line shown in a terminal cannot carry an escape
// sequence or a bidirectional override.

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// appendJSONString appends s as a JSON string, cut to max bytes (at a
// character boundary) and ending with "…(NB)" if it was longer; max <= 0
// keeps it whole.
func appendJSONString(b []byte, s string, max int) []byte {
	b = append(b, '"')
	return appendJSONContent(b, s, max)
}

// appendJSONContent appends the inside of a JSON string (s, escaped and
// cut as appendJSONString does) and the closing quote.
func appendJSONContent(b []byte, s string, max int) []byte {
	n := len(s)
	if max > 0 && n > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			b = appendJSONRune(b, rune(c))
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		b = appendJSONRune(b, r)
		i += size
	}
	if len(s) < n {
		b = appendCut(b, n)
	}
	return append(b, '"')
}

// appendJSONBytes is appendJSONString for a byte slice (a payload), cut
// at max bytes exactly, as appendQuotedBytes is; a character cut in two
// becomes U+FFFD.
func appendJSONBytes(b []byte, p []byte, max int) []byte {
	n := len(p)
	if max > 0 && n > max {
		p = p[:max]
	}
	return appendJSONCut(b, p, n)
}

// appendJSONCut appends p as a JSON string that ends with "…(NB)" if p is
// shorter than n, the length of the data it begins.
func appendJSONCut(b []byte, p []byte, n int) []byte {
	b = append(b, '"')
	for i := 0; i < len(p); {
		if c := p[i]; c < utf8.RuneSelf {
			b = appendJSONRune(b, rune(c))
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		b = appendJSONRune(b, r)
		i += size
	}
	if len(p) < n {
		b = appendCut(b, n)
	}
	return append(b, '"')
}

// appendJSONRune appends one character of a JSON string, escaped if it is
// a quote, a backslash, a control or non-printable character, or U+2028 or
// U+2029 (line separators in JavaScript). utf8.RuneError stands for an
// invalid byte and becomes \ufffd.
func appendJSONRune(b []byte, r rune) []byte {
	switch {
	case r == '"' || r == '\\':
		return append(b, '\\', byte(r))
	case r >= 0x20 && r < 0x7f:
		return append(b, byte(r))
	case r == '\n':
		return append(b, '\\', 'n')
	case r == '\t':
		return append(b, '\\', 't')
	case r == '\r':
		return append(b, '\\', 'r')
	case r == utf8.RuneError:
		return append(b, `\ufffd`...)
	case r < utf8.RuneSelf || r == 0x2028 || r == 0x2029 || !unicode.IsPrint(r):
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			b = appendJSONRune16(b, r1)
			return appendJSONRune16(b, r2)
		}
		return appendJSONRune16(b, r)
	}
	return utf8.AppendRune(b, r)
}

func appendJSONRune16(b []byte, r rune) []byte {
	const hexDigits = "0123456789abcdef"
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// appendJSONFlags appends the names of the bits set in v as a JSON array,
// then any unnamed bits as one hex string; [] if none is set.
func appendJSONFlags(b []byte, v uint64, names []string) []byte {
	b = append(b, '[')
	first := true
	for i, n := range names {
		if v&(1<<uint(i)) == 0 {
			continue
		}
		b = appendJSONName(b, n, first)
		first = false
		v &^= 1 << uint(i)
	}
	return appendJSONRest(b, v, first)
}

// appendJSONRights is appendRights as a JSON array: ["all"], or the whole
// groups first, then the names of the other rights.
func appendJSONRights(b []byte, r Rights) []byte {
	if r == AllRights {
		return append(b, `["all"]`...)
	}
	b = append(b, '[')
	rest, first := r, true
	for _, g := range [...]struct {
		set  Rights
		name string
	}{{DirectoryRights, "directory_rights"}, {FileRights, "file_rights"}} {
		if r.Has(g.set) {
			b = appendJSONName(b, g.name, first)
			rest &^= g.set
			first = false
		}
	}
	for i, n := range rightNames {
		if rest&(1<<uint(i)) == 0 {
			continue
		}
		b = appendJSONName(b, n, first)
		first = false
		rest &^= 1 << uint(i)
	}
	return appendJSONRest(b, uint64(rest), first)
}

// appendJSONName appends a name from a table (nothing to escape) as an
// array element.
func appendJSONName(b []byte, name string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"')
}

// appendJSONRest appends the unnamed bits v of a bit set, if any, as a
// "0x..." element, and closes the array.
func appendJSONRest(b []byte, v uint64, first bool) []byte {
	if v != 0 {
		if !first {
			b = append(b, ',')
		}
		b = append(b, `"0x`...)
		b = appendHex(b, v)
		b = append(b, '"')
	}
	return append(b, ']')
}

func appendHex(b []byte, v uint64) []byte { return strconv.AppendUint(b, v, 16) }
