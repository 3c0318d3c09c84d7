/* Ports of the wasi-testsuite file tests in tests/c/src (plain wasi-libc):
 * fdopendir-with-access, fopen-with-access, lseek, pread-with-access,
 * pwrite-with-access, pwrite-with-append, stat-dev-ino, and the older
 * fopen-with-no-access. One module serves them all: the test is the name it
 * runs under (argv[0] without ".wasm", the suite's file name), with no
 * arguments, as in the suite. The originals name their files
 * "fs-tests.dir/..." in the older suite layout (the folder preopened under
 * that name) and "..." in the newer one (preopened at "/"); the port uses
 * the prefix of the layout it finds: "fs-tests.dir/" when a preopen has
 * that name. The tree: file, lseek.txt "01234567", pread.txt "pread-test",
 * fopendir.dir/{file-0,file-1}, writeable/. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "wts.h"

static char prefix[256];

static const char *p(const char *name) {
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s%s", prefix, name);
	return buf[k];
}

static void fdopendir_with_access(void) {
	int expected[2] = {0, 0};
	ino_t inodes[2] = {0, 0};
	int dfd = open(p("fopendir.dir"), O_RDONLY | O_DIRECTORY);
	if (!expect_true("open fopendir.dir", dfd != -1, "an fd")) return;
	DIR *d = fdopendir(dfd);
	if (!expect_true("fdopendir", d != NULL, "a DIR")) return;
	struct dirent *dp;
	while ((dp = readdir(d)) != NULL) {
		if (dp->d_name[0] == '.') continue;
		if (strncmp(dp->d_name, "file-0", 6) == 0) {
			expected[0] = 1;
			inodes[0] = dp->d_ino;
		} else if (strncmp(dp->d_name, "file-1", 6) == 0) {
			expected[1] = 1;
			inodes[1] = dp->d_ino;
		} else {
			failf("readdir", "unexpected file %s", dp->d_name);
		}
		struct stat st;
		if (expect_true("fstatat", fstatat(dfd, dp->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0, "0"))
			expect_u64("d_ino matches fstatat's st_ino", st.st_ino, dp->d_ino);
	}
	closedir(d);
	expect_true("saw file-0", expected[0], "file-0");
	expect_true("saw file-1", expected[1], "file-1");
	expect_true("distinct inodes", inodes[0] != inodes[1], "different d_ino");
}

static void fopen_with_access(void) {
	FILE *f = fopen(p("file"), "r");
	if (expect_true("fopen file", f != NULL, "a FILE")) expect_true("fclose", fclose(f) == 0, "0");
}

static void fopen_with_no_access(void) {
	FILE *f = fopen("fs-tests.dir/file", "r");
	int err = errno; /* before any output: stdio's isatty check sets errno */
	expect_true("fopen without a preopen fails", f == NULL, "NULL");
	expect_u64("errno is ENOTCAPABLE", (uint64_t)err, ENOTCAPABLE);
}

static void lseek_test(void) {
	char buf[4];
	FILE *file = fopen(p("lseek.txt"), "r");
	if (!expect_true("fopen lseek.txt", file != NULL, "a FILE")) return;
	int fd = fileno(file);
	expect_u64("fread 4", fread(&buf, 1, 4, file), 4);
	fflush(file);
	expect_u64("lseek(CUR) after 4", (uint64_t)lseek(fd, 0, SEEK_CUR), 4);
	expect_u64("fread 1", fread(&buf, 1, 1, file), 1);
	fflush(file);
	expect_u64("lseek(CUR) after 5", (uint64_t)lseek(fd, 0, SEEK_CUR), 5);
	expect_u64("the fifth byte is '4'", (uint64_t)buf[0], '4');
	expect_u64("lseek(SET)", (uint64_t)lseek(fd, 0, SEEK_SET), 0);
	expect_u64("lseek(END)", (uint64_t)lseek(fd, 0, SEEK_END), 8);
	fclose(file);
}

static void pread_with_access(void) {
	const char *expected = "d-t";
	int expected_len = (int)strlen(expected), offset = 0;
	char read_buf[16];
	int fd = open(p("pread.txt"), O_RDONLY);
	if (!expect_true("open pread.txt", fd > 0, "fd > 0")) return;
	for (int guard = 0; offset < expected_len && guard < 16; guard++) {
		ssize_t ret = pread(fd, read_buf + offset, (size_t)(expected_len - offset), 4 + offset);
		if (!expect_true("pread", ret > 0, "> 0")) break;
		offset += (int)ret;
	}
	expect_bytes("pread at 4", read_buf, (size_t)offset, expected, (size_t)expected_len);
	expect_true("close", close(fd) == 0, "0");
}

