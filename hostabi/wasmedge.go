package hostabi

// The WasmEdge socket extensions to wasi_snapshot_preview1: sock_open,
// sock_bind, sock_connect, sock_listen, sock_accept (V1), sock_send_to,
// sock_recv_from, sock_getsockopt, sock_setsockopt, sock_getlocaladdr,
// sock_getpeeraddr and sock_getaddrinfo, in both ABI generations.
//
// WasmEdge registers the first generation (V1, before WasmEdge 0.12) under
// the plain names and the second (V2) under "*_v2" names, and swaps in V2
// for a plain name whose imported signature is V2's. Guests mix them: the
// wasmedge_wasi_socket crate imports a 2-parameter sock_accept (V1), an
// 8-parameter sock_recv_from (V2) and 4-parameter get*addr (V1). wazero
// links by name and checks signatures, so the variant is chosen per name
// from the guest's own import before instantiation (registerWasmEdge);
// without a guest, or for a name the guest does not import, V2 is
// exported. Preview 1's sock_accept (fd, flags, result.fd) is V2's too, so
// it is replaced only for a guest that imports the 2-parameter form.
//
// Addresses in guest memory are {u32 buf_ptr; u32 buf_len}. The length
// selects the layout, for input and output alike: 4 is a raw IPv4 address,
// 16 a raw IPv6 address, 128 a V2 storage block (u16 little-endian family
// at 0, then the address at 2: 4 or 16 bytes, or a NUL-terminated
// unix-domain path). Any other length is EINVAL. Ports are plain integers
// in host order. Families are WasmEdge's: 0 unspec, 1 inet, 2 inet6,
// 3 unix.
//
// Where the generations share a signature (sock_bind, sock_connect,
// sock_send_to, and V1 get*addr's buffer), WasmEdge's plain name is V1,
// which refuses the 128-byte block; here every layout is accepted under
// every name, since guests written for V2 hosts (dispatchrun/net,
// vmware-labs' shims) pass it to the plain names. The sources compared,
// function by function, are listed in RATIONALE.md ("WasmEdge ABI:
// verified against sources").
//
// Every function follows the order of the package comment: a bad argument
// has no side effect and nothing is written on an error. The references are
// WasmEdge's lib/host/wasi/wasifunc.cpp and the guest libraries
// wasmedge_wasi_socket (Rust) and dispatchrun/net (Go).

