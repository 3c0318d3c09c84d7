;; Traps (unreachable) two calls deep, so the stack trace has named frames.
(module
  (memory (export "memory") 1)
  (func $inner unreachable)
  (func $outer (call $inner))
  (func (export "_start") (call $outer)))
