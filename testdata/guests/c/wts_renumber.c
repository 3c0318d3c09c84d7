/* Port of wasi-testsuite tests/rust/.../renumber.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "renumber_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	expect_true("dir_fd number", dir_fd > 3, "dir_fd > 3");
	__wasi_fd_t fd_from, fd_to;
	__wasi_fdstat_t st_from, st_to;
	if (!expect_ok("opening file1", __wasi_path_open(dir_fd, 0, "file1", __WASI_OFLAGS_CREAT,
	                                                 __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd_from)))
		return summary("renumber");
	expect_true("file descriptor range check", fd_from > 2, "fd > 2");
	expect_ok("fd_fdstat_get(fd_from)", __wasi_fd_fdstat_get(fd_from, &st_from));
	if (!expect_ok("opening file2", __wasi_path_open(dir_fd, 0, "file2", __WASI_OFLAGS_CREAT,
	                                                 __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd_to)))
		return summary("renumber");
	expect_true("file descriptor range check", fd_to > 2, "fd > 2");
	expect_ok("renumbering two descriptors", __wasi_fd_renumber(fd_from, fd_to));
	expect_errno("closing already closed file descriptor", __wasi_fd_close(fd_from), __WASI_ERRNO_BADF);
	if (expect_ok("fd_fdstat_get(fd_to)", __wasi_fd_fdstat_get(fd_to, &st_to))) {
		expect_u64("same fs_filetype", st_to.fs_filetype, st_from.fs_filetype);
		expect_u64("same fs_flags", st_to.fs_flags, st_from.fs_flags);
		expect_u64("same fs_rights_base", st_to.fs_rights_base, st_from.fs_rights_base);
		expect_u64("same fs_rights_inheriting", st_to.fs_rights_inheriting, st_from.fs_rights_inheriting);
	}
	expect_errno("renumbering to an invalid destination", __wasi_fd_renumber(fd_to, fd_from), __WASI_ERRNO_BADF);
	expect_ok("closing a file", __wasi_fd_close(fd_to));
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "file1"));
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "file2"));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("renumber");
}
