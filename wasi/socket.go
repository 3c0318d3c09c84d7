package wasi

import (
	"net/netip"
)

// ProtocolFamily is the address family of a socket in the WasmEdge extensions.
type ProtocolFamily uint8

// Protocol families (WasmEdge numbering: 0 unspec, 1 inet, 2 inet6, 3 unix).
const (
	UnspecifiedFamily ProtocolFamily = iota
	InetFamily
	Inet6Family
	UnixFamily
)

func (f ProtocolFamily) String() string {
	switch f {
	case UnspecifiedFamily:
		return "unspec"
	case InetFamily:
		return "inet"
	case Inet6Family:
		return "inet6"
	case UnixFamily:
		return "unix"
	}
	return "family(" + itoa(uint64(f)) + ")"
}

// SocketType is the type of a socket in the WasmEdge extensions.
type SocketType uint8

// Socket types (WasmEdge numbering: 0 any, 1 datagram, 2 stream).
const (
	AnySocket SocketType = iota
	DatagramSocket
	StreamSocket
)

func (t SocketType) String() string {
	switch t {
	case AnySocket:
		return "any"
	case DatagramSocket:
		return "dgram"
	case StreamSocket:
		return "stream"
	}
	return "socktype(" + itoa(uint64(t)) + ")"
}

// Protocol is an IP protocol; 0 means the default for the socket type.
type Protocol uint8

// Protocols.
const (
	IPProtocol  Protocol = 0
	TCPProtocol Protocol = 6
	UDPProtocol Protocol = 17
)

// SockAddr is a socket address as Go values: an IP address and port for
// inet/inet6, or a path for unix-domain sockets. The zero value is "no
// address".
type SockAddr struct {
	Family ProtocolFamily
	Addr   netip.AddrPort // InetFamily, Inet6Family
	Path   string         // UnixFamily
}

// IsValid reports whether the address is set.
func (a SockAddr) IsValid() bool { return a.Family != UnspecifiedFamily }

func (a SockAddr) String() string {
	switch a.Family {
	case InetFamily, Inet6Family:
		return a.Addr.String()
	case UnixFamily:
		return "unix:" + a.Path
	}
	return "<none>"
}

// SockOptLevel is the level of a socket option (WasmEdge numbering).
type SockOptLevel int32

// Socket option levels.
const (
	SolSocket SockOptLevel = 0
	SolTCP    SockOptLevel = 6
)

// SockOption names a socket option at a level (WasmEdge numbering at
// SolSocket; TCP_NODELAY is 15 at SolTCP as in stealthrocket/net).
type SockOption int32

// Socket options at SolSocket.
const (
	SoReuseAddr SockOption = iota
	SoType
	SoError
	SoDontRoute
	SoBroadcast
	SoSndBuf
	SoRcvBuf
	SoKeepAlive
	SoOOBInline
	SoLinger
	SoRcvLowat
	SoRcvTimeo
	SoSndTimeo
	SoAcceptConn
	SoBindToDevice
)

// TCPNoDelay is TCP_NODELAY at SolTCP.
const TCPNoDelay SockOption = 15

// AddrInfoFlags are the ai_flags of getaddrinfo hints (WasmEdge numbering).
type AddrInfoFlags uint16

// AddrInfoFlags bits.
const (
	AIPassive AddrInfoFlags = 1 << iota
	AICanonName
	AINumericHost
	AINumericServ
)

// AddrInfo is one getaddrinfo hint or result as Go values.
type AddrInfo struct {
	Flags      AddrInfoFlags
	Family     ProtocolFamily
	SocketType SocketType
	Protocol   Protocol
	Addr       SockAddr
	CanonName  string
}

// MaxAddrInfoResults caps the number of results one getaddrinfo call may
// return, whatever the guest asks for (design decision 6).
const MaxAddrInfoResults = 64
