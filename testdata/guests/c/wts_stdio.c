/* Port of wasi-testsuite tests/rust/.../stdio.rs: stdin, stdout and stderr
 * can each be renumbered onto a file descriptor, which closes them. The
 * results are printed at the end, on the descriptor stdout was moved to
 * (fd 1 itself is gone by then). */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "stdio_dir.cleanup", *TEST_FILENAME = "file.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	fflush(stdout);
	/* result[i]: errnos of open, renumber, fdstat(to), fdstat(from), unlink. */
	__wasi_errno_t r[3][5];
	__wasi_fd_t to[3];
	for (__wasi_fd_t from = 0; from < 3; from++) {
		__wasi_fdstat_t st;
		r[from][0] = __wasi_path_open(dir_fd, 0, TEST_FILENAME, __WASI_OFLAGS_CREAT, 0, 0, 0, &to[from]);
		r[from][1] = __wasi_fd_renumber(from, to[from]);
		r[from][2] = __wasi_fd_fdstat_get(to[from], &st);
		r[from][3] = __wasi_fd_fdstat_get(from, &st);
		r[from][4] = __wasi_path_unlink_file(dir_fd, TEST_FILENAME);
	}
	/* Report through what used to be stdout (now to[1]). */
	char out[2048];
	size_t used = 0;
	int fails = 0;
	for (int i = 0; i < 3; i++) {
		static const char *what[5] = {"open file", "renumbering stdio", "fd_fdstat_get(to)", "fd_fdstat_get(from) fails",
		                              "failed to remove file"};
		for (int k = 0; k < 5; k++) {
			int ok = k == 3 ? r[i][k] != 0 : r[i][k] == 0;
			fails += !ok;
			int m = snprintf(out + used, sizeof out - used, "%s stdio %d: %s (%s)\n", ok ? "ok" : "FAIL", i, what[k],
			                 errno_name(r[i][k]));
			if (m > 0 && (size_t)m < sizeof out - used) used += (size_t)m;
		}
	}
	int m = snprintf(out + used, sizeof out - used, "summary stdio ok=%d fail=%d\n", 15 - fails, fails);
	if (m > 0 && (size_t)m < sizeof out - used) used += (size_t)m;
	write_all(to[1], out, used);
	__wasi_fd_close(dir_fd);
	__wasi_path_remove_directory(base_dir_fd, DIR_NAME);
	return fails ? 1 : 0;
}
