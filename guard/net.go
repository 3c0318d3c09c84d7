package guard

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/wasi"
)

// netState is the guard's view of the guest's sockets and of the names
// its own resolver returned (pinning, design decision 5).
type netState struct {
	any    bool                    // the manifest grants some network access
	socks  map[wasi.FD]sockInfo    // sockets created through the guard
	pinned map[netip.Addr][]string // address -> names getaddrinfo returned it for
}

type sockInfo struct {
	proto  string // "tcp" or "udp"
	family wasi.ProtocolFamily
}

// maxPinned bounds the pin table: a guest resolving names in a loop must
// not grow host memory without bound. Past it, the oldest half is dropped
// (connections to names resolved long ago are then denied, fail closed).
const maxPinned = 4096

func (n *netState) init(m *policy.Manifest) {
	n.any = len(m.Connect)+len(m.Listen)+len(m.Lookup) > 0
	n.socks = map[wasi.FD]sockInfo{}
	n.pinned = map[netip.Addr][]string{}
}

func (n *netState) forget(fd wasi.FD) { delete(n.socks, fd) }

func (n *netState) renumber(from, to wasi.FD) {
	if s, ok := n.socks[from]; ok {
		n.socks[to] = s
	} else {
		delete(n.socks, to)
	}
	delete(n.socks, from)
}

func (n *netState) pin(name string, a netip.Addr) {
	a = normalize(a)
	for _, have := range n.pinned[a] {
		if have == name {
			return
		}
	}
	if len(n.pinned) >= maxPinned {
		i := 0
		for k := range n.pinned {
			delete(n.pinned, k)
			if i++; i >= maxPinned/2 {
				break
			}
		}
	}
	n.pinned[a] = append(n.pinned[a], name)
}

// normalize unmaps IPv4-mapped IPv6 and drops zones.
func normalize(a netip.Addr) netip.Addr {
	return a.Unmap().WithZone("")
}

// effective is the address a connect or send_to really reaches: on Linux
// the unspecified addresses reach the loopback.
func effective(a netip.Addr) netip.Addr {
	a = normalize(a)
	if a.IsUnspecified() {
		if a.Is4() {
			return netip.AddrFrom4([4]byte{127, 0, 0, 1})
		}
		return netip.IPv6Loopback()
	}
	return a
}

func familyName(f wasi.ProtocolFamily) string {
	switch f {
	case wasi.InetFamily:
		return "inet"
	case wasi.Inet6Family:
		return "inet6"
	case wasi.UnixFamily:
		return "unix"
	}
	return "unspec"
}

func addrObject(proto string, ap netip.AddrPort) string {
	return proto + "://" + netip.AddrPortFrom(ap.Addr(), ap.Port()).String()
}

// matchRules returns the first rule granting proto, addr, port; addr is
// normalized. Name rules match through the pin table.
func (g *System) matchRules(rules []policy.NetRule, proto string, addr netip.Addr, port uint16) (*policy.NetRule, string) {
	names := g.net.pinned[addr]
	for i := range rules {
		r := &rules[i]
		if r.Proto != proto || !r.MatchPort(port) {
			continue
		}
		if r.Prefix.IsValid() {
			if r.MatchAddr(addr) {
				return r, ""
			}
			continue
		}
		for _, n := range names {
			if policy.MatchName(r.Name, n) {
				return r, n
			}
		}
	}
	return nil, ""
}

