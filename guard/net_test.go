package guard

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/wasibox/wasibox/wasi"
)

// Network tests use the loopback only: host listeners the guest connects
// to, and host clients of guest listeners.

func inet(s string) wasi.SockAddr {
	ap := netip.MustParseAddrPort(s)
	if ap.Addr().Is6() {
		return wasi.SockAddr{Family: wasi.Inet6Family, Addr: ap}
	}
	return wasi.SockAddr{Family: wasi.InetFamily, Addr: ap}
}

func hostListener(t *testing.T) (net.Listener, int) {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, l.Addr().(*net.TCPAddr).Port
}

// socket opens a guest socket that the test expects to be allowed.
func (h *harness) socket(t *testing.T, family wasi.ProtocolFamily, typ wasi.SocketType) wasi.FD {
	t.Helper()
	fd, errno := h.sys.SockOpen(h.ctx, family, typ, 0, wasi.SocketRights, wasi.SocketRights)
	if errno != wasi.ESUCCESS {
		t.Fatalf("sock_open %v %v: %v (log %q)", family, typ, errno, h.log.String())
	}
	h.records = nil
	return fd
}

func TestSockOpen(t *testing.T) {
	t.Run("no network grant", func(t *testing.T) {
		h := newHarness(t, setup{manifest: "version: 1\n"})
		_, errno := h.sys.SockOpen(h.ctx, wasi.InetFamily, wasi.StreamSocket, 0, wasi.SocketRights, wasi.SocketRights)
		h.wantDenied(t, errno, "sock_open", "tcp/inet", "grant: net.connect or net.listen")
	})
	h := newHarness(t, setup{manifest: "version: 1\nnet: {connect: [\"tcp://127.0.0.1:80\"]}\n"})
	t.Run("granted protocol", func(t *testing.T) {
		fd := h.socket(t, wasi.Inet6Family, wasi.StreamSocket)
		h.wantErrno(t, h.sys.FDClose(h.ctx, fd), wasi.ESUCCESS)
	})
	t.Run("other protocol", func(t *testing.T) {
		_, errno := h.sys.SockOpen(h.ctx, wasi.InetFamily, wasi.DatagramSocket, 0, wasi.SocketRights, wasi.SocketRights)
		h.wantDenied(t, errno, "sock_open", "udp/inet", "no net.connect or net.listen grant for udp")
	})
	t.Run("unix domain", func(t *testing.T) {
		_, errno := h.sys.SockOpen(h.ctx, wasi.UnixFamily, wasi.StreamSocket, 0, wasi.SocketRights, wasi.SocketRights)
		h.wantDenied(t, errno, "sock_open", "tcp/unix", "never granted")
	})
	t.Run("policy", func(t *testing.T) {
		h := newHarness(t, setup{manifest: "version: 1\nnet: {connect: [\"tcp://127.0.0.1:80\"]}\n",
			rego: "package wasibox\ndeny contains \"no IPv6\" if { input.op == \"sock_open\"; input.family == \"inet6\" }\n"})
		_, errno := h.sys.SockOpen(h.ctx, wasi.Inet6Family, wasi.StreamSocket, 0, wasi.SocketRights, wasi.SocketRights)
		h.wantDenied(t, errno, "sock_open", "tcp/inet6", "policy: no IPv6")
		h.socket(t, wasi.InetFamily, wasi.StreamSocket)
	})
}

