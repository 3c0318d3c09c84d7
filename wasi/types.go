package wasi

// This file holds every WASI preview 1 type from typenames.witx, in spec order,
// with the exact sizes and layouts of the wasm32 ABI. layout_test.go asserts them.

// Size is the witx `size` type (u32).
type Size = uint32

// FileSize is a non-negative file size or length of a region within a file (u64).
type FileSize = uint64

// Timestamp is a timestamp in nanoseconds (u64).
type Timestamp = uint64

// FileDelta is a relative offset within a file (s64).
type FileDelta = int64

// DirCookie is a reference to the offset of a directory entry (u64).
// The value 0 always denotes the start of the directory.
type DirCookie = uint64

// DirNameLen is the type for the dirent.d_namlen field (u32).
type DirNameLen = uint32

// Inode is a file serial number unique within its file system (u64).
type Inode = uint64

// Device identifies a device containing a file system (u64).
type Device = uint64

// LinkCount is the number of hard links to an inode (u64).
type LinkCount = uint64

// UserData is user-provided value that may be attached to objects and
// retained in events (u64).
type UserData = uint64

// ExitCode is the exit code of a process (u32).
type ExitCode = uint32

// FD is a file descriptor handle.
type FD = int32

// ClockID identifies a clock.
type ClockID uint32

// Clocks of preview 1.
const (
	Realtime ClockID = iota
	Monotonic
	ProcessCPUTimeID
	ThreadCPUTimeID
)

func (c ClockID) String() string {
	switch c {
	case Realtime:
		return "realtime"
	case Monotonic:
		return "monotonic"
	case ProcessCPUTimeID:
		return "process_cputime_id"
	case ThreadCPUTimeID:
		return "thread_cputime_id"
	}
	return "clockid(" + itoa(uint64(c)) + ")"
}

// Whence is the position relative to which to set the offset of a descriptor.
type Whence uint8

// Whence values.
const (
	WhenceSet Whence = iota
	WhenceCur
	WhenceEnd
)

func (w Whence) String() string {
	switch w {
	case WhenceSet:
		return "set"
	case WhenceCur:
		return "cur"
	case WhenceEnd:
		return "end"
	}
	return "whence(" + itoa(uint64(w)) + ")"
}

// FileType is the type of a file descriptor or file.
type FileType uint8

// File types.
const (
	UnknownType FileType = iota
	BlockDeviceType
	CharacterDeviceType
	DirectoryType
	RegularFileType
	SocketDGramType
	SocketStreamType
	SymbolicLinkType
)

var fileTypeNames = [...]string{"unknown", "block_device", "character_device", "directory",
	"regular_file", "socket_dgram", "socket_stream", "symbolic_link"}

func (t FileType) String() string {
	if int(t) < len(fileTypeNames) {
		return fileTypeNames[t]
	}
	return "filetype(" + itoa(uint64(t)) + ")"
}

// DirentSize is the size of the fixed part of a Dirent in guest memory;
// the name follows it, not NUL terminated.
const DirentSize = 24

// Dirent is a directory entry (24 bytes, then d_namlen bytes of name).
//
//	d_next   u64 @0
//	d_ino    u64 @8
//	d_namlen u32 @16
//	d_type   u8  @20
type Dirent struct {
	Next    DirCookie
	Ino     Inode
	NameLen DirNameLen
	Type    FileType
}

// Advice is file or memory access pattern advisory information.
type Advice uint8

// Advice values.
const (
	AdviceNormal Advice = iota
	AdviceSequential
	AdviceRandom
	AdviceWillNeed
	AdviceDontNeed
	AdviceNoReuse
)

// FDFlags are file descriptor flags (u16).
type FDFlags uint16

// FDFlags bits.
const (
	Append FDFlags = 1 << iota
	DSync
	NonBlock
	RSync
	Sync
)

// Has reports whether all bits of f are set in flags.
func (flags FDFlags) Has(f FDFlags) bool { return flags&f == f }

func (flags FDFlags) String() string {
	return flagString(uint64(flags), []string{"append", "dsync", "nonblock", "rsync", "sync"})
}

// FDStatSize is the size of an FDStat in guest memory.
const FDStatSize = 24

// FDStat is file descriptor attributes (24 bytes).
//
//	fs_filetype          u8  @0
//	fs_flags             u16 @2
//	fs_rights_base       u64 @8
//	fs_rights_inheriting u64 @16
type FDStat struct {
	FileType         FileType
	Flags            FDFlags
	RightsBase       Rights
	RightsInheriting Rights
}

// FSTFlags select which timestamps fd/path_filestat_set_times change (u16).
type FSTFlags uint16

// FSTFlags bits.
const (
	AccessTime FSTFlags = 1 << iota
	AccessTimeNow
	ModifyTime
	ModifyTimeNow
)

// Has reports whether all bits of f are set in flags.
func (flags FSTFlags) Has(f FSTFlags) bool { return flags&f == f }

func (flags FSTFlags) String() string {
	return flagString(uint64(flags), []string{"atim", "atim_now", "mtim", "mtim_now"})
}

// LookupFlags determine the method of path resolution (u32).
type LookupFlags uint32

// SymlinkFollow: as long as the resolved path corresponds to a symbolic link,
// it is expanded.
const SymlinkFollow LookupFlags = 1

// Has reports whether all bits of f are set in flags.
func (flags LookupFlags) Has(f LookupFlags) bool { return flags&f == f }

func (flags LookupFlags) String() string {
	return flagString(uint64(flags), []string{"symlink_follow"})
}

