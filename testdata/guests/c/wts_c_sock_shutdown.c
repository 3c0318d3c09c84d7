/* Ports of wasi-testsuite tests/c/src/sock_shutdown-invalid_fd.c (fd 3,
 * nothing preopened: EBADF) and sock_shutdown-not_sock.c (stdout:
 * ENOTSOCK), through wasi-libc's shutdown(). */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include "wts.h"

int main(void) {
	/* errno is read before any output: stdio's isatty check sets it. */
	errno = 0;
	int r = shutdown(3, SHUT_RD), err = errno;
	expect_true("shutdown(3) fails", r != 0, "-1");
	expect_u64("shutdown(3): errno EBADF", (uint64_t)err, EBADF);
	errno = 0;
	r = shutdown(STDOUT_FILENO, SHUT_RD);
	err = errno;
	expect_true("shutdown(stdout) fails", r != 0, "-1");
	expect_u64("shutdown(stdout): errno ENOTSOCK", (uint64_t)err, ENOTSOCK);
	return summary("c_sock_shutdown");
}
