/*
 * hostile — a small interpreter of hostile WASI calls for hostile_test.go.
 *
 * Every argument is one command, its fields separated by spaces. Each
 * command makes one raw call (or one loop of calls) and reports one line:
 *
 *     R <index> <verb> <ERRNO> [key=value ...]
 *
 * on the report descriptor (stdout; "report 2" switches to stderr, for
 * the cases that flood stdout). The Go test holds the expectations; the
 * guest never decides whether an outcome is right, so one binary serves
 * every case. It always exits 0 unless a command exits itself.
 *
 * Descriptors: a number ("3"), a variable set by a previous command
 * ("$f"), or a mount's guest path ("/data": the preopen of that name).
 * Flags of open: r read, w write, c create, t truncate, x exclusive,
 * d directory, a append, f follow symlinks, - none.
 * Addresses: "4:1.2.3.4" (raw 4 bytes), "6:::1" (raw 16 bytes),
 * "s4:1.2.3.4" / "s6:::1" (128-byte V2 storage), "u:/path" (storage,
 * unix domain).
 *
 * Commands:
 *   open D P FLAGS [$v]        cat D P [f]            read F N
 *   write F N                  flood F CHUNK          pwrite F N OFF
 *   allocate F OFF LEN         setsize F SIZE         stat D P [f]
 *   readlink D P               mkdir D P              rmdir D P
 *   unlink D P                 rename D P D2 P2       link D P D2 P2 [f]
 *   symlink TARGET D P         utimes D P             close F
 *   renumber F T               fdstat F               setrights F BASE INH (hex)
 *   openmany D P               manypaths D PREFIX N   readdir F LEN
 *   memgrow                    spin                   sleep SECONDS
 *   sock_open AF TYPE [$v]     connect F ADDR PORT    bind F ADDR PORT
 *   listen F N                 accept F               sendto F ADDR PORT N
 *   getaddrinfo NODE           abi NAME               report FD
 *   exit CODE
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define WE(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(name)))

/* Raw preview 1 imports: every argument an integer, so that any pointer
 * or length can be passed. */
WE("fd_write") int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t n, int32_t nw);
WE("fd_read") int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t n, int32_t nr);
WE("path_open")
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
                      int64_t base, int64_t inheriting, int32_t fdflags, int32_t retfd);
WE("path_filestat_get")
int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t len, int32_t out);
WE("poll_oneoff") int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t n, int32_t nevents);
WE("args_get") int32_t raw_args_get(int32_t argv, int32_t buf);
WE("environ_get") int32_t raw_environ_get(int32_t env, int32_t buf);
WE("fd_readdir")
int32_t raw_fd_readdir(int32_t fd, int32_t buf, int32_t len, int64_t cookie, int32_t used);
WE("fd_prestat_dir_name") int32_t raw_prestat_dir_name(int32_t fd, int32_t buf, int32_t len);
WE("random_get") int32_t raw_random_get(int32_t buf, int32_t len);
WE("fd_renumber") int32_t raw_fd_renumber(int32_t from, int32_t to);

/* WasmEdge socket extensions (V2 signatures, plain names). */
WE("sock_open") int32_t we_sock_open(int32_t af, int32_t type, int32_t fd);
WE("sock_bind") int32_t we_sock_bind(int32_t fd, int32_t addr, int32_t port);
WE("sock_connect") int32_t we_sock_connect(int32_t fd, int32_t addr, int32_t port);
WE("sock_listen") int32_t we_sock_listen(int32_t fd, int32_t backlog);
WE("sock_accept") int32_t we_sock_accept(int32_t fd, int32_t flags, int32_t newfd);
WE("sock_send_to")
int32_t we_sock_send_to(int32_t fd, int32_t iovs, int32_t n, int32_t addr, int32_t port,
                        int32_t flags, int32_t sent);
