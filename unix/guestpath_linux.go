//go:build linux

package unix

import (
	"context"
	"path"
	"strconv"
	"strings"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

var _ wasi.GuestPather = (*System)(nil)

// FDGuestPath implements wasi.GuestPather: the kernel's view of where fd
// is (/proc/self/fd/N, after every symlink), mapped back through the
// preopen whose host folder is the longest prefix of it.
func (s *System) FDGuestPath(ctx context.Context, fd wasi.FD) (string, wasi.Errno) {
	f, errno := s.lookup(fd, 0)
	if errno != wasi.ESUCCESS {
		return "", errno
	}
	var buf [4096]byte
	n, err := unix.Readlink("/proc/self/fd/"+strconv.Itoa(f.fd), buf[:])
	if err != nil {
		return "", wasi.ErrnoOf(err)
	}
	host := string(buf[:n])
	if strings.HasSuffix(host, " (deleted)") {
		return "", wasi.ENOENT
	}
	best := -1
	var guest string
	for _, p := range s.files {
		if p == nil || p.hostPath == "" {
			continue
		}
		rel, ok := cutDir(host, p.hostPath)
		if !ok || len(p.hostPath) <= best {
			continue
		}
		best = len(p.hostPath)
		guest = path.Join(p.preopen, rel)
		if !strings.HasPrefix(guest, "/") {
			guest = "/" + guest
		}
	}
	if best < 0 {
		return "", wasi.ENOENT
	}
	return guest, wasi.ESUCCESS
}

// cutDir returns p relative to dir if p is dir or lies beneath it.
func cutDir(p, dir string) (string, bool) {
	if dir == "/" {
		return strings.TrimPrefix(p, "/"), strings.HasPrefix(p, "/")
	}
	if p == dir {
		return "", true
	}
	if rest, ok := strings.CutPrefix(p, dir); ok && strings.HasPrefix(rest, "/") {
		return rest[1:], true
	}
	return "", false
}
