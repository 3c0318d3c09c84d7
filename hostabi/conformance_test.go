//go:build linux

package hostabi_test

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// conformanceCase is one run of testdata/guests/c/conformance: a group (one
// WASI function or a few related ones), its arguments, and the harness
// setup it needs.
type conformanceCase struct {
	name  string   // subtest name; the group unless one group has several runs
	args  []string // group first
	exit  uint32
	stdin func(t *testing.T) *os.File
	// noSummary: the group ends the process itself (proc_exit).
	noSummary bool
}

var conformanceCases = []conformanceCase{
	{args: []string{"args", "hello world", "ünï", ""}},
	{args: []string{"environ"}},
	{args: []string{"clocks"}},
	{args: []string{"fd_advise"}},
	{args: []string{"fd_allocate"}},
	{args: []string{"fd_close"}},
	{args: []string{"fd_sync"}},
	{args: []string{"fd_fdstat"}},
	{args: []string{"fd_filestat"}},
	{args: []string{"fd_pread_pwrite"}},
	{args: []string{"fd_prestat"}},
	{args: []string{"fd_read_write"}},
	{args: []string{"fd_readdir"}},
	{args: []string{"fd_renumber"}},
	{args: []string{"fd_seek_tell"}},
	{args: []string{"fd_dir_ops"}},
	{args: []string{"path_create_directory"}},
	{args: []string{"path_filestat"}},
	{args: []string{"path_link"}},
	{args: []string{"path_open"}},
	{args: []string{"path_readlink"}},
	{args: []string{"path_remove_directory"}},
	{args: []string{"path_rename"}},
	{args: []string{"path_symlink"}},
	{args: []string{"path_unlink_file"}},
	{args: []string{"poll_oneoff"}},
	{args: []string{"nonblock"}, stdin: emptyPipe},
	{args: []string{"stdin"}, stdin: func(t *testing.T) *os.File { return pipeWith(t, "line one\nline two\n") }},
	{name: "proc_exit_0", args: []string{"proc_exit", "0"}, noSummary: true},
	{name: "proc_exit_42", args: []string{"proc_exit", "42"}, exit: 42, noSummary: true},
	{name: "proc_exit_255", args: []string{"proc_exit", "255"}, exit: 255, noSummary: true},
	{args: []string{"random_get"}},
	{args: []string{"sched_yield"}},
	{args: []string{"sock"}},
	{args: []string{"efault"}},
	// "readonly" runs in TestReadOnlyMount, on a read-only mount.
}

// TestConformance runs each group of the conformance guest in a fresh
// fixture, under both path resolvers.
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, res := range resolvers {
		for _, c := range conformanceCases {
			name := c.name
			if name == "" {
				name = c.args[0]
			}
			t.Run(res.String()+"/"+name, func(t *testing.T) {
				t.Parallel()
				root, data := fixture(t)
				g := guestRun{module: "conformance", args: c.args, root: root, data: data, resolver: res}
				if c.stdin != nil {
					g.stdin = c.stdin(t)
				}
				r := runGuest(t, g)
				r.check(t, c.exit, !c.noSummary)
				if c.noSummary && strings.Contains(r.stdout, "summary") {
					t.Errorf("the guest went on after proc_exit:\n%s", r.stdout)
				}
			})
		}
	}
}

// TestConformanceCoversEveryGroup fails when the guest gains a group that
// no test runs.
func TestConformanceCoversEveryGroup(t *testing.T) {
	t.Parallel()
	r := runGuest(t, guestRun{module: "conformance", args: []string{"list"}})
	if r.err != nil || r.exit != 0 {
		t.Fatalf("conformance list: exit %d, %v\n%s", r.exit, r.err, r.stderr)
	}
	tested := []string{"readonly"} // TestReadOnlyMount
	for _, c := range conformanceCases {
		tested = append(tested, c.args[0])
	}
	groups := strings.Fields(r.stdout)
	if len(groups) < 30 {
		t.Fatalf("conformance list printed %d groups:\n%s", len(groups), r.stdout)
	}
	for _, g := range groups {
		if !slices.Contains(tested, g) {
			t.Errorf("group %q of the conformance guest is not run by any test", g)
		}
	}
}
