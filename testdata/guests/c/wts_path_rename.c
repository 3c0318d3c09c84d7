/* Port of wasi-testsuite tests/rust/.../path_rename.rs. */
#include "wts.h"

static void open_gone(__wasi_fd_t dir_fd, const char *path, __wasi_oflags_t of, const char *what) {
	__wasi_fd_t fd;
	expect_errno(what, __wasi_path_open(dir_fd, 0, path, of, 0, 0, 0, &fd), __WASI_ERRNO_NOENT);
}

static void open_there(__wasi_fd_t dir_fd, const char *path, __wasi_oflags_t of, const char *what) {
	__wasi_fd_t fd;
	if (expect_ok(what, __wasi_path_open(dir_fd, 0, path, of, 0, 0, 0, &fd))) {
		expect_true("file descriptor range check", fd > 2, "fd > 2");
		expect_ok("closing a file", __wasi_fd_close(fd));
	}
}

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "path_rename_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	const __wasi_oflags_t D = __WASI_OFLAGS_DIRECTORY;

	/* A directory to a nonexistent path. */
	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, "source"));
	expect_ok("renaming a directory", __wasi_path_rename(dir_fd, "source", dir_fd, "target"));
	open_gone(dir_fd, "source", D, "source directory is gone");
	open_there(dir_fd, "target", D, "opening renamed path as a directory");
	expect_ok("removing a directory", __wasi_path_remove_directory(dir_fd, "target"));

	/* A directory to an existing empty directory. */
	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, "source"));
	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, "target"));
	expect_ok("renaming a directory onto an empty directory", __wasi_path_rename(dir_fd, "source", dir_fd, "target"));
	open_gone(dir_fd, "source", D, "source directory is gone");
	open_there(dir_fd, "target", D, "opening renamed path as a directory");
	expect_ok("removing a directory", __wasi_path_remove_directory(dir_fd, "target"));

	/* A directory to an existing non-empty directory. */
	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, "source"));
	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, "target"));
	wts_create_file(dir_fd, "target/file");
	expect_errno_in("renaming directory to a nonempty directory", __wasi_path_rename(dir_fd, "source", dir_fd, "target"),
	                2, __WASI_ERRNO_NOTEMPTY, __WASI_ERRNO_ACCES);
	__wasi_errno_t e = __wasi_path_rename(dir_fd, "source", dir_fd, "target/file");
	if (e == 0) {
		expect_ok("removing a file", __wasi_path_remove_directory(dir_fd, "target/file"));
	} else {
		expect_errno("renaming a directory onto a file", e, __WASI_ERRNO_NOTDIR);
		expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "target/file"));
		expect_ok("removing a directory", __wasi_path_remove_directory(dir_fd, "source"));
	}
	expect_ok("removing a directory", __wasi_path_remove_directory(dir_fd, "target"));

	/* A file to a nonexistent path. */
	wts_create_file(dir_fd, "source");
	expect_ok("renaming a file", __wasi_path_rename(dir_fd, "source", dir_fd, "target"));
	open_gone(dir_fd, "source", 0, "source file is gone");
	open_there(dir_fd, "target", 0, "opening renamed path");
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "target"));

	/* A file to an existing file. */
	wts_create_file(dir_fd, "source");
	wts_create_file(dir_fd, "target");
	expect_ok("renaming file to another existing file", __wasi_path_rename(dir_fd, "source", dir_fd, "target"));
	open_gone(dir_fd, "source", 0, "source file is gone");
	open_there(dir_fd, "target", 0, "opening renamed path");
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "target"));

	/* A file to an (empty) directory. */
	wts_create_file(dir_fd, "source");
	expect_ok("creating a directory", __wasi_path_create_directory(dir_fd, "target"));
	expect_errno_in("renaming a file to existing directory should fail", __wasi_path_rename(dir_fd, "source", dir_fd, "target"),
	                2, __WASI_ERRNO_ISDIR, __WASI_ERRNO_ACCES);
	expect_ok("removing a directory", __wasi_path_remove_directory(dir_fd, "target"));
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "source"));

	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("path_rename");
}
