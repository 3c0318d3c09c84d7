package hostabi

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// oneIOVecCases are the read and write calls with a single iovec, which
// ioArgs decodes on a path of its own (the abiCases use two), with every
// variant iovecCases derives: counts past MaxIOVecs, the array, the
// buffer or the result pointer outside memory.
func oneIOVecCases() []abiCase {
	var cs []abiCase
	add := func(c ...abiCase) { cs = append(cs, c...) }
	iovIn := at(aIn, iov(aData, 5))
	readFake := func(f *fakeSystem) { f.data = []byte("abcdefgh") }
	readOut := []chunk{at(aData, []byte("abcde")), at(aOut, u32(5))}
	read := abiCase{name: "fd_read/one_iovec", fn: "fd_read", params: []uint64{3, aIn, 1, aOut},
		in: []chunk{iovIn}, fake: readFake,
		calls: calls(call("FDRead", wasi.FD(3), []int{5})), out: readOut}
	pread := abiCase{name: "fd_pread/one_iovec", fn: "fd_pread", params: []uint64{3, aIn, 1, 7, aOut},
		in: []chunk{iovIn}, fake: readFake,
		calls: calls(call("FDPread", wasi.FD(3), []int{5}, wasi.FileSize(7))), out: readOut}
	writeIn := []chunk{iovIn, at(aData, []byte("hello"))}
	write := abiCase{name: "fd_write/one_iovec", fn: "fd_write", params: []uint64{1, aIn, 1, aOut},
		in: writeIn, calls: calls(call("FDWrite", wasi.FD(1), "hello")), out: []chunk{at(aOut, u32(5))}}
	pwrite := abiCase{name: "fd_pwrite/one_iovec", fn: "fd_pwrite", params: []uint64{4, aIn, 1, 9, aOut},
		in: writeIn, calls: calls(call("FDPwrite", wasi.FD(4), "hello", wasi.FileSize(9))), out: []chunk{at(aOut, u32(5))}}
	empty := write
	empty.name = "fd_write/one_empty_iovec"
	empty.in = []chunk{at(aIn, iov(memSize, 0))} // an empty buffer may sit at the very end
	empty.calls = calls(call("FDWrite", wasi.FD(1), ""))
	empty.out = []chunk{at(aOut, u32(0))}
	add(read, pread, write, pwrite, empty)
	add(iovecCases(read, 3)...)
	add(iovecCases(pread, 4)...)
	add(iovecCases(write, 3)...)
	add(iovecCases(pwrite, 4)...)
	return cs
}

// TestABIOneIOVec runs oneIOVecCases as TestABI runs abiCases.
func TestABIOneIOVec(t *testing.T) {
	ctx := t.Context()
	fake := &fakeSystem{}
	env := newGuestEnv(t, ctx, fake, "all")
	seen := map[string]bool{}
	for _, tc := range oneIOVecCases() {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %s", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			*fake = fakeSystem{}
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
