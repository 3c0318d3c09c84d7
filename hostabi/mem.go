package hostabi

import (
	"bytes"
	"encoding/binary"
	"math"
	"reflect"
	"unicode/utf8"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

var le = binary.LittleEndian

// memory is the calling module's linear memory for the duration of one host
// call. It aliases the guest's buffer: wazero replaces the buffer only when
// the memory grows, and nothing grows it while a host function runs (shared
// memories never move), so slices taken from it stay valid until the host
// function returns.
type memory []byte

// memoryOf returns the linear memory of mod, or nil when it has none (every
// non-empty range is then EFAULT).
func (h *host) memoryOf(mod api.Module) memory {
	if mod != h.mod {
		h.mod, h.mem = mod, memoryIface(mod)
	}
	m := h.mem
	if m == nil {
		return nil
	}
	n := m.Size()
	if n == 0 {
		// Size is a uint32, so a full 4 GiB memory reports 0. Read can
		// then reach all but the last byte, which is treated as out of
		// range: a guest loses one byte rather than the host panicking.
		if pages, _ := m.Grow(0); pages == 0 {
			return nil
		}
		n = math.MaxUint32
	}
	b, _ := m.Read(0, n)
	return b
}

// memoryIface returns mod's memory, or nil. wazero returns a typed nil
// pointer inside a non-nil interface for a module without memory, whose
// methods then panic; the reflection runs once per module, not per call.
func memoryIface(mod api.Module) api.Memory {
	m := mod.Memory()
	if m == nil {
		return nil
	}
	if v := reflect.ValueOf(m); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil
	}
	return m
}

// slice returns the n bytes at ptr, or false when any of them is outside
// memory. The sum is computed in uint64 so that ptr+n cannot wrap around.
// The result's capacity is its length, so appending to it cannot reach
// bytes past the range.
func (m memory) slice(ptr, n uint32) ([]byte, bool) {
	end := uint64(ptr) + uint64(n)
	if end > uint64(len(m)) {
		return nil, false
	}
	return m[ptr:end:end], true
}

// iovecs decodes an iovec (or ciovec) array of n entries at ptr into the
// host's scratch slice. Every entry's buffer is bounds-checked before the
// caller does anything; the returned slices alias guest memory. n is capped
// at MaxIOVecs before anything is read or allocated.
func (h *host) iovecs(m memory, ptr, n uint32) ([][]byte, wasi.Errno) {
	if n > MaxIOVecs {
		return nil, wasi.EINVAL
	}
	arr, ok := m.slice(ptr, n*wasi.IOVecSize) // n ≤ 1024: no overflow
	if !ok {
		return nil, wasi.EFAULT
	}
	iovs := h.iovs[:0]
	for len(arr) >= wasi.IOVecSize { // no bounds check inside
		b, ok := m.slice(le.Uint32(arr[0:4]), le.Uint32(arr[4:8]))
		if !ok {
			return nil, wasi.EFAULT
		}
		iovs = append(iovs, b)
		arr = arr[wasi.IOVecSize:]
	}
	h.iovs = iovs // keep any growth for the next call
	return iovs, wasi.ESUCCESS
}

// path decodes a witx string argument used as a path. It is copied, since
// the System may keep it (audit records, policy input). The length is
// capped before the copy. witx strings are UTF-8: anything else is EILSEQ,
// as in wasmtime, which also keeps policy rules (written in UTF-8) from
// seeing a path that prints differently from what the kernel opens. An
// embedded NUL is EINVAL: the kernel would see a shorter path than the
// policy did.
func (m memory) path(ptr, n uint32) (string, wasi.Errno) {
	if n > MaxPathLen {
		return "", wasi.ENAMETOOLONG
	}
	b, ok := m.slice(ptr, n)
	if !ok {
		return "", wasi.EFAULT
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return "", wasi.EINVAL
	}
	if !utf8.Valid(b) {
		return "", wasi.EILSEQ
	}
	return string(b), wasi.ESUCCESS
}

// Integer arguments narrower than i32 arrive in an i32; a value that does
// not fit its witx type is EINVAL rather than silently truncated, as in
// wasmtime's generated bindings.

func arg32(stack []uint64, i int) uint32 { return uint32(stack[i]) }

func argFD(stack []uint64, i int) wasi.FD { return wasi.FD(int32(uint32(stack[i]))) }

func argU8(stack []uint64, i int) (uint8, bool) {
	v := uint32(stack[i])
	return uint8(v), v <= math.MaxUint8
}

func argU16(stack []uint64, i int) (uint16, bool) {
	v := uint32(stack[i])
	return uint16(v), v <= math.MaxUint16
}

// clampSize bounds a count returned by the System to the buffer it
// describes, so that a buggy System cannot make the guest read past it.
func clampSize(n wasi.Size, max int) wasi.Size {
	if uint64(n) > uint64(max) {
		return wasi.Size(max)
	}
	return n
}

// totalLen is the total length of iovs (at most MaxIOVecs * 4 GiB: no
// overflow in a 64-bit int).
func totalLen(iovs [][]byte) int {
	n := 0
	for _, b := range iovs {
		n += len(b)
	}
	return n
}
