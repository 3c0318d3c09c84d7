// Command netload applies netbench's HTTP/1.1 keep-alive load, or its echo
// stream, to a server that is already running, for profiling a server by
// hand (perf, --cpuprofile) while the load runs.
//
//	netload [-c 32] [-d 5s] [-w 1s] http HOST:PORT PATH
//	netload [-bytes 1073741824] [-chunk 131072] stream HOST:PORT
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/wasibox/wasibox/internal/netbench"
)

func main() {
	conns := flag.Int("c", 32, "keep-alive connections")
	dur := flag.Duration("d", 5*time.Second, "measured time")
	warm := flag.Duration("w", time.Second, "warm-up time")
	total := flag.Int64("bytes", 1<<30, "stream size")
	chunk := flag.Int("chunk", 128<<10, "stream write and read size")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	args := flag.Args()
	switch {
	case len(args) == 3 && args[0] == "http":
		l := netbench.Load{Addr: args[1], Path: args[2], Conns: *conns, Duration: *dur, Warmup: *warm}
		r, err := l.Run(ctx)
		if err != nil {
			fail(err)
		}
		fmt.Println(r)
	case len(args) == 2 && args[0] == "stream":
		r, err := netbench.Stream{Addr: args[1], Total: *total, Chunk: *chunk}.Run(ctx)
		if err != nil {
			fail(err)
		}
		fmt.Printf("%d bytes in %v (%.0f MB/s)\n", r.Bytes, r.Elapsed.Round(time.Millisecond), r.MBPerSecond())
	default:
		fmt.Fprintln(os.Stderr, "usage: netload [flags] http HOST:PORT PATH | netload [flags] stream HOST:PORT")
		os.Exit(2)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "netload:", err)
	os.Exit(1)
}