WE("sock_getaddrinfo")
int32_t we_sock_getaddrinfo(int32_t node, int32_t node_len, int32_t service, int32_t service_len,
                            int32_t hints, int32_t res, int32_t max_res_len, int32_t res_len);

#define P(x) ((int32_t)(uintptr_t)(x))

static int report_fd = 1;
static int cmd_index;

/* Report lines are written with one raw fd_write each (no stdio
 * buffering: a guest ended by a timeout still has its lines out). */
static void report(const char *verb, unsigned e, const char *fmt, ...) {
	char line[512];
	int n = snprintf(line, sizeof line, "R %d %s ", cmd_index, verb);
	static const char *names[] = {
	    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN",
	    "ALREADY", "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED",
	    "CONNREFUSED", "CONNRESET", "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST",
	    "FAULT", "FBIG", "HOSTUNREACH", "IDRM", "ILSEQ", "INPROGRESS", "INTR", "INVAL",
	    "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK", "MSGSIZE", "MULTIHOP",
	    "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS", "NODEV",
	    "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC",
	    "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP",
	    "NOTTY", "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO",
	    "PROTONOSUPPORT", "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE",
	    "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
	};
	if (e < 77)
		n += snprintf(line + n, sizeof line - n, "%s", names[e]);
	else
		n += snprintf(line + n, sizeof line - n, "%u", e);
	if (fmt) {
		va_list ap;
		line[n++] = ' ';
		va_start(ap, fmt);
		n += vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
		va_end(ap);
	}
	if (n > (int)sizeof line - 2) n = sizeof line - 2;
	line[n++] = '\n';
	__wasi_ciovec_t iov = {(const uint8_t *)line, (size_t)n};
	__wasi_size_t w;
	__wasi_fd_write(report_fd, &iov, 1, &w);
}

/* --- arguments ------------------------------------------------------------ */

#define MAXF 8
static char *field[MAXF];
static int nfield;

static void split(char *s) {
	nfield = 0;
	for (char *tok = strtok(s, " "); tok && nfield < MAXF; tok = strtok(NULL, " "))
		field[nfield++] = tok;
}

static const char *arg(int i) { return i < nfield ? field[i] : ""; }

/* variables: $a .. $z */
static int64_t vars[26];
static int have_var[26];

static void setvar(int i, int64_t v) {
	const char *a = arg(i);
	if (a[0] == '$' && a[1] >= 'a' && a[1] <= 'z') vars[a[1] - 'a'] = v, have_var[a[1] - 'a'] = 1;
}

/* fd resolves a descriptor reference; -1 if unknown (a bad descriptor). */
static __wasi_fd_t fd_of(const char *s) {
	if (s[0] == '$' && s[1] >= 'a' && s[1] <= 'z')
		return have_var[s[1] - 'a'] ? (__wasi_fd_t)vars[s[1] - 'a'] : (__wasi_fd_t)-1;
	if (s[0] == '/') {
		for (__wasi_fd_t fd = 3; fd < 64; fd++) {
			__wasi_prestat_t ps;
			if (__wasi_fd_prestat_get(fd, &ps) != 0) continue;
			char name[256];
			size_t n = ps.u.dir.pr_name_len;
			if (n >= sizeof name) continue;
			if (__wasi_fd_prestat_dir_name(fd, (uint8_t *)name, n) != 0) continue;
			name[n] = 0;
			if (strcmp(name, s) == 0) return fd;
		}
		return (__wasi_fd_t)-1;
	}
	return (__wasi_fd_t)strtoul(s, NULL, 0);
}

static uint64_t num(const char *s) { return strtoull(s, NULL, 0); }

#define R_READ                                                                               \
	(__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL |                  \
	 __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_POLL_FD_READWRITE)
#define R_WRITE                                                                              \
	(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | \
	 __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_SYNC)
