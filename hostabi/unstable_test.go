package hostabi

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

// The preview 0 ABI suite: testdata/unstable_all.wat re-exports every
// wasi_unstable import. The preview 1 cases of every function whose ABI is
// the same in both snapshots run unchanged against it (same System calls,
// same bytes), and the translated functions have cases of their own in the
// preview 0 layouts.

// unstableTranslated are the functions whose preview 1 cases do not carry
// over: their preview 0 ABI differs (sock_accept does not exist).
var unstableTranslated = map[string]bool{
	"fd_fdstat_get": true, "fd_fdstat_set_rights": true, "fd_filestat_get": true, "fd_seek": true,
	"path_filestat_get": true, "poll_oneoff": true, "sock_accept": true,
}

// p1Rights is a rights value with every bit set, preview 1's sock_accept
// (bit 29) and undefined bits included.
const p1Rights = 0xFFFFFFFFFFFFFFFF

var (
	testFileStat0Bytes = bytes.Join([][]byte{u64(1), u64(2), {3, 0, 0, 0}, u32(4),
		u64(5), u64(6), u64(7), u64(8)}, nil)
)

func unstableCases() []abiCase {
	var cs []abiCase
	for _, c := range abiCases() {
		if !unstableTranslated[c.fn] {
			cs = append(cs, c)
		}
	}
	add := func(c ...abiCase) { cs = append(cs, c...) }

	// fd_fdstat_get: preview 1's layout, rights without bit 29.
	fdstat := abiCase{name: "fd_fdstat_get/ok", fn: "fd_fdstat_get", params: []uint64{3, aOut},
		fake: func(f *fakeSystem) {
			f.fdstat = wasi.FDStat{FileType: wasi.SocketStreamType, Flags: wasi.NonBlock,
				RightsBase: wasi.AllRights, RightsInheriting: wasi.SockAcceptRight | wasi.FDReadRight}
		},
		calls: calls(call("FDStatGet", wasi.FD(3))),
		out: []chunk{at(aOut, []byte{6, 0, 4, 0, 0, 0, 0, 0}, u64(1<<29-1),
			u64(uint64(wasi.FDReadRight)))}}
	add(fdstat)
	add(efaults(fdstat, 1, wasi.FDStatSize, nil)...)
	fdstatErr := fdstat
	fdstatErr.name, fdstatErr.errno, fdstatErr.out = "fd_fdstat_get/ebadf", wasi.EBADF, nil
	fdstatErr.fake = func(f *fakeSystem) { f.fdstat, f.errno = testFDStat, wasi.EBADF }
	add(fdstatErr)

	// fd_fdstat_set_rights: bit 29 and undefined bits are dropped.
	add(abiCase{name: "fd_fdstat_set_rights/ok", fn: "fd_fdstat_set_rights", params: []uint64{3, p1Rights, 2 | 1<<29},
		calls: calls(call("FDStatSetRights", wasi.FD(3), UnstableRights, wasi.Rights(2)))})

	// path_open: the preview 1 cases carry over (their rights are below
	// bit 29); requested rights lose bit 29.
	add(abiCase{name: "path_open/rights_masked", fn: "path_open",
		params: []uint64{3, 0, aPath, 5, 0, p1Rights, uint64(wasi.SockAcceptRight | wasi.FDWriteRight), 0, aOut},
		in:     []chunk{at(aPath, []byte("dir/f"))},
		fake:   func(f *fakeSystem) { f.fd = 9 },
		calls: calls(call("PathOpen", wasi.FD(3), wasi.LookupFlags(0), "dir/f", wasi.OFlags(0),
			UnstableRights, wasi.FDWriteRight, wasi.FDFlags(0))),
		out: []chunk{at(aOut, u32(9))}})

	// fd_filestat_get and path_filestat_get: 56 bytes, nlink u32 at 20.
	filestat := abiCase{name: "fd_filestat_get/ok", fn: "fd_filestat_get", params: []uint64{3, aOut},
		fake:  func(f *fakeSystem) { f.filestat = testFileStat },
		calls: calls(call("FDFileStatGet", wasi.FD(3))),
		out:   []chunk{at(aOut, testFileStat0Bytes)}}
	add(filestat)
	add(efaults(filestat, 1, UnstableFileStatSize, nil)...)
	atEnd := filestat // 56 bytes fit at the very end of memory: 64 would not
	atEnd.name, atEnd.params = "fd_filestat_get/fits_at_end", []uint64{3, memSize - UnstableFileStatSize}
	atEnd.out = []chunk{at(memSize-UnstableFileStatSize, testFileStat0Bytes)}
	add(atEnd)
	manyLinks := filestat
	manyLinks.name = "fd_filestat_get/nlink_saturates"
	manyLinks.fake = func(f *fakeSystem) {
		f.filestat = testFileStat
		f.filestat.NLink = 1<<32 + 5
	}
	manyLinks.out = []chunk{at(aOut, testFileStat0Bytes[:20], u32(0xFFFFFFFF), testFileStat0Bytes[24:])}
	add(manyLinks)
	statErr := filestat
	statErr.name, statErr.errno, statErr.out = "fd_filestat_get/ebadf", wasi.EBADF, nil
	statErr.fake = func(f *fakeSystem) { f.filestat, f.errno = testFileStat, wasi.EBADF }
	add(statErr)

	pstat := abiCase{name: "path_filestat_get/ok", fn: "path_filestat_get",
		params: []uint64{3, 1, aPath, 5, aOut}, in: []chunk{at(aPath, []byte("dir/f"))},
		fake:  func(f *fakeSystem) { f.filestat = testFileStat },
		calls: calls(call("PathFileStatGet", wasi.FD(3), wasi.SymlinkFollow, "dir/f")),
		out:   []chunk{at(aOut, testFileStat0Bytes)}}
	add(pstat)
	add(pathArgCases(pstat, 2)...)
	add(efaults(pstat, 4, UnstableFileStatSize, nil)...)
	pstatEnd := pstat
	pstatEnd.name = "path_filestat_get/fits_at_end"
	pstatEnd.params = with(pstat.params, 4, memSize-UnstableFileStatSize)
	pstatEnd.out = []chunk{at(memSize-UnstableFileStatSize, testFileStat0Bytes)}
	add(pstatEnd)

	// fd_seek: CUR=0, END=1, SET=2; anything else is invalid in both
	// snapshots and reaches the System as is.
	seek := abiCase{name: "fd_seek/ok", fn: "fd_seek", params: []uint64{3, s64(-5), 0, aOut},
		fake:  func(f *fakeSystem) { f.offset = 1<<40 + 3 },
		calls: calls(call("FDSeek", wasi.FD(3), wasi.FileDelta(-5), wasi.WhenceCur)),
		out:   []chunk{at(aOut, u64(1<<40+3))}}
	add(seek)
	for w, want := range map[uint64]wasi.Whence{1: wasi.WhenceEnd, 2: wasi.WhenceSet} {
		c := seek
		c.name = fmt.Sprintf("fd_seek/whence_%d_%s", w, want)
		c.params = with(seek.params, 2, w)
		c.calls = calls(call("FDSeek", wasi.FD(3), wasi.FileDelta(-5), want))
		add(c)
	}
	bad := variant(seek, "whence_3", 2, 3, wasi.EINVAL, calls(call("FDSeek", wasi.FD(3), wasi.FileDelta(-5), wasi.Whence(3))))
	bad.fake = func(f *fakeSystem) { f.errno = wasi.EINVAL }
	add(bad, variant(seek, "whence_too_wide", 2, 0x100, wasi.EINVAL, nil))
	add(efaults(seek, 3, 8, nil)...)

	return append(cs, unstablePollCases()...)
}

