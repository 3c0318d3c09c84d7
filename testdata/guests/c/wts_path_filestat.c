/* Port of wasi-testsuite tests/rust/.../path_filestat.rs. */
#include "wts.h"

static __wasi_errno_t open_file(__wasi_fd_t dir_fd, __wasi_fdflags_t ff, __wasi_fd_t *fd) {
	return __wasi_path_open(dir_fd, 0, "file", __WASI_OFLAGS_CREAT,
	                        __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_PATH_FILESTAT_GET, 0, ff, fd);
}

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "path_filestat_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	__wasi_fdstat_t fdstat;
	if (expect_ok("fd_fdstat_get", __wasi_fd_fdstat_get(dir_fd, &fdstat)))
		expect_true("the scratch directory has PATH_FILESTAT_GET", (fdstat.fs_rights_base & __WASI_RIGHTS_PATH_FILESTAT_GET) != 0,
		            "PATH_FILESTAT_GET");
	__wasi_fd_t file_fd;
	__wasi_fdflags_t fdflags = __WASI_FDFLAGS_APPEND | __WASI_FDFLAGS_SYNC;
	__wasi_errno_t e = open_file(dir_fd, fdflags, &file_fd);
	if (e == __WASI_ERRNO_NOTSUP) {
		fdflags = __WASI_FDFLAGS_APPEND;
		e = open_file(dir_fd, fdflags, &file_fd);
	}
	if (!expect_ok("opening file with APPEND|SYNC", e)) return summary("path_filestat");
	expect_true("file descriptor range check", file_fd > 2, "fd > 2");
	if (expect_ok("fd_fdstat_get", __wasi_fd_fdstat_get(file_fd, &fdstat))) {
		expect_u64("file has the APPEND fdflag", fdstat.fs_flags & __WASI_FDFLAGS_APPEND, __WASI_FDFLAGS_APPEND);
		if (fdflags & __WASI_FDFLAGS_SYNC)
			expect_u64("file has the SYNC fdflag", fdstat.fs_flags & __WASI_FDFLAGS_SYNC, __WASI_FDFLAGS_SYNC);
	}
	__wasi_filestat_t st;
	expect_ok("reading file stats", __wasi_path_filestat_get(dir_fd, 0, "file", &st));
	expect_u64("file size should be 0", st.size, 0);
	__wasi_timestamp_t new_mtim = st.mtim - 100;
	expect_ok("path_filestat_set_times should succeed",
	          __wasi_path_filestat_set_times(dir_fd, 0, "file", 0, new_mtim, __WASI_FSTFLAGS_MTIM));
	if (expect_ok("reading file stats after path_filestat_set_times", __wasi_path_filestat_get(dir_fd, 0, "file", &st)))
		expect_u64("mtim should change", st.mtim, new_mtim);
	expect_errno("MTIM and MTIM_NOW can't both be set",
	             __wasi_path_filestat_set_times(dir_fd, 0, "file", 0, new_mtim, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
	             __WASI_ERRNO_INVAL);
	if (expect_ok("reading file stats after EINVAL", __wasi_path_filestat_get(dir_fd, 0, "file", &st)))
		expect_u64("mtim should not change", st.mtim, new_mtim);
	expect_errno("ATIM & ATIM_NOW can't both be set",
	             __wasi_path_filestat_set_times(dir_fd, 0, "file", 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
	             __WASI_ERRNO_INVAL);
	expect_ok("closing a file", __wasi_fd_close(file_fd));
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "file"));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("path_filestat");
}
