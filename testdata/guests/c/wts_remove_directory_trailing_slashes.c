/* Port of wasi-testsuite tests/rust/.../remove_directory_trailing_slashes.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t dir_fd = wts_scratch(argc, argv);
	const char *TEST_FILENAME = "file.cleanup", *TEST_DIRNAME = "dir.cleanup";
	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, TEST_DIRNAME));
	expect_ok("remove_directory on a directory should succeed", __wasi_path_remove_directory(dir_fd, TEST_DIRNAME));
	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, TEST_DIRNAME));
	__wasi_errno_t e = __wasi_path_remove_directory(dir_fd, "dir.cleanup/");
	if (e == 0) {
		pass("remove_directory with a trailing slash");
	} else {
		expect_errno("remove_directory with a trailing slash", e, __WASI_ERRNO_ACCES);
		expect_ok("remove_directory", __wasi_path_remove_directory(dir_fd, TEST_DIRNAME));
	}
	wts_create_file(dir_fd, TEST_FILENAME);
	expect_errno("remove_directory without a trailing slash on a file should fail",
	             __wasi_path_remove_directory(dir_fd, TEST_FILENAME), __WASI_ERRNO_NOTDIR);
	expect_errno_in("remove_directory with a trailing slash on a file should fail",
	                __wasi_path_remove_directory(dir_fd, "file.cleanup/"), 2, __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOENT);
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, TEST_FILENAME));
	return summary("remove_directory_trailing_slashes");
}
