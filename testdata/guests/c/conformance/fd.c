/* fd.c — the fd_* functions. */
#include "groups.h"

/* fsize returns the size of an open file (or ~0 on error). */
static uint64_t fsize(__wasi_fd_t fd) {
	__wasi_filestat_t st;
	if (__wasi_fd_filestat_get(fd, &st)) return ~0ull;
	return st.size;
}

static __wasi_errno_t pread_str(__wasi_fd_t fd, uint64_t off, char *buf, size_t cap, size_t *n) {
	__wasi_iovec_t iov = {(uint8_t *)buf, cap};
	__wasi_size_t got = 0;
	__wasi_errno_t e = __wasi_fd_pread(fd, &iov, 1, off, &got);
	*n = got;
	return e;
}

static __wasi_errno_t drop_right(__wasi_fd_t fd, __wasi_rights_t r) {
	__wasi_fdstat_t st;
	__wasi_errno_t e = __wasi_fd_fdstat_get(fd, &st);
	if (e) return e;
	return __wasi_fd_fdstat_set_rights(fd, st.fs_rights_base & ~r, st.fs_rights_inheriting);
}

/* One of the errnos a directory descriptor gives for a file operation
 * (wasi-testsuite dir_fd_op_failures accepts the same set). */
static void expect_dir_refuses(const char *name, __wasi_errno_t e) {
	if (e == __WASI_ERRNO_ISDIR || e == __WASI_ERRNO_BADF || e == __WASI_ERRNO_NOTCAPABLE ||
	    e == __WASI_ERRNO_INVAL)
		passf("%s (%s)", name, errno_name(e));
	else
		failf(name, "got errno %u (%s) want ISDIR, BADF, NOTCAPABLE or INVAL", e, errno_name(e));
}

void g_fd_advise(int argc, char **argv) {
	static const char *names[] = {"normal", "sequential", "random", "willneed", "dontneed", "noreuse"};
	__wasi_fd_t fd;
	char name[64];
	if (!expect_ok("fd_advise.open", open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_ALL, 0, &fd))) return;
	for (int a = 0; a <= 5; a++) {
		snprintf(name, sizeof name, "fd_advise.%s", names[a]);
		expect_ok(name, __wasi_fd_advise(fd, 0, 10, (__wasi_advice_t)a));
	}
	expect_ok("fd_advise.whole_file", __wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_NORMAL));
	expect_errno("fd_advise.bad_advice", __wasi_fd_advise(fd, 0, 10, 6), __WASI_ERRNO_INVAL);
	expect_errno("fd_advise.badf", __wasi_fd_advise(99, 0, 10, 0), __WASI_ERRNO_BADF);
	expect_ok("fd_advise.drop_right", drop_right(fd, __WASI_RIGHTS_FD_ADVISE));
	expect_errno("fd_advise.without_right", __wasi_fd_advise(fd, 0, 10, 0),
	             __WASI_ERRNO_NOTCAPABLE);
	__wasi_fd_close(fd);
}

void g_fd_allocate(int argc, char **argv) {
	__wasi_fd_t fd, ro;
	if (!expect_ok("fd_allocate.open",
	               open_at(ROOT_FD, 0, "alloc.bin", __WASI_OFLAGS_CREAT, R_FILE_ALL, 0, &fd)))
		return;
	expect_ok("fd_allocate.grow", __wasi_fd_allocate(fd, 0, 100));
	expect_u64("fd_allocate.grow.size", fsize(fd), 100);
	expect_ok("fd_allocate.inside", __wasi_fd_allocate(fd, 10, 10));
	expect_u64("fd_allocate.inside.size_kept", fsize(fd), 100);
	expect_ok("fd_allocate.past_end", __wasi_fd_allocate(fd, 200, 50));
	expect_u64("fd_allocate.past_end.size", fsize(fd), 250);
	expect_errno("fd_allocate.badf", __wasi_fd_allocate(99, 0, 1), __WASI_ERRNO_BADF);
	if (expect_ok("fd_allocate.open_ro", open_at(ROOT_FD, 0, "alloc.bin", 0, R_FILE_RO, 0, &ro))) {
		expect_errno("fd_allocate.without_right", __wasi_fd_allocate(ro, 0, 1000),
		             __WASI_ERRNO_NOTCAPABLE);
		expect_u64("fd_allocate.without_right.size", fsize(ro), 250);
		__wasi_fd_close(ro);
	}
	expect_dir_refuses("fd_allocate.dir", __wasi_fd_allocate(ROOT_FD, 0, 1));
	__wasi_fd_close(fd);
}

void g_fd_close(int argc, char **argv) {
	__wasi_fd_t fd;
	__wasi_fdstat_t st;
	if (!expect_ok("fd_close.open", open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_RO, 0, &fd))) return;
	expect_true("fd_close.new_fd_above_preopens", fd > DATA_FD, "fd > 4");
	expect_ok("fd_close", __wasi_fd_close(fd));
	expect_errno("fd_close.twice", __wasi_fd_close(fd), __WASI_ERRNO_BADF);
	expect_errno("fd_close.fdstat_after", __wasi_fd_fdstat_get(fd, &st), __WASI_ERRNO_BADF);
	expect_errno("fd_close.never_opened", __wasi_fd_close(99), __WASI_ERRNO_BADF);
	expect_errno("fd_close.huge", __wasi_fd_close(0x7fffffff), __WASI_ERRNO_BADF);
	expect_errno("fd_close.negative", __wasi_fd_close(0xffffffffu), __WASI_ERRNO_BADF);
	/* The preopens are untouched by all this. */
	expect_ok("fd_close.root_still_open", __wasi_fd_fdstat_get(ROOT_FD, &st));
}

