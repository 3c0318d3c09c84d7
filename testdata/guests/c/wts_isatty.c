/* Port of wasi-testsuite tests/rust/.../isatty.rs: a file opened with no
 * rights is not a tty (wasi-libc's isatty asks fd_fdstat_get). */
#include <unistd.h>
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "isatty_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	__wasi_fd_t fd;
	if (expect_ok("opening a file", __wasi_path_open(dir_fd, 0, "file", __WASI_OFLAGS_CREAT, 0, 0, 0, &fd))) {
		expect_true("file descriptor range check", fd > 2, "fd > 2");
		expect_u64("file is not a tty", (uint64_t)isatty((int)fd), 0);
		expect_ok("closing a file", __wasi_fd_close(fd));
	}
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "file"));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("isatty");
}
