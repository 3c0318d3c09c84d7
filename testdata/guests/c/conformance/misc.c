/* misc.c — args, environ, clocks, random, sched_yield, proc_exit, sock_* on
 * non-sockets, and bad pointers. */
#include "groups.h"

/* The harness runs "conformance args" with these extra arguments. */
static const char *want_args[] = {"args", "hello world", "\xc3\xbcn\xc3\xaf", ""};
#define NWANT_ARGS (sizeof(want_args) / sizeof(want_args[0]))

/* Every run gets exactly this environment. */
static const char *want_env[] = {"WASIBOX_A=1", "WASIBOX_EMPTY=", "WASIBOX_EQ=a=b"};
#define NWANT_ENV (sizeof(want_env) / sizeof(want_env[0]))

/* check_strings checks an args_get/environ_get result. */
static void check_strings(const char *what, uint8_t **ptrs, const uint8_t *buf, size_t bufsize,
                          size_t n, const char *first, const char **want, size_t nwant) {
	char name[96];
	size_t i, total = 0;
	for (i = 0; i < n; i++) {
		const char *s = (const char *)ptrs[i];
		const char *w = first ? (i == 0 ? first : want[i - 1]) : want[i];
		snprintf(name, sizeof name, "%s.value[%zu]", what, i);
		if ((const uint8_t *)s < buf || (const uint8_t *)s >= buf + bufsize) {
			failf(name, "pointer %p outside the buffer", (void *)s);
			continue;
		}
		size_t max = bufsize - (size_t)((const uint8_t *)s - buf);
		size_t l = strnlen(s, max);
		if (l == max) {
			failf(name, "not NUL-terminated");
			continue;
		}
		total += l + 1;
		if (w) expect_bytes(name, s, l, w, strlen(w));
	}
	snprintf(name, sizeof name, "%s.buf_size", what);
	expect_u64(name, total, bufsize);
	(void)nwant;
}

void g_args(int argc, char **argv) {
	__wasi_size_t n = 0, size = 0;
	uint8_t *ptrs[16];
	uint8_t buf[256];
	size_t i;

	expect_ok("args_sizes_get", __wasi_args_sizes_get(&n, &size));
	expect_u64("args_sizes_get.count", n, NWANT_ARGS + 1);
	if (n > 16 || size > sizeof buf) {
		failf("args_sizes_get.bounds", "count %u size %u too large", n, size);
		return;
	}
	memset(buf, 0xAA, sizeof buf);
	expect_ok("args_get", __wasi_args_get(ptrs, buf));
	check_strings("args_get", ptrs, buf, size, n, argv[0], want_args, NWANT_ARGS);
	expect_u64("args_get.no_overrun", buf[size], 0xAA);

	/* wasi-libc's own view must agree. */
	expect_u64("argc", (uint64_t)argc, NWANT_ARGS + 1);
	for (i = 1; i < (size_t)argc && i <= NWANT_ARGS; i++) {
		char name[32];
		snprintf(name, sizeof name, "argv[%zu]", i);
		expect_bytes(name, argv[i], strlen(argv[i]), want_args[i - 1], strlen(want_args[i - 1]));
	}
}

void g_environ(int argc, char **argv) {
	__wasi_size_t n = 0, size = 0;
	uint8_t *ptrs[16];
	uint8_t buf[256];

	expect_ok("environ_sizes_get", __wasi_environ_sizes_get(&n, &size));
	expect_u64("environ_sizes_get.count", n, NWANT_ENV);
	if (n > 16 || size > sizeof buf) {
		failf("environ_sizes_get.bounds", "count %u size %u too large", n, size);
		return;
	}
	memset(buf, 0xAA, sizeof buf);
	expect_ok("environ_get", __wasi_environ_get(ptrs, buf));
	check_strings("environ_get", ptrs, buf, size, n, NULL, want_env, NWANT_ENV);
	expect_u64("environ_get.no_overrun", buf[size], 0xAA);
	expect_true("getenv", getenv("WASIBOX_EQ") && strcmp(getenv("WASIBOX_EQ"), "a=b") == 0,
	            "WASIBOX_EQ=a=b");
}

