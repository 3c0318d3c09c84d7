;; Writes "reading\n", then blocks in fd_read on stdin; exits with fd_read's
;; errno (0 on success).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 512) "reading\n")
  (func (export "_start")
    (i32.store (i32.const 256) (i32.const 512))
    (i32.store (i32.const 260) (i32.const 8))
    (drop (call $fd_write (i32.const 1) (i32.const 256) (i32.const 1) (i32.const 264)))
    (i32.store (i32.const 0) (i32.const 64))
    (i32.store (i32.const 4) (i32.const 128))
    (call $proc_exit (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))