func (g *System) decideAddr(ctx context.Context, op string, rules []policy.NetRule, section string, fd wasi.FD, addr wasi.SockAddr, reach bool) wasi.Errno {
	si, known := g.net.socks[fd]
	in := policy.Input{Op: op, Module: g.module, Family: familyName(addr.Family)}
	if !known {
		// Not a socket the guard created (e.g. a socket passed as stdio):
		// let the inner System answer for it, but only on a valid address.
		si = sockInfo{proto: "tcp", family: addr.Family}
	}
	in.Proto = si.proto
	if addr.Family == wasi.UnixFamily {
		return g.deny(&in, "unix:"+addr.Path, "unix-domain sockets are not granted", "net")
	}
	a := normalize(addr.Addr.Addr())
	if reach {
		a = effective(a)
	}
	port := addr.Addr.Port()
	in.Addr, in.Port = a.String(), int(port)
	object := addrObject(si.proto, netip.AddrPortFrom(a, port))
	r, name := g.matchRules(rules, si.proto, a, port)
	in.Name = name
	if r == nil {
		return g.deny(&in, object, "no "+section+" grant matches", section)
	}
	if g.engine != nil {
		if d := g.engine.Decide(ctx, &in); !d.Allow {
			return g.deny(&in, object, "policy: "+d.Reason, "policy")
		}
	}
	g.allowed(&in, object, fmt.Sprintf("%s %s", section, r.Raw))
	return wasi.ESUCCESS
}

// SockOpen implements wasi.System: sockets exist only if the manifest
// grants some network access; unix-domain sockets are never granted.
func (g *System) SockOpen(ctx context.Context, family wasi.ProtocolFamily, typ wasi.SocketType, proto wasi.Protocol, base, inherit wasi.Rights) (wasi.FD, wasi.Errno) {
	p := "tcp"
	if typ == wasi.DatagramSocket {
		p = "udp"
	}
	in := policy.Input{Op: "sock_open", Proto: p, Family: familyName(family), Module: g.module}
	object := p + "/" + familyName(family)
	if family == wasi.UnixFamily {
		return -1, g.deny(&in, object, "unix-domain sockets are not granted", "net")
	}
	if !g.net.any || len(g.m.Connect)+len(g.m.Listen) == 0 {
		return -1, g.deny(&in, object, "no net.connect or net.listen grant", "net")
	}
	if g.engine != nil {
		if d := g.engine.Decide(ctx, &in); !d.Allow {
			return -1, g.deny(&in, object, "policy: "+d.Reason, "policy")
		}
	}
	fd, errno := g.System.SockOpen(ctx, family, typ, proto, base, inherit)
	if errno == wasi.ESUCCESS {
		g.net.socks[fd] = sockInfo{proto: p, family: family}
	}
	return fd, errno
}

// SockBind implements wasi.System: the bound address must match a
// net.listen grant exactly (binding 0.0.0.0 listens on every interface,
// so it needs a grant for 0.0.0.0).
func (g *System) SockBind(ctx context.Context, fd wasi.FD, addr wasi.SockAddr) wasi.Errno {
	if errno := g.decideAddr(ctx, "sock_bind", g.m.Listen, "net.listen", fd, addr, false); errno != wasi.ESUCCESS {
		return errno
	}
	return g.System.SockBind(ctx, fd, addr)
}

// SockListen implements wasi.System. The address was decided at bind; a
// socket that was never bound would listen on an ephemeral port of every
// interface, which no grant describes, so it is refused.
func (g *System) SockListen(ctx context.Context, fd wasi.FD, backlog int) wasi.Errno {
	la, errno := g.System.SockLocalAddress(ctx, fd)
	if errno == wasi.ESUCCESS && la.Family != wasi.UnixFamily {
		if errno := g.decideAddr(ctx, "sock_listen", g.m.Listen, "net.listen", fd, la, false); errno != wasi.ESUCCESS {
			return errno
		}
	}
	return g.System.SockListen(ctx, fd, backlog)
}

// SockConnect implements wasi.System.
func (g *System) SockConnect(ctx context.Context, fd wasi.FD, addr wasi.SockAddr) wasi.Errno {
	if errno := g.decideAddr(ctx, "sock_connect", g.m.Connect, "net.connect", fd, addr, true); errno != wasi.ESUCCESS {
		return errno
	}
	return g.System.SockConnect(ctx, fd, addr)
}

