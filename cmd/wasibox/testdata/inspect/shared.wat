;; A shared memory: needs the threads feature, which wasibox run does not
;; enable.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1 16 shared)
  (func (export "_start")))