void g_clocks(int argc, char **argv) {
	__wasi_timestamp_t res, t1, t2;
	__wasi_errno_t e;

	e = __wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &res);
	expect_ok("clock_res_get.realtime", e);
	expect_true("clock_res_get.realtime.positive", e == 0 && res > 0 && res <= 1000000000ull,
	            "0 < res <= 1s");
	e = __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res);
	expect_ok("clock_res_get.monotonic", e);
	expect_true("clock_res_get.monotonic.positive", e == 0 && res > 0 && res <= 1000000000ull,
	            "0 < res <= 1s");

	e = __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t1);
	expect_ok("clock_time_get.realtime", e);
	/* 2020-01-01 .. 2100-01-01 */
	expect_true("clock_time_get.realtime.plausible",
	            t1 > 1577836800ull * 1000000000ull && t1 < 4102444800ull * 1000000000ull,
	            "a time between 2020 and 2100");

	expect_ok("clock_time_get.monotonic", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1));
	expect_ok("clock_time_get.monotonic.again",
	          __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t2));
	expect_true("clock_time_get.monotonic.nondecreasing", t2 >= t1, "t2 >= t1");

	/* The CPU-time clocks are optional; an implementation either serves
	 * them or refuses them cleanly. */
	static const struct {
		const char *name;
		__wasi_clockid_t id;
	} cpu[] = {{"process_cputime", __WASI_CLOCKID_PROCESS_CPUTIME_ID},
	           {"thread_cputime", __WASI_CLOCKID_THREAD_CPUTIME_ID}};
	for (size_t i = 0; i < 2; i++) {
		char name[64];
		e = __wasi_clock_time_get(cpu[i].id, 1, &t1);
		snprintf(name, sizeof name, "clock_time_get.%s", cpu[i].name);
		if (e == 0 || e == __WASI_ERRNO_INVAL || e == __WASI_ERRNO_NOTSUP || e == __WASI_ERRNO_BADF)
			passf("%s (%s)", name, errno_name(e));
		else
			failf(name, "got errno %u (%s) want SUCCESS, INVAL, NOTSUP or BADF", e, errno_name(e));
	}

	expect_errno("clock_res_get.unknown", __wasi_clock_res_get(99, &res), __WASI_ERRNO_INVAL);
	expect_errno("clock_time_get.unknown", __wasi_clock_time_get(99, 1, &t1), __WASI_ERRNO_INVAL);
}

void g_random_get(int argc, char **argv) {
	static uint8_t big[1 << 20];
	uint8_t a[64], b[64], zero[64];
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	memset(zero, 0, sizeof zero);

	expect_ok("random_get.empty", __wasi_random_get(a, 0));
	expect_ok("random_get.64", __wasi_random_get(a, sizeof a));
	expect_true("random_get.64.nonzero", memcmp(a, zero, sizeof a) != 0, "random bytes");
	expect_ok("random_get.64.again", __wasi_random_get(b, sizeof b));
	expect_true("random_get.64.differs", memcmp(a, b, sizeof a) != 0, "two different draws");

	/* A large buffer must be filled to its end, not only a first chunk. */
	expect_ok("random_get.1MiB", __wasi_random_get(big, sizeof big));
	expect_true("random_get.1MiB.tail", memcmp(big + sizeof big - 64, zero, 64) != 0,
	            "random bytes at the end of the buffer");
}

void g_sched_yield(int argc, char **argv) {
	expect_ok("sched_yield", __wasi_sched_yield());
	expect_ok("sched_yield.again", __wasi_sched_yield());
}

/* proc_exit <code>: the harness checks the exit code and that nothing
 * after the call ran. */
void g_proc_exit(int argc, char **argv) {
	int code = argc > 2 ? atoi(argv[2]) : 0;
	pass("proc_exit.before");
	fflush(stdout);
	__wasi_proc_exit((__wasi_exitcode_t)code);
}

static int is_notsock(__wasi_errno_t e) {
	return e == __WASI_ERRNO_NOTSOCK || e == __WASI_ERRNO_BADF || e == __WASI_ERRNO_NOTCAPABLE;
}

static void expect_notsock(const char *name, __wasi_errno_t e) {
	if (is_notsock(e))
		passf("%s (%s)", name, errno_name(e));
	else
		failf(name, "got errno %u (%s) want NOTSOCK, BADF or NOTCAPABLE", e, errno_name(e));
}

