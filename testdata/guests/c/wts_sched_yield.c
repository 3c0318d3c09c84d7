/* Port of wasi-testsuite tests/rust/.../sched_yield.rs. */
#include "wts.h"

int main(void) {
	expect_ok("sched_yield", __wasi_sched_yield());
	return summary("sched_yield");
}
