/* Port of wasi-testsuite tests/rust/.../interesting_paths.rs: absolute
 * paths, "..", trailing NUL, trailing slashes on files and directories,
 * and ".." that leaves the directory descriptor. */
#include "wts.h"

__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) int32_t
wts_raw_path_open(int32_t fd, int32_t dirflags, const char *path, int32_t path_len, int32_t oflags, int64_t base,
                  int64_t inheriting, int32_t fdflags, __wasi_fd_t *retfd);

static void open_ok(__wasi_fd_t dir_fd, const char *path, const char *what) {
	__wasi_fd_t fd;
	if (expect_ok(what, __wasi_path_open(dir_fd, 0, path, 0, 0, 0, 0, &fd))) {
		expect_true("file descriptor range check", fd > 2, "fd > 2");
		expect_ok("closing a file", __wasi_fd_close(fd));
	}
}

int main(int argc, char **argv) {
	const char *arg = argc > 1 ? argv[1] : "fs-tests.dir";
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "interesting_paths_dir.cleanup";
	/* This test carries its own create_tmp_dir, with fewer rights. */
	__wasi_fd_t dir_fd = wts_tmp_dir_rights(
	    base_dir_fd, DIR_NAME,
	    __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_CREATE_FILE |
	        __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY | __WASI_RIGHTS_PATH_OPEN |
	        __WASI_RIGHTS_PATH_UNLINK_FILE,
	    __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_FILESTAT_GET |
	        __WASI_RIGHTS_FD_SEEK);
	__wasi_fd_t fd;

	expect_ok("creating dir", __wasi_path_create_directory(dir_fd, "dir"));
	expect_ok("creating a nested dir", __wasi_path_create_directory(dir_fd, "dir/nested"));
	wts_create_file(dir_fd, "dir/nested/file");

	expect_errno_in("opening a file with an absolute path", __wasi_path_open(dir_fd, 0, "/dir/nested/file", 0, 0, 0, 0, &fd),
	                2, __WASI_ERRNO_PERM, __WASI_ERRNO_NOTCAPABLE);
	open_ok(dir_fd, "dir/.//nested/../../dir/nested/../nested///./file", "opening a file with \"..\" in the path");
	static const char nul_path[] = "dir/nested/file\0";
	expect_errno_in("opening a file with a trailing NUL",
	                (__wasi_errno_t)wts_raw_path_open((int32_t)dir_fd, 0, nul_path, (int32_t)sizeof nul_path - 1, 0, 0, 0, 0, &fd),
	                3, __WASI_ERRNO_INVAL, __WASI_ERRNO_ILSEQ, __WASI_ERRNO_NOENT);
	expect_errno_in("opening a file with a trailing slash should fail",
	                __wasi_path_open(dir_fd, 0, "dir/nested/file/", 0, 0, 0, 0, &fd), 2, __WASI_ERRNO_NOTDIR,
	                __WASI_ERRNO_NOENT);
	expect_errno_in("opening a file with trailing slashes should fail",
	                __wasi_path_open(dir_fd, 0, "dir/nested/file///", 0, 0, 0, 0, &fd), 2, __WASI_ERRNO_NOTDIR,
	                __WASI_ERRNO_NOENT);
	open_ok(dir_fd, "dir/nested/", "opening a directory with a trailing slash");
	open_ok(dir_fd, "dir/nested///", "opening a directory with trailing slashes");

	char bad_path[600];
	snprintf(bad_path, sizeof bad_path, "dir/nested/../../../%s/dir/nested/file", arg);
	expect_errno_in("opening a file with too many \"..\"s in the path should fail",
	                __wasi_path_open(dir_fd, 0, bad_path, 0, 0, 0, 0, &fd), 2, __WASI_ERRNO_PERM, __WASI_ERRNO_NOTCAPABLE);
	expect_ok("unlink_file on a file should succeed", __wasi_path_unlink_file(dir_fd, "dir/nested/file"));
	expect_ok("remove_directory on a directory should succeed", __wasi_path_remove_directory(dir_fd, "dir/nested"));
	expect_ok("remove_directory on a directory should succeed", __wasi_path_remove_directory(dir_fd, "dir"));

	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("interesting_paths");
}
