package wasi

import "context"

// System is the WASI preview 1 system call interface, plus the socket calls
// of the WasmEdge extensions, expressed with Go values.
//
// A System never sees guest pointers: the host module (package hostabi)
// decodes guest memory, bounds-checks it and passes slices that alias guest
// memory (iovecs, read buffers) or copies (paths, strings). Implementations
// may assume every slice they receive is valid, but must treat every value
// as hostile: fd numbers, flags, offsets and lengths come straight from the
// guest.
//
// Methods return an Errno; ESUCCESS (0) means success. Where a method
// returns a count together with an error, the count is what was done before
// the error happened (a short write followed by an error returns the count
// written).
//
// Implementations: package unix (the kernel), package guard (policy), and
// Trace in this package. A System serves one guest instance; its methods may
// be called from several goroutines only if the implementation says so.
type System interface {
	// ArgsGet returns the command-line arguments, argv[0] first.
	ArgsGet(ctx context.Context) ([]string, Errno)
	// EnvironGet returns the environment as "KEY=value" strings.
	EnvironGet(ctx context.Context) ([]string, Errno)

	// ClockResGet returns the resolution of a clock (EINVAL for unsupported clocks).
	ClockResGet(ctx context.Context, id ClockID) (Timestamp, Errno)
	// ClockTimeGet returns the time value of a clock.
	ClockTimeGet(ctx context.Context, id ClockID, precision Timestamp) (Timestamp, Errno)

	// FDAdvise provides file advisory information on a file descriptor.
	FDAdvise(ctx context.Context, fd FD, offset, length FileSize, advice Advice) Errno
	// FDAllocate forces the allocation of space in a file.
	FDAllocate(ctx context.Context, fd FD, offset, length FileSize) Errno
	// FDClose closes a file descriptor.
	FDClose(ctx context.Context, fd FD) Errno
	// FDDataSync synchronizes the data of a file to disk.
	FDDataSync(ctx context.Context, fd FD) Errno
	// FDStatGet gets the attributes of a file descriptor.
	FDStatGet(ctx context.Context, fd FD) (FDStat, Errno)
	// FDStatSetFlags adjusts the flags associated with a file descriptor.
	FDStatSetFlags(ctx context.Context, fd FD, flags FDFlags) Errno
	// FDStatSetRights adjusts the rights of a descriptor; rights can only be removed.
	FDStatSetRights(ctx context.Context, fd FD, rightsBase, rightsInheriting Rights) Errno
	// FDFileStatGet returns the attributes of an open file.
	FDFileStatGet(ctx context.Context, fd FD) (FileStat, Errno)
	// FDFileStatSetSize adjusts the size of an open file.
	FDFileStatSetSize(ctx context.Context, fd FD, size FileSize) Errno
	// FDFileStatSetTimes adjusts the timestamps of an open file or directory.
	FDFileStatSetTimes(ctx context.Context, fd FD, atim, mtim Timestamp, flags FSTFlags) Errno
	// FDPread reads from a descriptor at an offset without using or updating its position.
	FDPread(ctx context.Context, fd FD, iovs []IOVec, offset FileSize) (Size, Errno)
	// FDPrestatGet returns a description of a preopened descriptor.
	FDPrestatGet(ctx context.Context, fd FD) (Prestat, Errno)
	// FDPrestatDirName returns the guest path of a preopened directory.
	FDPrestatDirName(ctx context.Context, fd FD) (string, Errno)
	// FDPwrite writes to a descriptor at an offset without using or updating its position.
	FDPwrite(ctx context.Context, fd FD, iovs []IOVec, offset FileSize) (Size, Errno)
	// FDRead reads from a descriptor.
	FDRead(ctx context.Context, fd FD, iovs []IOVec) (Size, Errno)
	// FDReadDir reads directory entries starting at cookie and encodes them
	// into buf in the guest layout (Dirent header then name), as fd_readdir
	// does: if the result fills buf, the last entry may be truncated and the
	// caller should read again. It returns the number of bytes written.
	FDReadDir(ctx context.Context, fd FD, buf []byte, cookie DirCookie) (Size, Errno)
	// FDRenumber atomically replaces descriptor to with from, closing to
	// first; from is then closed. Renumbering a descriptor onto itself is a
	// no-op; to must be an open descriptor (EBADF otherwise).
	FDRenumber(ctx context.Context, from, to FD) Errno
	// FDSeek moves the offset of a file descriptor and returns the new offset.
	FDSeek(ctx context.Context, fd FD, offset FileDelta, whence Whence) (FileSize, Errno)
	// FDSync synchronizes the data and metadata of a file to disk.
	FDSync(ctx context.Context, fd FD) Errno
	// FDTell returns the current offset of a file descriptor.
	FDTell(ctx context.Context, fd FD) (FileSize, Errno)
	// FDWrite writes to a descriptor.
	FDWrite(ctx context.Context, fd FD, iovs []IOVec) (Size, Errno)

	// PathCreateDirectory creates a directory.
	PathCreateDirectory(ctx context.Context, fd FD, path string) Errno
	// PathFileStatGet returns the attributes of a file or directory.
	PathFileStatGet(ctx context.Context, fd FD, flags LookupFlags, path string) (FileStat, Errno)
	// PathFileStatSetTimes adjusts the timestamps of a file or directory.
	PathFileStatSetTimes(ctx context.Context, fd FD, flags LookupFlags, path string, atim, mtim Timestamp, fstFlags FSTFlags) Errno
	// PathLink creates a hard link.
	PathLink(ctx context.Context, oldFD FD, oldFlags LookupFlags, oldPath string, newFD FD, newPath string) Errno
	// PathOpen opens a file or directory and returns the new descriptor.
	// The directory's inheriting rights attenuate the requested rights
	// (masking, never a failure: Go's wasip1 runtime asks for every right).
	// A request that needs to write (OCreate, OTruncate, Append, or base
	// rights fd_write/fd_allocate) on a read-only mount fails with EROFS.
	PathOpen(ctx context.Context, fd FD, dirFlags LookupFlags, path string, oflags OFlags, rightsBase, rightsInheriting Rights, fdFlags FDFlags) (FD, Errno)
	// PathReadLink reads the contents of a symbolic link into buf, truncating
	// it if buf is too short, and returns the number of bytes written.
	PathReadLink(ctx context.Context, fd FD, path string, buf []byte) (Size, Errno)
	// PathRemoveDirectory removes an empty directory.
	PathRemoveDirectory(ctx context.Context, fd FD, path string) Errno
	// PathRename renames a file or directory.
	PathRename(ctx context.Context, fd FD, oldPath string, newFD FD, newPath string) Errno
	// PathSymlink creates a symbolic link at newPath whose contents are oldPath.
	PathSymlink(ctx context.Context, oldPath string, fd FD, newPath string) Errno
	// PathUnlinkFile unlinks a file.
	PathUnlinkFile(ctx context.Context, fd FD, path string) Errno

	// PollOneOff waits for at least one of the subscriptions to trigger,
	// writes the events into events (len(events) >= len(subs)) and returns
	// how many were written.
	PollOneOff(ctx context.Context, subs []Subscription, events []Event) (int, Errno)

	// ProcExit is told that the process is exiting; the host module then
	// terminates the guest. It must not block.
	ProcExit(ctx context.Context, code ExitCode) Errno
	// ProcRaise sends a signal to the process.
	ProcRaise(ctx context.Context, sig Signal) Errno
	// SchedYield temporarily yields execution of the calling thread.
	SchedYield(ctx context.Context) Errno
	// RandomGet fills buf with random bytes.
	RandomGet(ctx context.Context, buf []byte) Errno

	// SockAccept accepts a new connection on a listening socket and returns
	// the new descriptor and the peer's address.
	SockAccept(ctx context.Context, fd FD, flags FDFlags) (FD, SockAddr, Errno)
	// SockRecv receives a message from a socket.
	SockRecv(ctx context.Context, fd FD, iovs []IOVec, flags RIFlags) (Size, ROFlags, Errno)
	// SockSend sends a message on a socket.
	SockSend(ctx context.Context, fd FD, iovs []IOVec, flags SIFlags) (Size, Errno)
	// SockShutdown shuts down part of a full-duplex connection.
	SockShutdown(ctx context.Context, fd FD, how SDFlags) Errno

	// SockOpen creates a socket (WasmEdge sock_open).
	SockOpen(ctx context.Context, family ProtocolFamily, socktype SocketType, protocol Protocol, rightsBase, rightsInheriting Rights) (FD, Errno)
	// SockBind binds a socket to an address (WasmEdge sock_bind).
	SockBind(ctx context.Context, fd FD, addr SockAddr) Errno
	// SockConnect connects a socket (WasmEdge sock_connect). A non-blocking
	// socket whose connection is under way returns EINPROGRESS.
	SockConnect(ctx context.Context, fd FD, addr SockAddr) Errno
	// SockListen marks a socket as listening (WasmEdge sock_listen).
	SockListen(ctx context.Context, fd FD, backlog int) Errno
	// SockSendTo sends a datagram to addr (WasmEdge sock_send_to).
	SockSendTo(ctx context.Context, fd FD, iovs []IOVec, flags SIFlags, addr SockAddr) (Size, Errno)
	// SockRecvFrom receives a datagram and its source (WasmEdge sock_recv_from).
	SockRecvFrom(ctx context.Context, fd FD, iovs []IOVec, flags RIFlags) (Size, ROFlags, SockAddr, Errno)
	// SockGetOpt reads a socket option into value (little-endian) and
	// returns the number of bytes written (WasmEdge sock_getsockopt).
	SockGetOpt(ctx context.Context, fd FD, level SockOptLevel, name SockOption, value []byte) (int, Errno)
	// SockSetOpt sets a socket option from value (WasmEdge sock_setsockopt).
	SockSetOpt(ctx context.Context, fd FD, level SockOptLevel, name SockOption, value []byte) Errno
	// SockLocalAddress returns the local address of a socket.
	SockLocalAddress(ctx context.Context, fd FD) (SockAddr, Errno)
	// SockPeerAddress returns the peer address of a connected socket.
	SockPeerAddress(ctx context.Context, fd FD) (SockAddr, Errno)
	// SockAddressInfo resolves node and service (WasmEdge sock_getaddrinfo)
	// and writes at most len(results) results; it returns how many.
	SockAddressInfo(ctx context.Context, node, service string, hints AddrInfo, results []AddrInfo) (int, Errno)

	// Close releases every resource of the System (all descriptors).
	Close(ctx context.Context) error
}

// GuestPather is implemented by Systems that can tell which guest path a
// descriptor finally refers to, after every symbolic link was followed
// (package unix asks the kernel). The guard uses it to decide on the
// resolved path rather than on the name the guest gave, so that a symlink
// inside a mount cannot reach a path a rule denies.
type GuestPather interface {
	// FDGuestPath returns the clean absolute guest path of fd, or ENOENT
	// if it lies in no preopen (e.g. it was moved out of every mount).
	FDGuestPath(ctx context.Context, fd FD) (string, Errno)
}
