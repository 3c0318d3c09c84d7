//go:build wasip1

// Command udpecho is a test guest for UDP over the WasmEdge socket
// extensions (guest/sock).
//
//	udpecho server <host:port>     echo every datagram to its sender until
//	                               one reads "quit"; prints "listening <addr>"
//	udpecho client <host:port> <msg>
//	                               send msg on a connected socket and print
//	                               "reply <text>"
//	udpecho lookup <host>          print the host's addresses, one a line
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/wasibox/wasibox/guest/sock"
)

func main() {
	if len(os.Args) < 3 {
		usage()
	}
	switch os.Args[1] {
	case "server":
		server(os.Args[2])
	case "client":
		if len(os.Args) != 4 {
			usage()
		}
		client(os.Args[2], os.Args[3])
	case "lookup":
		addrs, err := sock.LookupHost(os.Args[2])
		if err != nil {
			fail(err)
		}
		for _, a := range addrs {
			fmt.Println(a)
		}
	default:
		usage()
	}
}

func server(addr string) {
	pc, err := sock.ListenPacket("udp", addr)
	if err != nil {
		fail(err)
	}
	defer pc.Close()
	fmt.Printf("listening %s\n", pc.LocalAddr())
	buf := make([]byte, 64<<10)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			fail(err)
		}
		if _, err := pc.WriteTo(buf[:n], from); err != nil {
			fail(err)
		}
		if string(buf[:n]) == "quit" {
			fmt.Println("quit from", from)
			return
		}
	}
}

func client(addr, msg string) {
	c, err := sock.Dial("udp", addr)
	if err != nil {
		fail(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte(msg)); err != nil {
		fail(err)
	}
	buf := make([]byte, 64<<10)
	n, err := c.Read(buf)
	if err != nil {
		fail(err)
	}
	fmt.Printf("reply %s from %s\n", buf[:n], c.RemoteAddr())
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: udpecho server <addr> | client <addr> <msg> | lookup <host>")
	os.Exit(2)
}

func fail(err error) {
	fmt.Println("error", err)
	os.Exit(1)
}
