/*
 * writeloop — the guest of the trace benchmark: N times, opens one file
 * in the first preopen (creating it the first time), writes 16 bytes
 * at its start and closes it, with raw WASI calls (no libc buffering in between).
 * Usage: writeloop N. Exits 1 on the first error.
 */
#include <stdlib.h>
#include <wasi/api.h>

int main(int argc, char **argv) {
	long n = argc > 1 ? atol(argv[1]) : 1;
	static const char data[16] = "0123456789abcdef";
	__wasi_ciovec_t iov = {.buf = (const uint8_t *)data, .buf_len = sizeof data};
	for (long i = 0; i < n; i++) {
		__wasi_fd_t fd;
		if (__wasi_path_open(3, 0, "f", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0,
		                     &fd) != 0)
			return 1;
		__wasi_size_t nw;
		if (__wasi_fd_write(fd, &iov, 1, &nw) != 0 || nw != sizeof data)
			return 1;
		if (__wasi_fd_close(fd) != 0)
			return 1;
	}
	return 0;
}
