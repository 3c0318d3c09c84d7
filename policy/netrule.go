package policy

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// PortRange is an inclusive range of ports.
type PortRange struct {
	Lo, Hi uint16
}

// Contains reports whether p is in the range.
func (r PortRange) Contains(p uint16) bool { return r.Lo <= p && p <= r.Hi }

func (r PortRange) String() string {
	switch {
	case r.Lo == 0 && r.Hi == 65535:
		return "*"
	case r.Lo == r.Hi:
		return strconv.Itoa(int(r.Lo))
	}
	return strconv.Itoa(int(r.Lo)) + "-" + strconv.Itoa(int(r.Hi))
}

// NetRule is one parsed net.connect or net.listen entry,
// `proto://host:ports`. Exactly one of Prefix and Name is set.
type NetRule struct {
	Proto  string       // "tcp" or "udp"
	Prefix netip.Prefix // an IP (as a /32 or /128) or a CIDR
	Name   string       // a DNS name, lower case; "*.example.com" matches one or more labels
	Ports  []PortRange  // never empty
	Raw    string       // the entry as written
	Pos    Pos          // where it was written (zero if parsed from a flag)
}

// AnyPort reports whether the rule grants every port.
func (r *NetRule) AnyPort() bool {
	for _, p := range r.Ports {
		if p.Lo == 0 && p.Hi == 65535 {
			return true
		}
	}
	return false
}

// MatchPort reports whether port is granted by the rule.
func (r *NetRule) MatchPort(port uint16) bool {
	for _, p := range r.Ports {
		if p.Contains(port) {
			return true
		}
	}
	return false
}

// MatchAddr reports whether the rule's IP prefix covers addr (which the
// caller has normalized: unmapped, zone dropped). Name rules never match
// here; the caller pins names to the addresses its resolver returned.
func (r *NetRule) MatchAddr(addr netip.Addr) bool {
	return r.Prefix.IsValid() && r.Prefix.Contains(addr)
}

func (r *NetRule) String() string { return r.Raw }

// ListenAddr returns the one address and port of a rule that names
// exactly one (a net.preopen entry, see ParsePreopen).
func (r *NetRule) ListenAddr() (netip.AddrPort, bool) {
	if !r.Prefix.IsValid() || !r.Prefix.IsSingleIP() || len(r.Ports) != 1 || r.Ports[0].Lo != r.Ports[0].Hi {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(r.Prefix.Addr(), r.Ports[0].Lo), true
}

// ParsePreopen parses a net.preopen entry (or a --tcplisten flag):
// `tcp://host:port`, where host is an IPv4 address, `[v6]` or `localhost`
// (127.0.0.1) and port one number (0: the kernel picks one). The host
// binds and listens on it before the guest starts, so it must name
// exactly one address: no CIDR, no other name, no port list.
func ParsePreopen(s string) (NetRule, error) {
	r, err := ParseNetRule(s)
	if err != nil {
		return r, err
	}
	if r.Proto != "tcp" {
		return r, fmt.Errorf("preopened socket %q: only tcp listeners can be preopened", s)
	}
	if r.Name == "localhost" {
		r.Name, r.Prefix = "", netip.PrefixFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), 32)
	}
	if r.Name != "" || !r.Prefix.IsSingleIP() {
		return r, fmt.Errorf("preopened socket %q: want one IP address (or localhost), which the host listens on before the guest starts", s)
	}
	if len(r.Ports) != 1 || r.Ports[0].Lo != r.Ports[0].Hi {
		if r.AnyPort() {
			// `*` reads as "any port": for a listener that is port 0.
			return r, fmt.Errorf("preopened socket %q: want one port (0 lets the kernel pick one)", s)
		}
		return r, fmt.Errorf("preopened socket %q: want one port", s)
	}
	return r, nil
}

