package hostabi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox/wasi"
)

// The WasmEdge suite calls the extension functions through
// testdata/wasmedge_{v1,v2,mixed}.wat, which import them with one
// generation's signatures and re-export them unchanged. As in TestABI,
// memory is filled with a pattern, each case lists the bytes it expects
// written, and every other byte must keep the pattern: a write past a
// buffer, or any write on an error path, fails the case.

const weMemSize = 2 << 16 // the wasmedge_*.wat guests have two pages

// Addresses used by the cases.
const (
	weIn   = 0x100  // iovecs, hints
	weAddr = 0x200  // {buf_ptr, buf_len}
	weBuf  = 0x300  // address buffers
	weOut  = 0x1000 // results
	weData = 0x2000 // data buffers, strings
	weAI   = 0x4000 // addrinfo chains: entry i at weAI + i*weAIStride
)

const weAIStride = 0x80

// weFake extends the fake System with configurable addresses and
// getaddrinfo results.
type weFake struct {
	fakeSystem
	addr wasi.SockAddr   // returned by SockRecvFrom, SockLocalAddress, SockPeerAddress
	ai   []wasi.AddrInfo // results of SockAddressInfo (as many as fit)
	aiN  *int            // overrides the count SockAddressInfo returns
}

func (f *weFake) SockRecvFrom(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.RIFlags) (wasi.Size, wasi.ROFlags, wasi.SockAddr, wasi.Errno) {
	f.record("SockRecvFrom", fd, iovLens(iovs), flags)
	return f.read(iovs), f.roflags, f.addr, f.errno
}

func (f *weFake) SockLocalAddress(ctx context.Context, fd wasi.FD) (wasi.SockAddr, wasi.Errno) {
	f.record("SockLocalAddress", fd)
	return f.addr, f.errno
}

func (f *weFake) SockPeerAddress(ctx context.Context, fd wasi.FD) (wasi.SockAddr, wasi.Errno) {
	f.record("SockPeerAddress", fd)
	return f.addr, f.errno
}

func (f *weFake) SockAddressInfo(ctx context.Context, node, service string, hints wasi.AddrInfo, results []wasi.AddrInfo) (int, wasi.Errno) {
	f.record("SockAddressInfo", node, service, hints, len(results))
	n := copy(results, f.ai)
	if f.aiN != nil {
		n = *f.aiN
	}
	return n, f.errno
}

type weCase struct {
	name   string
	fn     string
	params []uint64
	in     []chunk
	fake   func(f *weFake)
	errno  wasi.Errno
	calls  []fakeCall
	out    []chunk
}

// weVariant returns c renamed, with params[idx] = v, the given errno and
// calls; it keeps c's output on success and has none on an error.
func weVariant(c weCase, name string, idx int, v uint64, errno wasi.Errno, sysCalls []fakeCall) weCase {
	c.name = c.fn + "/" + name
	c.params = with(c.params, idx, v)
	c.errno, c.calls = errno, sysCalls
	if errno != 0 {
		c.out = nil
	}
	return c
}

// weInput returns c renamed with extra input chunks (applied after c's),
// the given errno and calls; it keeps c's output on success and has none
// on an error.
func weInput(c weCase, name string, errno wasi.Errno, sysCalls []fakeCall, in ...chunk) weCase {
	c.name = c.fn + "/" + name
	c.in = append(slices.Clone(c.in), in...)
	c.errno, c.calls = errno, sysCalls
	if errno != 0 {
		c.out = nil
	}
	return c
}

// weOutput returns c with the given output chunks (none: nothing written).
func weOutput(c weCase, out ...chunk) weCase {
	c.out = out
	return c
}

// weBadPtrs are pointers at which size bytes do not fit in memory.
func weBadPtrs(size uint32) []uint32 {
	return []uint32{weMemSize - size + 1, weMemSize, 0xFFFFFFFF}
}

// weEfaults builds the out-of-range variants of c for the pointer at
// params[idx] that must hold size bytes: EFAULT, no System call, nothing
// written.
func weEfaults(c weCase, idx int, size uint32) []weCase {
	var cs []weCase
	for _, p := range weBadPtrs(size) {
		cs = append(cs, weVariant(c, fmt.Sprintf("efault_param%d_%#x", idx, p), idx, uint64(p), wasi.EFAULT, nil))
	}
	return cs
}

// addrArg is the {buf_ptr, buf_len} at weAddr.
func addrArg(buf, n uint32) chunk { return at(weAddr, u32(buf), u32(n)) }

var (
	ip4     = netip.MustParseAddr("192.0.2.7")
	ip6     = netip.MustParseAddr("2001:db8::1:2")
	ip4in6  = netip.MustParseAddr("::ffff:192.0.2.7")
	ip4b    = []byte{192, 0, 2, 7}
	ip6b    = ip6.AsSlice()
	ip4in6b = ip4in6.AsSlice()
)