import (
	"bytes"
	"context"
	"net/netip"
	"slices"
	"unicode/utf8"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// Generation is a WasmEdge socket ABI generation.
type Generation uint8

// WasmEdge socket ABI generations.
const (
	// GenerationAny marks a function whose signature is the same in both
	// generations.
	GenerationAny Generation = iota
	// GenerationV1 is the ABI of WasmEdge before 0.12.
	GenerationV1
	// GenerationV2 is the ABI of WasmEdge 0.12 and later.
	GenerationV2
)

// String returns "any", "v1" or "v2".
func (g Generation) String() string {
	switch g {
	case GenerationV1:
		return "v1"
	case GenerationV2:
		return "v2"
	}
	return "any"
}

// WasmEdgeFunction describes one export of the WasmEdge socket extensions:
// a name and signature, and the generation it belongs to. A name may have
// two entries (sock_recv_from, sock_getlocaladdr, sock_getpeeraddr) with
// different signatures.
type WasmEdgeFunction struct {
	FuncInfo
	// Generation is the ABI generation of this signature.
	Generation Generation
	// Default is set for the variant exported when the guest does not
	// import this name with another variant's signature. sock_accept (V1)
	// has no default: preview 1's sock_accept stays unless the guest
	// imports the V1 form.
	Default bool
}

// WasmEdgeFunctions returns the table of WasmEdge extension functions, V1
// and V2, plain names first. The result is a fresh copy.
func WasmEdgeFunctions() []WasmEdgeFunction {
	t := wasmEdgeTable()
	for i := range t {
		t[i].impl = nil
	}
	return t
}

// WasmEdge's getaddrinfo errnos (77 to 87, see unix/addrinfo_linux.go) that
// sock_getaddrinfo returns itself, before any lookup, as WasmEdge's
// WasiSockGetAddrinfo does.
const (
	eaiBadFlags wasi.Errno = 79 // hints flags outside aiFlagsMask, or AI_CANONNAME without a node
	eaiFamily   wasi.Errno = 81 // hints family other than unspec, inet, inet6
	eaiMemory   wasi.Errno = 82 // max_res_len = 0
	eaiNoName   wasi.Errno = 84 // neither a node nor a service
)

// aiFlagsMask holds the seven ai_flags bits WasmEdge accepts in hints:
// passive, canonname, numerichost, numericserv, v4mapped, all, addrconfig
// (1 to 64). The last three are accepted and ignored.
const aiFlagsMask = 0x7F

// Guest layouts.
const (
	addrBufSize     = 8   // {u32 buf_ptr; u32 buf_len}
	addrStorageSize = 128 // V2 address storage: u16 family, then the address
	addrInfoSize    = 28  // wasm32 addrinfo, see sockAddrInfo
	sockAddrSize    = 12  // {u8 family (u32 slot); u32 sa_data_len; u32 sa_data_ptr}

	// maxSockOptLenByValue: sock_getsockopt's last argument is a pointer
	// to the value's length in WasmEdge and the Rust crate, but the
	// literal length in dispatchrun/net. No guest keeps data at addresses
	// 0 to 8, and no option is longer than 8 bytes except the 16-byte
	// timeouts, so a value up to 8 is a length and anything else a pointer.
	maxSockOptLenByValue = 8

	// maxAddrInfoString bounds the node and service of sock_getaddrinfo
	// before they are copied (a DNS name has at most 253 characters).
	maxAddrInfoString = 1024
)

// Guest protocol numbers of getaddrinfo hints and results (WasmEdge's
// __wasi_protocol_t; IANA numbers are accepted on input too).
const (
	guestProtoIP  = 0
	guestProtoTCP = 1
	guestProtoUDP = 2
)

// wasmEdgeTable builds the extension table: the functions whose signature
// is the same in both generations, then the V1 and V2 forms of the plain
// names, then the "_v2" names.
func wasmEdgeTable() []WasmEdgeFunction {
	both := func(f FuncInfo) WasmEdgeFunction { return WasmEdgeFunction{f, GenerationAny, true} }
	v1 := func(f FuncInfo, dflt bool) WasmEdgeFunction { return WasmEdgeFunction{f, GenerationV1, dflt} }
	v2 := func(f FuncInfo) WasmEdgeFunction { return WasmEdgeFunction{f, GenerationV2, true} }
	return []WasmEdgeFunction{
		both(fn("sock_open", GroupNetwork, 0, "Create a socket (WasmEdge).",
			(*host).sockOpen, i32("af"), i32("socktype"), i32("result.fd"))),
		both(fn("sock_bind", GroupNetwork, 0, "Bind a socket to an address (WasmEdge).",
			(*host).sockBind, i32("fd"), i32("addr"), i32("port"))),
		both(fn("sock_connect", GroupNetwork, 0, "Connect a socket to an address (WasmEdge).",
			(*host).sockConnect, i32("fd"), i32("addr"), i32("port"))),
		both(fn("sock_listen", GroupNetwork, 0, "Listen for connections on a socket (WasmEdge).",
			(*host).sockListen, i32("fd"), i32("backlog"))),
		both(fn("sock_send_to", GroupNetwork, wasi.FDWriteRight, "Send a message to an address (WasmEdge).",
			(*host).sockSendTo, i32("fd"), i32("si_data"), i32("si_data_len"), i32("addr"), i32("port"), i32("si_flags"), i32("result.so_datalen"))),
		both(fn("sock_getsockopt", GroupNetwork, 0, "Read a socket option (WasmEdge).",
			(*host).sockGetOpt, i32("fd"), i32("level"), i32("name"), i32("value"), i32("value_len"))),
		both(fn("sock_setsockopt", GroupNetwork, 0, "Set a socket option (WasmEdge).",
			(*host).sockSetOpt, i32("fd"), i32("level"), i32("name"), i32("value"), i32("value_len"))),
		both(fn("sock_getaddrinfo", GroupNetwork, 0, "Resolve a host and service name (WasmEdge).",
			(*host).sockGetAddrInfo, i32("node"), i32("node_len"), i32("service"), i32("service_len"), i32("hints"), i32("res"), i32("max_res_len"), i32("result.res_len"))),

		v1(fn("sock_accept", GroupNetwork, wasi.SockAcceptRight, "Accept a new incoming connection (WasmEdge V1).",
			(*host).sockAcceptV1, i32("fd"), i32("result.fd")), false),
		v1(fn("sock_recv_from", GroupNetwork, wasi.FDReadRight, "Receive a message and its source address (WasmEdge V1).",
			(*host).sockRecvFromV1, i32("fd"), i32("ri_data"), i32("ri_data_len"), i32("addr"), i32("ri_flags"), i32("result.ro_datalen"), i32("result.ro_flags")), false),
		v2(fn("sock_recv_from", GroupNetwork, wasi.FDReadRight, "Receive a message and its source address (WasmEdge V2).",
			(*host).sockRecvFromV2, i32("fd"), i32("ri_data"), i32("ri_data_len"), i32("addr"), i32("ri_flags"), i32("result.port"), i32("result.ro_datalen"), i32("result.ro_flags"))),
		v1(fn("sock_getlocaladdr", GroupNetwork, 0, "Return the local address of a socket (WasmEdge V1).",
			(*host).sockGetLocalAddrV1, i32("fd"), i32("addr"), i32("result.addr_type"), i32("result.port")), false),
		v2(fn("sock_getlocaladdr", GroupNetwork, 0, "Return the local address of a socket (WasmEdge V2).",
			(*host).sockGetLocalAddrV2, i32("fd"), i32("addr"), i32("result.port"))),
		v1(fn("sock_getpeeraddr", GroupNetwork, 0, "Return the peer address of a socket (WasmEdge V1).",
			(*host).sockGetPeerAddrV1, i32("fd"), i32("addr"), i32("result.addr_type"), i32("result.port")), false),
		v2(fn("sock_getpeeraddr", GroupNetwork, 0, "Return the peer address of a socket (WasmEdge V2).",
			(*host).sockGetPeerAddrV2, i32("fd"), i32("addr"), i32("result.port"))),

		v2(fn("sock_open_v2", GroupNetwork, 0, "Create a socket (WasmEdge V2).",
			(*host).sockOpen, i32("af"), i32("socktype"), i32("result.fd"))),
		v2(fn("sock_bind_v2", GroupNetwork, 0, "Bind a socket to an address (WasmEdge V2).",
			(*host).sockBind, i32("fd"), i32("addr"), i32("port"))),
		v2(fn("sock_connect_v2", GroupNetwork, 0, "Connect a socket to an address (WasmEdge V2).",
			(*host).sockConnect, i32("fd"), i32("addr"), i32("port"))),
		v2(fn("sock_listen_v2", GroupNetwork, 0, "Listen for connections on a socket (WasmEdge V2).",
			(*host).sockListen, i32("fd"), i32("backlog"))),
		v2(fn("sock_accept_v2", GroupNetwork, wasi.SockAcceptRight, "Accept a new incoming connection (WasmEdge V2).",
			(*host).sockAccept, i32("fd"), i32("flags"), i32("result.fd"))),
		v2(fn("sock_recv_v2", GroupNetwork, wasi.FDReadRight, "Receive a message from a socket (WasmEdge V2).",
			(*host).sockRecv, i32("fd"), i32("ri_data"), i32("ri_data_len"), i32("ri_flags"), i32("result.ro_datalen"), i32("result.ro_flags"))),
		v2(fn("sock_recv_from_v2", GroupNetwork, wasi.FDReadRight, "Receive a message and its source address (WasmEdge V2).",
			(*host).sockRecvFromV2, i32("fd"), i32("ri_data"), i32("ri_data_len"), i32("addr"), i32("ri_flags"), i32("result.port"), i32("result.ro_datalen"), i32("result.ro_flags"))),
		v2(fn("sock_send_v2", GroupNetwork, wasi.FDWriteRight, "Send a message on a socket (WasmEdge V2).",
			(*host).sockSend, i32("fd"), i32("si_data"), i32("si_data_len"), i32("si_flags"), i32("result.so_datalen"))),
		v2(fn("sock_send_to_v2", GroupNetwork, wasi.FDWriteRight, "Send a message to an address (WasmEdge V2).",
			(*host).sockSendTo, i32("fd"), i32("si_data"), i32("si_data_len"), i32("addr"), i32("port"), i32("si_flags"), i32("result.so_datalen"))),
		v2(fn("sock_getlocaladdr_v2", GroupNetwork, 0, "Return the local address of a socket (WasmEdge V2).",
			(*host).sockGetLocalAddrV2, i32("fd"), i32("addr"), i32("result.port"))),
		v2(fn("sock_getpeeraddr_v2", GroupNetwork, 0, "Return the peer address of a socket (WasmEdge V2).",
			(*host).sockGetPeerAddrV2, i32("fd"), i32("addr"), i32("result.port"))),
	}
}

// registerWasmEdge adds the WasmEdge socket extensions to b, after the
// preview 1 functions, so that an export of the same name (sock_accept V1)
// replaces the preview 1 one. For each name, the variant whose signature
// the guest imports is exported; otherwise the default (V2) one. guest may
// be nil. A guest that imports a name with a signature of neither
// generation gets wazero's link error naming the function.
func (h *host) registerWasmEdge(b wazero.HostModuleBuilder, guest wazero.CompiledModule) error {
	imports := guestImports(guest)
	t := wasmEdgeTable()
	for i := range t {
		f := &t[i]
		if i > 0 && t[i-1].Name == f.Name {
			continue // handled with the first variant of the name
		}
		chosen := chooseVariant(t[i:], imports[f.Name])
		if chosen == nil {
			continue
		}
		impl := chosen.impl
		b.NewFunctionBuilder().
			WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, mod api.Module, stack []uint64) {
				h.pace() // as every preview 1 call (sched.go): a recv_from loop is a host-call loop too
				impl(h, ctx, mod, stack)
			}), chosen.ParamTypes, chosen.ResultTypes).
			WithParameterNames(chosen.ParamNames...).
			WithResultNames(chosen.ResultNames...).
			Export(chosen.Name)
	}
	return nil
}

