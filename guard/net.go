package guard

import (
	"context"
	"net/netip"
	"strconv"
	"strings"

	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/wasi"
)

// netState is the guard's view of the guest's sockets and of the names
// its own resolver returned (pinning, design decision 5).
type netState struct {
	tcp, udp bool                    // some net.connect or net.listen grant names the protocol
	socks    map[wasi.FD]sockInfo    // sockets created through the guard
	pinned   map[netip.Addr][]string // address -> names getaddrinfo returned it for
}

type sockInfo struct {
	proto  string // "tcp" or "udp"
	family wasi.ProtocolFamily
}

// maxPinned bounds the pin table: a guest resolving names in a loop must
// not grow host memory without bound. Past it, an arbitrary half of the
// addresses is dropped (connections by name to those addresses are then
// denied until the name is resolved again: fail closed). maxNamesPerAddr
// bounds the names kept for one address; the oldest is dropped.
const (
	maxPinned       = 4096
	maxNamesPerAddr = 16
)

func (n *netState) init(m *policy.Manifest) {
	for _, rules := range [][]policy.NetRule{m.Connect, m.Listen} {
		for _, r := range rules {
			n.tcp = n.tcp || r.Proto == "tcp"
			n.udp = n.udp || r.Proto == "udp"
		}
	}
	n.socks = map[wasi.FD]sockInfo{}
	n.pinned = map[netip.Addr][]string{}
}

// sockets reports whether the guest may create sockets of proto.
func (n *netState) sockets(proto string) bool {
	if proto == "udp" {
		return n.udp
	}
	return n.tcp
}

func (n *netState) forget(fd wasi.FD) {
	if len(n.socks) > 0 {
		delete(n.socks, fd)
	}
}

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
	names := n.pinned[a]
	if len(names) >= maxNamesPerAddr {
		names = append(names[:0:0], names[1:]...)
	}
	n.pinned[a] = append(names, name)
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

// sockOf returns what the guard knows of socket fd. A socket it did not
// create (one passed in as stdio) is described from its file type.
func (g *System) sockOf(ctx context.Context, fd wasi.FD) sockInfo {
	if si, ok := g.net.socks[fd]; ok {
		return si
	}
	si := sockInfo{proto: "tcp"}
	if st, errno := g.System.FDStatGet(ctx, fd); errno == wasi.ESUCCESS && st.FileType == wasi.SocketDGramType {
		si.proto = "udp"
	}
	return si
}

