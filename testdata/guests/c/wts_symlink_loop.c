/* Port of wasi-testsuite tests/rust/.../symlink_loop.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "symlink_loop_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME), fd;
	if (expect_ok("creating a self-referencing symlink", __wasi_path_symlink("symlink", dir_fd, "symlink"))) {
		expect_errno("opening a self-referencing symlink", __wasi_path_open(dir_fd, 0, "symlink", 0, 0, 0, 0, &fd),
		             __WASI_ERRNO_LOOP);
		expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "symlink"));
	}
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("symlink_loop");
}
