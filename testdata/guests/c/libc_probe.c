/*
 * libc_probe — an ordinary C program on plain wasi-libc (no raw calls):
 * stdio, dirent, stat, time, getenv, the emulated working directory.
 * Usage: libc_probe stdio|dirent|stat|time|env|cwd|all. Runs in the
 * conformance fixture (see conformance/groups.h), "/" and "/data" mounted.
 */
#define CHECK_MAIN
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static void t_stdio(void) {
	char line[64];
	FILE *f = fopen("/stdio.txt", "w");
	if (!expect_true("stdio.fopen_w", f != NULL, "a FILE")) return;
	fprintf(f, "first %d\n", 1);
	fputs("second\n", f);
	expect_u64("stdio.fclose_w", (uint64_t)fclose(f), 0);

	f = fopen("/stdio.txt", "a");
	if (expect_true("stdio.fopen_a", f != NULL, "a FILE")) {
		fputs("third\n", f);
		fclose(f);
	}
	f = fopen("/stdio.txt", "r");
	if (!expect_true("stdio.fopen_r", f != NULL, "a FILE")) return;
	expect_true("stdio.fgets1", fgets(line, sizeof line, f) && strcmp(line, "first 1\n") == 0,
	            "first 1");
	expect_true("stdio.fgets2", fgets(line, sizeof line, f) && strcmp(line, "second\n") == 0,
	            "second");
	expect_true("stdio.fgets3", fgets(line, sizeof line, f) && strcmp(line, "third\n") == 0,
	            "third (appended)");
	expect_true("stdio.eof", fgets(line, sizeof line, f) == NULL && feof(f), "EOF");
	expect_u64("stdio.fseek", (uint64_t)fseek(f, 6, SEEK_SET), 0);
	expect_u64("stdio.ftell", (uint64_t)ftell(f), 6);
	expect_true("stdio.after_seek", fgets(line, sizeof line, f) && strcmp(line, "1\n") == 0, "1");
	fclose(f);

	expect_u64("stdio.rename", (uint64_t)rename("/stdio.txt", "/data/stdio2.txt"), 0);
	expect_true("stdio.renamed_via_root", access("/data/stdio2.txt", F_OK) == 0, "present");
	expect_u64("stdio.remove", (uint64_t)remove("/data/stdio2.txt"), 0);
	errno = 0;
	f = fopen("/missing.txt", "r");
	expect_true("stdio.fopen_missing", f == NULL && errno == ENOENT, "NULL with ENOENT");
	f = fopen("/data/in.txt", "r");
	expect_true("stdio.data_preopen",
	            f && fgets(line, sizeof line, f) && strcmp(line, "data file\n") == 0, "data file");
	if (f) fclose(f);
	fprintf(stderr, "libc_probe: a line on stderr\n");
}

static void t_dirent(void) {
	DIR *d = opendir("/dir");
	int one = 0, sub = 0, dots = 0, other = 0;
	struct dirent *e;
	if (!expect_true("dirent.opendir", d != NULL, "a DIR")) return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, "one.txt") == 0)
			one += e->d_type == DT_REG;
		else if (strcmp(e->d_name, "sub") == 0)
			sub += e->d_type == DT_DIR;
		else if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			dots++;
		else
			other++;
	}
	closedir(d);
	expect_u64("dirent.one.txt", (uint64_t)one, 1);
	expect_u64("dirent.sub", (uint64_t)sub, 1);
	expect_u64("dirent.no_others", (uint64_t)other, 0);
	expect_u64("dirent.mkdir", (uint64_t)mkdir("/newd", 0755), 0);
	for (int i = 0; i < 50; i++) {
		char p[32];
		snprintf(p, sizeof p, "/newd/file%02d", i);
		FILE *f = fopen(p, "w");
		if (f) fclose(f);
	}
	d = opendir("/newd");
	int n = 0;
	while (d && (e = readdir(d)) != NULL) n += strncmp(e->d_name, "file", 4) == 0;
	if (d) closedir(d);
	expect_u64("dirent.50_files", (uint64_t)n, 50);
	errno = 0;
	expect_true("dirent.opendir_file", opendir("/hello.txt") == NULL && errno == ENOTDIR,
	            "NULL with ENOTDIR");
	errno = 0;
	expect_true("dirent.rmdir_nonempty", rmdir("/newd") != 0 && errno == ENOTEMPTY, "ENOTEMPTY");
}

