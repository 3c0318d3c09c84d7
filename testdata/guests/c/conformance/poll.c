/* poll.c — poll_oneoff, non-blocking stdin, reading stdin. */
#include "groups.h"

static __wasi_subscription_t clock_sub(uint64_t ud, __wasi_clockid_t id, uint64_t timeout,
                                       __wasi_subclockflags_t flags) {
	__wasi_subscription_t s;
	memset(&s, 0, sizeof s);
	s.userdata = ud;
	s.u.tag = __WASI_EVENTTYPE_CLOCK;
	s.u.u.clock.id = id;
	s.u.u.clock.timeout = timeout;
	s.u.u.clock.precision = 0;
	s.u.u.clock.flags = flags;
	return s;
}

static __wasi_subscription_t fd_sub(uint64_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
	__wasi_subscription_t s;
	memset(&s, 0, sizeof s);
	s.userdata = ud;
	s.u.tag = type;
	if (type == __WASI_EVENTTYPE_FD_READ)
		s.u.u.fd_read.file_descriptor = fd;
	else
		s.u.u.fd_write.file_descriptor = fd;
	return s;
}

/* find returns the event with userdata ud among out[0:n], or NULL. */
static const __wasi_event_t *find(const __wasi_event_t *out, __wasi_size_t n, uint64_t ud) {
	for (__wasi_size_t i = 0; i < n; i++)
		if (out[i].userdata == ud) return &out[i];
	return NULL;
}

static uint64_t now(void) {
	__wasi_timestamp_t t = 0;
	(void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
	return t;
}

#define MS 1000000ull
/* A guard timeout: long enough never to fire in a passing run, short
 * enough that a broken poll does not hang the test for long. */
#define GUARD (10000 * MS)

void g_poll_oneoff(int argc, char **argv) {
	__wasi_subscription_t in[4];
	__wasi_event_t out[4];
	__wasi_size_t n = 0;
	const __wasi_event_t *ev;
	__wasi_errno_t e;
	__wasi_fd_t f;

	/* A relative clock: fires, and not before its timeout. */
	in[0] = clock_sub(0x1234, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0);
	uint64_t t0 = now();
	e = __wasi_poll_oneoff(in, out, 1, &n);
	uint64_t elapsed = now() - t0;
	expect_ok("poll_oneoff.clock", e);
	expect_u64("poll_oneoff.clock.nevents", n, 1);
	expect_u64("poll_oneoff.clock.userdata", out[0].userdata, 0x1234);
	expect_u64("poll_oneoff.clock.type", out[0].type, __WASI_EVENTTYPE_CLOCK);
	expect_u64("poll_oneoff.clock.error", out[0].error, 0);
	expect_true("poll_oneoff.clock.waited", elapsed >= 20 * MS, "at least 20ms elapsed");

	/* Zero timeout and an absolute time in the past fire at once. */
	in[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 0, 0);
	e = __wasi_poll_oneoff(in, out, 1, &n);
	expect_true("poll_oneoff.clock.zero", e == 0 && n == 1 && out[0].userdata == 1, "one event");
	in[0] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 1, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
	e = __wasi_poll_oneoff(in, out, 1, &n);
	expect_true("poll_oneoff.clock.abstime_past", e == 0 && n == 1 && out[0].userdata == 2,
	            "one event");
	in[0] = clock_sub(3, __WASI_CLOCKID_MONOTONIC, now() + 5 * MS,
	                  __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
	e = __wasi_poll_oneoff(in, out, 1, &n);
	expect_true("poll_oneoff.clock.abstime_future", e == 0 && n == 1 && out[0].userdata == 3,
	            "one event");
	in[0] = clock_sub(4, __WASI_CLOCKID_REALTIME, 1 * MS, 0);
	e = __wasi_poll_oneoff(in, out, 1, &n);
	expect_true("poll_oneoff.clock.realtime", e == 0 && n == 1 && out[0].userdata == 4,
	            "one event");

	/* An unknown clock is an error, either of the call or of its event. */
	in[0] = clock_sub(5, 99, 1 * MS, 0);
	e = __wasi_poll_oneoff(in, out, 1, &n);
	if (e == __WASI_ERRNO_INVAL || (e == 0 && n == 1 && out[0].error == __WASI_ERRNO_INVAL))
		pass("poll_oneoff.clock.unknown");
	else
		failf("poll_oneoff.clock.unknown", "got errno %u n=%u event error %u want INVAL", e, n,
		      n ? out[0].error : 0);

	expect_errno("poll_oneoff.zero_subscriptions", __wasi_poll_oneoff(in, out, 0, &n),
	             __WASI_ERRNO_INVAL);

	/* stdout (a file or pipe with room) is writable at once. */
	in[0] = fd_sub(10, __WASI_EVENTTYPE_FD_WRITE, 1);
	in[1] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, GUARD, 0);
	e = __wasi_poll_oneoff(in, out, 2, &n);
	expect_ok("poll_oneoff.stdout", e);
	ev = find(out, n, 10);
	expect_true("poll_oneoff.stdout.writable",
	            ev && ev->type == __WASI_EVENTTYPE_FD_WRITE && ev->error == 0,
	            "an FD_WRITE event without error");
	expect_true("poll_oneoff.stdout.no_timeout", find(out, n, 11) == NULL, "no clock event");

	/* A regular file is always readable. */
	if (expect_ok("poll_oneoff.open", open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_ALL, 0, &f))) {
		in[0] = fd_sub(20, __WASI_EVENTTYPE_FD_READ, f);
		in[1] = fd_sub(21, __WASI_EVENTTYPE_FD_WRITE, f);
		in[2] = clock_sub(22, __WASI_CLOCKID_MONOTONIC, GUARD, 0);
		e = __wasi_poll_oneoff(in, out, 3, &n);
		expect_ok("poll_oneoff.file", e);
		ev = find(out, n, 20);
		expect_true("poll_oneoff.file.readable",
		            ev && ev->type == __WASI_EVENTTYPE_FD_READ && ev->error == 0,
		            "an FD_READ event without error");
		ev = find(out, n, 21);
		expect_true("poll_oneoff.file.writable",
		            ev && ev->type == __WASI_EVENTTYPE_FD_WRITE && ev->error == 0,
		            "an FD_WRITE event without error");
		expect_true("poll_oneoff.file.no_timeout", find(out, n, 22) == NULL, "no clock event");
		__wasi_fd_close(f);
	}

	/* A closed descriptor: the call fails with BADF, or reports it in the
	 * event (implementations differ; both are usable). */
	in[0] = fd_sub(30, __WASI_EVENTTYPE_FD_READ, 99);
	in[1] = clock_sub(31, __WASI_CLOCKID_MONOTONIC, GUARD, 0);
	e = __wasi_poll_oneoff(in, out, 2, &n);
	ev = e == 0 ? find(out, n, 30) : NULL;
	if (e == __WASI_ERRNO_BADF || (ev && ev->error == __WASI_ERRNO_BADF))
		passf("poll_oneoff.badf (%s)", e ? "call" : "event");
	else
		failf("poll_oneoff.badf", "got errno %u, event %s want BADF", e,
		      ev ? errno_name(ev->error) : "missing");
}

