package hostabi

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// WASI preview 0, the 2019 snapshot imported as "wasi_unstable"
// (WebAssembly/WASI phases/old/snapshot_0/witx): older Rust, clang,
// wasi-libc and AssemblyScript builds still import it. The host module of
// that name serves the same System as preview 1. Most functions have the
// same ABI in both snapshots and are the preview 1 handlers themselves; the
// others are thin translations, so the System (and the guard, policy and
// trace layers around it) sees exactly the calls a preview 1 guest meaning
// the same thing would make. The differences, with their sources, are in
// RATIONALE.md ("wasi_unstable (preview 0)"):
//
//   - whence is CUR=0, END=1, SET=2 (fd_seek);
//   - filestat is 56 bytes: nlink is a u32 at offset 20, and size, atim,
//     mtim and ctim follow at 24, 32, 40 and 48 (fd_filestat_get,
//     path_filestat_get);
//   - a clock subscription carries an 8-byte identifier before the clock
//     id, so subscriptions are 56 bytes (poll_oneoff);
//   - rights stop at sock_shutdown (bit 28): bit 29, preview 1's
//     sock_accept, is not a preview 0 right (fd_fdstat_get,
//     fd_fdstat_set_rights, path_open);
//   - there is no sock_accept.

// UnstableModuleName is the import module name of WASI preview 0.
const UnstableModuleName = "wasi_unstable"

// Sizes of the preview 0 structs that differ from preview 1, in guest
// memory.
const (
	// UnstableFileStatSize is the size of a preview 0 filestat: nlink is
	// a u32, so the record is 8 bytes shorter than preview 1's.
	UnstableFileStatSize = 56
	// UnstableSubscriptionSize is the size of a preview 0 subscription:
	// the clock variant has an 8-byte identifier first.
	UnstableSubscriptionSize = 56
)

// UnstableRights is every right defined by preview 0: preview 1's less
// sock_accept, which preview 1 added as bit 29.
const UnstableRights = wasi.AllRights &^ wasi.SockAcceptRight

// UnstableFunctions returns the table of preview 0 host functions in the
// order of wasi_unstable.witx (45 entries: preview 1's without
// sock_accept). Signatures, groups and rights are those of the preview 1
// functions of the same names, which the witx files of both snapshots
// agree on. The result is a fresh copy: changing it changes nothing.
func UnstableFunctions() []FuncInfo {
	t := unstableTable()
	for i := range t {
		t[i].impl = nil
	}
	return t
}

// unstableTable is table() with sock_accept dropped and the handlers of
// the functions whose ABI changed between the snapshots replaced.
func unstableTable() []FuncInfo {
	t := table()
	out := t[:0]
	for _, f := range t {
		switch f.Name {
		case "sock_accept":
			continue // added by preview 1
		case "fd_fdstat_get":
			f.impl = (*host).fdFdstatGet0
		case "fd_fdstat_set_rights":
			f.impl = (*host).fdFdstatSetRights0
		case "fd_filestat_get":
			f.impl = (*host).fdFilestatGet0
		case "fd_seek":
			f.impl = (*host).fdSeek0
		case "path_filestat_get":
			f.impl = (*host).pathFilestatGet0
		case "path_open":
			f.impl = (*host).pathOpen0
		case "poll_oneoff":
			f.impl = (*host).pollOneoff0
		}
		out = append(out, f)
	}
	return out
}

// importsModule reports whether guest imports any function from module.
func importsModule(guest wazero.CompiledModule, module string) bool {
	if guest == nil {
		return false
	}
	for _, d := range guest.ImportedFunctions() {
		if mod, _, _ := d.Import(); mod == module {
			return true
		}
	}
	return false
}