// signature is a core wasm function type.
type signature struct{ params, results []api.ValueType }

// guestImports returns the signatures under which guest imports each
// function of ModuleName (a module may import a name more than once).
func guestImports(guest wazero.CompiledModule) map[string][]signature {
	if guest == nil {
		return nil
	}
	m := map[string][]signature{}
	for _, d := range guest.ImportedFunctions() {
		mod, name, ok := d.Import()
		if !ok || mod != ModuleName {
			continue
		}
		m[name] = append(m[name], signature{d.ParamTypes(), d.ResultTypes()})
	}
	return m
}

// chooseVariant picks among the leading entries of t that share t[0]'s
// name: one whose signature the guest imports, else the default one, else
// nil.
func chooseVariant(t []WasmEdgeFunction, imported []signature) *WasmEdgeFunction {
	var dflt *WasmEdgeFunction
	for i := range t {
		v := &t[i]
		if v.Name != t[0].Name {
			break
		}
		for _, s := range imported {
			if slices.Equal(s.params, v.ParamTypes) && slices.Equal(s.results, v.ResultTypes) {
				return v
			}
		}
		if v.Default && dflt == nil {
			dflt = v
		}
	}
	return dflt
}

// argPort decodes a port argument (a plain integer in host order); a value
// past 65535 does not fit and is EINVAL rather than truncated, so that the
// port the guard decides on is the port the kernel uses.
func argPort(stack []uint64, i int) (uint16, bool) { return argU16(stack, i) }

