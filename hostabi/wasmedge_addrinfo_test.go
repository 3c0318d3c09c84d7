package hostabi

// sock_getaddrinfo cases of the WasmEdge suite (wasmedge_test.go).

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// aiEntryAt returns the input bytes of chain entry i: its addrinfo (next
// pointing at next), its sockaddr (sa_data of dataCap bytes) and the
// canonical name buffer (canonCap bytes).
func aiEntryAt(i int, next, dataCap, canonCap uint32) []chunk {
	e := uint32(weAI + i*weAIStride)
	return []chunk{
		at(e, zeros(12), u32(e+0x20), u32(e+0x50), u32(canonCap), u32(next)),
		at(e+0x20, u32(0), u32(dataCap), u32(e+0x30)),
	}
}

func aiEntryPtr(i int) uint32 { return uint32(weAI + i*weAIStride) }

// aiChain builds a chain of n entries ending with next = 0.
func aiChain(n int) []chunk {
	var cs []chunk
	for i := range n {
		next := uint32(0)
		if i < n-1 {
			next = aiEntryPtr(i + 1)
		}
		cs = append(cs, aiEntryAt(i, next, 26, 32)...)
	}
	return cs
}

var (
	aiHints = wasi.AddrInfo{Flags: wasi.AICanonName}
	aiRes4  = wasi.AddrInfo{Flags: wasi.AICanonName, Family: wasi.InetFamily, SocketType: wasi.StreamSocket,
		Protocol: wasi.TCPProtocol, Addr: sa4(80), CanonName: "example.com"}
	aiRes6 = wasi.AddrInfo{Flags: wasi.AICanonName, Family: wasi.Inet6Family, SocketType: wasi.DatagramSocket,
		Protocol: wasi.UDPProtocol, Addr: sa6(ip6, 80)}
)

