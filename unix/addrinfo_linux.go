//go:build linux

package unix

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/wasibox/wasibox/wasi"
	"golang.org/x/sys/unix"
)

// getaddrinfo failures use WasmEdge's errno extension, 77 to 87 (one per
// EAI_* code), because sock_getaddrinfo is WasmEdge's call and its guests
// (the wasmedge_wasi_socket crate, C shims) expect those numbers rather
// than a preview 1 errno: a missing name is 84 (EAI_NONAME), not ENOENT.
const (
	eaiAddrFamily wasi.Errno = 77 // the host has no address in the requested family
	eaiAgain      wasi.Errno = 78 // temporary failure (also: the lookup timed out)
	eaiBadFlags   wasi.Errno = 79 // AICanonName without a node
	eaiFail       wasi.Errno = 80 // permanent failure of the name server
	eaiFamily     wasi.Errno = 81 // unknown hints family
	eaiNoName     wasi.Errno = 84 // unknown node, or a non-numeric one with AINumericHost
	eaiService    wasi.Errno = 85 // unknown service for the socket type(s)
	eaiSockType   wasi.Errno = 86 // unknown hints socket type, or protocol that does not fit it
)

// addrInfoTimeout bounds one sock_getaddrinfo call, so that an unreachable
// name server cannot hold the guest for the resolver's full retry cycle.
const addrInfoTimeout = 5 * time.Second

// Bounds on guest strings, checked before any lookup: a DNS name has at
// most 253 characters (255 octets on the wire), and service names in
// /etc/services are short.
const (
	maxNodeLen    = 255
	maxServiceLen = 64
)

// resolver is the part of *net.Resolver that sock_getaddrinfo uses; tests
// substitute it.
type resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	LookupPort(ctx context.Context, network, service string) (int, error)
	LookupCNAME(ctx context.Context, host string) (string, error)
}

// SockAddressInfo implements wasi.System (WasmEdge sock_getaddrinfo).
//
// Names are resolved by Go's own resolver (/etc/hosts, then DNS from
// /etc/resolv.conf; never the host's libc and its NSS modules), within
// addrInfoTimeout, and Wake interrupts the lookup. A numeric node (an IP
// literal; a zone is dropped) is never looked up, nor is a numeric
// service. AINumericHost and AINumericServ refuse names; an empty node
// means the unspecified address with AIPassive and loopback without; an
// empty service means port 0. hints filter the family (unspec: both) and
// the socket type (any: a stream and a datagram result per address, as
// getaddrinfo(3) gives), and the protocol must fit the type. Each result
// carries hints' flags; the first carries the canonical name with
// AICanonName (the node itself for a numeric one). At most
// min(len(results), wasi.MaxAddrInfoResults) results are written, in the
// resolver's order; IPv4-mapped results are unmapped.
//
// Errors: EACCES when Config.AllowSockets is false (a lookup is a network
// request, and DNS names carry data out); ECANCELED when woken; otherwise
// WasmEdge's getaddrinfo errnos (eai* constants above).
func (s *System) SockAddressInfo(ctx context.Context, node, service string, hints wasi.AddrInfo, results []wasi.AddrInfo) (int, wasi.Errno) {
	if !s.allowSockets {
		return 0, wasi.EACCES
	}
	if s.closed.Load() || s.woken() {
		return 0, wasi.ECANCELED
	}
	ctx, stop := s.wakeContext(ctx)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, addrInfoTimeout)
	defer cancel()
	n, errno := addrInfo(ctx, &net.Resolver{PreferGo: true}, node, service, hints, results)
	if errno != wasi.ESUCCESS && s.woken() {
		return 0, wasi.ECANCELED
	}
	return n, errno
}

// wakeContext returns a context that is cancelled when the System is
// woken: Go's resolver waits in the runtime's netpoller, not in a poll of
// ours that also watches the wake eventfd, so a goroutine watches it for
// the duration of the call. stop must be called; it ends the goroutine.
func (s *System) wakeContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	done, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		// Out of descriptors: the lookup is still bounded by its timeout.
		return ctx, cancel
	}
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		fds := [2]unix.PollFd{{Fd: int32(s.wake), Events: unix.POLLIN}, {Fd: int32(done), Events: unix.POLLIN}}
		for {
			if _, err := unix.Poll(fds[:], -1); err != unix.EINTR {
				break
			}
		}
		if fds[0].Revents != 0 {
			cancel()
		}
	}()
	return ctx, func() {
		one := [8]byte{1}
		unix.Write(done, one[:])
		<-exited // done is closed only once nothing polls it
		unix.Close(done)
		cancel()
	}
}

