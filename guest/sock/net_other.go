//go:build !wasip1

package sock

// Outside wasip1 the package forwards to package net, so that a guest
// program that uses it also builds and runs natively: internal/netbench
// times the same server built both ways.

import (
	"context"
	"net"
	"net/netip"
)

// Listen is net.Listen (on wasip1: a socket opened through the host).
func Listen(network, address string) (net.Listener, error) {
	return net.Listen(network, address)
}

// ListenPacket is net.ListenPacket (on wasip1: a socket opened through
// the host).
func ListenPacket(network, address string) (net.PacketConn, error) {
	return net.ListenPacket(network, address)
}

// Dial is net.Dial (on wasip1: a socket opened through the host).
func Dial(network, address string) (net.Conn, error) {
	return net.Dial(network, address)
}

// DialContext is net.Dialer's DialContext, with the signature of
// http.Transport's DialContext.
func DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

// LookupNetIP looks up host for network "ip", "ip4" or "ip6" and returns
// at most MaxResults addresses, IPv4-mapped ones unmapped.
func (r *Resolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	ips, err := net.DefaultResolver.LookupNetIP(ctx, network, host)
	if err != nil {
		return nil, err
	}
	ips = ips[:min(len(ips), r.max())]
	for i := range ips {
		ips[i] = ips[i].Unmap()
	}
	return ips, nil
}

// LookupPort looks up the port of service for network.
func (r *Resolver) LookupPort(ctx context.Context, network, service string) (int, error) {
	return net.DefaultResolver.LookupPort(ctx, network, service)
}

func (r *Resolver) max() int {
	if r == nil || r.MaxResults <= 0 {
		return defaultMaxResults
	}
	return r.MaxResults
}