// addrBuf returns the buffer that the {u32 buf_ptr; u32 buf_len} at ptr
// describes, checking that its length is one of the layouts (4, 16, 128):
// EFAULT when the struct or the buffer is out of range, EINVAL for another
// length.
func (m memory) addrBuf(ptr uint32) ([]byte, wasi.Errno) {
	ab, ok := m.slice(ptr, addrBufSize)
	if !ok {
		return nil, wasi.EFAULT
	}
	n := le.Uint32(ab[4:])
	switch n {
	case 4, 16, addrStorageSize:
	default:
		return nil, wasi.EINVAL
	}
	buf, ok := m.slice(le.Uint32(ab[0:]), n)
	if !ok {
		return nil, wasi.EFAULT
	}
	return buf, wasi.ESUCCESS
}

// sockAddrIn decodes an input address (sock_bind, sock_connect,
// sock_send_to) with its port. A V2 storage block may hold a unix-domain
// path: it is decoded (copied, NUL-terminated, UTF-8) and left to the
// System, which refuses it unless a grant allows that path (design
// decision 5). Errnos: EFAULT, EINVAL (a length or an empty path),
// EAFNOSUPPORT (an unknown family), EILSEQ (a path that is not UTF-8).
func (m memory) sockAddrIn(ptr uint32, port uint16) (wasi.SockAddr, wasi.Errno) {
	buf, errno := m.addrBuf(ptr)
	if errno != wasi.ESUCCESS {
		return wasi.SockAddr{}, errno
	}
	switch len(buf) {
	case 4:
		return inetAddr(netip.AddrFrom4([4]byte(buf)), port), wasi.ESUCCESS
	case 16:
		return inet6Addr(netip.AddrFrom16([16]byte(buf)), port), wasi.ESUCCESS
	}
	switch wasi.ProtocolFamily(le.Uint16(buf)) {
	case wasi.InetFamily:
		return inetAddr(netip.AddrFrom4([4]byte(buf[2:6])), port), wasi.ESUCCESS
	case wasi.Inet6Family:
		return inet6Addr(netip.AddrFrom16([16]byte(buf[2:18])), port), wasi.ESUCCESS
	case wasi.UnixFamily:
		p := buf[2:]
		if i := bytes.IndexByte(p, 0); i >= 0 {
			p = p[:i]
		}
		if len(p) == 0 {
			// Linux's abstract namespace (a leading NUL) is not
			// expressible here, and an empty path names nothing.
			return wasi.SockAddr{}, wasi.EINVAL
		}
		if !utf8.Valid(p) {
			return wasi.SockAddr{}, wasi.EILSEQ
		}
		return wasi.SockAddr{Family: wasi.UnixFamily, Path: string(p)}, wasi.ESUCCESS
	}
	return wasi.SockAddr{}, wasi.EAFNOSUPPORT
}

