package hostabi

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// FuzzWasmEdge is FuzzABI for the WasmEdge socket extensions: every
// export of the V1, V2 and mixed guests (testdata/wasmedge_*.wat) is called
// with arbitrary arguments and memory over a fake System whose errno,
// addresses and getaddrinfo results are fuzzed too. Nothing may panic, and:
//
//   - a call the host rejects itself (the System was not called) writes
//     nothing;
//   - with a System that succeeds, EFAULT, EINVAL, ENAMETOOLONG and
//     EILSEQ are only ever decided before the System is called;
//   - a success never leaves a result pointer out of range (the host
//     could not have written the result);
//   - getaddrinfo never offers the System more than MaxAddrInfoResults
//     slots.
//
// Memory is given as records {u16 offset, u16 length, bytes}, so that a
// small input can place structures anywhere in the first 64 KiB; pointer
// arguments near the end of memory come from the arguments. The seeds are
// the WasmEdge suite's cases (wasmedge_test.go).
//
//	go test -run '^$' -fuzz '^FuzzWasmEdge$' -fuzztime 60s ./hostabi/
func FuzzWasmEdge(f *testing.F) {
	guests := []string{"wasmedge_v1", "wasmedge_v2", "wasmedge_mixed"}
	caseSets := [][]weCase{
		append(sharedCases(), v1Cases()...),
		append(sharedCases(), v2Cases()...),
		mixedCases(),
	}
	ctx := f.Context()
	fake := &weFake{}
	type export struct {
		name string
		info WasmEdgeFunction
	}
	envs := make([]*guestEnv, len(guests))
	exports := make([][]export, len(guests))
	for g, name := range guests {
		envs[g] = newGuestEnv(f, ctx, fake, name)
		for _, d := range envs[g].mod.ExportedFunctionDefinitions() {
			info, ok := wasmEdgeInfo(d.ExportNames()[0], len(d.ParamTypes()))
			if !ok {
				f.Fatalf("%s exports %s with %d parameters: no such WasmEdge function", name, d.ExportNames()[0], len(d.ParamTypes()))
			}
			exports[g] = append(exports[g], export{d.ExportNames()[0], info})
		}
	}
	for g, cases := range caseSets {
		for _, c := range cases {
			fn := -1
			for i, e := range exports[g] {
				if e.name == c.fn {
					fn = i
				}
			}
			if fn < 0 {
				continue
			}
			var params []byte
			for _, p := range c.params {
				params = binary.LittleEndian.AppendUint64(params, p)
			}
			var mem []byte
			for _, ch := range c.in {
				if ch.off < 1<<16 && len(ch.b) < 1<<16 {
					mem = binary.LittleEndian.AppendUint16(mem, uint16(ch.off))
					mem = binary.LittleEndian.AppendUint16(mem, uint16(len(ch.b)))
					mem = append(mem, ch.b...)
				}
			}
			f.Add(uint8(g), uint8(fn), params, mem, uint8(0), uint8(0))
		}
	}
	results := []wasi.SockAddr{
		sa4(80),
		sa6(ip6, 443),
		sa6(ip4in6, 8080),
		{Family: wasi.UnixFamily, Path: "/run/x.sock"},
		{Family: wasi.UnixFamily, Path: strings.Repeat("p", 200)},
		{},
		{Family: wasi.Inet6Family, Addr: netip.AddrPortFrom(netip.MustParseAddr("fe80::1%eth0"), 1)},
	}
	errnos := []wasi.Errno{0, 0, 0, wasi.EACCES, wasi.EAGAIN, wasi.EINVAL, wasi.EFAULT, wasi.ENOTCONN, 77}
	f.Fuzz(func(t *testing.T, g, fn uint8, params, mem []byte, errnoSel, addrSel uint8) {
		gi := int(g) % len(guests)
		ex := exports[gi][int(fn)%len(exports[gi])]
		env := envs[gi]
		stack := make([]uint64, max(len(ex.info.ParamTypes), 1))
		for i := range ex.info.ParamTypes {
			if len(params) >= 8*(i+1) {
				stack[i] = binary.LittleEndian.Uint64(params[8*i:])
			}
		}
		*fake = weFake{}
		fake.errno = errnos[int(errnoSel)%len(errnos)]
		fake.addr = results[int(addrSel)%len(results)]
		fake.data = []byte("fuzzed data")
		fake.fd = wasi.FD(addrSel)
		fake.ai = []wasi.AddrInfo{aiRes4, aiRes6, aiRes4, aiRes6}[:int(addrSel)%5]
		if addrSel >= 128 {
			n := int(int8(addrSel)) * 1000 // a System that lies about its count
			fake.aiN = &n
		}
		m := env.mem(t)
		fillPattern(m)
		for len(mem) >= 4 {
			off := int(binary.LittleEndian.Uint16(mem))
			n := min(int(binary.LittleEndian.Uint16(mem[2:])), len(mem)-4)
			copy(m[off:], mem[4:4+n])
			mem = mem[4+n:]
		}
		before := bytes.Clone(m)
		if err := env.mod.ExportedFunction(ex.name).CallWithStack(ctx, stack); err != nil {
			t.Fatalf("%s(%s) %v: %v", ex.name, ex.info.Generation, stack, err)
		}
		errno := wasi.Errno(stack[0])
		called := len(fake.calls) > 0
		if errno != wasi.ESUCCESS && !called && !bytes.Equal(env.mem(t), before) {
			t.Errorf("%s(%s): %v before calling the System, but memory changed", ex.name, ex.info.Generation, errno)
		}
		if fake.errno == wasi.ESUCCESS && called {
			switch errno {
			case wasi.EFAULT, wasi.EINVAL, wasi.ENAMETOOLONG, wasi.EILSEQ:
				t.Errorf("%s(%s): %v after the System was called: %v", ex.name, ex.info.Generation, errno, fake.calls)
			}
		}
		if errno == wasi.ESUCCESS {
			size := uint64(len(env.mem(t)))
			for i, name := range ex.info.ParamNames {
				if strings.HasPrefix(name, "result.") && uint64(uint32(stack0(params, i)))+resultSize(name) > size {
					t.Errorf("%s(%s): success with %s = %#x out of memory", ex.name, ex.info.Generation, name, uint32(stack0(params, i)))
				}
			}
		}
		for _, c := range fake.calls {
			if c.name == "SockAddressInfo" && c.args[3].(int) > wasi.MaxAddrInfoResults {
				t.Errorf("getaddrinfo offered the System %d result slots", c.args[3])
			}
		}
	})
}

// stack0 is parameter i as the fuzz input gave it (the call overwrites
// the stack with its results).
func stack0(params []byte, i int) uint64 {
	if len(params) >= 8*(i+1) {
		return binary.LittleEndian.Uint64(params[8*i:])
	}
	return 0
}

// resultSize is the smallest number of bytes written to a result pointer.
func resultSize(name string) uint64 {
	switch name {
	case "result.ro_flags", "result.port":
		return 2
	}
	return 4
}

// wasmEdgeInfo finds the table entry of an export of one of the test
// guests: the entry of that name and parameter count (preview 1's
// sock_accept is V2's).
func wasmEdgeInfo(name string, params int) (WasmEdgeFunction, bool) {
	for _, f := range WasmEdgeFunctions() {
		if f.Name == name && len(f.ParamTypes) == params {
			return f, true
		}
	}
	for _, f := range Functions() {
		if f.Name == name && len(f.ParamTypes) == params {
			return WasmEdgeFunction{FuncInfo: f, Generation: GenerationV2}, true
		}
	}
	return WasmEdgeFunction{}, false
}