static void t_stat(void) {
	struct stat st;
	expect_u64("stat.file", (uint64_t)stat("/hello.txt", &st), 0);
	expect_true("stat.file.reg", S_ISREG(st.st_mode), "S_ISREG");
	expect_u64("stat.file.size", (uint64_t)st.st_size, 13);
	expect_u64("stat.dir", (uint64_t)stat("/dir", &st), 0);
	expect_true("stat.dir.isdir", S_ISDIR(st.st_mode), "S_ISDIR");
	expect_u64("lstat.link", (uint64_t)lstat("/link_hello", &st), 0);
	expect_true("lstat.link.islnk", S_ISLNK(st.st_mode), "S_ISLNK");
	expect_u64("stat.link", (uint64_t)stat("/link_hello", &st), 0);
	expect_u64("stat.link.size", (uint64_t)st.st_size, 13);
	errno = 0;
	expect_true("stat.missing", stat("/missing", &st) != 0 && errno == ENOENT, "ENOENT");
	int fd = open("/hello.txt", O_RDONLY);
	expect_true("fstat.open", fd >= 0, "a descriptor");
	expect_u64("fstat", (uint64_t)fstat(fd, &st), 0);
	expect_u64("fstat.size", (uint64_t)st.st_size, 13);
	close(fd);
	char buf[32];
	ssize_t n = readlink("/link_hello", buf, sizeof buf);
	expect_bytes("readlink", buf, n < 0 ? 0 : (size_t)n, "hello.txt", 9);
}

static void t_time(void) {
	struct timespec a, b, r;
	time_t now = time(NULL);
	expect_true("time", now > 1577836800 && now < 4102444800, "between 2020 and 2100");
	expect_u64("clock_gettime.realtime", (uint64_t)clock_gettime(CLOCK_REALTIME, &a), 0);
	expect_true("clock_gettime.realtime.matches_time", a.tv_sec >= now - 5 && a.tv_sec <= now + 5,
	            "close to time()");
	expect_u64("clock_getres.monotonic", (uint64_t)clock_getres(CLOCK_MONOTONIC, &r), 0);
	expect_u64("clock_gettime.monotonic", (uint64_t)clock_gettime(CLOCK_MONOTONIC, &a), 0);
	struct timespec d = {0, 10 * 1000 * 1000};
	expect_u64("nanosleep", (uint64_t)nanosleep(&d, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	int64_t ns = (int64_t)(b.tv_sec - a.tv_sec) * 1000000000 + (b.tv_nsec - a.tv_nsec);
	expect_true("nanosleep.slept", ns >= 10 * 1000 * 1000, "at least 10ms");
}

static void t_env(void) {
	const char *a = getenv("WASIBOX_A");
	expect_true("getenv", a && strcmp(a, "1") == 0, "WASIBOX_A=1");
	const char *e = getenv("WASIBOX_EMPTY");
	expect_true("getenv.empty", e && *e == 0, "an empty value");
	expect_true("getenv.missing", getenv("WASIBOX_NOPE") == NULL, "NULL");
	expect_u64("setenv", (uint64_t)setenv("WASIBOX_NEW", "x", 1), 0);
	expect_true("setenv.visible", getenv("WASIBOX_NEW") && strcmp(getenv("WASIBOX_NEW"), "x") == 0,
	            "x");
}

static void t_cwd(void) {
	char buf[64];
	expect_u64("chdir", (uint64_t)chdir("/dir"), 0);
	expect_true("getcwd", getcwd(buf, sizeof buf) && strcmp(buf, "/dir") == 0, "/dir");
	FILE *f = fopen("one.txt", "r");
	expect_true("cwd.relative_open", f && fgets(buf, sizeof buf, f) && strcmp(buf, "1") == 0, "1");
	if (f) fclose(f);
	f = fopen("../data/in.txt", "r");
	expect_true("cwd.dotdot", f != NULL, "../data/in.txt opens");
	if (f) fclose(f);
	expect_u64("chdir.data", (uint64_t)chdir("/data"), 0);
	f = fopen("in.txt", "r");
	expect_true("cwd.data_relative", f != NULL, "in.txt opens in /data");
	if (f) fclose(f);
}

int main(int argc, char **argv) {
	static const struct {
		const char *name;
		void (*fn)(void);
	} groups[] = {{"stdio", t_stdio}, {"dirent", t_dirent}, {"stat", t_stat},
	              {"time", t_time},   {"env", t_env},       {"cwd", t_cwd}};
	const char *g = argc > 1 ? argv[1] : "all";
	int found = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		if (strcmp(g, "all") == 0 || strcmp(g, groups[i].name) == 0) {
			groups[i].fn();
			found = 1;
		}
	}
	if (!found) {
		fprintf(stderr, "libc_probe: unknown group %s\n", g);
		return 2;
	}
	return summary(g);
}
