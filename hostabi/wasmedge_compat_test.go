package hostabi

// Compatibility cases of the WasmEdge socket extensions, checked against
// WasmEdge's own sources (lib/host/wasi/wasifunc.cpp, inode-linux.cpp,
// thirdparty/wasi/api.hpp, test/host/socket) and against what real guest
// libraries put in memory: the Rust crate wasmedge_wasi_socket
// (src/socket.rs, src/lib.rs), dispatchrun/net
// (wasip1/syscall_wasmedge_wasip1.go) and the C shims of
// vmware-labs/webassembly-language-runtimes (libs/wasmedge_sock). Each
// case failed before the fix it documents. They run against
// testdata/wasmedge_crate.wat, which imports the Rust crate's signatures,
// in the style of wasmedge_test.go. wasmedge_compat_linux_test.go runs
// the crate's call sequences on the real kernel.

import (
	"slices"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// crateHints is wasmedge_wasi_socket's WasiAddrinfo::default() as hints:
// ai_flags AiPassive (the enum's discriminant 0), family Inet4 (1),
// socktype Stream (2), protocol IPProtoTCP (1), then three bytes of
// padding that Rust leaves undefined (here 0xAA), addrlen 0 and null
// pointers.
func crateHints() chunk {
	return at(weIn, u16(0), []byte{1, 2}, []byte{1, 0xAA, 0xAA, 0xAA}, zeros(20))
}

// crateChain is the crate's result chain for two entries: sa_data_len is
// 14 (WasiSockaddr::default) although each sa_data buffer has 26 bytes,
// and ai_canonnamelen is 0 (the crate never sets it).
func crateChain() []chunk {
	return append(aiEntryAt(0, aiEntryPtr(1), 14, 0), aiEntryAt(1, 0, 14, 0)...)
}

func compatCases() []weCase {
	var cs []weCase
	add := func(c ...weCase) { cs = append(cs, c...) }

	// sock_getaddrinfo as the crate's nslookup calls it: node and service
	// with their NUL counted, max_res_len 10 (here the chain ends first).
	node, service := "127.0.0.1\x00", "http\x00"
	e0 := aiEntryPtr(0)
	crateWant := wasi.AddrInfo{Family: wasi.InetFamily, SocketType: wasi.StreamSocket, Protocol: wasi.TCPProtocol}
	res4 := wasi.AddrInfo{Family: wasi.InetFamily, SocketType: wasi.StreamSocket, Protocol: wasi.TCPProtocol, Addr: sa4(80)}
	res6 := wasi.AddrInfo{Family: wasi.Inet6Family, SocketType: wasi.StreamSocket, Protocol: wasi.TCPProtocol, Addr: sa6(ip6, 80)}
	crate := weCase{name: "sock_getaddrinfo/crate_hints_padding", fn: "sock_getaddrinfo",
		params: []uint64{weData, uint64(len(node)), weData + 0x40, uint64(len(service)), weIn, weOut, 10, weOut + 8},
		in: append([]chunk{at(weData, []byte(node)), at(weData+0x40, []byte(service)), crateHints(), at(weOut, u32(e0))},
			crateChain()...),
		fake:  func(f *weFake) { f.ai = []wasi.AddrInfo{res4} },
		calls: calls(call("SockAddressInfo", "127.0.0.1", "http", crateWant, 2)),
		out: []chunk{
			// WasmEdge writes protocol as one byte; a u32 puts zeros in
			// the crate's padding and is what dispatchrun/net reads.
			at(e0, u16(0), []byte{1, 2}, u32(1), u32(16)), at(e0+20, u32(0)),
			at(e0+0x20, u32(1), u32(14)),
			at(e0+0x30, []byte{0, 80}, ip4b, zeros(8)),
			at(weOut+8, u32(1)),
		}}
	add(crate)

	// An address never fits in less than its sa_data: EFAULT and nothing
	// written, as WasmEdge's GetAddrinfoRejectsShortIPv6SocketAddressBuffer
	// and GetAddrinfoRejectsShortSocketAddressBuffer require (before, the
	// host wrote the first 14 of 26 bytes: half an IPv6 address).
	six := crate
	six.name = "sock_getaddrinfo/crate_ipv6_sa_data_14"
	six.in = append(slices.Clone(crate.in), at(weIn+2, []byte{0})) // family unspec
	six.fake = func(f *weFake) { f.ai = []wasi.AddrInfo{res4, res6} }
	unspec := crateWant
	unspec.Family = wasi.UnspecifiedFamily
	six.calls = calls(call("SockAddressInfo", "127.0.0.1", "http", unspec, 2))
	six.errno, six.out = wasi.EFAULT, nil
	add(six)
	// vmware-labs' first WasmEdge shim leaves sa_data_len 0.
	zero := crate
	zero.name = "sock_getaddrinfo/sa_data_len_0"
	zero.in = append(slices.Clone(crate.in), aiEntryAt(0, aiEntryPtr(1), 0, 0)...)
	zero.errno, zero.out = wasi.EFAULT, nil
	add(zero)
	// The IPv6 address fits 26 bytes (dispatchrun/net, vmware-labs' V2
	// shim): port, flow label 0, address, scope id 0.
	fits := six
	fits.name = "sock_getaddrinfo/ipv6_sa_data_26"
	fits.in = append(slices.Clone(six.in), aiEntryAt(1, 0, 26, 0)...)
	fits.errno = 0
	fits.out = []chunk{
		at(e0, u16(0), []byte{1, 2}, u32(1), u32(16)), at(e0+20, u32(0)),
		at(e0+0x20, u32(1), u32(14)),
		at(e0+0x30, []byte{0, 80}, ip4b, zeros(8)),
		at(aiEntryPtr(1), u16(0), []byte{2, 2}, u32(1), u32(28)), at(aiEntryPtr(1)+20, u32(0)),
		at(aiEntryPtr(1)+0x20, u32(2), u32(26)),
		at(aiEntryPtr(1)+0x30, []byte{0, 80}, zeros(4), ip6b, zeros(4)),
		at(weOut+8, u32(2)),
	}
	add(fits)

	// Hints are checked before any lookup, with WasmEdge's errnos and in
	// its order (WasiSockGetAddrinfo::body).
	hint := func(name string, errno wasi.Errno, sysCalls []fakeCall, in ...chunk) weCase {
		c := weInput(crate, name, errno, sysCalls, in...)
		if errno == 0 {
			c.out = crate.out
		}
		return c
	}
	flagsAll := crateWant
	flagsAll.Flags = 0x70 // v4mapped | all | addrconfig: accepted, ignored
	allOut := hint("hints_flags_v4mapped_all_addrconfig", 0,
		calls(call("SockAddressInfo", "127.0.0.1", "http", flagsAll, 2)), at(weIn, u16(0x70)))
	add(allOut,
		hint("hints_flags_unknown", eaiBadFlags, nil, at(weIn, u16(0x80))),
		hint("hints_family_unix", eaiFamily, nil, at(weIn+2, []byte{3})),
		hint("hints_family_9", eaiFamily, nil, at(weIn+2, []byte{9})),
		hint("hints_socktype_3", wasi.ENOSYS, nil, at(weIn+3, []byte{3})),
		hint("hints_protocol_3", wasi.ENOSYS, nil, at(weIn+4, []byte{3})))
	canonNoNode := weVariant(crate, "hints_canonname_without_node", 1, 0, eaiBadFlags, nil)
	canonNoNode.in = append(slices.Clone(crate.in), at(weIn, u16(uint16(wasi.AICanonName))))
	noName := weVariant(crate, "no_node_no_service", 1, 0, eaiNoName, nil)
	noName.params = with(noName.params, 3, 0)
	noNameNoRes := weVariant(noName, "no_node_no_service_max_res_len_0", 6, 0, eaiNoName, nil)
	add(canonNoNode, noName, noNameNoRes)

	// sock_open: WasmEdge's cast<__wasi_address_family_t> and
	// cast<__wasi_sock_type_t> accept inet, inet6, unix and datagram,
	// stream only (before, family 0 reached the System and type 0 made a
	// stream socket).
	open := weCase{name: "sock_open/unix_reaches_system", fn: "sock_open", params: []uint64{3, 2, weOut},
		fake:  func(f *weFake) { f.errno = wasi.EACCES },
		calls: calls(call("SockOpen", wasi.UnixFamily, wasi.StreamSocket, wasi.IPProtocol, wasi.SocketRights, wasi.SocketRights)),
		errno: wasi.EACCES}
	add(open)
	for _, p := range []struct {
		name    string
		af, typ uint64
	}{{"family_unspec", 0, 2}, {"family_4", 4, 2}, {"type_any", 1, 0}, {"type_3", 1, 3}, {"family_huge", 0x101, 2}} {
		c := weVariant(open, p.name, 0, p.af, wasi.EINVAL, nil)
		c.params = with(c.params, 1, p.typ)
		add(c)
	}

	// sock_recv_from (V2) into the crate's `let mut sin_port: u32 = 0`: a
	// u16 in host order, so the crate's `sin_port as u16` is the port.
	// WasmEdge stores sin_port without ntohs (its issue #2491), which the
	// crate would read byte-swapped; the crate and wasi-go are followed.
	recv := weCase{name: "sock_recv_from/crate_port", fn: "sock_recv_from",
		params: []uint64{3, weIn, 1, weAddr, 0, weOut + 0x10, weOut, weOut + 8},
		in:     []chunk{at(weIn, iov(weData, 16)), addrArg(weBuf, 128), at(weOut+0x10, u32(0)), at(weOut, u32(0), u32(0), u32(0))},
		fake:   func(f *weFake) { f.data, f.addr = []byte("hello"), sa4(5353) },
		calls:  calls(call("SockRecvFrom", wasi.FD(3), []int{16}, wasi.RIFlags(0))),
		out: []chunk{at(weData, []byte("hello")), at(weBuf, u16(1), ip4b),
			at(weOut+0x10, u32(5353)), at(weOut, u32(5)), at(weOut+8, u32(0))}}
	add(recv)
	return cs
}

// TestWasmEdgeCompat runs the compatibility cases through the Rust crate's
// import set.
func TestWasmEdgeCompat(t *testing.T) {
	runWasmEdgeCases(t, "wasmedge_crate", compatCases())
}
