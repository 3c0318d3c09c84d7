//go:build wasip1

// Command http-client fetches a URL from a GOOS=wasip1 guest under
// wasibox: connections are dialed with guest/sock.DialContext and host
// names resolved with the host's sock_getaddrinfo. See README.md.
//
// Usage: http-client <url>
package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/wasibox/wasibox/guest/sock"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: http-client <url>")
		os.Exit(2)
	}
	client := &http.Client{
		// Go's default dialer and resolver cannot open sockets on wasip1.
		Transport: &http.Transport{DialContext: sock.DialContext},
		Timeout:   30 * time.Second,
	}
	resp, err := client.Get(os.Args[1])
	if err != nil {
		log.Fatal(err) // e.g. "permission denied" without a connect grant
	}
	defer resp.Body.Close()
	fmt.Fprintln(os.Stderr, resp.Status)
	if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
		log.Fatal(err)
	}
}
