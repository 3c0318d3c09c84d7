//go:build linux

package unix

import (
	"context"
	"encoding/binary"
	"math"
	"syscall"
	"time"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// sockOptKind says how an allowed option's value is encoded in the guest's
// buffer and where it lives.
type sockOptKind uint8

const (
	optInt        sockOptKind = iota // little-endian int32, the host's option
	optReadOnly                      // optInt that cannot be set
	optType                          // SO_TYPE: read-only, WasmEdge numbering
	optError                         // SO_ERROR: read-only, a WASI errno
	optLinger                        // SO_LINGER: int32 l_onoff, int32 l_linger (8 bytes); see sockState
	optRcvTimeout                    // SO_RCVTIMEO: int64 tv_sec, int64 tv_usec (16 bytes); emulated
	optSndTimeout                    // SO_SNDTIMEO: as optRcvTimeout
)

// sockOpt is one allowed socket option: its guest name, its host name and
// its encoding.
type sockOpt struct {
	level     wasi.SockOptLevel
	name      wasi.SockOption
	hostLevel int
	hostName  int
	kind      sockOptKind
}

// sockOpts is the allow-list of socket options (design decision 5: "only a
// short list of socket options is allowed"). Every other option, notably
// SO_BINDTODEVICE (which would pick a host interface and step around
// address-based rules), is ENOPROTOOPT. Guest values are little-endian,
// wasm32's struct layouts (struct timeval is two int64 in wasi-libc).
var sockOpts = [...]sockOpt{
	{wasi.SolSocket, wasi.SoReuseAddr, unix.SOL_SOCKET, unix.SO_REUSEADDR, optInt},
	{wasi.SolSocket, wasi.SoType, unix.SOL_SOCKET, unix.SO_TYPE, optType},
	{wasi.SolSocket, wasi.SoError, unix.SOL_SOCKET, unix.SO_ERROR, optError},
	{wasi.SolSocket, wasi.SoBroadcast, unix.SOL_SOCKET, unix.SO_BROADCAST, optInt},
	{wasi.SolSocket, wasi.SoSndBuf, unix.SOL_SOCKET, unix.SO_SNDBUF, optInt},
	{wasi.SolSocket, wasi.SoRcvBuf, unix.SOL_SOCKET, unix.SO_RCVBUF, optInt},
	{wasi.SolSocket, wasi.SoKeepAlive, unix.SOL_SOCKET, unix.SO_KEEPALIVE, optInt},
	{wasi.SolSocket, wasi.SoLinger, unix.SOL_SOCKET, unix.SO_LINGER, optLinger},
	{wasi.SolSocket, wasi.SoRcvTimeo, unix.SOL_SOCKET, unix.SO_RCVTIMEO, optRcvTimeout},
	{wasi.SolSocket, wasi.SoSndTimeo, unix.SOL_SOCKET, unix.SO_SNDTIMEO, optSndTimeout},
	{wasi.SolSocket, wasi.SoAcceptConn, unix.SOL_SOCKET, unix.SO_ACCEPTCONN, optReadOnly},
	{wasi.SolTCP, wasi.TCPNoDelay, unix.IPPROTO_TCP, unix.TCP_NODELAY, optInt},
}

func findSockOpt(level wasi.SockOptLevel, name wasi.SockOption) *sockOpt {
	for i := range sockOpts {
		if o := &sockOpts[i]; o.level == level && o.name == name {
			return o
		}
	}
	return nil
}

// size is the number of bytes of the option's guest value.
func (o *sockOpt) size() int {
	switch o.kind {
	case optLinger:
		return 8
	case optRcvTimeout, optSndTimeout:
		return 16
	}
	return 4
}

// SockGetOpt implements wasi.System (WasmEdge sock_getsockopt).
//
// It writes the option's value at the start of value and returns its size
// (4 bytes; 8 for SO_LINGER; 16 for the time options). SO_TYPE uses the
// WasmEdge numbering (1 datagram, 2 stream) and SO_ERROR is a WASI errno,
// as WasmEdge translates them; reading SO_ERROR clears it, as in the
// kernel.
//
// Errors: EBADF, ENOTSOCK, ENOPROTOOPT (an option outside the allow-list),
// EINVAL (value too short for the option), or the kernel's.
func (s *System) SockGetOpt(ctx context.Context, fd wasi.FD, level wasi.SockOptLevel, name wasi.SockOption, value []byte) (int, wasi.Errno) {
	f, errno := s.sockFile(fd, 0)
	if errno != wasi.ESUCCESS {
		return 0, errno
	}
	o := findSockOpt(level, name)
	if o == nil {
		return 0, wasi.ENOPROTOOPT
	}
	n := o.size()
	if len(value) < n {
		return 0, wasi.EINVAL
	}
	switch o.kind {
	case optLinger:
		on := int32(0)
		if f.sock.lingerOn {
			on = 1
		}
		binary.LittleEndian.PutUint32(value[0:], uint32(on))
		binary.LittleEndian.PutUint32(value[4:], uint32(f.sock.lingerSecond))
		return n, wasi.ESUCCESS
	case optRcvTimeout, optSndTimeout:
		d := f.sock.rcvTimeout
		if o.kind == optSndTimeout {
			d = f.sock.sndTimeout
		}
		binary.LittleEndian.PutUint64(value[0:], uint64(d/time.Second))
		binary.LittleEndian.PutUint64(value[8:], uint64(d%time.Second/time.Microsecond))
		return n, wasi.ESUCCESS
	}
	v, err := unix.GetsockoptInt(f.fd, o.hostLevel, o.hostName)
	if err != nil {
		return 0, wasi.ErrnoOf(err)
	}
	switch o.kind {
	case optType:
		switch v {
		case unix.SOCK_STREAM:
			v = int(wasi.StreamSocket)
		case unix.SOCK_DGRAM:
			v = int(wasi.DatagramSocket)
		default:
			v = int(wasi.AnySocket)
		}
	case optError:
		v = int(errnoOf(syscall.Errno(v)))
	}
	binary.LittleEndian.PutUint32(value, uint32(int32(v)))
	return n, wasi.ESUCCESS
}

// SockSetOpt implements wasi.System (WasmEdge sock_setsockopt).
//
// value holds the option's value in the SockGetOpt encoding; bytes past
// its size are ignored. SO_RCVTIMEO and SO_SNDTIMEO are kept by the System
// and bound its emulated blocking waits (a zero time means no limit, a
// negative one "do not wait", as in Linux). SO_LINGER is kept too: an
// abortive close (on, 0 seconds) is passed to the host, but a lingering
// close is not, because close(2) of a lingering socket blocks the host
// thread where Wake cannot interrupt it (design decision 8); such a socket
// closes in the background instead, as without SO_LINGER.
//
// Errors: EBADF, ENOTSOCK, ENOPROTOOPT (an option outside the allow-list,
// or a read-only one: SO_TYPE, SO_ERROR, SO_ACCEPTCONN), EINVAL (value too
// short), EDOM (tv_usec outside [0, 1000000)), or the kernel's.
func (s *System) SockSetOpt(ctx context.Context, fd wasi.FD, level wasi.SockOptLevel, name wasi.SockOption, value []byte) wasi.Errno {
	f, errno := s.sockFile(fd, 0)
	if errno != wasi.ESUCCESS {
		return errno
	}
	o := findSockOpt(level, name)
	if o == nil {
		return wasi.ENOPROTOOPT
	}
	if len(value) < o.size() {
		return wasi.EINVAL
	}
	switch o.kind {
	case optInt:
		return wasi.ErrnoOf(unix.SetsockoptInt(f.fd, o.hostLevel, o.hostName, int(int32(binary.LittleEndian.Uint32(value)))))
	case optLinger:
		on := binary.LittleEndian.Uint32(value[0:]) != 0
		secs := int32(binary.LittleEndian.Uint32(value[4:]))
		host := unix.Linger{}
		if on && secs == 0 {
			host.Onoff = 1 // abortive close (RST): never blocks
		}
		if err := unix.SetsockoptLinger(f.fd, o.hostLevel, o.hostName, &host); err != nil {
			return wasi.ErrnoOf(err)
		}
		f.sock.lingerOn, f.sock.lingerSecond = on, secs
		return wasi.ESUCCESS
	case optRcvTimeout, optSndTimeout:
		d, errno := timeoutOf(int64(binary.LittleEndian.Uint64(value[0:])), int64(binary.LittleEndian.Uint64(value[8:])))
		if errno != wasi.ESUCCESS {
			return errno
		}
		if o.kind == optRcvTimeout {
			f.sock.rcvTimeout = d
		} else {
			f.sock.sndTimeout = d
		}
		return wasi.ESUCCESS
	}
	return wasi.ENOPROTOOPT // read-only, as in the kernel
}

// timeoutOf converts a guest struct timeval as Linux's sock_set_timeout
// does: {0, 0} and times too large to count are "no limit" (0); a
// negative time is "do not wait" (the smallest duration).
func timeoutOf(sec, usec int64) (time.Duration, wasi.Errno) {
	if usec < 0 || usec >= 1e6 {
		return 0, wasi.EDOM
	}
	switch {
	case sec < 0:
		return time.Nanosecond, wasi.ESUCCESS
	case sec >= math.MaxInt64/int64(time.Second)-1:
		return 0, wasi.ESUCCESS
	}
	return time.Duration(sec)*time.Second + time.Duration(usec)*time.Microsecond, wasi.ESUCCESS
}
