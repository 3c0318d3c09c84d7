// Command httpserver is a test guest: a net/http server on a socket opened
// with guest/sock.Listen (WasmEdge socket extensions), driven by Go's
// netpoller through poll_oneoff. It also builds natively (guest/sock then
// forwards to package net), which internal/netbench times as the baseline.
//
// Usage: httpserver <host:port> | fd:N. It prints "listening <addr>" once
// the socket listens (port 0 picks one). With fd:N it serves on the
// listening socket the runtime pre-opened as descriptor N instead
// (net.FileListener: plain Go wasip1, the standard library's
// sock_accept path, no socket extensions), so that runtimes offering
// only pre-opened listeners (wazero's --listen, wasibox's --tcplisten)
// run the same program; natively that is unsupported (exit 2), the native
// twin always listens itself. Routes:
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
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"

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
		fmt.Fprintln(os.Stderr, "usage: httpserver <host:port> | fd:N")
		os.Exit(2)
	}
	l, err := listen(os.Args[1])
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
	name := l.Addr().String()
	if strings.HasPrefix(os.Args[1], "fd:") {
		name = os.Args[1] // wasip1 cannot ask a socket its address
	}
	fmt.Printf("listening %s\n", name)
	if err := srv.Serve(l); err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	<-done
	fmt.Println("shut down")
}

// listen opens the server's socket: addr is host:port for guest/sock, or
// fd:N for the listening socket pre-opened as descriptor N (wasip1 only).
func listen(addr string) (net.Listener, error) {
	n, ok := strings.CutPrefix(addr, "fd:")
	if !ok {
		return sock.Listen("tcp", addr)
	}
	if runtime.GOOS != "wasip1" {
		fmt.Fprintln(os.Stderr, "httpserver: fd:N is for wasip1 builds (the native twin listens itself)")
		os.Exit(2)
	}
	fd, err := strconv.ParseUint(n, 10, 31)
	if err != nil {
		return nil, fmt.Errorf("bad descriptor %q", addr)
	}
	// Non-blocking first, as Go's own socket code does for every socket
	// it opens: os.NewFile takes a blocking descriptor for a plain file
	// (runtimes pre-open listeners blocking), and the one-threaded guest
	// would then sit in sock_accept with its connections unserved.
	if err := syscall.SetNonblock(int(fd), true); err != nil {
		return nil, fmt.Errorf("%s: set non-blocking: %w", addr, err)
	}
	f := os.NewFile(uintptr(fd), addr)
	defer f.Close() // FileListener holds its own descriptor
	return net.FileListener(f)
}
