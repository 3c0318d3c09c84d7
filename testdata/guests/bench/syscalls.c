/*
 * syscalls.c — syscall-heavy loops, built from this one source both for
 * wasm32-wasi (wasi-libc) and natively, so that internal/bench can report
 * each operation's cost under a WASI host as a ratio to native.
 *
 * Usage: syscalls OP ITERATIONS DIR
 *
 * DIR is the fixture directory that internal/bench prepares (the same host
 * folder, preopened as the guest's DIR under WASI):
 *     DIR/data        1 MiB file (64 KiB reads)
 *     DIR/out         file rewritten by the 64-byte write loop
 *     DIR/small       existing file (open+fstat+close, stat)
 *     DIR/entries/    1000 files (readdir)
 *
 * Each operation times only its loop with clock_gettime(CLOCK_MONOTONIC)
 * and prints one line "ns_per_op=<float>" on stdout. Results are checked
 * inside the loop (cheaply) so that a host that fails an operation fails
 * the benchmark instead of reporting a fast error path. Any failure prints
 * a line on stderr and exits 1.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/api.h>
#endif

#define KiB 1024
#define MiB (1024 * KiB)

static void die(const char *what) {
	fprintf(stderr, "syscalls: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *what) {
	fprintf(stderr, "syscalls: %s\n", what);
	exit(1);
}

static int64_t now_ns(void) {
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		die("clock_gettime");
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* path joins dir and name into a static buffer (one at a time). */
static char *join(char *buf, size_t n, const char *dir, const char *name) {
	if ((size_t)snprintf(buf, n, "%s/%s", dir, name) >= n)
		fail("path too long");
	return buf;
}

/* op_write: 64-byte write(2) on an open fd. The file is rewound every
 * 1 MiB (one lseek per 16384 writes) so that it stays small; the same
 * rewind happens natively and under WASI. */
static double op_write(long n, const char *dir) {
	char p[512];
	int fd = open(join(p, sizeof p, dir, "out"), O_WRONLY | O_TRUNC);
	if (fd < 0)
		die("open out");
	char buf[64];
	memset(buf, 'x', sizeof buf);
	int64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if ((i & 16383) == 16383 && lseek(fd, 0, SEEK_SET) != 0)
			die("lseek");
		if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
			die("write");
	}
	int64_t t1 = now_ns();
	close(fd);
	return (double)(t1 - t0) / (double)n;
}

/* op_read: 64 KiB pread(2) cycling through a 1 MiB file. */
static double op_read(long n, const char *dir) {
	static char buf[64 * KiB];
	char p[512];
	int fd = open(join(p, sizeof p, dir, "data"), O_RDONLY);
	if (fd < 0)
		die("open data");
	int64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		off_t off = (off_t)(i & 15) * (off_t)sizeof buf;
		if (pread(fd, buf, sizeof buf, off) != (ssize_t)sizeof buf)
			die("pread");
	}
	int64_t t1 = now_ns();
	close(fd);
	return (double)(t1 - t0) / (double)n;
}

/* op_open: open + fstat + close of an existing file. */
static double op_open(long n, const char *dir) {
	char p[512];
	join(p, sizeof p, dir, "small");
	struct stat st;
	int64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		int fd = open(p, O_RDONLY);
		if (fd < 0)
			die("open small");
		if (fstat(fd, &st) != 0)
			die("fstat");
		if (close(fd) != 0)
			die("close");
	}
	int64_t t1 = now_ns();
	if (st.st_size <= 0)
		fail("fstat: small has size 0");
	return (double)(t1 - t0) / (double)n;
}

/* op_stat: stat(2) of a path, every other one missing. */
static double op_stat(long n, const char *dir) {
	char hit[512], miss[512];
	join(hit, sizeof hit, dir, "small");
	join(miss, sizeof miss, dir, "missing");
	struct stat st;
	int64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (i & 1) {
			if (stat(miss, &st) == 0 || errno != ENOENT)
				die("stat missing: want ENOENT");
		} else if (stat(hit, &st) != 0) {
			die("stat small");
		}
	}
	int64_t t1 = now_ns();
	return (double)(t1 - t0) / (double)n;
}

