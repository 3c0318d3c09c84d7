package hostabi

// sock_getaddrinfo of the WasmEdge socket extensions (see wasmedge.go).

import (
	"bytes"
	"context"
	"encoding/binary"
	"slices"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// cString decodes a node or service of sock_getaddrinfo. Guests pass C
// strings and count the terminating NUL (the Rust crate and dispatchrun/net
// append one), so the string ends at the first NUL; anything but NULs after
// it is EINVAL, since the name the guard checks must be the name resolved.
// Errnos: ENAMETOOLONG past maxAddrInfoString, EFAULT, EINVAL, EILSEQ.
func (m memory) cString(ptr, n uint32) (string, wasi.Errno) {
	if n > maxAddrInfoString {
		return "", wasi.ENAMETOOLONG
	}
	b, ok := m.slice(ptr, n)
	if !ok {
		return "", wasi.EFAULT
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		if len(bytes.Trim(b[i:], "\x00")) != 0 {
			return "", wasi.EINVAL
		}
		b = b[:i]
	}
	if !utf8.Valid(b) {
		return "", wasi.EILSEQ
	}
	return string(b), wasi.ESUCCESS
}

// aiEntry is one validated entry of the guest's addrinfo chain: slices of
// guest memory for the 28-byte addrinfo, its 12-byte sockaddr, the sa_data
// buffer and the canonical name buffer.
//
// wasm32 addrinfo: flags u16 @0, family u8 @2, socktype u8 @3, protocol
// @4 (a u8 and 3 bytes of padding in WasmEdge and the Rust crate, a u32 in
// dispatchrun/net: read as a byte, written as a u32), addrlen u32 @8, addr
// ptr @12, canonname ptr @16, canonnamelen u32 @20, next ptr @24.
// sockaddr: family @0 (a u8 padded to 4 in WasmEdge and the Rust crate, a
// u32 in dispatchrun/net, so 4 bytes are written), sa_data_len u32 @4,
// sa_data ptr @8.
type aiEntry struct {
	ai, sa, data, canon []byte
}

// addrInfoChain walks the guest's result chain from the pointer stored at
// first, validating every pointer of up to limit entries before anything
// is written. The chain ends at a next pointer of 0 or at limit entries. A
// next pointer that returns to an entry already seen ends it too: a
// self-referencing chain (dispatchrun/net builds one) or a cycle would
// otherwise make the host overwrite one entry with several results.
// Errnos: EFAULT.
func (m memory) addrInfoChain(first []byte, limit int) ([]aiEntry, wasi.Errno) {
	entries := make([]aiEntry, 0, limit)
	ptrs := make([]uint32, 0, limit)
	p := le.Uint32(first)
	for len(entries) < limit {
		if slices.Contains(ptrs, p) {
			break
		}
		ai, ok := m.slice(p, addrInfoSize)
		if !ok {
			return nil, wasi.EFAULT
		}
		sa, ok := m.slice(le.Uint32(ai[12:]), sockAddrSize)
		if !ok {
			return nil, wasi.EFAULT
		}
		data, ok := m.slice(le.Uint32(sa[8:]), le.Uint32(sa[4:]))
		if !ok {
			return nil, wasi.EFAULT
		}
		canon, ok := m.slice(le.Uint32(ai[16:]), le.Uint32(ai[20:]))
		if !ok {
			return nil, wasi.EFAULT
		}
		entries = append(entries, aiEntry{ai, sa, data, canon})
		ptrs = append(ptrs, p)
		if p = le.Uint32(ai[24:]); p == 0 {
			break
		}
	}
	return entries, wasi.ESUCCESS
}

// sockGetAddrInfo implements sock_getaddrinfo(node, node_len, service,
// service_len, hints, res, max_res_len, result.res_len) -> errno.
//
// hints is a 28-byte addrinfo of which flags (u16 @0), family (u8 @2),
// socktype (u8 @3) and protocol (u8 @4) are read: WasmEdge's
// __wasi_protocol_t is one byte, and the Rust crate's hints leave bytes 5
// to 7 (padding) undefined, so they are ignored. res points to a u32
// holding the first entry of a chain the guest allocated; at most
// min(max_res_len, wasi.MaxAddrInfoResults) entries are filled, so
// max_res_len = 0xFFFFFFFF allocates nothing more than the cap.
//
// For each result: flags, family, socktype, protocol (1 TCP, 2 UDP),
// addrlen (16 or 28, the sizes of sockaddr_in and sockaddr_in6 as
// WasmEdge reports them), the sockaddr's family and sa_data, and the
// canonical name (first result only, with AICanonName). sa_data is laid
// out as Linux's sockaddr_in / sockaddr_in6 after the family, as WasmEdge
// copies it: a big-endian port, then the IPv4 address and 8 zero bytes
// (14 bytes), or a zero flow label, the IPv6 address and a zero scope id
// (26 bytes); sa_data_len is set to that size. An address is never
// truncated: when a result's sa_data_len is smaller than its address
// needs, the call fails with EFAULT and writes nothing, as WasmEdge does
// since it stopped writing past the declared buffer (its
// GetAddrinfoRejectsShort*SocketAddressBuffer tests). The canonical name
// gets at most canonnamelen bytes (plus a NUL if it fits) and
// canonnamelen its length: the Rust crate declares 0 bytes, and a lookup
// should not fail for a name it did not ask to keep. Pointers and the
// result count are otherwise left alone.
//
// Errnos, in WasmEdge's order: ENAMETOOLONG, EINVAL, EILSEQ (node or
// service, see cString), EFAULT (hints, res, result.res_len), 84
// EAI_NONAME (neither node nor service), 82 EAI_MEMORY (max_res_len = 0),
// 79 EAI_BADFLAGS (unknown flags, or AI_CANONNAME without a node), 81
// EAI_FAMILY, ENOSYS (a protocol other than IP, TCP, UDP or a socket type
// other than any, datagram, stream), EFAULT (any pointer of the chain,
// checked before the call; a short sa_data, after it), or the System's
// (WasmEdge's EAI errnos 77-87, EACCES, ECANCELED).
func (h *host) sockGetAddrInfo(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	m := h.memoryOf(mod)
	node, errno := m.cString(arg32(stack, 0), arg32(stack, 1))
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	service, errno := m.cString(arg32(stack, 2), arg32(stack, 3))
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	hb, ok1 := m.slice(arg32(stack, 4), addrInfoSize)
	first, ok2 := m.slice(arg32(stack, 5), 4)
	nOut, ok3 := m.slice(arg32(stack, 7), 4)
	if !ok1 || !ok2 || !ok3 {
		ret(stack, wasi.EFAULT)
		return
	}
	hints, errno := addrInfoHints(hb, node, service, arg32(stack, 6))
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	entries, errno := m.addrInfoChain(first, int(min(arg32(stack, 6), wasi.MaxAddrInfoResults)))
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	results := make([]wasi.AddrInfo, len(entries))
	n, errno := h.sys.SockAddressInfo(ctx, node, service, hints, results)
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	n = min(max(n, 0), len(entries))
	for i, r := range results[:n] {
		if _, size, _, _ := saData(r); size > len(entries[i].data) {
			ret(stack, wasi.EFAULT)
			return
		}
	}
	for i, r := range results[:n] {
		putAddrInfo(entries[i], r)
	}
	le.PutUint32(nOut, uint32(n))
	ret(stack, wasi.ESUCCESS)
}

// addrInfoHints decodes and checks the hints of sock_getaddrinfo (layout on
// sockGetAddrInfo) the way WasmEdge's WasiSockGetAddrinfo does, before any
// lookup: the errnos and their order are WasmEdge's. Protocols are
// WasmEdge's numbers (0 IP, 1 TCP, 2 UDP); IANA's 6 and 17 are accepted
// too.
func addrInfoHints(hb []byte, node, service string, maxRes uint32) (wasi.AddrInfo, wasi.Errno) {
	flags := le.Uint16(hb[0:])
	h := wasi.AddrInfo{
		Flags:      wasi.AddrInfoFlags(flags),
		Family:     wasi.ProtocolFamily(hb[2]),
		SocketType: wasi.SocketType(hb[3]),
	}
	switch {
	case node == "" && service == "":
		return h, eaiNoName
	case maxRes == 0:
		return h, eaiMemory
	case flags&^aiFlagsMask != 0, h.Flags&wasi.AICanonName != 0 && node == "":
		return h, eaiBadFlags
	}
	switch h.Family {
	case wasi.UnspecifiedFamily, wasi.InetFamily, wasi.Inet6Family:
	default:
		return h, eaiFamily
	}
	switch hb[4] {
	case guestProtoIP:
		h.Protocol = wasi.IPProtocol
	case guestProtoTCP, byte(wasi.TCPProtocol):
		h.Protocol = wasi.TCPProtocol
	case guestProtoUDP, byte(wasi.UDPProtocol):
		h.Protocol = wasi.UDPProtocol
	default:
		return h, wasi.ENOSYS
	}
	switch h.SocketType {
	case wasi.AnySocket, wasi.DatagramSocket, wasi.StreamSocket:
	default:
		return h, wasi.ENOSYS
	}
	return h, wasi.ESUCCESS
}

// saData returns the sa_data bytes of r's address (layout on
// sockGetAddrInfo) and their size, with the addrlen and sockaddr family
// to report. A result without an IP address has size 0, addrlen 0 and
// family unspec, as getaddrinfo(3) reports no address.
func saData(r wasi.AddrInfo) (data [26]byte, size, addrLen int, family wasi.ProtocolFamily) {
	ip := r.Addr.Addr.Addr()
	family = r.Addr.Family
	binary.BigEndian.PutUint16(data[0:], r.Addr.Addr.Port())
	switch {
	case family == wasi.InetFamily && ip.Unmap().Is4():
		b := ip.Unmap().As4()
		copy(data[2:], b[:])
		return data, 14, 16, family
	case family == wasi.Inet6Family && ip.Is6():
		b := ip.As16()
		copy(data[6:], b[:])
		return data, 26, 28, family
	}
	return data, 0, 0, wasi.UnspecifiedFamily
}

// putAddrInfo writes one result into a validated chain entry whose
// sa_data holds the result's address (layout on aiEntry, encoding on
// sockGetAddrInfo).
func putAddrInfo(e aiEntry, r wasi.AddrInfo) {
	var proto uint32
	switch r.Protocol {
	case wasi.TCPProtocol:
		proto = guestProtoTCP
	case wasi.UDPProtocol:
		proto = guestProtoUDP
	}
	data, size, addrLen, family := saData(r)

	le.PutUint16(e.ai[0:], uint16(r.Flags))
	e.ai[2] = byte(r.Family)
	e.ai[3] = byte(r.SocketType)
	le.PutUint32(e.ai[4:], proto)
	le.PutUint32(e.ai[8:], uint32(addrLen))

	copy(e.data, data[:size])
	le.PutUint32(e.sa[0:], uint32(family))
	le.PutUint32(e.sa[4:], uint32(size))

	c := copy(e.canon, r.CanonName)
	if c < len(e.canon) {
		e.canon[c] = 0
	}
	le.PutUint32(e.ai[20:], uint32(c))
}
