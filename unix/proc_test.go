//go:build linux

package unix

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/wasibox/wasibox/wasi"
)

func TestArgsEnviron(t *testing.T) {
	cfg := noStdio()
	cfg.Args = []string{"app", "--flag", ""}
	cfg.Environ = []string{"A=1", "EMPTY="}
	s := newMiscSystem(t, cfg)
	if got, errno := s.ArgsGet(t.Context()); errno != wasi.ESUCCESS || !slices.Equal(got, cfg.Args) {
		t.Errorf("ArgsGet = (%q, %v), want %q", got, errno, cfg.Args)
	}
	if got, errno := s.EnvironGet(t.Context()); errno != wasi.ESUCCESS || !slices.Equal(got, cfg.Environ) {
		t.Errorf("EnvironGet = (%q, %v), want %q", got, errno, cfg.Environ)
	}

	empty := newMiscSystem(t, noStdio())
	if got, errno := empty.ArgsGet(t.Context()); errno != wasi.ESUCCESS || len(got) != 0 {
		t.Errorf("no args: ArgsGet = (%q, %v)", got, errno)
	}
}

func TestRandomGetHost(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	a, b := make([]byte, 64), make([]byte, 64)
	if errno := s.RandomGet(t.Context(), a); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	if errno := s.RandomGet(t.Context(), b); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	if bytes.Equal(a, make([]byte, 64)) || bytes.Equal(a, b) {
		t.Errorf("random bytes not filled or repeated: %x, %x", a, b)
	}
	if errno := s.RandomGet(t.Context(), nil); errno != wasi.ESUCCESS {
		t.Errorf("empty buffer: %v", errno)
	}
	// Large buffers are filled to the end.
	big := make([]byte, 1<<20)
	if errno := s.RandomGet(t.Context(), big); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	if bytes.Equal(big[len(big)-64:], make([]byte, 64)) {
		t.Errorf("the end of a 1 MiB buffer was not filled")
	}
	if allocs := testing.AllocsPerRun(100, func() { s.RandomGet(t.Context(), a[:32]) }); allocs != 0 {
		t.Errorf("%v allocs per RandomGet, want 0", allocs)
	}
}

func TestRandomGetConfigRand(t *testing.T) {
	seeded := func() *System {
		cfg := noStdio()
		cfg.Rand = rand.NewChaCha8([32]byte{42})
		return newMiscSystem(t, cfg)
	}
	s1, s2 := seeded(), seeded()
	for range 3 {
		a, b := make([]byte, 37), make([]byte, 37)
		if e1, e2 := s1.RandomGet(t.Context(), a), s2.RandomGet(t.Context(), b); e1 != wasi.ESUCCESS || e2 != wasi.ESUCCESS {
			t.Fatal(e1, e2)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("same seed, different bytes: %x vs %x", a, b)
		}
	}

	// A source that runs dry is EIO, never a half-filled success.
	cfg := noStdio()
	cfg.Rand = bytes.NewReader([]byte{1, 2, 3})
	short := newMiscSystem(t, cfg)
	if errno := short.RandomGet(t.Context(), make([]byte, 8)); errno != wasi.EIO {
		t.Errorf("short source: got %v, want EIO", errno)
	}
}

func TestProcExit(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	if _, exited := s.ExitCode(); exited {
		t.Fatal("exited before proc_exit")
	}
	if errno := s.ProcExit(t.Context(), 0); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	if code, exited := s.ExitCode(); code != 0 || !exited {
		t.Errorf("ExitCode = (%d, %v), want (0, true)", code, exited)
	}
	s.ProcExit(t.Context(), 1<<32-1)
	if code, exited := s.ExitCode(); code != 1<<32-1 || !exited {
		t.Errorf("ExitCode = (%d, %v), want (%d, true)", code, exited, uint32(1<<32-1))
	}
}

func TestProcRaise(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	// SIGKILL and SIGSTOP would end or stop this test process if they
	// reached the host.
	for _, sig := range []wasi.Signal{wasi.SigNone, wasi.SigKill, wasi.SigStop, wasi.SigTerm, wasi.SigSys} {
		if errno := s.ProcRaise(t.Context(), sig); errno != wasi.ENOSYS {
			t.Errorf("ProcRaise(%d) = %v, want ENOSYS", sig, errno)
		}
	}
	for _, sig := range []wasi.Signal{wasi.SigSys + 1, 255} {
		if errno := s.ProcRaise(t.Context(), sig); errno != wasi.EINVAL {
			t.Errorf("ProcRaise(%d) = %v, want EINVAL", sig, errno)
		}
	}
}

func TestSchedYield(t *testing.T) {
	s := newMiscSystem(t, noStdio())
	if errno := s.SchedYield(t.Context()); errno != wasi.ESUCCESS {
		t.Errorf("SchedYield = %v", errno)
	}
}
