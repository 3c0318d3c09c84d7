/* Port of wasi-testsuite tests/rust/.../path_open_nonblock.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t dir_fd = wts_scratch(argc, argv), fd;
	expect_ok("opening the dir with FDFLAGS_NONBLOCK", __wasi_path_open(dir_fd, 0, ".", 0, 0, 0, __WASI_FDFLAGS_NONBLOCK, &fd));
	return summary("path_open_nonblock");
}
