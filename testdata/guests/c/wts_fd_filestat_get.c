/* Port of wasi-testsuite tests/rust/src/bin/fd_filestat_get.rs (older
 * suite layout; also wasmtime's preview1_fd_filestat_get): fd_filestat_get
 * on stdin, stdout and stderr succeeds with size and times 0. */
#include "wts.h"

int main(void) {
	__wasi_filestat_t st[3];
	__wasi_errno_t e[3];
	/* All three calls come before any output, so that stdout is as the
	 * host set it up. */
	for (int fd = 0; fd < 3; fd++) e[fd] = __wasi_fd_filestat_get((__wasi_fd_t)fd, &st[fd]);
	char what[64];
	for (int fd = 0; fd < 3; fd++) {
		snprintf(what, sizeof what, "failed filestat %d", fd);
		if (!expect_ok(what, e[fd])) continue;
		snprintf(what, sizeof what, "stdio %d size should be 0", fd);
		expect_u64(what, st[fd].size, 0);
		snprintf(what, sizeof what, "stdio %d atim should be 0", fd);
		expect_u64(what, st[fd].atim, 0);
		snprintf(what, sizeof what, "stdio %d mtim should be 0", fd);
		expect_u64(what, st[fd].mtim, 0);
		snprintf(what, sizeof what, "stdio %d ctim should be 0", fd);
		expect_u64(what, st[fd].ctim, 0);
	}
	return summary("fd_filestat_get");
}
