/* Port of wasi-testsuite tests/rust/.../dangling_fd.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t dir_fd = wts_scratch(argc, argv);
	const char *FILE_NAME = "dangling_fd_file.cleanup";
	const char *DIR_NAME = "dangling_fd_subdir.cleanup";
	__wasi_fd_t fd;
	if (expect_ok("create file", __wasi_path_open(dir_fd, 0, FILE_NAME, __WASI_OFLAGS_CREAT, 0, 0, 0, &fd)))
		expect_ok("close", __wasi_fd_close(fd));
	__wasi_fd_t file_fd;
	if (expect_ok("failed to open", __wasi_path_open(dir_fd, 0, FILE_NAME, 0, 0, 0, 0, &file_fd))) {
		expect_true("file descriptor range check", file_fd > 2, "fd > 2");
		expect_ok("close", __wasi_fd_close(file_fd));
	}
	expect_ok("failed to unlink", __wasi_path_unlink_file(dir_fd, FILE_NAME));
	if (expect_ok("create again", __wasi_path_open(dir_fd, 0, FILE_NAME, __WASI_OFLAGS_CREAT, 0, 0, 0, &fd)))
		expect_ok("close", __wasi_fd_close(fd));
	expect_ok("failed to unlink 2", __wasi_path_unlink_file(dir_fd, FILE_NAME));

	expect_ok("failed to create dir", __wasi_path_create_directory(dir_fd, DIR_NAME));
	__wasi_fd_t subdir_fd;
	if (expect_ok("failed to open dir", __wasi_path_open(dir_fd, 0, DIR_NAME, __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &subdir_fd))) {
		expect_true("file descriptor range check", subdir_fd > 2, "fd > 2");
		expect_ok("close", __wasi_fd_close(subdir_fd));
	}
	expect_ok("failed to remove dir 2", __wasi_path_remove_directory(dir_fd, DIR_NAME));
	expect_ok("failed to create dir 2", __wasi_path_create_directory(dir_fd, DIR_NAME));
	return summary("dangling_fd");
}
