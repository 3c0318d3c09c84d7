;; Imports a function no host provides: instantiation must fail (125).
(module
  (import "env" "nonexistent" (func $f))
  (func (export "_start") (call $f)))
