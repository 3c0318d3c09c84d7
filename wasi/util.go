package wasi

// itoa formats v in decimal without importing strconv into hot paths' callers.
func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}

// flagString renders a bit set as "a|b", appending unknown bits in hex.
func flagString(v uint64, names []string) string {
	if v == 0 {
		return "0"
	}
	s := ""
	for i, n := range names {
		if v&(1<<uint(i)) != 0 {
			if s != "" {
				s += "|"
			}
			s += n
			v &^= 1 << uint(i)
		}
	}
	if v != 0 {
		if s != "" {
			s += "|"
		}
		s += "0x" + hex(v)
	}
	return s
}

func hex(v uint64) string {
	const digits = "0123456789abcdef"
	var b [16]byte
	i := len(b)
	for {
		i--
		b[i] = digits[v&0xf]
		v >>= 4
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}