#define R_DIR                                                                                \
	(__WASI_RIGHTS_PATH_CREATE_DIRECTORY | __WASI_RIGHTS_PATH_CREATE_FILE |                    \
	 __WASI_RIGHTS_PATH_LINK_SOURCE | __WASI_RIGHTS_PATH_LINK_TARGET | __WASI_RIGHTS_PATH_OPEN | \
	 __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_READLINK | __WASI_RIGHTS_PATH_RENAME_SOURCE | \
	 __WASI_RIGHTS_PATH_RENAME_TARGET | __WASI_RIGHTS_PATH_FILESTAT_GET |                      \
	 __WASI_RIGHTS_PATH_FILESTAT_SET_SIZE | __WASI_RIGHTS_PATH_FILESTAT_SET_TIMES |            \
	 __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES |                     \
	 __WASI_RIGHTS_PATH_SYMLINK | __WASI_RIGHTS_PATH_REMOVE_DIRECTORY |                        \
	 __WASI_RIGHTS_PATH_UNLINK_FILE)
#define R_ALL ((__wasi_rights_t)0x1FFFFFFF)

static __wasi_errno_t do_open(__wasi_fd_t dir, const char *path, const char *flags,
                              __wasi_fd_t *fd) {
	__wasi_oflags_t of = 0;
	__wasi_lookupflags_t lf = 0;
	__wasi_fdflags_t ff = 0;
	__wasi_rights_t base = 0, inherit = 0;
	for (const char *c = flags; *c; c++) {
		switch (*c) {
		case 'r': base |= R_READ; break;
		case 'w': base |= R_WRITE; break;
		case 'c': of |= __WASI_OFLAGS_CREAT; break;
		case 't': of |= __WASI_OFLAGS_TRUNC; break;
		case 'x': of |= __WASI_OFLAGS_EXCL; break;
		case 'd': of |= __WASI_OFLAGS_DIRECTORY, base |= R_DIR | R_READ, inherit = R_ALL; break;
		case 'a': ff |= __WASI_FDFLAGS_APPEND; break;
		case 'f': lf |= __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW; break;
		}
	}
	return __wasi_path_open(dir, lf, path, of, base, inherit, ff, fd);
}

/* --- addresses ------------------------------------------------------------ */

static uint8_t addr_bytes[128];
static struct {
	uint32_t buf, len;
} addr_arg;

/* parse_addr fills addr_arg from "4:", "6:", "s4:", "s6:" or "u:"; 0 if bad. */
static int parse_addr(const char *s) {
	memset(addr_bytes, 0, sizeof addr_bytes);
	addr_arg.buf = P(addr_bytes);
	if (strncmp(s, "4:", 2) == 0) {
		addr_arg.len = 4;
		return inet_pton(AF_INET, s + 2, addr_bytes) == 1;
	}
	if (strncmp(s, "6:", 2) == 0) {
		addr_arg.len = 16;
		return inet_pton(AF_INET6, s + 2, addr_bytes) == 1;
	}
	addr_arg.len = 128;
	if (strncmp(s, "s4:", 3) == 0) {
		addr_bytes[0] = 1;
		return inet_pton(AF_INET, s + 3, addr_bytes + 2) == 1;
	}
	if (strncmp(s, "s6:", 3) == 0) {
		addr_bytes[0] = 2;
		return inet_pton(AF_INET6, s + 3, addr_bytes + 2) == 1;
	}
	if (strncmp(s, "u:", 2) == 0) {
		addr_bytes[0] = 3;
		strncpy((char *)addr_bytes + 2, s + 2, 125);
		return 1;
	}
	return 0;
}

/* --- memory --------------------------------------------------------------- */

static uint32_t mem_end(void) { return (uint32_t)__builtin_wasm_memory_size(0) * 65536u; }

static uint8_t data[65536];

/* --- ABI abuse ------------------------------------------------------------ */

struct iov32 {
	uint32_t buf, len;
};
static struct iov32 iovs[1100];
static uint8_t scratch[8192];
static uint8_t events[64 * 32];

