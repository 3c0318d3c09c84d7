/* Port of wasi-testsuite tests/rust/.../path_open_read_write.rs. */
#include "wts.h"

int main(int argc, char **argv) {
	__wasi_fd_t dir_fd = wts_scratch(argc, argv);
	const char *TEST_FILENAME = "file.cleanup";
	wts_create_file(dir_fd, TEST_FILENAME);
	uint8_t buffer[100], w1[50], w2[25];
	memset(w1, 1, sizeof w1);
	memset(w2, 2, sizeof w2);
	__wasi_iovec_t iov = {buffer, sizeof buffer};
	__wasi_ciovec_t c1 = {w1, sizeof w1}, c2 = {w2, sizeof w2};
	__wasi_size_t n;
	__wasi_fdstat_t st;
	__wasi_fd_t f;

	if (expect_ok("open file readonly", __wasi_path_open(dir_fd, 0, TEST_FILENAME, 0, __WASI_RIGHTS_FD_READ, 0, 0, &f))) {
		if (expect_ok("get fdstat readonly", __wasi_fd_fdstat_get(f, &st))) {
			expect_true("readonly has read right", (st.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0, "FD_READ");
			expect_u64("readonly does not have write right", st.fs_rights_base & __WASI_RIGHTS_FD_WRITE, 0);
		}
		if (expect_ok("reading readonly file", __wasi_fd_read(f, &iov, 1, &n))) expect_u64("readonly file is empty", n, 0);
		expect_errno_in("write to readonly fails", __wasi_fd_write(f, &c1, 1, &n), 3, __WASI_ERRNO_BADF,
		                __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_ACCES);
		expect_ok("close readonly", __wasi_fd_close(f));
	}
	if (expect_ok("open file writeonly", __wasi_path_open(dir_fd, 0, TEST_FILENAME, 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &f))) {
		if (expect_ok("get fdstat writeonly", __wasi_fd_fdstat_get(f, &st))) {
			expect_u64("writeonly does not have read right", st.fs_rights_base & __WASI_RIGHTS_FD_READ, 0);
			expect_true("writeonly has write right", (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0, "FD_WRITE");
		}
		expect_errno_in("read of writeonly fails", __wasi_fd_read(f, &iov, 1, &n), 3, __WASI_ERRNO_BADF,
		                __WASI_ERRNO_NOTCAPABLE, __WASI_ERRNO_ACCES);
		if (expect_ok("write to writeonly", __wasi_fd_write(f, &c1, 1, &n))) expect_u64("wrote 50", n, 50);
		expect_ok("close writeonly", __wasi_fd_close(f));
	}
	if (expect_ok("open file readwrite",
	              __wasi_path_open(dir_fd, 0, TEST_FILENAME, 0,
	                               __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_GET, 0, 0, &f))) {
		if (expect_ok("get fdstat readwrite", __wasi_fd_fdstat_get(f, &st))) {
			expect_true("readwrite has read right", (st.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0, "FD_READ");
			expect_true("readwrite has write right", (st.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0, "FD_WRITE");
		}
		if (expect_ok("reading readwrite file", __wasi_fd_read(f, &iov, 1, &n)))
			expect_u64("readwrite file contains contents from writeonly open", n, 50);
		if (expect_ok("write to readwrite", __wasi_fd_write(f, &c2, 1, &n))) expect_u64("wrote 25", n, 25);
		__wasi_filestat_t fst;
		if (expect_ok("get filestat readwrite", __wasi_fd_filestat_get(f, &fst)))
			expect_u64("total written is both write buffers", fst.size, 75);
		expect_ok("close readwrite", __wasi_fd_close(f));
	}
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, TEST_FILENAME));
	return summary("path_open_read_write");
}
