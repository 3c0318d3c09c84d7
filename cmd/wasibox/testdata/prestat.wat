;; Exits with the errno of fd_prestat_get(3): 0 when a preopen is visible,
;; EBADF (8) when the guest was given none.
(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (call $fd_prestat_get (i32.const 3) (i32.const 0)))))