func inetAddr(ip netip.Addr, port uint16) wasi.SockAddr {
	return wasi.SockAddr{Family: wasi.InetFamily, Addr: netip.AddrPortFrom(ip, port)}
}

func inet6Addr(ip netip.Addr, port uint16) wasi.SockAddr {
	return wasi.SockAddr{Family: wasi.Inet6Family, Addr: netip.AddrPortFrom(ip, port)}
}

// putSockAddr writes a to an output address buffer in the layout its
// length selects (see the top of this file): nothing but the family and the
// address is written, and nothing past buf. It returns false, having
// written nothing, when a cannot be expressed in that layout (an IPv6
// address in 4 bytes, a unix-domain path in a raw buffer or too long for
// the storage block). The zero SockAddr (no address, e.g. recv_from on a
// stream socket) is family 0 in a storage block and zeros in a raw one.
func putSockAddr(buf []byte, a wasi.SockAddr) bool {
	ip := a.Addr.Addr()
	if a.Family == wasi.InetFamily || a.Family == wasi.Inet6Family && ip.Is4In6() && len(buf) == 4 {
		ip = ip.Unmap()
	}
	if len(buf) == addrStorageSize {
		switch {
		case a.Family == wasi.UnixFamily:
			if len(a.Path) >= addrStorageSize-2 {
				return false
			}
			le.PutUint16(buf, uint16(wasi.UnixFamily))
			buf[2+copy(buf[2:], a.Path)] = 0
		case !a.IsValid():
			le.PutUint16(buf, uint16(wasi.UnspecifiedFamily))
		case ip.Is4():
			le.PutUint16(buf, uint16(wasi.InetFamily))
			b := ip.As4()
			copy(buf[2:], b[:])
		case ip.Is6():
			le.PutUint16(buf, uint16(wasi.Inet6Family))
			b := ip.As16()
			copy(buf[2:], b[:])
		default:
			return false
		}
		return true
	}
	switch {
	case !a.IsValid():
		clear(buf)
	case a.Family == wasi.UnixFamily:
		return false
	case ip.Is4():
		b := ip.As4()
		copy(buf, b[:])
	case ip.Is6() && len(buf) == 16:
		b := ip.As16()
		copy(buf, b[:])
	default:
		return false
	}
	return true
}

