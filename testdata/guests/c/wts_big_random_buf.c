/* Port of wasi-testsuite tests/rust/.../big_random_buf.rs. */
#include "wts.h"

int main(void) {
	uint8_t buf[1024];
	memset(buf, 0, sizeof buf);
	expect_ok("random_get 1024 bytes", __wasi_random_get(buf, 1024));
	int nonzero = 0;
	for (size_t i = 0; i < sizeof buf; i++) nonzero |= buf[i] != 0;
	expect_true("random_get returned not all zeros", nonzero, "a non-zero byte");
	return summary("big_random_buf");
}
