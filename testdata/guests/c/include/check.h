/*
 * check.h — tiny test harness for guests that make raw WASI calls.
 *
 * Every check prints one line on stdout:
 *     ok <name>
 *     FAIL <name>: got X want Y
 * and the guest ends with "summary <group> ok=N fail=M", exiting 1 if any
 * check failed. The Go tests (hostabi/e2e_test.go and friends) parse these lines.
 */
#ifndef WASIBOX_CHECK_H
#define WASIBOX_CHECK_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

/* The counters live in the file that defines CHECK_MAIN before including
 * this header; the other files of a multi-file guest share them. */
#ifdef CHECK_MAIN
int check_ok, check_fail;
#else
extern int check_ok, check_fail;
#endif

static inline const char *errno_name(unsigned e) {
	static const char *names[] = {
	    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN",
	    "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED",
	    "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST",
	    "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ", "INPROGRESS", "INTR", "INVAL",
	    "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK", "MSGSIZE", "MULTIHOP",
	    "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS", "NODEV",
	    "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC",
	    "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP",
	    "NOTTY", "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO",
	    "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
	    "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
	};
	if (e < sizeof(names) / sizeof(names[0])) return names[e];
	return "?";
}

static inline void pass(const char *name) {
	check_ok++;
	printf("ok %s\n", name);
}

