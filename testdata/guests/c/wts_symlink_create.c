/* Port of wasi-testsuite tests/rust/.../symlink_create.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "symlink_create_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME), fd;

	/* To a file. */
	if (expect_ok("creating a file", __wasi_path_open(dir_fd, 0, "target", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd)))
		expect_ok("closing file", __wasi_fd_close(fd));
	expect_ok("creating a symlink", __wasi_path_symlink("target", dir_fd, "symlink"));
	if (expect_ok("opening a symlink to a file, following",
	              __wasi_path_open(dir_fd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "symlink", 0, 0, 0, 0, &fd))) {
		expect_true("file descriptor range check", fd > 2, "fd > 2");
		expect_ok("close the symlink file", __wasi_fd_close(fd));
	}
	expect_ok("removing the symlink", __wasi_path_unlink_file(dir_fd, "symlink"));
	expect_ok("removing the target file", __wasi_path_unlink_file(dir_fd, "target"));

	/* To a directory. */
	expect_ok("creating a dir", __wasi_path_create_directory(dir_fd, "target"));
	expect_ok("creating a symlink", __wasi_path_symlink("target", dir_fd, "symlink"));
	if (expect_ok("opening a symlink as a directory",
	              __wasi_path_open(dir_fd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "symlink", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd))) {
		expect_true("file descriptor range check", fd > 2, "fd > 2");
		expect_ok("closing a file", __wasi_fd_close(fd));
	}
	expect_ok("remove symlink to directory", __wasi_path_unlink_file(dir_fd, "symlink"));
	expect_ok("remove_directory on a directory should succeed", __wasi_path_remove_directory(dir_fd, "target"));

	/* To an absolute path. */
	expect_error("creating a symlink to an absolute path", __wasi_path_symlink("/", dir_fd, "symlink"));

	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("symlink_create");
}
