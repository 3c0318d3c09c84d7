;; WasmEdge V2 sockets (0.12 and later): "_v2" names, an 8-parameter
;; sock_recv_from, 3-parameter get*addr, name resolution.
(module
  (import "wasi_snapshot_preview1" "sock_open_v2" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_connect_v2" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept_v2" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv_from" (func (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send_to" (func (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_getpeeraddr" (func (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_getaddrinfo" (func (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_setsockopt" (func (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))
