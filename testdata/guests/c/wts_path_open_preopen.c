/* Port of wasi-testsuite tests/rust/.../path_open_preopen.rs: the rights
 * of a preopened directory, and opening "." of it in several ways. */
#include "wts.h"

static const struct {
	__wasi_rights_t r;
	const char *name;
} dir_base[] = {
    {__WASI_RIGHTS_PATH_CREATE_DIRECTORY, "PATH_CREATE_DIRECTORY"},
    {__WASI_RIGHTS_PATH_CREATE_FILE, "PATH_CREATE_FILE"},
    {__WASI_RIGHTS_PATH_LINK_SOURCE, "PATH_LINK_SOURCE"},
    {__WASI_RIGHTS_PATH_LINK_TARGET, "PATH_LINK_TARGET"},
    {__WASI_RIGHTS_PATH_OPEN, "PATH_OPEN"},
    {__WASI_RIGHTS_FD_READDIR, "FD_READDIR"},
    {__WASI_RIGHTS_PATH_READLINK, "PATH_READLINK"},
    {__WASI_RIGHTS_PATH_RENAME_SOURCE, "PATH_RENAME_SOURCE"},
    {__WASI_RIGHTS_PATH_RENAME_TARGET, "PATH_RENAME_TARGET"},
    {__WASI_RIGHTS_PATH_SYMLINK, "PATH_SYMLINK"},
    {__WASI_RIGHTS_PATH_REMOVE_DIRECTORY, "PATH_REMOVE_DIRECTORY"},
    {__WASI_RIGHTS_PATH_UNLINK_FILE, "PATH_UNLINK_FILE"},
    {__WASI_RIGHTS_PATH_FILESTAT_GET, "PATH_FILESTAT_GET"},
    {__WASI_RIGHTS_PATH_FILESTAT_SET_TIMES, "PATH_FILESTAT_SET_TIMES"},
    {__WASI_RIGHTS_FD_FILESTAT_GET, "FD_FILESTAT_GET"},
    {__WASI_RIGHTS_FD_FILESTAT_SET_TIMES, "FD_FILESTAT_SET_TIMES"},
}, inherit_extra[] = {
    {__WASI_RIGHTS_FD_DATASYNC, "FD_DATASYNC"},
    {__WASI_RIGHTS_FD_READ, "FD_READ"},
    {__WASI_RIGHTS_FD_SEEK, "FD_SEEK"},
    {__WASI_RIGHTS_FD_FDSTAT_SET_FLAGS, "FD_FDSTAT_SET_FLAGS"},
    {__WASI_RIGHTS_FD_SYNC, "FD_SYNC"},
    {__WASI_RIGHTS_FD_TELL, "FD_TELL"},
    {__WASI_RIGHTS_FD_WRITE, "FD_WRITE"},
    {__WASI_RIGHTS_FD_ADVISE, "FD_ADVISE"},
    {__WASI_RIGHTS_FD_ALLOCATE, "FD_ALLOCATE"},
    {__WASI_RIGHTS_FD_FILESTAT_GET, "FD_FILESTAT_GET"},
    {__WASI_RIGHTS_FD_FILESTAT_SET_SIZE, "FD_FILESTAT_SET_SIZE"},
    {__WASI_RIGHTS_FD_FILESTAT_SET_TIMES, "FD_FILESTAT_SET_TIMES"},
    {__WASI_RIGHTS_POLL_FD_READWRITE, "POLL_FD_READWRITE"},
};

int main(int argc, char **argv) {
	const char *name = argc > 1 ? argv[1] : "/";
	int pre = wts_find_preopen(name);
	if (!expect_true("find the preopen", pre >= 0, name)) return summary("path_open_preopen");
	__wasi_fd_t p = (__wasi_fd_t)pre, fd;
	__wasi_fdstat_t st;
	if (!expect_ok("get fdstat", __wasi_fd_fdstat_get(p, &st))) return summary("path_open_preopen");
	char what[128];
	for (size_t i = 0; i < sizeof dir_base / sizeof dir_base[0]; i++) {
		snprintf(what, sizeof what, "fs_rights_base has %s", dir_base[i].name);
		expect_true(what, (st.fs_rights_base & dir_base[i].r) == dir_base[i].r, dir_base[i].name);
		snprintf(what, sizeof what, "fs_rights_inheriting has %s", dir_base[i].name);
		expect_true(what, (st.fs_rights_inheriting & dir_base[i].r) == dir_base[i].r, dir_base[i].name);
	}
	for (size_t i = 0; i < sizeof inherit_extra / sizeof inherit_extra[0]; i++) {
		snprintf(what, sizeof what, "fs_rights_inheriting has %s", inherit_extra[i].name);
		expect_true(what, (st.fs_rights_inheriting & inherit_extra[i].r) == inherit_extra[i].r, inherit_extra[i].name);
	}
	expect_ok("open with same rights", __wasi_path_open(p, 0, ".", 0, st.fs_rights_base, st.fs_rights_inheriting, 0, &fd));
	expect_ok("open with empty rights", __wasi_path_open(p, 0, ".", 0, 0, 0, 0, &fd));
	expect_ok("open with O_DIRECTORY empty rights", __wasi_path_open(p, 0, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
	expect_ok("open with O_DIRECTORY and read right",
	          __wasi_path_open(p, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
	expect_errno("open with O_DIRECTORY and read/write should fail with ISDIR",
	             __wasi_path_open(p, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd),
	             __WASI_ERRNO_ISDIR);
	return summary("path_open_preopen");
}