// sockOpen implements sock_open(af, socktype, result.fd) -> errno, in both
// generations (WasmEdge's sock_open has no protocol argument: the type's
// own protocol is used). The new socket gets every socket right; the
// System limits them. As in WasmEdge (its cast<__wasi_address_family_t>
// and cast<__wasi_sock_type_t>), the family must be inet, inet6 or unix
// and the type datagram or stream: unspec and "any" are hints for
// getaddrinfo, not socket kinds. Errnos: EINVAL (another family or type),
// EFAULT, or the System's (EACCES without a network grant, ...).
func (h *host) sockOpen(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	af, st := arg32(stack, 0), arg32(stack, 1)
	if af < uint32(wasi.InetFamily) || af > uint32(wasi.UnixFamily) ||
		st != uint32(wasi.DatagramSocket) && st != uint32(wasi.StreamSocket) {
		ret(stack, wasi.EINVAL)
		return
	}
	out, ok := h.memoryOf(mod).slice(arg32(stack, 2), 4)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	fd, errno := h.sys.SockOpen(ctx, wasi.ProtocolFamily(af), wasi.SocketType(st), wasi.IPProtocol, wasi.SocketRights, wasi.SocketRights)
	if errno == wasi.ESUCCESS {
		le.PutUint32(out, uint32(fd))
	}
	ret(stack, errno)
}

// sockBind implements sock_bind(fd, addr, port) -> errno (both
// generations; every address layout is accepted). Errnos: EINVAL (a port
// past 65535, an address length), EFAULT, EAFNOSUPPORT, or the System's.
func (h *host) sockBind(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	port, ok := argPort(stack, 2)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	addr, errno := h.memoryOf(mod).sockAddrIn(arg32(stack, 1), port)
	if errno == wasi.ESUCCESS {
		errno = h.sys.SockBind(ctx, argFD(stack, 0), addr)
	}
	ret(stack, errno)
}

// sockConnect implements sock_connect(fd, addr, port) -> errno, as
// sockBind. A non-blocking socket whose connection is under way returns
// EINPROGRESS.
func (h *host) sockConnect(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	port, ok := argPort(stack, 2)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	addr, errno := h.memoryOf(mod).sockAddrIn(arg32(stack, 1), port)
	if errno == wasi.ESUCCESS {
		errno = h.sys.SockConnect(ctx, argFD(stack, 0), addr)
	}
	ret(stack, errno)
}

// sockListen implements sock_listen(fd, backlog) -> errno; the backlog is
// a signed i32 (the System clamps it).
func (h *host) sockListen(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	ret(stack, h.sys.SockListen(ctx, argFD(stack, 0), int(int32(arg32(stack, 1)))))
}

// sockAcceptV1 implements V1's sock_accept(fd, result.fd) -> errno: preview
// 1's sock_accept with no flags (the new descriptor is blocking).
func (h *host) sockAcceptV1(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	out, ok := h.memoryOf(mod).slice(arg32(stack, 1), 4)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	fd, _, errno := h.sys.SockAccept(ctx, argFD(stack, 0), 0)
	if errno == wasi.ESUCCESS {
		le.PutUint32(out, uint32(fd))
	}
	ret(stack, errno)
}

// sockSendTo implements sock_send_to(fd, si_data, si_data_len, addr, port,
// si_flags, result.so_datalen) -> errno (both generations). Errnos:
// EINVAL (si_flags past u16, a port past 65535, more than MaxIOVecs
// iovecs, an address length), EFAULT, EAFNOSUPPORT, or the System's.
func (h *host) sockSendTo(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	port, ok1 := argPort(stack, 4)
	flags, ok2 := argU16(stack, 5)
	if !ok1 || !ok2 {
		ret(stack, wasi.EINVAL)
		return
	}
	m := h.memoryOf(mod)
	iovs, errno := h.iovecs(m, arg32(stack, 1), arg32(stack, 2))
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	addr, errno := m.sockAddrIn(arg32(stack, 3), port)
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	out, ok := m.slice(arg32(stack, 6), 4)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	n, e := h.sys.SockSendTo(ctx, argFD(stack, 0), iovs, wasi.SIFlags(flags), addr)
	ret(stack, putCount(out, n, e, iovs))
}

// recvFromArgs decodes what both generations of sock_recv_from share: the
// iovecs, the address buffer and the ro_datalen and ro_flags results.
type recvFromArgs struct {
	iovs     [][]byte
	addr     []byte
	nOut     []byte // u32
	flagsOut []byte // u16
}

func (h *host) recvFromArgs(m memory, stack []uint64, nOut, flagsOut int) (recvFromArgs, wasi.Errno) {
	var a recvFromArgs
	var errno wasi.Errno
	if a.iovs, errno = h.iovecs(m, arg32(stack, 1), arg32(stack, 2)); errno != wasi.ESUCCESS {
		return a, errno
	}
	if a.addr, errno = m.addrBuf(arg32(stack, 3)); errno != wasi.ESUCCESS {
		return a, errno
	}
	var ok1, ok2 bool
	a.nOut, ok1 = m.slice(arg32(stack, nOut), 4)
	a.flagsOut, ok2 = m.slice(arg32(stack, flagsOut), 2)
	if !ok1 || !ok2 {
		return a, wasi.EFAULT
	}
	return a, wasi.ESUCCESS
}

