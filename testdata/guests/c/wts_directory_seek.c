/* Port of wasi-testsuite tests/rust/.../directory_seek.rs: asking for
 * FD_SEEK on a directory is not an error, but the right is not granted. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "directory_seek_dir.cleanup";
	expect_ok("failed to make directory", __wasi_path_create_directory(dir_fd, DIR_NAME));
	__wasi_fd_t fd;
	if (!expect_ok("open a directory asking for FD_SEEK",
	               __wasi_path_open(dir_fd, 0, DIR_NAME, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_SEEK, 0, 0, &fd)))
		return summary("directory_seek");
	expect_true("file descriptor range check", fd > 2, "fd > 2");
	__wasi_filesize_t off;
	expect_errno_in("seek on a directory", __wasi_fd_seek(fd, 0, __WASI_WHENCE_CUR, &off), 3, __WASI_ERRNO_ISDIR,
	                __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_BADF);
	__wasi_fdstat_t st;
	if (expect_ok("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &st))) {
		expect_u64("the scratch directory is a directory", st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
		expect_u64("directory does NOT have the seek right", st.fs_rights_base & __WASI_RIGHTS_FD_SEEK, 0);
	}
	expect_ok("failed to close fd", __wasi_fd_close(fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(dir_fd, DIR_NAME));
	return summary("directory_seek");
}
