;; Everything wasibox cannot link: another module, an unknown name (in
;; both WASI modules: preview 0 has no sock_accept), a wrong signature, a name imported with two signatures, a memory, a
;; table and a global.
(module
  (import "env" "abort" (func (param i32 i32 i32 i32)))
  (import "wasi_unstable" "sock_accept" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "no_such_function" (func))
  (import "wasi_snapshot_preview1" "sock_recv_from" (func (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv_from" (func $again (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func (param i32 i32) (result i32)))
  (import "env" "memory" (memory 1))
  (import "env" "table" (table 1 funcref))
  (import "env" "g" (global i32))
  (func (export "_start")))
