package sock

import (
	"context"
	"net/netip"
)

// Resolver looks names up. On wasip1 it asks the host through
// sock_getaddrinfo: the host resolves (wasibox with its own resolver,
// within the names the manifest grants). Go's own resolver cannot run on
// wasip1 (it needs UDP and /etc files the guest usually lacks), so Dial and
// Listen use a Resolver for host names. Elsewhere it forwards to
// net.DefaultResolver. The zero value is ready to use.
type Resolver struct {
	// MaxResults bounds the addresses one lookup returns; 0 means 16.
	// The host applies its own cap too (64 in wasibox).
	MaxResults int
}

const defaultMaxResults = 16

// LookupHost looks up host and returns its addresses as strings.
func LookupHost(host string) ([]string, error) {
	var r Resolver
	return r.LookupHost(context.Background(), host)
}

// LookupNetIP looks up host ("ip", "ip4" or "ip6") and returns its
// addresses.
func LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	var r Resolver
	return r.LookupNetIP(ctx, network, host)
}

// LookupHost looks up host and returns its addresses as strings.
func (r *Resolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return s, nil
}