// decideAddr decides a call that names addr on socket fd against rules
// (net.connect or net.listen, named by section) and the policy. With
// reach, the address is the one a connection really reaches (the
// unspecified addresses reach the loopback).
func (g *System) decideAddr(ctx context.Context, op string, rules []policy.NetRule, section string, fd wasi.FD, addr wasi.SockAddr, reach bool) wasi.Errno {
	si := g.sockOf(ctx, fd)
	in := policy.Input{Op: op, Module: g.module, Family: familyName(addr.Family), Proto: si.proto}
	switch addr.Family {
	case wasi.UnixFamily:
		return g.deny(ctx, &in, "unix:"+addr.Path, "unix-domain sockets are never granted", "")
	case wasi.InetFamily, wasi.Inet6Family:
	default:
		return wasi.ESUCCESS // no address: the inner System refuses it (EAFNOSUPPORT, EINVAL)
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
		return g.deny(ctx, &in, object, "no "+section+" grant matches", "grant: "+section+" "+strconv.Quote(object))
	}
	if g.engine != nil {
		if d := g.engine.Decide(ctx, &in); !d.Allow {
			return g.deny(ctx, &in, object, "policy: "+d.Reason, "")
		}
	}
	if g.audit != nil {
		g.allowed(ctx, &in, object, section+" "+strconv.Quote(r.Raw))
	}
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
		return -1, g.deny(ctx, &in, object, "unix-domain sockets are never granted", "")
	}
	if !g.net.sockets(p) {
		return -1, g.deny(ctx, &in, object, "no net.connect or net.listen grant for "+p, "grant: net.connect or net.listen \""+p+"://...\"")
	}
	if g.engine != nil {
		if d := g.engine.Decide(ctx, &in); !d.Allow {
			return -1, g.deny(ctx, &in, object, "policy: "+d.Reason, "")
		}
	}
	fd, errno := g.System.SockOpen(ctx, family, typ, proto, base, inherit)
	if errno == wasi.ESUCCESS {
		g.net.socks[fd] = sockInfo{proto: p, family: family}
		g.allowed(ctx, &in, object, "net")
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

// SockAccept implements wasi.System. The listener was granted at bind and
// listen; the policy may still refuse peers (input.addr is the peer), in
// which case the connection is closed and the guest sees the denial errno.
func (g *System) SockAccept(ctx context.Context, fd wasi.FD, flags wasi.FDFlags) (wasi.FD, wasi.SockAddr, wasi.Errno) {
	nfd, peer, errno := g.System.SockAccept(ctx, fd, flags)
	if errno != wasi.ESUCCESS {
		return nfd, peer, errno
	}
	si := g.sockOf(ctx, fd)
	g.net.socks[nfd] = si
	if g.engine != nil {
		a := normalize(peer.Addr.Addr())
		in := policy.Input{Op: "sock_accept", Proto: si.proto, Family: familyName(peer.Family),
			Addr: a.String(), Port: int(peer.Addr.Port()), Module: g.module}
		object := addrObject(si.proto, netip.AddrPortFrom(a, peer.Addr.Port()))
		if d := g.engine.Decide(ctx, &in); !d.Allow {
			g.System.FDClose(ctx, nfd)
			delete(g.net.socks, nfd)
			return -1, wasi.SockAddr{}, g.deny(ctx, &in, object, "policy: "+d.Reason, "")
		}
		g.allowed(ctx, &in, object, "net.listen")
	}
	return nfd, peer, wasi.ESUCCESS
}

// SockSetOpt implements wasi.System. The inner System allow-lists the
// options; the policy may narrow (input.name is "level/option", numbered
// as in the WasmEdge ABI).
func (g *System) SockSetOpt(ctx context.Context, fd wasi.FD, level wasi.SockOptLevel, name wasi.SockOption, value []byte) wasi.Errno {
	if g.engine != nil {
		in := policy.Input{Op: "sock_setsockopt", Proto: g.sockOf(ctx, fd).proto, Module: g.module,
			Name: strconv.Itoa(int(level)) + "/" + strconv.Itoa(int(name))}
		if d := g.engine.Decide(ctx, &in); !d.Allow {
			return g.deny(ctx, &in, "option "+in.Name, "policy: "+d.Reason, "")
		}
	}
	return g.System.SockSetOpt(ctx, fd, level, name, value)
}

// SockAddressInfo implements wasi.System: only names matching net.lookup
// may be resolved (numeric hosts and an empty node need no lookup); every
// address returned is pinned to the name, so a net.connect grant by name
// allows exactly the addresses wasibox's resolver gave the guest.
func (g *System) SockAddressInfo(ctx context.Context, node, service string, hints wasi.AddrInfo, results []wasi.AddrInfo) (int, wasi.Errno) {
	in := policy.Input{Op: "sock_getaddrinfo", Name: node, Module: g.module}
	_, numeric := netip.ParseAddr(node)
	lookup := node != "" && numeric != nil
	if lookup {
		grant := ""
		for _, pat := range g.m.Lookup {
			if policy.MatchName(pat, node) {
				grant = pat
				break
			}
		}
		if grant == "" {
			return 0, g.deny(ctx, &in, node, "no net.lookup grant matches", "grant: net.lookup "+strconv.Quote(strings.ToLower(node)))
		}
	}
	if g.engine != nil {
		if d := g.engine.Decide(ctx, &in); !d.Allow {
			return 0, g.deny(ctx, &in, node, "policy: "+d.Reason, "")
		}
	}
	n, errno := g.System.SockAddressInfo(ctx, node, service, hints, results)
	if lookup && errno == wasi.ESUCCESS {
		for i := 0; i < n && i < len(results); i++ {
			if f := results[i].Addr.Family; f == wasi.InetFamily || f == wasi.Inet6Family {
				g.net.pin(node, results[i].Addr.Addr.Addr())
			}
		}
	}
	if g.audit != nil && errno == wasi.ESUCCESS {
		g.allowed(ctx, &in, node, "net.lookup")
	}
	return n, errno
}
