/*
 * escape — tries to leave its preopens with every path call. Usage:
 *   escape paths S  in the tree of hostabi/escape_e2e_test.go (plantEscapeTree):
 *                     T/secret.txt, T/l1/secret.txt,
 *                     T/l1/l2/sentinel/{secret.txt,dir/inner.txt,link->secret.txt}
 *                     T/l1/l2/mnt/ = "/" (fd 3), T/l1/l2/mnt/data/ = "/data" (fd 4)
 *                   with symlinks planted inside mnt/; S is the sentinel
 *                   directory's absolute host path. Every mutating attempt
 *                   aims inside T, which the harness hashes before and after.
 *   escape proc     the host's "/" mounted read-only at "/" (fd 3): magic
 *                   links under /proc must never be followed.
 *   escape fifo     mnt/fifo is a FIFO nobody writes: open and read return
 *                   promptly (an error or a descriptor, never a hang).
 *
 * A check passes when the attempt is refused; "escape" checks also require
 * the errno docs/design.md decision 7 gives for a path that leaves its
 * preopen: NOTCAPABLE.
 */
#define CHECK_MAIN
#include "check.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

/* refused: the call must fail (any errno). If it succeeded and returned a
 * descriptor, read from it to show what leaked. */
static void refused(const char *name, __wasi_errno_t e) {
	if (e != 0)
		passf("%s (%s)", name, errno_name(e));
	else
		failf(name, "succeeded; want it refused");
}

/* escape: the call must fail with NOTCAPABLE. */
static void escape(const char *name, __wasi_errno_t e) {
	if (e == __WASI_ERRNO_NOTCAPABLE)
		pass(name);
	else if (e == 0)
		failf(name, "ESCAPED: succeeded; want NOTCAPABLE");
	else
		failf(name, "got errno %u (%s) want NOTCAPABLE", e, errno_name(e));
}

/* escape_or_loop: the final component is a symlink the call must not
 * follow, but a trailing slash asks to: refusing it as a loop is fine too. */
static void escape_or_loop(const char *name, __wasi_errno_t e) {
	if (e == __WASI_ERRNO_NOTCAPABLE || e == __WASI_ERRNO_LOOP)
		passf("%s (%s)", name, errno_name(e));
	else if (e == 0)
		failf(name, "ESCAPED: succeeded; want NOTCAPABLE or LOOP");
	else
		failf(name, "got errno %u (%s) want NOTCAPABLE or LOOP", e, errno_name(e));
}

/* magic: magic links may also be refused with LOOP (RESOLVE_NO_MAGICLINKS),
 * ENOENT for a /proc/self/fd/N that is not open, or ACCES where procfs
 * itself denies access (another process's root). */
static void magic(const char *name, __wasi_errno_t e) {
	if (e == __WASI_ERRNO_NOTCAPABLE || e == __WASI_ERRNO_LOOP || e == __WASI_ERRNO_NOENT ||
	    e == __WASI_ERRNO_ACCES)
		passf("%s (%s)", name, errno_name(e));
	else if (e == 0)
		failf(name, "ESCAPED: succeeded; want NOTCAPABLE or LOOP");
	else
		failf(name, "got errno %u (%s) want NOTCAPABLE or LOOP", e, errno_name(e));
}

static __wasi_errno_t try_open(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char *path,
                               __wasi_oflags_t of, __wasi_rights_t rights) {
	__wasi_fd_t fd;
	__wasi_errno_t e = open_at(dir, lf, path, of, rights, 0, &fd);
	if (e == 0) {
		char buf[64];
		size_t n = 0;
		read_full(fd, buf, sizeof buf - 1, &n);
		buf[n] = 0;
		printf("# opened %s: %.40s\n", path, buf);
		__wasi_fd_close(fd);
	}
	return e;
}

static __wasi_errno_t try_stat(__wasi_fd_t dir, __wasi_lookupflags_t lf, const char *path) {
	__wasi_filestat_t st;
	return __wasi_path_filestat_get(dir, lf, path, &st);
}

/* The sentinel directory's absolute host path, from argv: absolute-path
 * attempts that mutate aim there, so that even a broken implementation can
 * only damage the test's own temporary tree (which the harness hashes). */
static const char *S;

