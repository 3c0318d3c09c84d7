/* Port of wasi-testsuite tests/rust/.../fd_readdir.rs: "." and "..",
 * d_ino, cookies, and 1000 entries read through a 256-byte buffer. */
#include "wts.h"

#define BUF_LEN 256
#define MAX_ENTRIES 64

typedef struct {
	__wasi_dirent_t d;
	char name[BUF_LEN];
} entry;

/* readdir_once is exec_fd_readdir: the complete entries of one call, and
 * whether the buffer was not filled (EOF). */
static int readdir_once(__wasi_fd_t fd, __wasi_dircookie_t cookie, entry *out, int *count) {
	uint8_t buf[BUF_LEN];
	__wasi_size_t used = 0;
	*count = 0;
	if (!expect_ok("fd_readdir", __wasi_fd_readdir(fd, buf, BUF_LEN, cookie, &used))) return 1;
	if (used > BUF_LEN) failf("fd_readdir", "bufused %u > %u", used, BUF_LEN);
	size_t off = 0;
	while (used - off >= sizeof(__wasi_dirent_t) && *count < MAX_ENTRIES) {
		__wasi_dirent_t d;
		memcpy(&d, buf + off, sizeof d);
		if (used - off < sizeof d + d.d_namlen) break;
		out[*count].d = d;
		memcpy(out[*count].name, buf + off + sizeof d, d.d_namlen);
		out[*count].name[d.d_namlen] = 0;
		(*count)++;
		off += sizeof d + d.d_namlen;
	}
	return used < BUF_LEN;
}

static int by_name(const void *a, const void *b) { return strcmp(((const entry *)a)->name, ((const entry *)b)->name); }

static void test_fd_readdir(__wasi_fd_t dir_fd) {
	entry e[MAX_ENTRIES];
	int n;
	__wasi_filestat_t st;
	expect_ok("failed filestat", __wasi_fd_filestat_get(dir_fd, &st));

	int eof = readdir_once(dir_fd, 0, e, &n);
	expect_true("empty dir: read the entire directory", eof, "eof");
	qsort(e, (size_t)n, sizeof e[0], by_name);
	if (expect_u64("expected two entries in an empty directory", (uint64_t)n, 2)) {
		expect_bytes("first name", e[0].name, strlen(e[0].name), ".", 1);
		expect_u64("first type", e[0].d.d_type, __WASI_FILETYPE_DIRECTORY);
		expect_u64("first d_ino is the directory's ino", e[0].d.d_ino, st.ino);
		expect_u64("first d_namlen", e[0].d.d_namlen, 1);
		expect_bytes("second name", e[1].name, strlen(e[1].name), "..", 2);
		expect_u64("second type", e[1].d.d_type, __WASI_FILETYPE_DIRECTORY);
	}

	__wasi_fd_t file_fd;
	if (expect_ok("failed to create file",
	              __wasi_path_open(dir_fd, 0, "file", __WASI_OFLAGS_CREAT,
	                               __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READDIR |
	                                   __WASI_RIGHTS_FD_FILESTAT_GET,
	                               0, 0, &file_fd))) {
		expect_true("file descriptor range check", file_fd > 2, "fd > 2");
		expect_ok("failed filestat", __wasi_fd_filestat_get(file_fd, &st));
		expect_ok("closing a file", __wasi_fd_close(file_fd));
	}

	eof = readdir_once(dir_fd, 0, e, &n);
	expect_true("three entries: read the entire directory", eof, "eof");
	if (expect_u64("expected three entries", (uint64_t)n, 3)) {
		__wasi_dircookie_t lastfile_cookie = e[1].d.d_next;
		char lastfile_name[BUF_LEN];
		strcpy(lastfile_name, e[2].name);
		qsort(e, (size_t)n, sizeof e[0], by_name);
		expect_bytes("first name", e[0].name, strlen(e[0].name), ".", 1);
		expect_bytes("second name", e[1].name, strlen(e[1].name), "..", 2);
		expect_bytes("file name", e[2].name, strlen(e[2].name), "file", 4);
		expect_u64("type for the real file", e[2].d.d_type, __WASI_FILETYPE_REGULAR_FILE);
		expect_u64("d_ino of the file", e[2].d.d_ino, st.ino);

		eof = readdir_once(dir_fd, lastfile_cookie, e, &n);
		expect_true("from the cookie: read the entire directory", eof, "eof");
		if (expect_u64("expected one entry", (uint64_t)n, 1))
			expect_bytes("name of the only entry", e[0].name, strlen(e[0].name), lastfile_name, strlen(lastfile_name));
	}
	expect_ok("removing a file", __wasi_path_unlink_file(dir_fd, "file"));
}

static void test_fd_readdir_lots(__wasi_fd_t dir_fd) {
	char name[32];
	int created = 0;
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "file.%d", i);
		__wasi_fd_t fd;
		__wasi_errno_t err = __wasi_path_open(dir_fd, 0, name, __WASI_OFLAGS_CREAT,
		                                      __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE |
		                                          __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_FILESTAT_GET,
		                                      0, 0, &fd);
		if (err) {
			failf("failed to create file", "%s: %s", name, errno_name(err));
			break;
		}
		__wasi_fd_close(fd);
		created++;
	}
	expect_u64("created 1000 files", (uint64_t)created, 1000);
	entry e[MAX_ENTRIES];
	int n, total = 0, calls = 0;
	__wasi_dircookie_t cookie = 0;
	for (;;) {
		int eof = readdir_once(dir_fd, cookie, e, &n);
		total += n;
		if (eof || n == 0 || ++calls > 5000) break;
		cookie = e[n - 1].d.d_next;
	}
	expect_u64("expected 1000 entries plus . and ..", (uint64_t)total, 1002);
	for (int i = 0; i < created; i++) {
		snprintf(name, sizeof name, "file.%d", i);
		__wasi_errno_t err = __wasi_path_unlink_file(dir_fd, name);
		if (err) {
			failf("removing a file", "%s: %s", name, errno_name(err));
			break;
		}
	}
}

int main(int argc, char **argv) {
	__wasi_fd_t base_dir_fd = wts_scratch(argc, argv);
	const char *DIR_NAME = "fd_readdir_dir.cleanup";
	__wasi_fd_t dir_fd = wts_tmp_dir(base_dir_fd, DIR_NAME);
	test_fd_readdir(dir_fd);
	test_fd_readdir_lots(dir_fd);
	expect_ok("failed to remove dir", __wasi_path_remove_directory(base_dir_fd, DIR_NAME));
	return summary("fd_readdir");
}
