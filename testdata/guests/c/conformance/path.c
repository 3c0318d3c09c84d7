/* path.c — the path_* functions, and a read-only mount. */
#include "groups.h"

static uint8_t ftype(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char *path) {
	__wasi_filestat_t st;
	if (__wasi_path_filestat_get(dir, lf, path, &st)) return 0xff;
	return st.filetype;
}

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

void g_path_create_directory(int argc, char **argv) {
	expect_ok("path_create_directory", __wasi_path_create_directory(ROOT_FD, "nd"));
	expect_u64("path_create_directory.type", ftype(ROOT_FD, 0, "nd"), __WASI_FILETYPE_DIRECTORY);
	expect_errno("path_create_directory.exists", __wasi_path_create_directory(ROOT_FD, "nd"),
	             __WASI_ERRNO_EXIST);
	expect_errno("path_create_directory.file_exists",
	             __wasi_path_create_directory(ROOT_FD, "hello.txt"), __WASI_ERRNO_EXIST);
	expect_ok("path_create_directory.nested", __wasi_path_create_directory(ROOT_FD, "nd/inner"));
	expect_errno("path_create_directory.missing_parent",
	             __wasi_path_create_directory(ROOT_FD, "missing/x"), __WASI_ERRNO_NOENT);
	expect_errno("path_create_directory.parent_is_file",
	             __wasi_path_create_directory(ROOT_FD, "hello.txt/x"), __WASI_ERRNO_NOTDIR);
	expect_ok("path_create_directory.trailing_slash", __wasi_path_create_directory(ROOT_FD, "nd2/"));
	expect_u64("path_create_directory.trailing_slash.type", ftype(ROOT_FD, 0, "nd2"),
	           __WASI_FILETYPE_DIRECTORY);
	expect_errno("path_create_directory.empty", __wasi_path_create_directory(ROOT_FD, ""),
	             __WASI_ERRNO_NOENT);
	expect_ok("path_create_directory.through_symlink",
	          __wasi_path_create_directory(ROOT_FD, "link_dir/made"));
	expect_u64("path_create_directory.through_symlink.type", ftype(ROOT_FD, 0, "dir/made"),
	           __WASI_FILETYPE_DIRECTORY);
	expect_ok("path_create_directory.data", __wasi_path_create_directory(DATA_FD, "newdata"));
	expect_u64("path_create_directory.data.seen_from_root", ftype(ROOT_FD, 0, "data/newdata"),
	           __WASI_FILETYPE_DIRECTORY);
	expect_errno("path_create_directory.badf", __wasi_path_create_directory(99, "x"),
	             __WASI_ERRNO_BADF);
}