// sub0Clock encodes a preview 0 clock subscription.
func sub0Clock(userdata, identifier uint64, id wasi.ClockID, timeout, precision uint64, flags uint16, pad func(int) []byte) []byte {
	return bytes.Join([][]byte{u64(userdata), {0}, pad(7), u64(identifier), u32(uint32(id)), pad(4),
		u64(timeout), u64(precision), u16(flags), pad(6)}, nil)
}

func unstablePollCases() []abiCase {
	pad := func(n int) []byte { return bytes.Repeat([]byte{0xEE}, n) } // garbage the decoder must ignore
	subs := at(aIn,
		// clock: userdata 1, identifier 0x77.., monotonic, timeout 1000, precision 10, abstime
		sub0Clock(1, 0x7777777777777777, wasi.Monotonic, 1000, 10, 1, pad),
		// fd_read on fd 5, userdata 2
		u64(2), []byte{1}, pad(7), u32(5), pad(36),
		// fd_write on fd 6, userdata 3
		u64(3), []byte{2}, pad(7), u32(6), pad(36))
	decoded := []wasi.Subscription{
		{UserData: 1, EventType: wasi.ClockEvent, ClockID: wasi.Monotonic, Timeout: 1000, Precision: 10,
			Flags: wasi.SubscriptionClockAbstime},
		{UserData: 2, EventType: wasi.FDReadEvent, FD: 5},
		{UserData: 3, EventType: wasi.FDWriteEvent, FD: 6},
	}
	ev := wasi.Event{UserData: 2, Errno: wasi.EBADF, EventType: wasi.FDReadEvent, NBytes: 9,
		Flags: wasi.FDReadWriteHangup}
	evBytes := bytes.Join([][]byte{u64(2), u16(uint16(wasi.EBADF)), {1, 0}, u32(0), u64(9), u16(1), zeros(6)}, nil)
	poll := abiCase{name: "poll_oneoff/ok", fn: "poll_oneoff", params: []uint64{aIn, aOut, 3, aOut + 0x100},
		in:    []chunk{subs},
		fake:  func(f *fakeSystem) { f.events = []wasi.Event{ev} },
		calls: calls(call("PollOneOff", decoded, 3)),
		out:   []chunk{at(aOut, evBytes), at(aOut+0x100, u32(1))}}
	cs := []abiCase{poll}
	for _, n := range []uint64{0, MaxPollSubscriptions + 1, 1 << 31, 0xFFFFFFFF} {
		cs = append(cs, variant(poll, fmt.Sprintf("nsubscriptions_%#x", n), 2, n, wasi.EINVAL, nil))
	}
	// The array must hold 3*56 bytes, not 3*48: a pointer where only the
	// preview 1 size would fit is EFAULT.
	cs = append(cs, efaults(poll, 0, 3*UnstableSubscriptionSize, nil)...)
	cs = append(cs, variant(poll, "efault_in_preview1_size_fits", 0, memSize-3*wasi.SubscriptionSize, wasi.EFAULT, nil))
	cs = append(cs, efaults(poll, 1, 3*wasi.EventSize, nil)...)
	cs = append(cs, efaults(poll, 3, 4, nil)...)
	lying := poll
	lying.name = "poll_oneoff/nevents_clamped"
	lying.fake = func(f *fakeSystem) { f.events, f.nevents = []wasi.Event{ev, ev, ev}, new(99) }
	lying.out = []chunk{at(aOut, evBytes, evBytes, evBytes), at(aOut+0x100, u32(3))}
	failed := poll
	failed.name, failed.errno, failed.out = "poll_oneoff/system_error", wasi.EINTR, nil
	failed.fake = func(f *fakeSystem) { f.events, f.errno = []wasi.Event{ev}, wasi.EINTR }
	overlap := poll
	overlap.name, overlap.params = "poll_oneoff/overlapping_in_out", []uint64{aIn, aIn, 3, aOut + 0x100}
	overlap.out = []chunk{at(aIn, evBytes), at(aOut+0x100, u32(1))}
	// An unknown tag is kept for the System to reject; nothing but the
	// userdata and tag is decoded.
	unknown := poll
	unknown.name, unknown.params = "poll_oneoff/unknown_tag", []uint64{aIn, aOut, 1, aOut + 0x100}
	unknown.in = []chunk{at(aIn, u64(9), []byte{3}, pad(47))}
	unknown.calls = calls(call("PollOneOff", []wasi.Subscription{{UserData: 9, EventType: 3}}, 1))
	most := poll
	most.name = "poll_oneoff/max_subscriptions"
	most.params = []uint64{0x8000, 0x40000, MaxPollSubscriptions, aOut} // 0x8000+4096*56 = 0x40000; 0x40000+4096*32 = memSize
	most.in = []chunk{at(0x8000, zeros(MaxPollSubscriptions*UnstableSubscriptionSize))}
	most.calls = calls(call("PollOneOff", make([]wasi.Subscription, MaxPollSubscriptions), MaxPollSubscriptions))
	most.out = []chunk{at(0x40000, evBytes), at(aOut, u32(1))}
	return append(cs, lying, failed, overlap, unknown, most)
}