static int pwrite_full(int fd, const char *content, int len, int offset) {
	int written = 0;
	for (int guard = 0; written < len && guard < 16; guard++) {
		ssize_t ret = pwrite(fd, content + written, (size_t)(len - written), offset + written);
		if (!expect_true("pwrite", ret > 0, "> 0")) break;
		written += (int)ret;
	}
	return written;
}

static void pwrite_with_access(void) {
	const char *test_file = p("writeable/test_pwrite_pread.txt.cleanup");
	const char *full = "very long text";
	int full_len = (int)strlen(full);
	char read_buf[16];
	expect_true("the test file does not exist yet", access(test_file, F_OK) != 0, "access fails");
	int fd = open(test_file, O_WRONLY | O_CREAT);
	if (!expect_true("open O_WRONLY|O_CREAT", fd > 0, "fd > 0")) return;
	expect_u64("pwrite_full at 0", (uint64_t)pwrite_full(fd, full, full_len, 0), (uint64_t)full_len);
	expect_u64("pwrite_full at 3", (uint64_t)pwrite_full(fd, "test", 4, 3), 4);
	expect_true("close", close(fd) == 0, "0");
	fd = open(test_file, O_RDONLY);
	if (!expect_true("open O_RDONLY", fd > 0, "fd > 0")) return;
	int got = 0;
	ssize_t ret = 0;
	for (int guard = 0; got < full_len && guard < 16; guard++) {
		ret = read(fd, read_buf + got, sizeof read_buf - (size_t)got);
		if (!expect_true("read", ret > 0, "> 0")) break;
		got += (int)ret;
	}
	expect_u64("one read returned everything", (uint64_t)ret, (uint64_t)full_len);
	expect_bytes("contents", read_buf, (size_t)got, "vertestng text", (size_t)full_len);
	expect_true("close", close(fd) == 0, "0");
	expect_true("remove", remove(test_file) == 0, "0");
}

static void pwrite_with_append(void) {
	char buf[4] = {0};
	int fd = open(p("pwrite.cleanup"), O_CREAT | O_TRUNC | O_WRONLY | O_APPEND);
	if (!expect_true("open O_APPEND", fd != -1, "an fd")) return;
	expect_u64("write 2", (uint64_t)write(fd, buf, 2), 2);
	expect_u64("lseek(SET)", (uint64_t)lseek(fd, 0, SEEK_SET), 0);
	expect_u64("write 2", (uint64_t)write(fd, buf, 2), 2);
	expect_u64("O_APPEND wrote at the end", (uint64_t)lseek(fd, 0, SEEK_CUR), 4);
	expect_u64("pwrite 3 at 0", (uint64_t)pwrite(fd, buf, 3, 0), 3);
	expect_u64("pwrite does not move the offset", (uint64_t)lseek(fd, 0, SEEK_CUR), 4);
	off_t end = lseek(fd, 0, SEEK_END);
	expect_true("size after pwrite is 4 (POSIX) or 7 (Linux)", end == 4 || end == 7, "4 or 7");
	close(fd);
}

static void stat_dev_ino(void) {
	int a = open(p("file"), O_RDONLY), b = open(p("lseek.txt"), O_RDONLY);
	expect_true("open file", a != -1, "an fd");
	expect_true("open lseek.txt", b != -1, "an fd");
	struct stat as, bs;
	expect_true("fstat a", fstat(a, &as) == 0, "0");
	expect_true("fstat b", fstat(b, &bs) == 0, "0");
	expect_u64("same st_dev", as.st_dev, bs.st_dev);
	expect_true("different st_ino", as.st_ino != bs.st_ino, "different");
}

int main(int argc, char **argv) {
	char test[64];
	wts_test_name(argc, argv, test, sizeof test);
	if (wts_find_preopen("fs-tests.dir") >= 0) snprintf(prefix, sizeof prefix, "fs-tests.dir/");
	if (strcmp(test, "fdopendir-with-access") == 0) fdopendir_with_access();
	else if (strcmp(test, "fopen-with-access") == 0) fopen_with_access();
	else if (strcmp(test, "fopen-with-no-access") == 0) fopen_with_no_access();
	else if (strcmp(test, "lseek") == 0) lseek_test();
	else if (strcmp(test, "pread-with-access") == 0) pread_with_access();
	else if (strcmp(test, "pwrite-with-access") == 0) pwrite_with_access();
	else if (strcmp(test, "pwrite-with-append") == 0) pwrite_with_append();
	else if (strcmp(test, "stat-dev-ino") == 0) stat_dev_ino();
	else {
		fprintf(stderr, "unknown test %s\n", test);
		return 2;
	}
	return summary(test);
}
