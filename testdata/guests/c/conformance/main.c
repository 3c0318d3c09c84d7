/*
 * conformance — exercises each WASI preview 1 function group with raw
 * __wasi_* calls. Usage: conformance <group> [args...]; "conformance list"
 * prints the group names (the Go test checks it covers them all).
 */
#define CHECK_MAIN
#include "groups.h"

static const struct {
	const char *name;
	void (*fn)(int argc, char **argv);
} groups[] = {
    {"args", g_args},
    {"environ", g_environ},
    {"clocks", g_clocks},
    {"fd_advise", g_fd_advise},
    {"fd_allocate", g_fd_allocate},
    {"fd_close", g_fd_close},
    {"fd_sync", g_fd_sync},
    {"fd_fdstat", g_fd_fdstat},
    {"fd_filestat", g_fd_filestat},
    {"fd_pread_pwrite", g_fd_pread_pwrite},
    {"fd_prestat", g_fd_prestat},
    {"fd_read_write", g_fd_read_write},
    {"fd_readdir", g_fd_readdir},
    {"fd_renumber", g_fd_renumber},
    {"fd_seek_tell", g_fd_seek_tell},
    {"fd_dir_ops", g_fd_dir_ops},
    {"path_create_directory", g_path_create_directory},
    {"path_filestat", g_path_filestat},
    {"path_link", g_path_link},
    {"path_open", g_path_open},
    {"path_readlink", g_path_readlink},
    {"path_remove_directory", g_path_remove_directory},
    {"path_rename", g_path_rename},
    {"path_symlink", g_path_symlink},
    {"path_unlink_file", g_path_unlink_file},
    {"poll_oneoff", g_poll_oneoff},
    {"nonblock", g_nonblock},
    {"stdin", g_stdin},
    {"proc_exit", g_proc_exit},
    {"random_get", g_random_get},
    {"sched_yield", g_sched_yield},
    {"sock", g_sock},
    {"efault", g_efault},
    {"readonly", g_readonly},
};

int main(int argc, char **argv) {
	size_t i;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: conformance <group> [args...] | list\n");
		return 2;
	}
	if (strcmp(argv[1], "list") == 0) {
		for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) printf("%s\n", groups[i].name);
		return 0;
	}
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (strcmp(argv[1], groups[i].name) == 0) {
			groups[i].fn(argc, argv);
			return summary(argv[1]);
		}
	}
	fprintf(stderr, "conformance: unknown group %s\n", argv[1]);
	return 2;
}

int parse_dirents(const uint8_t *buf, size_t used, struct entry *out, int max) {
	int n = 0;
	size_t off = 0;
	while (n < max && off + sizeof(__wasi_dirent_t) <= used) {
		__wasi_dirent_t d;
		memcpy(&d, buf + off, sizeof d);
		off += sizeof d;
		if (off + d.d_namlen > used) break; /* truncated entry */
		size_t l = d.d_namlen < sizeof(out[n].name) - 1 ? d.d_namlen : sizeof(out[n].name) - 1;
		memcpy(out[n].name, buf + off, l);
		out[n].name[l] = 0;
		out[n].next = d.d_next;
		out[n].ino = d.d_ino;
		out[n].type = d.d_type;
		off += d.d_namlen;
		n++;
	}
	return n;
}