/* op_readdir: opendir/readdir/closedir over entries/ until at least n
 * entries were read; reports ns per entry ("." and ".." count, as they
 * cost the same). */
static double op_readdir(long n, const char *dir) {
	char p[512];
	join(p, sizeof p, dir, "entries");
	long total = 0;
	int64_t t0 = now_ns();
	while (total < n) {
		DIR *d = opendir(p);
		if (d == NULL)
			die("opendir entries");
		long pass = 0;
		errno = 0;
		while (readdir(d) != NULL)
			pass++;
		if (errno != 0)
			die("readdir");
		if (closedir(d) != 0)
			die("closedir");
		if (pass < 1000)
			fail("readdir: fewer than 1000 entries");
		total += pass;
	}
	int64_t t1 = now_ns();
	return (double)(t1 - t0) / (double)total;
}

/* op_poll: a poll with zero timeout and nothing to wait for. Under WASI,
 * a raw poll_oneoff with one monotonic clock subscription of timeout 0
 * (wasi-libc's poll() would add its own logic); natively, ppoll on no
 * descriptors with a zero timeout. */
static double op_poll(long n, const char *dir) {
	(void)dir;
#ifdef __wasi__
	__wasi_subscription_t sub;
	memset(&sub, 0, sizeof sub);
	sub.userdata = 42;
	sub.u.tag = __WASI_EVENTTYPE_CLOCK;
	sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
	sub.u.u.clock.timeout = 0;
	sub.u.u.clock.precision = 0;
	sub.u.u.clock.flags = 0;
	__wasi_event_t ev;
	__wasi_size_t got;
	int64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		__wasi_errno_t e = __wasi_poll_oneoff(&sub, &ev, 1, &got);
		if (e != 0 || got != 1 || ev.userdata != 42 || ev.error != 0)
			fail("poll_oneoff: want one clock event");
	}
	int64_t t1 = now_ns();
#else
	struct timespec zero = {0, 0};
	int64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (ppoll(NULL, 0, &zero, NULL) != 0)
			die("ppoll");
	}
	int64_t t1 = now_ns();
#endif
	return (double)(t1 - t0) / (double)n;
}

/* op_clockrandom: clock_gettime(CLOCK_MONOTONIC) + getentropy of 32 bytes
 * per iteration (clock_time_get + random_get under WASI). */
static double op_clockrandom(long n, const char *dir) {
	(void)dir;
	unsigned char buf[32];
	uint64_t sink = 0;
	struct timespec ts;
	int64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
			die("clock_gettime");
		if (getentropy(buf, sizeof buf) != 0)
			die("getentropy");
		sink += (uint64_t)ts.tv_nsec + buf[i & 31];
	}
	int64_t t1 = now_ns();
	/* Keep the loop's results live without printing them. */
	if (sink == 1)
		fputs("", stderr);
	return (double)(t1 - t0) / (double)n;
}

static const struct {
	const char *name;
	double (*fn)(long, const char *);
} ops[] = {
    {"write", op_write},
    {"read", op_read},
    {"open", op_open},
    {"stat", op_stat},
    {"readdir", op_readdir},
    {"poll", op_poll},
    {"clockrandom", op_clockrandom},
};

int main(int argc, char **argv) {
	if (argc != 4) {
		fprintf(stderr, "usage: syscalls OP ITERATIONS DIR\n");
		return 2;
	}
	char *end;
	errno = 0;
	long n = strtol(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || n <= 0) {
		fprintf(stderr, "syscalls: bad iteration count %s\n", argv[2]);
		return 2;
	}
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		if (strcmp(ops[i].name, argv[1]) == 0) {
			printf("ns_per_op=%.3f\n", ops[i].fn(n, argv[3]));
			return 0;
		}
	}
	fprintf(stderr, "syscalls: unknown operation %s\n", argv[1]);
	return 2;
}
