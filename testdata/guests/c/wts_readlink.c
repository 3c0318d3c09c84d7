/* Port of wasi-testsuite tests/rust/.../readlink.rs: a short buffer gets
 * the first bytes of the target (truncation, no error). */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "readlink_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	wts_create_file(dir_fd, "target");
	expect_ok("creating a symlink", __wasi_path_symlink("target", dir_fd, "symlink"));
	uint8_t buf[10] = {0};
	__wasi_size_t used = 0;
	if (expect_ok("readlink should succeed", __wasi_path_readlink(dir_fd, "symlink", buf, sizeof buf, &used))) {
		expect_u64("should use 6 bytes of the buffer", used, 6);
		expect_bytes("buffer should contain 'target'", buf, 6, "target", 6);
		expect_bytes("the remaining bytes should be untouched", buf + 6, 4, "\0\0\0\0", 4);
	}
	uint8_t small[4] = {0};
	if (expect_ok("readlink with buffer smaller than link content", __wasi_path_readlink(dir_fd, "symlink", small, 4, &used))) {
		expect_u64("should use 4 bytes of the buffer", used, 4);
		expect_bytes("buffer should contain 'targ'", small, 4, "targ", 4);
	}
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "target"));
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "symlink"));
	expect_ok("close dir", __wasi_fd_close(dir_fd));
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("readlink");
}
