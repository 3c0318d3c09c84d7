/* Port of wasi-testsuite tests/rust/.../file_truncation.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "file_truncation_dir.cleanup";
	const char *FILENAME = "test.txt";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	__wasi_fd_t fd;
	if (expect_ok("creating a file for writing",
	              __wasi_path_open(dir_fd, 0, FILENAME, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd))) {
		const char *content = "this content will be truncated!";
		__wasi_ciovec_t ciov = {(const uint8_t *)content, strlen(content)};
		__wasi_size_t n;
		if (expect_ok("writing file content", __wasi_fd_write(fd, &ciov, 1, &n)))
			expect_u64("nwritten bytes check", n, strlen(content));
		expect_ok("closing the file", __wasi_fd_close(fd));
	}
	if (expect_ok("creating a truncated file for reading",
	              __wasi_path_open(dir_fd, 0, FILENAME, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
	                               __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READ, 0, 0, &fd))) {
		uint8_t buf[100];
		__wasi_iovec_t iov = {buf, 100};
		__wasi_size_t n = 99;
		if (expect_ok("reading file content", __wasi_fd_read(fd, &iov, 1, &n)))
			expect_u64("expected an empty file after truncation", n, 0);
		expect_ok("closing the file", __wasi_fd_close(fd));
	}
	expect_ok("removing FILENAME", __wasi_path_unlink_file(dir_fd, FILENAME));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("file_truncation");
}
