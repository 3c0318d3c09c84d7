;; Spins in pure wasm forever: no host call ever reaches the closed-module
;; check, so only the CLI's grace period can end it.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $l (br $l))))
