/* Ports of the wasi-testsuite clock tests in tests/c/src (libc calls):
 * clock_getres-monotonic, clock_getres-realtime, clock_gettime-monotonic
 * (two reads strictly increase), clock_gettime-realtime. */
#include <time.h>
#include "wts.h"

int main(void) {
	struct timespec ts, ts1, ts2;
	expect_true("clock_getres(CLOCK_MONOTONIC)", clock_getres(CLOCK_MONOTONIC, &ts) == 0, "0");
	expect_true("clock_getres(CLOCK_REALTIME)", clock_getres(CLOCK_REALTIME, &ts) == 0, "0");
	expect_true("clock_gettime(CLOCK_MONOTONIC) 1", clock_gettime(CLOCK_MONOTONIC, &ts1) == 0, "0");
	expect_true("clock_gettime(CLOCK_MONOTONIC) 2", clock_gettime(CLOCK_MONOTONIC, &ts2) == 0, "0");
	if (ts1.tv_sec == ts2.tv_sec)
		expect_true("monotonic: strictly increasing nanoseconds", ts1.tv_nsec < ts2.tv_nsec, "ts1 < ts2");
	else
		expect_true("monotonic: increasing seconds", ts1.tv_sec < ts2.tv_sec, "ts1 < ts2");
	expect_true("clock_gettime(CLOCK_REALTIME)", clock_gettime(CLOCK_REALTIME, &ts) == 0, "0");
	return summary("c_clocks");
}
