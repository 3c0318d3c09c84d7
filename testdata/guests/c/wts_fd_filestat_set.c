/* Port of wasi-testsuite tests/rust/.../fd_filestat_set.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t dir_fd = wts_scratch(argc, argv);
	const char *FILE_NAME = "fd_filestat_set_file.cleanup";
	__wasi_fd_t file_fd;
	if (!expect_ok("failed to create file",
	               __wasi_path_open(dir_fd, 0, FILE_NAME, __WASI_OFLAGS_CREAT,
	                                __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_GET |
	                                    __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES,
	                                0, 0, &file_fd)))
		return summary("fd_filestat_set");
	expect_true("file descriptor range check", file_fd > 2, "fd > 2");
	__wasi_filestat_t st;
	if (expect_ok("failed filestat", __wasi_fd_filestat_get(file_fd, &st))) expect_u64("file size should be 0", st.size, 0);
	expect_ok("fd_filestat_set_size", __wasi_fd_filestat_set_size(file_fd, 100));
	expect_ok("failed filestat 2", __wasi_fd_filestat_get(file_fd, &st));
	expect_u64("file size should be 100", st.size, 100);
	__wasi_timestamp_t old_atim = st.atim;
	__wasi_timestamp_t new_mtim = st.mtim - 100;
	expect_ok("fd_filestat_set_times", __wasi_fd_filestat_set_times(file_fd, new_mtim, new_mtim, __WASI_FSTFLAGS_MTIM));
	if (expect_ok("failed filestat 3", __wasi_fd_filestat_get(file_fd, &st))) {
		expect_u64("file size should remain unchanged at 100", st.size, 100);
		expect_u64("mtim should change", st.mtim, new_mtim);
		expect_u64("atim should not change", st.atim, old_atim);
	}
	expect_ok("failed to close fd", __wasi_fd_close(file_fd));
	expect_ok("failed to remove file", __wasi_path_unlink_file(dir_fd, FILE_NAME));
	return summary("fd_filestat_set");
}
