//go:build wasip1

package sock

import (
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"runtime"
	"syscall"
	"unsafe"
)

// WasmEdge's getaddrinfo errnos (77 to 87), one per EAI_* code.
const (
	eaiAddrFamily syscall.Errno = 77
	eaiAgain      syscall.Errno = 78
	eaiBadFlags   syscall.Errno = 79
	eaiFail       syscall.Errno = 80
	eaiFamily     syscall.Errno = 81
	eaiMemory     syscall.Errno = 82
	eaiNoData     syscall.Errno = 83
	eaiNoName     syscall.Errno = 84
	eaiService    syscall.Errno = 85
	eaiSockType   syscall.Errno = 86
	eaiSystem     syscall.Errno = 87
)

// LookupNetIP looks up host for network "ip", "ip4" or "ip6" and returns
// its addresses, IPv4-mapped ones unmapped, without duplicates. The lookup
// is one blocking host call: ctx is checked before it, not during it (the
// host bounds its own lookups).
func (r *Resolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	family := 0
	switch network {
	case "ip":
	case "ip4":
		family = afInet
	case "ip6":
		family = afInet6
	default:
		return nil, net.UnknownNetworkError(network)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip.Unmap()}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, &net.DNSError{Err: err.Error(), Name: host, IsTimeout: ctx.Err() == context.DeadlineExceeded}
	}
	aps, err := getaddrinfo(host, "", family, sockStream, r.max())
	if err != nil {
		return nil, dnsError(err, host)
	}
	ips := make([]netip.Addr, 0, len(aps))
	for _, ap := range aps {
		ip := ap.Addr().Unmap()
		if !containsAddr(ips, ip) {
			ips = append(ips, ip)
		}
	}
	if len(ips) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return ips, nil
}

// LookupPort looks up the port of service for network ("tcp", "udp" and
// their 4/6 forms).
func (r *Resolver) LookupPort(ctx context.Context, network, service string) (int, error) {
	typ, err := socketType(network)
	if err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, &net.DNSError{Err: err.Error(), Name: service}
	}
	aps, err := getaddrinfo("", service, 0, typ, 1)
	if err != nil {
		return 0, dnsError(err, service)
	}
	if len(aps) == 0 {
		return 0, &net.DNSError{Err: "unknown port", Name: network + "/" + service, IsNotFound: true}
	}
	return int(aps[0].Port()), nil
}

func (r *Resolver) max() int {
	if r == nil || r.MaxResults <= 0 {
		return defaultMaxResults
	}
	return r.MaxResults
}

func containsAddr(ips []netip.Addr, ip netip.Addr) bool {
	for _, x := range ips {
		if x == ip {
			return true
		}
	}
	return false
}

// dnsError turns a getaddrinfo errno into the *net.DNSError package net
// returns.
func dnsError(err error, name string) error {
	e, ok := err.(syscall.Errno)
	if !ok {
		return &net.DNSError{Err: err.Error(), Name: name}
	}
	d := &net.DNSError{Name: name}
	switch e {
	case eaiNoName, eaiNoData, eaiAddrFamily:
		d.Err, d.IsNotFound = "no such host", true
	case eaiAgain:
		d.Err, d.IsTemporary = "temporary failure in name resolution", true
	case eaiService:
		d.Err, d.IsNotFound = "unknown port", true
	case eaiFail:
		d.Err = "non-recoverable failure in name resolution"
	case eaiFamily, eaiSockType, eaiBadFlags:
		d.Err = "invalid lookup arguments"
	case eaiMemory, eaiSystem:
		d.Err = "name resolution failed"
	case syscall.EACCES:
		d.Err = "lookup not permitted by the host"
	default:
		d.Err = e.Error()
	}
	return d
}

// aiSlot is one guest-allocated result of sock_getaddrinfo, in the wasm32
// layout the host fills (see hostabi/wasmedge.go):
//
//	addrinfo: flags u16, family u8, socktype u8 | protocol | addrlen |
//	          addr ptr | canonname ptr | canonnamelen | next ptr
//	sockaddr: family (u8, padded) | sa_data_len | sa_data ptr
//	sa_data:  big-endian port, then the IPv4 address (offset 2) or a flow
//	          label and the IPv6 address (offset 6), as Linux's
//	          sockaddr_in / sockaddr_in6 after the family.
type aiSlot struct {
	ai   [7]uint32
	sa   [3]uint32
	data [28]byte
}

// getaddrinfo calls sock_getaddrinfo with a chain of max result slots and
// returns the addresses (with ports) the host filled. node and service are
// passed without a terminating NUL: WasmEdge treats a counted NUL as part
// of the name.
func getaddrinfo(node, service string, family, socktype, max int) ([]netip.AddrPort, error) {
	slots := make([]aiSlot, max)
	for i := range slots {
		s := &slots[i]
		s.sa = [3]uint32{0, uint32(len(s.data)), ptr32(unsafe.Pointer(&s.data))}
		s.ai[2] = uint32(unsafe.Sizeof(s.sa))
		s.ai[3] = ptr32(unsafe.Pointer(&s.sa))
		if i+1 < max {
			s.ai[6] = ptr32(unsafe.Pointer(&slots[i+1].ai))
		}
	}
	var hints [7]uint32
	hints[0] = uint32(family)<<16 | uint32(socktype)<<24
	nodeB := append([]byte(node), 0) // never a nil pointer, even when empty
	serviceB := append([]byte(service), 0)
	first := ptr32(unsafe.Pointer(&slots[0].ai))
	var n uint32
	errno := sock_getaddrinfo(unsafe.Pointer(&nodeB[0]), uint32(len(node)), unsafe.Pointer(&serviceB[0]), uint32(len(service)),
		unsafe.Pointer(&hints), unsafe.Pointer(&first), uint32(max), unsafe.Pointer(&n))
	runtime.KeepAlive(slots)
	runtime.KeepAlive(nodeB)
	runtime.KeepAlive(serviceB)
	if errno != 0 {
		return nil, errno
	}
	aps := make([]netip.AddrPort, 0, n)
	for i := range slots[:min(int(n), max)] {
		s := &slots[i]
		data := s.data[:min(int(s.sa[1]), len(s.data))]
		if len(data) < 2 {
			continue
		}
		port := binary.BigEndian.Uint16(data)
		switch s.sa[0] & 0xff {
		case afInet:
			if len(data) >= 6 {
				aps = append(aps, netip.AddrPortFrom(netip.AddrFrom4([4]byte(data[2:6])), port))
			}
		case afInet6:
			if len(data) >= 22 {
				aps = append(aps, netip.AddrPortFrom(netip.AddrFrom16([16]byte(data[6:22])), port))
			}
		}
	}
	return aps, nil
}
