// Command httpserver is a test guest: a net/http server on a socket opened
// with guest/sock.Listen (WasmEdge socket extensions), driven by Go's
// netpoller through poll_oneoff. It also builds natively (guest/sock then
// forwards to package net), which internal/netbench times as the baseline.
//
// Usage: httpserver <host:port>. It prints "listening <addr>" once the
// socket listens (port 0 picks one). Routes:
//
//	/hello         "hello from wasip1\n"
//	/bytes?n=N     N bytes of a fixed pattern (at most 64 MiB)
//	/echo          the request body, with its SHA-256 in X-Sha256
//	/remote        the client's address as the server sees it
//	/quit          shuts the server down gracefully; the guest exits 0
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/wasibox/wasibox/guest/sock"
)

const maxBytes = 64 << 20

// pattern is the body of /bytes: byte i is i*7 mod 251, so that a test can
// check every byte without receiving them from anywhere else. The
// sequence repeats every 251 bytes; block holds 256 periods, computed
// once, and bodies are written from it.
var block = func() []byte {
	b := make([]byte, 251*256)
	for i := range b {
		b[i] = byte(i * 7 % 251)
	}
	return b
}()

// writePattern writes the first n bytes of the pattern to w.
func writePattern(w io.Writer, n int) error {
	for n > 0 {
		k := min(n, len(block))
		if _, err := w.Write(block[:k]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: httpserver <host:port>")
		os.Exit(2)
	}
	l, err := sock.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	srv := &http.Server{}
	done := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from wasip1\n")
	})
	mux.HandleFunc("/bytes", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || n < 0 || n > maxBytes {
			http.Error(w, "bad n", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(n))
		writePattern(w, n)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBytes))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		sum := sha256.Sum256(body)
		w.Header().Set("X-Sha256", hex.EncodeToString(sum[:]))
		w.Write(body)
	})
	mux.HandleFunc("/remote", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.RemoteAddr)
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "bye\n")
		go func() {
			srv.Shutdown(context.Background())
			close(done)
		}()
	})
	srv.Handler = mux
	fmt.Printf("listening %s\n", l.Addr())
	if err := srv.Serve(l); err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	<-done
	fmt.Println("shut down")
}
