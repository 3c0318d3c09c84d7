//go:build !wasip1

package main

import (
	"fmt"
	"os"
)

// probe needs the WasmEdge imports: wasip1 only.
func probe(op, family, addr, port string) int {
	fmt.Fprintln(os.Stderr, "echo probe: only in the wasip1 build")
	return 2
}
