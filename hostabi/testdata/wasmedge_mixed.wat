;; wasmedge_mixed.wat imports what the wasmedge_wasi_socket Rust crate
;; imports: a V1 sock_accept and get*addr, but a V2 sock_recv_from. The host
;; must choose the variant per name. Each export calls its import
;; (a re-exported import would run with the host module as the caller and
;; see no guest memory).
(module
  (import "wasi_snapshot_preview1" "sock_open" (func $sock_open (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $sock_accept (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv_from" (func $sock_recv_from (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_getlocaladdr" (func $sock_getlocaladdr (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_getpeeraddr" (func $sock_getpeeraddr (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_getsockopt" (func $sock_getsockopt (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "sock_open") (param i32 i32 i32) (result i32)
    (call $sock_open (local.get 0) (local.get 1) (local.get 2)))
  (func (export "sock_accept") (param i32 i32) (result i32)
    (call $sock_accept (local.get 0) (local.get 1)))
  (func (export "sock_recv_from") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (call $sock_recv_from (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5) (local.get 6) (local.get 7)))
  (func (export "sock_getlocaladdr") (param i32 i32 i32 i32) (result i32)
    (call $sock_getlocaladdr (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "sock_getpeeraddr") (param i32 i32 i32 i32) (result i32)
    (call $sock_getpeeraddr (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "sock_getsockopt") (param i32 i32 i32 i32 i32) (result i32)
    (call $sock_getsockopt (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
)