static const char *abs_path(const char *rel) {
	static char bufs[8][256];
	static int next;
	char *b = bufs[next++ % 8];
	snprintf(b, sizeof bufs[0], "%s%s", S, rel);
	return b;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void paths(void) {
	char name[320], p[288];
	size_t i;
	__wasi_errno_t e;
	__wasi_size_t n;
	uint8_t buf[64];
	const __wasi_rights_t rw = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE;

	/* Paths that stay inside: they must work, or the refusals below prove
	 * nothing. "inside" -> a/b, so inside/../.. is the root physically
	 * (the kernel's answer) although lexically it would leave it. */
	static const char *inside[] = {"file.txt", "a/b/../../file.txt", "inside/../../file.txt",
	                               "data/up/file.txt", "a/b/up1/file.txt"};
	for (i = 0; i < N(inside); i++) {
		snprintf(name, sizeof name, "control.open %s", inside[i]);
		expect_ok(name, try_open(ROOT_FD, FOLLOW, inside[i], 0, __WASI_RIGHTS_FD_READ));
	}
	expect_ok("control.data.open file.txt", try_open(DATA_FD, 0, "file.txt", 0, __WASI_RIGHTS_FD_READ));

	/* Paths that leave "/" (fd 3) while resolving, all reaching the
	 * sentinel tree. They are tried with every call, mutating ones too. */
	const char *out[] = {
	    "..",
	    "../",
	    "../sentinel",
	    "../sentinel/secret.txt",
	    "./././../sentinel/secret.txt",
	    "a/../../sentinel/secret.txt",
	    "a/b/../../../sentinel/secret.txt",
	    "a/b/../b/../b/../../../sentinel/secret.txt",
	    "inside/../../../sentinel/secret.txt",
	    "abs_dir/secret.txt",
	    "abs_dir/",
	    "rel_dir/secret.txt",
	    "rel_dir/",
	    "deep/secret.txt",
	    "a/b/up3/secret.txt",
	    "chain1/secret.txt",
	    "chain1/",
	    "chain3/secret.txt",
	    abs_path("/secret.txt"),
	    abs_path(""),
	};
	/* Read-only attempts may aim anywhere on the host. */
	static const char *out_ro[] = {"/", "/etc/passwd", "//etc/passwd", "/file.txt",
	                               "abs_root/etc/passwd", "abs_root/"};
	for (i = 0; i < N(out) + N(out_ro); i++) {
		const char *q = i < N(out) ? out[i] : out_ro[i - N(out)];
		snprintf(name, sizeof name, "path_open.follow %s", q);
		escape(name, try_open(ROOT_FD, FOLLOW, q, 0, __WASI_RIGHTS_FD_READ));
		snprintf(name, sizeof name, "path_open.nofollow %s", q);
		escape_or_loop(name, try_open(ROOT_FD, 0, q, 0, __WASI_RIGHTS_FD_READ));
		snprintf(name, sizeof name, "path_open.directory %s", q);
		escape(name, try_open(ROOT_FD, FOLLOW, q, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR));
		snprintf(name, sizeof name, "path_filestat_get.follow %s", q);
		escape(name, try_stat(ROOT_FD, FOLLOW, q));
		snprintf(name, sizeof name, "path_readlink %s", q);
		refused(name, __wasi_path_readlink(ROOT_FD, q, buf, sizeof buf, &n));
		if (i >= N(out)) continue;
		snprintf(name, sizeof name, "path_open.trunc %s", q);
		escape(name, try_open(ROOT_FD, FOLLOW, q, __WASI_OFLAGS_TRUNC, rw));
		snprintf(name, sizeof name, "path_filestat_set_times.follow %s", q);
		escape(name, __wasi_path_filestat_set_times(ROOT_FD, FOLLOW, q, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
		snprintf(name, sizeof name, "path_filestat_set_times.nofollow %s", q);
		refused(name, __wasi_path_filestat_set_times(ROOT_FD, 0, q, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
		snprintf(name, sizeof name, "path_unlink_file %s", q);
		refused(name, __wasi_path_unlink_file(ROOT_FD, q));
		snprintf(name, sizeof name, "path_remove_directory %s", q);
		refused(name, __wasi_path_remove_directory(ROOT_FD, q));
		snprintf(name, sizeof name, "path_rename.old_path %s", q);
		refused(name, __wasi_path_rename(ROOT_FD, q, ROOT_FD, "stolen"));
		snprintf(name, sizeof name, "path_link.old_path %s", q);
		refused(name, __wasi_path_link(ROOT_FD, 0, q, ROOT_FD, "stolen"));
		snprintf(name, sizeof name, "path_link.old_path_follow %s", q);
		refused(name, __wasi_path_link(ROOT_FD, FOLLOW, q, ROOT_FD, "stolen"));
	}

	/* Final symlinks whose targets leave "/": escapes when followed; the
	 * link itself is inside and may be inspected without following. */
	static const char *links_out[] = {"abs_file", "rel_file", "abs_dir", "rel_dir",
	                                  "deep",     "chain1",   "chain3",  "abs_root"};
	for (i = 0; i < N(links_out); i++) {
		const char *q = links_out[i];
		int mutate = strcmp(q, "abs_root") != 0;
		snprintf(name, sizeof name, "path_open.follow_link %s", q);
		escape(name, try_open(ROOT_FD, FOLLOW, q, 0, __WASI_RIGHTS_FD_READ));
		snprintf(name, sizeof name, "path_open.follow_link_dir %s", q);
		escape(name, try_open(ROOT_FD, FOLLOW, q, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR));
		snprintf(name, sizeof name, "path_filestat_get.follow_link %s", q);
		escape(name, try_stat(ROOT_FD, FOLLOW, q));
		snprintf(name, sizeof name, "path_filestat_get.nofollow_link %s", q);
		expect_ok(name, try_stat(ROOT_FD, 0, q));
		snprintf(name, sizeof name, "path_open.nofollow_link %s", q);
		refused(name, try_open(ROOT_FD, 0, q, 0, __WASI_RIGHTS_FD_READ));
		snprintf(name, sizeof name, "path_readlink.link %s", q);
		expect_ok(name, __wasi_path_readlink(ROOT_FD, q, buf, sizeof buf, &n));
		if (!mutate) continue;
		snprintf(name, sizeof name, "path_open.follow_link_trunc %s", q);
		escape(name, try_open(ROOT_FD, FOLLOW, q, __WASI_OFLAGS_TRUNC, rw));
		/* The kernel may refuse O_CREAT through a link whose body ends in
		 * "/" with EISDIR before resolving it: any refusal will do. */
		snprintf(name, sizeof name, "path_open.follow_link_creat %s", q);
		refused(name, try_open(ROOT_FD, FOLLOW, q, __WASI_OFLAGS_CREAT, rw));
		snprintf(name, sizeof name, "path_filestat_set_times.follow_link %s", q);
		escape(name, __wasi_path_filestat_set_times(ROOT_FD, FOLLOW, q, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
		/* Hard-linking the target of a followed symlink would give a name
		 * inside for a file outside. */
		snprintf(name, sizeof name, "path_link.follow_link %s", q);
		refused(name, __wasi_path_link(ROOT_FD, FOLLOW, q, ROOT_FD, "hl_follow"));
		/* Trailing slashes make the kernel follow a final symlink. */
		snprintf(p, sizeof p, "%s/", q);
		snprintf(name, sizeof name, "path_filestat_get.nofollow %s", p);
		escape_or_loop(name, try_stat(ROOT_FD, 0, p));
		snprintf(name, sizeof name, "path_remove_directory %s", p);
		refused(name, __wasi_path_remove_directory(ROOT_FD, p));
		snprintf(name, sizeof name, "path_unlink_file %s", p);
		refused(name, __wasi_path_unlink_file(ROOT_FD, p));
		snprintf(name, sizeof name, "path_rename.old_path %s", p);
		refused(name, __wasi_path_rename(ROOT_FD, p, ROOT_FD, "moved_dir"));
	}
	/* O_CREAT through a dangling symlink would create its target outside. */
	escape("path_open.creat_through_dangling abs_new",
	       try_open(ROOT_FD, FOLLOW, "abs_new", __WASI_OFLAGS_CREAT, rw));
	escape("path_open.creat_through_dangling rel_new",
	       try_open(ROOT_FD, FOLLOW, "rel_new", __WASI_OFLAGS_CREAT, rw));
	/* A copy of an escaping symlink (hard link of the link) is no better. */
	e = __wasi_path_link(ROOT_FD, 0, "rel_file", ROOT_FD, "hl_copy");
	if (e == 0)
		escape("path_link.copied_link_not_followed",
		       try_open(ROOT_FD, FOLLOW, "hl_copy", 0, __WASI_RIGHTS_FD_READ));

	/* Paths that leave "/data" (fd 4), although they stay inside "/". */
	static const char *data_out[] = {"..", "../file.txt", "up/file.txt", "up/", "/data/file.txt",
	                                 "../../sentinel/secret.txt"};
	for (i = 0; i < N(data_out); i++) {
		const char *q = data_out[i];
		snprintf(name, sizeof name, "data.path_open %s", q);
		escape(name, try_open(DATA_FD, FOLLOW, q, 0, __WASI_RIGHTS_FD_READ));
		snprintf(name, sizeof name, "data.path_filestat_get %s", q);
		escape(name, try_stat(DATA_FD, FOLLOW, q));
		snprintf(name, sizeof name, "data.path_create_directory %s/x", q);
		snprintf(p, sizeof p, "%s/x", q);
		escape(name, __wasi_path_create_directory(DATA_FD, p));
	}
	escape("data.path_rename.new_path ../moved",
	       __wasi_path_rename(DATA_FD, "file.txt", DATA_FD, "../moved"));
	escape("data.path_link.new_path ../linked",
	       __wasi_path_link(DATA_FD, 0, "file.txt", DATA_FD, "../linked"));
	escape("data.path_symlink.new_path ../sl", __wasi_path_symlink("file.txt", DATA_FD, "../sl"));

	/* Creating outside: every call that makes a new name. */
	const char *create_out[] = {"../sentinel/new", "rel_dir/new", "abs_dir/new", "chain1/new",
	                            "a/b/up3/new",     "deep/new",    "../new",      abs_path("/new")};
	for (i = 0; i < N(create_out); i++) {
		const char *q = create_out[i];
		snprintf(name, sizeof name, "path_open.creat %s", q);
		escape(name, try_open(ROOT_FD, FOLLOW, q, __WASI_OFLAGS_CREAT, rw));
		snprintf(name, sizeof name, "path_create_directory %s", q);
		escape(name, __wasi_path_create_directory(ROOT_FD, q));
		snprintf(name, sizeof name, "path_symlink.new_path %s", q);
		escape(name, __wasi_path_symlink("file.txt", ROOT_FD, q));
		snprintf(name, sizeof name, "path_link.new_path %s", q);
		escape(name, __wasi_path_link(ROOT_FD, 0, "file.txt", ROOT_FD, q));
		snprintf(name, sizeof name, "path_rename.new_path %s", q);
		escape(name, __wasi_path_rename(ROOT_FD, "file.txt", ROOT_FD, q));
	}
	/* Reading links that lie outside. */
	static const char *links_beyond[] = {"../sentinel/link", "rel_dir/link", "abs_dir/link",
	                                     "chain1/link"};
	for (i = 0; i < N(links_beyond); i++) {
		snprintf(name, sizeof name, "path_readlink %s", links_beyond[i]);
		escape(name, __wasi_path_readlink(ROOT_FD, links_beyond[i], buf, sizeof buf, &n));
	}

	/* Symlinks the guest creates: a relative escaping target is only a
	 * string and may be created; following it never works. An absolute
	 * target is refused at creation (as wasmtime does). */
	const struct {
		const char *target, *name;
	} made[] = {{"../../..", "esc_up"},
	            {"..", "esc_parent"},
	            {"../sentinel", "esc_sentinel"},
	            {"a/../../sentinel/secret.txt", "esc_file"},
	            {"esc_up/", "esc_chain"},
	            {"inside/../../..", "esc_inside"},
	            {abs_path(""), "esc_abs"}};
	for (i = 0; i < N(made); i++) {
		e = __wasi_path_symlink(made[i].target, ROOT_FD, made[i].name);
		snprintf(name, sizeof name, "path_symlink %s -> %s", made[i].name, made[i].target);
		if (made[i].target[0] == '/')
			expect_errno2(name, e, __WASI_ERRNO_PERM, __WASI_ERRNO_NOTCAPABLE);
		else
			passf("%s (%s)", name, errno_name(e));
		if (e) continue;
		snprintf(name, sizeof name, "follow_created %s", made[i].name);
		escape(name, try_open(ROOT_FD, FOLLOW, made[i].name, 0, __WASI_RIGHTS_FD_READ));
		snprintf(name, sizeof name, "follow_created_dir %s", made[i].name);
		escape(name, try_open(ROOT_FD, FOLLOW, made[i].name, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR));
		snprintf(p, sizeof p, "%s/", made[i].name);
		snprintf(name, sizeof name, "follow_created_stat %s", p);
		escape_or_loop(name, try_stat(ROOT_FD, 0, p));
		snprintf(p, sizeof p, "%s/x", made[i].name);
		snprintf(name, sizeof name, "follow_created_creat %s", p);
		escape(name, try_open(ROOT_FD, FOLLOW, p, __WASI_OFLAGS_CREAT, rw));
		snprintf(name, sizeof name, "follow_created_mkdir %s", p);
		escape(name, __wasi_path_create_directory(ROOT_FD, p));
		snprintf(name, sizeof name, "follow_created_symlink %s", p);
		escape(name, __wasi_path_symlink("file.txt", ROOT_FD, p));
	}
	{
		static const char q[] = "file.txt\0../sentinel/secret.txt";
		__wasi_fd_t nfd;
		refused("path_open.embedded_nul",
		        (__wasi_errno_t)raw_path_open(ROOT_FD, 0, (int32_t)(uintptr_t)q, sizeof q - 1, 0,
		                                      __WASI_RIGHTS_FD_READ, 0, 0, (int32_t)(uintptr_t)&nfd));
	}
	/* After all this, the inside file is still there. */
	expect_ok("control.file_still_inside", try_open(ROOT_FD, 0, "file.txt", 0, __WASI_RIGHTS_FD_READ));
}

/* On a read-only mount of the host's "/": /proc magic links. */
static void proc(void) {
	char name[96], p[64];
	int i;
	expect_ok("control.open proc/self/status",
	          try_open(ROOT_FD, FOLLOW, "proc/self/status", 0, __WASI_RIGHTS_FD_READ));
	expect_ok("control.stat etc", try_stat(ROOT_FD, 0, "etc"));
	escape("absolute /etc/passwd", try_open(ROOT_FD, FOLLOW, "/etc/passwd", 0, __WASI_RIGHTS_FD_READ));
	static const char *links[] = {"proc/self/root/etc/passwd", "proc/self/root/",
	                              "proc/self/root",            "proc/self/cwd/",
	                              "proc/self/exe",             "proc/thread-self/root/etc/passwd",
	                              "proc/1/root/etc/passwd",    "dev/fd/0",
	                              "dev/stdin",                 "proc/self/root/proc/self/root"};
	for (i = 0; i < (int)N(links); i++) {
		snprintf(name, sizeof name, "magic.open %s", links[i]);
		magic(name, try_open(ROOT_FD, FOLLOW, links[i], 0, __WASI_RIGHTS_FD_READ));
		snprintf(name, sizeof name, "magic.stat %s", links[i]);
		magic(name, try_stat(ROOT_FD, FOLLOW, links[i]));
	}
	/* Every descriptor of the host process, as a file and as a directory. */
	int bad = 0;
	for (i = 0; i < 64; i++) {
		__wasi_errno_t e1, e2;
		snprintf(p, sizeof p, "proc/self/fd/%d", i);
		e1 = try_open(ROOT_FD, FOLLOW, p, 0, __WASI_RIGHTS_FD_READ);
		e2 = try_open(ROOT_FD, FOLLOW, p, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR);
		if (e1 == 0 || e2 == 0) {
			failf("magic.proc_self_fd", "ESCAPED: %s opened", p);
			bad++;
		}
	}
	if (!bad) pass("magic.proc_self_fd 0..63");
}

/* A FIFO with no writer: open must not block (O_NONBLOCK on the host) and
 * neither may a read of the descriptor it returns. */
static void fifo(void) {
	__wasi_fd_t fd;
	__wasi_errno_t e = open_at(ROOT_FD, 0, "fifo", 0, __WASI_RIGHTS_FD_READ, 0, &fd);
	passf("fifo.open_read returned (%s)", errno_name(e));
	fflush(stdout);
	if (e == 0) {
		uint8_t buf[8];
		__wasi_iovec_t iov = {buf, sizeof buf};
		__wasi_size_t n = 0;
		__wasi_errno_t r = __wasi_fd_read(fd, &iov, 1, &n);
		passf("fifo.read returned (%s, %u bytes)", errno_name(r), n);
		__wasi_fd_close(fd);
	}
	e = open_at(ROOT_FD, 0, "fifo", 0, __WASI_RIGHTS_FD_WRITE, 0, &fd);
	passf("fifo.open_write returned (%s)", errno_name(e));
	if (e == 0) __wasi_fd_close(fd);
	__wasi_filestat_t st;
	expect_ok("fifo.stat", __wasi_path_filestat_get(ROOT_FD, 0, "fifo", &st));
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: escape paths <sentinel host path> | proc | fifo\n");
		return 2;
	}
	if (strcmp(argv[1], "paths") == 0 && argc > 2) {
		S = argv[2];
		paths();
	} else if (strcmp(argv[1], "proc") == 0)
		proc();
	else if (strcmp(argv[1], "fifo") == 0)
		fifo();
	else {
		fprintf(stderr, "escape: unknown group %s\n", argv[1]);
		return 2;
	}
	return summary(argv[1]);
}
