;; run(n) calls poll_oneoff with one relative monotonic clock subscription
;; of timeout 0 (fires at once) n times, stopping at the first error, and
;; returns the last errno.
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; subscription at 128: userdata=42, tag=clock, id=monotonic, timeout=0,
  ;; precision=0, flags=0. Event out at 256, nevents at 32.
  (data (i32.const 128) "\2a\00\00\00\00\00\00\00" "\00\00\00\00\00\00\00\00"
                        "\01\00\00\00\00\00\00\00" "\00\00\00\00\00\00\00\00"
                        "\00\00\00\00\00\00\00\00" "\00\00\00\00\00\00\00\00")
  (func (export "run") (param $n i32) (result i32)
    (local $e i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $e (call $poll_oneoff (i32.const 128) (i32.const 256) (i32.const 1) (i32.const 32)))
        (br_if $done (local.get $e))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $e)))
