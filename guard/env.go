package guard

import (
	"context"
	"encoding/binary"
	"math/rand/v2"

	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/wasi"
)

// envState holds what the manifest decides once at start about clocks
// and randomness. Args and the environment are decided once too, but
// given to the inner System when it is built (policy.Manifest.Environ):
// no guest call asks for anything the guard could narrow.
type envState struct {
	realtime, monotonic policy.ClockMode
	resolution          uint64 // ns; 0 = the host's
	random              policy.Random
	rng                 *rand.ChaCha8 // random: seed:N
}

func (e *envState) init(m *policy.Manifest) {
	e.realtime, e.monotonic = m.Realtime, m.Monotonic
	e.resolution = uint64(m.Resolution)
	e.random = m.Random
	if m.Random.Kind == "seed" {
		var seed [32]byte
		binary.LittleEndian.PutUint64(seed[:], m.Random.Seed)
		e.rng = rand.NewChaCha8(seed)
	}
}

func (e *envState) mode(id wasi.ClockID) policy.ClockMode {
	switch id {
	case wasi.Realtime:
		return e.realtime
	case wasi.Monotonic:
		return e.monotonic
	}
	// CPU-time clocks reveal as much as the monotonic clock does.
	return e.monotonic
}

// ClockTimeGet implements wasi.System: "none" clocks are EINVAL (the
// spec's answer for an unsupported clock), a fixed realtime clock reads
// the manifest's time and does not move, and a coarser resolution rounds
// times down to a multiple of it.
func (g *System) ClockTimeGet(ctx context.Context, id wasi.ClockID, precision wasi.Timestamp) (wasi.Timestamp, wasi.Errno) {
	switch m := g.env.mode(id); m.Kind {
	case "none":
		return 0, wasi.EINVAL
	case "fixed":
		return wasi.Timestamp(m.Fixed.UnixNano()), wasi.ESUCCESS
	}
	t, errno := g.System.ClockTimeGet(ctx, id, precision)
	if r := g.env.resolution; r > 1 && errno == wasi.ESUCCESS {
		t -= t % r
	}
	return t, errno
}

// ClockResGet implements wasi.System.
func (g *System) ClockResGet(ctx context.Context, id wasi.ClockID) (wasi.Timestamp, wasi.Errno) {
	if g.env.mode(id).Kind == "none" {
		return 0, wasi.EINVAL
	}
	r, errno := g.System.ClockResGet(ctx, id)
	if errno == wasi.ESUCCESS && g.env.resolution > r {
		r = g.env.resolution
	}
	return r, errno
}

// RandomGet implements wasi.System: "none" is ENOTSUP, "seed:N" a
// deterministic ChaCha8 stream (reproducible runs, not secrets).
func (g *System) RandomGet(ctx context.Context, buf []byte) wasi.Errno {
	switch g.env.random.Kind {
	case "none":
		return wasi.ENOTSUP
	case "seed":
		g.env.rng.Read(buf)
		return wasi.ESUCCESS
	}
	return g.System.RandomGet(ctx, buf)
}
