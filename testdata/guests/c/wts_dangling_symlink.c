/* Port of wasi-testsuite tests/rust/.../dangling_symlink.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t dir_fd = wts_scratch(argc, argv);
	const char *SYMLINK_NAME = "dangling_symlink_symlink.cleanup";
	__wasi_fd_t fd;
	if (!expect_ok("create a dangling symlink", __wasi_path_symlink("target", dir_fd, SYMLINK_NAME)))
		return summary("dangling_symlink");
	expect_errno_in("opening a dangling symlink as a directory",
	                __wasi_path_open(dir_fd, 0, SYMLINK_NAME, __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd), 2,
	                __WASI_ERRNO_NOTDIR, __WASI_ERRNO_LOOP);
	expect_errno_in("opening a dangling symlink as a file",
	                __wasi_path_open(dir_fd, 0, SYMLINK_NAME, 0, 0, 0, 0, &fd), 1, __WASI_ERRNO_LOOP);
	expect_ok("failed to remove file", __wasi_path_unlink_file(dir_fd, SYMLINK_NAME));
	return summary("dangling_symlink");
}
