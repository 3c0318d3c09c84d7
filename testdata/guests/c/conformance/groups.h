/*
 * groups.h — the check groups of the conformance guest, one per WASI
 * preview 1 function (or a few closely related ones). Each group runs in a
 * fresh copy of the fixture tree that hostabi/e2e_test.go builds:
 *
 *   hello.txt      "hello, world\n"      empty.txt   ""
 *   dir/one.txt    "1"                   dir/sub/
 *   link_hello  -> hello.txt             link_dir -> dir
 *   dangling    -> nowhere               loop     -> loop
 *   data/in.txt    "data file\n"         (data/ is also preopened as /data)
 *
 * with "/" at fd 3 (ROOT_FD) and "/data" at fd 4 (DATA_FD).
 */
#ifndef CONFORMANCE_GROUPS_H
#define CONFORMANCE_GROUPS_H

#include "check.h"

/* misc.c */
void g_args(int argc, char **argv);
void g_environ(int argc, char **argv);
void g_clocks(int argc, char **argv);
void g_random_get(int argc, char **argv);
void g_sched_yield(int argc, char **argv);
void g_proc_exit(int argc, char **argv);
void g_efault(int argc, char **argv);
void g_sock(int argc, char **argv);

/* poll.c */
void g_poll_oneoff(int argc, char **argv);
void g_nonblock(int argc, char **argv);
void g_stdin(int argc, char **argv);

/* fd.c */
void g_fd_advise(int argc, char **argv);
void g_fd_allocate(int argc, char **argv);
void g_fd_close(int argc, char **argv);
void g_fd_sync(int argc, char **argv);
void g_fd_fdstat(int argc, char **argv);
void g_fd_filestat(int argc, char **argv);
void g_fd_pread_pwrite(int argc, char **argv);
void g_fd_prestat(int argc, char **argv);
void g_fd_read_write(int argc, char **argv);
void g_fd_readdir(int argc, char **argv);
void g_fd_renumber(int argc, char **argv);
void g_fd_seek_tell(int argc, char **argv);
void g_fd_dir_ops(int argc, char **argv);

/* path.c */
void g_path_create_directory(int argc, char **argv);
void g_path_filestat(int argc, char **argv);
void g_path_link(int argc, char **argv);
void g_path_open(int argc, char **argv);
void g_path_readlink(int argc, char **argv);
void g_path_remove_directory(int argc, char **argv);
void g_path_rename(int argc, char **argv);
void g_path_symlink(int argc, char **argv);
void g_path_unlink_file(int argc, char **argv);
void g_readonly(int argc, char **argv);

/* Dirent parsing for fd_readdir. */
struct entry {
	char name[64];
	uint64_t next, ino;
	uint8_t type;
};
/* parse_dirents decodes complete entries of buf[0:used]; returns how many. */
int parse_dirents(const uint8_t *buf, size_t used, struct entry *out, int max);

#endif