func TestSockConnect(t *testing.T) {
	_, port := hostListener(t)
	_, pinnedPort := hostListener(t)
	h := newHarness(t, setup{manifest: fmt.Sprintf(`version: 1
net:
  connect: ["tcp://127.0.0.1:%d", "tcp://localhost:%d"]
  lookup: [localhost]
`, port, pinnedPort)})
	tests := []struct {
		name   string
		family wasi.ProtocolFamily
		addr   string
		object string // denied if set
	}{
		{"granted", wasi.InetFamily, fmt.Sprintf("127.0.0.1:%d", port), ""},
		{"other port", wasi.InetFamily, fmt.Sprintf("127.0.0.1:%d", port+1), fmt.Sprintf("tcp://127.0.0.1:%d", port+1)},
		{"other address", wasi.InetFamily, fmt.Sprintf("127.0.0.2:%d", port), fmt.Sprintf("tcp://127.0.0.2:%d", port)},
		{"unspecified is loopback", wasi.InetFamily, fmt.Sprintf("0.0.0.0:%d", port), ""},
		{"IPv4-mapped", wasi.Inet6Family, fmt.Sprintf("[::ffff:127.0.0.1]:%d", port), ""},
		{"IPv4-mapped other address", wasi.Inet6Family, fmt.Sprintf("[::ffff:127.0.0.2]:%d", port), fmt.Sprintf("tcp://127.0.0.2:%d", port)},
		{"IPv4-mapped unspecified", wasi.Inet6Family, fmt.Sprintf("[::ffff:0.0.0.0]:%d", port), ""},
		{"IPv6 unspecified is the IPv6 loopback", wasi.Inet6Family, fmt.Sprintf("[::]:%d", port), fmt.Sprintf("tcp://[::1]:%d", port)},
		{"name not resolved yet", wasi.InetFamily, fmt.Sprintf("127.0.0.1:%d", pinnedPort), fmt.Sprintf("tcp://127.0.0.1:%d", pinnedPort)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fd := h.socket(t, tt.family, wasi.StreamSocket)
			defer h.sys.FDClose(h.ctx, fd)
			errno := h.sys.SockConnect(h.ctx, fd, inet(tt.addr))
			if tt.object != "" {
				h.wantDenied(t, errno, "sock_connect", tt.object, "grant: net.connect \""+tt.object+"\"")
				return
			}
			h.wantErrno(t, errno, wasi.ESUCCESS)
		})
	}

	// Pinning: a name grant allows exactly what the resolver returned.
	var res [8]wasi.AddrInfo
	n, errno := h.sys.SockAddressInfo(h.ctx, "localhost", "", wasi.AddrInfo{Family: wasi.InetFamily, SocketType: wasi.StreamSocket}, res[:])
	h.wantErrno(t, errno, wasi.ESUCCESS)
	if n == 0 || res[0].Addr.Addr.Addr() != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("localhost resolved to %v", res[:n])
	}
	fd := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
	h.wantErrno(t, h.sys.SockConnect(h.ctx, fd, inet(fmt.Sprintf("127.0.0.1:%d", pinnedPort))), wasi.ESUCCESS)
	fd = h.socket(t, wasi.InetFamily, wasi.StreamSocket)
	errno = h.sys.SockConnect(h.ctx, fd, inet(fmt.Sprintf("127.0.0.2:%d", pinnedPort)))
	h.wantDenied(t, errno, "sock_connect", fmt.Sprintf("tcp://127.0.0.2:%d", pinnedPort), "")

	t.Run("only another address granted", func(t *testing.T) {
		h := newHarness(t, setup{manifest: fmt.Sprintf("version: 1\nnet: {connect: [\"tcp://10.0.0.1:%d\"]}\n", port)})
		for _, a := range []string{fmt.Sprintf("[::ffff:127.0.0.1]:%d", port), fmt.Sprintf("0.0.0.0:%d", port), fmt.Sprintf("[::ffff:0.0.0.0]:%d", port)} {
			addr := inet(a)
			fd := h.socket(t, addr.Family, wasi.StreamSocket)
			h.wantDenied(t, h.sys.SockConnect(h.ctx, fd, addr), "sock_connect", fmt.Sprintf("tcp://127.0.0.1:%d", port), "")
		}
	})
	t.Run("policy", func(t *testing.T) {
		h := newHarness(t, setup{manifest: fmt.Sprintf("version: 1\nnet: {connect: [\"tcp://127.0.0.0/8:*\"]}\n"),
			rego: fmt.Sprintf("package wasibox\ndeny contains \"not that port\" if { input.op == \"sock_connect\"; input.port == %d }\n", port)})
		fd := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
		h.wantDenied(t, h.sys.SockConnect(h.ctx, fd, inet(fmt.Sprintf("127.0.0.1:%d", port))), "sock_connect", fmt.Sprintf("tcp://127.0.0.1:%d", port), "policy: not that port")
		h.wantErrno(t, h.sys.SockConnect(h.ctx, fd, inet(fmt.Sprintf("127.0.0.1:%d", pinnedPort))), wasi.ESUCCESS)
	})
	t.Run("unix domain", func(t *testing.T) {
		fd := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
		h.wantDenied(t, h.sys.SockConnect(h.ctx, fd, wasi.SockAddr{Family: wasi.UnixFamily, Path: "/run/docker.sock"}), "sock_connect", "unix:/run/docker.sock", "never granted")
	})
}

