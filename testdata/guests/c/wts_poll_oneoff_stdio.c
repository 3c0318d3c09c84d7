/* Port of wasi-testsuite tests/rust/.../poll_oneoff_stdio.rs. */
#include "wts.h"

#define TIMEOUT 200000000ull /* 200 ms */
#define CLOCK_ID 0x012345678ull
#define STDIN_ID 0x876543210ull

static __wasi_subscription_t clock_sub(void) {
	__wasi_subscription_t s;
	memset(&s, 0, sizeof s);
	s.userdata = CLOCK_ID;
	s.u.tag = __WASI_EVENTTYPE_CLOCK;
	s.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
	s.u.u.clock.timeout = TIMEOUT;
	return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t t, __wasi_fd_t fd) {
	__wasi_subscription_t s;
	memset(&s, 0, sizeof s);
	s.userdata = ud;
	s.u.tag = t;
	if (t == __WASI_EVENTTYPE_FD_READ) s.u.u.fd_read.file_descriptor = fd;
	else s.u.u.fd_write.file_descriptor = fd;
	return s;
}

static void test_stdin_read(void) {
	__wasi_subscription_t in[2] = {clock_sub(), fd_sub(STDIN_ID, __WASI_EVENTTYPE_FD_READ, 0)};
	__wasi_event_t out[2];
	memset(out, 0, sizeof out);
	__wasi_size_t n = 0;
	if (!expect_ok("poll_oneoff(clock, stdin)", __wasi_poll_oneoff(in, out, 2, &n))) return;
	expect_true("stdin read should return at least 1 event", n >= 1, ">= 1 event");
	for (__wasi_size_t i = 0; i < n; i++) {
		if (out[i].type == __WASI_EVENTTYPE_CLOCK) {
			expect_ok("clock event error", out[i].error);
			expect_u64("the event.userdata should contain CLOCK_ID", out[i].userdata, CLOCK_ID);
		} else if (out[i].type == __WASI_EVENTTYPE_FD_READ) {
			expect_ok("fd_read event error", out[i].error);
			expect_u64("the event.userdata should contain STDIN_ID", out[i].userdata, STDIN_ID);
		} else {
			failf("event type", "unexpected event type %u", out[i].type);
		}
	}
}

static void test_stdout_stderr_write(void) {
	int pending[3] = {0, 1, 1}; /* userdata 1: stdout, 2: stderr */
	for (int round = 0; round < 10 && (pending[1] || pending[2]); round++) {
		__wasi_subscription_t in[3];
		size_t k = 0;
		for (int ud = 1; ud <= 2; ud++)
			if (pending[ud]) in[k++] = fd_sub((__wasi_userdata_t)ud, __WASI_EVENTTYPE_FD_WRITE, (__wasi_fd_t)ud);
		in[k++] = clock_sub();
		__wasi_event_t out[3];
		memset(out, 0, sizeof out);
		__wasi_size_t n = 0;
		if (!expect_ok("poll_oneoff(stdout, stderr, clock)", __wasi_poll_oneoff(in, out, k, &n))) return;
		for (__wasi_size_t i = 0; i < n; i++) {
			if (out[i].userdata == CLOCK_ID) {
				failf("stdout/stderr writable", "timed out with pending subs stdout=%d stderr=%d", pending[1], pending[2]);
				return;
			}
			if (out[i].userdata == 1 || out[i].userdata == 2) {
				if (!pending[out[i].userdata]) failf("event", "duplicate userdata %llu", (unsigned long long)out[i].userdata);
				pending[out[i].userdata] = 0;
				expect_u64("event type is FD_WRITE", out[i].type, __WASI_EVENTTYPE_FD_WRITE);
				expect_ok("fd_write event error", out[i].error);
			} else {
				failf("event", "unknown userdata %llu", (unsigned long long)out[i].userdata);
			}
		}
	}
	expect_true("stdout and stderr are writable", !pending[1] && !pending[2], "both");
}

int main(void) {
	test_stdin_read();
	test_stdout_stderr_write();
	return summary("poll_oneoff_stdio");
}