/* wasm32 addrinfo and sockaddr of the WasmEdge extensions. */
struct ai32 {
	uint16_t flags;
	uint8_t family, socktype;
	uint32_t protocol, addrlen, addr, canonname, canonnamelen, next;
};
struct sa32 {
	uint32_t family, len, data;
};

static void abi(const char *name) {
	uint32_t end = mem_end();
	uint32_t n = 0;
	int32_t e = -1;
	if (strcmp(name, "iovs_at_end") == 0) {
		/* the iovec array's 8 bytes start 7 bytes before the end */
		e = raw_fd_write(1, end - 7, 1, P(&n));
	} else if (strcmp(name, "iovs_past_end") == 0) {
		e = raw_fd_write(1, end, 1, P(&n));
	} else if (strcmp(name, "iov_buf_over_end") == 0) {
		iovs[0] = (struct iov32){end - 1, 2};
		e = raw_fd_write(1, P(iovs), 1, P(&n));
	} else if (strcmp(name, "iov_len_wraps") == 0) {
		iovs[0] = (struct iov32){P(data), 0xFFFFFFFF};
		e = raw_fd_read(0, P(iovs), 1, P(&n));
	} else if (strcmp(name, "nwritten_at_end") == 0) {
		iovs[0] = (struct iov32){P(data), 1};
		e = raw_fd_write(1, P(iovs), 1, end - 3);
	} else if (strcmp(name, "iovs_u32max") == 0) {
		e = raw_fd_write(1, P(iovs), 0xFFFFFFFF, P(&n));
	} else if (strcmp(name, "iovs_2e31") == 0) {
		e = raw_fd_read(0, P(iovs), 0x80000000, P(&n));
	} else if (strcmp(name, "iovs_1025") == 0) {
		for (int i = 0; i < 1025; i++) iovs[i] = (struct iov32){P(data), 0};
		e = raw_fd_write(1, P(iovs), 1025, P(&n));
	} else if (strcmp(name, "iovs_1024_empty") == 0) {
		for (int i = 0; i < 1024; i++) iovs[i] = (struct iov32){P(data), 0};
		e = raw_fd_write(1, P(iovs), 1024, P(&n));
	} else if (strcmp(name, "path_len_u32max") == 0) {
		uint32_t fd;
		e = raw_path_open(3, 0, P("x"), 0xFFFFFFFF, 0, R_READ, 0, 0, P(&fd));
	} else if (strcmp(name, "path_len_4097") == 0) {
		memset(scratch, 'a', 4097);
		uint32_t fd;
		e = raw_path_open(3, 0, P(scratch), 4097, 0, R_READ, 0, 0, P(&fd));
	} else if (strcmp(name, "path_over_end") == 0) {
		e = raw_path_filestat_get(3, 0, end - 1, 2, P(scratch));
	} else if (strcmp(name, "path_result_over_end") == 0) {
		e = raw_path_filestat_get(3, 0, P("."), 1, end - 63);
	} else if (strcmp(name, "poll_u32max") == 0) {
		e = raw_poll_oneoff(P(scratch), P(events), 0xFFFFFFFF, P(&n));
	} else if (strcmp(name, "poll_2e31") == 0) {
		e = raw_poll_oneoff(P(scratch), P(events), 0x80000000, P(&n));
	} else if (strcmp(name, "poll_4097") == 0) {
		e = raw_poll_oneoff(0, 0, 4097, P(&n));
	} else if (strcmp(name, "poll_over_end") == 0) {
		e = raw_poll_oneoff(end - 48, P(events), 2, P(&n));
	} else if (strcmp(name, "renumber_2e31") == 0) {
		e = raw_fd_renumber(1, (int32_t)0x80000000);
	} else if (strcmp(name, "renumber_u32max") == 0) {
		e = raw_fd_renumber(1, (int32_t)0xFFFFFFFF);
	} else if (strcmp(name, "renumber_to_large") == 0) {
		e = raw_fd_renumber(1, 1 << 20);
	} else if (strcmp(name, "renumber_from_2e31") == 0) {
		e = raw_fd_renumber((int32_t)0x80000000, 5);
	} else if (strcmp(name, "args_overlap") == 0) {
		/* argv pointers and their strings in the same bytes */
		e = raw_args_get(P(scratch), P(scratch) + 2);
	} else if (strcmp(name, "environ_overlap") == 0) {
		e = raw_environ_get(P(scratch) + 1, P(scratch));
	} else if (strcmp(name, "args_at_end") == 0) {
		e = raw_args_get(end - 4, end - 1);
	} else if (strcmp(name, "readdir_zero") == 0) {
		e = raw_fd_readdir(3, P(scratch), 0, 0, P(&n));
	} else if (strcmp(name, "readdir_tiny") == 0) {
		e = raw_fd_readdir(3, P(scratch), 1, 0, P(&n));
	} else if (strcmp(name, "readdir_u32max") == 0) {
		e = raw_fd_readdir(3, P(scratch), 0xFFFFFFFF, 0, P(&n));
	} else if (strcmp(name, "readdir_rest_of_memory") == 0) {
		e = raw_fd_readdir(3, P(scratch), end - P(scratch), 0, P(&n));
	} else if (strcmp(name, "readdir_huge_cookie") == 0) {
		e = raw_fd_readdir(3, P(scratch), sizeof scratch, (int64_t)0x7FFFFFFFFFFFFFFF, P(&n));
	} else if (strcmp(name, "prestat_name_u32max") == 0) {
		e = raw_prestat_dir_name(3, P(scratch), 0xFFFFFFFF);
	} else if (strcmp(name, "random_u32max") == 0) {
		e = raw_random_get(P(scratch), 0xFFFFFFFF);
	} else if (strcmp(name, "random_rest_of_memory") == 0) {
		/* fills everything from data on: this guest reports and stops */
		e = raw_random_get(end - 65536, 65536);
	} else if (strcmp(name, "getaddrinfo_selfref") == 0 ||
	           strcmp(name, "getaddrinfo_maxres0") == 0) {
		/* One entry whose next pointer is itself, and max_res_len
		 * 0xFFFFFFFF: the host must not loop, nor write past it. */
		static struct ai32 a;
		static struct sa32 sa;
		static uint8_t sabuf[26], canon[32];
		static uint32_t first, count;
		static struct ai32 hints;
		memset(&a, 0, sizeof a);
		sa = (struct sa32){0, sizeof sabuf, P(sabuf)};
		a.addr = P(&sa);
		a.canonname = P(canon);
		a.canonnamelen = sizeof canon;
		a.next = P(&a);
		first = P(&a);
		memset(&hints, 0, sizeof hints);
		const char *node = "localhost";
		uint32_t max = strcmp(name, "getaddrinfo_selfref") == 0 ? 0xFFFFFFFF : 0;
		e = we_sock_getaddrinfo(P(node), strlen(node), 0, 0, P(&hints), P(&first), max, P(&count));
		n = count;
	} else {
		report("abi", 28, "unknown=%s", name);
		return;
	}
	report("abi", (unsigned)e, "name=%s n=%u", name, n);
}