func sa4(port uint16) wasi.SockAddr {
	return wasi.SockAddr{Family: wasi.InetFamily, Addr: netip.AddrPortFrom(ip4, port)}
}

func sa6(ip netip.Addr, port uint16) wasi.SockAddr {
	return wasi.SockAddr{Family: wasi.Inet6Family, Addr: netip.AddrPortFrom(ip, port)}
}

// addrInCases are the address decoding cases of a function that takes an
// input address at params[addrIdx] and a port at params[portIdx]: c
// decodes a raw IPv4 address; method is the System method and mk builds
// its expected call for an address.
func addrInCases(c weCase, addrIdx, portIdx int, mk func(wasi.SockAddr) fakeCall) []weCase {
	port := uint16(c.params[portIdx])
	storage := func(family uint16, addr []byte) chunk {
		return at(weBuf, u16(family), addr)
	}
	cs := []weCase{
		weInput(c, "raw16", 0, calls(mk(sa6(ip6, port))), addrArg(weBuf, 16), at(weBuf, ip6b)),
		weInput(c, "raw16_mapped", 0, calls(mk(sa6(ip4in6, port))), addrArg(weBuf, 16), at(weBuf, ip4in6b)),
		weInput(c, "storage_inet", 0, calls(mk(sa4(port))), addrArg(weBuf, 128), storage(1, ip4b)),
		weInput(c, "storage_inet6", 0, calls(mk(sa6(ip6, port))), addrArg(weBuf, 128), storage(2, ip6b)),
		weInput(c, "storage_unix", 0, calls(mk(wasi.SockAddr{Family: wasi.UnixFamily, Path: "/run/x.sock"})),
			addrArg(weBuf, 128), storage(3, []byte("/run/x.sock\x00"))),
		weInput(c, "storage_unix_empty", wasi.EINVAL, nil, addrArg(weBuf, 128), storage(3, []byte{0})),
		weInput(c, "storage_unix_not_utf8", wasi.EILSEQ, nil, addrArg(weBuf, 128), storage(3, []byte{0xff, 0})),
		weInput(c, "storage_unspec", wasi.EAFNOSUPPORT, nil, addrArg(weBuf, 128), storage(0, ip4b)),
		weInput(c, "storage_family_9", wasi.EAFNOSUPPORT, nil, addrArg(weBuf, 128), storage(9, ip4b)),
		weVariant(c, "port_too_wide", portIdx, 0x10000, wasi.EINVAL, nil),
	}
	for _, n := range []uint32{0, 5, 8, 127, 129, 0xFFFFFFFF} {
		cs = append(cs, weInput(c, fmt.Sprintf("addr_len_%d", n), wasi.EINVAL, nil, addrArg(weBuf, n)))
	}
	for _, p := range weBadPtrs(128) {
		cs = append(cs, weInput(c, fmt.Sprintf("efault_storage_%#x", p), wasi.EFAULT, nil, addrArg(p, 128)))
	}
	cs = append(cs, weInput(c, "efault_raw4", wasi.EFAULT, nil, addrArg(weMemSize-3, 4)))
	cs = append(cs, weEfaults(c, addrIdx, addrBufSize)...)
	return cs
}

