/* Port of wasi-testsuite tests/rust/.../dir_fd_op_failures.rs: file
 * operations on a directory descriptor fail. The older suite layout asks
 * fd_allocate(dir, 0, 0), the newer fd_allocate(dir, 0, 1): both run. */
#include "wts.h"

#define NOT_ON_DIR 3, __WASI_ERRNO_ISDIR, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE

int main(int argc, char **argv) {
	__wasi_fd_t dir_fd = wts_scratch(argc, argv);
	__wasi_filestat_t stat;
	if (expect_ok("fd_filestat_get(dir)", __wasi_fd_filestat_get(dir_fd, &stat)))
		expect_u64("dir filetype", stat.filetype, __WASI_FILETYPE_DIRECTORY);

	/* The first preopened directory. */
	__wasi_fd_t pr_fd = 0;
	size_t pr_name_len = 0;
	for (__wasi_fd_t fd = 3;; fd++) {
		__wasi_prestat_t ps;
		if (__wasi_fd_prestat_get(fd, &ps) != 0) break;
		if (ps.tag == __WASI_PREOPENTYPE_DIR) {
			pr_fd = fd;
			pr_name_len = ps.u.dir.pr_name_len;
			break;
		}
	}
	if (!expect_true("failed to find preopen directory", pr_fd != 0, "a preopen"))
		return summary("dir_fd_op_failures");
	uint8_t name[600];
	expect_errno_in("fd_prestat_dir_name with a 0-byte buffer", __wasi_fd_prestat_dir_name(pr_fd, name, 0), 2,
	                __WASI_ERRNO_INVAL, __WASI_ERRNO_NAMETOOLONG);
	if (pr_name_len + 1 <= sizeof name)
		expect_ok("fd_prestat_dir_name with a larger buffer", __wasi_fd_prestat_dir_name(pr_fd, name, pr_name_len + 1));

	uint8_t buf[128];
	__wasi_iovec_t iov = {buf, sizeof buf};
	__wasi_ciovec_t ciov = {buf, sizeof buf};
	__wasi_size_t n;
	__wasi_filesize_t off;
	expect_errno_in("fd_read(dir)", __wasi_fd_read(dir_fd, &iov, 1, &n), NOT_ON_DIR);
	expect_errno_in("fd_pread(dir)", __wasi_fd_pread(dir_fd, &iov, 1, 0, &n), NOT_ON_DIR);
	expect_errno_in("fd_write(dir)", __wasi_fd_write(dir_fd, &ciov, 1, &n), NOT_ON_DIR);
	expect_errno_in("fd_pwrite(dir)", __wasi_fd_pwrite(dir_fd, &ciov, 1, 0, &n), NOT_ON_DIR);
	expect_errno_in("fd_seek(dir, 0, CUR)", __wasi_fd_seek(dir_fd, 0, __WASI_WHENCE_CUR, &off), NOT_ON_DIR);
	expect_errno_in("fd_seek(dir, 0, SET)", __wasi_fd_seek(dir_fd, 0, __WASI_WHENCE_SET, &off), NOT_ON_DIR);
	expect_errno_in("fd_seek(dir, 0, END)", __wasi_fd_seek(dir_fd, 0, __WASI_WHENCE_END, &off), NOT_ON_DIR);
	expect_errno_in("fd_tell(dir)", __wasi_fd_tell(dir_fd, &off), NOT_ON_DIR);
	expect_errno_in("fd_allocate(dir, 0, 1)", __wasi_fd_allocate(dir_fd, 0, 1), NOT_ON_DIR);
	expect_errno_in("fd_allocate(dir, 0, 0)", __wasi_fd_allocate(dir_fd, 0, 0), NOT_ON_DIR);
	expect_errno_in("fd_filestat_set_size(dir, 0)", __wasi_fd_filestat_set_size(dir_fd, 0), 4,
	                __WASI_ERRNO_ISDIR, __WASI_ERRNO_INVAL, __WASI_ERRNO_BADF, __WASI_ERRNO_NOTCAPABLE);
	return summary("dir_fd_op_failures");
}
