package wasi

import (
	"context"
	"io"
	"io/fs"
	"math"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// NewFS returns a read-only io/fs view of the directory descriptor root of
// sys: Open is path_open beneath root (following symlinks, with read
// rights only), reads are fd_read, directory listings decode fd_readdir
// buffers and Stat is path_filestat_get. Everything goes through sys, so a
// Trace or a policy layer in sys sees and decides every access, and the
// view is confined exactly as a guest would be.
//
// Errors are *fs.PathError wrapping the Errno, so errors.Is(err,
// fs.ErrNotExist) and the like work (see Errno.Is). Names must satisfy
// fs.ValidPath. Calls into sys are serialised, so the FS may be used from
// several goroutines even though a System serves one at a time. The FS
// does not own root: closing it is up to the caller.
//
// The returned value implements fs.ReadDirFS, fs.ReadFileFS, fs.StatFS and
// fs.ReadLinkFS; its files implement io.Seeker and io.ReaderAt, and its
// directories fs.ReadDirFile. WASI has no permission bits, so modes report
// 0o444 for files and 0o555 for directories.
func NewFS(sys System, root FD) fs.FS {
	return &sysFS{sys: sys, root: root, ctx: context.Background(), dirBufSize: fsDirBufSize}
}

// Rights asked for by the FS: enough to read and list, nothing that
// mutates. The System attenuates them to what root may hand out.
const (
	fsFileRights = FDReadRight | FDSeekRight | FDTellRight | FDFileStatGetRight
	fsDirRights  = FDReadDirRight | FDFileStatGetRight | PathOpenRight | PathFileStatGetRight | PathReadLinkRight
)

// Bounds on buffers the FS grows in response to what sys returns.
const (
	fsDirBufSize    = 4096
	fsMaxDirBufSize = 1 << 20  // a directory entry larger than this is an error
	fsMaxLinkSize   = 64 << 10 // a symlink target larger than this is an error
)

type sysFS struct {
	mu   sync.Mutex // serialises every call into sys
	sys  System
	root FD
	ctx  context.Context

	dirBufSize int // first fd_readdir buffer size (tests make it tiny)
}

var (
	_ fs.ReadDirFS   = (*sysFS)(nil)
	_ fs.ReadFileFS  = (*sysFS)(nil)
	_ fs.StatFS      = (*sysFS)(nil)
	_ fs.ReadLinkFS  = (*sysFS)(nil)
	_ fs.ReadDirFile = (*fsFile)(nil)
	_ io.Seeker      = (*fsFile)(nil)
	_ io.ReaderAt    = (*fsFile)(nil)
)

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// openFD opens name beneath root for reading. A System may refuse to open
// a directory with file rights (EISDIR, as wasmtime does); the FS then
// asks again for a directory, as Go's wasip1 runtime does.
func (f *sysFS) openFD(op, name string, oflags OFlags) (FD, error) {
	if !fs.ValidPath(name) {
		return -1, pathErr(op, name, fs.ErrInvalid)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	rights := fsFileRights | fsDirRights
	if oflags.Has(ODirectory) {
		rights = fsDirRights
	}
	fd, errno := f.sys.PathOpen(f.ctx, f.root, SymlinkFollow, name, oflags, rights, fsFileRights|fsDirRights, 0)
	if errno == EISDIR && !oflags.Has(ODirectory) {
		fd, errno = f.sys.PathOpen(f.ctx, f.root, SymlinkFollow, name, oflags|ODirectory, fsDirRights, fsFileRights|fsDirRights, 0)
	}
	if errno != ESUCCESS {
		return -1, pathErr(op, name, errno)
	}
	return fd, nil
}

// Open implements fs.FS.
func (f *sysFS) Open(name string) (fs.File, error) {
	fd, err := f.openFD("open", name, 0)
	if err != nil {
		return nil, err
	}
	return &fsFile{fsys: f, fd: fd, name: name}, nil
}

// Stat implements fs.StatFS; it follows symlinks.
func (f *sysFS) Stat(name string) (fs.FileInfo, error) {
	return f.stat("stat", name, SymlinkFollow)
}

// Lstat implements fs.ReadLinkFS; it does not follow a final symlink.
func (f *sysFS) Lstat(name string) (fs.FileInfo, error) {
	return f.stat("lstat", name, 0)
}

func (f *sysFS) stat(op, name string, flags LookupFlags) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, pathErr(op, name, fs.ErrInvalid)
	}
	f.mu.Lock()
	st, errno := f.sys.PathFileStatGet(f.ctx, f.root, flags, name)
	f.mu.Unlock()
	if errno != ESUCCESS {
		return nil, pathErr(op, name, errno)
	}
	return &fileInfo{name: path.Base(name), st: st}, nil
}