func TestSockBindListen(t *testing.T) {
	h := newHarness(t, setup{manifest: `version: 1
net:
  listen: ["tcp://127.0.0.1:*", "tcp://127.0.0.3:0", "udp://127.0.0.1:*"]
`})
	t.Run("granted", func(t *testing.T) {
		fd := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
		h.wantErrno(t, h.sys.SockBind(h.ctx, fd, inet("127.0.0.1:0")), wasi.ESUCCESS)
		h.wantErrno(t, h.sys.SockListen(h.ctx, fd, 8), wasi.ESUCCESS)
	})
	t.Run("every interface needs its own grant", func(t *testing.T) {
		fd := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
		h.wantDenied(t, h.sys.SockBind(h.ctx, fd, inet("0.0.0.0:8080")), "sock_bind", "tcp://0.0.0.0:8080", `grant: net.listen "tcp://0.0.0.0:8080"`)
		fd6 := h.socket(t, wasi.Inet6Family, wasi.StreamSocket)
		h.wantDenied(t, h.sys.SockBind(h.ctx, fd6, inet("[::]:8080")), "sock_bind", "tcp://[::]:8080", "")
	})
	t.Run("other address", func(t *testing.T) {
		fd := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
		h.wantDenied(t, h.sys.SockBind(h.ctx, fd, inet("127.0.0.2:8080")), "sock_bind", "tcp://127.0.0.2:8080", "")
	})
	t.Run("listen decides the port bound", func(t *testing.T) {
		// Port 0 is granted on 127.0.0.3, but not the port the kernel picks.
		fd := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
		h.wantErrno(t, h.sys.SockBind(h.ctx, fd, inet("127.0.0.3:0")), wasi.ESUCCESS)
		la, _ := h.sys.SockLocalAddress(h.ctx, fd)
		h.wantDenied(t, h.sys.SockListen(h.ctx, fd, 8), "sock_listen", fmt.Sprintf("tcp://127.0.0.3:%d", la.Addr.Port()), "")
	})
	t.Run("listen without bind", func(t *testing.T) {
		fd := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
		h.wantDenied(t, h.sys.SockListen(h.ctx, fd, 8), "sock_listen", "tcp://0.0.0.0:0", "")
	})
	t.Run("udp", func(t *testing.T) {
		fd := h.socket(t, wasi.InetFamily, wasi.DatagramSocket)
		h.wantErrno(t, h.sys.SockBind(h.ctx, fd, inet("127.0.0.1:0")), wasi.ESUCCESS)
		fd = h.socket(t, wasi.InetFamily, wasi.DatagramSocket)
		h.wantDenied(t, h.sys.SockBind(h.ctx, fd, inet("0.0.0.0:0")), "sock_bind", "udp://0.0.0.0:0", "")
	})
	t.Run("every interface granted", func(t *testing.T) {
		h := newHarness(t, setup{manifest: "version: 1\nnet: {listen: [\"tcp://0.0.0.0:*\"]}\n"})
		fd := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
		h.wantErrno(t, h.sys.SockBind(h.ctx, fd, inet("0.0.0.0:0")), wasi.ESUCCESS)
		h.wantErrno(t, h.sys.SockListen(h.ctx, fd, 8), wasi.ESUCCESS)
		// The grant is for listening, not for connecting anywhere.
		c := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
		h.wantDenied(t, h.sys.SockConnect(h.ctx, c, inet("127.0.0.1:9")), "sock_connect", "tcp://127.0.0.1:9", "")
	})
}

