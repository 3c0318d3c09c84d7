/* Port of wasi-testsuite tests/rust/src/bin/path_open_read_without_rights.rs
 * (older suite layout only; removed from the newer one). It accepts only
 * BADF for fd_read without FD_READ, which is what wasibox answers: such a
 * descriptor is not open for reading (RATIONALE.md; the one exception to
 * docs/design.md decision 7). */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "path_open_read_without_rights_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME), fd;
	wts_create_file(dir_fd, "file");
	wts_drop_rights(dir_fd, __WASI_RIGHTS_FD_READ, __WASI_RIGHTS_FD_READ);
	__wasi_rights_t b, i;
	wts_fd_get_rights(dir_fd, &b, &i);
	expect_u64("dir should not have base RIGHTS_FD_READ", b & __WASI_RIGHTS_FD_READ, 0);
	expect_u64("dir should not have inheriting RIGHTS_FD_READ", i & __WASI_RIGHTS_FD_READ, 0);
	if (expect_ok("opening the file", __wasi_path_open(dir_fd, 0, "file", 0, 0, 0, 0, &fd))) {
		wts_fd_get_rights(fd, &b, &i);
		expect_u64("should not have base RIGHTS_FD_READ", b & __WASI_RIGHTS_FD_READ, 0);
		expect_u64("should not have inheriting RIGHTS_FD_READ", i & __WASI_RIGHTS_FD_READ, 0);
		uint8_t c;
		__wasi_iovec_t iov = {&c, 1};
		__wasi_size_t n;
		expect_errno("reading bytes from file should fail with BADF", __wasi_fd_read(fd, &iov, 1, &n), __WASI_ERRNO_BADF);
	}
	expect_ok("removing readable_file", __wasi_path_unlink_file(dir_fd, "file"));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("path_open_read_without_rights");
}
