//go:build linux

package unix

import (
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// listenerEnv is a System with one preopen (fd 3) and the preopened
// listeners made from addrs (fds 4, 5, ...), without AllowSockets: a
// preopened listener needs no socket-creating grant.
func listenerEnv(t *testing.T, addrs ...string) (*System, []netip.AddrPort) {
	t.Helper()
	var fds []int
	var bound []netip.AddrPort
	for _, a := range addrs {
		fd, err := ListenTCP(netip.MustParseAddrPort(a))
		if err != nil {
			if strings.Contains(a, "[") {
				t.Skipf("no IPv6 loopback: %v", err)
			}
			t.Fatal(err)
		}
		defer unix.Close(fd) // New duplicates it
		ap, err := ListenerAddr(fd)
		if err != nil {
			t.Fatal(err)
		}
		fds = append(fds, fd)
		bound = append(bound, ap)
	}
	s, err := New(Config{
		Stdin: -1, Stdout: -1, Stderr: -1,
		Preopens:  []Preopen{{HostPath: t.TempDir(), GuestPath: "/sandbox"}},
		Listeners: fds,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s, bound
}

func TestPreopenedListener(t *testing.T) {
	ctx := t.Context()
	s, addrs := listenerEnv(t, "127.0.0.1:0", "[::1]:0")

	// The preopen scan of wasi-libc and Go stops at the first EBADF: the
	// folder comes first and the sockets answer EBADF.
	if _, errno := s.FDPrestatGet(ctx, 3); errno != wasi.ESUCCESS {
		t.Fatalf("prestat of the folder: %v", errno)
	}
	for fd := wasi.FD(4); fd <= 5; fd++ {
		if _, errno := s.FDPrestatGet(ctx, fd); errno != wasi.EBADF {
			t.Errorf("prestat of listener %d: %v, want EBADF", fd, errno)
		}
		st, errno := s.FDStatGet(ctx, fd)
		if errno != wasi.ESUCCESS || st.FileType != wasi.SocketStreamType {
			t.Fatalf("fdstat of listener %d: %+v %v", fd, st, errno)
		}
		if st.Flags.Has(wasi.NonBlock) {
			t.Errorf("listener %d starts non-blocking", fd)
		}
		if !st.RightsBase.Has(wasi.SockAcceptRight) {
			t.Errorf("listener %d lacks sock_accept: %v", fd, st.RightsBase)
		}
	}
	local, errno := s.SockLocalAddress(ctx, 4)
	if errno != wasi.ESUCCESS || local.Addr != addrs[0] || local.Family != wasi.InetFamily {
		t.Errorf("local address of fd 4: %v %v, want %v", local, errno, addrs[0])
	}
	local, errno = s.SockLocalAddress(ctx, 5)
	if errno != wasi.ESUCCESS || local.Addr != addrs[1] || local.Family != wasi.Inet6Family {
		t.Errorf("local address of fd 5: %v %v, want %v", local, errno, addrs[1])
	}

	// Blocking accept waits for the client; the connection echoes.
	for i, fd := range []wasi.FD{4, 5} {
		done := make(chan error, 1)
		go func() {
			c, err := net.Dial("tcp", addrs[i].String())
			if err != nil {
				done <- err
				return
			}
			defer c.Close()
			if _, err := c.Write([]byte("ping")); err != nil {
				done <- err
				return
			}
			b := make([]byte, 4)
			_, err = io.ReadFull(c, b)
			if err == nil && string(b) != "pong" {
				err = io.ErrUnexpectedEOF
			}
			done <- err
		}()
		cfd, peer, errno := s.SockAccept(ctx, fd, 0)
		if errno != wasi.ESUCCESS {
			t.Fatalf("accept on %d: %v", fd, errno)
		}
		if !peer.Addr.Addr().IsLoopback() {
			t.Errorf("peer %v is not loopback", peer)
		}
		buf := make([]byte, 4)
		n, _, errno := s.SockRecv(ctx, cfd, []wasi.IOVec{buf}, wasi.RecvWaitAll)
		if errno != wasi.ESUCCESS || string(buf[:n]) != "ping" {
			t.Fatalf("recv: %q %v", buf[:n], errno)
		}
		if _, errno := s.SockSend(ctx, cfd, []wasi.IOVec{[]byte("pong")}, 0); errno != wasi.ESUCCESS {
			t.Fatalf("send: %v", errno)
		}
		if err := <-done; err != nil {
			t.Fatalf("client: %v", err)
		}
		st, _ := s.FDStatGet(ctx, cfd)
		if st.RightsBase&^wasi.SocketRights != 0 {
			t.Errorf("accepted connection has rights beyond the socket's: %v", st.RightsBase)
		}
		sockWant(t, "close", s.FDClose(ctx, cfd), wasi.ESUCCESS)
	}

	// Non-blocking: EAGAIN with nothing pending.
	sockWant(t, "set nonblock", s.FDStatSetFlags(ctx, 4, wasi.NonBlock), wasi.ESUCCESS)
	if _, _, errno := s.SockAccept(ctx, 4, wasi.NonBlock); errno != wasi.EAGAIN {
		t.Errorf("non-blocking accept with nothing pending: %v, want EAGAIN", errno)
	}

	// Wake ends a blocking accept (the host socket never blocks a thread).
	go func() {
		time.Sleep(50 * time.Millisecond)
		s.Wake()
	}()
	if _, _, errno := s.SockAccept(ctx, 5, 0); errno != wasi.ECANCELED {
		t.Errorf("accept after Wake: %v, want ECANCELED", errno)
	}
}

// TestPreopenedListenerRefused: New accepts only listening inet stream
// sockets, and leaves nothing open when it refuses one.
func TestPreopenedListenerRefused(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "notasocket")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	udp, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(udp)
	idle, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(idle)
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(pair[0])
	defer unix.Close(pair[1])
	before := openFDs(t)
	for name, fd := range map[string]int{
		"regular file":         int(f.Fd()),
		"udp socket":           udp,
		"stream not listening": idle,
		"unix socket":          pair[0],
		"closed descriptor":    1 << 20,
	} {
		if _, err := New(Config{Stdin: -1, Stdout: -1, Stderr: -1, Listeners: []int{fd}}); err == nil {
			t.Errorf("%s accepted as a listener", name)
		}
	}
	if after := openFDs(t); after != before {
		t.Errorf("open descriptors: %d before, %d after refused News", before, after)
	}
}

func TestListenTCP(t *testing.T) {
	fd, err := ListenTCP(netip.MustParseAddrPort("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	ap, err := ListenerAddr(fd)
	if err != nil || ap.Port() == 0 {
		t.Fatalf("ListenerAddr: %v %v", ap, err)
	}
	// Accepted connections have TCP_NODELAY (inherited from the listener).
	c, err := net.Dial("tcp", ap.String())
	if err != nil {
		t.Fatal(err)
	}
	nfd, _, err := unix.Accept4(fd, unix.SOCK_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := unix.GetsockoptInt(nfd, unix.IPPROTO_TCP, unix.TCP_NODELAY); err != nil || v != 1 {
		t.Errorf("accepted connection: TCP_NODELAY %d %v, want 1", v, err)
	}
	unix.Close(nfd)
	c.Close()
	// Taken: a second listener on the same port fails with a clear error.
	if fd2, err := ListenTCP(ap); err == nil {
		unix.Close(fd2)
		t.Error("second listener on a taken port succeeded")
	} else if !strings.Contains(err.Error(), ap.String()) {
		t.Errorf("error does not name the address: %v", err)
	}
	unix.Close(fd)
	// SO_REUSEADDR: the port can be listened on again at once.
	fd, err = ListenTCP(ap)
	if err != nil {
		t.Fatalf("listen again on %v: %v", ap, err)
	}
	unix.Close(fd)
	if _, err := ListenTCP(netip.AddrPort{}); err == nil {
		t.Error("invalid address accepted")
	}
}

// openFDs counts this process's open descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}
