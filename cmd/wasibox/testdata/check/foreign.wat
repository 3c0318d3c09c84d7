;; A module that imports what wasibox does not provide: it cannot link.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "thread_spawn" (func (param i32) (result i32)))
  (import "env" "log" (func (param i32)))
  (import "env" "memory" (memory 1))
  (func (export "_start")))
