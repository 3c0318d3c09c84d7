/* Port of wasi-testsuite tests/rust/.../path_link.rs. */
#include "wts.h"

#define TEST_RIGHTS                                                                               \
	(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET |   \
	 __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_UNLINK_FILE)

static __wasi_fd_t create_or_open(__wasi_fd_t dir_fd, const char *name, __wasi_oflags_t flags) {
	__wasi_fd_t fd = 0;
	char what[128];
	snprintf(what, sizeof what, "opening '%s'", name);
	if (expect_ok(what, __wasi_path_open(dir_fd, 0, name, flags, TEST_RIGHTS, TEST_RIGHTS, 0, &fd)))
		expect_true("file descriptor range check", fd > 2, "fd > 2");
	return fd;
}

static __wasi_fd_t open_link(__wasi_fd_t dir_fd, const char *name) { return create_or_open(dir_fd, name, 0); }

static void check_rights(__wasi_fd_t orig_fd, __wasi_fd_t link_fd) {
	__wasi_filestat_t a, b;
	expect_ok("reading filestat of the source", __wasi_fd_filestat_get(orig_fd, &a));
	expect_ok("reading filestat of the link", __wasi_fd_filestat_get(link_fd, &b));
	expect_u64("dev should be equal", a.dev, b.dev);
	expect_u64("ino should be equal", a.ino, b.ino);
	expect_u64("atim should be equal", a.atim, b.atim);
	expect_u64("ctim should be equal", a.ctim, b.ctim);
	expect_u64("mtim should be equal", a.mtim, b.mtim);
	expect_u64("size should be equal", a.size, b.size);
	expect_u64("nlink should be equal", a.nlink, b.nlink);
	expect_u64("filetype should be equal", a.filetype, b.filetype);
	__wasi_fdstat_t x, y;
	expect_ok("reading fdstat of the source", __wasi_fd_fdstat_get(orig_fd, &x));
	expect_ok("reading fdstat of the link", __wasi_fd_fdstat_get(link_fd, &y));
	expect_u64("fs_flags should be equal", x.fs_flags, y.fs_flags);
	expect_u64("fs_filetype should be equal", x.fs_filetype, y.fs_filetype);
	if (wts_supports_rights(orig_fd)) {
		expect_u64("fs_rights_base should be equal", x.fs_rights_base, y.fs_rights_base);
		expect_u64("fs_rights_inheriting should be equal", x.fs_rights_inheriting, y.fs_rights_inheriting);
	}
}

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "path_link_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);

	__wasi_fd_t file_fd = create_or_open(dir_fd, "file", __WASI_OFLAGS_CREAT);
	expect_ok("creating a link in the same directory", __wasi_path_link(dir_fd, 0, "file", dir_fd, "link"));
	__wasi_fd_t link_fd = open_link(dir_fd, "link");
	check_rights(file_fd, link_fd);
	expect_ok("Closing link_fd", __wasi_fd_close(link_fd));
	expect_ok("removing a link", __wasi_path_unlink_file(dir_fd, "link"));

	expect_ok("creating a subdirectory", __wasi_path_create_directory(dir_fd, "subdir"));
	__wasi_fd_t subdir_fd = create_or_open(dir_fd, "subdir", __WASI_OFLAGS_DIRECTORY);
	expect_ok("creating a link in subdirectory", __wasi_path_link(dir_fd, 0, "file", subdir_fd, "link"));
	link_fd = open_link(subdir_fd, "link");
	check_rights(file_fd, link_fd);
	expect_ok("Closing link_fd", __wasi_fd_close(link_fd));
	expect_ok("Closing file_fd", __wasi_fd_close(file_fd));
	expect_ok("removing a link", __wasi_path_unlink_file(subdir_fd, "link"));
	expect_ok("Closing subdir_fd", __wasi_fd_close(subdir_fd));
	expect_ok("removing a subdirectory", __wasi_path_remove_directory(dir_fd, "subdir"));

	wts_create_file(dir_fd, "link");
	expect_errno("creating a link to existing path should fail", __wasi_path_link(dir_fd, 0, "file", dir_fd, "link"),
	             __WASI_ERRNO_EXIST);
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "link"));

	expect_errno("creating a link to itself should fail", __wasi_path_link(dir_fd, 0, "file", dir_fd, "file"),
	             __WASI_ERRNO_EXIST);

	expect_ok("creating a dir", __wasi_path_create_directory(dir_fd, "link"));
	expect_errno("creating a link where target is a directory should fail",
	             __wasi_path_link(dir_fd, 0, "file", dir_fd, "link"), __WASI_ERRNO_EXIST);
	expect_ok("removing a dir", __wasi_path_remove_directory(dir_fd, "link"));

	expect_ok("creating a subdirectory", __wasi_path_create_directory(dir_fd, "subdir"));
	subdir_fd = create_or_open(dir_fd, "subdir", __WASI_OFLAGS_DIRECTORY);
	expect_errno_in("creating a link to a directory should fail", __wasi_path_link(dir_fd, 0, "subdir", dir_fd, "link"), 2,
	                __WASI_ERRNO_PERM, __WASI_ERRNO_ACCES);
	expect_ok("close subdir before deleting it", __wasi_fd_close(subdir_fd));
	expect_ok("removing a subdirectory", __wasi_path_remove_directory(dir_fd, "subdir"));

	expect_errno("creating a link to a file with trailing slash should fail",
	             __wasi_path_link(dir_fd, 0, "file", dir_fd, "link/"), __WASI_ERRNO_NOENT);

	if (__wasi_path_symlink("target", dir_fd, "symlink") == 0) {
		expect_ok("creating a link to a dangling symlink should succeed",
		          __wasi_path_link(dir_fd, 0, "symlink", dir_fd, "link"));
		expect_ok("removing a symlink", __wasi_path_unlink_file(dir_fd, "symlink"));
		expect_ok("removing a hardlink", __wasi_path_unlink_file(dir_fd, "link"));

		expect_ok("creating a symlink loop", __wasi_path_symlink("symlink", dir_fd, "symlink"));
		expect_ok("creating a link to a symlink loop should succeed", __wasi_path_link(dir_fd, 0, "symlink", dir_fd, "link"));
		expect_ok("removing a symlink", __wasi_path_unlink_file(dir_fd, "symlink"));
		expect_ok("removing a hardlink", __wasi_path_unlink_file(dir_fd, "link"));

		expect_ok("creating a dangling symlink", __wasi_path_symlink("target", dir_fd, "symlink"));
		expect_errno("creating a link where target is a dangling symlink",
		             __wasi_path_link(dir_fd, 0, "file", dir_fd, "symlink"), __WASI_ERRNO_EXIST);
		expect_ok("removing a symlink", __wasi_path_unlink_file(dir_fd, "symlink"));

		expect_ok("creating a dangling symlink", __wasi_path_symlink("target", dir_fd, "symlink"));
		expect_errno_in("path_link with LOOKUPFLAGS_SYMLINK_FOLLOW should fail",
		                __wasi_path_link(dir_fd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "symlink", dir_fd, "link"), 2,
		                __WASI_ERRNO_INVAL, __WASI_ERRNO_NOENT);
		expect_ok("removing a symlink", __wasi_path_unlink_file(dir_fd, "symlink"));
	} else {
		failf("path_symlink", "could not create a dangling symlink");
	}
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "file"));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("path_link");
}
