// Package hostabi is the wazero host module "wasi_snapshot_preview1": it
// decodes guest memory, checks every pointer and length before any side
// effect, caps every guest-driven count, and calls a wasi.System.
//
// Trust boundary: everything read from the guest (stack values and linear
// memory) is hostile. A guest pointer never leaves this package; the System
// sees Go values and slices that alias validated guest memory.
package hostabi

import (
	"context"
	"errors"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/wasi"
)

// ModuleName is the import module name of WASI preview 1.
const ModuleName = "wasi_snapshot_preview1"

// Instantiate builds and instantiates the host module in r, backed by sys.
// guest, if not nil, is the compiled guest module: its imports select the
// WasmEdge socket ABI generation to export (V1 or V2 signatures).
// The returned closer removes the host module from r.
func Instantiate(ctx context.Context, r wazero.Runtime, sys wasi.System, guest wazero.CompiledModule) (api.Closer, error) {
	return nil, errors.New("hostabi: not implemented yet")
}
