/* Port of wasi-testsuite tests/rust/.../fd_advise.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t dir_fd = wts_scratch(argc, argv);
	const char *FILE_NAME = "fd_advise_file.cleanup";
	__wasi_fd_t file_fd;
	if (!expect_ok("failed to open file",
	               __wasi_path_open(dir_fd, 0, FILE_NAME, __WASI_OFLAGS_CREAT,
	                                __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ADVISE |
	                                    __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |
	                                    __WASI_RIGHTS_FD_ALLOCATE,
	                                0, 0, &file_fd)))
		return summary("fd_advise");
	expect_true("file descriptor range check", file_fd > 2, "fd > 2");
	__wasi_filestat_t st;
	if (expect_ok("failed to fdstat", __wasi_fd_filestat_get(file_fd, &st))) expect_u64("file size should be 0", st.size, 0);
	expect_ok("setting size", __wasi_fd_filestat_set_size(file_fd, 100));
	if (expect_ok("failed to fdstat 2", __wasi_fd_filestat_get(file_fd, &st))) expect_u64("file size should be 100", st.size, 100);
	expect_ok("failed advise", __wasi_fd_advise(file_fd, 10, 50, __WASI_ADVICE_NORMAL));
	if (expect_ok("failed to fdstat 3", __wasi_fd_filestat_get(file_fd, &st)))
		expect_u64("advise shouldn't change size", st.size, 100);
	__wasi_errno_t e = __wasi_fd_allocate(file_fd, 100, 100);
	if (e == 0) {
		if (expect_ok("failed to fdstat 4", __wasi_fd_filestat_get(file_fd, &st))) expect_u64("file size should be 200", st.size, 200);
	} else {
		expect_errno("allocating size", e, __WASI_ERRNO_NOTSUP);
	}
	expect_ok("failed to close", __wasi_fd_close(file_fd));
	expect_ok("failed to unlink", __wasi_path_unlink_file(dir_fd, FILE_NAME));
	return summary("fd_advise");
}
