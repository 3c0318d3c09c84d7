/* Port of wasi-testsuite tests/rust/.../path_open_missing.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "path_open_missing_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME), fd;
	expect_errno("trying to open a file that doesn't exist", __wasi_path_open(dir_fd, 0, "file", 0, 0, 0, 0, &fd),
	             __WASI_ERRNO_NOENT);
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("path_open_missing");
}
