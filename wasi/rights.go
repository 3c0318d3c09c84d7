package wasi

// Rights are file descriptor rights, determining which actions may be performed (u64).
type Rights uint64

// Rights bits, in spec order.
const (
	FDDataSyncRight           Rights = 1 << 0
	FDReadRight               Rights = 1 << 1
	FDSeekRight               Rights = 1 << 2
	FDFDStatSetFlagsRight     Rights = 1 << 3
	FDSyncRight               Rights = 1 << 4
	FDTellRight               Rights = 1 << 5
	FDWriteRight              Rights = 1 << 6
	FDAdviseRight             Rights = 1 << 7
	FDAllocateRight           Rights = 1 << 8
	PathCreateDirectoryRight  Rights = 1 << 9
	PathCreateFileRight       Rights = 1 << 10
	PathLinkSourceRight       Rights = 1 << 11
	PathLinkTargetRight       Rights = 1 << 12
	PathOpenRight             Rights = 1 << 13
	FDReadDirRight            Rights = 1 << 14
	PathReadLinkRight         Rights = 1 << 15
	PathRenameSourceRight     Rights = 1 << 16
	PathRenameTargetRight     Rights = 1 << 17
	PathFileStatGetRight      Rights = 1 << 18
	PathFileStatSetSizeRight  Rights = 1 << 19
	PathFileStatSetTimesRight Rights = 1 << 20
	FDFileStatGetRight        Rights = 1 << 21
	FDFileStatSetSizeRight    Rights = 1 << 22
	FDFileStatSetTimesRight   Rights = 1 << 23
	PathSymlinkRight          Rights = 1 << 24
	PathRemoveDirectoryRight  Rights = 1 << 25
	PathUnlinkFileRight       Rights = 1 << 26
	PollFDReadWriteRight      Rights = 1 << 27
	SockShutdownRight         Rights = 1 << 28
	SockAcceptRight           Rights = 1 << 29
)

var rightNames = [...]string{"fd_datasync", "fd_read", "fd_seek", "fd_fdstat_set_flags", "fd_sync", "fd_tell", "fd_write", "fd_advise", "fd_allocate", "path_create_directory", "path_create_file", "path_link_source", "path_link_target", "path_open", "fd_readdir", "path_readlink", "path_rename_source", "path_rename_target", "path_filestat_get", "path_filestat_set_size", "path_filestat_set_times", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "path_symlink", "path_remove_directory", "path_unlink_file", "poll_fd_readwrite", "sock_shutdown", "sock_accept"}

// AllRights is every right defined by preview 1.
const AllRights Rights = (1 << 30) - 1

// Has reports whether all rights of r are in rights.
func (rights Rights) Has(r Rights) bool { return rights&r == r }

// HasAny reports whether any right of r is in rights.
func (rights Rights) HasAny(r Rights) bool { return rights&r != 0 }

func (rights Rights) String() string {
	if rights == AllRights {
		return "all"
	}
	return flagString(uint64(rights), rightNames[:])
}

// Rights grouped by what they allow, used to attenuate descriptors.
const (
	// MutatingRights change the file system or a file's contents or metadata.
	// A read-only mount removes all of them (design decision 3).
	MutatingRights = FDDataSyncRight | FDWriteRight | FDAllocateRight | FDFileStatSetSizeRight |
		FDFileStatSetTimesRight | FDSyncRight | PathCreateDirectoryRight | PathCreateFileRight |
		PathLinkSourceRight | PathLinkTargetRight | PathRenameSourceRight | PathRenameTargetRight |
		PathFileStatSetSizeRight | PathFileStatSetTimesRight | PathSymlinkRight |
		PathRemoveDirectoryRight | PathUnlinkFileRight

	// DirectoryRights are the rights meaningful on a directory descriptor.
	DirectoryRights = FDFDStatSetFlagsRight | FDSyncRight | FDAdviseRight | PathCreateDirectoryRight |
		PathCreateFileRight | PathLinkSourceRight | PathLinkTargetRight | PathOpenRight |
		FDReadDirRight | PathReadLinkRight | PathRenameSourceRight | PathRenameTargetRight |
		PathFileStatGetRight | PathFileStatSetSizeRight | PathFileStatSetTimesRight |
		FDFileStatGetRight | FDFileStatSetTimesRight | PathSymlinkRight | PathRemoveDirectoryRight |
		PathUnlinkFileRight | PollFDReadWriteRight

	// FileRights are the rights meaningful on a regular file descriptor.
	FileRights = FDDataSyncRight | FDReadRight | FDSeekRight | FDFDStatSetFlagsRight | FDSyncRight |
		FDTellRight | FDWriteRight | FDAdviseRight | FDAllocateRight | FDFileStatGetRight |
		FDFileStatSetSizeRight | FDFileStatSetTimesRight | PollFDReadWriteRight

	// SocketRights are the rights meaningful on a socket descriptor.
	SocketRights = FDReadRight | FDFDStatSetFlagsRight | FDWriteRight | FDFileStatGetRight |
		PollFDReadWriteRight | SockShutdownRight | SockAcceptRight

	// TTYRights are the rights meaningful on a terminal or character device
	// (stdio), following wasmtime and wasi-libc's expectations.
	TTYRights = FDReadRight | FDFDStatSetFlagsRight | FDWriteRight | FDFileStatGetRight | PollFDReadWriteRight
)
