/* Port of wasi-testsuite tests/rust/.../nofollow_errors.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "nofollow_errors_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	__wasi_fd_t fd;

	expect_ok("creating a dir", __wasi_path_create_directory(dir_fd, "target"));
	expect_ok("creating a symlink", __wasi_path_symlink("target", dir_fd, "symlink"));
	expect_errno_in("dir symlink, O_DIRECTORY, nofollow",
	                __wasi_path_open(dir_fd, 0, "symlink", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd), 2, __WASI_ERRNO_LOOP,
	                __WASI_ERRNO_NOTDIR);
	expect_errno_in("dir symlink, nofollow", __wasi_path_open(dir_fd, 0, "symlink", 0, 0, 0, 0, &fd), 2,
	                __WASI_ERRNO_LOOP, __WASI_ERRNO_ACCES);
	if (expect_ok("opening a symlink as a directory",
	              __wasi_path_open(dir_fd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "symlink", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd))) {
		expect_true("file descriptor range check", fd > 2, "fd > 2");
		expect_ok("closing a file", __wasi_fd_close(fd));
	}
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "symlink"));
	expect_ok("remove_directory on a directory should succeed", __wasi_path_remove_directory(dir_fd, "target"));

	if (expect_ok("creating a file", __wasi_path_open(dir_fd, 0, "target", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd)))
		expect_ok("closing a file", __wasi_fd_close(fd));
	expect_ok("creating a symlink", __wasi_path_symlink("target", dir_fd, "symlink"));
	expect_errno_in("file symlink, O_DIRECTORY, nofollow",
	                __wasi_path_open(dir_fd, 0, "symlink", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd), 2, __WASI_ERRNO_LOOP,
	                __WASI_ERRNO_NOTDIR);
	expect_errno_in("file symlink, nofollow", __wasi_path_open(dir_fd, 0, "symlink", 0, 0, 0, 0, &fd), 1, __WASI_ERRNO_LOOP);
	expect_errno_in("file symlink, O_DIRECTORY, follow",
	                __wasi_path_open(dir_fd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "symlink", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd),
	                1, __WASI_ERRNO_NOTDIR);
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "target"));
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "symlink"));

	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("nofollow_errors");
}
