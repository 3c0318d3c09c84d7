/*
 * wts.h — shared helpers of the wts_*.c guests: C ports of the tests of the
 * external WASI preview 1 conformance suite (WebAssembly/wasi-testsuite,
 * tests/rust, tests/c, tests/assemblyscript), run by hostabi/wts_test.go.
 *
 * The Rust tests panic on the first failed assertion; the ports print one
 * check.h line per assertion instead and end with a summary, so one run
 * shows every difference. The helpers mirror the suite's wasi_tests crate
 * (tests/rust/wasm32-wasip1/src/lib.rs):
 *
 *   wts_scratch      open_scratch_directory(argv[1]) when the test got an
 *                    argument (the suite's older "dirs" layout), otherwise
 *                    root_directory(): the preopen named "/" (the newer
 *                    "root" layout). Either way a fresh fd for "." of it.
 *   wts_tmp_dir      create_tmp_dir: mkdir + open with the suite's rights.
 *   wts_create_file  create_file: path_open(CREAT) with no rights, close.
 *
 * The suite runs without ERRNO_MODE_* set, so its assert_errno! accepts
 * any of the listed errnos (permissive mode); expect_errno_in does that.
 */
#ifndef WASIBOX_WTS_H
#define WASIBOX_WTS_H

#define CHECK_MAIN
#include "check.h"

/* expect_errno_in: got is one of the n errnos that follow. */
static inline int expect_errno_in(const char *name, __wasi_errno_t got, int n, ...) {
	va_list ap;
	char want[256];
	size_t used = 0;
	int ok = 0;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		__wasi_errno_t w = (__wasi_errno_t)va_arg(ap, int);
		if (w == got) ok = 1;
		int k = snprintf(want + used, sizeof want - used, "%s%s", i ? " or " : "", errno_name(w));
		if (k > 0 && (size_t)k < sizeof want - used) used += (size_t)k;
	}
	va_end(ap);
	if (ok) {
		passf("%s (%s)", name, errno_name(got));
		return 1;
	}
	failf(name, "got errno %u (%s) want %s", got, errno_name(got), want);
	return 0;
}

/* wts_find_preopen returns the first preopened directory named name, or -1. */
static inline int wts_find_preopen(const char *name) {
	for (__wasi_fd_t fd = 3;; fd++) {
		__wasi_prestat_t ps;
		if (__wasi_fd_prestat_get(fd, &ps) != 0) return -1;
		if (ps.tag != __WASI_PREOPENTYPE_DIR) continue;
		size_t n = ps.u.dir.pr_name_len;
		char buf[512];
		if (n >= sizeof buf) continue;
		if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, n) != 0) continue;
		if (n == strlen(name) && memcmp(buf, name, n) == 0) return (int)fd;
	}
}

static inline void wts_fd_get_rights(__wasi_fd_t fd, __wasi_rights_t *base, __wasi_rights_t *inherit) {
	__wasi_fdstat_t st;
	__wasi_errno_t e = __wasi_fd_fdstat_get(fd, &st);
	if (e) {
		failf("fd_get_rights", "fd_fdstat_get(%u): %s", fd, errno_name(e));
		*base = *inherit = 0;
		return;
	}
	*base = st.fs_rights_base;
	*inherit = st.fs_rights_inheriting;
}

/* wts_scratch opens the scratch directory (see the header comment); it ends
 * the guest with exit status 1 if there is none, as the Rust tests do. */
static inline __wasi_fd_t wts_scratch(int argc, char **argv) {
	const char *name = argc > 1 ? argv[1] : "/";
	int pre = wts_find_preopen(name);
	if (pre < 0) {
		fprintf(stderr, "failed to find scratch dir %s\n", name);
		failf("scratch", "no preopen named %s", name);
		exit(summary("scratch"));
	}
	__wasi_rights_t base, inherit;
	wts_fd_get_rights((__wasi_fd_t)pre, &base, &inherit);
	__wasi_fd_t fd;
	__wasi_errno_t e = __wasi_path_open((__wasi_fd_t)pre, 0, ".", __WASI_OFLAGS_DIRECTORY, base, inherit, 0, &fd);
	if (e) {
		failf("scratch", "failed to open dir: %s", errno_name(e));
		exit(summary("scratch"));
	}
	return fd;
}

