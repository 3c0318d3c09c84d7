// Command gowasip1 is a small Go program for GOOS=wasip1: it reads a file
// named by its first argument and an environment variable, and prints the
// time. inspect_test.go builds it and checks what wasibox inspect sees in
// a real Go binary.
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	data, err := os.ReadFile(os.Args[1])
	fmt.Println(len(data), err, os.Getenv("GREETING"), time.Now().Year())
}
