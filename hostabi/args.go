package hostabi

import (
	"context"
	"math"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// args_get, args_sizes_get, environ_get and environ_sizes_get.
//
// The getters ask the System first: the ranges to check depend on the
// strings, and reading them has no side effect. Both ranges (the pointer
// array and the string buffer) are checked before a byte is written.
//
// Errnos: EFAULT (a range outside memory), E2BIG (the data does not fit
// the 32-bit sizes of the ABI), or the System's.

// argsGet implements args_get(argv, argv_buf) -> errno.
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#args_get
func (h *host) argsGet(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	list, errno := h.sys.ArgsGet(ctx)
	if errno == wasi.ESUCCESS {
		errno = putStrings(h.memoryOf(mod), list, arg32(stack, 0), arg32(stack, 1))
	}
	ret(stack, errno)
}

// argsSizesGet implements args_sizes_get(result.argc, result.argv_buf_size) -> errno.
func (h *host) argsSizesGet(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	ret(stack, h.sizesGet(ctx, mod, stack, h.sys.ArgsGet))
}

// environGet implements environ_get(environ, environ_buf) -> errno.
func (h *host) environGet(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	list, errno := h.sys.EnvironGet(ctx)
	if errno == wasi.ESUCCESS {
		errno = putStrings(h.memoryOf(mod), list, arg32(stack, 0), arg32(stack, 1))
	}
	ret(stack, errno)
}

// environSizesGet implements environ_sizes_get(result.environc, result.environ_buf_size) -> errno.
func (h *host) environSizesGet(ctx context.Context, mod api.Module, stack []uint64) {
	exitIfClosed(mod)
	ret(stack, h.sizesGet(ctx, mod, stack, h.sys.EnvironGet))
}

// sizesGet writes the count of list and the size of its NUL-terminated
// strings. Both output ranges are checked before the System is asked.
func (h *host) sizesGet(ctx context.Context, mod api.Module, stack []uint64, get func(context.Context) ([]string, wasi.Errno)) wasi.Errno {
	m := h.memoryOf(mod)
	countOut, ok1 := m.slice(arg32(stack, 0), 4)
	sizeOut, ok2 := m.slice(arg32(stack, 1), 4)
	if !ok1 || !ok2 {
		return wasi.EFAULT
	}
	list, errno := get(ctx)
	if errno != wasi.ESUCCESS {
		return errno
	}
	count, size := stringSizes(list)
	if count > math.MaxUint32 || size > math.MaxUint32 {
		return wasi.E2BIG
	}
	le.PutUint32(countOut, uint32(count))
	le.PutUint32(sizeOut, uint32(size))
	return wasi.ESUCCESS
}

// stringSizes returns the number of strings and their total size with one
// NUL terminator each.
func stringSizes(list []string) (count, size uint64) {
	for _, s := range list {
		size += uint64(len(s)) + 1
	}
	return uint64(len(list)), size
}

// putStrings writes list as NUL-terminated strings packed at bufAt and a
// pointer to each at ptrsAt, the layout of args_get and environ_get.
func putStrings(m memory, list []string, ptrsAt, bufAt uint32) wasi.Errno {
	count, size := stringSizes(list)
	if count*4 > math.MaxUint32 || size > math.MaxUint32 {
		return wasi.E2BIG
	}
	ptrs, ok1 := m.slice(ptrsAt, uint32(count*4))
	buf, ok2 := m.slice(bufAt, uint32(size))
	if !ok1 || !ok2 {
		return wasi.EFAULT
	}
	off := 0
	for i, s := range list {
		// bufAt+off cannot wrap: buf lies within memory, which is < 4 GiB.
		le.PutUint32(ptrs[i*4:], bufAt+uint32(off))
		off += copy(buf[off:], s)
		buf[off] = 0
		off++
	}
	return wasi.ESUCCESS
}
