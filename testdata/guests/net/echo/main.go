// Command echo is a test guest: a TCP echo server for the throughput
// benchmark (internal/netbench), and raw socket probes for the denial
// tests of the CLI (cmd/wasibox/net_e2e_test.go).
//
//	echo serve <host:port> [bufsize]
//	        echo every connection's bytes back, reading and writing with
//	        one bufsize buffer per connection (default 128 KiB); prints
//	        "listening <addr>" and serves until killed
//	echo probe <op> <family> <addr> <port>
//	        (wasip1 only) one raw call sequence through the WasmEdge
//	        imports, without guest/sock's address handling, so that the
//	        host sees exactly the address given; see probe_wasip1.go
//
// The server builds natively too (guest/sock forwards to package net),
// which is the baseline of the throughput ratio. It uses a plain read and
// write loop rather than io.Copy, so that the native build does not
// splice(2) and both builds run the same algorithm.
package main

import (
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/wasibox/wasibox/guest/sock"
)

const (
	defaultBuf = 128 << 10
	maxBuf     = 16 << 20
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "serve":
		if len(os.Args) != 3 && len(os.Args) != 4 {
			usage()
		}
		size := defaultBuf
		if len(os.Args) == 4 {
			n, err := strconv.Atoi(os.Args[3])
			if err != nil || n < 1 || n > maxBuf {
				usage()
			}
			size = n
		}
		serve(os.Args[2], size)
	case "probe":
		if len(os.Args) != 6 {
			usage()
		}
		os.Exit(probe(os.Args[2], os.Args[3], os.Args[4], os.Args[5]))
	default:
		usage()
	}
}

func serve(addr string, size int) {
	l, err := sock.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	fmt.Printf("listening %s\n", l.Addr())
	for {
		c, err := l.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "accept:", err)
			os.Exit(1)
		}
		go echo(c, size)
	}
}

// echo copies c to itself until EOF or an error, then closes it.
func echo(c net.Conn, size int) {
	defer c.Close()
	buf := make([]byte, size)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: echo serve <host:port> [bufsize] | echo probe <op> <family> <addr> <port>")
	os.Exit(2)
}