// OFlags are open flags used by path_open (u16).
type OFlags uint16

// OFlags bits.
const (
	OCreate OFlags = 1 << iota
	ODirectory
	OExclusive
	OTruncate
)

// Has reports whether all bits of f are set in flags.
func (flags OFlags) Has(f OFlags) bool { return flags&f == f }

func (flags OFlags) String() string {
	return flagString(uint64(flags), []string{"creat", "directory", "excl", "trunc"})
}

// FileStatSize is the size of a FileStat in guest memory.
const FileStatSize = 64

// FileStat is file attributes (64 bytes).
//
//	dev      u64 @0
//	ino      u64 @8
//	filetype u8  @16
//	nlink    u64 @24
//	size     u64 @32
//	atim     u64 @40
//	mtim     u64 @48
//	ctim     u64 @56
type FileStat struct {
	Dev      Device
	Ino      Inode
	FileType FileType
	NLink    LinkCount
	Size     FileSize
	ATime    Timestamp
	MTime    Timestamp
	CTime    Timestamp
}

// EventType is the type of a subscription or event.
type EventType uint8

// Event types.
const (
	ClockEvent EventType = iota
	FDReadEvent
	FDWriteEvent
)

func (t EventType) String() string {
	switch t {
	case ClockEvent:
		return "clock"
	case FDReadEvent:
		return "fd_read"
	case FDWriteEvent:
		return "fd_write"
	}
	return "eventtype(" + itoa(uint64(t)) + ")"
}

// EventRWFlags is the state of the file descriptor subscribed to with
// fd_read or fd_write (u16).
type EventRWFlags uint16

// FDReadWriteHangup: the peer of this socket has closed or disconnected.
const FDReadWriteHangup EventRWFlags = 1

// EventSize is the size of an Event in guest memory.
const EventSize = 32

// Event is an event that occurred (32 bytes).
//
//	userdata            u64 @0
//	error               u16 @8
//	type                u8  @10
//	fd_readwrite.nbytes u64 @16
//	fd_readwrite.flags  u16 @24
type Event struct {
	UserData  UserData
	Errno     Errno
	EventType EventType
	NBytes    FileSize
	Flags     EventRWFlags
}

// SubClockFlags are flags determining how to interpret a clock subscription (u16).
type SubClockFlags uint16

// SubscriptionClockAbstime: the timeout is an absolute time of the clock
// rather than relative to the current time.
const SubscriptionClockAbstime SubClockFlags = 1

// Has reports whether all bits of f are set in flags.
func (flags SubClockFlags) Has(f SubClockFlags) bool { return flags&f == f }

// SubscriptionSize is the size of a Subscription in guest memory.
const SubscriptionSize = 48

// Subscription is a subscription to an event (48 bytes).
//
//	userdata  u64 @0
//	tag       u8  @8  (eventtype)
//	clock:    id u32 @16, timeout u64 @24, precision u64 @32, flags u16 @40
//	fd_rw:    file_descriptor u32 @16
//
// Fields that do not belong to the tag are zero.
type Subscription struct {
	UserData  UserData
	EventType EventType
	// Clock subscription (EventType == ClockEvent).
	ClockID   ClockID
	Timeout   Timestamp
	Precision Timestamp
	Flags     SubClockFlags
	// FD subscription (FDReadEvent or FDWriteEvent).
	FD FD
}

// Signal numbers of proc_raise.
type Signal uint8

// Signals; only the numbering is defined by the spec.
const (
	SigNone Signal = iota
	SigHup
	SigInt
	SigQuit
	SigIll
	SigTrap
	SigAbrt
	SigBus
	SigFpe
	SigKill
	SigUsr1
	SigSegv
	SigUsr2
	SigPipe
	SigAlrm
	SigTerm
	SigChld
	SigCont
	SigStop
	SigTstp
	SigTtin
	SigTtou
	SigUrg
	SigXcpu
	SigXfsz
	SigVtalrm
	SigProf
	SigWinch
	SigPoll
	SigPwr
	SigSys
)

// RIFlags are flags provided to sock_recv (u16).
type RIFlags uint16

// RIFlags bits.
const (
	RecvPeek RIFlags = 1 << iota
	RecvWaitAll
)

// Has reports whether all bits of f are set in flags.
func (flags RIFlags) Has(f RIFlags) bool { return flags&f == f }

// ROFlags are flags returned by sock_recv (u16).
type ROFlags uint16

// RecvDataTruncated: message data has been truncated.
const RecvDataTruncated ROFlags = 1

// SIFlags are flags provided to sock_send; none are defined (u16).
type SIFlags uint16

// SDFlags say which channels on a socket to shut down (u8).
type SDFlags uint8

// SDFlags bits.
const (
	ShutdownRD SDFlags = 1 << iota
	ShutdownWR
)

// PreopenType identifies the type of a pre-opened capability.
type PreopenType uint8

// PreopenDir is a pre-opened directory.
const PreopenDir PreopenType = 0

// PrestatSize is the size of a Prestat in guest memory.
const PrestatSize = 8

// Prestat is information about a pre-opened capability (8 bytes).
//
//	tag        u8  @0
//	pr_name_len u32 @4
type Prestat struct {
	Type    PreopenType
	NameLen Size
}

// IOVecSize is the size of an iovec or ciovec in guest memory:
// buf u32 @0, buf_len u32 @4.
const IOVecSize = 8

// IOVec is a region of memory for scatter/gather reads and writes.
// In the System interface it is a Go byte slice aliasing guest memory.
type IOVec = []byte
