/* Port of wasi-testsuite tests/rust/.../fstflags_validate.rs: X and X_NOW
 * together are EINVAL. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t dir_fd = wts_scratch(argc, argv);
	const char *FILE_NAME = "fstflags_validate.cleanup";
	__wasi_fd_t fd;
	if (!expect_ok("failed to create file",
	               __wasi_path_open(dir_fd, 0, FILE_NAME, __WASI_OFLAGS_CREAT,
	                                __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES, 0, 0, &fd)))
		return summary("fstflags_validate");
	expect_errno("MTIM | MTIM_NOW", __wasi_fd_filestat_set_times(fd, 100, 200, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
	             __WASI_ERRNO_INVAL);
	expect_errno("ATIM | ATIM_NOW", __wasi_fd_filestat_set_times(fd, 100, 200, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
	             __WASI_ERRNO_INVAL);
	expect_ok("failed to close fd", __wasi_fd_close(fd));
	/* Not in the original, which leaves the file for the runner's cleanup. */
	__wasi_path_unlink_file(dir_fd, FILE_NAME);
	return summary("fstflags_validate");
}