// runABICases runs cases against env, whose guest re-exports the host
// functions, over fake (as TestABI does).
func runABICases(t *testing.T, env *guestEnv, fake *fakeSystem, cases []abiCase) {
	ctx := t.Context()
	seen := map[string]bool{}
	for _, tc := range cases {
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

// TestUnstableABI runs every preview 0 case against unstable_all.wat:
// exact System calls, exact bytes written, nothing else touched.
func TestUnstableABI(t *testing.T) {
	fake := &fakeSystem{}
	env := newGuestEnv(t, t.Context(), fake, "unstable_all")
	runABICases(t, env, fake, unstableCases())
}

// TestUnstableABICoverage checks that the preview 0 suite has a success
// case for each of the 45 functions (proc_exit has TestUnstableProcExit)
// and an EFAULT case for each function that takes a pointer.
func TestUnstableABICoverage(t *testing.T) {
	ok, efault := map[string]bool{}, map[string]bool{}
	for _, c := range unstableCases() {
		if c.fn == "sock_accept" {
			t.Errorf("case %s: preview 0 has no sock_accept", c.name)
		}
		if strings.HasSuffix(c.name, "/ok") && c.errno == 0 {
			ok[c.fn] = true
		}
		if c.errno == wasi.EFAULT {
			efault[c.fn] = true
		}
	}
	ok["proc_exit"] = true
	for _, f := range UnstableFunctions() {
		if !ok[f.Name] {
			t.Errorf("no success case for %s", f.Name)
		}
		if takesPointer(f) && !efault[f.Name] {
			t.Errorf("no EFAULT case for %s", f.Name)
		}
	}
}

// TestUnstableFunctionsTable checks the preview 0 table against the order
// of wasi_unstable.witx (preview 1's without sock_accept) and preview 1's
// signatures, groups and rights.
func TestUnstableFunctionsTable(t *testing.T) {
	p0 := UnstableFunctions()
	wantOrder := slices.DeleteFunc(slices.Clone(specOrder), func(n string) bool { return n == "sock_accept" })
	var names []string
	for _, f := range p0 {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, wantOrder) {
		t.Fatalf("order:\n got %v\nwant %v", names, wantOrder)
	}
	p1 := map[string]FuncInfo{}
	for _, f := range Functions() {
		p1[f.Name] = f
	}
	for _, f := range p0 {
		g := p1[f.Name]
		if !slices.Equal(f.ParamTypes, g.ParamTypes) || !slices.Equal(f.ResultTypes, g.ResultTypes) ||
			!slices.Equal(f.ParamNames, g.ParamNames) || f.Group != g.Group || f.Rights != g.Rights {
			t.Errorf("%s differs from preview 1: %+v vs %+v", f.Name, f, g)
		}
		if f.Rights&^UnstableRights != 0 {
			t.Errorf("%s: rights %v outside preview 0", f.Name, f.Rights)
		}
	}
	if UnstableRights != 1<<29-1 {
		t.Errorf("UnstableRights = %#x", uint64(UnstableRights))
	}
}

// TestUnstableProcExit: proc_exit under wasi_unstable ends the guest with
// its exit code, as under preview 1.
func TestUnstableProcExit(t *testing.T) {
	ctx := t.Context()
	fake := &fakeSystem{}
	env := newGuestEnv(t, ctx, fake, "unstable_all")
	_, err := env.call(t, ctx, "proc_exit", 42)
	var exit *sys.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 42 {
		t.Fatalf("err = %v, want exit code 42", err)
	}
	if want := calls(call("ProcExit", wasi.ExitCode(42))); !reflect.DeepEqual(fake.calls, want) {
		t.Errorf("calls = %v, want %v", fake.calls, want)
	}
}

// TestUnstableInstantiate checks when the wasi_unstable module exists:
// only for a guest that imports from it, next to preview 1, and the closer
// Instantiate returns removes both.
func TestUnstableInstantiate(t *testing.T) {
	ctx := t.Context()
	for _, tc := range []struct {
		name, wat string
		want      bool
	}{
		{"preview1_only", `(module (import "wasi_snapshot_preview1" "sched_yield" (func (result i32))))`, false},
		{"unstable_only", `(module (import "wasi_unstable" "sched_yield" (func (result i32))))`, true},
		{"both", `(module (import "wasi_unstable" "sched_yield" (func (result i32)))
			(import "wasi_snapshot_preview1" "sched_yield" (func (result i32))))`, true},
		{"no_imports", `(module)`, false},
		{"nil_guest", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := wazero.NewRuntime(ctx)
			defer r.Close(ctx)
			var guest wazero.CompiledModule
			if tc.wat != "" {
				var err error
				if guest, err = r.CompileModule(ctx, watBytes(t, tc.wat)); err != nil {
					t.Fatal(err)
				}
			}
			closer, err := Instantiate(ctx, r, &fakeSystem{}, guest)
			if err != nil {
				t.Fatal(err)
			}
			if r.Module(ModuleName) == nil {
				t.Errorf("%s not instantiated", ModuleName)
			}
			if got := r.Module(UnstableModuleName) != nil; got != tc.want {
				t.Errorf("%s instantiated = %v, want %v", UnstableModuleName, got, tc.want)
			}
			if guest != nil {
				mod, err := r.InstantiateModule(ctx, guest, wazero.NewModuleConfig())
				if err != nil {
					t.Fatalf("guest does not link: %v", err)
				}
				mod.Close(ctx)
			}
			if err := closer.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if r.Module(ModuleName) != nil || r.Module(UnstableModuleName) != nil {
				t.Error("host modules left after Close")
			}
		})
	}
}

// TestUnstableInstantiateRefusesSockAccept: a preview 0 guest importing
// sock_accept does not link (preview 0 has none), and neither does one
// whose import signature differs from the witx.
func TestUnstableInstantiateRefusesSockAccept(t *testing.T) {
	ctx := t.Context()
	for _, wat := range []string{
		`(module (import "wasi_unstable" "sock_accept" (func (param i32 i32 i32) (result i32))))`,
		`(module (import "wasi_unstable" "fd_seek" (func (param i32 i32 i32 i32) (result i32))))`,
	} {
		r := wazero.NewRuntime(ctx)
		guest, err := r.CompileModule(ctx, watBytes(t, wat))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Instantiate(ctx, r, &fakeSystem{}, guest); err != nil {
			t.Fatal(err)
		}
		if _, err := r.InstantiateModule(ctx, guest, wazero.NewModuleConfig()); err == nil {
			t.Errorf("%s linked", wat)
		}
		r.Close(ctx)
	}
}

// TestUnstableMixed runs testdata/unstable_mixed.wat, which imports
// fd_seek, fd_filestat_get and poll_oneoff from both snapshots: each
// import keeps its own ABI, over one System.
func TestUnstableMixed(t *testing.T) {
	ctx := t.Context()
	fake := &fakeSystem{}
	env := newGuestEnv(t, ctx, fake, "unstable_mixed")
	fake.filestat = testFileStat
	fake.offset = 7
	mem := env.mem(t)
	fillPattern(mem)
	for _, c := range []struct {
		fn    string
		want  wasi.Whence
		label string
	}{{"p0_fd_seek", wasi.WhenceCur, "p0 whence 0"}, {"p1_fd_seek", wasi.WhenceSet, "p1 whence 0"}} {
		fake.calls = nil
		if errno, err := env.call(t, ctx, c.fn, 3, 0, 0, aOut); err != nil || errno != 0 {
			t.Fatalf("%s: %v %v", c.fn, errno, err)
		}
		want := calls(call("FDSeek", wasi.FD(3), wasi.FileDelta(0), c.want))
		if !reflect.DeepEqual(fake.calls, want) {
			t.Errorf("%s: calls %v, want %v", c.label, fake.calls, want)
		}
	}
	fillPattern(mem)
	if errno, err := env.call(t, ctx, "p0_fd_filestat_get", 3, aOut); err != nil || errno != 0 {
		t.Fatalf("p0_fd_filestat_get: %v %v", errno, err)
	}
	if errno, err := env.call(t, ctx, "p1_fd_filestat_get", 3, aOut+0x100); err != nil || errno != 0 {
		t.Fatalf("p1_fd_filestat_get: %v %v", errno, err)
	}
	mem = env.mem(t)
	if got := mem[aOut : aOut+UnstableFileStatSize]; !bytes.Equal(got, testFileStat0Bytes) {
		t.Errorf("preview 0 filestat:\n got % x\nwant % x", got, testFileStat0Bytes)
	}
	if mem[aOut+UnstableFileStatSize] != byte((aOut+UnstableFileStatSize)%251)+1 {
		t.Error("preview 0 filestat wrote past 56 bytes")
	}
	if got := mem[aOut+0x100 : aOut+0x100+wasi.FileStatSize]; !bytes.Equal(got, testFileStatBytes) {
		t.Errorf("preview 1 filestat:\n got % x\nwant % x", got, testFileStatBytes)
	}
	// The two poll_oneoff read the same clock subscription in their own
	// layouts: the preview 0 one at aIn, the preview 1 one at aIn+0x100.
	copy(mem[aIn:], sub0Clock(1, 99, wasi.Monotonic, 5, 0, 0, zeros))
	copy(mem[aIn+0x100:], bytes.Join([][]byte{u64(1), zeros(8), u32(1), zeros(4), u64(5), zeros(16)}, nil))
	for _, fn := range []string{"p0_poll_oneoff", "p1_poll_oneoff"} {
		fake.calls, fake.events = nil, nil
		in := uint64(aIn)
		if fn == "p1_poll_oneoff" {
			in += 0x100
		}
		if errno, err := env.call(t, ctx, fn, in, aOut, 1, aOut+0x200); err != nil || errno != 0 {
			t.Fatalf("%s: %v %v", fn, errno, err)
		}
		want := calls(call("PollOneOff", []wasi.Subscription{{UserData: 1, EventType: wasi.ClockEvent,
			ClockID: wasi.Monotonic, Timeout: 5}}, 1))
		if !reflect.DeepEqual(fake.calls, want) {
			t.Errorf("%s: calls %v, want %v", fn, fake.calls, want)
		}
	}
}

// TestUnstableHostile calls every preview 0 function with hostile
// arguments (random-looking values, pointers at and past the end of
// memory, all-ones) and checks that none panics or traps; the guest keeps
// running. The fuzz test covers the same ground for preview 1.
func TestUnstableHostile(t *testing.T) {
	ctx := t.Context()
	fake := &fakeSystem{}
	env := newGuestEnv(t, ctx, fake, "unstable_all")
	values := []uint64{0, 1, 3, 55, 56, memSize - 56, memSize - 1, memSize, 1 << 31, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF}
	for _, f := range UnstableFunctions() {
		if f.Name == "proc_exit" {
			continue
		}
		for i, v := range values {
			params := make([]uint64, len(f.ParamTypes))
			for k, typ := range f.ParamTypes {
				x := values[(i+k*3)%len(values)]
				if k == 0 {
					x = v
				}
				if typ == api.ValueTypeI32 {
					x = uint64(uint32(x))
				}
				params[k] = x
			}
			*fake = fakeSystem{}
			if _, err := env.call(t, ctx, f.Name, params...); err != nil {
				t.Errorf("%s%v: %v", f.Name, params, err)
			}
		}
	}
}

// TestUnstableRealSystem runs the translated functions under
// wasi_unstable over unix.System on a real file: the kernel's answers come
// back in the preview 0 encodings.
func TestUnstableRealSystem(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(filepath.Join(dir, "f"), filepath.Join(dir, "g")); err != nil {
		t.Fatal(err)
	}
	var hostStat syscall.Stat_t
	if err := syscall.Stat(filepath.Join(dir, "f"), &hostStat); err != nil {
		t.Fatal(err)
	}
	s, err := unix.New(unix.Config{Args: []string{"p0"}, Stdin: -1, Stdout: -1, Stderr: -1,
		Preopens: []unix.Preopen{{HostPath: dir, GuestPath: "/"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	env := newGuestEnv(t, ctx, s, "unstable_all")
	mem := env.mem(t)
	fillPattern(mem)
	must := func(fn string, params ...uint64) {
		t.Helper()
		errno, err := env.call(t, ctx, fn, params...)
		if err != nil || errno != wasi.ESUCCESS {
			t.Fatalf("%s%v: %v %v", fn, params, errno, err)
		}
	}
	le := binary.LittleEndian

	copy(mem[aPath:], "f")
	must("path_open", 3, 0, aPath, 1, 0, 1<<29-1, 0, 0, aOut)
	fd := uint64(le.Uint32(mem[aOut:]))

	// fd_seek with each preview 0 whence: SET=2, CUR=0, END=1.
	for _, c := range []struct {
		off    int64
		whence uint64
		want   uint64
	}{{4, 2, 4}, {2, 0, 6}, {-1, 1, 9}, {0, 0, 9}} {
		must("fd_seek", fd, s64(c.off), c.whence, aOut)
		if got := le.Uint64(mem[aOut:]); got != c.want {
			t.Errorf("fd_seek(%d, whence %d) = %d, want %d", c.off, c.whence, got, c.want)
		}
	}
	must("fd_tell", fd, aOut)
	if got := le.Uint64(mem[aOut:]); got != 9 {
		t.Errorf("fd_tell = %d, want 9", got)
	}

	// fd_filestat_get and path_filestat_get ("g", the second link):
	// nlink is a u32 at 20, size a u64 at 24, and byte 56 is untouched.
	copy(mem[aPath:], "g")
	for _, st := range []struct {
		fn     string
		params []uint64
	}{{"fd_filestat_get", []uint64{fd, aOut}}, {"path_filestat_get", []uint64{3, 0, aPath, 1, aOut}}} {
		fillPattern(mem)
		copy(mem[aPath:], "g")
		must(st.fn, st.params...)
		b := mem[aOut:]
		if got := le.Uint64(b[8:]); got != hostStat.Ino {
			t.Errorf("%s: ino %d, want %d", st.fn, got, hostStat.Ino)
		}
		if !bytes.Equal(b[16:20], []byte{byte(wasi.RegularFileType), 0, 0, 0}) {
			t.Errorf("%s: filetype and padding % x", st.fn, b[16:20])
		}
		if got := le.Uint32(b[20:]); got != 2 {
			t.Errorf("%s: nlink %d at offset 20, want 2", st.fn, got)
		}
		if got := le.Uint64(b[24:]); got != 10 {
			t.Errorf("%s: size %d at offset 24, want 10", st.fn, got)
		}
		if got := le.Uint64(b[40:]); got != uint64(hostStat.Mtim.Nano()) {
			t.Errorf("%s: mtim %d at offset 40, want %d", st.fn, got, hostStat.Mtim.Nano())
		}
		if want := byte((aOut+UnstableFileStatSize)%251) + 1; b[UnstableFileStatSize] != want {
			t.Errorf("%s wrote past 56 bytes", st.fn)
		}
	}

	must("fd_fdstat_get", fd, aOut)
	if base := le.Uint64(mem[aOut+8:]); base&^(1<<29-1) != 0 || base&uint64(wasi.FDSeekRight) == 0 {
		t.Errorf("fd_fdstat_get: rights base %#x", base)
	}

	// poll_oneoff: a relative 1 ms monotonic clock (identifier set) and
	// fd_read on the file, which is always ready.
	copy(mem[aIn:], sub0Clock(7, 0xABCDEF, wasi.Monotonic, 1e6, 0, 0, zeros))
	copy(mem[aIn+UnstableSubscriptionSize:], bytes.Join([][]byte{u64(8), {1}, zeros(7), u32(uint32(fd)), zeros(36)}, nil))
	must("poll_oneoff", aIn, aData, 2, aOut)
	n := le.Uint32(mem[aOut:])
	if n < 1 || n > 2 {
		t.Fatalf("poll_oneoff: %d events", n)
	}
	var sawRead bool
	for i := range n {
		var ev wasi.Event
		ev.Get(mem[aData+i*wasi.EventSize:])
		if ev.Errno != 0 {
			t.Errorf("event %+v has an error", ev)
		}
		if ev.UserData == 8 && ev.EventType == wasi.FDReadEvent {
			sawRead = true
		}
	}
	if !sawRead {
		t.Error("no fd_read event for the file")
	}
	must("poll_oneoff", aIn, aData, 1, aOut)
	var ev wasi.Event
	ev.Get(mem[aData:])
	if n := le.Uint32(mem[aOut:]); n != 1 || ev.UserData != 7 || ev.EventType != wasi.ClockEvent || ev.Errno != 0 {
		t.Errorf("clock poll: %d events, first %+v", n, ev)
	}
}

// TestUnstableTranslationsDoNotAllocate: the translated preview 0
// handlers allocate nothing per call once the scratch space has grown,
// like their preview 1 counterparts (poll_oneoff is a hot path).
func TestUnstableTranslationsDoNotAllocate(t *testing.T) {
	ctx := t.Context()
	env := newGuestEnv(t, ctx, silentStats{newBenchFake()}, "unstable_all")
	copy(env.mem(t)[aIn:], sub0Clock(42, 1, wasi.Monotonic, 0, 0, 0, zeros))
	for _, c := range []struct {
		fn     string
		params []uint64
	}{
		{"poll_oneoff", []uint64{aIn, aOut, 1, aOut + 0x100}},
		{"fd_seek", []uint64{3, s64(-1), 1, aOut}},
		{"fd_filestat_get", []uint64{3, aOut}},
		{"fd_fdstat_get", []uint64{3, aOut}},
	} {
		f := env.mod.ExportedFunction(c.fn)
		stack := make([]uint64, len(c.params))
		call := func() {
			copy(stack, c.params)
			if err := f.CallWithStack(ctx, stack); err != nil || stack[0] != 0 {
				t.Fatalf("%s: errno %d, %v", c.fn, stack[0], err)
			}
		}
		call() // grows the scratch space
		if allocs := testing.AllocsPerRun(100, call); allocs != 0 {
			t.Errorf("%s: %v allocations per call", c.fn, allocs)
		}
	}
}

// silentStats is the quiet fake whose stat and seek methods, which the
// fake records even when quiet, answer without recording, so that only
// the host's own allocations are counted.
type silentStats struct{ *fakeSystem }

func (s silentStats) FDStatGet(context.Context, wasi.FD) (wasi.FDStat, wasi.Errno) {
	return testFDStat, 0
}

func (s silentStats) FDFileStatGet(context.Context, wasi.FD) (wasi.FileStat, wasi.Errno) {
	return testFileStat, 0
}

func (s silentStats) FDSeek(context.Context, wasi.FD, wasi.FileDelta, wasi.Whence) (wasi.FileSize, wasi.Errno) {
	return 7, 0
}

// FuzzUnstableABI is FuzzABI for wasi_unstable: arbitrary arguments and
// memory, nothing may panic, and a call the host rejects itself reaches no
// System and changes no memory. The seeds are the preview 0 suite's cases.
func FuzzUnstableABI(f *testing.F) {
	fns := UnstableFunctions()
	index := map[string]int{}
	for i, fn := range fns {
		index[fn.Name] = i
	}
	for _, c := range unstableCases() {
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
	env := newGuestEnv(f, ctx, fake, "unstable_all")
	f.Fuzz(func(t *testing.T, fn uint8, params, data []byte) {
		info := fns[int(fn)%len(fns)]
		if info.Name == "proc_exit" {
			return // closes the module: TestUnstableProcExit
		}
		stack := make([]uint64, max(len(info.ParamTypes), 1))
		for i, typ := range info.ParamTypes {
			if len(params) >= 8*(i+1) {
				stack[i] = binary.LittleEndian.Uint64(params[8*i:])
				if typ == api.ValueTypeI32 {
					stack[i] = uint64(uint32(stack[i])) // as wasm passes an i32
				}
			}
		}
		*fake = fakeSystem{
			args: []string{"prog", "x"}, environ: []string{"A=b"}, dirName: "/d",
			data: []byte("fuzzed data"), events: []wasi.Event{{UserData: 1}},
			filestat: wasi.FileStat{NLink: 1 << 40},
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