// sharedCases are the functions whose signature is the same in both
// generations (run against every guest).
func sharedCases() []weCase {
	var cs []weCase
	add := func(c ...weCase) { cs = append(cs, c...) }

	open := weCase{name: "sock_open/ok", fn: "sock_open", params: []uint64{1, 2, weOut},
		fake:  func(f *weFake) { f.fd = 9 },
		calls: calls(call("SockOpen", wasi.InetFamily, wasi.StreamSocket, wasi.IPProtocol, wasi.SocketRights, wasi.SocketRights)),
		out:   []chunk{at(weOut, u32(9))}}
	openErr := open
	openErr.name, openErr.errno, openErr.out = "sock_open/eacces", wasi.EACCES, nil
	openErr.fake = func(f *weFake) { f.fd, f.errno = 9, wasi.EACCES }
	add(open, openErr,
		weVariant(open, "af_too_wide", 0, 0x101, wasi.EINVAL, nil),
		weVariant(open, "socktype_too_wide", 1, 0x102, wasi.EINVAL, nil))
	add(weEfaults(open, 2, 4)...)

	for _, k := range []struct{ fn, method string }{{"sock_bind", "SockBind"}, {"sock_connect", "SockConnect"}} {
		c := weCase{name: k.fn + "/ok", fn: k.fn, params: []uint64{3, weAddr, 8080},
			in:    []chunk{addrArg(weBuf, 4), at(weBuf, ip4b)},
			calls: calls(call(k.method, wasi.FD(3), sa4(8080)))}
		add(c)
		add(addrInCases(c, 1, 2, func(a wasi.SockAddr) fakeCall { return call(k.method, wasi.FD(3), a) })...)
		errCase := c
		errCase.name, errCase.errno = k.fn+"/system_error", wasi.EADDRINUSE
		errCase.fake = func(f *weFake) { f.errno = wasi.EADDRINUSE }
		add(errCase)
	}

	listen := weCase{name: "sock_listen/ok", fn: "sock_listen", params: []uint64{3, 128},
		calls: calls(call("SockListen", wasi.FD(3), 128))}
	add(listen, weVariant(listen, "negative_backlog", 1, 0xFFFFFFFF, 0, calls(call("SockListen", wasi.FD(3), -1))))

	sendTo := weCase{name: "sock_send_to/ok", fn: "sock_send_to", params: []uint64{3, weIn, 2, weAddr, 53, 0, weOut},
		in:    []chunk{at(weIn, iov(weData, 2), iov(weData+0x10, 3)), at(weData, []byte("pi")), at(weData+0x10, []byte("ng!")), addrArg(weBuf, 4), at(weBuf, ip4b)},
		calls: calls(call("SockSendTo", wasi.FD(3), "ping!", wasi.SIFlags(0), sa4(53))),
		out:   []chunk{at(weOut, u32(5))}}
	add(sendTo, weVariant(sendTo, "si_flags_too_wide", 5, 0x10000, wasi.EINVAL, nil),
		weVariant(sendTo, "iovs_too_many", 2, MaxIOVecs+1, wasi.EINVAL, nil))
	add(addrInCases(sendTo, 3, 4, func(a wasi.SockAddr) fakeCall {
		return call("SockSendTo", wasi.FD(3), "ping!", wasi.SIFlags(0), a)
	})...)
	add(weEfaults(sendTo, 1, 16)...)
	add(weEfaults(sendTo, 6, 4)...)
	add(weInput(sendTo, "efault_iov_buf", wasi.EFAULT, nil, at(weIn, iov(weMemSize-1, 2))))

	// getsockopt: the length by value (≤ 8) or by pointer.
	getVal := weCase{name: "sock_getsockopt/ok", fn: "sock_getsockopt", params: []uint64{3, 0, 2, weOut, 4},
		fake:  func(f *weFake) { f.data = []byte{0x6f, 0, 0, 0} },
		calls: calls(call("SockGetOpt", wasi.FD(3), wasi.SolSocket, wasi.SoError, 4)),
		out:   []chunk{at(weOut, []byte{0x6f, 0, 0, 0})}}
	getPtr := weCase{name: "sock_getsockopt/len_pointer", fn: "sock_getsockopt", params: []uint64{3, 0, 11, weOut, weOut + 0x20},
		in:    []chunk{at(weOut+0x20, u32(16))},
		fake:  func(f *weFake) { f.data = []byte("0123456789abcdef") },
		calls: calls(call("SockGetOpt", wasi.FD(3), wasi.SolSocket, wasi.SoRcvTimeo, 16)),
		out:   []chunk{at(weOut, []byte("0123456789abcdef")), at(weOut+0x20, u32(16))}}
	getShort := getPtr
	getShort.name = "sock_getsockopt/len_pointer_short_value"
	getShort.fake = func(f *weFake) { f.data = []byte{1, 0, 0, 0} }
	getShort.out = []chunk{at(weOut, []byte{1, 0, 0, 0}), at(weOut+0x20, u32(4))}
	getErr := getPtr
	getErr.name, getErr.errno, getErr.out = "sock_getsockopt/enoprotoopt", wasi.ENOPROTOOPT, nil
	getErr.fake = func(f *weFake) { f.errno = wasi.ENOPROTOOPT }
	getErr.calls = calls(call("SockGetOpt", wasi.FD(3), wasi.SolSocket, wasi.SoRcvTimeo, 16))
	getTCP := weVariant(getVal, "tcp_nodelay", 1, 6, 0, calls(call("SockGetOpt", wasi.FD(3), wasi.SolTCP, wasi.TCPNoDelay, 4)))
	getTCP.params = with(getTCP.params, 2, 15)
	getTCP.fake, getTCP.out = getVal.fake, getVal.out
	add(getVal, getPtr, getShort, getErr, getTCP,
		weOutput(weVariant(getVal, "len_zero", 4, 0, 0, calls(call("SockGetOpt", wasi.FD(3), wasi.SolSocket, wasi.SoError, 0)))),
		weInput(getPtr, "len_pointer_huge", wasi.EFAULT, nil, at(weOut+0x20, u32(0xFFFFFFFF))))
	add(weEfaults(getVal, 3, 4)...)
	add(weEfaults(getPtr, 4, 4)...)

	setOpt := weCase{name: "sock_setsockopt/ok", fn: "sock_setsockopt", params: []uint64{3, 0, 0, weData, 4},
		in:    []chunk{at(weData, u32(1))},
		calls: calls(call("SockSetOpt", wasi.FD(3), wasi.SolSocket, wasi.SoReuseAddr, "\x01\x00\x00\x00"))}
	add(setOpt, weVariant(setOpt, "len_huge", 4, 0xFFFFFFFF, wasi.EFAULT, nil))
	add(weEfaults(setOpt, 3, 4)...)

	add(addrInfoCases()...)
	return cs
}