// instantiateUnstable instantiates the wasi_unstable host module next to
// p1, the instantiated preview 1 module, when guest imports from it, and
// returns what closes both. It shares h with preview 1: the two modules
// serve one guest instance, whose host calls never run concurrently with
// each other, so the scratch space and pacing state can be shared. A guest
// that does not import wasi_unstable gets p1 alone, as before preview 0
// existed. On error p1 is closed.
func (h *host) instantiateUnstable(ctx context.Context, r wazero.Runtime, guest wazero.CompiledModule, p1 api.Module) (api.Closer, error) {
	if !importsModule(guest, UnstableModuleName) {
		return p1, nil
	}
	b := r.NewHostModuleBuilder(UnstableModuleName)
	h.registerFuncs(b, unstableTable())
	p0, err := b.Instantiate(ctx)
	if err != nil {
		p1.Close(ctx)
		return nil, fmt.Errorf("hostabi: instantiate %s: %w", UnstableModuleName, err)
	}
	return hostModules{p1, p0}, nil
}

// hostModules closes several host modules, the last instantiated first.
type hostModules []api.Module

// Close closes every module and returns their errors joined.
func (ms hostModules) Close(ctx context.Context) error {
	var errs []error
	for i := len(ms) - 1; i >= 0; i-- {
		if err := ms[i].Close(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// fdFdstatGet0 implements preview 0's fd_fdstat_get(fd, result.stat) ->
// errno: the 24-byte fdstat of preview 1 with the rights limited to
// UnstableRights, since bit 29 means nothing to a preview 0 guest.
func (h *host) fdFdstatGet0(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	out, ok := h.memoryOf(mod).slice(arg32(stack, 1), wasi.FDStatSize)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	st, errno := h.sys.FDStatGet(ctx, argFD(stack, 0))
	if errno == wasi.ESUCCESS {
		st.RightsBase &= UnstableRights
		st.RightsInheriting &= UnstableRights
		st.Put(out)
	}
	ret(stack, errno)
}

// fdFdstatSetRights0 implements preview 0's fd_fdstat_set_rights(fd,
// fs_rights_base, fs_rights_inheriting) -> errno. Bits outside
// UnstableRights are undefined in preview 0 and are dropped, as the System
// drops the bits preview 1 leaves undefined: preview 0 cannot name
// sock_accept, so it cannot keep it either (wasmtime's preview 0 layer
// converts rights the same way).
func (h *host) fdFdstatSetRights0(ctx context.Context, mod api.Module, stack []uint64) {
	stack[1] &= uint64(UnstableRights)
	stack[2] &= uint64(UnstableRights)
	h.fdFdstatSetRights(ctx, mod, stack)
}

// pathOpen0 implements preview 0's path_open: preview 1's, with the
// requested rights limited to UnstableRights (see fdFdstatSetRights0).
func (h *host) pathOpen0(ctx context.Context, mod api.Module, stack []uint64) {
	stack[5] &= uint64(UnstableRights)
	stack[6] &= uint64(UnstableRights)
	h.pathOpen(ctx, mod, stack)
}

// unstableWhence maps preview 0's whence (CUR=0, END=1, SET=2) to preview
// 1's (SET=0, CUR=1, END=2).
var unstableWhence = [3]uint64{uint64(wasi.WhenceCur), uint64(wasi.WhenceEnd), uint64(wasi.WhenceSet)}

// fdSeek0 implements preview 0's fd_seek(fd, offset, whence,
// result.newoffset) -> errno. The three preview 0 values are renumbered;
// any other value is invalid in both snapshots and goes on unchanged, so
// that preview 1's handler rejects it exactly as it rejects its own
// (EINVAL past a u8, the System's EINVAL otherwise).
func (h *host) fdSeek0(ctx context.Context, mod api.Module, stack []uint64) {
	if w := uint32(stack[2]); w < uint32(len(unstableWhence)) {
		stack[2] = unstableWhence[w]
	}
	h.fdSeek(ctx, mod, stack)
}

// fdFilestatGet0 implements preview 0's fd_filestat_get(fd, result.buf)
// -> errno, writing a 56-byte preview 0 filestat.
func (h *host) fdFilestatGet0(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	out, ok := h.memoryOf(mod).slice(arg32(stack, 1), UnstableFileStatSize)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	st, errno := h.sys.FDFileStatGet(ctx, argFD(stack, 0))
	if errno == wasi.ESUCCESS {
		putFileStat0(out, &st)
	}
	ret(stack, errno)
}

// pathFilestatGet0 implements preview 0's path_filestat_get(fd, flags,
// path, path_len, result.buf) -> errno, writing a 56-byte preview 0
// filestat. Checks come in preview 1's order.
func (h *host) pathFilestatGet0(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	m := h.memoryOf(mod)
	out, ok := m.slice(arg32(stack, 4), UnstableFileStatSize)
	if !ok {
		ret(stack, wasi.EFAULT)
		return
	}
	p, errno := m.path(arg32(stack, 2), arg32(stack, 3))
	if errno == wasi.ESUCCESS {
		var st wasi.FileStat
		st, errno = h.sys.PathFileStatGet(ctx, argFD(stack, 0), wasi.LookupFlags(arg32(stack, 1)), p)
		if errno == wasi.ESUCCESS {
			putFileStat0(out, &st)
		}
	}
	ret(stack, errno)
}

// putFileStat0 encodes s into b[:UnstableFileStatSize] in the preview 0
// layout, padding zeroed:
//
//	dev      u64 @0
//	ino      u64 @8
//	filetype u8  @16
//	nlink    u32 @20
//	size     u64 @24
//	atim     u64 @32
//	mtim     u64 @40
//	ctim     u64 @48
//
// A link count past 2^32-1 saturates, as in wasmtime.
func putFileStat0(b []byte, s *wasi.FileStat) {
	_ = b[UnstableFileStatSize-1]
	le.PutUint64(b[0:], s.Dev)
	le.PutUint64(b[8:], s.Ino)
	le.PutUint32(b[16:], uint32(s.FileType)) // filetype u8 + 3 bytes padding
	le.PutUint32(b[20:], uint32(min(s.NLink, math.MaxUint32)))
	le.PutUint64(b[24:], s.Size)
	le.PutUint64(b[32:], s.ATime)
	le.PutUint64(b[40:], s.MTime)
	le.PutUint64(b[48:], s.CTime)
}

// getSubscription0 decodes b[:UnstableSubscriptionSize], a preview 0
// subscription, into s, as wasi.Subscription.Get does for preview 1:
//
//	userdata  u64 @0
//	tag       u8  @8  (eventtype)
//	clock:    identifier u64 @16 (ignored), id u32 @24, timeout u64 @32,
//	          precision u64 @40, flags u16 @48
//	fd_rw:    file_descriptor u32 @16
//
// The identifier has no counterpart in preview 1 and no effect: events
// carry the subscription's userdata, and wasmtime drops it too. Fields that
// do not belong to the tag are zero; an unknown tag is kept for the System
// to reject in its event.
func getSubscription0(s *wasi.Subscription, b []byte) {
	_ = b[UnstableSubscriptionSize-1]
	*s = wasi.Subscription{UserData: le.Uint64(b[0:]), EventType: wasi.EventType(b[8])}
	switch s.EventType {
	case wasi.ClockEvent:
		s.ClockID = wasi.ClockID(le.Uint32(b[24:]))
		s.Timeout = le.Uint64(b[32:])
		s.Precision = le.Uint64(b[40:])
		s.Flags = wasi.SubClockFlags(le.Uint16(b[48:]))
	case wasi.FDReadEvent, wasi.FDWriteEvent:
		s.FD = wasi.FD(le.Uint32(b[16:]))
	}
}

// pollOneoff0 implements preview 0's poll_oneoff(in, out, nsubscriptions,
// result.nevents) -> errno: preview 1's (same caps, same checks before any
// side effect, same scratch space, no allocation once it has grown) with
// 56-byte subscriptions. Events have the same 32-byte layout in both
// snapshots.
func (h *host) pollOneoff0(ctx context.Context, mod api.Module, stack []uint64) {
	h.poll(ctx, mod, stack, UnstableSubscriptionSize, getSubscription0)
}
