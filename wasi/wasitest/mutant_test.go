//go:build linux

package wasitest_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
	"github.com/wasibox/wasibox/wasi/wasitest"
)

// The suite is only worth its failures: each mutant below is unix.System
// with one bug of a kind seen in real WASI runtimes, and the suite must
// catch it in the named subtests. Mutants run in a child process, since a
// failing subtest cannot be observed from its parent test.

type mutant struct {
	name string
	run  string   // -test.run pattern under TestMutantHelper
	fail []string // subtests that must fail
	wrap func(sys wasi.System, root string) wasi.System
}

var mutants = []mutant{
	{
		name: "renumber onto a free number",
		run:  "fd_renumber",
		fail: []string{"fd_renumber/onto_a_free_number"},
		wrap: func(sys wasi.System, _ string) wasi.System { return &renumberAnything{sys} },
	},
	{
		name: "readlink refuses a short buffer",
		run:  "path_readlink",
		fail: []string{"path_readlink/short_buffer"},
		wrap: func(sys wasi.System, _ string) wasi.System { return &readlinkERANGE{sys} },
	},
	{
		name: "set_times takes a time and now",
		run:  "fd_filestat_set_times",
		fail: []string{"fd_filestat_set_times/time_and_now"},
		wrap: func(sys wasi.System, _ string) wasi.System { return &timesAndNow{sys} },
	},
	{
		name: "directory opened for writing",
		run:  "path_open/cases",
		fail: []string{"path_open/cases"},
		wrap: func(sys wasi.System, _ string) wasi.System { return &dirForWriting{sys} },
	},
	{
		name: "lexical set_times (escapable)",
		run:  "escapes/all",
		fail: []string{"escapes/all"},
		wrap: func(sys wasi.System, root string) wasi.System { return &lexicalTimes{sys, root} },
	},
}

func TestSuiteCatchesMutants(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite in child processes")
	}
	for _, m := range mutants {
		t.Run(m.name, func(t *testing.T) {
			pattern := "^TestMutantHelper$"
			for _, level := range strings.Split(m.run, "/") {
				pattern += "/^" + level + "$"
			}
			cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run="+pattern, "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "WASITEST_MUTANT="+m.name)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed the mutant:\n%s", out)
			}
			failed := map[string]bool{}
			for _, sub := range regexp.MustCompile(`--- FAIL: TestMutantHelper/(\S+)`).FindAllSubmatch(out, -1) {
				failed[string(sub[1])] = true
			}
			for _, want := range m.fail {
				if !failed[want] {
					t.Errorf("subtest %s did not fail; failed: %v\n%s", want, failed, out)
				}
			}
		})
	}
}

// TestMutantHelper runs the suite against the mutant named by
// WASITEST_MUTANT; it does nothing in a normal test run.
func TestMutantHelper(t *testing.T) {
	name := os.Getenv("WASITEST_MUTANT")
	if name == "" {
		t.Skip("only run by TestSuiteCatchesMutants")
	}
	i := slices.IndexFunc(mutants, func(m mutant) bool { return m.name == name })
	if i < 0 {
		t.Fatalf("unknown mutant %q", name)
	}
	wasitest.Run(t, func(t *testing.T, root string) wasi.System {
		stdin, stdout, stderr := wasitest.Stdio(t)
		sys, err := unix.New(unix.Config{
			Preopens: []unix.Preopen{{HostPath: root, GuestPath: "/"}},
			Stdin:    int(stdin.Fd()), Stdout: int(stdout.Fd()), Stderr: int(stderr.Fd()),
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sys.Close(context.Background()) })
		return mutants[i].wrap(sys, root)
	})
}

// renumberAnything lets fd_renumber target a number that is not open.
type renumberAnything struct{ wasi.System }

func (s *renumberAnything) FDRenumber(ctx context.Context, from, to wasi.FD) wasi.Errno {
	if _, errno := s.FDStatGet(ctx, to); errno == wasi.EBADF {
		return wasi.ESUCCESS
	}
	return s.System.FDRenumber(ctx, from, to)
}

// readlinkERANGE refuses a buffer shorter than the link, as POSIX
// readlink never does but some runtimes did.
type readlinkERANGE struct{ wasi.System }

func (s *readlinkERANGE) PathReadLink(ctx context.Context, fd wasi.FD, path string, buf []byte) (wasi.Size, wasi.Errno) {
	big := make([]byte, 4096)
	n, errno := s.System.PathReadLink(ctx, fd, path, big)
	if errno == wasi.ESUCCESS && int(n) > len(buf) {
		return 0, wasi.ERANGE
	}
	return wasi.Size(copy(buf, big[:n])), errno
}

// timesAndNow quietly prefers _NOW when both a time and _NOW are given.
type timesAndNow struct{ wasi.System }

func (s *timesAndNow) FDFileStatSetTimes(ctx context.Context, fd wasi.FD, atim, mtim wasi.Timestamp, flags wasi.FSTFlags) wasi.Errno {
	if flags.Has(wasi.AccessTime | wasi.AccessTimeNow) {
		flags &^= wasi.AccessTime
	}
	if flags.Has(wasi.ModifyTime | wasi.ModifyTimeNow) {
		flags &^= wasi.ModifyTime
	}
	return s.System.FDFileStatSetTimes(ctx, fd, atim, mtim, flags)
}

// dirForWriting opens a directory asked for with write rights by dropping
// them, instead of reporting EISDIR.
type dirForWriting struct{ wasi.System }

func (s *dirForWriting) PathOpen(ctx context.Context, fd wasi.FD, lookup wasi.LookupFlags, path string, oflags wasi.OFlags, base, inherit wasi.Rights, fdflags wasi.FDFlags) (wasi.FD, wasi.Errno) {
	nfd, errno := s.System.PathOpen(ctx, fd, lookup, path, oflags, base, inherit, fdflags)
	if errno == wasi.EISDIR && oflags&wasi.OTruncate == 0 {
		return s.System.PathOpen(ctx, fd, lookup, path, oflags|wasi.ODirectory, base&wasi.DirectoryRights, inherit, fdflags)
	}
	return nfd, errno
}

// lexicalTimes resolves path_filestat_set_times by joining strings and
// letting the host follow symlinks: the escape wasibox exists to prevent.
type lexicalTimes struct {
	wasi.System
	root string
}

func (s *lexicalTimes) PathFileStatSetTimes(ctx context.Context, fd wasi.FD, flags wasi.LookupFlags, path string, atim, mtim wasi.Timestamp, fst wasi.FSTFlags) wasi.Errno {
	if fd != wasitest.Root || !flags.Has(wasi.SymlinkFollow) {
		return s.System.PathFileStatSetTimes(ctx, fd, flags, path, atim, mtim, fst)
	}
	p := filepath.Join(s.root, path)
	if _, err := os.Stat(p); err != nil {
		return wasi.ErrnoOf(err)
	}
	return wasi.ErrnoOf(os.Chtimes(p, timeOf(atim), timeOf(mtim)))
}

func timeOf(ns wasi.Timestamp) time.Time { return time.Unix(0, int64(ns)) }
