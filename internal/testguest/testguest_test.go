package testguest

import (
	"bytes"
	"os"
	"testing"
)

// TestPath builds the guests (or finds them up to date) and checks that
// each kind of source produced a wasm module.
func TestPath(t *testing.T) {
	for _, name := range []string{"conformance", "escape", "libc_probe", "abi", "gowasi"} {
		b, err := os.ReadFile(Path(t, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("\x00asm\x01\x00\x00\x00")) {
			t.Errorf("%s is not a wasm module", name)
		}
	}
}
