/* Port of wasi-testsuite tests/rust/.../path_rename_dir_trailing_slashes.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "path_rename_dir_trailing_slashes_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, "source"));
	expect_ok("trailing slash in the source name", __wasi_path_rename(dir_fd, "source/", dir_fd, "target"));
	expect_ok("trailing slash in the destination name", __wasi_path_rename(dir_fd, "target", dir_fd, "source/"));
	expect_ok("trailing slash in the source and destination names", __wasi_path_rename(dir_fd, "source/", dir_fd, "target/"));
	expect_ok("no trailing slashes at all", __wasi_path_rename(dir_fd, "target", dir_fd, "source"));
	expect_ok("removing the directory", __wasi_path_remove_directory(dir_fd, "source"));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("path_rename_dir_trailing_slashes");
}
