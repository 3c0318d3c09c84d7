/*
 * envclock — reads environment variables and clocks, for the learn tests.
 * Prints each variable (or "(unset)") and whether each clock could be
 * read, never the time itself, so that two runs print the same.
 * Usage: envclock NAME...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int clock_ok(const char *name, clockid_t id) {
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0) {
		printf("%s: %s\n", name, strerror(errno));
		return 0;
	}
	printf("%s: ok\n", name);
	return 1;
}

int main(int argc, char **argv) {
	for (int i = 1; i < argc; i++) {
		const char *v = getenv(argv[i]);
		printf("%s=%s\n", argv[i], v ? v : "(unset)");
	}
	int ok = clock_ok("realtime", CLOCK_REALTIME);
	ok &= clock_ok("monotonic", CLOCK_MONOTONIC);
	return ok ? 0 : 1;
}
