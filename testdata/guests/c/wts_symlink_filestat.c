/* Port of wasi-testsuite tests/rust/.../symlink_filestat.rs: set-times on
 * a symlink itself, and through it. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "symlink_filestat_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME), fd;
	__wasi_fdstat_t fdstat;
	if (expect_ok("fd_fdstat_get", __wasi_fd_fdstat_get(dir_fd, &fdstat)))
		expect_true("the scratch directory has PATH_FILESTAT_GET", (fdstat.fs_rights_base & __WASI_RIGHTS_PATH_FILESTAT_GET) != 0,
		            "PATH_FILESTAT_GET");
	if (!expect_ok("opening a file",
	               __wasi_path_open(dir_fd, 0, "file", __WASI_OFLAGS_CREAT,
	                                __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_PATH_FILESTAT_GET, 0, 0, &fd)))
		return summary("symlink_filestat");
	expect_true("file descriptor range check", fd > 2, "fd > 2");
	__wasi_filestat_t file_stat, sym_stat, st;
	expect_ok("reading file stats", __wasi_path_filestat_get(dir_fd, 0, "file", &file_stat));
	expect_u64("file size should be 0", file_stat.size, 0);
	expect_ok("creating symlink to a file", __wasi_path_symlink("file", dir_fd, "symlink"));
	expect_ok("reading symlink stats", __wasi_path_filestat_get(dir_fd, 0, "symlink", &sym_stat));
	__wasi_timestamp_t sym_new_mtim = sym_stat.mtim - 200;
	expect_ok("path_filestat_set_times should succeed on symlink",
	          __wasi_path_filestat_set_times(dir_fd, 0, "symlink", 0, sym_new_mtim, __WASI_FSTFLAGS_MTIM));
	if (expect_ok("reading symlink stats after set_times", __wasi_path_filestat_get(dir_fd, 0, "symlink", &st)))
		expect_u64("symlink mtim should change", st.mtim, sym_new_mtim);
	if (expect_ok("reading file stats after set_times", __wasi_path_filestat_get(dir_fd, 0, "file", &st)))
		expect_u64("file mtim should not change", st.mtim, file_stat.mtim);
	if (expect_ok("reading file stats on the dereferenced symlink",
	              __wasi_path_filestat_get(dir_fd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "symlink", &st)))
		expect_u64("symlink mtim should be equal to pointee's when dereferenced", st.mtim, file_stat.mtim);
	expect_ok("path_filestat_set_times through the symlink",
	          __wasi_path_filestat_set_times(dir_fd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "symlink", 0, sym_stat.mtim,
	                                         __WASI_FSTFLAGS_MTIM));
	if (expect_ok("reading file stats after set_times through the symlink", __wasi_path_filestat_get(dir_fd, 0, "file", &st)))
		expect_u64("mtim should change", st.mtim, sym_stat.mtim);
	expect_ok("closing a file", __wasi_fd_close(fd));
	expect_ok("removing a symlink", __wasi_path_unlink_file(dir_fd, "symlink"));
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "file"));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("symlink_filestat");
}
