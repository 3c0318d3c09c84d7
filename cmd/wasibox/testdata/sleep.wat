;; Writes "sleeping\n", then blocks in poll_oneoff on a one-hour relative
;; clock subscription, then exits 0. Only cancellation ends it early.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 512) "sleeping\n")
  (func (export "_start")
    (i32.store (i32.const 256) (i32.const 512))
    (i32.store (i32.const 260) (i32.const 9))
    (drop (call $fd_write (i32.const 1) (i32.const 256) (i32.const 1) (i32.const 264)))
    ;; subscription at 0: userdata 1, tag clock (0), id monotonic (1),
    ;; timeout 3600 s, precision 0, flags 0 (relative). Event out at 64.
    (i64.store (i32.const 0) (i64.const 1))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 3600000000000))
    (i64.store (i32.const 32) (i64.const 0))
    (i32.store16 (i32.const 40) (i32.const 0))
    (drop (call $poll_oneoff (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))
    (call $proc_exit (i32.const 0))))