// addrInfo is SockAddressInfo without the System: it validates the guest's
// arguments, resolves with r and fills results.
func addrInfo(ctx context.Context, r resolver, node, service string, hints wasi.AddrInfo, results []wasi.AddrInfo) (int, wasi.Errno) {
	if len(node) > maxNodeLen {
		return 0, eaiNoName
	}
	if len(service) > maxServiceLen {
		return 0, eaiService
	}
	if node == "" && service == "" {
		return 0, eaiNoName
	}
	if hasFlag(hints.Flags, wasi.AICanonName) && node == "" {
		return 0, eaiBadFlags
	}

	var want4, want6 bool
	switch hints.Family {
	case wasi.UnspecifiedFamily:
		want4, want6 = true, true
	case wasi.InetFamily:
		want4 = true
	case wasi.Inet6Family:
		want6 = true
	default:
		return 0, eaiFamily
	}

	var stream, dgram bool
	switch hints.SocketType {
	case wasi.AnySocket:
		stream, dgram = true, true
	case wasi.StreamSocket:
		stream = true
	case wasi.DatagramSocket:
		dgram = true
	default:
		return 0, eaiSockType
	}
	switch hints.Protocol {
	case wasi.IPProtocol:
	case wasi.TCPProtocol:
		dgram = false
	case wasi.UDPProtocol:
		stream = false
	default:
		return 0, eaiSockType
	}
	if !stream && !dgram {
		return 0, eaiSockType
	}

	// The service, per socket type: a name may exist for one protocol only.
	var streamPort, dgramPort uint16
	switch {
	case service == "":
	case isDigits(service):
		p, err := strconv.ParseUint(service, 10, 16)
		if err != nil {
			return 0, eaiService
		}
		streamPort, dgramPort = uint16(p), uint16(p)
	case hasFlag(hints.Flags, wasi.AINumericServ):
		return 0, eaiNoName
	default:
		if stream {
			p, err := r.LookupPort(ctx, "tcp", service)
			stream = err == nil && p >= 0 && p <= 0xffff
			streamPort = uint16(p)
		}
		if dgram {
			p, err := r.LookupPort(ctx, "udp", service)
			dgram = err == nil && p >= 0 && p <= 0xffff
			dgramPort = uint16(p)
		}
		if !stream && !dgram {
			if err := ctx.Err(); err != nil {
				return 0, lookupErrno(err)
			}
			return 0, eaiService
		}
	}

	// The addresses.
	var ips []netip.Addr
	var canon string
	var one [2]netip.Addr // numeric and empty nodes: no allocation
	switch ip, err := netip.ParseAddr(node); {
	case node == "":
		if hasFlag(hints.Flags, wasi.AIPassive) {
			ips = appendFamilies(one[:0], want4, want6, netip.IPv4Unspecified(), netip.IPv6Unspecified())
		} else {
			ips = appendFamilies(one[:0], want4, want6, netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback())
		}
	case err == nil:
		ip = ip.WithZone("")
		if ip.Is4() && !want4 || !ip.Is4() && !want6 {
			return 0, eaiAddrFamily
		}
		ips = append(one[:0], ip)
		canon = node
	case hasFlag(hints.Flags, wasi.AINumericHost):
		return 0, eaiNoName
	default:
		network := "ip"
		if !want6 {
			network = "ip4"
		} else if !want4 {
			network = "ip6"
		}
		found, err := r.LookupNetIP(ctx, network, node)
		if err != nil {
			return 0, lookupErrno(err)
		}
		ips = found[:0]
		for _, ip := range found {
			ip = ip.Unmap().WithZone("")
			if ip.Is4() && want4 || !ip.Is4() && want6 {
				ips = append(ips, ip)
			}
		}
		if len(ips) == 0 {
			return 0, eaiAddrFamily
		}
		if hasFlag(hints.Flags, wasi.AICanonName) {
			canon = node
			if c, err := r.LookupCNAME(ctx, node); err == nil && c != "" {
				canon = strings.TrimSuffix(c, ".")
			}
		}
	}

	limit := min(len(results), wasi.MaxAddrInfoResults)
	n := 0
	for _, ip := range ips {
		family := wasi.Inet6Family
		if ip.Is4() {
			family = wasi.InetFamily
		}
		for _, kind := range [...]struct {
			on    bool
			typ   wasi.SocketType
			proto wasi.Protocol
			port  uint16
		}{
			{stream, wasi.StreamSocket, wasi.TCPProtocol, streamPort},
			{dgram, wasi.DatagramSocket, wasi.UDPProtocol, dgramPort},
		} {
			if !kind.on {
				continue
			}
			if n == limit {
				return n, wasi.ESUCCESS
			}
			results[n] = wasi.AddrInfo{
				Flags:      hints.Flags,
				Family:     family,
				SocketType: kind.typ,
				Protocol:   kind.proto,
				Addr:       wasi.SockAddr{Family: family, Addr: netip.AddrPortFrom(ip, kind.port)},
			}
			if n == 0 && hasFlag(hints.Flags, wasi.AICanonName) {
				results[n].CanonName = canon
			}
			n++
		}
	}
	return n, wasi.ESUCCESS
}

// appendFamilies appends v4 and v6 as the hints' family allows.
func appendFamilies(ips []netip.Addr, want4, want6 bool, v4, v6 netip.Addr) []netip.Addr {
	if want4 {
		ips = append(ips, v4)
	}
	if want6 {
		ips = append(ips, v6)
	}
	return ips
}

// hasFlag reports whether flags holds f (wasi.AddrInfoFlags has no Has).
func hasFlag(flags, f wasi.AddrInfoFlags) bool { return flags&f == f }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// lookupErrno maps an error of Go's resolver to getaddrinfo's errnos.
func lookupErrno(err error) wasi.Errno {
	var de *net.DNSError
	switch {
	case errors.Is(err, context.Canceled):
		return wasi.ECANCELED
	case errors.Is(err, context.DeadlineExceeded):
		return eaiAgain
	case errors.As(err, &de) && de.IsNotFound:
		return eaiNoName
	case errors.As(err, &de) && (de.IsTimeout || de.IsTemporary):
		return eaiAgain
	}
	return eaiFail
}
