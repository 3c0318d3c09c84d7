/* Port of wasi-testsuite tests/rust/.../overwrite_preopen.rs: renumbering
 * onto a preopened directory replaces it. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "overwrite_preopen_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	__wasi_fd_t pre_fd = 3;
	expect_true("dir_fd number", dir_fd > pre_fd, "dir_fd > 3");
	__wasi_filestat_t old_st, new_st;
	expect_ok("fd_filestat_get(dir_fd)", __wasi_fd_filestat_get(dir_fd, &old_st));
	expect_ok("renumbering over a preopened file descriptor", __wasi_fd_renumber(dir_fd, pre_fd));
	if (expect_ok("fd_filestat_get(pre_fd)", __wasi_fd_filestat_get(pre_fd, &new_st))) {
		expect_u64("renumbered: same dev", new_st.dev, old_st.dev);
		expect_u64("renumbered: same ino", new_st.ino, old_st.ino);
	}
	__wasi_fdstat_t st;
	expect_errno("dir_fd is closed", __wasi_fd_fdstat_get(dir_fd, &st), __WASI_ERRNO_BADF);
	expect_ok("close pre_fd", __wasi_fd_close(pre_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("overwrite_preopen");
}
