;; abi — exact memory-boundary checks of the host module's pointer and
;; length validation, with a memory of exactly one page (65536 bytes).
;; A buffer ending at byte 65536 is valid; one byte further is EFAULT (21).
;;
;; On the first failing check the guest exits with 100 + the check number
;; (hostabi/e2e_test.go names them); on success it writes "ok abi\n" once
;; (check 7) and exits 0.
(module
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get"
    (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name"
    (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get"
    (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit"
    (func $proc_exit (param i32)))

  (memory (export "memory") 1)
  (data (i32.const 16) "ok abi\n")

  ;; expect exits with 100+check unless got == want.
  (func $expect (param $check i32) (param $got i32) (param $want i32)
    (if (i32.ne (local.get $got) (local.get $want))
      (then (call $proc_exit (i32.add (i32.const 100) (local.get $check))))))

  ;; expect2 accepts either of two errnos.
  (func $expect2 (param $check i32) (param $got i32) (param $a i32) (param $b i32)
    (if (i32.and (i32.ne (local.get $got) (local.get $a)) (i32.ne (local.get $got) (local.get $b)))
      (then (call $proc_exit (i32.add (i32.const 100) (local.get $check))))))

  (func (export "_start")
    ;; 1-3: an 8-byte result at the very end, one byte past it, wrapping.
    (call $expect (i32.const 1) (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 65528)) (i32.const 0))
    (call $expect (i32.const 2) (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 65529)) (i32.const 21))
    (call $expect (i32.const 3) (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const -1)) (i32.const 21))

    ;; 4-6: a buffer ending at the end of memory, one byte longer, and a
    ;; pointer whose end wraps around 2^32.
    (call $expect (i32.const 4) (call $random_get (i32.const 65520) (i32.const 16)) (i32.const 0))
    (call $expect (i32.const 5) (call $random_get (i32.const 65520) (i32.const 17)) (i32.const 21))
    (call $expect (i32.const 6) (call $random_get (i32.const -1) (i32.const 2)) (i32.const 21))

    ;; 7: an iovec array ending at the end of memory: {buf=16, len=7}.
    (i32.store (i32.const 65528) (i32.const 16))
    (i32.store (i32.const 65532) (i32.const 7))
    (call $expect (i32.const 7) (call $fd_write (i32.const 1) (i32.const 65528) (i32.const 1) (i32.const 0)) (i32.const 0))
    (call $expect (i32.const 8) (i32.load (i32.const 0)) (i32.const 7))
    ;; 9: two iovecs where only one fits.
    (call $expect (i32.const 9) (call $fd_write (i32.const 1) (i32.const 65528) (i32.const 2) (i32.const 0)) (i32.const 21))
    ;; 10: an iovec whose buffer runs past the end.
    (i32.store (i32.const 32) (i32.const 65530))
    (i32.store (i32.const 36) (i32.const 7))
    (call $expect (i32.const 10) (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 0)) (i32.const 21))
    ;; 11: 2^29 iovecs of 8 bytes: the array size wraps to 0 in 32 bits.
    (call $expect2 (i32.const 11) (call $fd_write (i32.const 1) (i32.const 32) (i32.const 0x20000000) (i32.const 0)) (i32.const 21) (i32.const 28))
    ;; 12: the nwritten result straddles the end.
    (call $expect (i32.const 12) (call $fd_write (i32.const 1) (i32.const 32) (i32.const 0) (i32.const 65533)) (i32.const 21))
    ;; 13: an iovec array starting exactly at the end.
    (call $expect (i32.const 13) (call $fd_read (i32.const 0) (i32.const 65536) (i32.const 1) (i32.const 0)) (i32.const 21))

    ;; 14-15: the preopen name "/" (1 byte) into the last byte, then past it.
    (call $expect (i32.const 14) (call $fd_prestat_dir_name (i32.const 3) (i32.const 65535) (i32.const 1)) (i32.const 0))
    (call $expect (i32.const 15) (i32.load8_u (i32.const 65535)) (i32.const 47))
    (call $expect (i32.const 16) (call $fd_prestat_dir_name (i32.const 3) (i32.const 65536) (i32.const 1)) (i32.const 21))

    ;; 17-18: a path straddling the end, a path length of 2^32-1.
    (call $expect (i32.const 17)
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 65535) (i32.const 2) (i32.const 0)
        (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)) (i32.const 21))
    (call $expect2 (i32.const 18)
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const -1) (i32.const 0)
        (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)) (i32.const 21) (i32.const 37))
    ;; 19: the new fd result straddles the end ("." opens fine otherwise).
    (i32.store8 (i32.const 48) (i32.const 46))
    (call $expect (i32.const 19)
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 48) (i32.const 1) (i32.const 2)
        (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 65534)) (i32.const 21))

    ;; 20-21: two 4-byte results ending at the end; one straddling it.
    (call $expect (i32.const 20) (call $args_sizes_get (i32.const 65528) (i32.const 65532)) (i32.const 0))
    (call $expect (i32.const 21) (call $args_sizes_get (i32.const 65533) (i32.const 64)) (i32.const 21))

    ;; 22-23: one 48-byte subscription ending at the end (all zero: a
    ;; realtime clock with timeout 0, which fires at once), then one byte
    ;; further. Events go to 1024, the count to 2048.
    (memory.fill (i32.const 65488) (i32.const 0) (i32.const 48))
    (call $expect (i32.const 22) (call $poll_oneoff (i32.const 65488) (i32.const 1024) (i32.const 1) (i32.const 2048)) (i32.const 0))
    (call $expect (i32.const 23) (i32.load (i32.const 2048)) (i32.const 1))
    (call $expect (i32.const 24) (call $poll_oneoff (i32.const 65489) (i32.const 1024) (i32.const 1) (i32.const 2048)) (i32.const 21))
    ;; 25: events array running past the end.
    (call $expect (i32.const 25) (call $poll_oneoff (i32.const 4096) (i32.const 65520) (i32.const 1) (i32.const 2048)) (i32.const 21))

    (call $proc_exit (i32.const 0)))
)
