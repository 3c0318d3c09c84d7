/* Port of wasi-testsuite tests/rust/.../unlink_file_trailing_slashes.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "unlink_file_trailing_slashes_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, "dir"));
	expect_errno_in("unlink_file on a directory should fail", __wasi_path_unlink_file(dir_fd, "dir"), 3, __WASI_ERRNO_PERM,
	                __WASI_ERRNO_ISDIR, __WASI_ERRNO_ACCES);
	expect_errno_in("unlink_file on a directory with a trailing slash should fail", __wasi_path_unlink_file(dir_fd, "dir/"),
	                3, __WASI_ERRNO_PERM, __WASI_ERRNO_ISDIR, __WASI_ERRNO_ACCES);
	expect_ok("removing a directory", __wasi_path_remove_directory(dir_fd, "dir"));
	wts_create_file(dir_fd, "file");
	expect_errno_in("unlink_file with a trailing slash should fail", __wasi_path_unlink_file(dir_fd, "file/"), 2,
	                __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOENT);
	expect_ok("unlink_file with no trailing slash should succeed", __wasi_path_unlink_file(dir_fd, "file"));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("unlink_file_trailing_slashes");
}