// v1Cases are the V1-only signatures (wasmedge_v1.wat).
func v1Cases() []weCase {
	var cs []weCase
	add := func(c ...weCase) { cs = append(cs, c...) }

	accept := weCase{name: "sock_accept/v1_ok", fn: "sock_accept", params: []uint64{3, weOut},
		fake:  func(f *weFake) { f.fd = 12 },
		calls: calls(call("SockAccept", wasi.FD(3), wasi.FDFlags(0))),
		out:   []chunk{at(weOut, u32(12))}}
	add(accept)
	add(weEfaults(accept, 1, 4)...)

	add(recvFromCases("sock_recv_from", false)...)
	for _, k := range []struct{ fn, method string }{{"sock_getlocaladdr", "SockLocalAddress"}, {"sock_getpeeraddr", "SockPeerAddress"}} {
		c := weCase{name: k.fn + "/v1_ok", fn: k.fn, params: []uint64{3, weAddr, weOut, weOut + 8},
			in:    []chunk{addrArg(weBuf, 16)},
			fake:  func(f *weFake) { f.addr = sa4(443) },
			calls: calls(call(k.method, wasi.FD(3))),
			out:   []chunk{at(weBuf, ip4b), at(weOut, u32(4)), at(weOut+8, u32(443))}}
		six := c
		six.name = k.fn + "/v1_inet6"
		six.fake = func(f *weFake) { f.addr = sa6(ip6, 443) }
		six.out = []chunk{at(weBuf, ip6b), at(weOut, u32(6)), at(weOut+8, u32(443))}
		raw4 := weInput(c, "v1_raw4", 0, c.calls, addrArg(weBuf, 4))
		raw4.fake, raw4.out = c.fake, c.out
		mapped4 := weInput(c, "v1_mapped_into_raw4", 0, c.calls, addrArg(weBuf, 4))
		mapped4.fake = func(f *weFake) { f.addr = sa6(ip4in6, 443) }
		mapped4.out = c.out
		six4 := weInput(six, "v1_inet6_into_raw4", wasi.ENOMEM, c.calls, addrArg(weBuf, 4))
		six4.fake = six.fake
		storage := weInput(six, "v1_storage", 0, c.calls, addrArg(weBuf, 128))
		storage.fake = six.fake
		storage.out = []chunk{at(weBuf, u16(2), ip6b), at(weOut, u32(6)), at(weOut+8, u32(443))}
		unixSock := c
		unixSock.name, unixSock.errno, unixSock.out = k.fn+"/v1_unix", wasi.EAFNOSUPPORT, nil
		unixSock.fake = func(f *weFake) { f.addr = wasi.SockAddr{Family: wasi.UnixFamily, Path: "/x"} }
		sysErr := c
		sysErr.name, sysErr.errno, sysErr.out = k.fn+"/v1_enotconn", wasi.ENOTCONN, nil
		sysErr.fake = func(f *weFake) { f.errno = wasi.ENOTCONN }
		add(c, six, raw4, mapped4, six4, storage, unixSock, sysErr,
			weInput(c, "v1_addr_len_8", wasi.EINVAL, nil, addrArg(weBuf, 8)),
			weInput(c, "v1_efault_buf", wasi.EFAULT, nil, addrArg(weMemSize-15, 16)))
		add(weEfaults(c, 1, addrBufSize)...)
		add(weEfaults(c, 2, 4)...)
		add(weEfaults(c, 3, 4)...)
	}
	return cs
}

