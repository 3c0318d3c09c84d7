package hostabi

import "github.com/tetratelabs/wazero"

// PageSize is the size of a WebAssembly memory page in bytes.
const PageSize = 65536

// MaxMemoryPages is the most pages a 32-bit memory can have (4 GiB), and
// the most wazero accepts in WithMemoryLimitPages.
const MaxMemoryPages = 65536

// MemoryLimitPages converts a guest memory limit in bytes (the manifest's
// limits.memory) to the page count for wazero's
// RuntimeConfig.WithMemoryLimitPages: whole pages, rounded down so the
// limit is never exceeded; 0 bytes means no limit (MaxMemoryPages), as
// does anything at or above 4 GiB. A limit under one page gives 0 pages:
// every module that has a memory then fails to compile.
func MemoryLimitPages(limit uint64) uint32 {
	if limit == 0 || limit/PageSize >= MaxMemoryPages {
		return MaxMemoryPages
	}
	return uint32(limit / PageSize)
}

// WithMemoryLimit applies a guest memory limit in bytes (0: none) to rc.
//
// With the limit set, wazero enforces it in the guest itself, with no
// host call involved: memory.grow past it returns -1 (Go's wasip1
// runtime then dies with "out of memory", C's malloc returns NULL); a
// memory whose declared maximum is larger is capped at the limit; a
// module whose declared minimum is larger fails to compile (wazero's
// "min N pages over limit" error), before any of it runs. It must be
// set on the one RuntimeConfig used to compile and to run (design
// decision 9), since wazero sizes memories when it decodes the module.
func WithMemoryLimit(rc wazero.RuntimeConfig, limit uint64) wazero.RuntimeConfig {
	if limit == 0 {
		return rc
	}
	return rc.WithMemoryLimitPages(MemoryLimitPages(limit))
}
