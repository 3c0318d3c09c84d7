package wasibox_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/wasibox/wasibox"
	"github.com/wasibox/wasibox/policy"
)

// Example runs a module under a manifest, as `wasibox run -c` does: load
// the manifest, then Run (which checks the module's pin, builds the
// guarded System, instantiates the host module and calls _start).
func Example() {
	dir, _ := os.MkdirTemp("", "wasibox-example")
	defer os.RemoveAll(dir)
	os.Mkdir(filepath.Join(dir, "data"), 0o755)
	os.WriteFile(filepath.Join(dir, "data", "hello.txt"), []byte("hello from the host\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "manifest.yaml"), []byte(`version: 1
fs:
  mounts:
    - {host: ./data, guest: /data, mode: ro}
`), 0o644)
	wasm, err := buildCat(dir)
	if err != nil {
		fmt.Println(err)
		return
	}

	m, err := policy.Load(filepath.Join(dir, "manifest.yaml"))
	if err != nil {
		fmt.Println(err)
		return
	}
	code, err := wasibox.Run(context.Background(), wasm, wasibox.Options{
		Manifest: m,
		Args:     []string{"cat", "/data/hello.txt"},
	})
	fmt.Println("exit code:", code, err)
	// Output:
	// hello from the host
	// exit code: 0 <nil>
}

// buildCat compiles a tiny Go wasip1 program that prints a file.
func buildCat(dir string) ([]byte, error) {
	src := filepath.Join(dir, "cat")
	os.Mkdir(src, 0o755)
	os.WriteFile(filepath.Join(src, "go.mod"), []byte("module cat\n\ngo 1.26\n"), 0o644)
	os.WriteFile(filepath.Join(src, "main.go"), []byte(`package main

import (
	"io"
	"os"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		os.Exit(1)
	}
	io.Copy(os.Stdout, f)
}
`), 0o644)
	out := filepath.Join(dir, "cat.wasm")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, b)
	}
	return os.ReadFile(out)
}