// v2Cases are the V2-only signatures and the "_v2" names
// (wasmedge_v2.wat).
func v2Cases() []weCase {
	var cs []weCase
	add := func(c ...weCase) { cs = append(cs, c...) }
	for _, fn := range []string{"sock_accept", "sock_accept_v2"} {
		accept := weCase{name: fn + "/v2_ok", fn: fn, params: []uint64{3, uint64(wasi.NonBlock), weOut},
			fake:  func(f *weFake) { f.fd = 12 },
			calls: calls(call("SockAccept", wasi.FD(3), wasi.NonBlock)),
			out:   []chunk{at(weOut, u32(12))}}
		add(accept, weVariant(accept, "v2_flags_too_wide", 1, 0x10000, wasi.EINVAL, nil))
		add(weEfaults(accept, 2, 4)...)
	}
	add(recvFromCases("sock_recv_from", true)...)
	add(recvFromCases("sock_recv_from_v2", true)...)
	for _, k := range []struct{ fn, method string }{
		{"sock_getlocaladdr", "SockLocalAddress"}, {"sock_getpeeraddr", "SockPeerAddress"},
		{"sock_getlocaladdr_v2", "SockLocalAddress"}, {"sock_getpeeraddr_v2", "SockPeerAddress"},
	} {
		c := weCase{name: k.fn + "/v2_ok", fn: k.fn, params: []uint64{3, weAddr, weOut},
			in:    []chunk{addrArg(weBuf, 128)},
			fake:  func(f *weFake) { f.addr = sa4(443) },
			calls: calls(call(k.method, wasi.FD(3))),
			out:   []chunk{at(weBuf, u16(1), ip4b), at(weOut, u32(443))}}
		six := c
		six.name = k.fn + "/v2_inet6"
		six.fake = func(f *weFake) { f.addr = sa6(ip4in6, 443) }
		six.out = []chunk{at(weBuf, u16(2), ip4in6b), at(weOut, u32(443))}
		unixSock := c
		unixSock.name = k.fn + "/v2_unix"
		unixSock.fake = func(f *weFake) { f.addr = wasi.SockAddr{Family: wasi.UnixFamily, Path: "/run/a"} }
		unixSock.out = []chunk{at(weBuf, u16(3), []byte("/run/a\x00")), at(weOut, u32(0))}
		longPath := c
		longPath.name, longPath.errno, longPath.out = k.fn+"/v2_unix_path_too_long", wasi.ENOMEM, nil
		longPath.fake = func(f *weFake) {
			f.addr = wasi.SockAddr{Family: wasi.UnixFamily, Path: strings.Repeat("p", 126)}
		}
		add(c, six, unixSock, longPath,
			weInput(c, "v2_raw16", wasi.EINVAL, nil, addrArg(weBuf, 16)),
			weInput(c, "v2_efault_buf", wasi.EFAULT, nil, addrArg(weMemSize-127, 128)))
		add(weEfaults(c, 1, addrBufSize)...)
		add(weEfaults(c, 2, 4)...)
	}
	for _, fn := range []string{"sock_open_v2", "sock_bind_v2", "sock_connect_v2", "sock_listen_v2", "sock_send_to_v2"} {
		for _, c := range sharedCases() {
			if c.fn == strings.TrimSuffix(fn, "_v2") {
				c.name = fn + strings.TrimPrefix(c.name, c.fn)
				c.fn = fn
				add(c)
			}
		}
	}
	recv := weCase{name: "sock_recv_v2/ok", fn: "sock_recv_v2", params: []uint64{3, weIn, 1, 0, weOut, weOut + 8},
		in:    []chunk{at(weIn, iov(weData, 4))},
		fake:  func(f *weFake) { f.data = []byte("pong") },
		calls: calls(call("SockRecv", wasi.FD(3), []int{4}, wasi.RIFlags(0))),
		out:   []chunk{at(weData, []byte("pong")), at(weOut, u32(4)), at(weOut+8, u16(0))}}
	send := weCase{name: "sock_send_v2/ok", fn: "sock_send_v2", params: []uint64{3, weIn, 1, 0, weOut},
		in:    []chunk{at(weIn, iov(weData, 4)), at(weData, []byte("ping"))},
		calls: calls(call("SockSend", wasi.FD(3), "ping", wasi.SIFlags(0))),
		out:   []chunk{at(weOut, u32(4))}}
	add(recv, send)
	add(weEfaults(recv, 4, 4)...)
	add(weEfaults(recv, 5, 2)...)
	add(weEfaults(send, 4, 4)...)
	return cs
}

