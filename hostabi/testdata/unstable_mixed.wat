;; unstable_mixed.wat imports fd_seek, fd_filestat_get and poll_oneoff from
;; both wasi_unstable (preview 0) and wasi_snapshot_preview1, and
;; re-exports them as p0_<name> and p1_<name>: each import must keep its
;; own snapshot's ABI within one guest.
(module
  (import "wasi_unstable" "fd_seek" (func $p0_fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $p0_fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "poll_oneoff" (func $p0_poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $p1_fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $p1_fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $p1_poll_oneoff (param i32 i32 i32 i32) (result i32)))

  (memory (export "memory") 1)

  (func (export "p0_fd_seek") (param i32 i64 i32 i32) (result i32)
    (call $p0_fd_seek (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "p0_fd_filestat_get") (param i32 i32) (result i32)
    (call $p0_fd_filestat_get (local.get 0) (local.get 1)))
  (func (export "p0_poll_oneoff") (param i32 i32 i32 i32) (result i32)
    (call $p0_poll_oneoff (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "p1_fd_seek") (param i32 i64 i32 i32) (result i32)
    (call $p1_fd_seek (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "p1_fd_filestat_get") (param i32 i32) (result i32)
    (call $p1_fd_filestat_get (local.get 0) (local.get 1)))
  (func (export "p1_poll_oneoff") (param i32 i32 i32 i32) (result i32)
    (call $p1_poll_oneoff (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
)