void g_sock(int argc, char **argv) {
	__wasi_fd_t f, fds[2];
	const char *names[2] = {"file", "dir"};
	uint8_t buf[16];
	__wasi_iovec_t iov = {buf, sizeof buf};
	__wasi_ciovec_t ciov = {buf, sizeof buf};
	__wasi_size_t n;
	__wasi_roflags_t ro;
	__wasi_fd_t nfd;
	char name[64];

	if (!expect_ok("sock.open_file", open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_ALL, 0, &f))) return;
	fds[0] = f;
	fds[1] = ROOT_FD;
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "sock_recv.%s", names[i]);
		expect_notsock(name, __wasi_sock_recv(fds[i], &iov, 1, 0, &n, &ro));
		snprintf(name, sizeof name, "sock_send.%s", names[i]);
		expect_notsock(name, __wasi_sock_send(fds[i], &ciov, 1, 0, &n));
		snprintf(name, sizeof name, "sock_shutdown.%s", names[i]);
		expect_notsock(name, __wasi_sock_shutdown(fds[i], __WASI_SDFLAGS_WR));
		snprintf(name, sizeof name, "sock_accept.%s", names[i]);
		expect_notsock(name, __wasi_sock_accept(fds[i], 0, &nfd));
	}
	expect_errno("sock_recv.badf", __wasi_sock_recv(99, &iov, 1, 0, &n, &ro), __WASI_ERRNO_BADF);
	expect_errno("sock_send.badf", __wasi_sock_send(99, &ciov, 1, 0, &n), __WASI_ERRNO_BADF);
	expect_errno("sock_shutdown.badf", __wasi_sock_shutdown(99, __WASI_SDFLAGS_RD), __WASI_ERRNO_BADF);
	expect_errno("sock_accept.badf", __wasi_sock_accept(99, 0, &nfd), __WASI_ERRNO_BADF);
	/* The file is still usable afterwards. */
	expect_ok("sock.file_still_readable", __wasi_fd_read(f, &iov, 1, &n));
	__wasi_fd_close(f);
}

/* An address far outside any plausible linear memory. */
#define BAD ((void *)0xfffffff0u)