// recvFromCases covers sock_recv_from: V1 (7 parameters, no port) or V2
// (8 parameters, a u16 port at params[5]).
func recvFromCases(fn string, v2 bool) []weCase {
	gen := "v1"
	params := []uint64{3, weIn, 2, weAddr, 0, weOut, weOut + 8}
	nOut, flagsOut := 5, 6
	if v2 {
		gen = "v2"
		params = []uint64{3, weIn, 2, weAddr, 0, weOut + 0x10, weOut, weOut + 8}
		nOut, flagsOut = 6, 7
	}
	port := func(p uint16) []chunk {
		if v2 {
			return []chunk{at(weOut+0x10, u16(p))}
		}
		return nil
	}
	mk := func(name string, bufLen uint32, from wasi.SockAddr, addrOut []byte, portOut uint16) weCase {
		out := []chunk{at(weData, []byte("abc")), at(weData+0x10, []byte("de")), at(weOut, u32(5)),
			at(weOut+8, u16(uint16(wasi.RecvDataTruncated)))}
		if addrOut != nil {
			out = append(out, at(weBuf, addrOut))
		}
		return weCase{name: fn + "/" + gen + "_" + name, fn: fn, params: params,
			in: []chunk{at(weIn, iov(weData, 3), iov(weData+0x10, 2)), addrArg(weBuf, bufLen)},
			fake: func(f *weFake) {
				f.data, f.roflags, f.addr = []byte("abcdefgh"), wasi.RecvDataTruncated, from
			},
			calls: calls(call("SockRecvFrom", wasi.FD(3), []int{3, 2}, wasi.RIFlags(0))),
			out:   append(out, port(portOut)...)}
	}
	ok := mk("ok", 4, sa4(5353), ip4b, 5353)
	cs := []weCase{
		ok,
		mk("raw16_inet", 16, sa4(5353), ip4b, 5353), // 4 bytes written, as WasmEdge
		mk("raw16_inet6", 16, sa6(ip6, 5353), ip6b, 5353),
		mk("raw4_mapped", 4, sa6(ip4in6, 5353), ip4b, 5353),
		// An address the buffer cannot hold: no address, data kept.
		mk("raw4_inet6_zeroed", 4, sa6(ip6, 5353), zeros(4), 0),
		mk("storage_inet", 128, sa4(5353), append(u16(1), ip4b...), 5353),
		mk("storage_inet6", 128, sa6(ip6, 5353), append(u16(2), ip6b...), 5353),
		mk("storage_no_address", 128, wasi.SockAddr{}, u16(0), 0), // a stream socket
		mk("raw16_no_address", 16, wasi.SockAddr{}, zeros(16), 0),
	}
	sysErr := ok
	sysErr.name, sysErr.errno, sysErr.out = fn+"/"+gen+"_eagain", wasi.EAGAIN, nil
	sysErr.fake = func(f *weFake) { f.errno = wasi.EAGAIN }
	cs = append(cs, sysErr,
		weVariant(ok, gen+"_ri_flags_too_wide", 4, 0x10000, wasi.EINVAL, nil),
		weVariant(ok, gen+"_iovs_too_many", 2, 0xFFFFFFFF, wasi.EINVAL, nil),
		weInput(ok, gen+"_addr_len_8", wasi.EINVAL, nil, addrArg(weBuf, 8)),
		weInput(ok, gen+"_efault_addr_buf", wasi.EFAULT, nil, addrArg(weMemSize-3, 16)),
		weInput(ok, gen+"_efault_iov_buf", wasi.EFAULT, nil, at(weIn, iov(weMemSize-2, 3))))
	for _, c := range weEfaults(ok, 3, addrBufSize) {
		c.name = strings.Replace(c.name, "/", "/"+gen+"_", 1)
		cs = append(cs, c)
	}
	for _, idx := range []int{nOut, flagsOut} {
		size := uint32(4)
		if idx == flagsOut {
			size = 2
		}
		for _, c := range weEfaults(ok, idx, size) {
			c.name = strings.Replace(c.name, "/", "/"+gen+"_", 1)
			cs = append(cs, c)
		}
	}
	if v2 {
		for _, c := range weEfaults(ok, 5, 2) {
			c.name = strings.Replace(c.name, "/", "/"+gen+"_", 1)
			cs = append(cs, c)
		}
	}
	return cs
}

// mixedCases are run against wasmedge_mixed.wat: the Rust crate's import
// set, V1 accept and get*addr with a V2 sock_recv_from.
func mixedCases() []weCase {
	var cs []weCase
	for _, c := range v1Cases() {
		if c.fn == "sock_accept" || c.fn == "sock_getlocaladdr" || c.fn == "sock_getpeeraddr" {
			cs = append(cs, c)
		}
	}
	for _, c := range sharedCases() {
		if c.fn == "sock_open" || c.fn == "sock_getsockopt" {
			cs = append(cs, c)
		}
	}
	return append(cs, recvFromCases("sock_recv_from", true)...)
}

func runWasmEdgeCases(t *testing.T, guest string, cases []weCase) {
	ctx := t.Context()
	fake := &weFake{}
	env := newGuestEnv(t, ctx, fake, guest)
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %s", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			*fake = weFake{}
			if tc.fake != nil {
				tc.fake(fake)
			}
			mem := env.mem(t)
			fillPattern(mem)
			for _, c := range tc.in {
				copy(mem[c.off:], c.b)
			}
			want := bytes.Clone(mem)
			for _, c := range tc.out {
				copy(want[c.off:], c.b)
			}
			errno, err := env.call(t, ctx, tc.fn, tc.params...)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if errno != tc.errno {
				t.Errorf("errno = %v, want %v", errno, tc.errno)
			}
			if !reflect.DeepEqual(fake.calls, tc.calls) {
				t.Errorf("System calls:\n got %v\nwant %v", fake.calls, tc.calls)
			}
			diffMemory(t, env.mem(t), want)
		})
	}
}

func TestWasmEdgeV1(t *testing.T) {
	runWasmEdgeCases(t, "wasmedge_v1", append(sharedCases(), v1Cases()...))
}

func TestWasmEdgeV2(t *testing.T) {
	runWasmEdgeCases(t, "wasmedge_v2", append(sharedCases(), v2Cases()...))
}

func TestWasmEdgeMixed(t *testing.T) {
	runWasmEdgeCases(t, "wasmedge_mixed", mixedCases())
}

