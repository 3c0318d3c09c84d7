/* Port of wasi-testsuite tests/rust/.../file_seek_tell.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "file_seek_tell_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	__wasi_fd_t fd;
	if (!expect_ok("opening a file",
	               __wasi_path_open(dir_fd, 0, "file", __WASI_OFLAGS_CREAT,
	                                __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
	                                    __WASI_RIGHTS_FD_TELL,
	                                0, 0, &fd)))
		return summary("file_seek_tell");
	expect_true("file descriptor range check", fd > 2, "fd > 2");
	__wasi_filesize_t off = 99;
	if (expect_ok("getting initial file offset", __wasi_fd_tell(fd, &off))) expect_u64("current offset should be 0", off, 0);
	uint8_t data[100] = {0};
	__wasi_ciovec_t ciov = {data, 100};
	__wasi_size_t n;
	if (expect_ok("writing to a file", __wasi_fd_write(fd, &ciov, 1, &n))) expect_u64("should write 100 bytes to file", n, 100);
	if (expect_ok("getting file offset after writing", __wasi_fd_tell(fd, &off)))
		expect_u64("offset after writing should be 100", off, 100);
	if (expect_ok("seeking to the middle of a file", __wasi_fd_seek(fd, -50, __WASI_WHENCE_CUR, &off)))
		expect_u64("offset after seeking to the middle should be at 50", off, 50);
	if (expect_ok("seeking to the beginning of the file", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off)))
		expect_u64("offset after seeking to the beginning should be 0", off, 0);
	expect_ok("seeking beyond the end of the file", __wasi_fd_seek(fd, 1000, __WASI_WHENCE_CUR, &off));
	expect_errno("seeking before byte 0 should be an error", __wasi_fd_seek(fd, -2000, __WASI_WHENCE_CUR, &off),
	             __WASI_ERRNO_INVAL);
	expect_ok("seeking to the beginning of the file again", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
	uint8_t buf[100];
	__wasi_iovec_t iov = {buf, 100};
	if (expect_ok("reading file", __wasi_fd_read(fd, &iov, 1, &n))) expect_u64("should read 100 bytes", n, 100);
	if (expect_ok("getting file offset after reading", __wasi_fd_tell(fd, &off)))
		expect_u64("offset after reading should be 100", off, 100);
	expect_ok("closing a file", __wasi_fd_close(fd));
	expect_ok("deleting a file", __wasi_path_unlink_file(dir_fd, "file"));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("file_seek_tell");
}