/* The rights create_tmp_dir asks for (tests/rust/wasm32-wasip1/src/lib.rs). */
#define WTS_TMP_DIR_BASE                                                                          \
	(__WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_CREATE_FILE |  \
	 __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY |                  \
	 __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_UNLINK_FILE | __WASI_RIGHTS_PATH_LINK_SOURCE |  \
	 __WASI_RIGHTS_PATH_LINK_TARGET | __WASI_RIGHTS_PATH_READLINK |                               \
	 __WASI_RIGHTS_PATH_RENAME_SOURCE | __WASI_RIGHTS_PATH_RENAME_TARGET |                        \
	 __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE |                     \
	 __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES | __WASI_RIGHTS_PATH_SYMLINK)
#define WTS_TMP_DIR_INHERIT                                                                       \
	(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READDIR |                  \
	 __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_PATH_LINK_SOURCE |     \
	 __WASI_RIGHTS_PATH_LINK_TARGET | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_UNLINK_FILE |  \
	 __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC | \
	 __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE |                \
	 __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES)

/* wts_tmp_dir_rights is create_tmp_dir with explicit rights (some tests
 * carry their own copy with fewer rights). */
static inline __wasi_fd_t wts_tmp_dir_rights(__wasi_fd_t dir, const char *name, __wasi_rights_t base,
                                             __wasi_rights_t inherit) {
	__wasi_errno_t e = __wasi_path_create_directory(dir, name);
	if (e) {
		failf("create_tmp_dir", "failed to create dir %s: %s", name, errno_name(e));
		exit(summary("create_tmp_dir"));
	}
	__wasi_fd_t fd;
	e = __wasi_path_open(dir, 0, name, __WASI_OFLAGS_DIRECTORY, base, inherit, 0, &fd);
	if (e) {
		failf("create_tmp_dir", "failed to open dir %s: %s", name, errno_name(e));
		exit(summary("create_tmp_dir"));
	}
	return fd;
}

static inline __wasi_fd_t wts_tmp_dir(__wasi_fd_t dir, const char *name) {
	return wts_tmp_dir_rights(dir, name, WTS_TMP_DIR_BASE, WTS_TMP_DIR_INHERIT);
}

/* wts_create_file is create_file: path_open(CREAT) with no rights at all. */
static inline void wts_create_file(__wasi_fd_t dir, const char *name) {
	__wasi_fd_t fd;
	__wasi_errno_t e = __wasi_path_open(dir, 0, name, __WASI_OFLAGS_CREAT, 0, 0, 0, &fd);
	if (e) {
		failf("create_file", "creating a file %s: %s", name, errno_name(e));
		return;
	}
	expect_true("create_file: file descriptor range check", fd > 2, "fd > 2");
	e = __wasi_fd_close(fd);
	if (e) failf("create_file", "closing a file: %s", errno_name(e));
}

static inline void wts_drop_rights(__wasi_fd_t fd, __wasi_rights_t base, __wasi_rights_t inherit) {
	__wasi_rights_t b, i;
	wts_fd_get_rights(fd, &b, &i);
	expect_ok("dropping fd rights", __wasi_fd_fdstat_set_rights(fd, b & ~base, i & ~inherit));
}

/* wts_supports_rights: the host does not answer fd_fdstat_set_rights with
 * NOTSUP (the suite then skips rights checks). */
static inline int wts_supports_rights(__wasi_fd_t fd) {
	__wasi_rights_t b, i;
	wts_fd_get_rights(fd, &b, &i);
	return __wasi_fd_fdstat_set_rights(fd, b, i) != __WASI_ERRNO_NOTSUP;
}

/* wts_test_name writes the name a multi-test port runs under: argv[0]'s
 * last path element without ".wasm" (the suite's test file name, as
 * runtimes pass it). Too long a name becomes "" (no test). */
static inline void wts_test_name(int argc, char **argv, char *out, size_t size) {
	out[0] = 0;
	if (argc < 1 || argv[0] == NULL) return;
	const char *base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	size_t n = strlen(base);
	if (n >= 5 && strcmp(base + n - 5, ".wasm") == 0) n -= 5;
	if (n >= size) return;
	memcpy(out, base, n);
	out[n] = 0;
}

/* wts_fail_errno: a call the test expects to succeed, by name. */
#define WTS_OK(name, call) expect_ok((name), (call))

/* wts_want_err: a call the test expects to fail (expect_err) with any errno. */
#define WTS_ERR(name, call) expect_error((name), (call))

#endif
