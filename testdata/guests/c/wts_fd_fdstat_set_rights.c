/* Port of wasi-testsuite tests/rust/.../fd_fdstat_set_rights.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "rights_dir.cleanup";
	const char *TEST_FILENAME = "file.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	if (wts_supports_rights(dir_fd)) {
		__wasi_fd_t fd;
		if (!expect_ok("creating a new file",
		               __wasi_path_open(dir_fd, 0, TEST_FILENAME, __WASI_OFLAGS_CREAT,
		                                __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
		                                    __WASI_RIGHTS_FD_TELL,
		                                0, 0, &fd)))
			return summary("fd_fdstat_set_rights");
		uint8_t contents[4] = {0, 1, 2, 3}, read_contents[4] = {0};
		__wasi_ciovec_t ciov = {contents, 4};
		__wasi_iovec_t iov = {read_contents, 4};
		__wasi_size_t n;
		__wasi_filesize_t off;
		expect_ok("failed to write to file", __wasi_fd_write(fd, &ciov, 1, &n));
		expect_ok("seeking file to beginning", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &off));
		if (expect_ok("failed to read file", __wasi_fd_read(fd, &iov, 1, &n))) expect_u64("read 4 bytes", n, 4);
		expect_bytes("written bytes equal read bytes", read_contents, 4, contents, 4);

		__wasi_rights_t to_drop = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE;
		wts_drop_rights(fd, to_drop, 0);
		__wasi_rights_t b, i;
		wts_fd_get_rights(fd, &b, &i);
		expect_u64("base rights should not have FD_READ | FD_WRITE", b & to_drop, 0);
		expect_true("base rights should have FD_SEEK", (b & __WASI_RIGHTS_FD_SEEK) != 0, "FD_SEEK");
		expect_errno_in("fd_read with insufficient rights", __wasi_fd_read(fd, &iov, 1, &n), 2, __WASI_ERRNO_BADF,
		                __WASI_ERRNO_NOTCAPABLE);
		expect_errno_in("fd_write with insufficient rights", __wasi_fd_write(fd, &ciov, 1, &n), 2, __WASI_ERRNO_BADF,
		                __WASI_ERRNO_NOTCAPABLE);
		__wasi_fdstat_t st;
		expect_ok("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &st));
		__wasi_rights_t add = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL;
		expect_errno("granting additional rights to an fd should fail",
		             __wasi_fd_fdstat_set_rights(fd, st.fs_rights_base | add, st.fs_rights_inheriting | add),
		             __WASI_ERRNO_NOTCAPABLE);
		expect_ok("closing fd", __wasi_fd_close(fd));
		expect_ok("failed to remove file", __wasi_path_unlink_file(dir_fd, TEST_FILENAME));
	} else {
		pass("host does not support rights (skipped)");
	}
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("fd_fdstat_set_rights");
}
