//go:build linux

package unix

import (
	"bytes"
	"context"
	"encoding/binary"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// dirBatchSize is the getdents64 buffer of a directory being read: the
// size glibc's readdir uses, so that the number of system calls per entry
// matches a native program's.
const dirBatchSize = 32 << 10

// direntHeader is the fixed part of a struct linux_dirent64: d_ino u64,
// d_off s64, d_reclen u16, d_type u8, then d_name (NUL-terminated).
const direntHeader = 19

// dirState caches the entries of one directory descriptor for fd_readdir.
//
// Cookies are entry indices: entry i (counting "." and ".." where the
// kernel lists them) has d_next = i+1, and cookie 0 is the start. The
// cache is a window over the directory stream: the last getdents64 batch,
// kept raw in buf (names are read from it in place) and indexed by ents.
//
// Invariants: ents[k] is entry base+k; the host descriptor's offset is
// just past entry base+len(ents) (only fd_readdir moves it: fd_seek and
// fd_read refuse directories); eof means the kernel returned nothing past
// the window. The window is at most dirBatchSize bytes of names plus their
// index, whatever the directory's size, and both slices are reused: by
// this descriptor, then, once it is closed, by the next directory read
// (System.spareDir).
//
// A guest reading with a small buffer asks again from the cookie of the
// entry that did not fit, which is still in the window, so it costs no
// system call. A cookie behind the window rewinds (lseek 0, read again);
// cookie 0 always does, because rewinddir must show the directory's
// current contents.
type dirState struct {
	buf   []byte
	ents  []dirEnt
	base  wasi.DirCookie
	eof   bool
	dirty bool // the host offset has moved since the descriptor was opened or rewound
}

// dirEnt is one decoded entry; its name is buf[name : name+nameLen].
type dirEnt struct {
	ino      uint64
	name     uint32
	nameLen  uint16
	typ      wasi.FileType
	typKnown bool // false for DT_UNKNOWN until fstatat resolves it
}

// dirBatchEntries is the most entries one getdents64 batch can hold: the
// smallest record is 24 bytes (header, a one-byte name and its NUL, padded
// to 8). ents is allocated with this capacity, so it never grows.
const dirBatchEntries = dirBatchSize / 24

// newDirState returns an empty cache with its buffers allocated for a full
// batch.
func newDirState() *dirState {
	return &dirState{buf: make([]byte, dirBatchSize), ents: make([]dirEnt, 0, dirBatchEntries)}
}

// recycled empties the cache of a descriptor being closed, keeping its
// buffers, for the next directory read (System.spareDir). The names left
// in buf are unreachable: only ents points into buf, and it is empty.
func (d *dirState) recycled() *dirState {
	*d = dirState{buf: d.buf, ents: d.ents[:0]}
	return d
}

// FDReadDir implements wasi.System.
//
// Entries are encoded from cookie on as wasi.Dirent headers followed by
// names until buf is full (the last entry may be cut short) or the
// directory ends (fewer than len(buf) bytes are returned). An error from
// the host discards the entries encoded by this call: a short count would
// mean the end of the directory.
//
// Errors: EBADF (also for a descriptor that is not a directory), ENOTCAPABLE
// (a directory without the fd_readdir right), and
// getdents64(2)'s (ENOENT for a removed directory, EIO).
func (s *System) FDReadDir(ctx context.Context, fd wasi.FD, buf []byte, cookie wasi.DirCookie) (wasi.Size, wasi.Errno) {
	// The type before the right: a file never holds fd_readdir (its rights
	// are masked to the file's), and a non-directory is EBADF, "not a
	// directory descriptor", as wasmtime (get_dir_fd) and wazero answer and
	// as Go's and TinyGo's os.ReadDir on a file expect; not ENOTCAPABLE.
	f, errno := s.lookup(fd, 0)
	if errno != wasi.ESUCCESS {
		return 0, errno
	}
	if f.typ != wasi.DirectoryType {
		return 0, wasi.EBADF
	}
	if !f.base.Has(wasi.FDReadDirRight) {
		return 0, wasi.ENOTCAPABLE
	}
	if len(buf) == 0 {
		return 0, wasi.ESUCCESS
	}
	d := f.dir
	if d == nil {
		// The spare is the cache of the last directory closed: listing
		// directory after directory (a tree walk, or opendir/closedir in a
		// loop) allocates nothing after the first.
		if d = s.spareDir; d != nil {
			s.spareDir = nil
		} else {
			d = newDirState()
		}
		f.dir = d
	}
	if cookie < d.base || (cookie == 0 && d.dirty) {
		if errno := d.rewind(f.fd); errno != wasi.ESUCCESS {
			return 0, errno
		}
	}
	off := 0
	for off < len(buf) {
		i := cookie - d.base
		if i >= uint64(len(d.ents)) {
			if d.eof {
				break
			}
			if errno := d.fill(f.fd); errno != wasi.ESUCCESS {
				// Not the entries encoded so far: a result shorter than
				// buf would tell the guest the directory ended.
				return 0, errno
			}
			continue
		}
		e := &d.ents[i]
		name := d.buf[e.name : e.name+uint32(e.nameLen)]
		if !e.typKnown {
			e.typ = typeAt(f.fd, name)
			e.typKnown = true
		}
		off = wasi.AppendDirent(buf, off, wasi.Dirent{Next: cookie + 1, Ino: e.ino, Type: e.typ}, name)
		cookie++
	}
	return wasi.Size(off), wasi.ESUCCESS
}

// rewind moves the host offset back to the start and empties the window.
func (d *dirState) rewind(fd int) wasi.Errno {
	if _, err := unix.Seek(fd, 0, unix.SEEK_SET); err != nil {
		return wasi.ErrnoOf(err)
	}
	d.ents = d.ents[:0]
	d.base = 0
	d.eof = false
	d.dirty = false
	return wasi.ESUCCESS
}

// fill replaces the window with the next getdents64 batch. At the end of
// the directory the window is kept (the kernel wrote nothing) and eof set.
func (d *dirState) fill(fd int) wasi.Errno {
	d.dirty = true
	var n int
	for {
		var err error
		n, err = unix.Getdents(fd, d.buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return wasi.ErrnoOf(err)
		}
		break
	}
	if n <= 0 {
		d.eof = true
		return wasi.ESUCCESS
	}
	d.base += wasi.DirCookie(len(d.ents))
	d.ents = d.ents[:0]
	ne := binary.NativeEndian
	for p := 0; p+direntHeader <= n; {
		reclen := int(ne.Uint16(d.buf[p+16:]))
		if reclen <= direntHeader || p+reclen > n {
			return wasi.EIO // the kernel never does this
		}
		name := d.buf[p+direntHeader : p+reclen]
		if k := bytes.IndexByte(name, 0); k >= 0 {
			name = name[:k]
		}
		typ, known := direntType(d.buf[p+18])
		d.ents = append(d.ents, dirEnt{
			ino:      ne.Uint64(d.buf[p:]),
			name:     uint32(p + direntHeader),
			nameLen:  uint16(len(name)),
			typ:      typ,
			typKnown: known,
		})
		p += reclen
	}
	return wasi.ESUCCESS
}

// direntType maps a d_type; known is false for DT_UNKNOWN, which some
// file systems return for every entry.
func direntType(t uint8) (typ wasi.FileType, known bool) {
	switch t {
	case unix.DT_REG:
		return wasi.RegularFileType, true
	case unix.DT_DIR:
		return wasi.DirectoryType, true
	case unix.DT_LNK:
		return wasi.SymbolicLinkType, true
	case unix.DT_CHR:
		return wasi.CharacterDeviceType, true
	case unix.DT_BLK:
		return wasi.BlockDeviceType, true
	case unix.DT_SOCK:
		return wasi.SocketStreamType, true
	case unix.DT_FIFO:
		return wasi.UnknownType, true // WASI has no FIFO type
	}
	return wasi.UnknownType, false
}

// typeAt stats name in directory fd (without following a symlink) for the
// type getdents64 did not give. An entry removed meanwhile is unknown.
func typeAt(fd int, name []byte) wasi.FileType {
	var st unix.Stat_t
	if err := unix.Fstatat(fd, string(name), &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return wasi.UnknownType
	}
	return fileTypeOf(st.Mode)
}
