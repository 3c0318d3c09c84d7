;; run(n) calls fd_read(0, iovs, 1, &nread) n times, stopping at the first
;; error, and returns the last errno.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: buf=64, len=16; nread at 32.
  (data (i32.const 0) "\40\00\00\00\10\00\00\00")
  (func (export "run") (param $n i32) (result i32)
    (local $e i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $e (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 32)))
        (br_if $done (local.get $e))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $e)))
