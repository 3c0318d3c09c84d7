/* Port of wasi-testsuite tests/rust/.../path_open_dirfd_not_dir.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "path_open_dirfd_not_dir_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME), file_fd, fd;
	if (expect_ok("opening a file", __wasi_path_open(dir_fd, 0, "file", __WASI_OFLAGS_CREAT, 0, 0, 0, &file_fd))) {
		expect_errno_in("non-directory base fd should get ERRNO_NOTDIR",
		                __wasi_path_open(file_fd, 0, "foo", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd), 2, __WASI_ERRNO_NOTDIR,
		                __WASI_ERRNO_NOTCAPABLE);
		expect_ok("closing a file", __wasi_fd_close(file_fd));
	}
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "file"));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("path_open_dirfd_not_dir");
}