/* nonblock: the harness gives an empty pipe as stdin and keeps its write
 * end open, so a blocking read would wait forever. */
void g_nonblock(int argc, char **argv) {
	__wasi_fdstat_t st;
	__wasi_subscription_t in[2];
	__wasi_event_t out[2];
	__wasi_size_t n = 0;
	uint8_t buf[16];
	__wasi_iovec_t iov = {buf, sizeof buf};
	__wasi_errno_t e;

	expect_ok("nonblock.fdstat_get", __wasi_fd_fdstat_get(0, &st));
	expect_true("nonblock.initially_blocking", !(st.fs_flags & __WASI_FDFLAGS_NONBLOCK),
	            "NONBLOCK clear");
	expect_ok("nonblock.set_flags", __wasi_fd_fdstat_set_flags(0, __WASI_FDFLAGS_NONBLOCK));
	expect_ok("nonblock.fdstat_get.after", __wasi_fd_fdstat_get(0, &st));
	expect_true("nonblock.flag_visible", st.fs_flags & __WASI_FDFLAGS_NONBLOCK, "NONBLOCK set");
	expect_errno("nonblock.fd_read.eagain", __wasi_fd_read(0, &iov, 1, &n), __WASI_ERRNO_AGAIN);
	expect_errno("nonblock.fd_read.eagain_again", __wasi_fd_read(0, &iov, 1, &n),
	             __WASI_ERRNO_AGAIN);

	/* Polling the empty pipe times out on the clock. */
	in[0] = fd_sub(1, __WASI_EVENTTYPE_FD_READ, 0);
	in[1] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 10 * MS, 0);
	e = __wasi_poll_oneoff(in, out, 2, &n);
	expect_ok("nonblock.poll", e);
	expect_true("nonblock.poll.only_clock", e == 0 && n == 1 && out[0].userdata == 2,
	            "only the clock event");

	expect_ok("nonblock.clear", __wasi_fd_fdstat_set_flags(0, 0));
	expect_ok("nonblock.fdstat_get.cleared", __wasi_fd_fdstat_get(0, &st));
	expect_true("nonblock.flag_cleared", !(st.fs_flags & __WASI_FDFLAGS_NONBLOCK),
	            "NONBLOCK clear");

	/* NONBLOCK on a regular file is accepted and reads still work. */
	__wasi_fd_t f;
	if (expect_ok("nonblock.file.open",
	              open_at(ROOT_FD, 0, "hello.txt", 0, R_FILE_ALL, __WASI_FDFLAGS_NONBLOCK, &f))) {
		expect_ok("nonblock.file.fdstat_get", __wasi_fd_fdstat_get(f, &st));
		expect_true("nonblock.file.flag", st.fs_flags & __WASI_FDFLAGS_NONBLOCK, "NONBLOCK set");
		e = __wasi_fd_read(f, &iov, 1, &n);
		expect_ok("nonblock.file.read", e);
		expect_bytes("nonblock.file.data", buf, e ? 0 : n, "hello, world\n", 13);
		__wasi_fd_close(f);
	}
}

/* stdin: the harness pipes "line one\nline two\n" and closes the pipe. */
void g_stdin(int argc, char **argv) {
	char buf[64];
	size_t got = 0;
	__wasi_fdstat_t st;
	expect_ok("stdin.fdstat_get", __wasi_fd_fdstat_get(0, &st));
	expect_true("stdin.read_right", st.fs_rights_base & __WASI_RIGHTS_FD_READ, "FD_READ");
	expect_ok("stdin.read", read_full(0, buf, sizeof buf, &got));
	expect_bytes("stdin.data", buf, got, "line one\nline two\n", 18);
	__wasi_size_t n = 1;
	__wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
	expect_ok("stdin.eof", __wasi_fd_read(0, &iov, 1, &n));
	expect_u64("stdin.eof.n", n, 0);
}
