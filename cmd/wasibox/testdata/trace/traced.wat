;; The guest of the trace golden tests: opens in.txt in the first preopen,
;; copies up to 64 bytes of it to stdout, closes it, then tries to open
;; key.pem, which the test manifest's fs.deny refuses.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "in.txt")
  (data (i32.const 120) "key.pem")
  ;; 0: iovec {1024, 64}; 16: nread/nwritten; 20: the opened fd
  (func (export "_start")
    (local $fd i32)
    (drop (call $path_open (i32.const 3) (i32.const 1) (i32.const 100) (i32.const 6)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 20)))
    (local.set $fd (i32.load (i32.const 20)))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 64))
    (drop (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 16)))
    (i32.store (i32.const 4) (i32.load (i32.const 16)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
    (drop (call $fd_close (local.get $fd)))
    (drop (call $path_open (i32.const 3) (i32.const 1) (i32.const 120) (i32.const 7)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 20)))))