// recvFrom calls the System and writes the count, the flags and the source
// address. A source that the guest's buffer cannot hold (an IPv6 address
// in 4 bytes) is written as zeros rather than failing the call: the
// datagram is already consumed and must not be lost.
func (h *host) recvFrom(ctx context.Context, stack []uint64, a recvFromArgs, flags wasi.RIFlags) (wasi.SockAddr, wasi.Errno) {
	n, ro, from, e := h.sys.SockRecvFrom(ctx, argFD(stack, 0), a.iovs, flags)
	errno := putCount(a.nOut, n, e, a.iovs)
	if errno != wasi.ESUCCESS {
		return wasi.SockAddr{}, errno
	}
	le.PutUint16(a.flagsOut, uint16(ro))
	if !putSockAddr(a.addr, from) {
		from = wasi.SockAddr{}
		putSockAddr(a.addr, from)
	}
	return from, wasi.ESUCCESS
}

// sockRecvFromV1 implements V1's sock_recv_from(fd, ri_data, ri_data_len,
// addr, ri_flags, result.ro_datalen, result.ro_flags) -> errno: the source
// address is written to addr (no port). Errnos: EINVAL (ri_flags past u16,
// more than MaxIOVecs iovecs, an address length), EFAULT, or the System's.
func (h *host) sockRecvFromV1(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	flags, ok := argU16(stack, 4)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	a, errno := h.recvFromArgs(h.memoryOf(mod), stack, 5, 6)
	if errno == wasi.ESUCCESS {
		_, errno = h.recvFrom(ctx, stack, a, wasi.RIFlags(flags))
	}
	ret(stack, errno)
}

// sockRecvFromV2 implements V2's sock_recv_from(fd, ri_data, ri_data_len,
// addr, ri_flags, result.port, result.ro_datalen, result.ro_flags) ->
// errno, as V1 plus the source port, a u16 as in WasmEdge.
func (h *host) sockRecvFromV2(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	flags, ok := argU16(stack, 4)
	if !ok {
		ret(stack, wasi.EINVAL)
		return
	}
	m := h.memoryOf(mod)
	a, errno := h.recvFromArgs(m, stack, 6, 7)
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	portOut, ok := m.slice(arg32(stack, 5), 2)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	from, errno := h.recvFrom(ctx, stack, a, wasi.RIFlags(flags))
	if errno == wasi.ESUCCESS {
		le.PutUint16(portOut, from.Addr.Port())
	}
	ret(stack, errno)
}

// getAddr is SockLocalAddress or SockPeerAddress.
type getAddr func(s wasi.System, ctx context.Context, fd wasi.FD) (wasi.SockAddr, wasi.Errno)

func localAddr(s wasi.System, ctx context.Context, fd wasi.FD) (wasi.SockAddr, wasi.Errno) {
	return s.SockLocalAddress(ctx, fd)
}

func peerAddr(s wasi.System, ctx context.Context, fd wasi.FD) (wasi.SockAddr, wasi.Errno) {
	return s.SockPeerAddress(ctx, fd)
}

// sockGetAddrV1 implements V1's sock_getlocaladdr and sock_getpeeraddr(fd,
// addr, result.addr_type, result.port) -> errno: the address goes to addr
// (4 or 16 bytes raw, or a storage block), addr_type is 4 or 6 (a u32, the
// numbers WasmEdge keeps for compatibility) and port a u32. Errnos:
// EINVAL (an address length), EFAULT, ENOMEM (an IPv6 address in a 4-byte
// buffer, as WasmEdge), EAFNOSUPPORT (a unix-domain socket), or the
// System's.
func (h *host) sockGetAddrV1(ctx context.Context, mod api.Module, stack []uint64, get getAddr) {
	exitIfClosed(mod)
	m := h.memoryOf(mod)
	buf, errno := m.addrBuf(arg32(stack, 1))
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	typeOut, ok1 := m.slice(arg32(stack, 2), 4)
	portOut, ok2 := m.slice(arg32(stack, 3), 4)
	if !ok1 || !ok2 {
		ret(stack, wasi.EFAULT)
		return
	}
	a, errno := get(h.sys, ctx, argFD(stack, 0))
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	var typ uint32
	switch a.Family {
	case wasi.InetFamily:
		typ = 4
	case wasi.Inet6Family:
		typ = 6
		if len(buf) == 4 && a.Addr.Addr().Is4In6() {
			typ = 4 // written unmapped, see putSockAddr
		}
	default:
		ret(stack, wasi.EAFNOSUPPORT)
		return
	}
	if !putSockAddr(buf, a) {
		ret(stack, wasi.ENOMEM)
		return
	}
	le.PutUint32(typeOut, typ)
	le.PutUint32(portOut, uint32(a.Addr.Port()))
	ret(stack, wasi.ESUCCESS)
}

