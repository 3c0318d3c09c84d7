;; wasmedge_badsig.wat imports sock_recv_from with a signature of neither
;; WasmEdge generation: linking must fail and name the function.
(module
  (import "wasi_snapshot_preview1" "sock_recv_from" (func (param i32 i32 i32 i32 i32) (result i32)))
)
