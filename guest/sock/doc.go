// Package sock gives Go programs built for GOOS=wasip1 TCP and UDP sockets
// and name resolution through the WasmEdge socket extensions of
// wasi_snapshot_preview1 (sock_open, sock_bind, sock_connect, sock_listen,
// sock_getaddrinfo, ...), which wasibox, WasmEdge and wasi-go export.
//
// Go's net package has no sockets on wasip1: net.Listen and net.Dial there
// reach an in-process fake network. Listen and Dial here open a real socket
// through the host imports, make it non-blocking and hand it to
// net.FileListener or net.FileConn. From then on Go's own netpoller drives
// it (poll_oneoff, non-blocking fd_read, fd_write and sock_accept):
// goroutines block in Read, Write and Accept as on any other platform, and
// deadlines and http.Server shutdown work. Connected TCP sockets get
// TCP_NODELAY, as Go sets it elsewhere: without it Nagle's algorithm and
// the peer's delayed ACK stall request/response traffic.
//
// Trust: the package trusts the host to return well-formed results; it
// bounds what it reads back (counts, lengths) to the buffers it passed.
//
// Usage, an HTTP server and client:
//
//	l, err := sock.Listen("tcp", "127.0.0.1:8080")
//	if err != nil { ... }
//	go http.Serve(l, handler)
//
//	client := &http.Client{Transport: &http.Transport{DialContext: sock.DialContext}}
//	resp, err := client.Get("http://127.0.0.1:8080/")
//
// The host must grant the network (wasibox: --listen / --connect, or the
// manifest's net section); a denied call fails with EACCES.
//
// On platforms other than wasip1 the functions forward to package net, so
// that a guest program using the package also builds natively (the network
// benchmarks time the same server built both ways).
package sock
