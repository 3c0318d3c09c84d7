/* Port of wasi-testsuite tests/rust/.../truncation_rights.rs: O_TRUNC
 * needs PATH_FILESTAT_SET_SIZE on the directory, not FD_FILESTAT_SET_SIZE. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "truncation_rights_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME), fd;
	wts_create_file(dir_fd, "file");
	__wasi_fdstat_t st;
	expect_ok("calling fd_fdstat on the scratch directory", __wasi_fd_fdstat_get(dir_fd, &st));
	expect_u64("the scratch directory is a directory", st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
	expect_u64("the scratch directory has no special flags", st.fs_flags, 0);
	expect_u64("directories shouldn't have the fd_filestat_set_size right", st.fs_rights_base & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE, 0);
	if ((st.fs_rights_base & __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE) == 0) {
		failf("PATH_FILESTAT_SET_SIZE", "implementation doesn't support setting file sizes (the suite skips)");
	} else {
		if (expect_ok("truncating a file", __wasi_path_open(dir_fd, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &fd)))
			expect_ok("closing a file", __wasi_fd_close(fd));
		__wasi_rights_t base = st.fs_rights_base, inherit = st.fs_rights_inheriting;
		if ((inherit & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE) == 0) {
			failf("FD_FILESTAT_SET_SIZE", "not inheritable (the suite skips)");
		} else {
			inherit &= ~(__wasi_rights_t)__WASI_RIGHTS_FD_FILESTAT_SET_SIZE;
			expect_ok("dropping fd_filestat_set_size inheriting right on a directory",
			          __wasi_fd_fdstat_set_rights(dir_fd, base, inherit));
		}
		if (expect_ok("truncating a file without fd_filestat_set_size right",
		              __wasi_path_open(dir_fd, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &fd)))
			expect_ok("closing a file", __wasi_fd_close(fd));
		base &= ~(__wasi_rights_t)__WASI_RIGHTS_PATH_FILESTAT_SET_SIZE;
		expect_ok("dropping path_filestat_set_size base right on a directory", __wasi_fd_fdstat_set_rights(dir_fd, base, inherit));
		if (expect_ok("reading the fdstat from a directory", __wasi_fd_fdstat_get(dir_fd, &st)))
			expect_u64("PATH_FILESTAT_SET_SIZE is gone", st.fs_rights_base & __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE, 0);
		expect_errno_in("truncating a file without path_filestat_set_size right",
		                __wasi_path_open(dir_fd, 0, "file", __WASI_OFLAGS_TRUNC, 0, 0, 0, &fd), 2, __WASI_ERRNO_PERM,
		                __WASI_ERRNO_NOTCAPABLE);
	}
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "file"));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("truncation_rights");
}
