//go:build linux

package unix

// Byte limits on what the guest writes (issue 6, design decision 7):
//
//   - Config.StdoutLimit and Config.StderrLimit cap the bytes written
//     through the guest's standard output and error. Past the cap the
//     guest gets EFBIG, as a process past RLIMIT_FSIZE does, and nothing
//     more reaches the host descriptor. EFBIG rather than ENOSPC: the
//     host is not out of space, this stream has reached its size limit.
//   - Config.WriteQuota caps the bytes written into files opened beneath
//     the preopens: fd_write and fd_pwrite, and the growth that
//     fd_allocate and fd_filestat_set_size add. Past it the guest gets
//     EDQUOT ("disk quota exceeded"), its usual meaning.
//
// A write that crosses a cap writes the part that fits and returns that
// count (a short write); the next one gets the error, as write(2) does at
// a file size limit. Growth by fd_allocate or fd_filestat_set_size cannot
// be partial: it is refused whole. Bytes are charged as written: shrinking
// a file or closing it gives nothing back.
//
// Which budget a write is charged to follows the descriptor, not its
// number: guest fds 0-2 as New created them (fd_renumber moves them;
// writes through stdin, a terminal opened read-write, count as stdout)
// and regular files that are neither stdio nor sockets. Sockets, pipes
// and FIFOs opened in a mount are not charged: they store nothing.
//
// The checks are a few comparisons on the write path and make no
// allocation; a System without limits pays one branch.

import (
	"errors"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// budget is the number of bytes one limit still allows.
type budget struct {
	left  int64
	errno wasi.Errno // returned once left is 0: EFBIG or EDQUOT
}

// limitState holds the byte limits of a System (zero value: none).
type limitState struct {
	on     bool       // any limit set: the fast path tests only this
	stdio  [3]*file   // stdio files that have a budget (nil: none)
	charge [3]*budget // their budgets, by original guest fd
	out    [2]budget  // stdout, stderr
	quota  budget     // files in preopens
	quotas bool       // WriteQuota set
}

// initLimits sets the byte limits of cfg up; New calls it once the stdio
// descriptors (s.files[0:3]) exist.
func (s *System) initLimits(cfg Config) error {
	if cfg.StdoutLimit < 0 || cfg.StderrLimit < 0 || cfg.WriteQuota < 0 {
		return errors.New("unix: negative StdoutLimit, StderrLimit or WriteQuota")
	}
	l := &s.lim
	for i, limit := range [2]int64{cfg.StdoutLimit, cfg.StderrLimit} {
		if limit > 0 {
			l.out[i] = budget{left: limit, errno: wasi.EFBIG}
		}
	}
	stdio := func(fd int, b *budget) {
		if b.errno == 0 || fd >= len(s.files) || s.files[fd] == nil {
			return
		}
		l.stdio[fd], l.charge[fd] = s.files[fd], b
		l.on = true
	}
	stdio(0, &l.out[0]) // a read-write terminal on stdin reaches the same screen
	stdio(1, &l.out[0])
	stdio(2, &l.out[1])
	if cfg.WriteQuota > 0 {
		l.quota = budget{left: cfg.WriteQuota, errno: wasi.EDQUOT}
		l.quotas, l.on = true, true
	}
	return nil
}

// budgetOf returns the budget writes to f are charged to, nil if none.
func (s *System) budgetOf(f *file) *budget {
	l := &s.lim
	for i, sf := range l.stdio {
		if sf == f {
			return l.charge[i]
		}
	}
	if l.quotas && f.typ == wasi.RegularFileType && !f.hostBlocking && f.sock == nil {
		return &l.quota
	}
	return nil
}

// charge takes up to total bytes from the budget of f for a write of v:
// it returns v cut to what the budget allows (the cut is made in place,
// in the System's iovec scratch), the bytes taken, and the budget, which
// the caller gives the unwritten part back to with refund. It returns
// the budget's errno when nothing is left. Without limits it returns its
// arguments and a nil budget.
func (s *System) charge(f *file, v []unix.Iovec, total int) ([]unix.Iovec, int, *budget, wasi.Errno) {
	if !s.lim.on || total == 0 {
		return v, total, nil, wasi.ESUCCESS
	}
	b := s.budgetOf(f)
	if b == nil {
		return v, total, nil, wasi.ESUCCESS
	}
	if b.left <= 0 {
		return v, 0, nil, b.errno
	}
	if int64(total) <= b.left {
		b.left -= int64(total)
		return v, total, b, wasi.ESUCCESS
	}
	allowed := int(b.left)
	b.left = 0
	return cutIOVecs(v, allowed), allowed, b, wasi.ESUCCESS
}

// cutIOVecs shortens v, in place, to its first n bytes (n > 0 and less
// than v's total).
func cutIOVecs(v []unix.Iovec, n int) []unix.Iovec {
	for i := range v {
		l := int(v[i].Len)
		if n <= l {
			v[i].SetLen(n)
			return v[:i+1]
		}
		n -= l
	}
	return v
}

// refund gives back n bytes taken by charge or chargeGrowth and not
// written. b may be nil.
func (b *budget) refund(n int64) {
	if b != nil && n > 0 {
		b.left += n
	}
}

// chargeGrowth takes from the budget of f the bytes by which making f end
// at end (fd_allocate, fd_filestat_set_size) would grow it: all of them,
// or none and the budget's errno. The caller refunds grown if the
// operation fails.
func (s *System) chargeGrowth(f *file, end int64) (b *budget, grown int64, errno wasi.Errno) {
	if !s.lim.on {
		return nil, 0, wasi.ESUCCESS
	}
	if b = s.budgetOf(f); b == nil {
		return nil, 0, wasi.ESUCCESS
	}
	var st unix.Stat_t
	if err := unix.Fstat(f.fd, &st); err != nil {
		return nil, 0, wasi.ErrnoOf(err)
	}
	if end <= st.Size {
		return nil, 0, wasi.ESUCCESS
	}
	grown = end - st.Size
	if grown > b.left {
		return nil, 0, b.errno
	}
	b.left -= grown
	return b, grown, wasi.ESUCCESS
}

// Remaining reports how many bytes the guest may still write to stdout,
// stderr and into the preopens before it gets EFBIG or EDQUOT; -1 for a
// stream without a limit (for the CLI's report, and tests).
func (s *System) Remaining() (stdout, stderr, quota int64) {
	l := &s.lim
	get := func(b *budget) int64 {
		if b.errno == 0 {
			return -1
		}
		return b.left
	}
	return get(&l.out[0]), get(&l.out[1]), get(&l.quota)
}