func addrInfoCases() []weCase {
	var cs []weCase
	add := func(c ...weCase) { cs = append(cs, c...) }
	node, service := "example.com\x00", "80\x00"
	e0, e1 := aiEntryPtr(0), aiEntryPtr(1)
	aiCall := func(n int) []fakeCall { return calls(call("SockAddressInfo", "example.com", "80", aiHints, n)) }
	ok := weCase{name: "sock_getaddrinfo/ok", fn: "sock_getaddrinfo",
		params: []uint64{weData, uint64(len(node)), weData + 0x40, uint64(len(service)), weIn, weOut, 2, weOut + 8},
		in: append([]chunk{at(weData, []byte(node)), at(weData+0x40, []byte(service)),
			at(weIn, u16(uint16(wasi.AICanonName)), []byte{0, 0}, u32(0), zeros(20)), at(weOut, u32(e0))},
			aiChain(2)...),
		fake:  func(f *weFake) { f.ai = []wasi.AddrInfo{aiRes4, aiRes6} },
		calls: aiCall(2),
		out: []chunk{
			at(e0, u16(2), []byte{1, 2}, u32(1), u32(16)), at(e0+20, u32(11)),
			at(e0+0x20, u32(1), u32(14)),
			at(e0+0x30, []byte{0, 80}, ip4b, zeros(8)),
			at(e0+0x50, []byte("example.com\x00")),
			at(e1, u16(2), []byte{2, 1}, u32(2), u32(28)), at(e1+20, u32(0)),
			at(e1+0x20, u32(2), u32(26)),
			at(e1+0x30, []byte{0, 80}, zeros(4), ip6b, zeros(4)),
			at(e1+0x50, []byte{0}),
			at(weOut+8, u32(2)),
		}}
	add(ok)

	// A canonical name buffer smaller than the name: truncated, length
	// updated. (A short sa_data is EFAULT: wasmedge_compat_test.go.)
	small := ok
	small.name = "sock_getaddrinfo/small_buffers"
	small.in = append(slices.Clone(ok.in), aiEntryAt(0, e1, 14, 4)...)
	small.out = []chunk{
		at(e0, u16(2), []byte{1, 2}, u32(1), u32(16)), at(e0+20, u32(4)),
		at(e0+0x20, u32(1), u32(14)),
		at(e0+0x30, []byte{0, 80}, ip4b, zeros(8)),
		at(e0+0x50, []byte("exam")),
		at(e1, u16(2), []byte{2, 1}, u32(2), u32(28)), at(e1+20, u32(0)),
		at(e1+0x20, u32(2), u32(26)),
		at(e1+0x30, []byte{0, 80}, zeros(4), ip6b, zeros(4)),
		at(e1+0x50, []byte{0}),
		at(weOut+8, u32(2)),
	}
	add(small)

	// Fewer results than entries: only those are written.
	one := ok
	one.name = "sock_getaddrinfo/one_result"
	one.fake = func(f *weFake) { f.ai = []wasi.AddrInfo{aiRes4} }
	one.out = append(slices.Clone(ok.out[:5]), at(weOut+8, u32(1)))
	add(one)
	// A System that claims more results than entries is clamped.
	lying := one
	lying.name = "sock_getaddrinfo/count_clamped"
	lying.fake = func(f *weFake) { n := 1000; f.ai, f.aiN = []wasi.AddrInfo{aiRes4, aiRes6}, &n }
	lying.out = ok.out
	add(lying)

	sysErr := ok
	sysErr.name, sysErr.errno, sysErr.out = "sock_getaddrinfo/eai_noname", 84, nil
	sysErr.fake = func(f *weFake) { f.ai, f.errno = []wasi.AddrInfo{aiRes4}, 84 }
	add(sysErr)

	// Strings: the NUL a C guest counts is dropped; anything after it is
	// not.
	noNUL := weVariant(ok, "no_nul", 1, uint64(len(node)-1), 0, aiCall(2))
	noNUL.out = ok.out
	add(noNUL,
		weInput(ok, "embedded_nul", wasi.EINVAL, nil, at(weData, []byte("example\x00com\x00"))),
		weInput(ok, "not_utf8", wasi.EILSEQ, nil, at(weData, []byte("exa\xffmple.co\x00"))),
		weVariant(ok, "node_too_long", 1, maxAddrInfoString+1, wasi.ENAMETOOLONG, nil),
		weVariant(ok, "service_too_long", 3, 0xFFFFFFFF, wasi.ENAMETOOLONG, nil),
		weVariant(ok, "max_res_len_0", 6, 0, eaiMemory, nil))
	emptyNode := weVariant(ok, "empty_node", 1, 0, 0, calls(call("SockAddressInfo", "", "80", wasi.AddrInfo{}, 2)))
	emptyNode.in = append(slices.Clone(ok.in), at(weIn, u16(0))) // AI_CANONNAME needs a node
	emptyNode.out = ok.out
	add(emptyNode)

	// Hints: protocol numbers in WasmEdge's numbering, or IANA's.
	for _, p := range []struct {
		v    uint32
		want wasi.Protocol
	}{{1, wasi.TCPProtocol}, {6, wasi.TCPProtocol}, {2, wasi.UDPProtocol}, {17, wasi.UDPProtocol}} {
		h := aiHints
		h.Protocol = p.want
		c := weInput(ok, fmt.Sprintf("hints_protocol_%d", p.v), 0,
			calls(call("SockAddressInfo", "example.com", "80", h, 2)), at(weIn+4, u32(p.v)))
		c.out = ok.out
		add(c)
	}
	add(weInput(ok, "hints_protocol_9", wasi.ENOSYS, nil, at(weIn+4, u32(9))))
	fam := aiHints
	fam.Family, fam.SocketType = wasi.Inet6Family, wasi.DatagramSocket
	famCase := weInput(ok, "hints_family_socktype", 0,
		calls(call("SockAddressInfo", "example.com", "80", fam, 2)), at(weIn+2, []byte{2, 1}))
	famCase.out = ok.out
	add(famCase)

	// Hostile chains. max_res_len = 0xFFFFFFFF is capped at the chain's
	// length, or at wasi.MaxAddrInfoResults.
	huge := weVariant(ok, "max_res_len_huge", 6, 0xFFFFFFFF, 0, aiCall(2))
	huge.out = ok.out
	add(huge)
	long := weVariant(ok, "chain_longer_than_cap", 6, 0xFFFFFFFF, 0, aiCall(wasi.MaxAddrInfoResults))
	long.in = append(slices.Clone(ok.in[:4]), aiChain(wasi.MaxAddrInfoResults+6)...)
	long.out = ok.out
	add(long)
	self := weInput(ok, "self_referencing_chain", 0, aiCall(1), aiEntryAt(0, e0, 26, 32)...)
	self.params = with(self.params, 6, 0xFFFFFFFF)
	self.out = append(slices.Clone(ok.out[:5]), at(weOut+8, u32(1)))
	add(self)
	cycle := weInput(ok, "cycle", 0, aiCall(2), aiEntryAt(1, e0, 26, 32)...)
	cycle.params = with(cycle.params, 6, 10)
	cycle.out = ok.out
	add(cycle)

	// Every pointer of the chain is checked before anything is written
	// or the System is called.
	add(weEfaults(ok, 0, 12)...)
	add(weEfaults(ok, 2, 3)...)
	add(weEfaults(ok, 4, addrInfoSize)...)
	add(weEfaults(ok, 5, 4)...)
	add(weEfaults(ok, 7, 4)...)
	for _, p := range weBadPtrs(addrInfoSize) {
		add(weInput(ok, fmt.Sprintf("efault_first_entry_%#x", p), wasi.EFAULT, nil, at(weOut, u32(p))))
		add(weInput(ok, fmt.Sprintf("efault_next_%#x", p), wasi.EFAULT, nil, at(e0+24, u32(p))))
	}
	for _, p := range weBadPtrs(sockAddrSize) {
		add(weInput(ok, fmt.Sprintf("efault_addr_%#x", p), wasi.EFAULT, nil, at(e1+12, u32(p))))
	}
	add(weInput(ok, "efault_sa_data", wasi.EFAULT, nil, at(e1+0x20+8, u32(weMemSize-25))),
		weInput(ok, "efault_sa_data_len", wasi.EFAULT, nil, at(e1+0x20+4, u32(0xFFFFFFFF))),
		weInput(ok, "efault_canonname", wasi.EFAULT, nil, at(e1+16, u32(weMemSize-31))),
		weInput(ok, "efault_canonname_len", wasi.EFAULT, nil, at(e0+20, u32(0x80000000))))
	return cs
}