void g_fd_sync(int argc, char **argv) {
	__wasi_fd_t fd, ro;
	if (!expect_ok("fd_sync.open",
	               open_at(ROOT_FD, 0, "sync.txt", __WASI_OFLAGS_CREAT, R_FILE_ALL, 0, &fd)))
		return;
	expect_ok("fd_sync.write", write_all(fd, "data", 4));
	expect_ok("fd_datasync", __wasi_fd_datasync(fd));
	expect_ok("fd_sync", __wasi_fd_sync(fd));
	expect_ok("fd_sync.dir", __wasi_fd_sync(ROOT_FD));
	if (expect_ok("fd_sync.open_ro", open_at(ROOT_FD, 0, "sync.txt", 0, R_FILE_RO, 0, &ro))) {
		expect_errno("fd_datasync.without_right", __wasi_fd_datasync(ro), __WASI_ERRNO_NOTCAPABLE);
		expect_errno("fd_sync.without_right", __wasi_fd_sync(ro), __WASI_ERRNO_NOTCAPABLE);
		__wasi_fd_close(ro);
	}
	expect_errno("fd_datasync.badf", __wasi_fd_datasync(99), __WASI_ERRNO_BADF);
	expect_errno("fd_sync.badf", __wasi_fd_sync(99), __WASI_ERRNO_BADF);
	__wasi_fd_close(fd);
}