// TestWasmEdgeCoverage checks that every extension function has a success
// case, and an EFAULT case when it takes a pointer, in some generation.
func TestWasmEdgeCoverage(t *testing.T) {
	ok, efault := map[string]bool{}, map[string]bool{}
	for _, c := range slices.Concat(sharedCases(), v1Cases(), v2Cases(), mixedCases()) {
		if strings.HasSuffix(c.name, "ok") && c.errno == 0 {
			ok[c.fn] = true
		}
		if c.errno == wasi.EFAULT {
			efault[c.fn] = true
		}
	}
	for _, f := range WasmEdgeFunctions() {
		if !ok[f.Name] {
			t.Errorf("no success case for %s", f.Name)
		}
		if takesPointer(f.FuncInfo) && !efault[f.Name] {
			t.Errorf("no EFAULT case for %s", f.Name)
		}
	}
}

// exportedSigs instantiates the host module for guest (nil: none) and
// returns the parameter count of each export.
func exportedSigs(t *testing.T, guestWAT string) map[string]int {
	t.Helper()
	ctx := t.Context()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	var guest wazero.CompiledModule
	if guestWAT != "" {
		var err error
		if guest, err = r.CompileModule(ctx, buildWAT(t, guestWAT)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Instantiate(ctx, r, &weFake{}, guest); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for name, d := range r.Module(ModuleName).ExportedFunctionDefinitions() {
		got[name] = len(d.ParamTypes())
	}
	return got
}

// TestWasmEdgeVariantChoice checks which signature each name gets, per
// guest: the guest's import decides, V2 otherwise.
func TestWasmEdgeVariantChoice(t *testing.T) {
	v2 := map[string]int{"sock_accept": 3, "sock_recv_from": 8, "sock_getlocaladdr": 3, "sock_getpeeraddr": 3,
		"sock_open": 3, "sock_send_to": 7, "sock_getaddrinfo": 8,
		"sock_accept_v2": 3, "sock_recv_from_v2": 8, "sock_getlocaladdr_v2": 3, "sock_getpeeraddr_v2": 3,
		"sock_recv_v2": 6, "sock_send_v2": 5, "sock_open_v2": 3}
	tests := []struct {
		guest string
		want  map[string]int // overrides of v2
	}{
		{"", nil},
		{"wasmedge_v2", nil},
		{"wasmedge_v1", map[string]int{"sock_accept": 2, "sock_recv_from": 7, "sock_getlocaladdr": 4, "sock_getpeeraddr": 4}},
		{"wasmedge_mixed", map[string]int{"sock_accept": 2, "sock_getlocaladdr": 4, "sock_getpeeraddr": 4}},
		{"all", nil}, // preview 1 only: its sock_accept stays
	}
	for _, tc := range tests {
		t.Run("guest="+tc.guest, func(t *testing.T) {
			got := exportedSigs(t, tc.guest)
			for name, n := range v2 {
				if w, ok := tc.want[name]; ok {
					n = w
				}
				if got[name] != n {
					t.Errorf("%s: %d params, want %d", name, got[name], n)
				}
			}
			// Every preview 1 function is still exported, and every
			// extension name.
			for _, f := range Functions() {
				if _, ok := got[f.Name]; !ok {
					t.Errorf("%s not exported", f.Name)
				}
			}
			names := map[string]bool{}
			for _, f := range WasmEdgeFunctions() {
				names[f.Name] = true
			}
			for name := range names {
				if _, ok := got[name]; !ok {
					t.Errorf("%s not exported", name)
				}
			}
			if want := len(Functions()) + len(names) - 1; len(got) != want { // sock_accept is shared
				t.Errorf("%d exports, want %d", len(got), want)
			}
		})
	}
}

// TestWasmEdgeUnknownSignature: a guest importing a name with a signature
// of neither generation fails to link, naming the function.
func TestWasmEdgeUnknownSignature(t *testing.T) {
	ctx := t.Context()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	guest, err := r.CompileModule(ctx, buildWAT(t, "wasmedge_badsig"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Instantiate(ctx, r, &weFake{}, guest); err != nil {
		t.Fatal(err)
	}
	_, err = r.InstantiateModule(ctx, guest, wazero.NewModuleConfig())
	if err == nil || !strings.Contains(err.Error(), "sock_recv_from") {
		t.Fatalf("InstantiateModule = %v, want a link error naming sock_recv_from", err)
	}
}

// TestWasmEdgeFunctionsTable checks the table's invariants: one default
// per name (none for sock_accept), distinct signatures per name, i32
// parameters and one errno result, and that WasmEdgeFunctions is a copy.
func TestWasmEdgeFunctionsTable(t *testing.T) {
	t1 := WasmEdgeFunctions()
	byName := map[string][]WasmEdgeFunction{}
	for _, f := range t1 {
		byName[f.Name] = append(byName[f.Name], f)
		if f.Group != GroupNetwork {
			t.Errorf("%s: group %v", f.Name, f.Group)
		}
		if len(f.ParamTypes) != len(f.ParamNames) || !slices.Equal(f.ResultTypes, []api.ValueType{api.ValueTypeI32}) {
			t.Errorf("%s: malformed signature", f.Name)
		}
		for _, p := range f.ParamTypes {
			if p != api.ValueTypeI32 {
				t.Errorf("%s: non-i32 parameter", f.Name)
			}
		}
	}
	for name, vs := range byName {
		defaults := 0
		for i, v := range vs {
			if v.Default {
				defaults++
			}
			for _, w := range vs[i+1:] {
				if slices.Equal(v.ParamTypes, w.ParamTypes) {
					t.Errorf("%s: two variants with one signature", name)
				}
			}
		}
		want := 1
		if name == "sock_accept" {
			want = 0
		}
		if defaults != want {
			t.Errorf("%s: %d defaults, want %d", name, defaults, want)
		}
	}
	t1[0].Name = "changed"
	if WasmEdgeFunctions()[0].Name == "changed" {
		t.Error("WasmEdgeFunctions returned shared data")
	}
}

// TestWasmEdgeClosedModule: every extension exits with the module's exit
// code once the module is closed, without calling the System.
func TestWasmEdgeClosedModule(t *testing.T) {
	ctx := t.Context()
	fake := &weFake{}
	env := newGuestEnv(t, ctx, fake, "wasmedge_v2")
	env.mod.CloseWithExitCode(ctx, 9)
	h := newHost(fake)
	for _, f := range wasmEdgeTable() {
		t.Run(f.Name+"/"+f.Generation.String(), func(t *testing.T) {
			defer func() {
				var exit *sys.ExitError
				err, _ := recover().(error)
				if !errors.As(err, &exit) || exit.ExitCode() != 9 {
					t.Errorf("recovered %v, want exit code 9", err)
				}
			}()
			f.impl(h, ctx, env.mod, make([]uint64, 9))
		})
	}
	if len(fake.calls) != 0 {
		t.Errorf("System called on a closed module: %v", fake.calls)
	}
}

// TestWasmEdgeHostileBounded calls the extensions with the largest
// guest-driven counts: the host allocates (almost) nothing and stays
// alive. A self-referencing getaddrinfo chain with max_res_len =
// 0xFFFFFFFF is the WasmEdge out-of-bounds pattern.
func TestWasmEdgeHostileBounded(t *testing.T) {
	ctx := t.Context()
	fake := &weFake{}
	env := newGuestEnv(t, ctx, fake, "wasmedge_v2")
	mem := env.mem(t)
	fillPattern(mem)
	for _, c := range aiEntryAt(0, aiEntryPtr(0), 26, 32) {
		copy(mem[c.off:], c.b)
	}
	copy(mem[weOut:], u32(aiEntryPtr(0)))
	copy(mem[weIn:], zeros(addrInfoSize))
	copy(mem[weData:], "80") // a service: without node or service, EAI_NONAME comes first
	cases := []struct {
		fn     string
		params []uint64
		errno  wasi.Errno
	}{
		{"sock_getaddrinfo", []uint64{weData, 0, weData, 2, weIn, weOut, 0xFFFFFFFF, weOut + 8}, 0},
		{"sock_getaddrinfo", []uint64{weData, 0xFFFFFFFF, weData, 0xFFFFFFFF, weIn, weOut, 0xFFFFFFFF, weOut + 8}, wasi.ENAMETOOLONG},
		{"sock_recv_from", []uint64{3, 0, 0xFFFFFFFF, weAddr, 0, weOut, weOut, weOut}, wasi.EINVAL},
		{"sock_send_to", []uint64{3, 0, 0xFFFFFFFF, weAddr, 0, 0, weOut}, wasi.EINVAL},
		{"sock_getsockopt", []uint64{3, 0, 0, 0, 0xFFFFFFF0}, wasi.EFAULT},
		{"sock_setsockopt", []uint64{3, 0, 0, 0, 0xFFFFFFFF}, wasi.EFAULT},
	}
	for _, c := range cases {
		t.Run(c.fn, func(t *testing.T) {
			f := env.mod.ExportedFunction(c.fn)
			stack := make([]uint64, len(c.params))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range 10 {
				copy(stack, c.params)
				if err := f.CallWithStack(ctx, stack); err != nil {
					t.Fatal(err)
				}
				if got := wasi.Errno(stack[0]); got != c.errno {
					t.Fatalf("errno = %v, want %v", got, c.errno)
				}
			}
			runtime.ReadMemStats(&after)
			if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
				t.Errorf("10 calls allocated %d bytes", d)
			}
		})
	}
	// The self-referencing chain got one result slot.
	for _, c := range fake.calls {
		if c.name == "SockAddressInfo" && c.args[3] != 1 {
			t.Errorf("SockAddressInfo got %v result slots, want 1", c.args[3])
		}
	}
}
