/* Port of wasi-testsuite tests/rust/.../remove_nonempty_directory.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "remove_nonempty_directory_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, "dir"));
	expect_ok("creating a subdirectory", __wasi_path_create_directory(dir_fd, "dir/nested"));
	expect_errno("remove_directory on a non-empty directory", __wasi_path_remove_directory(dir_fd, "dir"),
	             __WASI_ERRNO_NOTEMPTY);
	expect_ok("remove_directory on a nested directory", __wasi_path_remove_directory(dir_fd, "dir/nested"));
	expect_ok("removing a directory", __wasi_path_remove_directory(dir_fd, "dir"));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("remove_nonempty_directory");
}
