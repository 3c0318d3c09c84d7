//go:build wasip1

// Command http-server is a net/http server for GOOS=wasip1 that runs under
// wasibox: guest/sock.Listen opens the socket through the WasmEdge socket
// extensions and Go's netpoller drives it. See README.md.
//
// Usage: http-server [host:port] (default 127.0.0.1:8080).
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/wasibox/wasibox/guest/sock"
)

func main() {
	addr := "127.0.0.1:8080"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	l, err := sock.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err) // e.g. "permission denied" without a listen grant
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from a sandboxed wasip1 guest, %s (%s)\n", r.RemoteAddr, time.Now().Format(time.RFC3339))
	})
	log.Printf("listening on http://%s/", l.Addr())
	log.Fatal(http.Serve(l, nil))
}
