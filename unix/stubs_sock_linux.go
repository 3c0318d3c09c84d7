//go:build linux

package unix

// TEMPORARY: ENOSYS stubs, removed as each method is implemented.

import (
	"context"

	"github.com/wasibox/wasibox/wasi"
)

// SockAccept implements wasi.System.
func (s *System) SockAccept(ctx context.Context, fd wasi.FD, flags wasi.FDFlags) (wasi.FD, wasi.SockAddr, wasi.Errno) {
	return -1, wasi.SockAddr{}, wasi.ENOSYS
}

// SockRecv implements wasi.System.
func (s *System) SockRecv(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.RIFlags) (wasi.Size, wasi.ROFlags, wasi.Errno) {
	return 0, 0, wasi.ENOSYS
}

// SockSend implements wasi.System.
func (s *System) SockSend(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.SIFlags) (wasi.Size, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// SockShutdown implements wasi.System.
func (s *System) SockShutdown(ctx context.Context, fd wasi.FD, how wasi.SDFlags) wasi.Errno {
	return wasi.ENOSYS
}

// SockOpen implements wasi.System.
func (s *System) SockOpen(ctx context.Context, family wasi.ProtocolFamily, socktype wasi.SocketType, protocol wasi.Protocol, rightsBase, rightsInheriting wasi.Rights) (wasi.FD, wasi.Errno) {
	return -1, wasi.ENOSYS
}

// SockBind implements wasi.System.
func (s *System) SockBind(ctx context.Context, fd wasi.FD, addr wasi.SockAddr) wasi.Errno {
	return wasi.ENOSYS
}

// SockConnect implements wasi.System.
func (s *System) SockConnect(ctx context.Context, fd wasi.FD, addr wasi.SockAddr) wasi.Errno {
	return wasi.ENOSYS
}

// SockListen implements wasi.System.
func (s *System) SockListen(ctx context.Context, fd wasi.FD, backlog int) wasi.Errno {
	return wasi.ENOSYS
}

// SockSendTo implements wasi.System.
func (s *System) SockSendTo(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.SIFlags, addr wasi.SockAddr) (wasi.Size, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// SockRecvFrom implements wasi.System.
func (s *System) SockRecvFrom(ctx context.Context, fd wasi.FD, iovs []wasi.IOVec, flags wasi.RIFlags) (wasi.Size, wasi.ROFlags, wasi.SockAddr, wasi.Errno) {
	return 0, 0, wasi.SockAddr{}, wasi.ENOSYS
}

// SockGetOpt implements wasi.System.
func (s *System) SockGetOpt(ctx context.Context, fd wasi.FD, level wasi.SockOptLevel, name wasi.SockOption, value []byte) (int, wasi.Errno) {
	return 0, wasi.ENOSYS
}

// SockSetOpt implements wasi.System.
func (s *System) SockSetOpt(ctx context.Context, fd wasi.FD, level wasi.SockOptLevel, name wasi.SockOption, value []byte) wasi.Errno {
	return wasi.ENOSYS
}

// SockLocalAddress implements wasi.System.
func (s *System) SockLocalAddress(ctx context.Context, fd wasi.FD) (wasi.SockAddr, wasi.Errno) {
	return wasi.SockAddr{}, wasi.ENOSYS
}

// SockPeerAddress implements wasi.System.
func (s *System) SockPeerAddress(ctx context.Context, fd wasi.FD) (wasi.SockAddr, wasi.Errno) {
	return wasi.SockAddr{}, wasi.ENOSYS
}

// SockAddressInfo implements wasi.System.
func (s *System) SockAddressInfo(ctx context.Context, node, service string, hints wasi.AddrInfo, results []wasi.AddrInfo) (int, wasi.Errno) {
	return 0, wasi.ENOSYS
}

type sockState struct{}
