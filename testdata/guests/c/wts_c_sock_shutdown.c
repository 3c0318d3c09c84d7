/* Ports of wasi-testsuite tests/c/src/sock_shutdown-invalid_fd.c (fd 3,
 * nothing preopened: EBADF) and sock_shutdown-not_sock.c (stdout:
 * ENOTSOCK), through wasi-libc's shutdown(). The test is the name the
 * module runs under (argv[0] without ".wasm", the suite's file name);
 * under any other name it runs both. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include "wts.h"

int main(int argc, char **argv) {
	char t[64];
	wts_test_name(argc, argv, t, sizeof t);
	int invalid = strcmp(t, "sock_shutdown-not_sock") != 0, notsock = strcmp(t, "sock_shutdown-invalid_fd") != 0;
	/* errno is read before any output: stdio's isatty check sets it. */
	int r1 = 0, err1 = 0, r2 = 0, err2 = 0;
	if (invalid) {
		errno = 0;
		r1 = shutdown(3, SHUT_RD);
		err1 = errno;
	}
	if (notsock) {
		errno = 0;
		r2 = shutdown(STDOUT_FILENO, SHUT_RD);
		err2 = errno;
	}
	if (invalid) {
		expect_true("shutdown(3) fails", r1 != 0, "-1");
		expect_u64("shutdown(3): errno EBADF", (uint64_t)err1, EBADF);
	}
	if (notsock) {
		expect_true("shutdown(stdout) fails", r2 != 0, "-1");
		expect_u64("shutdown(stdout): errno ENOTSOCK", (uint64_t)err2, ENOTSOCK);
	}
	return summary(invalid && notsock ? "c_sock_shutdown" : t);
}
