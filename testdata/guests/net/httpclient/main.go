//go:build wasip1

// Command httpclient is a test guest: an HTTP client whose connections are
// dialed with guest/sock.DialContext (WasmEdge socket extensions) and whose
// host names are resolved with sock_getaddrinfo.
//
// Usage: httpclient <url> [count]. It GETs url count times (default 1) on
// one keep-alive client and prints, per response:
//
//	status <code> bytes <n> sha256 <hex>
//
// and "error <message>" (exit 1) on failure.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/wasibox/wasibox/guest/sock"
)

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: httpclient <url> [count]")
		os.Exit(2)
	}
	count := 1
	if len(os.Args) == 3 {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "bad count")
			os.Exit(2)
		}
		count = n
	}
	client := &http.Client{
		Transport: &http.Transport{DialContext: sock.DialContext},
		Timeout:   30 * time.Second,
	}
	for range count {
		resp, err := client.Get(os.Args[1])
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		h := sha256.New()
		n, err := io.Copy(h, resp.Body)
		resp.Body.Close()
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Printf("status %d bytes %d sha256 %s\n", resp.StatusCode, n, hex.EncodeToString(h.Sum(nil)))
	}
}