// SockSendTo implements wasi.System.
func (g *System) SockSendTo(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.SIFlags, addr wasi.SockAddr) (wasi.Size, wasi.Errno) {
	if errno := g.decideAddr(ctx, "sock_send_to", g.m.Connect, "net.connect", fd, addr, true); errno != wasi.ESUCCESS {
		return 0, errno
	}
	return g.System.SockSendTo(ctx, fd, iovs, flags, addr)
}

// SockAccept implements wasi.System. The listener was granted at bind;
// Rego may still refuse peers (input.addr is the peer), in which case the
// connection is closed and the guest sees the denial errno.
func (g *System) SockAccept(ctx context.Context, fd wasi.FD, flags wasi.FDFlags) (wasi.FD, wasi.SockAddr, wasi.Errno) {
	nfd, peer, errno := g.System.SockAccept(ctx, fd, flags)
	if errno != wasi.ESUCCESS {
		return nfd, peer, errno
	}
	si := g.net.socks[fd]
	g.net.socks[nfd] = si
	if g.engine != nil {
		a := normalize(peer.Addr.Addr())
		in := policy.Input{Op: "sock_accept", Proto: si.proto, Family: familyName(peer.Family),
			Addr: a.String(), Port: int(peer.Addr.Port()), Module: g.module}
		if d := g.engine.Decide(ctx, &in); !d.Allow {
			g.System.FDClose(ctx, nfd)
			delete(g.net.socks, nfd)
			return -1, wasi.SockAddr{}, g.deny(&in, addrObject(si.proto, peer.Addr), "policy: "+d.Reason, "policy")
		}
	}
	return nfd, peer, wasi.ESUCCESS
}

// SockSetOpt implements wasi.System (the inner System allow-lists the
// options; Rego may narrow).
func (g *System) SockSetOpt(ctx context.Context, fd wasi.FD, level wasi.SockOptLevel, name wasi.SockOption, value []byte) wasi.Errno {
	if g.engine != nil {
		in := policy.Input{Op: "sock_setsockopt", Proto: g.net.socks[fd].proto, Module: g.module,
			Name: strconv.Itoa(int(level)) + "/" + strconv.Itoa(int(name))}
		if d := g.engine.Decide(ctx, &in); !d.Allow {
			return g.deny(&in, "option "+in.Name, "policy: "+d.Reason, "policy")
		}
	}
	return g.System.SockSetOpt(ctx, fd, level, name, value)
}

// SockAddressInfo implements wasi.System: only names matching net.lookup
// may be resolved (numeric hosts need no lookup); every address returned
// is pinned to the name, so a net.connect grant by name allows exactly
// the addresses wasibox's resolver gave the guest.
func (g *System) SockAddressInfo(ctx context.Context, node, service string, hints wasi.AddrInfo, results []wasi.AddrInfo) (int, wasi.Errno) {
	in := policy.Input{Op: "sock_getaddrinfo", Name: node, Module: g.module}
	if _, err := netip.ParseAddr(node); err != nil && node != "" {
		ok := false
		for _, pat := range g.m.Lookup {
			if policy.MatchName(pat, node) {
				ok = true
				break
			}
		}
		if !ok {
			return 0, g.deny(&in, node, "no net.lookup grant matches", "net.lookup")
		}
	}
	if g.engine != nil {
		if d := g.engine.Decide(ctx, &in); !d.Allow {
			return 0, g.deny(&in, node, "policy: "+d.Reason, "policy")
		}
	}
	n, errno := g.System.SockAddressInfo(ctx, node, service, hints, results)
	if _, err := netip.ParseAddr(node); err != nil && node != "" {
		for i := 0; i < n && i < len(results); i++ {
			if results[i].Addr.Family == wasi.InetFamily || results[i].Addr.Family == wasi.Inet6Family {
				g.net.pin(node, results[i].Addr.Addr.Addr())
			}
		}
	}
	return n, errno
}
