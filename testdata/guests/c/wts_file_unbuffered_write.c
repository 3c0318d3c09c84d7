/* Port of wasi-testsuite tests/rust/.../file_unbuffered_write.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "file_unbuffered_write_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	__wasi_fd_t fd_read, fd_write;
	if (!expect_ok("create and open file for reading",
	               __wasi_path_open(dir_fd, 0, "file", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &fd_read)))
		return summary("file_unbuffered_write");
	expect_true("file descriptor range check", fd_read > 2, "fd > 2");
	if (!expect_ok("opening file for writing", __wasi_path_open(dir_fd, 0, "file", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd_write)))
		return summary("file_unbuffered_write");
	expect_true("file descriptor range check", fd_write > 2, "fd > 2");
	uint8_t one = 1, got = 0;
	__wasi_ciovec_t ciov = {&one, 1};
	__wasi_iovec_t iov = {&got, 1};
	__wasi_size_t n;
	if (expect_ok("writing byte to file", __wasi_fd_write(fd_write, &ciov, 1, &n))) expect_u64("nwritten bytes check", n, 1);
	if (expect_ok("reading bytes from file", __wasi_fd_read(fd_read, &iov, 1, &n))) expect_u64("nread bytes check", n, 1);
	expect_u64("written bytes equal read bytes", got, 1);
	expect_ok("closing a file", __wasi_fd_close(fd_write));
	expect_ok("closing a file", __wasi_fd_close(fd_read));
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "file"));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("file_unbuffered_write");
}
