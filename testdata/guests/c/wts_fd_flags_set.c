/* Port of wasi-testsuite tests/rust/.../fd_flags_set.rs: APPEND from
 * path_open, then cleared with fd_fdstat_set_flags. */
#include "wts.h"

static void write100(__wasi_fd_t fd, uint8_t v) {
	uint8_t data[100];
	memset(data, v, sizeof data);
	__wasi_ciovec_t ciov = {data, sizeof data};
	__wasi_size_t n = 0;
	if (expect_ok("writing to a file", __wasi_fd_write(fd, &ciov, 1, &n))) expect_u64("should write 100 bytes", n, 100);
}

static void read100(__wasi_fd_t fd, uint8_t v, const char *what) {
	uint8_t want[100], buf[100];
	memset(want, v, sizeof want);
	memset(buf, 0xee, sizeof buf);
	__wasi_iovec_t iov = {buf, sizeof buf};
	__wasi_size_t n = 0;
	if (expect_ok("reading file", __wasi_fd_read(fd, &iov, 1, &n))) expect_u64("should read 100 bytes", n, 100);
	expect_true(what, memcmp(buf, want, sizeof buf) == 0, "the bytes written");
}

int main(int argc, char **argv) {
	__wasi_fd_t dir_fd = wts_scratch(argc, argv);
	const char *FILE_NAME = "fd_flags_set_file.cleanup";
	__wasi_fd_t fd;
	__wasi_filesize_t off;
	if (!expect_ok("opening a file",
	               __wasi_path_open(dir_fd, 0, FILE_NAME, __WASI_OFLAGS_CREAT,
	                                __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
	                                    __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS,
	                                0, __WASI_FDFLAGS_APPEND, &fd)))
		return summary("fd_flags_set");
	write100(fd, 0);
	expect_ok("seeking file", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
	read100(fd, 0, "first 100 bytes are zeros");
	expect_ok("seeking file", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
	write100(fd, 1); /* appends */
	expect_ok("seeking file", __wasi_fd_seek(fd, 100, __WASI_WHENCE_SET, &off));
	read100(fd, 1, "append mode wrote at the end");
	expect_ok("disabling flags", __wasi_fd_fdstat_set_flags(fd, 0));
	expect_ok("seeking file", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
	write100(fd, 2); /* overwrites */
	expect_ok("seeking file", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
	read100(fd, 2, "append mode is off");
	expect_ok("close file", __wasi_fd_close(fd));
	__wasi_filestat_t st;
	if (expect_ok("stat path", __wasi_path_filestat_get(dir_fd, 0, FILE_NAME, &st)))
		expect_u64("expected a file size of 200", st.size, 200);
	expect_ok("unlinking file", __wasi_path_unlink_file(dir_fd, FILE_NAME));
	return summary("fd_flags_set");
}
