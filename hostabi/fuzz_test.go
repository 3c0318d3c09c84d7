package hostabi

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

// FuzzABI calls host functions with arbitrary arguments and memory over a
// fake System that always succeeds. Nothing may panic, and whenever the
// host itself rejects the call (EFAULT, EINVAL, ENAMETOOLONG, EILSEQ) the
// System must not have been called (args_get and environ_get ask it
// first) and memory must be unchanged. The seeds are the ABI suite's cases.
func FuzzABI(f *testing.F) {
	fns := Functions()
	index := map[string]int{}
	for i, fn := range fns {
		index[fn.Name] = i
	}
	for _, c := range abiCases() {
		var params []byte
		for _, p := range c.params {
			params = binary.LittleEndian.AppendUint64(params, p)
		}
		var data []byte
		if len(c.in) > 0 && c.in[0].off == aIn {
			data = c.in[0].b
		}
		f.Add(uint8(index[c.fn]), params, data)
	}
	ctx := f.Context()
	fake := &fakeSystem{}
	env := newGuestEnv(f, ctx, fake, "all")
	f.Fuzz(func(t *testing.T, fn uint8, params, data []byte) {
		info := fns[int(fn)%len(fns)]
		if info.Name == "proc_exit" {
			return // closes the module: TestProcExit
		}
		stack := make([]uint64, max(len(info.ParamTypes), 1))
		for i := range info.ParamTypes {
			if len(params) >= 8*(i+1) {
				stack[i] = binary.LittleEndian.Uint64(params[8*i:])
			}
		}
		*fake = fakeSystem{
			args: []string{"prog", "x"}, environ: []string{"A=b"}, dirName: "/d",
			data: []byte("fuzzed data"), events: []wasi.Event{{UserData: 1}},
		}
		mem := env.mem(t)
		fillPattern(mem)
		copy(mem[aIn:], data)
		before := bytes.Clone(mem)
		if err := env.mod.ExportedFunction(info.Name).CallWithStack(ctx, stack); err != nil {
			t.Fatalf("%s%v: %v", info.Name, stack, err)
		}
		switch errno := wasi.Errno(stack[0]); errno {
		case wasi.EFAULT, wasi.EINVAL, wasi.ENAMETOOLONG, wasi.EILSEQ:
			if info.Name == "fd_prestat_dir_name" && errno == wasi.ENAMETOOLONG {
				break // decided after asking the System for the name
			}
			if len(fake.calls) > 0 && info.Name != "args_get" && info.Name != "environ_get" {
				t.Errorf("%s: %v but the System was called: %v", info.Name, errno, fake.calls)
			}
			if !reflect.DeepEqual(env.mem(t), before) {
				t.Errorf("%s: %v but memory changed", info.Name, errno)
			}
		}
	})
}
