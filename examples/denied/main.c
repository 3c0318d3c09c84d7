/*
 * denied — the guest of the denied example: it tries things its manifest
 * does not grant and prints the errno each attempt got.
 *
 * Raw __wasi_* calls are used on purpose: wasi-libc's open() resolves
 * absolute paths and ".." inside the guest and would never send them to
 * the host, and a hostile module is free to skip libc.
 *
 * Exit status: 0 when every attempt got the expected errno, 1 otherwise
 * (a line ending in UNEXPECTED says which).
 *
 * Build: clang --target=wasm32-wasi --sysroot=SYSROOT -O2 -o app.wasm main.c
 * (or scripts/build-examples.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

/* The WasmEdge socket extension (wasibox implements it): sock_open(af,
 * type, result.fd) with af 1 = inet and type 2 = stream. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("sock_open")))
__wasi_errno_t sock_open(uint32_t af, uint32_t type, __wasi_fd_t *fd);

extern char **environ;

static const char *errno_name(__wasi_errno_t e) {
	switch (e) {
	case __WASI_ERRNO_SUCCESS: return "ok";
	case __WASI_ERRNO_ACCES: return "EACCES";
	case __WASI_ERRNO_NOTCAPABLE: return "ENOTCAPABLE";
	case __WASI_ERRNO_PERM: return "EPERM";
	case __WASI_ERRNO_NOENT: return "ENOENT";
	case __WASI_ERRNO_LOOP: return "ELOOP";
	case __WASI_ERRNO_ROFS: return "EROFS";
	case __WASI_ERRNO_NOSYS: return "ENOSYS";
	case __WASI_ERRNO_INVAL: return "EINVAL";
	case __WASI_ERRNO_EXIST: return "EEXIST";
	}
	return "another errno";
}

static int unexpected;

/* report prints one attempt and compares its errno with the expected one. */
static void report(const char *what, __wasi_errno_t got, __wasi_errno_t want) {
	printf("%-50s %s (%u)", what, errno_name(got), got);
	if (got != want) {
		printf("  UNEXPECTED: want %s", errno_name(want));
		unexpected = 1;
	}
	putchar('\n');
}

/* preopen returns the descriptor of the mount at guest path name. */
static __wasi_fd_t preopen(const char *name) {
	for (__wasi_fd_t fd = 3;; fd++) {
		__wasi_prestat_t st;
		char buf[256];
		if (__wasi_fd_prestat_get(fd, &st) != 0) break;
		size_t n = st.u.dir.pr_name_len;
		if (n >= sizeof buf || __wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, n) != 0) continue;
		buf[n] = 0;
		if (strcmp(buf, name) == 0) return fd;
	}
	fprintf(stderr, "denied: no mount at %s\n", name);
	exit(1);
}

/* try_open opens path relative to dir (following symbolic links) and
 * closes the descriptor again if it got one. */
static __wasi_errno_t try_open(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags,
                               __wasi_rights_t rights) {
	__wasi_fd_t fd;
	__wasi_errno_t e = __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags,
	                                    rights, 0, 0, &fd);
	if (e == 0) {
		char buf[80];
		__wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
		__wasi_size_t n = 0;
		if (rights & __WASI_RIGHTS_FD_READ && __wasi_fd_read(fd, &iov, 1, &n) == 0) {
			buf[n] = 0;
			printf("  LEAKED: %s", buf);
		}
		(void)__wasi_fd_close(fd);
	}
	return e;
}

int main(void) {
	const __wasi_rights_t r = __WASI_RIGHTS_FD_READ;
	const __wasi_rights_t w = __WASI_RIGHTS_FD_WRITE;
	__wasi_fd_t data = preopen("/data"), scratch = preopen("/scratch");

	/* 1. Host files outside the mounts: the kernel confines every path
	 *    beneath its mount (openat2 RESOLVE_BENEATH). */
	report("read ../host-secret.txt (from /data)", try_open(data, "../host-secret.txt", 0, r),
	       __WASI_ERRNO_NOTCAPABLE);
	report("read /etc/passwd (absolute path)", try_open(data, "/etc/passwd", 0, r),
	       __WASI_ERRNO_NOTCAPABLE);

	/* 2. Inside a mount, but fs.deny refuses it. */
	report("read /data/private/key.txt (fs.deny)", try_open(data, "private/key.txt", 0, r),
	       __WASI_ERRNO_ACCES);

	/* 3. The environment holds only what the manifest sets or inherits. */
	const char *tok = getenv("SECRET_TOKEN");
	printf("%-50s %s\n", "getenv SECRET_TOKEN", tok ? tok : "not set");
	if (tok) unexpected = 1;
	for (char **e = environ; *e; e++) printf("  environment: %s\n", *e);

	/* 4. No net grant: not even a socket can be created. */
	__wasi_fd_t s;
	__wasi_errno_t e = sock_open(1, 2, &s);
	report("sock_open inet/stream (for 127.0.0.1:9)", e, __WASI_ERRNO_ACCES);
	if (e == 0) (void)__wasi_fd_close(s);

	/* 5. A symbolic link with a relative target may be created in the
	 *    read-write mount (its contents are just text), but following it
	 *    out of the mount fails, for reading and for writing. A link with
	 *    an absolute target is refused when it is created. */
	(void)__wasi_path_unlink_file(scratch, "escape");
	report("symlink /scratch/escape -> ../host-secret.txt",
	       __wasi_path_symlink("../host-secret.txt", scratch, "escape"), __WASI_ERRNO_SUCCESS);
	report("read /scratch/escape", try_open(scratch, "escape", 0, r), __WASI_ERRNO_NOTCAPABLE);
	report("truncate /scratch/escape",
	       try_open(scratch, "escape", __WASI_OFLAGS_TRUNC, r | w), __WASI_ERRNO_NOTCAPABLE);
	(void)__wasi_path_unlink_file(scratch, "escape");
	report("symlink /scratch/escape-abs -> /etc/passwd",
	       __wasi_path_symlink("/etc/passwd", scratch, "escape-abs"), __WASI_ERRNO_NOTCAPABLE);

	return unexpected;
}
