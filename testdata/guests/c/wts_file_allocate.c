/* Port of wasi-testsuite tests/rust/.../file_allocate.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "file_allocate_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	__wasi_fd_t fd;
	if (expect_ok("opening a file",
	              __wasi_path_open(dir_fd, 0, "file", __WASI_OFLAGS_CREAT,
	                               __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE |
	                                   __WASI_RIGHTS_FD_FILESTAT_GET,
	                               0, 0, &fd))) {
		expect_true("file descriptor range check", fd > 2, "fd > 2");
		__wasi_filestat_t st;
		if (expect_ok("reading file stats", __wasi_fd_filestat_get(fd, &st))) expect_u64("file size should be 0", st.size, 0);
		__wasi_errno_t e = __wasi_fd_allocate(fd, 0, 100);
		if (e == 0) {
			expect_ok("reading file stats", __wasi_fd_filestat_get(fd, &st));
			expect_u64("file size should be 100", st.size, 100);
			expect_ok("allocating size less than current size", __wasi_fd_allocate(fd, 10, 10));
			expect_ok("reading file stats", __wasi_fd_filestat_get(fd, &st));
			expect_u64("file size should remain unchanged at 100", st.size, 100);
			expect_ok("allocating size larger than current size", __wasi_fd_allocate(fd, 90, 20));
			expect_ok("reading file stats", __wasi_fd_filestat_get(fd, &st));
			expect_u64("file size should increase from 100 to 110", st.size, 110);
		} else {
			expect_errno("allocating size", e, __WASI_ERRNO_NOTSUP);
		}
		expect_ok("closing a file", __wasi_fd_close(fd));
		expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "file"));
	}
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("file_allocate");
}