// ParseNetRule parses `proto://host:ports`: proto is tcp or udp; host is an
// IPv4 address, an IPv4 CIDR, `[v6]` or `[v6/len]`, or a DNS name (a `*.`
// wildcard only as the leftmost label); ports is `*`, a number, a range
// `a-b`, or a comma-separated list of those.
func ParseNetRule(s string) (NetRule, error) {
	r := NetRule{Raw: s}
	proto, rest, ok := strings.Cut(s, "://")
	if !ok {
		return r, fmt.Errorf("network entry %q: want proto://host:ports", s)
	}
	switch proto {
	case "tcp", "udp":
		r.Proto = proto
	default:
		return r, fmt.Errorf("network entry %q: protocol %q is not tcp or udp", s, proto)
	}
	var host, ports string
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return r, fmt.Errorf("network entry %q: missing ] after IPv6 address", s)
		}
		host = rest[1:end]
		after := rest[end+1:]
		if !strings.HasPrefix(after, ":") {
			return r, fmt.Errorf("network entry %q: want :ports after the address", s)
		}
		ports = after[1:]
		p, err := parseIPOrPrefix(host)
		if err != nil || !p.Addr().Is6() {
			return r, fmt.Errorf("network entry %q: %q is not an IPv6 address or prefix", s, host)
		}
		r.Prefix = p
	} else {
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			return r, fmt.Errorf("network entry %q: want host:ports (use * for any port)", s)
		}
		host, ports = rest[:i], rest[i+1:]
		if host == "" {
			return r, fmt.Errorf("network entry %q: empty host", s)
		}
		if strings.Contains(host, ":") {
			return r, fmt.Errorf("network entry %q: IPv6 addresses must be in brackets, e.g. [::1]:80", s)
		}
		if p, err := parseIPOrPrefix(host); err == nil {
			if !p.Addr().Is4() {
				return r, fmt.Errorf("network entry %q: bad address %q", s, host)
			}
			r.Prefix = p
		} else if looksNumeric(host) {
			return r, fmt.Errorf("network entry %q: bad address %q: %v", s, host, err)
		} else {
			if err := checkDNSPattern(host); err != nil {
				return r, fmt.Errorf("network entry %q: %v", s, err)
			}
			r.Name = strings.ToLower(host)
		}
	}
	pr, err := parsePorts(ports)
	if err != nil {
		return r, fmt.Errorf("network entry %q: %v", s, err)
	}
	r.Ports = pr
	return r, nil
}

func looksNumeric(h string) bool {
	for _, c := range h {
		if (c < '0' || c > '9') && c != '.' && c != '/' {
			return false
		}
	}
	return true
}

func parseIPOrPrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, err
		}
		if p.Addr().Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("zones are not allowed")
		}
		if p.Addr().Is4In6() {
			return netip.Prefix{}, fmt.Errorf("write IPv4-mapped prefixes as IPv4")
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("zones are not allowed")
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func parsePorts(s string) ([]PortRange, error) {
	if s == "" {
		return nil, fmt.Errorf("empty port list (use * for any port)")
	}
	var out []PortRange
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "*" {
			out = append(out, PortRange{0, 65535})
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := parsePort(lo)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = parsePort(hi); err != nil {
				return nil, err
			}
			if b < a {
				return nil, fmt.Errorf("port range %q is reversed", part)
			}
		}
		out = append(out, PortRange{a, b})
	}
	return out, nil
}

func parsePort(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || s == "" || s[0] == '+' {
		return 0, fmt.Errorf("bad port %q (want 0-65535, a range a-b, or *)", s)
	}
	return uint16(n), nil
}

// checkDNSPattern validates a DNS name, with `*.` allowed only as the
// leftmost label.
func checkDNSPattern(name string) error {
	if len(name) > 253 {
		return fmt.Errorf("name %q is longer than 253 bytes", name)
	}
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	for i, l := range labels {
		if l == "*" {
			if i != 0 || len(labels) < 2 {
				return fmt.Errorf("name %q: * is only allowed as the leftmost label of a longer name", name)
			}
			continue
		}
		if l == "" || len(l) > 63 {
			return fmt.Errorf("name %q: empty or over-long label", name)
		}
		for j := 0; j < len(l); j++ {
			c := l[j]
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
			if !ok {
				return fmt.Errorf("name %q: invalid character %q", name, c)
			}
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("name %q: label %q starts or ends with -", name, l)
		}
	}
	return nil
}

// MatchName reports whether name (a DNS name, any case, optional trailing
// dot) matches pattern (lower case; `*.suffix` matches one or more labels
// before suffix, never suffix itself).
func MatchName(pattern, name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	pattern = strings.TrimSuffix(pattern, ".")
	if suffix, ok := strings.CutPrefix(pattern, "*."); ok {
		return len(name) > len(suffix)+1 && strings.HasSuffix(name, "."+suffix) && name[0] != '.'
	}
	return name == pattern
}

// CheckName validates a net.lookup name pattern (a DNS name, `*.` only as
// the leftmost label).
func CheckName(pattern string) error { return checkDNSPattern(pattern) }
