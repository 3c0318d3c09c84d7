;; WasmEdge V1 sockets (before WasmEdge 0.12): a 2-parameter sock_accept,
;; a 7-parameter sock_recv_from and 4-parameter get*addr.
(module
  (import "wasi_snapshot_preview1" "sock_open" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_bind" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_listen" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_connect" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv_from" (func (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_getlocaladdr" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_getpeeraddr" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))
