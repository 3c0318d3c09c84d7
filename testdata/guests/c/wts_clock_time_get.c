/* Port of wasi-testsuite tests/rust/.../clock_time_get.rs. */
#include "wts.h"

int main(void) {
	__wasi_timestamp_t t;
	expect_ok("precision 1 should work", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t));
	__wasi_timestamp_t first = 0, second = 0;
	expect_ok("precision 0 should work", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &first));
	expect_ok("re-fetch time should work", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &second));
	expect_true("CLOCK_MONOTONIC should be monotonic", first <= second, "first <= second");
	return summary("clock_time_get");
}