func TestSockAccept(t *testing.T) {
	h := newHarness(t, setup{manifest: "version: 1\nnet: {listen: [\"tcp://127.0.0.1:*\"]}\n",
		rego: "package wasibox\ndeny contains msg if { input.op == \"sock_accept\"; input.addr == \"127.0.0.5\"; msg := sprintf(\"peer %s refused\", [input.addr]) }\n"})
	l := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
	h.wantErrno(t, h.sys.SockBind(h.ctx, l, inet("127.0.0.1:0")), wasi.ESUCCESS)
	h.wantErrno(t, h.sys.SockListen(h.ctx, l, 8), wasi.ESUCCESS)
	la, _ := h.sys.SockLocalAddress(h.ctx, l)

	dial := func(from string) net.Conn {
		t.Helper()
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
		c, err := d.Dial("tcp4", la.Addr.String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	dial("127.0.0.1")
	fd, peer, errno := h.sys.SockAccept(h.ctx, l, 0)
	h.wantErrno(t, errno, wasi.ESUCCESS)
	if peer.Addr.Addr() != netip.MustParseAddr("127.0.0.1") {
		t.Errorf("peer %v", peer)
	}
	h.wantErrno(t, h.sys.FDClose(h.ctx, fd), wasi.ESUCCESS)

	c := dial("127.0.0.5")
	_, _, errno = h.sys.SockAccept(h.ctx, l, 0)
	h.wantDenied(t, errno, "sock_accept", "tcp://127.0.0.5:", "policy: peer 127.0.0.5 refused")
	// The refused connection was closed.
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF && !strings.Contains(fmt.Sprint(err), "reset") {
		t.Errorf("read from a refused connection: %v, want EOF", err)
	}
}

func TestSockSendTo(t *testing.T) {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	port := pc.LocalAddr().(*net.UDPAddr).Port
	h := newHarness(t, setup{manifest: fmt.Sprintf("version: 1\nnet: {connect: [\"udp://127.0.0.1:%d\"]}\n", port)})
	fd := h.socket(t, wasi.InetFamily, wasi.DatagramSocket)
	msg := []byte("ping")
	n, errno := h.sys.SockSendTo(h.ctx, fd, []wasi.IOVec{msg}, 0, inet(fmt.Sprintf("127.0.0.1:%d", port)))
	h.wantErrno(t, errno, wasi.ESUCCESS)
	if n != 4 {
		t.Errorf("sent %d bytes", n)
	}
	buf := make([]byte, 16)
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, _, err := pc.ReadFrom(buf); err != nil || string(buf[:n]) != "ping" {
		t.Errorf("host received %q, %v", buf[:n], err)
	}
	_, errno = h.sys.SockSendTo(h.ctx, fd, []wasi.IOVec{msg}, 0, inet(fmt.Sprintf("127.0.0.1:%d", port+1)))
	h.wantDenied(t, errno, "sock_send_to", fmt.Sprintf("udp://127.0.0.1:%d", port+1), "")
	_, errno = h.sys.SockSendTo(h.ctx, fd, []wasi.IOVec{msg}, 0, inet(fmt.Sprintf("[::ffff:10.1.2.3]:%d", port)))
	h.wantDenied(t, errno, "sock_send_to", fmt.Sprintf("udp://10.1.2.3:%d", port), "")
}

func TestSockAddressInfo(t *testing.T) {
	h := newHarness(t, setup{manifest: "version: 1\nnet: {lookup: [localhost, \"*.svc.local\"], connect: [\"tcp://127.0.0.1:80\"]}\n",
		rego: "package wasibox\ndeny contains \"not that one\" if { input.op == \"sock_getaddrinfo\"; input.name == \"db.svc.local\" }\n"})
	var res [8]wasi.AddrInfo
	lookup := func(node string) wasi.Errno {
		_, errno := h.sys.SockAddressInfo(h.ctx, node, "80", wasi.AddrInfo{SocketType: wasi.StreamSocket}, res[:])
		return errno
	}
	h.wantErrno(t, lookup("localhost"), wasi.ESUCCESS)
	h.wantErrno(t, lookup("LocalHost"), wasi.ESUCCESS)
	h.wantErrno(t, lookup("127.0.0.1"), wasi.ESUCCESS) // numeric: nothing is looked up
	h.wantDenied(t, lookup("example.com"), "sock_getaddrinfo", "example.com", `grant: net.lookup "example.com"`)
	h.wantDenied(t, lookup("svc.local"), "sock_getaddrinfo", "svc.local", "")
	h.wantDenied(t, lookup("db.svc.local"), "sock_getaddrinfo", "db.svc.local", "policy: not that one")
	if len(h.sys.net.pinned) == 0 {
		t.Error("nothing pinned after resolving localhost")
	}
}

func TestPinBounded(t *testing.T) {
	var n netState
	n.init(parseManifest(t, t.TempDir(), "version: 1\n"))
	for i := range 3 * maxPinned {
		n.pin(fmt.Sprintf("n%d.example", i%100), netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}))
		n.pin(fmt.Sprintf("n%d.example", i), netip.MustParseAddr("10.255.255.255"))
	}
	if len(n.pinned) > maxPinned {
		t.Errorf("%d addresses pinned, want at most %d", len(n.pinned), maxPinned)
	}
	for a, names := range n.pinned {
		if len(names) > maxNamesPerAddr {
			t.Errorf("%v: %d names, want at most %d", a, len(names), maxNamesPerAddr)
		}
	}
}