void g_fd_fdstat(int argc, char **argv) {
	__wasi_fdstat_t st;
	__wasi_fd_t fd, dir, f2;
	char buf[32];
	size_t n;

	expect_ok("fd_fdstat_get.root", __wasi_fd_fdstat_get(ROOT_FD, &st));
	expect_u64("fd_fdstat_get.root.filetype", st.fs_filetype, __WASI_FILETYPE_DIRECTORY);
	expect_true("fd_fdstat_get.root.path_open",
	            (st.fs_rights_base & __WASI_RIGHTS_PATH_OPEN) &&
	                (st.fs_rights_base & __WASI_RIGHTS_FD_READDIR),
	            "PATH_OPEN and FD_READDIR");
	expect_true("fd_fdstat_get.root.inheriting",
	            (st.fs_rights_inheriting & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE)) ==
	                (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE),
	            "FD_READ|FD_WRITE inheriting");
	expect_ok("fd_fdstat_get.stdout", __wasi_fd_fdstat_get(1, &st));
	expect_true("fd_fdstat_get.stdout.write", st.fs_rights_base & __WASI_RIGHTS_FD_WRITE,
	            "FD_WRITE");
	expect_errno("fd_fdstat_get.badf", __wasi_fd_fdstat_get(99, &st), __WASI_ERRNO_BADF);

	expect_ok("fd_fdstat.put", put_file(ROOT_FD, "flags.txt", "xyz"));
	if (!expect_ok("fd_fdstat.open_append",
	               open_at(ROOT_FD, 0, "flags.txt", 0, R_FILE_ALL, __WASI_FDFLAGS_APPEND, &fd)))
		return;
	expect_ok("fd_fdstat_get.file", __wasi_fd_fdstat_get(fd, &st));
	expect_u64("fd_fdstat_get.file.filetype", st.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
	expect_u64("fd_fdstat_get.file.append", st.fs_flags & __WASI_FDFLAGS_APPEND,
	           __WASI_FDFLAGS_APPEND);
	expect_u64("fd_fdstat_get.file.rights", st.fs_rights_base & R_FILE_ALL, R_FILE_ALL);

	/* APPEND writes at the end whatever the offset. */
	__wasi_filesize_t pos;
	expect_ok("fd_fdstat.seek0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
	expect_ok("fd_fdstat.append_write", write_all(fd, "a", 1));
	pread_str(fd, 0, buf, sizeof buf, &n);
	expect_bytes("fd_fdstat.append_data", buf, n, "xyza", 4);

	/* Clearing APPEND: writes go to the offset again. */
	expect_ok("fd_fdstat_set_flags.clear", __wasi_fd_fdstat_set_flags(fd, 0));
	expect_ok("fd_fdstat_get.cleared", __wasi_fd_fdstat_get(fd, &st));
	expect_u64("fd_fdstat_get.cleared.flags", st.fs_flags & __WASI_FDFLAGS_APPEND, 0);
	expect_ok("fd_fdstat.seek0.again", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
	expect_ok("fd_fdstat.write_at_offset", write_all(fd, "b", 1));
	pread_str(fd, 0, buf, sizeof buf, &n);
	expect_bytes("fd_fdstat.offset_data", buf, n, "byza", 4);

	expect_ok("fd_fdstat_set_flags.append", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
	expect_ok("fd_fdstat_get.append_again", __wasi_fd_fdstat_get(fd, &st));
	expect_u64("fd_fdstat_get.append_again.flags", st.fs_flags & __WASI_FDFLAGS_APPEND,
	           __WASI_FDFLAGS_APPEND);
	expect_ok("fd_fdstat_set_flags.nonblock", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK));
	expect_ok("fd_fdstat_get.nonblock", __wasi_fd_fdstat_get(fd, &st));
	expect_u64("fd_fdstat_get.nonblock.flags",
	           st.fs_flags & (__WASI_FDFLAGS_NONBLOCK | __WASI_FDFLAGS_APPEND),
	           __WASI_FDFLAGS_NONBLOCK);
	expect_errno("fd_fdstat_set_flags.badf", __wasi_fd_fdstat_set_flags(99, 0), __WASI_ERRNO_BADF);

	/* Rights only shrink. */
	__wasi_rights_t nowrite = R_FILE_ALL & ~__WASI_RIGHTS_FD_WRITE;
	expect_ok("fd_fdstat_set_rights.drop_write", __wasi_fd_fdstat_set_rights(fd, nowrite, 0));
	expect_ok("fd_fdstat_get.dropped", __wasi_fd_fdstat_get(fd, &st));
	expect_u64("fd_fdstat_get.dropped.rights", st.fs_rights_base & __WASI_RIGHTS_FD_WRITE, 0);
	/* Without fd_write the descriptor is not open for writing: BADF, as
	 * write(2) (RATIONALE.md); every other missing right is NOTCAPABLE. */
	expect_errno("fd_fdstat_set_rights.write_refused", write_all(fd, "c", 1),
	             __WASI_ERRNO_BADF);
	expect_errno("fd_fdstat_set_rights.no_regain", __wasi_fd_fdstat_set_rights(fd, R_FILE_ALL, 0),
	             __WASI_ERRNO_NOTCAPABLE);
	expect_ok("fd_fdstat_set_rights.drop_set_flags",
	          __wasi_fd_fdstat_set_rights(fd, nowrite & ~__WASI_RIGHTS_FD_FDSTAT_SET_FLAGS, 0));
	expect_errno("fd_fdstat_set_flags.without_right", __wasi_fd_fdstat_set_flags(fd, 0),
	             __WASI_ERRNO_NOTCAPABLE);
	__wasi_fd_close(fd);

	/* A directory's inheriting rights attenuate what is opened beneath it,
	 * without failing the open (docs/design.md decision 3). */
	__wasi_rights_t inh = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET;
	if (expect_ok("fd_fdstat.open_dir_limited",
	              __wasi_path_open(ROOT_FD, 0, "dir", __WASI_OFLAGS_DIRECTORY, R_DIR_ALL, inh, 0,
	                               &dir))) {
		if (expect_ok("fd_fdstat.open_attenuated",
		              __wasi_path_open(dir, 0, "one.txt", 0, R_FILE_ALL, 0, 0, &f2))) {
			expect_ok("fd_fdstat_get.attenuated", __wasi_fd_fdstat_get(f2, &st));
			expect_u64("fd_fdstat_get.attenuated.rights", st.fs_rights_base & ~inh, 0);
			expect_errno("fd_fdstat.attenuated.write", write_all(f2, "x", 1),
			             __WASI_ERRNO_BADF);
			size_t got = 0;
			expect_ok("fd_fdstat.attenuated.read", read_full(f2, buf, sizeof buf, &got));
			expect_bytes("fd_fdstat.attenuated.data", buf, got, "1", 1);
			__wasi_fd_close(f2);
		}
		__wasi_fd_close(dir);
	}
}

void g_fd_filestat(int argc, char **argv) {
	__wasi_filestat_t st, pst;
	__wasi_fd_t fd, ro;
	__wasi_timestamp_t now;
	char buf[32];
	size_t n;
	const __wasi_timestamp_t A = 1600000000123456789ull, M = 1500000000987654321ull;

	expect_ok("fd_filestat.put", put_file(ROOT_FD, "fs.txt", "hello"));
	if (!expect_ok("fd_filestat.open", open_at(ROOT_FD, 0, "fs.txt", 0, R_FILE_ALL, 0, &fd))) return;
	expect_ok("fd_filestat_get", __wasi_fd_filestat_get(fd, &st));
	expect_u64("fd_filestat_get.size", st.size, 5);
	expect_u64("fd_filestat_get.filetype", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
	expect_u64("fd_filestat_get.nlink", st.nlink, 1);
	expect_ok("fd_filestat.path_filestat_get", __wasi_path_filestat_get(ROOT_FD, 0, "fs.txt", &pst));
	expect_u64("fd_filestat_get.ino_matches_path", st.ino, pst.ino);
	expect_u64("fd_filestat_get.dev_matches_path", st.dev, pst.dev);

	expect_ok("fd_filestat_set_size.shrink", __wasi_fd_filestat_set_size(fd, 2));
	pread_str(fd, 0, buf, sizeof buf, &n);
	expect_bytes("fd_filestat_set_size.shrink.data", buf, n, "he", 2);
	expect_ok("fd_filestat_set_size.grow", __wasi_fd_filestat_set_size(fd, 10));
	pread_str(fd, 0, buf, sizeof buf, &n);
	expect_bytes("fd_filestat_set_size.grow.data", buf, n, "he\0\0\0\0\0\0\0\0", 10);

	expect_ok("fd_filestat_set_times",
	          __wasi_fd_filestat_set_times(fd, A, M, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
	expect_ok("fd_filestat_set_times.get", __wasi_fd_filestat_get(fd, &st));
	expect_u64("fd_filestat_set_times.atim", st.atim, A);
	expect_u64("fd_filestat_set_times.mtim", st.mtim, M);
	expect_ok("fd_filestat_set_times.mtim_only",
	          __wasi_fd_filestat_set_times(fd, 0, M + 1000, __WASI_FSTFLAGS_MTIM));
	expect_ok("fd_filestat_set_times.mtim_only.get", __wasi_fd_filestat_get(fd, &st));
	expect_u64("fd_filestat_set_times.mtim_only.atim_kept", st.atim, A);
	expect_u64("fd_filestat_set_times.mtim_only.mtim", st.mtim, M + 1000);
	(void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now);
	expect_ok("fd_filestat_set_times.now", __wasi_fd_filestat_set_times(
	                                           fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW));
	expect_ok("fd_filestat_set_times.now.get", __wasi_fd_filestat_get(fd, &st));
	expect_true("fd_filestat_set_times.now.mtim",
	            st.mtim + 60000000000ull > now && st.mtim < now + 60000000000ull, "mtim near now");
	expect_errno("fd_filestat_set_times.atim_and_now",
	             __wasi_fd_filestat_set_times(fd, 1, 2, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW),
	             __WASI_ERRNO_INVAL);
	expect_errno("fd_filestat_set_times.mtim_and_now",
	             __wasi_fd_filestat_set_times(fd, 1, 2, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
	             __WASI_ERRNO_INVAL);

	if (expect_ok("fd_filestat.open_ro", open_at(ROOT_FD, 0, "fs.txt", 0, R_FILE_RO, 0, &ro))) {
		expect_errno("fd_filestat_set_size.without_right", __wasi_fd_filestat_set_size(ro, 0),
		             __WASI_ERRNO_NOTCAPABLE);
		expect_errno("fd_filestat_set_times.without_right",
		             __wasi_fd_filestat_set_times(ro, 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
		             __WASI_ERRNO_NOTCAPABLE);
		expect_u64("fd_filestat_set_size.without_right.size", fsize(ro), 10);
		__wasi_fd_close(ro);
	}
	expect_ok("fd_filestat_get.dir", __wasi_fd_filestat_get(ROOT_FD, &st));
	expect_u64("fd_filestat_get.dir.filetype", st.filetype, __WASI_FILETYPE_DIRECTORY);
	expect_dir_refuses("fd_filestat_set_size.dir", __wasi_fd_filestat_set_size(ROOT_FD, 0));
	expect_errno("fd_filestat_get.badf", __wasi_fd_filestat_get(99, &st), __WASI_ERRNO_BADF);
	__wasi_fd_close(fd);
}

void g_fd_pread_pwrite(int argc, char **argv) {
	__wasi_fd_t fd, wo;
	__wasi_filesize_t pos;
	char buf[32], b1[2], b2[3];
	size_t n;
	__wasi_size_t got;

	expect_ok("fd_pread.put", put_file(ROOT_FD, "pp.txt", "0123456789"));
	if (!expect_ok("fd_pread.open", open_at(ROOT_FD, 0, "pp.txt", 0, R_FILE_ALL, 0, &fd))) return;
	expect_ok("fd_pread.seek", __wasi_fd_seek(fd, 3, __WASI_WHENCE_SET, &pos));
	expect_ok("fd_pread", pread_str(fd, 5, buf, 4, &n));
	expect_bytes("fd_pread.data", buf, n, "5678", 4);
	expect_ok("fd_pread.tell", __wasi_fd_tell(fd, &pos));
	expect_u64("fd_pread.offset_unchanged", pos, 3);

	__wasi_iovec_t iovs[2] = {{(uint8_t *)b1, 2}, {(uint8_t *)b2, 3}};
	expect_ok("fd_pread.iovecs", __wasi_fd_pread(fd, iovs, 2, 1, &got));
	expect_u64("fd_pread.iovecs.n", got, 5);
	expect_bytes("fd_pread.iovecs.first", b1, 2, "12", 2);
	expect_bytes("fd_pread.iovecs.second", b2, 3, "345", 3);
	expect_ok("fd_pread.past_eof", pread_str(fd, 100, buf, sizeof buf, &n));
	expect_u64("fd_pread.past_eof.n", n, 0);

	__wasi_ciovec_t c = {(const uint8_t *)"AB", 2};
	expect_ok("fd_pwrite", __wasi_fd_pwrite(fd, &c, 1, 8, &got));
	expect_u64("fd_pwrite.n", got, 2);
	expect_ok("fd_pwrite.tell", __wasi_fd_tell(fd, &pos));
	expect_u64("fd_pwrite.offset_unchanged", pos, 3);
	pread_str(fd, 0, buf, sizeof buf, &n);
	expect_bytes("fd_pwrite.data", buf, n, "01234567AB", 10);
	c.buf = (const uint8_t *)"Z";
	c.buf_len = 1;
	expect_ok("fd_pwrite.past_eof", __wasi_fd_pwrite(fd, &c, 1, 12, &got));
	pread_str(fd, 0, buf, sizeof buf, &n);
	expect_bytes("fd_pwrite.past_eof.data", buf, n, "01234567AB\0\0Z", 13);

	if (expect_ok("fd_pread.open_wo",
	              open_at(ROOT_FD, 0, "pp.txt", 0,
	                      __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL, 0,
	                      &wo))) {
		/* Not open for reading: BADF (RATIONALE.md). */
		expect_errno("fd_pread.without_right", pread_str(wo, 0, buf, 4, &n),
		             __WASI_ERRNO_BADF);
		__wasi_fd_close(wo);
	}
	if (expect_ok("fd_pwrite.open_ro", open_at(ROOT_FD, 0, "pp.txt", 0, R_FILE_RO, 0, &wo))) {
		expect_errno("fd_pwrite.without_right", __wasi_fd_pwrite(wo, &c, 1, 0, &got),
		             __WASI_ERRNO_BADF);
		__wasi_fd_close(wo);
	}
	if (expect_ok("fd_pread.open_noseek",
	              open_at(ROOT_FD, 0, "pp.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0,
	                      &wo))) {
		expect_errno("fd_pread.without_seek", pread_str(wo, 0, buf, 4, &n),
		             __WASI_ERRNO_NOTCAPABLE);
		expect_errno("fd_pwrite.without_seek", __wasi_fd_pwrite(wo, &c, 1, 0, &got),
		             __WASI_ERRNO_NOTCAPABLE);
		__wasi_fd_close(wo);
	}
	expect_dir_refuses("fd_pread.dir", pread_str(ROOT_FD, 0, buf, 4, &n));
	expect_dir_refuses("fd_pwrite.dir", __wasi_fd_pwrite(ROOT_FD, &c, 1, 0, &got));
	expect_errno("fd_pread.badf", pread_str(99, 0, buf, 4, &n), __WASI_ERRNO_BADF);
	__wasi_fd_close(fd);
}

void g_fd_prestat(int argc, char **argv) {
	__wasi_prestat_t ps;
	uint8_t buf[64];
	__wasi_fd_t dir;

	if (expect_ok("fd_prestat_get.root", __wasi_fd_prestat_get(ROOT_FD, &ps))) {
		expect_u64("fd_prestat_get.root.tag", ps.tag, __WASI_PREOPENTYPE_DIR);
		expect_u64("fd_prestat_get.root.len", ps.u.dir.pr_name_len, 1);
	}
	memset(buf, 0xAA, sizeof buf);
	expect_ok("fd_prestat_dir_name.root", __wasi_fd_prestat_dir_name(ROOT_FD, buf, sizeof buf));
	expect_bytes("fd_prestat_dir_name.root.name", buf, 1, "/", 1);
	expect_u64("fd_prestat_dir_name.root.no_overrun", buf[1], 0xAA);

	if (expect_ok("fd_prestat_get.data", __wasi_fd_prestat_get(DATA_FD, &ps)))
		expect_u64("fd_prestat_get.data.len", ps.u.dir.pr_name_len, 5);
	memset(buf, 0xAA, sizeof buf);
	expect_ok("fd_prestat_dir_name.data.large_buffer",
	          __wasi_fd_prestat_dir_name(DATA_FD, buf, sizeof buf));
	expect_bytes("fd_prestat_dir_name.data.name", buf, 5, "/data", 5);
	expect_u64("fd_prestat_dir_name.data.no_overrun", buf[5], 0xAA);
	memset(buf, 0xAA, sizeof buf);
	expect_ok("fd_prestat_dir_name.data.exact", __wasi_fd_prestat_dir_name(DATA_FD, buf, 5));
	expect_bytes("fd_prestat_dir_name.data.exact.name", buf, 5, "/data", 5);
	expect_errno2("fd_prestat_dir_name.short", __wasi_fd_prestat_dir_name(DATA_FD, buf, 2),
	              __WASI_ERRNO_NAMETOOLONG, __WASI_ERRNO_INVAL);

	expect_errno("fd_prestat_get.stdin", __wasi_fd_prestat_get(0, &ps), __WASI_ERRNO_BADF);
	expect_errno("fd_prestat_get.past_preopens", __wasi_fd_prestat_get(DATA_FD + 1, &ps),
	             __WASI_ERRNO_BADF);
	expect_errno("fd_prestat_dir_name.stdin", __wasi_fd_prestat_dir_name(0, buf, sizeof buf),
	             __WASI_ERRNO_BADF);
	if (expect_ok("fd_prestat.open_dir",
	              open_at(ROOT_FD, 0, "dir", __WASI_OFLAGS_DIRECTORY, R_DIR_ALL, 0, &dir))) {
		expect_errno("fd_prestat_get.opened_dir_is_not_preopen", __wasi_fd_prestat_get(dir, &ps),
		             __WASI_ERRNO_BADF);
		__wasi_fd_close(dir);
	}
}

void g_fd_read_write(int argc, char **argv) {
	static uint8_t big[256 * 1024], back[256 * 1024];
	__wasi_fd_t fd, ro, wo;
	__wasi_filesize_t pos;
	__wasi_size_t n;
	char a[2], b[2], c[8];
	size_t got;

	if (!expect_ok("fd_write.open", open_at(ROOT_FD, 0, "rw.txt", __WASI_OFLAGS_CREAT, R_FILE_ALL, 0,
	                                        &fd)))
		return;
	__wasi_ciovec_t w[3] = {{(const uint8_t *)"ab", 2}, {(const uint8_t *)"", 0},
	                        {(const uint8_t *)"cde", 3}};
	expect_ok("fd_write.iovecs", __wasi_fd_write(fd, w, 3, &n));
	expect_u64("fd_write.iovecs.n", n, 5);
	expect_ok("fd_write.no_iovecs", __wasi_fd_write(fd, w, 0, &n));
	expect_u64("fd_write.no_iovecs.n", n, 0);
	expect_ok("fd_read.seek", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
	__wasi_iovec_t r[3] = {{(uint8_t *)a, 2}, {(uint8_t *)b, 2}, {(uint8_t *)c, 8}};
	expect_ok("fd_read.iovecs", __wasi_fd_read(fd, r, 3, &n));
	expect_u64("fd_read.iovecs.n", n, 5);
	expect_bytes("fd_read.iovecs.0", a, 2, "ab", 2);
	expect_bytes("fd_read.iovecs.1", b, 2, "cd", 2);
	expect_bytes("fd_read.iovecs.2", c, 1, "e", 1);
	expect_ok("fd_read.eof", __wasi_fd_read(fd, r, 3, &n));
	expect_u64("fd_read.eof.n", n, 0);

	for (size_t i = 0; i < sizeof big; i++) big[i] = (uint8_t)(i * 7 + 3);
	expect_ok("fd_write.256KiB", write_all(fd, big, sizeof big));
	expect_ok("fd_read.256KiB.seek", __wasi_fd_seek(fd, 5, __WASI_WHENCE_SET, &pos));
	expect_ok("fd_read.256KiB", read_full(fd, back, sizeof back, &got));
	expect_true("fd_read.256KiB.data", got == sizeof big && memcmp(big, back, got) == 0,
	            "the bytes written");

	if (expect_ok("fd_write.open_ro", open_at(ROOT_FD, 0, "rw.txt", 0, R_FILE_RO, 0, &ro))) {
		/* Not open for writing (reading): BADF, as write(2) and read(2),
		 * wasmtime and wasi-testsuite (RATIONALE.md). */
		expect_errno("fd_write.without_right", __wasi_fd_write(ro, w, 1, &n),
		             __WASI_ERRNO_BADF);
		__wasi_fd_close(ro);
	}
	if (expect_ok("fd_read.open_wo", open_at(ROOT_FD, 0, "rw.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, &wo))) {
		expect_errno("fd_read.without_right", __wasi_fd_read(wo, r, 1, &n), __WASI_ERRNO_BADF);
		__wasi_fd_close(wo);
	}
	expect_errno("fd_read.badf", __wasi_fd_read(99, r, 1, &n), __WASI_ERRNO_BADF);
	expect_errno("fd_write.badf", __wasi_fd_write(99, w, 1, &n), __WASI_ERRNO_BADF);

	/* A raw write to stdout lands in the output the harness reads. */
	fflush(stdout);
	const char *line = "ok fd_write.stdout_raw\n";
	if (write_all(1, line, strlen(line)) == 0)
		check_ok++;
	else
		failf("fd_write.stdout_raw", "write to fd 1 failed");
	__wasi_fd_close(fd);
}

#define MAXENT 64

/* readdir_all reads dir from cookie into ents using a buffer of bufsize
 * bytes, following cookies until the end. Returns the count or -errno. */
static int readdir_all(__wasi_fd_t dir, size_t bufsize, __wasi_dircookie_t cookie,
                       struct entry *ents, int max) {
	static uint8_t buf[8192];
	int total = 0;
	if (bufsize > sizeof buf) bufsize = sizeof buf;
	for (int rounds = 0; rounds < 1000; rounds++) {
		__wasi_size_t used = 0;
		__wasi_errno_t e = __wasi_fd_readdir(dir, buf, bufsize, cookie, &used);
		if (e) return -(int)e;
		int n = parse_dirents(buf, used, ents + total, max - total);
		total += n;
		if (used < bufsize) return total; /* the end */
		if (n == 0) return -1000;         /* buffer too small for one entry */
		cookie = ents[total - 1].next;
		if (total >= max) return total;
	}
	return -1001;
}

static const struct entry *lookup(const struct entry *e, int n, const char *name) {
	for (int i = 0; i < n; i++)
		if (strcmp(e[i].name, name) == 0) return &e[i];
	return NULL;
}

void g_fd_readdir(int argc, char **argv) {
	static struct entry full[MAXENT], part[MAXENT];
	static uint8_t buf[4096];
	__wasi_fd_t dir, f;
	__wasi_filestat_t st;
	char name[96], path[64];
	int n, i;

	expect_ok("fd_readdir.mkdir", __wasi_path_create_directory(ROOT_FD, "rd"));
	expect_ok("fd_readdir.mkdir_empty", __wasi_path_create_directory(ROOT_FD, "rd/empty"));
	for (i = 0; i < 20; i++) {
		/* names of varied lengths, up to 30 bytes */
		snprintf(path, sizeof path, "rd/f%02d%.*s", i, i, "abcdefghijklmnopqrstuvwxyz");
		if (put_file(ROOT_FD, path, "x")) failf("fd_readdir.put", "%s", path);
	}
	expect_ok("fd_readdir.symlink", __wasi_path_symlink("f00", ROOT_FD, "rd/sl"));
	if (!expect_ok("fd_readdir.open",
	               open_at(ROOT_FD, 0, "rd", __WASI_OFLAGS_DIRECTORY, R_DIR_ALL, 0, &dir)))
		return;

	n = readdir_all(dir, 4096, 0, full, MAXENT);
	expect_u64("fd_readdir.count", (uint64_t)n, 20 + 4); /* files, empty, sl, ., .. */
	if (n <= 0) return;
	const struct entry *e;
	e = lookup(full, n, ".");
	expect_true("fd_readdir.dot", e && e->type == __WASI_FILETYPE_DIRECTORY, "a . directory entry");
	if (e && __wasi_fd_filestat_get(dir, &st) == 0) expect_u64("fd_readdir.dot.ino", e->ino, st.ino);
	e = lookup(full, n, "..");
	expect_true("fd_readdir.dotdot", e && e->type == __WASI_FILETYPE_DIRECTORY,
	            "a .. directory entry");
	e = lookup(full, n, "empty");
	expect_true("fd_readdir.type.dir", e && e->type == __WASI_FILETYPE_DIRECTORY, "DIRECTORY");
	e = lookup(full, n, "sl");
	expect_true("fd_readdir.type.symlink", e && e->type == __WASI_FILETYPE_SYMBOLIC_LINK,
	            "SYMBOLIC_LINK");
	e = lookup(full, n, "f00");
	expect_true("fd_readdir.type.file", e && e->type == __WASI_FILETYPE_REGULAR_FILE, "REGULAR_FILE");
	if (e && __wasi_path_filestat_get(ROOT_FD, 0, "rd/f00", &st) == 0)
		expect_u64("fd_readdir.ino", e->ino, st.ino);
	int missing = 0, dup = 0;
	for (i = 0; i < 20; i++) {
		snprintf(path, sizeof path, "f%02d%.*s", i, i, "abcdefghijklmnopqrstuvwxyz");
		int c = 0;
		for (int j = 0; j < n; j++) c += strcmp(full[j].name, path) == 0;
		missing += c == 0;
		dup += c > 1;
	}
	expect_u64("fd_readdir.all_names", (uint64_t)missing, 0);
	expect_u64("fd_readdir.no_duplicates", (uint64_t)dup, 0);

	/* Resuming from each entry's cookie yields exactly the entries after it. */
	int bad = 0;
	for (i = 0; i < n; i++) {
		int m = readdir_all(dir, 4096, full[i].next, part, MAXENT);
		int ok = m == n - i - 1;
		for (int j = 0; ok && j < m; j++) ok = strcmp(part[j].name, full[i + 1 + j].name) == 0;
		if (!ok) {
			if (!bad) failf("fd_readdir.cookie", "resume after entry %d (%s) gave %d entries", i,
			                full[i].name, m);
			bad++;
		}
	}
	if (!bad) pass("fd_readdir.cookie");

	/* Small buffers: a full buffer means "more"; following the cookies of
	 * the complete entries collects the same listing. */
	__wasi_size_t used = 0;
	expect_ok("fd_readdir.tiny", __wasi_fd_readdir(dir, buf, sizeof(__wasi_dirent_t) + 1, 0, &used));
	expect_u64("fd_readdir.tiny.full", used, sizeof(__wasi_dirent_t) + 1);
	if (used >= sizeof(__wasi_dirent_t)) {
		__wasi_dirent_t d;
		memcpy(&d, buf, sizeof d);
		expect_true("fd_readdir.tiny.namlen", d.d_namlen == strlen(full[0].name),
		            "the untruncated name length");
	}
	/* The longest name is 22 bytes: 46 is the smallest usable buffer. */
	for (size_t bs = 46; bs <= 78; bs += 16) {
		int m = readdir_all(dir, bs, 0, part, MAXENT);
		int ok = m == n;
		for (int j = 0; ok && j < m; j++) ok = strcmp(part[j].name, full[j].name) == 0;
		snprintf(name, sizeof name, "fd_readdir.small_buffer_%zu", bs);
		expect_true(name, ok, "the same listing as with a large buffer");
	}
	expect_ok("fd_readdir.zero_buffer", __wasi_fd_readdir(dir, buf, 0, 0, &used));
	expect_u64("fd_readdir.zero_buffer.used", used, 0);

	/* A cookie past the end: nothing (or an error), promptly. */
	__wasi_errno_t err = __wasi_fd_readdir(dir, buf, sizeof buf, 1ull << 40, &used);
	if (err == 0)
		expect_u64("fd_readdir.huge_cookie", used, 0);
	else
		passf("fd_readdir.huge_cookie (%s)", errno_name(err));

	/* Rewinding to cookie 0 sees changes. */
	expect_ok("fd_readdir.unlink", __wasi_path_unlink_file(ROOT_FD, "rd/f00"));
	n = readdir_all(dir, 4096, 0, full, MAXENT);
	expect_true("fd_readdir.rewind_sees_unlink", n == 23 && !lookup(full, n, "f00"),
	            "23 entries without f00");

	/* An empty directory has . and .. only. */
	__wasi_fd_t ed;
	if (expect_ok("fd_readdir.open_empty",
	              open_at(ROOT_FD, 0, "rd/empty", __WASI_OFLAGS_DIRECTORY, R_DIR_ALL, 0, &ed))) {
		n = readdir_all(ed, 4096, 0, part, MAXENT);
		expect_true("fd_readdir.empty", n == 2 && lookup(part, n, ".") && lookup(part, n, ".."),
		            ". and ..");
		__wasi_fd_close(ed);
	}
	if (expect_ok("fd_readdir.open_file", open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_ALL, 0, &f))) {
		err = __wasi_fd_readdir(f, buf, sizeof buf, 0, &used);
		if (err == __WASI_ERRNO_NOTDIR || err == __WASI_ERRNO_NOTCAPABLE || err == __WASI_ERRNO_BADF)
			passf("fd_readdir.file (%s)", errno_name(err));
		else
			failf("fd_readdir.file", "got errno %u (%s) want NOTDIR, NOTCAPABLE or BADF", err,
			      errno_name(err));
		__wasi_fd_close(f);
	}
	expect_errno("fd_readdir.badf", __wasi_fd_readdir(99, buf, sizeof buf, 0, &used),
	             __WASI_ERRNO_BADF);
	__wasi_fd_close(dir);
}

void g_fd_renumber(int argc, char **argv) {
	__wasi_fd_t a, b;
	__wasi_fdstat_t st, sta;
	__wasi_filesize_t pos;
	char buf[8];
	size_t n;

	expect_ok("fd_renumber.put_a", put_file(ROOT_FD, "ren_a", "A"));
	expect_ok("fd_renumber.put_b", put_file(ROOT_FD, "ren_b", "B"));
	if (!expect_ok("fd_renumber.open_a", open_at(ROOT_FD, 0, "ren_a", 0, R_FILE_ALL, 0, &a)) ||
	    !expect_ok("fd_renumber.open_b", open_at(ROOT_FD, 0, "ren_b", 0, R_FILE_RO, 0, &b)))
		return;
	expect_ok("fd_renumber.self", __wasi_fd_renumber(a, a));
	expect_ok("fd_renumber.self.still_open", __wasi_fd_fdstat_get(a, &sta));
	expect_errno("fd_renumber.onto_never_opened", __wasi_fd_renumber(a, 77), __WASI_ERRNO_BADF);
	expect_ok("fd_renumber.onto_never_opened.from_still_open", __wasi_fd_fdstat_get(a, &st));
	expect_errno("fd_renumber.onto_never_opened.not_created", __wasi_fd_fdstat_get(77, &st),
	             __WASI_ERRNO_BADF);
	expect_errno("fd_renumber.from_closed", __wasi_fd_renumber(99, b), __WASI_ERRNO_BADF);
	expect_ok("fd_renumber.from_closed.to_still_open", __wasi_fd_fdstat_get(b, &st));
	expect_errno("fd_renumber.huge", __wasi_fd_renumber(a, 0x7fffffff), __WASI_ERRNO_BADF);

	expect_ok("fd_renumber", __wasi_fd_renumber(a, b));
	expect_errno("fd_renumber.from_closed_after", __wasi_fd_fdstat_get(a, &st), __WASI_ERRNO_BADF);
	expect_ok("fd_renumber.to_fdstat", __wasi_fd_fdstat_get(b, &st));
	expect_u64("fd_renumber.to_has_from_rights", st.fs_rights_base, sta.fs_rights_base);
	expect_ok("fd_renumber.seek", __wasi_fd_seek(b, 0, __WASI_WHENCE_SET, &pos));
	expect_ok("fd_renumber.read", read_full(b, buf, sizeof buf, &n));
	expect_bytes("fd_renumber.to_is_from", buf, n, "A", 1);
	expect_errno("fd_renumber.onto_freed_slot", __wasi_fd_renumber(b, a), __WASI_ERRNO_BADF);
	__wasi_fd_close(b);
}

void g_fd_seek_tell(int argc, char **argv) {
	__wasi_fd_t fd, t;
	__wasi_filesize_t pos = 0;
	char c;
	size_t n;

	expect_ok("fd_seek.put", put_file(ROOT_FD, "seek.txt", "0123456789"));
	if (!expect_ok("fd_seek.open", open_at(ROOT_FD, 0, "seek.txt", 0, R_FILE_ALL, 0, &fd))) return;
	expect_ok("fd_tell.start", __wasi_fd_tell(fd, &pos));
	expect_u64("fd_tell.start.pos", pos, 0);
	expect_ok("fd_seek.set", __wasi_fd_seek(fd, 3, __WASI_WHENCE_SET, &pos));
	expect_u64("fd_seek.set.pos", pos, 3);
	expect_ok("fd_seek.cur", __wasi_fd_seek(fd, 2, __WASI_WHENCE_CUR, &pos));
	expect_u64("fd_seek.cur.pos", pos, 5);
	{
		__wasi_iovec_t iov = {(uint8_t *)&c, 1};
		__wasi_size_t got;
		expect_ok("fd_seek.read", __wasi_fd_read(fd, &iov, 1, &got));
		expect_bytes("fd_seek.read.data", &c, got, "5", 1);
	}
	expect_ok("fd_tell", __wasi_fd_tell(fd, &pos));
	expect_u64("fd_tell.pos", pos, 6);
	expect_ok("fd_seek.end", __wasi_fd_seek(fd, -1, __WASI_WHENCE_END, &pos));
	expect_u64("fd_seek.end.pos", pos, 9);
	expect_errno("fd_seek.negative", __wasi_fd_seek(fd, -20, __WASI_WHENCE_CUR, &pos),
	             __WASI_ERRNO_INVAL);
	expect_ok("fd_tell.after_failed_seek", __wasi_fd_tell(fd, &pos));
	expect_u64("fd_tell.after_failed_seek.pos", pos, 9);
	expect_errno("fd_seek.bad_whence", __wasi_fd_seek(fd, 0, 3, &pos), __WASI_ERRNO_INVAL);
	expect_ok("fd_seek.past_end", __wasi_fd_seek(fd, 100, __WASI_WHENCE_SET, &pos));
	expect_u64("fd_seek.past_end.pos", pos, 100);
	expect_ok("fd_seek.past_end.write", write_all(fd, "x", 1));
	expect_u64("fd_seek.past_end.size", fsize(fd), 101);
	(void)n;

	if (expect_ok("fd_seek.open_tell_only",
	              open_at(ROOT_FD, 0, "seek.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_TELL, 0,
	                      &t))) {
		expect_ok("fd_tell.tell_right", __wasi_fd_tell(t, &pos));
		expect_errno("fd_seek.without_right", __wasi_fd_seek(t, 5, __WASI_WHENCE_SET, &pos),
		             __WASI_ERRNO_NOTCAPABLE);
		__wasi_fd_close(t);
	}
	expect_errno("fd_seek.badf", __wasi_fd_seek(99, 0, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_BADF);
	expect_errno("fd_tell.badf", __wasi_fd_tell(99, &pos), __WASI_ERRNO_BADF);
	__wasi_fd_close(fd);
}

/* fd_dir_ops: file operations on a directory descriptor fail cleanly. */
void g_fd_dir_ops(int argc, char **argv) {
	uint8_t buf[16];
	__wasi_iovec_t iov = {buf, sizeof buf};
	__wasi_ciovec_t ciov = {buf, sizeof buf};
	__wasi_size_t n;
	__wasi_filesize_t pos;
	expect_dir_refuses("fd_dir_ops.read", __wasi_fd_read(ROOT_FD, &iov, 1, &n));
	expect_dir_refuses("fd_dir_ops.write", __wasi_fd_write(ROOT_FD, &ciov, 1, &n));
	expect_dir_refuses("fd_dir_ops.seek", __wasi_fd_seek(ROOT_FD, 0, __WASI_WHENCE_CUR, &pos));
	expect_dir_refuses("fd_dir_ops.tell", __wasi_fd_tell(ROOT_FD, &pos));
	expect_dir_refuses("fd_dir_ops.allocate", __wasi_fd_allocate(ROOT_FD, 0, 1));
	expect_dir_refuses("fd_dir_ops.set_size", __wasi_fd_filestat_set_size(ROOT_FD, 0));
}
