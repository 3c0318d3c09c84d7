/* Port of wasi-testsuite tests/rust/.../close_preopen.rs: closing a
 * preopened directory succeeds and leaves other descriptors alone. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t dir_fd = wts_scratch(argc, argv);
	__wasi_fd_t pre_fd = 3;
	expect_true("dir_fd number", dir_fd > pre_fd, "dir_fd > 3");
	expect_ok("closing a preopened file descriptor", __wasi_fd_close(pre_fd));
	__wasi_fdstat_t st;
	if (expect_ok("fd_fdstat_get(dir_fd) after closing the preopen", __wasi_fd_fdstat_get(dir_fd, &st)))
		expect_u64("the scratch directory is a directory", st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
	expect_errno("fd_fdstat_get(pre_fd) is BADF", __wasi_fd_fdstat_get(pre_fd, &st), __WASI_ERRNO_BADF);
	return summary("close_preopen");
}
