/* Port of wasi-testsuite tests/rust/.../path_symlink_trailing_slashes.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "path_symlink_trailing_slashes_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);

	expect_errno("dangling symlink: destination ending with a slash", __wasi_path_symlink("source", dir_fd, "target/"),
	             __WASI_ERRNO_NOENT);
	if (__wasi_path_symlink("source", dir_fd, "target") == 0)
		expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "target"));

	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, "target"));
	expect_errno_in("destination is a directory, with a trailing slash", __wasi_path_symlink("source", dir_fd, "target/"), 2,
	                __WASI_ERRNO_EXIST, __WASI_ERRNO_NOENT);
	expect_ok("removing a directory", __wasi_path_remove_directory(dir_fd, "target"));

	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, "target"));
	expect_errno_in("destination is a directory", __wasi_path_symlink("source", dir_fd, "target"), 2, __WASI_ERRNO_EXIST,
	                __WASI_ERRNO_NOENT);
	expect_ok("removing a directory", __wasi_path_remove_directory(dir_fd, "target"));

	wts_create_file(dir_fd, "target");
	expect_errno_in("destination is a file, with a trailing slash", __wasi_path_symlink("source", dir_fd, "target/"), 3,
	                __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOENT, __WASI_ERRNO_EXIST);
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "target"));

	wts_create_file(dir_fd, "target");
	expect_errno_in("destination is a file", __wasi_path_symlink("source", dir_fd, "target"), 2, __WASI_ERRNO_EXIST,
	                __WASI_ERRNO_NOENT);
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "target"));

	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("path_symlink_trailing_slashes");
}
