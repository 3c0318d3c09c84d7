/* Port of wasi-testsuite tests/rust/.../path_exists.rs. */
#include "wts.h"

static void stat_type(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char *path, __wasi_filetype_t want, const char *what) {
	__wasi_filestat_t st;
	if (expect_ok(what, __wasi_path_filestat_get(dir, lf, path, &st))) expect_u64(what, st.filetype, want);
}

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "path_exists_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	const __wasi_lookupflags_t F = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
	expect_ok("create directory", __wasi_path_create_directory(dir_fd, "subdir"));
	stat_type(dir_fd, 0, "subdir", __WASI_FILETYPE_DIRECTORY, "subdir is a directory");
	stat_type(dir_fd, F, "subdir", __WASI_FILETYPE_DIRECTORY, "subdir is a directory (follow)");
	wts_create_file(dir_fd, "subdir/file");
	stat_type(dir_fd, 0, "subdir/file", __WASI_FILETYPE_REGULAR_FILE, "subdir/file is a file");
	stat_type(dir_fd, F, "subdir/file", __WASI_FILETYPE_REGULAR_FILE, "subdir/file is a file (follow)");
	expect_ok("create symlink", __wasi_path_symlink("subdir/file", dir_fd, "link1"));
	stat_type(dir_fd, 0, "link1", __WASI_FILETYPE_SYMBOLIC_LINK, "link1 is a symlink");
	stat_type(dir_fd, F, "link1", __WASI_FILETYPE_REGULAR_FILE, "link1 points to a file");
	expect_ok("create symlink", __wasi_path_symlink("subdir", dir_fd, "link2"));
	stat_type(dir_fd, 0, "link2", __WASI_FILETYPE_SYMBOLIC_LINK, "link2 is a symlink");
	stat_type(dir_fd, F, "link2", __WASI_FILETYPE_DIRECTORY, "link2 points to a directory");
	expect_ok("clean up", __wasi_path_unlink_file(dir_fd, "link1"));
	expect_ok("clean up", __wasi_path_unlink_file(dir_fd, "link2"));
	expect_ok("clean up", __wasi_path_unlink_file(dir_fd, "subdir/file"));
	expect_ok("clean up", __wasi_path_remove_directory(dir_fd, "subdir"));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("path_exists");
}