// ReadLink implements fs.ReadLinkFS.
func (f *sysFS) ReadLink(name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", pathErr("readlink", name, fs.ErrInvalid)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// path_readlink truncates silently: grow until the target fits with
	// room to spare.
	for size := 256; size <= fsMaxLinkSize; size *= 2 {
		buf := make([]byte, size)
		n, errno := f.sys.PathReadLink(f.ctx, f.root, name, buf)
		if errno != ESUCCESS {
			return "", pathErr("readlink", name, errno)
		}
		if int(n) < len(buf) {
			return string(buf[:n]), nil
		}
	}
	return "", pathErr("readlink", name, ENAMETOOLONG)
}

// ReadDir implements fs.ReadDirFS: entries sorted by name, without "."
// and "..".
func (f *sysFS) ReadDir(name string) ([]fs.DirEntry, error) {
	fd, err := f.openFD("readdir", name, ODirectory)
	if err != nil {
		return nil, err
	}
	d := &fsFile{fsys: f, fd: fd, name: name}
	entries, err := d.ReadDir(-1)
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

// ReadFile implements fs.ReadFileFS.
func (f *sysFS) ReadFile(name string) ([]byte, error) {
	file, err := f.Open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	ff := file.(*fsFile)
	size := 512
	f.mu.Lock()
	if st, errno := f.sys.FDFileStatGet(f.ctx, ff.fd); errno == ESUCCESS && st.Size < 1<<26 {
		// A size hint only: the file may change while it is read. Capped so
		// that a lying size does not allocate for it.
		size += int(st.Size)
	}
	f.mu.Unlock()
	data := make([]byte, 0, size)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := ff.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// fsFile is an open file or directory of a sysFS.
type fsFile struct {
	fsys   *sysFS
	fd     FD
	name   string
	closed bool
	iov    [1]IOVec
	dir    *dirReader
}

func (f *fsFile) check(op string) error {
	if f.closed {
		return pathErr(op, f.name, fs.ErrClosed)
	}
	return nil
}

// Stat implements fs.File.
func (f *fsFile) Stat() (fs.FileInfo, error) {
	if err := f.check("stat"); err != nil {
		return nil, err
	}
	f.fsys.mu.Lock()
	st, errno := f.fsys.sys.FDFileStatGet(f.fsys.ctx, f.fd)
	f.fsys.mu.Unlock()
	if errno != ESUCCESS {
		return nil, pathErr("stat", f.name, errno)
	}
	return &fileInfo{name: path.Base(f.name), st: st}, nil
}

// Read implements fs.File.
func (f *fsFile) Read(p []byte) (int, error) {
	if err := f.check("read"); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	f.fsys.mu.Lock()
	f.iov[0] = p
	n, errno := f.fsys.sys.FDRead(f.fsys.ctx, f.fd, f.iov[:])
	f.iov[0] = nil
	f.fsys.mu.Unlock()
	if int(n) > len(p) {
		return 0, pathErr("read", f.name, EIO)
	}
	if errno != ESUCCESS {
		return int(n), pathErr("read", f.name, errno)
	}
	if n == 0 {
		return 0, io.EOF
	}
	return int(n), nil
}

// ReadAt implements io.ReaderAt with fd_pread.
func (f *fsFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.check("read"); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, pathErr("read", f.name, fs.ErrInvalid)
	}
	done := 0
	for done < len(p) {
		f.fsys.mu.Lock()
		f.iov[0] = p[done:]
		n, errno := f.fsys.sys.FDPread(f.fsys.ctx, f.fd, f.iov[:], FileSize(off)+FileSize(done))
		f.iov[0] = nil
		f.fsys.mu.Unlock()
		if int(n) > len(p)-done {
			return done, pathErr("read", f.name, EIO)
		}
		done += int(n)
		if errno != ESUCCESS {
			return done, pathErr("read", f.name, errno)
		}
		if n == 0 {
			return done, io.EOF
		}
	}
	return done, nil
}

// Seek implements io.Seeker with fd_seek.
func (f *fsFile) Seek(offset int64, whence int) (int64, error) {
	if err := f.check("seek"); err != nil {
		return 0, err
	}
	var w Whence
	switch whence {
	case io.SeekStart:
		w = WhenceSet
	case io.SeekCurrent:
		w = WhenceCur
	case io.SeekEnd:
		w = WhenceEnd
	default:
		return 0, pathErr("seek", f.name, fs.ErrInvalid)
	}
	f.fsys.mu.Lock()
	pos, errno := f.fsys.sys.FDSeek(f.fsys.ctx, f.fd, offset, w)
	f.fsys.mu.Unlock()
	if errno != ESUCCESS {
		return 0, pathErr("seek", f.name, errno)
	}
	if pos > math.MaxInt64 {
		return 0, pathErr("seek", f.name, EOVERFLOW)
	}
	if f.dir != nil && w == WhenceSet && offset == 0 {
		f.dir = nil // rewinddir
	}
	return int64(pos), nil
}

// Close implements fs.File.
func (f *fsFile) Close() error {
	if err := f.check("close"); err != nil {
		return err
	}
	f.closed = true
	f.dir = nil
	f.fsys.mu.Lock()
	errno := f.fsys.sys.FDClose(f.fsys.ctx, f.fd)
	f.fsys.mu.Unlock()
	if errno != ESUCCESS {
		return pathErr("close", f.name, errno)
	}
	return nil
}

// ReadDir implements fs.ReadDirFile, without "." and "..".
func (f *fsFile) ReadDir(n int) ([]fs.DirEntry, error) {
	if err := f.check("readdir"); err != nil {
		return nil, err
	}
	if f.dir == nil {
		f.dir = &dirReader{buf: make([]byte, f.fsys.dirBufSize)}
	}
	d := f.dir
	for !d.eof && (n <= 0 || len(d.pending) < n) {
		if err := f.fill(); err != nil {
			out := d.pending
			d.pending = nil
			return out, err
		}
	}
	if n <= 0 {
		out := d.pending
		d.pending = nil
		if out == nil {
			out = []fs.DirEntry{}
		}
		return out, nil
	}
	if len(d.pending) == 0 {
		return nil, io.EOF
	}
	k := min(n, len(d.pending))
	out := slices.Clone(d.pending[:k])
	d.pending = d.pending[k:]
	return out, nil
}

// dirReader is the state of a directory listing: the fd_readdir buffer,
// the cookie of the next entry and the entries decoded but not returned.
type dirReader struct {
	buf     []byte
	cookie  DirCookie
	eof     bool
	pending []fs.DirEntry
}

// fill reads one buffer of entries. fd_readdir fills the buffer and cuts
// the last entry short when it does not fit; the cookie of the last whole
// entry says where to resume. If not even one entry fits, the buffer grows.
func (f *fsFile) fill() error {
	d := f.dir
	for {
		f.fsys.mu.Lock()
		n, errno := f.fsys.sys.FDReadDir(f.fsys.ctx, f.fd, d.buf, d.cookie)
		f.fsys.mu.Unlock()
		if errno != ESUCCESS {
			return pathErr("readdir", f.name, errno)
		}
		if int(n) > len(d.buf) {
			return pathErr("readdir", f.name, EIO)
		}
		data := d.buf[:n]
		whole := 0
		start := d.cookie
		for len(data) >= DirentSize {
			var de Dirent
			de.Get(data)
			if uint64(len(data)-DirentSize) < uint64(de.NameLen) {
				break // cut short: read again from d.cookie
			}
			name := string(data[DirentSize : DirentSize+int(de.NameLen)])
			data = data[DirentSize+int(de.NameLen):]
			d.cookie = de.Next
			whole++
			if name == "." || name == ".." || name == "" || strings.Contains(name, "/") {
				continue
			}
			if err := f.addEntry(name, de); err != nil {
				return err
			}
		}
		switch {
		case int(n) < len(d.buf):
			d.eof = true
			return nil
		case whole == 0:
			if len(d.buf) >= fsMaxDirBufSize {
				return pathErr("readdir", f.name, ENAMETOOLONG)
			}
			d.buf = make([]byte, 2*len(d.buf))
		case d.cookie == start:
			// The System handed back the cookie it was given: reading on
			// would loop forever.
			return pathErr("readdir", f.name, EIO)
		default:
			return nil
		}
	}
}

func (f *fsFile) addEntry(name string, de Dirent) error {
	full := name
	if f.name != "." {
		full = f.name + "/" + name
	}
	e := &dirEntry{fsys: f.fsys, name: name, path: full, typ: de.Type}
	if de.Type == UnknownType {
		// Some file systems do not report types in directory listings;
		// Type must still agree with Info.
		f.fsys.mu.Lock()
		st, errno := f.fsys.sys.PathFileStatGet(f.fsys.ctx, f.fsys.root, 0, full)
		f.fsys.mu.Unlock()
		if errno == ESUCCESS {
			e.typ = st.FileType
		} else if errno != ENOENT { // removed since it was listed: keep it, Info will say
			return pathErr("readdir", full, errno)
		}
	}
	f.dir.pending = append(f.dir.pending, e)
	return nil
}

// dirEntry implements fs.DirEntry. Info is a path_filestat_get without
// symlink following, relative to the FS root (the directory's own
// descriptor may be closed by then).
type dirEntry struct {
	fsys *sysFS
	name string
	path string
	typ  FileType
}

func (e *dirEntry) Name() string               { return e.name }
func (e *dirEntry) IsDir() bool                { return e.typ == DirectoryType }
func (e *dirEntry) Type() fs.FileMode          { return fileMode(e.typ).Type() }
func (e *dirEntry) String() string             { return fs.FormatDirEntry(e) }
func (e *dirEntry) Info() (fs.FileInfo, error) { return e.fsys.stat("stat", e.path, 0) }

// fileInfo implements fs.FileInfo; Sys returns the FileStat.
type fileInfo struct {
	name string
	st   FileStat
}

func (i *fileInfo) Name() string       { return i.name }
func (i *fileInfo) Size() int64        { return int64(min(i.st.Size, math.MaxInt64)) }
func (i *fileInfo) Mode() fs.FileMode  { return fileMode(i.st.FileType) }
func (i *fileInfo) ModTime() time.Time { return time.Unix(0, int64(min(i.st.MTime, math.MaxInt64))) }
func (i *fileInfo) IsDir() bool        { return i.st.FileType == DirectoryType }
func (i *fileInfo) Sys() any           { return i.st }
func (i *fileInfo) String() string     { return fs.FormatFileInfo(i) }

// fileMode maps a WASI file type to a mode. WASI has no permission bits:
// the FS is read-only, so files show 0o444 and directories 0o555.
func fileMode(t FileType) fs.FileMode {
	switch t {
	case RegularFileType:
		return 0o444
	case DirectoryType:
		return fs.ModeDir | 0o555
	case SymbolicLinkType:
		return fs.ModeSymlink | 0o777
	case CharacterDeviceType:
		return fs.ModeDevice | fs.ModeCharDevice | 0o444
	case BlockDeviceType:
		return fs.ModeDevice | 0o444
	case SocketDGramType, SocketStreamType:
		return fs.ModeSocket | 0o444
	}
	return fs.ModeIrregular | 0o444
}