/* --- commands ------------------------------------------------------------- */

static void run(char *cmd) {
	split(cmd);
	const char *v = arg(0);
	__wasi_errno_t e;
	if (strcmp(v, "report") == 0) {
		report_fd = (int)num(arg(1));
		report(v, 0, NULL);
	} else if (strcmp(v, "exit") == 0) {
		__wasi_proc_exit((__wasi_exitcode_t)num(arg(1)));
	} else if (strcmp(v, "open") == 0) {
		__wasi_fd_t fd = (__wasi_fd_t)-1;
		e = do_open(fd_of(arg(1)), arg(2), arg(3), &fd);
		if (e == 0) setvar(4, fd);
		report(v, e, "fd=%d", e == 0 ? (int)fd : -1);
	} else if (strcmp(v, "cat") == 0) {
		__wasi_fd_t fd;
		char buf[48];
		__wasi_size_t got = 0;
		e = do_open(fd_of(arg(1)), arg(2), strcmp(arg(3), "f") == 0 ? "rf" : "r", &fd);
		if (e == 0) {
			__wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
			e = __wasi_fd_read(fd, &iov, 1, &got);
			__wasi_fd_close(fd);
			for (__wasi_size_t i = 0; i < got; i++)
				if (buf[i] < 0x21 || buf[i] > 0x7e) buf[i] = '_';
		}
		buf[got] = 0;
		report(v, e, "data=%s", buf);
	} else if (strcmp(v, "read") == 0) {
		__wasi_size_t n = 0;
		size_t want = num(arg(2));
		__wasi_iovec_t iov = {data, want > sizeof data ? sizeof data : want};
		e = __wasi_fd_read(fd_of(arg(1)), &iov, 1, &n);
		report(v, e, "n=%u", n);
	} else if (strcmp(v, "write") == 0 || strcmp(v, "pwrite") == 0) {
		__wasi_size_t n = 0;
		size_t want = num(arg(2));
		memset(data, 'x', sizeof data);
		__wasi_ciovec_t iov = {data, want > sizeof data ? sizeof data : want};
		if (v[0] == 'p')
			e = __wasi_fd_pwrite(fd_of(arg(1)), &iov, 1, num(arg(3)), &n);
		else
			e = __wasi_fd_write(fd_of(arg(1)), &iov, 1, &n);
		report(v, e, "n=%u", n);
	} else if (strcmp(v, "flood") == 0) {
		/* write until an error; a stuck writer is ended by the timeout */
		uint64_t total = 0;
		size_t chunk = num(arg(2));
		if (chunk == 0 || chunk > sizeof data) chunk = sizeof data;
		memset(data, 'y', sizeof data);
		__wasi_fd_t fd = fd_of(arg(1));
		for (;;) {
			__wasi_size_t n = 0;
			__wasi_ciovec_t iov = {data, chunk};
			e = __wasi_fd_write(fd, &iov, 1, &n);
			total += n;
			if (e != 0) break;
			if (n == 0) { e = __WASI_ERRNO_IO; break; }
		}
		/* and once more: the error sticks */
		__wasi_size_t n = 0;
		__wasi_ciovec_t iov = {data, 1};
		__wasi_errno_t again = __wasi_fd_write(fd, &iov, 1, &n);
		report(v, e, "total=%llu again=%u", (unsigned long long)total, again);
	} else if (strcmp(v, "allocate") == 0) {
		e = __wasi_fd_allocate(fd_of(arg(1)), num(arg(2)), num(arg(3)));
		report(v, e, NULL);
	} else if (strcmp(v, "setsize") == 0) {
		e = __wasi_fd_filestat_set_size(fd_of(arg(1)), num(arg(2)));
		report(v, e, NULL);
	} else if (strcmp(v, "stat") == 0) {
		__wasi_filestat_t st;
		memset(&st, 0, sizeof st);
		e = __wasi_path_filestat_get(fd_of(arg(1)),
		                             strcmp(arg(3), "f") == 0 ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0,
		                             arg(2), &st);
		report(v, e, "type=%u size=%llu", st.filetype, (unsigned long long)st.size);
	} else if (strcmp(v, "readlink") == 0) {
		char buf[128];
		__wasi_size_t n = 0;
		e = __wasi_path_readlink(fd_of(arg(1)), arg(2), (uint8_t *)buf, sizeof buf - 1, &n);
		buf[n] = 0;
		report(v, e, "target=%s", buf);
	} else if (strcmp(v, "mkdir") == 0) {
		report(v, __wasi_path_create_directory(fd_of(arg(1)), arg(2)), NULL);
	} else if (strcmp(v, "rmdir") == 0) {
		report(v, __wasi_path_remove_directory(fd_of(arg(1)), arg(2)), NULL);
	} else if (strcmp(v, "unlink") == 0) {
		report(v, __wasi_path_unlink_file(fd_of(arg(1)), arg(2)), NULL);
	} else if (strcmp(v, "rename") == 0) {
		report(v, __wasi_path_rename(fd_of(arg(1)), arg(2), fd_of(arg(3)), arg(4)), NULL);
	} else if (strcmp(v, "link") == 0) {
		report(v,
		       __wasi_path_link(fd_of(arg(1)),
		                        strcmp(arg(5), "f") == 0 ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0,
		                        arg(2), fd_of(arg(3)), arg(4)),
		       NULL);
	} else if (strcmp(v, "symlink") == 0) {
		report(v, __wasi_path_symlink(arg(1), fd_of(arg(2)), arg(3)), NULL);
	} else if (strcmp(v, "utimes") == 0) {
		report(v,
		       __wasi_path_filestat_set_times(fd_of(arg(1)), 0, arg(2), 0, 0,
		                                      __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW),
		       NULL);
	} else if (strcmp(v, "close") == 0) {
		report(v, __wasi_fd_close(fd_of(arg(1))), NULL);
	} else if (strcmp(v, "renumber") == 0) {
		report(v, __wasi_fd_renumber(fd_of(arg(1)), fd_of(arg(2))), NULL);
	} else if (strcmp(v, "fdstat") == 0) {
		__wasi_fdstat_t st;
		memset(&st, 0, sizeof st);
		e = __wasi_fd_fdstat_get(fd_of(arg(1)), &st);
		report(v, e, "type=%u base=%#llx inherit=%#llx", st.fs_filetype,
		       (unsigned long long)st.fs_rights_base, (unsigned long long)st.fs_rights_inheriting);
	} else if (strcmp(v, "setrights") == 0) {
		report(v, __wasi_fd_fdstat_set_rights(fd_of(arg(1)), num(arg(2)), num(arg(3))), NULL);
	} else if (strcmp(v, "openmany") == 0) {
		unsigned n = 0;
		__wasi_fd_t fd;
		while ((e = do_open(fd_of(arg(1)), arg(2), "r", &fd)) == 0 && n < 1000000) n++;
		report(v, e, "n=%u", n);
	} else if (strcmp(v, "manypaths") == 0) {
		/* N distinct names: each one a new policy input */
		unsigned count = (unsigned)num(arg(3)), denied = 0, other = 0;
		char p[256];
		__wasi_fd_t dir = fd_of(arg(1));
		for (unsigned i = 0; i < count; i++) {
			__wasi_filestat_t st;
			snprintf(p, sizeof p, "%s%u", arg(2), i);
			e = __wasi_path_filestat_get(dir, 0, p, &st);
			if (e == __WASI_ERRNO_ACCES) denied++;
			else if (e != __WASI_ERRNO_NOENT) other++;
		}
		report(v, 0, "denied=%u other=%u", denied, other);
	} else if (strcmp(v, "readdir") == 0) {
		__wasi_size_t used = 0;
		size_t len = num(arg(2));
		e = __wasi_fd_readdir(fd_of(arg(1)), data, len > sizeof data ? sizeof data : len, 0, &used);
		report(v, e, "used=%u", used);
	} else if (strcmp(v, "memgrow") == 0) {
		/* grow one page at a time until refused, touching each page */
		unsigned long long pages = __builtin_wasm_memory_size(0);
		for (;;) {
			size_t old = __builtin_wasm_memory_grow(0, 1);
			if (old == (size_t)-1) break;
			((volatile uint8_t *)(uintptr_t)(old * 65536))[0] = 1;
			pages = old + 1;
		}
		report(v, 0, "pages=%llu", pages);
	} else if (strcmp(v, "spin") == 0) {
		report(v, 0, NULL);
		volatile unsigned long long i = 0;
		for (;;) i++;
	} else if (strcmp(v, "sleep") == 0) {
		report("sleeping", 0, NULL);
		__wasi_subscription_t sub;
		memset(&sub, 0, sizeof sub);
		sub.u.tag = __WASI_EVENTTYPE_CLOCK;
		sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
		sub.u.u.clock.timeout = num(arg(1)) * 1000000000ull;
		__wasi_event_t ev;
		__wasi_size_t n;
		report(v, __wasi_poll_oneoff(&sub, &ev, 1, &n), NULL);
	} else if (strcmp(v, "sock_open") == 0) {
		uint32_t fd = (uint32_t)-1;
		e = (__wasi_errno_t)we_sock_open((int32_t)num(arg(1)), (int32_t)num(arg(2)), P(&fd));
		if (e == 0) setvar(3, fd);
		report(v, e, "fd=%d", e == 0 ? (int)fd : -1);
	} else if (strcmp(v, "connect") == 0 || strcmp(v, "bind") == 0) {
		if (!parse_addr(arg(2))) {
			report(v, 28, "badaddr=%s", arg(2));
			return;
		}
		int32_t (*f)(int32_t, int32_t, int32_t) = v[0] == 'c' ? we_sock_connect : we_sock_bind;
		report(v, (unsigned)f((int32_t)fd_of(arg(1)), P(&addr_arg), (int32_t)num(arg(3))), NULL);
	} else if (strcmp(v, "listen") == 0) {
		report(v, (unsigned)we_sock_listen((int32_t)fd_of(arg(1)), (int32_t)num(arg(2))), NULL);
	} else if (strcmp(v, "accept") == 0) {
		report("accepting", 0, NULL);
		uint32_t fd = (uint32_t)-1;
		e = (__wasi_errno_t)we_sock_accept((int32_t)fd_of(arg(1)), 0, P(&fd));
		report(v, e, "fd=%d", e == 0 ? (int)fd : -1);
	} else if (strcmp(v, "sendto") == 0) {
		if (!parse_addr(arg(2))) {
			report(v, 28, "badaddr=%s", arg(2));
			return;
		}
		uint32_t sent = 0;
		size_t want = num(arg(4));
		memset(data, 'z', 64);
		iovs[0] = (struct iov32){P(data), want > 64 ? 64 : want};
		e = (__wasi_errno_t)we_sock_send_to((int32_t)fd_of(arg(1)), P(iovs), 1, P(&addr_arg),
		                                    (int32_t)num(arg(3)), 0, P(&sent));
		report(v, e, "n=%u", sent);
	} else if (strcmp(v, "getaddrinfo") == 0) {
		static struct ai32 a[4], hints;
		static struct sa32 sa[4];
		static uint8_t sabuf[4][26], canon[4][64];
		static uint32_t first;
		uint32_t count = 0;
		for (int i = 0; i < 4; i++) {
			memset(&a[i], 0, sizeof a[i]);
			sa[i] = (struct sa32){0, sizeof sabuf[i], P(sabuf[i])};
			a[i].addr = P(&sa[i]);
			a[i].canonname = P(canon[i]);
			a[i].canonnamelen = sizeof canon[i];
			a[i].next = i < 3 ? P(&a[i + 1]) : 0;
		}
		first = P(&a[0]);
		memset(&hints, 0, sizeof hints);
		const char *node = arg(1);
		e = (__wasi_errno_t)we_sock_getaddrinfo(P(node), strlen(node), 0, 0, P(&hints), P(&first), 4,
		                                        P(&count));
		report(v, e, "n=%u", count);
	} else if (strcmp(v, "abi") == 0) {
		abi(arg(1));
	} else {
		report(v, 28, "unknown");
	}
}

int main(int argc, char **argv) {
	for (int i = 1; i < argc; i++) {
		cmd_index = i;
		run(argv[i]);
	}
	return 0;
}
