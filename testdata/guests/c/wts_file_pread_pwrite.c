/* Port of wasi-testsuite tests/rust/.../file_pread_pwrite.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "file_pread_pwrite_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	__wasi_fd_t fd;
	if (!expect_ok("opening a file",
	               __wasi_path_open(dir_fd, 0, "file", __WASI_OFLAGS_CREAT,
	                                __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd)))
		return summary("file_pread_pwrite");
	expect_true("file descriptor range check", fd > 2, "fd > 2");
	const uint8_t data[4] = {0, 1, 2, 3};
	__wasi_size_t n = 0;
	__wasi_ciovec_t ciov = {data, 4};
	if (expect_ok("writing bytes at offset 0", __wasi_fd_pwrite(fd, &ciov, 1, 0, &n))) expect_u64("nwritten bytes check", n, 4);
	uint8_t contents[4] = {0};
	__wasi_iovec_t iov = {contents, 4};
	if (expect_ok("reading bytes at offset 0", __wasi_fd_pread(fd, &iov, 1, 0, &n))) expect_u64("nread bytes check", n, 4);
	expect_bytes("written bytes equal read bytes", contents, 4, data, 4);

	/* Write all the data through two iovecs, in a loop. */
	size_t offset = 0;
	for (int guard = 0; guard < 16; guard++) {
		__wasi_ciovec_t cv[2];
		int nv = 0;
		size_t remaining = 4 - offset;
		if (remaining > 2) {
			cv[nv++] = (__wasi_ciovec_t){data + offset, 2};
			remaining -= 2;
		}
		cv[nv++] = (__wasi_ciovec_t){data + 4 - remaining, remaining};
		if (!expect_ok("writing bytes with two iovecs", __wasi_fd_pwrite(fd, cv, (size_t)nv, offset, &n))) break;
		offset += n;
		if (offset == 4) break;
	}
	expect_u64("nwritten bytes check (iovecs)", offset, 4);

	/* Read all the data through two iovecs, in a loop. */
	memset(contents, 0, 4);
	offset = 0;
	for (int guard = 0; guard < 16; guard++) {
		uint8_t buffer[4] = {0};
		__wasi_iovec_t iv[2] = {{buffer, 2}, {buffer + 2, 2}};
		if (!expect_ok("reading bytes with two iovecs", __wasi_fd_pread(fd, iv, 2, offset, &n))) break;
		if (n == 0) break;
		if (offset + n > 4) {
			failf("pread", "read past the end");
			break;
		}
		memcpy(contents + offset, buffer, n);
		offset += n;
	}
	expect_u64("nread bytes check (iovecs)", offset, 4);
	expect_bytes("file cursor was overwritten", contents, 4, data, 4);

	uint8_t c2[4] = {0};
	iov = (__wasi_iovec_t){c2, 4};
	if (expect_ok("reading bytes at offset 2", __wasi_fd_pread(fd, &iov, 1, 2, &n))) expect_u64("nread bytes check", n, 2);
	expect_bytes("pread at 2", c2, 4, (uint8_t[]){2, 3, 0, 0}, 4);

	const uint8_t w2[2] = {1, 0};
	ciov = (__wasi_ciovec_t){w2, 2};
	if (expect_ok("writing bytes at offset 2", __wasi_fd_pwrite(fd, &ciov, 1, 2, &n))) expect_u64("nwritten bytes check", n, 2);
	uint8_t c3[4] = {0};
	iov = (__wasi_iovec_t){c3, 4};
	if (expect_ok("reading bytes at offset 0", __wasi_fd_pread(fd, &iov, 1, 0, &n))) expect_u64("nread bytes check", n, 4);
	expect_bytes("after pwrite at 2", c3, 4, (uint8_t[]){0, 1, 1, 0}, 4);

	expect_ok("closing a file", __wasi_fd_close(fd));
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "file"));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("file_pread_pwrite");
}