func TestSockSetOpt(t *testing.T) {
	h := newHarness(t, setup{manifest: "version: 1\nnet: {connect: [\"tcp://127.0.0.1:80\"]}\n",
		rego: "package wasibox\ndeny contains \"no SO_REUSEADDR\" if { input.op == \"sock_setsockopt\"; input.name == \"0/0\" }\n"})
	fd := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
	one := []byte{1, 0, 0, 0}
	h.wantDenied(t, h.sys.SockSetOpt(h.ctx, fd, wasi.SolSocket, wasi.SoReuseAddr, one), "sock_setsockopt", "option 0/0", "policy: no SO_REUSEADDR")
	h.wantErrno(t, h.sys.SockSetOpt(h.ctx, fd, wasi.SolTCP, wasi.TCPNoDelay, one), wasi.ESUCCESS)
	// Options outside the inner System's allow-list stay refused.
	h.wantErrno(t, h.sys.SockSetOpt(h.ctx, fd, wasi.SolSocket, wasi.SoBindToDevice, []byte("lo\x00\x00")), wasi.ENOPROTOOPT)
}

// What the guard knows about sockets follows fd_renumber and fd_close.
func TestSockRenumber(t *testing.T) {
	h := newHarness(t, setup{manifest: "version: 1\nnet: {connect: [\"udp://127.0.0.1:53\", \"tcp://127.0.0.1:9\"]}\n"})
	udp := h.socket(t, wasi.InetFamily, wasi.DatagramSocket)
	tcp := h.socket(t, wasi.InetFamily, wasi.StreamSocket)
	if errno := h.sys.FDRenumber(h.ctx, udp, tcp); errno != wasi.ESUCCESS {
		t.Fatal(errno)
	}
	// tcp's number is the UDP socket now: udp://127.0.0.1:53 is granted.
	_, errno := h.sys.SockSendTo(h.ctx, tcp, []wasi.IOVec{[]byte("x")}, 0, inet("127.0.0.1:53"))
	h.wantErrno(t, errno, wasi.ESUCCESS)
	if si := h.sys.net.socks[tcp]; si.proto != "udp" {
		t.Errorf("socks[%d] = %+v, want udp", tcp, si)
	}
	if _, ok := h.sys.net.socks[udp]; ok {
		t.Errorf("socks[%d] kept after renumber", udp)
	}
	h.sys.FDClose(h.ctx, tcp)
	if len(h.sys.net.socks) != 0 {
		t.Errorf("socks = %v after close", h.sys.net.socks)
	}
}
