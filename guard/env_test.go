package guard

import (
	"bytes"
	"testing"
	"time"

	"github.com/wasibox/wasibox/wasi"
)

func TestClocks(t *testing.T) {
	fixed := time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC)
	tests := []struct {
		name  string
		clock string
		check func(t *testing.T, h *harness)
	}{
		{"host", "{}", func(t *testing.T, h *harness) {
			now, errno := h.sys.ClockTimeGet(h.ctx, wasi.Realtime, 0)
			if errno != wasi.ESUCCESS || time.Since(time.Unix(0, int64(now))).Abs() > time.Hour {
				t.Errorf("realtime = %v, %v", time.Unix(0, int64(now)), errno)
			}
		}},
		{"none", "{realtime: none, monotonic: none}", func(t *testing.T, h *harness) {
			for _, id := range []wasi.ClockID{wasi.Realtime, wasi.Monotonic, wasi.ProcessCPUTimeID, wasi.ThreadCPUTimeID} {
				if _, errno := h.sys.ClockTimeGet(h.ctx, id, 0); errno != wasi.EINVAL {
					t.Errorf("clock_time_get(%v) = %v, want EINVAL", id, errno)
				}
				if _, errno := h.sys.ClockResGet(h.ctx, id); errno != wasi.EINVAL {
					t.Errorf("clock_res_get(%v) = %v, want EINVAL", id, errno)
				}
			}
		}},
		{"realtime none, monotonic host", "{realtime: none}", func(t *testing.T, h *harness) {
			if _, errno := h.sys.ClockTimeGet(h.ctx, wasi.Realtime, 0); errno != wasi.EINVAL {
				t.Errorf("realtime: %v, want EINVAL", errno)
			}
			if _, errno := h.sys.ClockTimeGet(h.ctx, wasi.Monotonic, 0); errno != wasi.ESUCCESS {
				t.Errorf("monotonic: %v", errno)
			}
		}},
		{"fixed", "{realtime: \"" + fixed.Format(time.RFC3339Nano) + "\"}", func(t *testing.T, h *harness) {
			for range 2 {
				now, errno := h.sys.ClockTimeGet(h.ctx, wasi.Realtime, 0)
				if errno != wasi.ESUCCESS || int64(now) != fixed.UnixNano() {
					t.Errorf("realtime = %d, %v; want %d", now, errno, fixed.UnixNano())
				}
				time.Sleep(time.Millisecond)
			}
			a, _ := h.sys.ClockTimeGet(h.ctx, wasi.Monotonic, 0)
			time.Sleep(time.Millisecond)
			b, _ := h.sys.ClockTimeGet(h.ctx, wasi.Monotonic, 0)
			if b <= a {
				t.Errorf("monotonic did not move: %d then %d", a, b)
			}
		}},
		{"resolution", "{resolution: 10ms}", func(t *testing.T, h *harness) {
			const r = uint64(10 * time.Millisecond)
			for _, id := range []wasi.ClockID{wasi.Realtime, wasi.Monotonic} {
				for range 3 {
					now, errno := h.sys.ClockTimeGet(h.ctx, id, 0)
					if errno != wasi.ESUCCESS || uint64(now)%r != 0 {
						t.Errorf("clock %v = %d, %v: not a multiple of 10ms", id, now, errno)
					}
				}
				res, errno := h.sys.ClockResGet(h.ctx, id)
				if errno != wasi.ESUCCESS || uint64(res) < r {
					t.Errorf("clock_res_get(%v) = %d, %v; want at least 10ms", id, res, errno)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, newHarness(t, setup{manifest: "version: 1\nclock: " + tt.clock + "\n"}))
		})
	}
}

func TestRandom(t *testing.T) {
	read := func(t *testing.T, random string) ([]byte, wasi.Errno) {
		h := newHarness(t, setup{manifest: "version: 1\nrandom: \"" + random + "\"\n"})
		buf := make([]byte, 64)
		errno := h.sys.RandomGet(h.ctx, buf[:32])
		if errno == wasi.ESUCCESS {
			errno = h.sys.RandomGet(h.ctx, buf[32:])
		}
		return buf, errno
	}
	if _, errno := read(t, "none"); errno != wasi.ENOTSUP {
		t.Errorf("random none: %v, want ENOTSUP", errno)
	}
	a, errno := read(t, "seed:42")
	b, _ := read(t, "seed:42")
	c, _ := read(t, "seed:43")
	if errno != wasi.ESUCCESS || !bytes.Equal(a, b) {
		t.Errorf("seed:42 twice: %x / %x (%v): want the same stream", a, b, errno)
	}
	if bytes.Equal(a, c) || bytes.Equal(a[:32], a[32:]) {
		t.Errorf("seed:42 %x, seed:43 %x: want different streams that move", a, c)
	}
	h1, errno := read(t, "host")
	h2, _ := read(t, "host")
	if errno != wasi.ESUCCESS || bytes.Equal(h1, h2) {
		t.Errorf("host random: %x / %x (%v)", h1, h2, errno)
	}
}