void g_efault(int argc, char **argv) {
	static __wasi_ciovec_t many[2048];
	static char longpath[5000];
	__wasi_timestamp_t ts;
	__wasi_size_t n, sz;
	__wasi_fd_t fd;
	__wasi_errno_t e;
	uint8_t buf[16];

	expect_errno("efault.clock_time_get", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, BAD),
	             __WASI_ERRNO_FAULT);
	expect_errno("efault.args_sizes_get", __wasi_args_sizes_get(BAD, &sz), __WASI_ERRNO_FAULT);
	expect_errno("efault.args_get", __wasi_args_get(BAD, BAD), __WASI_ERRNO_FAULT);
	expect_errno("efault.environ_get", __wasi_environ_get(BAD, BAD), __WASI_ERRNO_FAULT);
	expect_errno("efault.random_get.ptr", __wasi_random_get(BAD, 16), __WASI_ERRNO_FAULT);
	expect_errno("efault.random_get.len", __wasi_random_get(buf, 0xfffffff0u), __WASI_ERRNO_FAULT);
	expect_errno("efault.fd_write.iovs", __wasi_fd_write(1, BAD, 1, &n), __WASI_ERRNO_FAULT);
	{
		__wasi_ciovec_t iov = {BAD, 16};
		expect_errno("efault.fd_write.buf", __wasi_fd_write(1, &iov, 1, &n), __WASI_ERRNO_FAULT);
		__wasi_ciovec_t iov2 = {buf, 0xfffffff0u};
		expect_errno("efault.fd_write.len", __wasi_fd_write(1, &iov2, 1, &n), __WASI_ERRNO_FAULT);
	}
	expect_errno("efault.fd_write.nwritten", __wasi_fd_write(1, many, 0, BAD), __WASI_ERRNO_FAULT);
	/* 0x20000000 iovecs of 8 bytes is exactly 2^32 bytes: a 32-bit size
	 * computation wraps to 0. */
	e = __wasi_fd_write(1, many, 0x20000000u, &n);
	expect_errno2("efault.fd_write.iovs_len_wraps", e, __WASI_ERRNO_FAULT, __WASI_ERRNO_INVAL);
	/* Up to 1024 iovecs are fine; more is over the cap (like writev's IOV_MAX). */
	memset(many, 0, sizeof many);
	expect_ok("iovs.1024_empty", __wasi_fd_write(1, many, 1024, &n));
	expect_errno("iovs.2048_over_cap", __wasi_fd_write(1, many, 2048, &n), __WASI_ERRNO_INVAL);

	if (expect_ok("efault.open", open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_ALL, 0, &fd))) {
		__wasi_iovec_t iov = {BAD, 16};
		expect_errno("efault.fd_read.buf", __wasi_fd_read(fd, &iov, 1, &n), __WASI_ERRNO_FAULT);
		expect_errno("efault.fd_pread.buf", __wasi_fd_pread(fd, &iov, 1, 0, &n), __WASI_ERRNO_FAULT);
		expect_errno("efault.fd_filestat_get", __wasi_fd_filestat_get(fd, BAD), __WASI_ERRNO_FAULT);
		expect_errno("efault.fd_fdstat_get", __wasi_fd_fdstat_get(fd, BAD), __WASI_ERRNO_FAULT);
		expect_errno("efault.fd_seek", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, BAD),
		             __WASI_ERRNO_FAULT);
		__wasi_fd_close(fd);
	}
	expect_errno("efault.fd_prestat_get", __wasi_fd_prestat_get(ROOT_FD, BAD), __WASI_ERRNO_FAULT);
	expect_errno("efault.fd_prestat_dir_name", __wasi_fd_prestat_dir_name(ROOT_FD, BAD, 1),
	             __WASI_ERRNO_FAULT);
	expect_errno("efault.fd_readdir", __wasi_fd_readdir(ROOT_FD, BAD, 128, 0, &n),
	             __WASI_ERRNO_FAULT);
	expect_errno("efault.path_filestat_get", __wasi_path_filestat_get(ROOT_FD, 0, "hello.txt", BAD),
	             __WASI_ERRNO_FAULT);
	expect_errno("efault.path_readlink", __wasi_path_readlink(ROOT_FD, "link_hello", BAD, 64, &n),
	             __WASI_ERRNO_FAULT);
	expect_errno("efault.path_open.path",
	             raw_path_open(ROOT_FD, 0, (int32_t)(uintptr_t)BAD, 8, 0, __WASI_RIGHTS_FD_READ, 0, 0,
	                           (int32_t)(uintptr_t)&fd),
	             __WASI_ERRNO_FAULT);
	e = raw_path_open(ROOT_FD, 0, (int32_t)(uintptr_t)longpath, 0x7fffffff, 0, __WASI_RIGHTS_FD_READ,
	                  0, 0, (int32_t)(uintptr_t)&fd);
	expect_errno2("efault.path_open.path_len", e, __WASI_ERRNO_FAULT, __WASI_ERRNO_NAMETOOLONG);
	memset(longpath, 'a', sizeof longpath);
	e = raw_path_open(ROOT_FD, 0, (int32_t)(uintptr_t)longpath, sizeof longpath, 0,
	                  __WASI_RIGHTS_FD_READ, 0, 0, (int32_t)(uintptr_t)&fd);
	expect_errno("path_open.path_over_4096", e, __WASI_ERRNO_NAMETOOLONG);
	expect_errno("efault.path_open.fd_out",
	             __wasi_path_open(ROOT_FD, 0, "hello.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, BAD),
	             __WASI_ERRNO_FAULT);
	{
		__wasi_event_t ev;
		expect_errno("efault.poll_oneoff.in", __wasi_poll_oneoff(BAD, &ev, 1, &n),
		             __WASI_ERRNO_FAULT);
		e = __wasi_poll_oneoff((const __wasi_subscription_t *)many, &ev, 0x10000000u, &n);
		expect_errno2("efault.poll_oneoff.nsubscriptions", e, __WASI_ERRNO_FAULT,
		              __WASI_ERRNO_INVAL);
	}
	(void)ts;
	/* The guest is still alive and the host still serves it. */
	expect_ok("efault.after", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &ts));
}