// sockGetAddrV2 implements V2's sock_getlocaladdr and sock_getpeeraddr(fd,
// addr, result.port) -> errno: addr must be a 128-byte storage block (the
// family tells IPv4 from IPv6); port is a u32. Errnos: EINVAL (another
// length), EFAULT, ENOMEM (a path too long for the block), or the System's.
func (h *host) sockGetAddrV2(ctx context.Context, mod api.Module, stack []uint64, get getAddr) {
	exitIfClosed(mod)
	m := h.memoryOf(mod)
	buf, errno := m.addrBuf(arg32(stack, 1))
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	if len(buf) != addrStorageSize {
		ret(stack, wasi.EINVAL)
		return
	}
	portOut, ok := m.slice(arg32(stack, 2), 4)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	a, errno := get(h.sys, ctx, argFD(stack, 0))
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	if !putSockAddr(buf, a) {
		ret(stack, wasi.ENOMEM)
		return
	}
	le.PutUint32(portOut, uint32(a.Addr.Port()))
	ret(stack, wasi.ESUCCESS)
}

func (h *host) sockGetLocalAddrV1(ctx context.Context, mod api.Module, stack []uint64) {
	h.sockGetAddrV1(ctx, mod, stack, localAddr)
}

func (h *host) sockGetPeerAddrV1(ctx context.Context, mod api.Module, stack []uint64) {
	h.sockGetAddrV1(ctx, mod, stack, peerAddr)
}

func (h *host) sockGetLocalAddrV2(ctx context.Context, mod api.Module, stack []uint64) {
	h.sockGetAddrV2(ctx, mod, stack, localAddr)
}

func (h *host) sockGetPeerAddrV2(ctx context.Context, mod api.Module, stack []uint64) {
	h.sockGetAddrV2(ctx, mod, stack, peerAddr)
}

// sockGetOpt implements sock_getsockopt(fd, level, name, value, value_len)
// -> errno. value_len is a pointer to the buffer's length (a u32, updated
// with the bytes written), or the length itself when it is at most 8 (see
// maxSockOptLenByValue). Errnos: EFAULT, or the System's (ENOPROTOOPT for
// an option outside the allow-list, EINVAL for a short buffer).
func (h *host) sockGetOpt(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	m := h.memoryOf(mod)
	n := arg32(stack, 4)
	var lenOut []byte
	if n > maxSockOptLenByValue {
		var ok bool
		if lenOut, ok = m.slice(n, 4); !ok {
			ret(stack, wasi.EFAULT)
			return
		}
		n = le.Uint32(lenOut)
	}
	val, ok := m.slice(arg32(stack, 3), n)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	got, errno := h.sys.SockGetOpt(ctx, argFD(stack, 0), wasi.SockOptLevel(int32(arg32(stack, 1))), wasi.SockOption(int32(arg32(stack, 2))), val)
	if errno == wasi.ESUCCESS && lenOut != nil {
		le.PutUint32(lenOut, uint32(min(max(got, 0), len(val))))
	}
	ret(stack, errno)
}

// sockSetOpt implements sock_setsockopt(fd, level, name, value, value_len)
// -> errno; value_len is the length. Errnos: EFAULT, or the System's.
func (h *host) sockSetOpt(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	val, ok := h.memoryOf(mod).slice(arg32(stack, 3), arg32(stack, 4))
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	ret(stack, h.sys.SockSetOpt(ctx, argFD(stack, 0), wasi.SockOptLevel(int32(arg32(stack, 1))), wasi.SockOption(int32(arg32(stack, 2))), val))
}
