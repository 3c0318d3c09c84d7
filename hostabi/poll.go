package hostabi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// pollOneoff implements poll_oneoff(in, out, nsubscriptions, result.nevents) -> errno.
//
// nsubscriptions is capped (EINVAL when 0, as the spec says, or past
// MaxPollSubscriptions) before anything is allocated; the subscription
// array, the event array (nsubscriptions entries, the most the System may
// return) and the result pointer are bounds-checked (EFAULT) before the
// System is called. Subscriptions are decoded into the host's scratch
// slice before the call, so an event array that overlaps them is harmless.
// A hot path: no allocation once the scratch slices have grown.
// Errnos: EINVAL, EFAULT, or the System's (per-subscription errors are in
// the events).
// See https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#poll_oneoff
func (h *host) pollOneoff(ctx context.Context, mod api.Module, stack []uint64) {
	h.poll(ctx, mod, stack, wasi.SubscriptionSize, (*wasi.Subscription).Get)
}

// poll is poll_oneoff for subscriptions of size bytes, decoded by get:
// preview 1's, and preview 0's 56-byte ones (unstable.go).
func (h *host) poll(ctx context.Context, mod api.Module, stack []uint64, size uint32, get func(*wasi.Subscription, []byte)) {
	exitIfClosed(mod)
	n := arg32(stack, 2)
	if n == 0 || n > MaxPollSubscriptions {
		ret(stack, wasi.EINVAL)
		return
	}
	m := h.memoryOf(mod)
	in, ok1 := m.slice(arg32(stack, 0), n*size) // n ≤ 4096: no overflow
	out, ok2 := m.slice(arg32(stack, 1), n*wasi.EventSize)
	nOut, ok3 := m.slice(arg32(stack, 3), 4)
	if !ok1 || !ok2 || !ok3 {
		ret(stack, wasi.EFAULT)
		return
	}
	subs := resize(&h.subs, int(n))
	for i := range subs {
		get(&subs[i], in[uint32(i)*size:])
	}
	events := resize(&h.events, int(n))
	clear(events) // no stale event from an earlier call can reach the guest
	got, errno := h.sys.PollOneOff(ctx, subs, events)
	if errno != wasi.ESUCCESS {
		ret(stack, errno)
		return
	}
	got = min(max(got, 0), len(events))
	for i := range got {
		events[i].Put(out[i*wasi.EventSize:])
	}
	le.PutUint32(nOut, uint32(got))
	ret(stack, wasi.ESUCCESS)
}

// resize sets *s to length n, reusing its array when large enough, and
// returns it. Growth happens at most a few times per instance since n is
// capped.
func resize[T any](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n)
	}
	*s = (*s)[:n]
	return *s
}
