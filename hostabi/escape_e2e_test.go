//go:build linux

package hostabi_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const sentinelSecret = "SENTINEL-SECRET"

// plantEscapeTree builds the tree of testdata/guests/c/escape.c under a new
// temporary directory T and returns T, the mount (T/l1/l2/mnt) and the
// sentinel directory (T/l1/l2/sentinel). Everything the guest might reach
// by escaping (up to three levels above the mount, or through the
// symlinks) lies inside T, so that a broken resolver damages nothing else
// and the damage shows in T's snapshot.
func plantEscapeTree(t *testing.T) (top, mnt, sentinel string) {
	t.Helper()
	top = t.TempDir()
	sentinel = filepath.Join(top, "l1", "l2", "sentinel")
	mnt = filepath.Join(top, "l1", "l2", "mnt")
	secret := sentinelSecret + "\n"
	makeTree(t, top, []node{
		{path: "secret.txt", content: secret},
		{path: "l1/secret.txt", content: secret},
		{path: "l1/l2/sentinel/secret.txt", content: secret},
		{path: "l1/l2/sentinel/dir/inner.txt", content: secret},
		{path: "l1/l2/sentinel/link", link: "secret.txt"},
	})
	// deep climbs to the host's "/" with more ".." than there are
	// components, then comes down to the sentinel.
	deep := strings.Repeat("../", 20) + strings.TrimPrefix(sentinel, "/")
	makeTree(t, mnt, []node{
		{path: "file.txt", content: "inside\n"},
		{path: "a/b", dir: true},
		{path: "a/b/up1", link: "../.."},
		{path: "a/b/up3", link: "../../../sentinel"},
		{path: "data/file.txt", content: "data\n"},
		{path: "data/up", link: ".."},
		{path: "abs_dir", link: sentinel},
		{path: "abs_file", link: filepath.Join(sentinel, "secret.txt")},
		{path: "abs_new", link: filepath.Join(sentinel, "created.txt")},
		{path: "abs_root", link: "/"},
		{path: "rel_dir", link: "../sentinel"},
		{path: "rel_file", link: "../sentinel/secret.txt"},
		{path: "rel_new", link: "../sentinel/created2.txt"},
		{path: "deep", link: deep},
		{path: "chain1", link: "chain2"},
		{path: "chain2", link: "rel_dir/"},
		{path: "chain3", link: "a/b/up3/"},
		{path: "inside", link: "a/b"},
	})
	return top, mnt, sentinel
}

// TestEscape runs the escape guest against the planted tree under both
// resolvers: every attempt to leave "/" or "/data" must be refused, and
// nothing outside the mount may change.
func TestEscape(t *testing.T) {
	t.Parallel()
	for _, res := range resolvers {
		t.Run(res.String(), func(t *testing.T) {
			t.Parallel()
			top, mnt, sentinel := plantEscapeTree(t)
			before := snapshot(t, top, mnt)
			r := runGuest(t, guestRun{
				module: "escape", args: []string{"paths", sentinel},
				root: mnt, data: filepath.Join(mnt, "data"), resolver: res,
			})
			n := r.check(t, 0, true)
			if n < 500 {
				t.Errorf("only %d checks passed; the guest should try several hundred escapes", n)
			}
			if strings.Contains(r.stdout, sentinelSecret) {
				t.Errorf("the guest read a sentinel file")
			}
			compareSnapshots(t, "outside the mount", before, snapshot(t, top, mnt))
			if _, err := os.Stat(filepath.Join(mnt, "file.txt")); err != nil {
				t.Errorf("file.txt left the mount: %v", err)
			}
		})
	}
}

// TestEscapeProcMagicLinks mounts the host's "/" read-only and follows the
// /proc magic links (/proc/self/root, /proc/self/fd/N, ...): with a mount
// of "/" they are the remaining way to reach what the guest must not (the
// host process's descriptors, other mount namespaces).
func TestEscapeProcMagicLinks(t *testing.T) {
	t.Parallel()
	for _, res := range resolvers {
		t.Run(res.String(), func(t *testing.T) {
			t.Parallel()
			r := runGuest(t, guestRun{module: "escape", args: []string{"proc"}, root: "/", readOnly: true, resolver: res})
			r.check(t, 0, true)
		})
	}
}

// TestEscapeFIFO opens a FIFO that nobody writes, for reading and for
// writing: a blocking open(2) would hang the guest (and its host thread,
// out of reach of cancellation) until a writer appears. The guest must get
// an error or a descriptor promptly. If it hangs, the test opens the FIFO
// itself to release it, and fails.
func TestEscapeFIFO(t *testing.T) {
	t.Parallel()
	for _, res := range resolvers {
		t.Run(res.String(), func(t *testing.T) {
			t.Parallel()
			mnt := filepath.Join(t.TempDir(), "mnt")
			makeTree(t, mnt, []node{{path: "fifo", fifo: true}})
			fifo := filepath.Join(mnt, "fifo")
			r := runGuest(t, guestRun{
				module: "escape", args: []string{"fifo"}, root: mnt, resolver: res,
				timeout: 5 * time.Second,
				unblock: func() {
					// O_RDWR never blocks on Linux and is both a reader and a
					// writer; closing it soon after gives a blocked read EOF.
					fd, err := syscall.Open(fifo, syscall.O_RDWR|syscall.O_NONBLOCK, 0)
					if err == nil {
						time.Sleep(50 * time.Millisecond)
						syscall.Close(fd)
					}
				},
			})
			r.check(t, 0, true)
		})
	}
}
