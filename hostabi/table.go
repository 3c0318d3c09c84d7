package hostabi

import (
	"context"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// Group is the capability group of a host function: what a manifest must
// grant for the function to be useful. `wasibox inspect` lists a module's
// imports by group.
type Group uint8

// Capability groups.
const (
	// GroupEnv: command-line arguments and environment variables.
	GroupEnv Group = iota + 1
	// GroupClocks: clocks and timers (poll_oneoff is mostly a sleep).
	GroupClocks
	// GroupFiles: descriptors, files and directories (fd_*, path_*).
	GroupFiles
	// GroupNetwork: sockets.
	GroupNetwork
	// GroupProcess: exit, signals, scheduling.
	GroupProcess
	// GroupRandom: random numbers.
	GroupRandom
)

// String returns the group's manifest-style name: env, clocks, files,
// network, process or random.
func (g Group) String() string {
	switch g {
	case GroupEnv:
		return "env"
	case GroupClocks:
		return "clocks"
	case GroupFiles:
		return "files"
	case GroupNetwork:
		return "network"
	case GroupProcess:
		return "process"
	case GroupRandom:
		return "random"
	}
	return "group(?)"
}

// FuncInfo describes one host function of the module: its core wasm
// signature (witx results other than the errno become output pointer
// parameters named "result.<name>"), its capability group, and the
// descriptor rights the spec ties to it.
type FuncInfo struct {
	// Name is the import name, e.g. "fd_write".
	Name string
	// Group is the capability group.
	Group Group
	// Rights are the base rights a descriptor argument must hold, as the
	// spec assigns them (zero when the function takes no descriptor or
	// needs no right, e.g. fd_close). For two-descriptor calls they are the
	// union of both sides' rights.
	Rights wasi.Rights
	// Doc is a one-line summary from the witx.
	Doc string
	// ParamTypes and ParamNames are the core wasm parameters, in order.
	ParamTypes []api.ValueType
	ParamNames []string
	// ResultTypes and ResultNames are the core wasm results: one i32 errno,
	// or none for proc_exit.
	ResultTypes []api.ValueType
	ResultNames []string

	impl implFunc
}

// implFunc is a host function bound to a host instance.
type implFunc func(h *host, ctx context.Context, mod api.Module, stack []uint64)

// Functions returns the table of preview 1 host functions in spec order
// (46 entries). The result is a fresh copy: changing it changes nothing.
func Functions() []FuncInfo {
	t := table()
	for i := range t {
		t[i].impl = nil
	}
	return t
}

type param struct {
	name string
	typ  api.ValueType
}

func i32(name string) param { return param{name, api.ValueTypeI32} }
func i64(name string) param { return param{name, api.ValueTypeI64} }

func fn(name string, g Group, rights wasi.Rights, doc string, impl implFunc, params ...param) FuncInfo {
	f := FuncInfo{
		Name: name, Group: g, Rights: rights, Doc: doc, impl: impl,
		ParamTypes:  make([]api.ValueType, len(params)),
		ParamNames:  make([]string, len(params)),
		ResultTypes: []api.ValueType{api.ValueTypeI32},
		ResultNames: []string{"errno"},
	}
	for i, p := range params {
		f.ParamTypes[i], f.ParamNames[i] = p.typ, p.name
	}
	return f
}

// table builds the host function table, in the order of
// wasi_snapshot_preview1.witx. It is a function rather than a package
// variable so that no caller can change what Instantiate registers.
func table() []FuncInfo {
	t := []FuncInfo{
		fn("args_get", GroupEnv, 0, "Read command-line argument data.",
			(*host).argsGet, i32("argv"), i32("argv_buf")),
		fn("args_sizes_get", GroupEnv, 0, "Return command-line argument data sizes.",
			(*host).argsSizesGet, i32("result.argc"), i32("result.argv_buf_size")),
		fn("environ_get", GroupEnv, 0, "Read environment variable data.",
			(*host).environGet, i32("environ"), i32("environ_buf")),
		fn("environ_sizes_get", GroupEnv, 0, "Return environment variable data sizes.",
			(*host).environSizesGet, i32("result.environc"), i32("result.environ_buf_size")),
		fn("clock_res_get", GroupClocks, 0, "Return the resolution of a clock.",
			(*host).clockResGet, i32("id"), i32("result.resolution")),
		fn("clock_time_get", GroupClocks, 0, "Return the time value of a clock.",
			(*host).clockTimeGet, i32("id"), i64("precision"), i32("result.timestamp")),
		fn("fd_advise", GroupFiles, wasi.FDAdviseRight, "Provide file advisory information on a file descriptor.",
			(*host).fdAdvise, i32("fd"), i64("offset"), i64("len"), i32("advice")),
		fn("fd_allocate", GroupFiles, wasi.FDAllocateRight, "Force the allocation of space in a file.",
			(*host).fdAllocate, i32("fd"), i64("offset"), i64("len")),
		fn("fd_close", GroupFiles, 0, "Close a file descriptor.",
			(*host).fdClose, i32("fd")),
		fn("fd_datasync", GroupFiles, wasi.FDDataSyncRight, "Synchronize the data of a file to disk.",
			(*host).fdDatasync, i32("fd")),
		fn("fd_fdstat_get", GroupFiles, 0, "Get the attributes of a file descriptor.",
			(*host).fdFdstatGet, i32("fd"), i32("result.stat")),
		fn("fd_fdstat_set_flags", GroupFiles, wasi.FDFDStatSetFlagsRight, "Adjust the flags associated with a file descriptor.",
			(*host).fdFdstatSetFlags, i32("fd"), i32("flags")),
		fn("fd_fdstat_set_rights", GroupFiles, 0, "Adjust the rights associated with a file descriptor.",
			(*host).fdFdstatSetRights, i32("fd"), i64("fs_rights_base"), i64("fs_rights_inheriting")),
		fn("fd_filestat_get", GroupFiles, wasi.FDFileStatGetRight, "Return the attributes of an open file.",
			(*host).fdFilestatGet, i32("fd"), i32("result.buf")),
		fn("fd_filestat_set_size", GroupFiles, wasi.FDFileStatSetSizeRight, "Adjust the size of an open file.",
			(*host).fdFilestatSetSize, i32("fd"), i64("size")),
		fn("fd_filestat_set_times", GroupFiles, wasi.FDFileStatSetTimesRight, "Adjust the timestamps of an open file or directory.",
			(*host).fdFilestatSetTimes, i32("fd"), i64("atim"), i64("mtim"), i32("fst_flags")),
		fn("fd_pread", GroupFiles, wasi.FDReadRight|wasi.FDSeekRight, "Read from a file descriptor at an offset.",
			(*host).fdPread, i32("fd"), i32("iovs"), i32("iovs_len"), i64("offset"), i32("result.nread")),
		fn("fd_prestat_get", GroupFiles, 0, "Return a description of the given preopened file descriptor.",
			(*host).fdPrestatGet, i32("fd"), i32("result.prestat")),
		fn("fd_prestat_dir_name", GroupFiles, 0, "Return the name of the given preopened directory.",
			(*host).fdPrestatDirName, i32("fd"), i32("path"), i32("path_len")),
		fn("fd_pwrite", GroupFiles, wasi.FDWriteRight|wasi.FDSeekRight, "Write to a file descriptor at an offset.",
			(*host).fdPwrite, i32("fd"), i32("iovs"), i32("iovs_len"), i64("offset"), i32("result.nwritten")),
		fn("fd_read", GroupFiles, wasi.FDReadRight, "Read from a file descriptor.",
			(*host).fdRead, i32("fd"), i32("iovs"), i32("iovs_len"), i32("result.nread")),
		fn("fd_readdir", GroupFiles, wasi.FDReadDirRight, "Read directory entries from a directory.",
			(*host).fdReaddir, i32("fd"), i32("buf"), i32("buf_len"), i64("cookie"), i32("result.bufused")),
		fn("fd_renumber", GroupFiles, 0, "Atomically replace a file descriptor by renumbering another one.",
			(*host).fdRenumber, i32("fd"), i32("to")),
		fn("fd_seek", GroupFiles, wasi.FDSeekRight, "Move the offset of a file descriptor.",
			(*host).fdSeek, i32("fd"), i64("offset"), i32("whence"), i32("result.newoffset")),
		fn("fd_sync", GroupFiles, wasi.FDSyncRight, "Synchronize the data and metadata of a file to disk.",
			(*host).fdSync, i32("fd")),
		fn("fd_tell", GroupFiles, wasi.FDTellRight, "Return the current offset of a file descriptor.",
			(*host).fdTell, i32("fd"), i32("result.offset")),
		fn("fd_write", GroupFiles, wasi.FDWriteRight, "Write to a file descriptor.",
			(*host).fdWrite, i32("fd"), i32("iovs"), i32("iovs_len"), i32("result.nwritten")),
		fn("path_create_directory", GroupFiles, wasi.PathCreateDirectoryRight, "Create a directory.",
			(*host).pathCreateDirectory, i32("fd"), i32("path"), i32("path_len")),
		fn("path_filestat_get", GroupFiles, wasi.PathFileStatGetRight, "Return the attributes of a file or directory.",
			(*host).pathFilestatGet, i32("fd"), i32("flags"), i32("path"), i32("path_len"), i32("result.buf")),
		fn("path_filestat_set_times", GroupFiles, wasi.PathFileStatSetTimesRight, "Adjust the timestamps of a file or directory.",
			(*host).pathFilestatSetTimes, i32("fd"), i32("flags"), i32("path"), i32("path_len"), i64("atim"), i64("mtim"), i32("fst_flags")),
		fn("path_link", GroupFiles, wasi.PathLinkSourceRight|wasi.PathLinkTargetRight, "Create a hard link.",
			(*host).pathLink, i32("old_fd"), i32("old_flags"), i32("old_path"), i32("old_path_len"), i32("new_fd"), i32("new_path"), i32("new_path_len")),
		fn("path_open", GroupFiles, wasi.PathOpenRight, "Open a file or directory.",
			(*host).pathOpen, i32("fd"), i32("dirflags"), i32("path"), i32("path_len"), i32("oflags"), i64("fs_rights_base"), i64("fs_rights_inheriting"), i32("fdflags"), i32("result.opened_fd")),
		fn("path_readlink", GroupFiles, wasi.PathReadLinkRight, "Read the contents of a symbolic link.",
			(*host).pathReadlink, i32("fd"), i32("path"), i32("path_len"), i32("buf"), i32("buf_len"), i32("result.bufused")),
		fn("path_remove_directory", GroupFiles, wasi.PathRemoveDirectoryRight, "Remove a directory.",
			(*host).pathRemoveDirectory, i32("fd"), i32("path"), i32("path_len")),
		fn("path_rename", GroupFiles, wasi.PathRenameSourceRight|wasi.PathRenameTargetRight, "Rename a file or directory.",
			(*host).pathRename, i32("fd"), i32("old_path"), i32("old_path_len"), i32("new_fd"), i32("new_path"), i32("new_path_len")),
		fn("path_symlink", GroupFiles, wasi.PathSymlinkRight, "Create a symbolic link.",
			(*host).pathSymlink, i32("old_path"), i32("old_path_len"), i32("fd"), i32("new_path"), i32("new_path_len")),
		fn("path_unlink_file", GroupFiles, wasi.PathUnlinkFileRight, "Unlink a file.",
			(*host).pathUnlinkFile, i32("fd"), i32("path"), i32("path_len")),
		fn("poll_oneoff", GroupClocks, wasi.PollFDReadWriteRight, "Concurrently poll for the occurrence of a set of events.",
			(*host).pollOneoff, i32("in"), i32("out"), i32("nsubscriptions"), i32("result.nevents")),
		fn("proc_exit", GroupProcess, 0, "Terminate the process normally.",
			(*host).procExit, i32("rval")),
		fn("proc_raise", GroupProcess, 0, "Send a signal to the process of the calling thread.",
			(*host).procRaise, i32("sig")),
		fn("sched_yield", GroupProcess, 0, "Temporarily yield execution of the calling thread.",
			(*host).schedYield),
		fn("random_get", GroupRandom, 0, "Write high-quality random data into a buffer.",
			(*host).randomGet, i32("buf"), i32("buf_len")),
		fn("sock_accept", GroupNetwork, wasi.SockAcceptRight, "Accept a new incoming connection.",
			(*host).sockAccept, i32("fd"), i32("flags"), i32("result.fd")),
		fn("sock_recv", GroupNetwork, wasi.FDReadRight, "Receive a message from a socket.",
			(*host).sockRecv, i32("fd"), i32("ri_data"), i32("ri_data_len"), i32("ri_flags"), i32("result.ro_datalen"), i32("result.ro_flags")),
		fn("sock_send", GroupNetwork, wasi.FDWriteRight, "Send a message on a socket.",
			(*host).sockSend, i32("fd"), i32("si_data"), i32("si_data_len"), i32("si_flags"), i32("result.so_datalen")),
		fn("sock_shutdown", GroupNetwork, wasi.SockShutdownRight, "Shut down socket send and receive channels.",
			(*host).sockShutdown, i32("fd"), i32("how")),
	}
	// proc_exit is noreturn: no errno result.
	for i := range t {
		if t[i].Name == "proc_exit" {
			t[i].ResultTypes, t[i].ResultNames = nil, nil
		}
	}
	return t
}
