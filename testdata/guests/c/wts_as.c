/* Ports of the wasi-testsuite AssemblyScript tests
 * (tests/assemblyscript, one .ts file each), raw calls with the same arguments:
 *   args_get-multiple-arguments      args "first" "the \"second\" arg" "3"
 *   args_sizes_get-multiple-arguments  argc 4
 *   args_sizes_get-no-arguments      argc 1
 *   environ_get-multiple-variables   a=text, b=escap " ing, c=new\nline
 *   environ_sizes_get-multiple-variables  3 variables
 *   environ_sizes_get-no-variables   none
 *   fd_write-to-invalid-fd           fd -31337, no iovecs: BADF
 *   fd_write-to-stdout               "hello" on stdout, nothing else
 *   proc_exit-failure / -success     proc_exit(33) / proc_exit(0)
 *   random_get-non-zero-length / -zero-length
 * One module serves them all: the test is the name it runs under, argv[0]
 * without ".wasm" (the suite's file name, which `wasibox run` and the
 * suite's runners pass as argv[0]), so every test sees exactly the
 * arguments and environment of its .json spec. */
#include "wts.h"

__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write"))) int32_t
wts_raw_fd_write(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nwritten);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_exit"))) _Noreturn void
wts_raw_proc_exit(int32_t code);

/* Every check is silent on success: fd_write-to-stdout must print exactly
 * "hello". A failure prints FAIL on stderr and exits 1, like an
 * AssemblyScript assert (abort). */
static void must(int cond, const char *what) {
	if (!cond) {
		fprintf(stderr, "FAIL %s\n", what);
		exit(1);
	}
}

static void args_test(__wasi_size_t want_argc, const char *const *want) {
	__wasi_size_t argc = 0, size = 0;
	must(__wasi_args_sizes_get(&argc, &size) == 0, "args_sizes_get");
	must(argc == want_argc, "argc");
	if (!want) return;
	uint8_t **argv = malloc(argc * sizeof *argv);
	uint8_t *buf = malloc(size);
	must(argv && buf, "malloc");
	must(__wasi_args_get(argv, buf) == 0, "args_get");
	for (__wasi_size_t i = 1; i < argc; i++) must(strcmp((char *)argv[i], want[i - 1]) == 0, "argument");
}

static void environ_test(__wasi_size_t want_n, const char *const *want) {
	__wasi_size_t n = 0, size = 0;
	must(__wasi_environ_sizes_get(&n, &size) == 0, "environ_sizes_get");
	must(n == want_n, "environ count");
	if (!want) return;
	uint8_t **env = malloc((n + 1) * sizeof *env);
	uint8_t *buf = malloc(size + 1);
	must(env && buf, "malloc");
	must(__wasi_environ_get(env, buf) == 0, "environ_get");
	int seen[8] = {0};
	for (__wasi_size_t i = 0; i < n; i++) {
		int found = 0;
		for (__wasi_size_t k = 0; k < want_n; k++)
			if (!seen[k] && strcmp((char *)env[i], want[k]) == 0) seen[k] = found = 1;
		must(found, "expected variable");
	}
}

int main(int argc, char **argv) {
	char t[128];
	wts_test_name(argc, argv, t, sizeof t);
	if (strcmp(t, "args_get-multiple-arguments") == 0) {
		static const char *const want[] = {"first", "the \"second\" arg", "3"};
		args_test(4, want);
	} else if (strcmp(t, "args_sizes_get-multiple-arguments") == 0) {
		args_test(4, NULL);
	} else if (strcmp(t, "args_sizes_get-no-arguments") == 0) {
		args_test(1, NULL);
	} else if (strcmp(t, "environ_get-multiple-variables") == 0) {
		static const char *const want[] = {"a=text", "b=escap \" ing", "c=new\nline"};
		environ_test(3, want);
	} else if (strcmp(t, "environ_sizes_get-multiple-variables") == 0) {
		environ_test(3, NULL);
	} else if (strcmp(t, "environ_sizes_get-no-variables") == 0) {
		environ_test(0, NULL);
	} else if (strcmp(t, "fd_write-to-invalid-fd") == 0) {
		static uint32_t out_size;
		must(wts_raw_fd_write(-31337, 0, 0, (int32_t)(uintptr_t)&out_size) == __WASI_ERRNO_BADF, "fd_write(-31337) is BADF");
	} else if (strcmp(t, "fd_write-to-stdout") == 0) {
		static const char msg[] = "hello";
		__wasi_ciovec_t iov = {(const uint8_t *)msg, 5};
		__wasi_size_t n = 0;
		__wasi_errno_t e = __wasi_fd_write(1, &iov, 1, &n);
		must(n == 5, "nwritten");
		must(e == 0, "fd_write");
	} else if (strcmp(t, "proc_exit-failure") == 0) {
		wts_raw_proc_exit(33);
	} else if (strcmp(t, "proc_exit-success") == 0) {
		wts_raw_proc_exit(0);
	} else if (strcmp(t, "random_get-non-zero-length") == 0) {
		static uint8_t buf[32];
		must(__wasi_random_get(buf, 32) == 0, "random_get(32)");
	} else if (strcmp(t, "random_get-zero-length") == 0) {
		uint8_t *buf = malloc(1);
		must(__wasi_random_get(buf, 0) == 0, "random_get(0)");
	} else {
		must(0, "unknown test");
	}
	return 0;
}
