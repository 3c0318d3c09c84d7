/* Ports of the wasi-testsuite clock tests in tests/c/src (libc calls):
 * clock_getres-monotonic, clock_getres-realtime, clock_gettime-monotonic
 * (two reads strictly increase), clock_gettime-realtime. The test is the
 * name the module runs under (argv[0] without ".wasm", the suite's file
 * name); under any other name it runs all four. */
#include <time.h>
#include "wts.h"

static void getres(clockid_t id, const char *what) {
	struct timespec ts;
	expect_true(what, clock_getres(id, &ts) == 0, "0");
}

static void gettime_monotonic(void) {
	struct timespec ts1, ts2;
	expect_true("clock_gettime(CLOCK_MONOTONIC) 1", clock_gettime(CLOCK_MONOTONIC, &ts1) == 0, "0");
	expect_true("clock_gettime(CLOCK_MONOTONIC) 2", clock_gettime(CLOCK_MONOTONIC, &ts2) == 0, "0");
	if (ts1.tv_sec == ts2.tv_sec)
		expect_true("monotonic: strictly increasing nanoseconds", ts1.tv_nsec < ts2.tv_nsec, "ts1 < ts2");
	else
		expect_true("monotonic: increasing seconds", ts1.tv_sec < ts2.tv_sec, "ts1 < ts2");
}

static void gettime_realtime(void) {
	struct timespec ts;
	expect_true("clock_gettime(CLOCK_REALTIME)", clock_gettime(CLOCK_REALTIME, &ts) == 0, "0");
}

int main(int argc, char **argv) {
	char t[64];
	wts_test_name(argc, argv, t, sizeof t);
	int all = strcmp(t, "clock_getres-monotonic") && strcmp(t, "clock_getres-realtime") &&
	          strcmp(t, "clock_gettime-monotonic") && strcmp(t, "clock_gettime-realtime");
	if (all || !strcmp(t, "clock_getres-monotonic")) getres(CLOCK_MONOTONIC, "clock_getres(CLOCK_MONOTONIC)");
	if (all || !strcmp(t, "clock_getres-realtime")) getres(CLOCK_REALTIME, "clock_getres(CLOCK_REALTIME)");
	if (all || !strcmp(t, "clock_gettime-monotonic")) gettime_monotonic();
	if (all || !strcmp(t, "clock_gettime-realtime")) gettime_realtime();
	return summary(all ? "c_clocks" : t);
}
