;; A plain WASI preview 0 command: every import is from "wasi_unstable"
;; (as wasi-libc, Rust and AssemblyScript builds of 2019 made them). It
;; prints a greeting, reads /data/msg.txt (its size from the preview 0
;; filestat, whose size field is at offset 24), prints it, seeks to 4 bytes
;; before its end with preview 0's whence END (1), checks the offset with
;; whence CUR (0), prints those 4 bytes and exits with 7. A failed step
;; exits with its own code (10 and up) instead.
(module
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)

  ;; 0: iovec; 8: byte count; 16: opened fd; 24: new offset;
  ;; 64: filestat (56 bytes) followed by an 8-byte sentinel at 120;
  ;; 128: prestat; 256: greeting; 320: path; 512: read buffer (256 bytes).
  (data (i32.const 120) "\aa\aa\aa\aa\aa\aa\aa\aa")
  (data (i32.const 256) "hello from wasi_unstable\n")
  (data (i32.const 320) "msg.txt")

  (func $check (param $errno i32) (param $code i32)
    (if (local.get $errno) (then (call $proc_exit (local.get $code)))))

  (func $write (param $ptr i32) (param $len i32) (param $code i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (call $check (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)) (local.get $code)))

  (func (export "_start")
    (local $fd i32) (local $size i64) (local $n i32)
    (call $write (i32.const 256) (i32.const 25) (i32.const 10))
    (call $check (call $fd_prestat_get (i32.const 3) (i32.const 128)) (i32.const 11))
    ;; rights: fd_read | fd_seek | fd_tell | fd_filestat_get
    (call $check (call $path_open (i32.const 3) (i32.const 0) (i32.const 320) (i32.const 7) (i32.const 0)
      (i64.const 0x200026) (i64.const 0) (i32.const 0) (i32.const 16)) (i32.const 12))
    (local.set $fd (i32.load (i32.const 16)))

    (call $check (call $fd_filestat_get (local.get $fd) (i32.const 64)) (i32.const 13))
    (if (i32.ne (i32.load8_u (i32.const 80)) (i32.const 4)) (then (call $proc_exit (i32.const 14))))
    (local.set $size (i64.load (i32.const 88)))
    (if (i64.gt_u (local.get $size) (i64.const 256)) (then (call $proc_exit (i32.const 15))))
    (if (i64.ne (i64.load (i32.const 120)) (i64.const 0xaaaaaaaaaaaaaaaa)) (then (call $proc_exit (i32.const 16))))

    (i32.store (i32.const 0) (i32.const 512))
    (i32.store (i32.const 4) (i32.wrap_i64 (local.get $size)))
    (call $check (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)) (i32.const 17))
    (local.set $n (i32.load (i32.const 8)))
    (if (i64.ne (i64.extend_i32_u (local.get $n)) (local.get $size)) (then (call $proc_exit (i32.const 18))))
    (call $write (i32.const 512) (local.get $n) (i32.const 19))

    ;; whence END is 1 in preview 0, CUR is 0.
    (call $check (call $fd_seek (local.get $fd) (i64.const -4) (i32.const 1) (i32.const 24)) (i32.const 20))
    (if (i64.ne (i64.load (i32.const 24)) (i64.sub (local.get $size) (i64.const 4))) (then (call $proc_exit (i32.const 21))))
    (call $check (call $fd_seek (local.get $fd) (i64.const 0) (i32.const 0) (i32.const 24)) (i32.const 22))
    (if (i64.ne (i64.load (i32.const 24)) (i64.sub (local.get $size) (i64.const 4))) (then (call $proc_exit (i32.const 23))))

    (i32.store (i32.const 0) (i32.const 512))
    (i32.store (i32.const 4) (i32.const 4))
    (call $check (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)) (i32.const 24))
    (call $write (i32.const 512) (i32.load (i32.const 8)) (i32.const 25))
    (call $proc_exit (i32.const 7))))