void g_path_filestat(int argc, char **argv) {
	__wasi_filestat_t st, tst;
	__wasi_timestamp_t now;
	const __wasi_timestamp_t A = 1600000000123456789ull, M = 1500000000987654321ull;

	expect_ok("path_filestat_get", __wasi_path_filestat_get(ROOT_FD, 0, "hello.txt", &st));
	expect_u64("path_filestat_get.type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
	expect_u64("path_filestat_get.size", st.size, 13);
	expect_u64("path_filestat_get.nlink", st.nlink, 1);
	expect_u64("path_filestat_get.dir", ftype(ROOT_FD, 0, "dir"), __WASI_FILETYPE_DIRECTORY);
	expect_ok("path_filestat_get.symlink.nofollow",
	          __wasi_path_filestat_get(ROOT_FD, 0, "link_hello", &st));
	expect_u64("path_filestat_get.symlink.nofollow.type", st.filetype,
	           __WASI_FILETYPE_SYMBOLIC_LINK);
	expect_u64("path_filestat_get.symlink.nofollow.size", st.size, 9);
	expect_ok("path_filestat_get.symlink.follow",
	          __wasi_path_filestat_get(ROOT_FD, FOLLOW, "link_hello", &st));
	expect_u64("path_filestat_get.symlink.follow.type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
	expect_u64("path_filestat_get.symlink.follow.size", st.size, 13);
	expect_u64("path_filestat_get.dangling.nofollow", ftype(ROOT_FD, 0, "dangling"),
	           __WASI_FILETYPE_SYMBOLIC_LINK);
	expect_errno("path_filestat_get.dangling.follow",
	             __wasi_path_filestat_get(ROOT_FD, FOLLOW, "dangling", &st), __WASI_ERRNO_NOENT);
	expect_errno("path_filestat_get.loop.follow",
	             __wasi_path_filestat_get(ROOT_FD, FOLLOW, "loop", &st), __WASI_ERRNO_LOOP);
	expect_errno("path_filestat_get.missing", __wasi_path_filestat_get(ROOT_FD, 0, "missing", &st),
	             __WASI_ERRNO_NOENT);
	expect_errno("path_filestat_get.file_slash",
	             __wasi_path_filestat_get(ROOT_FD, 0, "hello.txt/", &st), __WASI_ERRNO_NOTDIR);
	expect_u64("path_filestat_get.intermediate_symlink", ftype(ROOT_FD, 0, "link_dir/one.txt"),
	           __WASI_FILETYPE_REGULAR_FILE);
	expect_u64("path_filestat_get.dotdot_inside", ftype(ROOT_FD, 0, "dir/sub/../one.txt"),
	           __WASI_FILETYPE_REGULAR_FILE);
	expect_u64("path_filestat_get.dot", ftype(ROOT_FD, 0, "."), __WASI_FILETYPE_DIRECTORY);
	expect_ok("path_filestat_get.data", __wasi_path_filestat_get(DATA_FD, 0, "in.txt", &st));
	expect_u64("path_filestat_get.data.size", st.size, 10);

	expect_ok("path_filestat_set_times",
	          __wasi_path_filestat_set_times(ROOT_FD, 0, "hello.txt", A, M,
	                                         __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
	expect_ok("path_filestat_set_times.get", __wasi_path_filestat_get(ROOT_FD, 0, "hello.txt", &st));
	expect_u64("path_filestat_set_times.atim", st.atim, A);
	expect_u64("path_filestat_set_times.mtim", st.mtim, M);
	expect_errno("path_filestat_set_times.atim_and_now",
	             __wasi_path_filestat_set_times(ROOT_FD, 0, "hello.txt", 1, 2,
	                                            __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
	             __WASI_ERRNO_INVAL);
	expect_errno("path_filestat_set_times.mtim_and_now",
	             __wasi_path_filestat_set_times(ROOT_FD, 0, "hello.txt", 1, 2,
	                                            __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
	             __WASI_ERRNO_INVAL);
	expect_ok("path_filestat_set_times.unchanged_after_einval",
	          __wasi_path_filestat_get(ROOT_FD, 0, "hello.txt", &st));
	expect_u64("path_filestat_set_times.unchanged_after_einval.mtim", st.mtim, M);
	(void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now);
	expect_ok("path_filestat_set_times.now",
	          __wasi_path_filestat_set_times(ROOT_FD, 0, "hello.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
	expect_ok("path_filestat_set_times.now.get",
	          __wasi_path_filestat_get(ROOT_FD, 0, "hello.txt", &st));
	expect_true("path_filestat_set_times.now.mtim",
	            st.mtim + 60000000000ull > now && st.mtim < now + 60000000000ull, "mtim near now");
	expect_u64("path_filestat_set_times.now.atim_kept", st.atim, A);

	/* Without SYMLINK_FOLLOW the link's own times change, not the target's. */
	expect_ok("path_filestat_set_times.symlink.nofollow",
	          __wasi_path_filestat_set_times(ROOT_FD, 0, "link_hello", 0, M, __WASI_FSTFLAGS_MTIM));
	expect_ok("path_filestat_set_times.symlink.get",
	          __wasi_path_filestat_get(ROOT_FD, 0, "link_hello", &st));
	expect_u64("path_filestat_set_times.symlink.link_mtim", st.mtim, M);
	expect_ok("path_filestat_set_times.symlink.target_get",
	          __wasi_path_filestat_get(ROOT_FD, 0, "hello.txt", &tst));
	expect_true("path_filestat_set_times.symlink.target_untouched", tst.mtim != M,
	            "the target's mtim unchanged");
	expect_ok("path_filestat_set_times.symlink.follow",
	          __wasi_path_filestat_set_times(ROOT_FD, FOLLOW, "link_hello", 0, M + 5,
	                                         __WASI_FSTFLAGS_MTIM));
	expect_ok("path_filestat_set_times.symlink.follow.get",
	          __wasi_path_filestat_get(ROOT_FD, 0, "hello.txt", &tst));
	expect_u64("path_filestat_set_times.symlink.follow.target_mtim", tst.mtim, M + 5);
	expect_errno("path_filestat_set_times.missing",
	             __wasi_path_filestat_set_times(ROOT_FD, 0, "missing", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
	             __WASI_ERRNO_NOENT);
}

void g_path_link(int argc, char **argv) {
	__wasi_filestat_t a, b;
	char buf[32];
	__wasi_errno_t e;

	expect_ok("path_link.put", put_file(ROOT_FD, "src.txt", "link me"));
	expect_ok("path_link", __wasi_path_link(ROOT_FD, 0, "src.txt", ROOT_FD, "hl.txt"));
	if (!__wasi_path_filestat_get(ROOT_FD, 0, "src.txt", &a) &&
	    !__wasi_path_filestat_get(ROOT_FD, 0, "hl.txt", &b)) {
		expect_u64("path_link.same_ino", a.ino, b.ino);
		expect_u64("path_link.nlink", b.nlink, 2);
	} else
		failf("path_link.stat", "cannot stat the link");
	expect_ok("path_link.read", get_file(ROOT_FD, "hl.txt", buf, sizeof buf));
	expect_bytes("path_link.data", buf, strlen(buf), "link me", 7);
	expect_errno("path_link.exists", __wasi_path_link(ROOT_FD, 0, "src.txt", ROOT_FD, "hello.txt"),
	             __WASI_ERRNO_EXIST);
	expect_errno("path_link.itself", __wasi_path_link(ROOT_FD, 0, "src.txt", ROOT_FD, "src.txt"),
	             __WASI_ERRNO_EXIST);
	expect_errno("path_link.onto_dir", __wasi_path_link(ROOT_FD, 0, "src.txt", ROOT_FD, "dir"),
	             __WASI_ERRNO_EXIST);
	expect_errno2("path_link.dir_source", __wasi_path_link(ROOT_FD, 0, "dir", ROOT_FD, "dirlink"),
	              __WASI_ERRNO_PERM, __WASI_ERRNO_ACCES);
	expect_errno("path_link.trailing_slash",
	             __wasi_path_link(ROOT_FD, 0, "src.txt", ROOT_FD, "newlink/"), __WASI_ERRNO_NOENT);
	expect_errno("path_link.missing", __wasi_path_link(ROOT_FD, 0, "missing", ROOT_FD, "x"),
	             __WASI_ERRNO_NOENT);
	expect_ok("path_link.across_preopens",
	          __wasi_path_link(ROOT_FD, 0, "src.txt", DATA_FD, "hl2.txt"));
	expect_u64("path_link.across_preopens.seen", ftype(ROOT_FD, 0, "data/hl2.txt"),
	           __WASI_FILETYPE_REGULAR_FILE);
	/* Without SYMLINK_FOLLOW a symlink is linked itself. */
	expect_ok("path_link.symlink", __wasi_path_link(ROOT_FD, 0, "link_hello", ROOT_FD, "hl_sym"));
	expect_u64("path_link.symlink.type", ftype(ROOT_FD, 0, "hl_sym"), __WASI_FILETYPE_SYMBOLIC_LINK);
	expect_ok("path_link.dangling_symlink",
	          __wasi_path_link(ROOT_FD, 0, "dangling", ROOT_FD, "hl_dangling"));
	/* With SYMLINK_FOLLOW: linking the target, or refused (wasmtime). */
	e = __wasi_path_link(ROOT_FD, FOLLOW, "link_hello", ROOT_FD, "hl_follow");
	if (e == 0)
		expect_u64("path_link.follow", ftype(ROOT_FD, 0, "hl_follow"), __WASI_FILETYPE_REGULAR_FILE);
	else
		expect_errno("path_link.follow", e, __WASI_ERRNO_INVAL);
	expect_errno("path_link.badf", __wasi_path_link(99, 0, "src.txt", ROOT_FD, "x"),
	             __WASI_ERRNO_BADF);
}

void g_path_open(int argc, char **argv) {
	__wasi_fd_t fd;
	__wasi_fdstat_t st;
	__wasi_filestat_t fst;
	char buf[32];
	size_t n;
	__wasi_errno_t e;

	if (expect_ok("path_open.file", open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_RO, 0, &fd))) {
		expect_true("path_open.fd_above_stdio", fd > 2, "fd > 2");
		expect_ok("path_open.read", read_full(fd, buf, sizeof buf, &n));
		expect_bytes("path_open.data", buf, n, "hello, world\n", 13);
		expect_errno("path_open.no_write_right", write_all(fd, "x", 1), __WASI_ERRNO_BADF);
		__wasi_fd_close(fd);
	}
	if (expect_ok("path_open.dir", open_at(ROOT_FD, 0, "dir", __WASI_OFLAGS_DIRECTORY, R_DIR_ALL, 0, &fd))) {
		expect_ok("path_open.dir.fdstat", __wasi_fd_fdstat_get(fd, &st));
		expect_u64("path_open.dir.filetype", st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
		expect_u64("path_open.dir.relative_open",
		           (uint64_t)open_at(fd, 0, "one.txt", 0, R_FILE_RO, 0, &(__wasi_fd_t){0}), 0);
		__wasi_fd_close(fd);
	}
	if (expect_ok("path_open.dot", open_at(ROOT_FD, 0, ".", __WASI_OFLAGS_DIRECTORY, 0, 0, &fd)))
		__wasi_fd_close(fd);
	if (expect_ok("path_open.dir_no_oflag", open_at(ROOT_FD, 0, "dir", 0, __WASI_RIGHTS_FD_READDIR, 0, &fd)))
		__wasi_fd_close(fd);
	expect_errno("path_open.dir_with_write",
	             open_at(ROOT_FD, 0, "dir", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, &fd),
	             __WASI_ERRNO_ISDIR);
	expect_errno("path_open.dot_directory_with_write",
	             open_at(ROOT_FD, 0, ".", __WASI_OFLAGS_DIRECTORY,
	                     __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, &fd),
	             __WASI_ERRNO_ISDIR);
	expect_errno("path_open.directory_on_file",
	             open_at(ROOT_FD, 0, "hello.txt", __WASI_OFLAGS_DIRECTORY, 0, 0, &fd),
	             __WASI_ERRNO_NOTDIR);

	if (expect_ok("path_open.excl_new", open_at(ROOT_FD, 0, "excl.txt",
	                                           __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_FILE_ALL, 0, &fd)))
		__wasi_fd_close(fd);
	expect_errno("path_open.excl_exists",
	             open_at(ROOT_FD, 0, "excl.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_FILE_ALL, 0, &fd),
	             __WASI_ERRNO_EXIST);
	expect_errno("path_open.excl_on_symlink",
	             open_at(ROOT_FD, FOLLOW, "dangling", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL,
	                     R_FILE_ALL, 0, &fd),
	             __WASI_ERRNO_EXIST);
	if (expect_ok("path_open.creat_existing",
	              open_at(ROOT_FD, 0, "hello.txt", __WASI_OFLAGS_CREAT, R_FILE_RO, 0, &fd))) {
		expect_ok("path_open.creat_existing.read", read_full(fd, buf, sizeof buf, &n));
		expect_u64("path_open.creat_existing.kept", n, 13);
		__wasi_fd_close(fd);
	}
	expect_ok("path_open.trunc.put", put_file(ROOT_FD, "trunc.txt", "abcdef"));
	if (expect_ok("path_open.trunc", open_at(ROOT_FD, 0, "trunc.txt", __WASI_OFLAGS_TRUNC, R_FILE_ALL, 0, &fd))) {
		expect_ok("path_open.trunc.stat", __wasi_fd_filestat_get(fd, &fst));
		expect_u64("path_open.trunc.size", fst.size, 0);
		__wasi_fd_close(fd);
	}
	expect_errno("path_open.missing", open_at(ROOT_FD, 0, "missing", 0, R_FILE_RO, 0, &fd),
	             __WASI_ERRNO_NOENT);
	expect_errno("path_open.creat_missing_parent",
	             open_at(ROOT_FD, 0, "missing/x", __WASI_OFLAGS_CREAT, R_FILE_ALL, 0, &fd),
	             __WASI_ERRNO_NOENT);
	expect_errno("path_open.empty", open_at(ROOT_FD, 0, "", 0, R_FILE_RO, 0, &fd), __WASI_ERRNO_NOENT);

	/* Symlinks. */
	expect_errno("path_open.symlink.nofollow", open_at(ROOT_FD, 0, "link_hello", 0, R_FILE_RO, 0, &fd),
	             __WASI_ERRNO_LOOP);
	if (expect_ok("path_open.symlink.follow",
	              open_at(ROOT_FD, FOLLOW, "link_hello", 0, R_FILE_RO, 0, &fd))) {
		expect_ok("path_open.symlink.follow.read", read_full(fd, buf, sizeof buf, &n));
		expect_bytes("path_open.symlink.follow.data", buf, n, "hello, world\n", 13);
		__wasi_fd_close(fd);
	}
	expect_errno2("path_open.symlink_dir.nofollow",
	              open_at(ROOT_FD, 0, "link_dir", __WASI_OFLAGS_DIRECTORY, R_DIR_ALL, 0, &fd),
	              __WASI_ERRNO_LOOP, __WASI_ERRNO_NOTDIR);
	if (expect_ok("path_open.symlink_dir.follow",
	              open_at(ROOT_FD, FOLLOW, "link_dir", __WASI_OFLAGS_DIRECTORY, R_DIR_ALL, 0, &fd)))
		__wasi_fd_close(fd);
	expect_errno("path_open.symlink_file_as_dir",
	             open_at(ROOT_FD, FOLLOW, "link_hello", __WASI_OFLAGS_DIRECTORY, R_DIR_ALL, 0, &fd),
	             __WASI_ERRNO_NOTDIR);
	expect_errno("path_open.symlink.loop", open_at(ROOT_FD, FOLLOW, "loop", 0, R_FILE_RO, 0, &fd),
	             __WASI_ERRNO_LOOP);
	expect_errno("path_open.symlink.dangling",
	             open_at(ROOT_FD, FOLLOW, "dangling", 0, R_FILE_RO, 0, &fd), __WASI_ERRNO_NOENT);
	if (expect_ok("path_open.intermediate_symlink",
	              open_at(ROOT_FD, 0, "link_dir/one.txt", 0, R_FILE_RO, 0, &fd)))
		__wasi_fd_close(fd);

	/* Interesting paths (wasi-testsuite interesting_paths). */
	expect_errno2("path_open.file_trailing_slash",
	              open_at(ROOT_FD, 0, "hello.txt/", 0, R_FILE_RO, 0, &fd), __WASI_ERRNO_NOTDIR,
	              __WASI_ERRNO_NOENT);
	if (expect_ok("path_open.dir_trailing_slashes",
	              open_at(ROOT_FD, 0, "dir///", __WASI_OFLAGS_DIRECTORY, R_DIR_ALL, 0, &fd)))
		__wasi_fd_close(fd);
	if (expect_ok("path_open.dotdot_inside",
	              open_at(ROOT_FD, 0, "dir/.//sub/../../dir/sub/..///./one.txt", 0, R_FILE_RO, 0, &fd)))
		__wasi_fd_close(fd);
	{
		static const char p[] = "hello.txt\0../x";
		e = raw_path_open(ROOT_FD, 0, (int32_t)(uintptr_t)p, sizeof p - 1, 0, __WASI_RIGHTS_FD_READ,
		                  0, 0, (int32_t)(uintptr_t)&fd);
		expect_errno2("path_open.embedded_nul", e, __WASI_ERRNO_INVAL, __WASI_ERRNO_ILSEQ);
	}
	expect_errno("path_open.absolute", open_at(ROOT_FD, 0, "/hello.txt", 0, R_FILE_RO, 0, &fd),
	             __WASI_ERRNO_NOTCAPABLE);
	expect_errno("path_open.data_escape", open_at(DATA_FD, 0, "../hello.txt", 0, R_FILE_RO, 0, &fd),
	             __WASI_ERRNO_NOTCAPABLE);
	if (expect_ok("path_open.data", open_at(DATA_FD, 0, "in.txt", 0, R_FILE_RO, 0, &fd))) {
		expect_ok("path_open.data.read", read_full(fd, buf, sizeof buf, &n));
		expect_bytes("path_open.data.data", buf, n, "data file\n", 10);
		__wasi_fd_close(fd);
	}

	/* fdflags. */
	if (expect_ok("path_open.append", open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_ALL, __WASI_FDFLAGS_APPEND, &fd))) {
		expect_ok("path_open.append.fdstat", __wasi_fd_fdstat_get(fd, &st));
		expect_u64("path_open.append.flag", st.fs_flags & __WASI_FDFLAGS_APPEND, __WASI_FDFLAGS_APPEND);
		expect_ok("path_open.append.write", write_all(fd, "!", 1));
		expect_ok("path_open.append.stat", __wasi_fd_filestat_get(fd, &fst));
		expect_u64("path_open.append.size", fst.size, 14);
		__wasi_fd_close(fd);
	}
	/* Rights that do not apply to a file are dropped, not refused. */
	if (expect_ok("path_open.extra_rights",
	              open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_ALL | R_DIR_ALL, 0, &fd)))
		__wasi_fd_close(fd);
	expect_errno("path_open.badf", open_at(99, 0, "hello.txt", 0, R_FILE_RO, 0, &fd), __WASI_ERRNO_BADF);
	if (expect_ok("path_open.from_file.open", open_at(ROOT_FD, 0, "empty.txt", 0, R_FILE_ALL, 0, &fd))) {
		__wasi_fd_t g;
		e = open_at(fd, 0, "x", 0, R_FILE_RO, 0, &g);
		expect_errno2("path_open.from_file", e, __WASI_ERRNO_NOTDIR, __WASI_ERRNO_NOTCAPABLE);
		__wasi_fd_close(fd);
	}
}

void g_path_readlink(int argc, char **argv) {
	uint8_t buf[64];
	__wasi_size_t n = 0;

	memset(buf, 0xAA, sizeof buf);
	expect_ok("path_readlink", __wasi_path_readlink(ROOT_FD, "link_hello", buf, sizeof buf, &n));
	expect_bytes("path_readlink.data", buf, n, "hello.txt", 9);
	expect_u64("path_readlink.no_overrun", buf[9], 0xAA);
	memset(buf, 0xAA, sizeof buf);
	expect_ok("path_readlink.short", __wasi_path_readlink(ROOT_FD, "link_hello", buf, 4, &n));
	expect_bytes("path_readlink.short.truncated", buf, n, "hell", 4);
	expect_u64("path_readlink.short.no_overrun", buf[4], 0xAA);
	expect_ok("path_readlink.dangling", __wasi_path_readlink(ROOT_FD, "dangling", buf, sizeof buf, &n));
	expect_bytes("path_readlink.dangling.data", buf, n, "nowhere", 7);
	expect_ok("path_readlink.dir_link", __wasi_path_readlink(ROOT_FD, "link_dir", buf, sizeof buf, &n));
	expect_bytes("path_readlink.dir_link.data", buf, n, "dir", 3);
	expect_errno("path_readlink.not_a_link",
	             __wasi_path_readlink(ROOT_FD, "hello.txt", buf, sizeof buf, &n), __WASI_ERRNO_INVAL);
	expect_errno("path_readlink.missing",
	             __wasi_path_readlink(ROOT_FD, "missing", buf, sizeof buf, &n), __WASI_ERRNO_NOENT);
	expect_errno("path_readlink.badf", __wasi_path_readlink(99, "link_hello", buf, sizeof buf, &n),
	             __WASI_ERRNO_BADF);
}

void g_path_remove_directory(int argc, char **argv) {
	expect_ok("path_remove_directory.mkdir", __wasi_path_create_directory(ROOT_FD, "rmd"));
	expect_ok("path_remove_directory", __wasi_path_remove_directory(ROOT_FD, "rmd"));
	expect_true("path_remove_directory.gone", !exists(ROOT_FD, "rmd"), "rmd removed");
	expect_ok("path_remove_directory.mkdir_ne", __wasi_path_create_directory(ROOT_FD, "rmne"));
	expect_ok("path_remove_directory.put", put_file(ROOT_FD, "rmne/f", "x"));
	expect_errno("path_remove_directory.not_empty", __wasi_path_remove_directory(ROOT_FD, "rmne"),
	             __WASI_ERRNO_NOTEMPTY);
	expect_errno("path_remove_directory.file", __wasi_path_remove_directory(ROOT_FD, "hello.txt"),
	             __WASI_ERRNO_NOTDIR);
	expect_errno("path_remove_directory.missing", __wasi_path_remove_directory(ROOT_FD, "missing"),
	             __WASI_ERRNO_NOENT);
	expect_ok("path_remove_directory.mkdir_slash", __wasi_path_create_directory(ROOT_FD, "rmslash"));
	expect_ok("path_remove_directory.trailing_slash",
	          __wasi_path_remove_directory(ROOT_FD, "rmslash/"));
	expect_errno("path_remove_directory.symlink_to_dir",
	             __wasi_path_remove_directory(ROOT_FD, "link_dir"), __WASI_ERRNO_NOTDIR);
	expect_u64("path_remove_directory.symlink_target_kept", ftype(ROOT_FD, 0, "dir"),
	           __WASI_FILETYPE_DIRECTORY);
	expect_error("path_remove_directory.dot", __wasi_path_remove_directory(ROOT_FD, "."));
	expect_ok("path_remove_directory.data_mkdir", __wasi_path_create_directory(DATA_FD, "dd"));
	expect_ok("path_remove_directory.data", __wasi_path_remove_directory(DATA_FD, "dd"));
	expect_errno("path_remove_directory.badf", __wasi_path_remove_directory(99, "x"),
	             __WASI_ERRNO_BADF);
}

void g_path_rename(int argc, char **argv) {
	char buf[32];
	__wasi_errno_t e;

	expect_ok("path_rename.put", put_file(ROOT_FD, "r1", "one"));
	expect_ok("path_rename", __wasi_path_rename(ROOT_FD, "r1", ROOT_FD, "r2"));
	expect_true("path_rename.old_gone", !exists(ROOT_FD, "r1"), "r1 gone");
	expect_ok("path_rename.read", get_file(ROOT_FD, "r2", buf, sizeof buf));
	expect_bytes("path_rename.data", buf, strlen(buf), "one", 3);
	expect_ok("path_rename.put3", put_file(ROOT_FD, "r3", "three"));
	expect_ok("path_rename.replace", __wasi_path_rename(ROOT_FD, "r2", ROOT_FD, "r3"));
	expect_ok("path_rename.replace.read", get_file(ROOT_FD, "r3", buf, sizeof buf));
	expect_bytes("path_rename.replace.data", buf, strlen(buf), "one", 3);

	expect_ok("path_rename.mkdir", __wasi_path_create_directory(ROOT_FD, "rd1"));
	expect_ok("path_rename.dir", __wasi_path_rename(ROOT_FD, "rd1", ROOT_FD, "rd2"));
	expect_u64("path_rename.dir.type", ftype(ROOT_FD, 0, "rd2"), __WASI_FILETYPE_DIRECTORY);
	expect_errno("path_rename.file_onto_dir", __wasi_path_rename(ROOT_FD, "r3", ROOT_FD, "rd2"),
	             __WASI_ERRNO_ISDIR);
	expect_ok("path_rename.mkdir3", __wasi_path_create_directory(ROOT_FD, "rd3"));
	expect_ok("path_rename.put_rd3", put_file(ROOT_FD, "rd3/x", "x"));
	expect_errno2("path_rename.dir_onto_nonempty", __wasi_path_rename(ROOT_FD, "rd2", ROOT_FD, "rd3"),
	              __WASI_ERRNO_NOTEMPTY, __WASI_ERRNO_EXIST);
	expect_errno("path_rename.dir_onto_file", __wasi_path_rename(ROOT_FD, "rd2", ROOT_FD, "r3"),
	             __WASI_ERRNO_NOTDIR);
	expect_errno("path_rename.into_itself", __wasi_path_rename(ROOT_FD, "rd2", ROOT_FD, "rd2/sub"),
	             __WASI_ERRNO_INVAL);
	expect_errno("path_rename.missing", __wasi_path_rename(ROOT_FD, "missing", ROOT_FD, "x"),
	             __WASI_ERRNO_NOENT);
	expect_ok("path_rename.dir_trailing_slashes",
	          __wasi_path_rename(ROOT_FD, "rd2/", ROOT_FD, "rd4/"));
	expect_u64("path_rename.dir_trailing_slashes.type", ftype(ROOT_FD, 0, "rd4"),
	           __WASI_FILETYPE_DIRECTORY);
	expect_errno("path_rename.file_trailing_slash",
	             __wasi_path_rename(ROOT_FD, "r3/", ROOT_FD, "r5"), __WASI_ERRNO_NOTDIR);

	/* A symlink is renamed itself, never its target. */
	expect_ok("path_rename.symlink", __wasi_path_rename(ROOT_FD, "link_hello", ROOT_FD, "link_moved"));
	expect_u64("path_rename.symlink.type", ftype(ROOT_FD, 0, "link_moved"),
	           __WASI_FILETYPE_SYMBOLIC_LINK);
	expect_u64("path_rename.symlink.target_kept", ftype(ROOT_FD, 0, "hello.txt"),
	           __WASI_FILETYPE_REGULAR_FILE);

	e = __wasi_path_rename(ROOT_FD, "r3", DATA_FD, "moved");
	expect_ok("path_rename.across_preopens", e);
	expect_u64("path_rename.across_preopens.seen", ftype(ROOT_FD, 0, "data/moved"),
	           __WASI_FILETYPE_REGULAR_FILE);
	expect_errno("path_rename.badf", __wasi_path_rename(99, "x", ROOT_FD, "y"), __WASI_ERRNO_BADF);
}

void g_path_symlink(int argc, char **argv) {
	__wasi_fd_t fd;
	char buf[32];
	uint8_t lb[32];
	__wasi_size_t n;
	size_t got;
	__wasi_errno_t e;

	expect_ok("path_symlink", __wasi_path_symlink("hello.txt", ROOT_FD, "s1"));
	expect_u64("path_symlink.type", ftype(ROOT_FD, 0, "s1"), __WASI_FILETYPE_SYMBOLIC_LINK);
	if (expect_ok("path_symlink.follow", open_at(ROOT_FD, FOLLOW, "s1", 0, R_FILE_RO, 0, &fd))) {
		read_full(fd, buf, sizeof buf, &got);
		expect_bytes("path_symlink.follow.data", buf, got, "hello, world\n", 13);
		__wasi_fd_close(fd);
	}
	expect_errno("path_symlink.exists_file", __wasi_path_symlink("x", ROOT_FD, "hello.txt"),
	             __WASI_ERRNO_EXIST);
	expect_errno("path_symlink.exists_dir", __wasi_path_symlink("x", ROOT_FD, "dir"),
	             __WASI_ERRNO_EXIST);
	expect_errno("path_symlink.exists_dir_slash", __wasi_path_symlink("x", ROOT_FD, "dir/"),
	             __WASI_ERRNO_EXIST);
	expect_ok("path_symlink.dangling", __wasi_path_symlink("nothing", ROOT_FD, "s2"));
	expect_ok("path_symlink.dangling.readlink", __wasi_path_readlink(ROOT_FD, "s2", lb, sizeof lb, &n));
	expect_bytes("path_symlink.dangling.data", lb, n, "nothing", 7);
	expect_errno("path_symlink.trailing_slash", __wasi_path_symlink("x", ROOT_FD, "s3/"),
	             __WASI_ERRNO_NOENT);
	expect_ok("path_symlink.to_dir", __wasi_path_symlink("dir/sub", ROOT_FD, "s4"));
	if (expect_ok("path_symlink.to_dir.open",
	              open_at(ROOT_FD, FOLLOW, "s4", __WASI_OFLAGS_DIRECTORY, R_DIR_ALL, 0, &fd)))
		__wasi_fd_close(fd);
	/* A relative target with .. that stays inside the preopen works. */
	expect_ok("path_symlink.dotdot_inside", __wasi_path_symlink("../hello.txt", ROOT_FD, "dir/s5"));
	if (expect_ok("path_symlink.dotdot_inside.open",
	              open_at(ROOT_FD, FOLLOW, "dir/s5", 0, R_FILE_RO, 0, &fd)))
		__wasi_fd_close(fd);
	expect_ok("path_symlink.data", __wasi_path_symlink("in.txt", DATA_FD, "s6"));
	expect_u64("path_symlink.data.seen", ftype(ROOT_FD, FOLLOW, "data/s6"),
	           __WASI_FILETYPE_REGULAR_FILE);

	/* An absolute target: wasmtime refuses to create the link (EPERM in
	 * current versions, NOTCAPABLE in older ones); wasibox does the same. If
	 * an implementation creates it anyway, following it must still be
	 * refused — the escape tests check that in depth. */
	e = __wasi_path_symlink("/hello.txt", ROOT_FD, "sabs");
	expect_errno2("path_symlink.absolute_refused", e, __WASI_ERRNO_PERM, __WASI_ERRNO_NOTCAPABLE);
	if (e == 0)
		expect_error("path_symlink.absolute.not_followed",
		             open_at(ROOT_FD, FOLLOW, "sabs", 0, R_FILE_RO, 0, &fd));
	expect_errno("path_symlink.badf", __wasi_path_symlink("x", 99, "y"), __WASI_ERRNO_BADF);
}

void g_path_unlink_file(int argc, char **argv) {
	expect_ok("path_unlink_file.put", put_file(ROOT_FD, "u1", "x"));
	expect_ok("path_unlink_file", __wasi_path_unlink_file(ROOT_FD, "u1"));
	expect_true("path_unlink_file.gone", !exists(ROOT_FD, "u1"), "u1 gone");
	expect_errno("path_unlink_file.again", __wasi_path_unlink_file(ROOT_FD, "u1"), __WASI_ERRNO_NOENT);
	expect_errno2("path_unlink_file.dir", __wasi_path_unlink_file(ROOT_FD, "dir"),
	              __WASI_ERRNO_ISDIR, __WASI_ERRNO_PERM);
	expect_ok("path_unlink_file.symlink", __wasi_path_unlink_file(ROOT_FD, "link_hello"));
	expect_true("path_unlink_file.symlink.gone", !exists(ROOT_FD, "link_hello"), "link gone");
	expect_u64("path_unlink_file.symlink.target_kept", ftype(ROOT_FD, 0, "hello.txt"),
	           __WASI_FILETYPE_REGULAR_FILE);
	expect_ok("path_unlink_file.dir_symlink", __wasi_path_unlink_file(ROOT_FD, "link_dir"));
	expect_u64("path_unlink_file.dir_symlink.target_kept", ftype(ROOT_FD, 0, "dir"),
	           __WASI_FILETYPE_DIRECTORY);
	expect_ok("path_unlink_file.put2", put_file(ROOT_FD, "u2", "x"));
	expect_errno("path_unlink_file.trailing_slash", __wasi_path_unlink_file(ROOT_FD, "u2/"),
	             __WASI_ERRNO_NOTDIR);
	expect_true("path_unlink_file.trailing_slash.kept", exists(ROOT_FD, "u2"), "u2 kept");
	expect_ok("path_unlink_file.data", __wasi_path_unlink_file(DATA_FD, "in.txt"));
	expect_true("path_unlink_file.data.gone", !exists(ROOT_FD, "data/in.txt"), "data/in.txt gone");
	expect_errno("path_unlink_file.badf", __wasi_path_unlink_file(99, "x"), __WASI_ERRNO_BADF);
}

/* readonly: the harness mounts the fixture read-only at / and /data and
 * checks afterwards that nothing changed. Every mutation must fail; reads
 * still work, and asking for write rights attenuates instead of failing. */
void g_readonly(int argc, char **argv) {
	__wasi_fdstat_t st;
	__wasi_fd_t fd, dir;
	char buf[32];
	size_t got;
	__wasi_size_t n;
	uint8_t lb[32];
	const __wasi_rights_t mutating =
	    __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_CREATE_DIRECTORY |
	    __WASI_RIGHTS_PATH_UNLINK_FILE | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY |
	    __WASI_RIGHTS_PATH_RENAME_SOURCE | __WASI_RIGHTS_PATH_RENAME_TARGET |
	    __WASI_RIGHTS_PATH_SYMLINK | __WASI_RIGHTS_PATH_LINK_TARGET |
	    __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |
	    __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_ALLOCATE;

	expect_ok("readonly.fdstat_get", __wasi_fd_fdstat_get(ROOT_FD, &st));
	expect_u64("readonly.no_mutating_rights", st.fs_rights_base & mutating, 0);
	expect_u64("readonly.no_mutating_inheriting", st.fs_rights_inheriting & mutating, 0);

	/* Reads work. */
	expect_ok("readonly.read", get_file(ROOT_FD, "hello.txt", buf, sizeof buf));
	expect_bytes("readonly.read.data", buf, strlen(buf), "hello, world\n", 13);
	expect_ok("readonly.readlink", __wasi_path_readlink(ROOT_FD, "link_hello", lb, sizeof lb, &n));
	expect_ok("readonly.readdir", __wasi_fd_readdir(ROOT_FD, (uint8_t *)buf, sizeof buf, 0, &n));
	expect_ok("readonly.data.read", get_file(DATA_FD, "in.txt", buf, sizeof buf));

	/* Asking for write rights is refused with ROFS (unix: any intent to
	 * write on a read-only mount), or attenuated to a read-only descriptor;
	 * both are safe. */
	__wasi_errno_t e = open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_ALL, 0, &fd);
	if (e == 0) {
		pass("readonly.open_rw (attenuated)");
		expect_ok("readonly.open_rw.fdstat", __wasi_fd_fdstat_get(fd, &st));
		expect_u64("readonly.open_rw.no_write", st.fs_rights_base & mutating, 0);
		__wasi_fd_close(fd);
	} else
		expect_errno2("readonly.open_rw", e, __WASI_ERRNO_ROFS, __WASI_ERRNO_NOTCAPABLE);
	expect_error("readonly.open_append",
	             open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_ALL, __WASI_FDFLAGS_APPEND, &fd) ?:
	             write_all(fd, "x", 1));
	/* A read-only descriptor cannot be widened or used to write. */
	if (expect_ok("readonly.open_ro", open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_RO, 0, &fd))) {
		expect_ok("readonly.open_ro.read", read_full(fd, buf, sizeof buf, &got));
		expect_errno("readonly.regain_rights", __wasi_fd_fdstat_set_rights(fd, R_FILE_ALL, 0),
		             __WASI_ERRNO_NOTCAPABLE);
		expect_error("readonly.fd_write", write_all(fd, "x", 1));
		__wasi_ciovec_t c = {(const uint8_t *)"x", 1};
		expect_error("readonly.fd_pwrite", __wasi_fd_pwrite(fd, &c, 1, 0, &n));
		expect_error("readonly.fd_filestat_set_size", __wasi_fd_filestat_set_size(fd, 0));
		expect_error("readonly.fd_filestat_set_times",
		             __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
		expect_error("readonly.fd_allocate", __wasi_fd_allocate(fd, 0, 4096));
		__wasi_fd_close(fd);
	}
	expect_error("readonly.open_creat",
	             open_at(ROOT_FD, 0, "new.txt", __WASI_OFLAGS_CREAT, R_FILE_ALL, 0, &fd));
	expect_error("readonly.open_trunc",
	             open_at(ROOT_FD, 0, "hello.txt", __WASI_OFLAGS_TRUNC, R_FILE_ALL, 0, &fd));
	expect_error("readonly.path_create_directory", __wasi_path_create_directory(ROOT_FD, "nd"));
	expect_error("readonly.path_filestat_set_times",
	             __wasi_path_filestat_set_times(ROOT_FD, 0, "hello.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
	expect_error("readonly.fd_filestat_set_times.dir",
	             __wasi_fd_filestat_set_times(ROOT_FD, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
	expect_error("readonly.path_link", __wasi_path_link(ROOT_FD, 0, "hello.txt", ROOT_FD, "hl"));
	expect_error("readonly.path_rename", __wasi_path_rename(ROOT_FD, "hello.txt", ROOT_FD, "moved"));
	expect_error("readonly.path_symlink", __wasi_path_symlink("hello.txt", ROOT_FD, "sl"));
	expect_error("readonly.path_unlink_file", __wasi_path_unlink_file(ROOT_FD, "hello.txt"));
	expect_error("readonly.path_unlink_file.symlink", __wasi_path_unlink_file(ROOT_FD, "link_hello"));
	expect_error("readonly.path_remove_directory", __wasi_path_remove_directory(ROOT_FD, "dir/sub"));
	expect_error("readonly.data.unlink", __wasi_path_unlink_file(DATA_FD, "in.txt"));
	expect_error("readonly.data.creat",
	             open_at(DATA_FD, 0, "new.txt", __WASI_OFLAGS_CREAT, R_FILE_ALL, 0, &fd));
	/* A directory opened beneath the mount inherits the restriction. */
	if (expect_ok("readonly.open_dir",
	              __wasi_path_open(ROOT_FD, 0, "dir", __WASI_OFLAGS_DIRECTORY, R_DIR_ALL,
	                               R_DIR_ALL | R_FILE_ALL, 0, &dir))) {
		expect_ok("readonly.open_dir.fdstat", __wasi_fd_fdstat_get(dir, &st));
		expect_u64("readonly.open_dir.no_mutating", (st.fs_rights_base | st.fs_rights_inheriting) & mutating, 0);
		expect_error("readonly.open_dir.unlink", __wasi_path_unlink_file(dir, "one.txt"));
		expect_error("readonly.open_dir.creat",
		             open_at(dir, 0, "new.txt", __WASI_OFLAGS_CREAT, R_FILE_ALL, 0, &fd));
		expect_error("readonly.open_dir.mkdir", __wasi_path_create_directory(dir, "x"));
		__wasi_fd_close(dir);
	}
}