// FuzzWasmEdgeAddrInfo feeds arbitrary memory contents (the chain) and
// arguments to sock_getaddrinfo: the host never panics, calls the System
// with at most wasi.MaxAddrInfoResults slots, and writes nothing on an
// error.
func FuzzWasmEdgeAddrInfo(f *testing.F) {
	seed := make([]byte, 0x200)
	copy(seed, u32(0x20))
	copy(seed[0x20:], bytes.Join([][]byte{zeros(12), u32(0x60), u32(0x80), u32(8), u32(0x20)}, nil))
	copy(seed[0x60:], bytes.Join([][]byte{u32(0), u32(26), u32(0x100)}, nil))
	f.Add(seed, uint32(0xFFFFFFFF))
	f.Add(seed, uint32(3))
	f.Add(bytes.Repeat([]byte{0xff}, 64), uint32(64))
	ctx := context.Background()
	fake := &weFake{}
	env := newGuestEnv(f, ctx, fake, "wasmedge_v2")
	fn := env.mod.ExportedFunction("sock_getaddrinfo")
	f.Fuzz(func(t *testing.T, chain []byte, maxRes uint32) {
		*fake = weFake{}
		fake.ai = []wasi.AddrInfo{aiRes4, aiRes6, aiRes4}
		mem := env.mem(t)
		fillPattern(mem)
		copy(mem[weAI:], chain[:min(len(chain), 0x8000)])
		copy(mem[weOut:], u32(weAI)) // the first entry
		copy(mem[weIn:], zeros(addrInfoSize))
		before := bytes.Clone(mem)
		res, err := fn.Call(ctx, weData, 0, weData, 0, weIn, weOut, uint64(maxRes), weOut+4)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range fake.calls {
			if n := c.args[3].(int); n > wasi.MaxAddrInfoResults || n > int(maxRes) {
				t.Fatalf("%d result slots for max_res_len %d", n, maxRes)
			}
		}
		if res[0] != 0 && !bytes.Equal(env.mem(t), before) {
			t.Fatalf("errno %d but memory changed", res[0])
		}
	})
}