static inline void passf(const char *fmt, ...) {
	va_list ap;
	check_ok++;
	fputs("ok ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static inline void failf(const char *name, const char *fmt, ...) {
	va_list ap;
	check_fail++;
	printf("FAIL %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* expect_errno: the call returned exactly want. */
static inline int expect_errno(const char *name, __wasi_errno_t got, __wasi_errno_t want) {
	if (got == want) {
		pass(name);
		return 1;
	}
	failf(name, "got errno %u (%s) want %u (%s)", got, errno_name(got), want, errno_name(want));
	return 0;
}

#define expect_ok(name, e) expect_errno((name), (e), __WASI_ERRNO_SUCCESS)

/* expect_errno2: the call returned a or b (both are defensible). */
static inline int expect_errno2(const char *name, __wasi_errno_t got, __wasi_errno_t a, __wasi_errno_t b) {
	if (got == a || got == b) {
		pass(name);
		return 1;
	}
	failf(name, "got errno %u (%s) want %s or %s", got, errno_name(got), errno_name(a),
	      errno_name(b));
	return 0;
}

/* expect_error: the call failed, with any errno. */
static inline int expect_error(const char *name, __wasi_errno_t got) {
	if (got != 0) {
		passf("%s (%s)", name, errno_name(got));
		return 1;
	}
	failf(name, "got success want an error");
	return 0;
}

static inline int expect_u64(const char *name, uint64_t got, uint64_t want) {
	if (got == want) {
		pass(name);
		return 1;
	}
	failf(name, "got %llu want %llu", (unsigned long long)got, (unsigned long long)want);
	return 0;
}

static inline int expect_true(const char *name, int cond, const char *what) {
	if (cond) {
		pass(name);
		return 1;
	}
	failf(name, "got false want %s", what);
	return 0;
}

static inline int expect_bytes(const char *name, const void *got, size_t gotlen, const void *want,
                        size_t wantlen) {
	if (gotlen == wantlen && memcmp(got, want, wantlen) == 0) {
		pass(name);
		return 1;
	}
	failf(name, "got %zu bytes \"%.*s\" want %zu bytes \"%.*s\"", gotlen, (int)gotlen,
	      (const char *)got, wantlen, (int)wantlen, (const char *)want);
	return 0;
}

static inline int summary(const char *group) {
	printf("summary %s ok=%d fail=%d\n", group, check_ok, check_fail);
	fflush(stdout);
	return check_fail ? 1 : 0;
}

/* Preopens set up by the Go harness: the test tree at "/" and its data/
 * subdirectory again at "/data". */
#define ROOT_FD 3
#define DATA_FD 4

/* Rights used when opening. */
#define R_FILE_ALL                                                                            \
	(__WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK |               \
	 __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_TELL |       \
	 __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE |            \
	 __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |                      \
	 __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_POLL_FD_READWRITE)
#define R_FILE_RO                                                                             \
	(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |                  \
	 __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_POLL_FD_READWRITE)
#define R_DIR_ALL                                                                             \
	(__WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_ADVISE |    \
	 __WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_CREATE_FILE |                    \
	 __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET | __WASI_RIGHTS_PATH_OPEN | \
	 __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_READLINK | __WASI_RIGHTS_PATH_RENAME_SOURCE | \
	 __WASI_RIGHTS_PATH_RENAME_TARGET | __WASI_RIGHTS_PATH_FILESTAT_GET |                      \
	 __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE | __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES |            \
	 __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES |                     \
	 __WASI_RIGHTS_PATH_SYMLINK | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY |                        \
	 __WASI_RIGHTS_PATH_UNLINK_FILE | __WASI_RIGHTS_POLL_FD_READWRITE)

/* Raw import with an explicit path length, for paths a C string cannot
 * express (embedded NUL, bad pointers, huge lengths). */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) int32_t
raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
              int64_t base, int64_t inheriting, int32_t fdflags, int32_t retfd);

/* open_at: path_open with the common arguments. */
static inline __wasi_errno_t open_at(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char *path,
                              __wasi_oflags_t of, __wasi_rights_t base, __wasi_fdflags_t ff,
                              __wasi_fd_t *fd) {
	__wasi_rights_t inherit = (of & __WASI_OFLAGS_DIRECTORY) ? (R_DIR_ALL | R_FILE_ALL) : 0;
	return __wasi_path_open(dir, lf, path, of, base, inherit, ff, fd);
}

static inline __wasi_errno_t write_all(__wasi_fd_t fd, const void *buf, size_t len) {
	const uint8_t *p = buf;
	while (len > 0) {
		__wasi_ciovec_t iov = {p, len};
		__wasi_size_t n;
		__wasi_errno_t e = __wasi_fd_write(fd, &iov, 1, &n);
		if (e) return e;
		if (n == 0) return __WASI_ERRNO_IO;
		p += n;
		len -= n;
	}
	return 0;
}

/* read_full reads until EOF or cap bytes; *got is the count. */
static inline __wasi_errno_t read_full(__wasi_fd_t fd, void *buf, size_t cap, size_t *got) {
	uint8_t *p = buf;
	*got = 0;
	while (*got < cap) {
		__wasi_iovec_t iov = {p + *got, cap - *got};
		__wasi_size_t n;
		__wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, &n);
		if (e) return e;
		if (n == 0) break;
		*got += n;
	}
	return 0;
}

/* put_file creates (or truncates) path under dir with the given contents. */
static inline __wasi_errno_t put_file(__wasi_fd_t dir, const char *path, const char *contents) {
	__wasi_fd_t fd;
	__wasi_errno_t e = open_at(dir, 0, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
	                           R_FILE_ALL, 0, &fd);
	if (e) return e;
	e = write_all(fd, contents, strlen(contents));
	__wasi_errno_t c = __wasi_fd_close(fd);
	return e ? e : c;
}

/* get_file reads a whole (small) file into buf, NUL-terminated. */
static inline __wasi_errno_t get_file(__wasi_fd_t dir, const char *path, char *buf, size_t cap) {
	__wasi_fd_t fd;
	size_t n = 0;
	__wasi_errno_t e = open_at(dir, 0, path, 0, __WASI_RIGHTS_FD_READ, 0, &fd);
	if (e) return e;
	e = read_full(fd, buf, cap - 1, &n);
	buf[n] = 0;
	__wasi_errno_t c = __wasi_fd_close(fd);
	return e ? e : c;
}

/* exists reports whether path names something (without following). */
static inline int exists(__wasi_fd_t dir, const char *path) {
	__wasi_filestat_t st;
	return __wasi_path_filestat_get(dir, 0, path, &st) == 0;
}

#endif
