package netbench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Bounds of a load: a benchmark must stop by itself whatever it is given.
const (
	// MaxDuration bounds Load.Duration and Load.Warmup.
	MaxDuration = time.Minute
	// DefaultMaxRequests is the request cap when Load.MaxRequests is 0.
	DefaultMaxRequests = 10_000_000
	// MaxConns bounds Load.Conns.
	MaxConns = 1024
	// maxSamples bounds the latencies kept (the first ones of each
	// connection), so that memory stays bounded at any request rate.
	maxSamples = 1 << 21
	// maxHeaderLines bounds the header lines of one response.
	maxHeaderLines = 100
)

// Load is an HTTP/1.1 load on one server: Conns keep-alive connections,
// each with one request in flight at a time (as wrk and hey do), for
// Duration or until MaxRequests responses, whichever comes first.
//
// The client is a minimal HTTP/1.1 reader (status line, headers,
// Content-Length body, discarded), so that the generator spends little of
// the machine's CPU on itself. Every response must be 200 with a
// Content-Length and the connection must stay open; anything else ends
// the load with an error: a benchmark of a server that fails is no
// benchmark.
type Load struct {
	Addr        string        // host:port of the server
	Path        string        // request target, e.g. "/hello"
	Conns       int           // connections; 0 means 32
	Duration    time.Duration // measured time; required, at most MaxDuration
	Warmup      time.Duration // load applied before the measured time, not counted
	MaxRequests int64         // cap on the measured requests; 0 means DefaultMaxRequests
	Timeout     time.Duration // bound on one request; 0 means 10s
}

// Result is what a Load measured.
type Result struct {
	Requests  int64         // responses received in the measured time
	BodyBytes int64         // body bytes in those responses
	Elapsed   time.Duration // from the start of the measured time to the last response
	Latency   Latency       // of the measured requests (the first maxSamples)
}

// Latency summarizes request latencies.
type Latency struct {
	P50, P90, P99, Max time.Duration
}

// PerSecond is the request rate.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

func (r Result) String() string {
	return fmt.Sprintf("%d requests in %v (%.0f req/s), p50 %v p90 %v p99 %v max %v",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.PerSecond(),
		r.Latency.P50, r.Latency.P90, r.Latency.P99, r.Latency.Max)
}

// Run dials every connection, applies the warm-up load, then the measured
// one, and closes the connections. ctx cancels it (with ctx's error).
func (l Load) Run(ctx context.Context) (Result, error) {
	conns := l.Conns
	if conns == 0 {
		conns = 32
	}
	maxReq := l.MaxRequests
	if maxReq == 0 {
		maxReq = DefaultMaxRequests
	}
	timeout := l.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	switch {
	case conns < 1 || conns > MaxConns:
		return Result{}, fmt.Errorf("netbench: %d connections (want 1 to %d)", conns, MaxConns)
	case l.Duration <= 0 || l.Duration > MaxDuration || l.Warmup < 0 || l.Warmup > MaxDuration:
		return Result{}, fmt.Errorf("netbench: duration %v, warm-up %v (want 0 < d <= %v)", l.Duration, l.Warmup, MaxDuration)
	case maxReq < 0:
		return Result{}, errors.New("netbench: negative MaxRequests")
	case l.Path == "" || l.Path[0] != '/':
		return Result{}, fmt.Errorf("netbench: path %q does not start with /", l.Path)
	}
	req := []byte("GET " + l.Path + " HTTP/1.1\r\nHost: " + l.Addr + "\r\nUser-Agent: netbench\r\n\r\n")

	cs := make([]*client, 0, conns)
	defer func() {
		for _, c := range cs {
			c.conn.Close()
		}
	}()
	stop := context.AfterFunc(ctx, func() {
		// Unblocks every request in flight; Run then returns ctx.Err().
		for _, c := range cs {
			c.conn.SetDeadline(time.Unix(1, 0))
		}
	})
	defer stop()
	d := net.Dialer{Timeout: timeout}
	for range conns {
		c, err := d.DialContext(ctx, "tcp", l.Addr)
		if err != nil {
			return Result{}, err
		}
		cs = append(cs, &client{conn: c, r: bufio.NewReaderSize(c, 64<<10), req: req})
	}
	if l.Warmup > 0 {
		if _, err := phase(ctx, cs, l.Warmup, maxReq, timeout, false); err != nil {
			return Result{}, fmt.Errorf("warm-up: %w", err)
		}
	}
	return phase(ctx, cs, l.Duration, maxReq, timeout, true)
}

// phase runs the load on cs for d or maxReq requests.
func phase(ctx context.Context, cs []*client, d time.Duration, maxReq int64, timeout time.Duration, record bool) (Result, error) {
	var (
		started  atomic.Int64 // requests begun: enforces maxReq
		done     atomic.Int64 // responses received
		body     atomic.Int64
		firstErr error
		errOnce  sync.Once
		failed   atomic.Bool
		wg       sync.WaitGroup
	)
	perConn := maxSamples / len(cs)
	samples := make([][]time.Duration, len(cs))
	start := time.Now()
	end := start.Add(d)
	for i, c := range cs {
		// One deadline for the phase: a request that takes longer than
		// timeout past the end of the phase has hung.
		c.conn.SetDeadline(end.Add(timeout))
		wg.Go(func() {
			var lat []time.Duration
			if record {
				lat = make([]time.Duration, 0, min(perConn, 1<<16))
			}
			for !failed.Load() {
				t0 := time.Now()
				if !t0.Before(end) || started.Add(1) > maxReq {
					break
				}
				n, err := c.do()
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					failed.Store(true)
					break
				}
				done.Add(1)
				body.Add(n)
				if record && len(lat) < perConn {
					lat = append(lat, time.Since(t0))
				}
			}
			samples[i] = lat
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if firstErr != nil {
		return Result{}, firstErr
	}
	r := Result{Requests: done.Load(), BodyBytes: body.Load(), Elapsed: elapsed}
	var all []time.Duration
	for _, s := range samples {
		all = append(all, s...)
	}
	r.Latency = summarize(all)
	return r, nil
}

func summarize(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	at := func(q float64) time.Duration { return d[min(len(d)-1, int(q*float64(len(d))))] }
	return Latency{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: d[len(d)-1]}
}

// client is one keep-alive connection.
type client struct {
	conn net.Conn
	r    *bufio.Reader
	req  []byte
}

var (
	status200      = []byte("HTTP/1.1 200 ")
	hdrLength      = []byte("Content-Length")
	hdrConnection  = []byte("Connection")
	hdrTransferEnc = []byte("Transfer-Encoding")
)

// do sends one request and reads its response; it returns the body size.
func (c *client) do() (int64, error) {
	if _, err := c.conn.Write(c.req); err != nil {
		return 0, err
	}
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, fmt.Errorf("status line: %w", err)
	}
	if !bytes.HasPrefix(line, status200) {
		return 0, fmt.Errorf("status line %q, want 200", bytes.TrimSpace(line))
	}
	length := int64(-1)
	for i := 0; ; i++ {
		if i == maxHeaderLines {
			return 0, errors.New("too many header lines")
		}
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, fmt.Errorf("header: %w", err)
		}
		if len(line) <= 2 { // "\r\n": end of the headers
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, fmt.Errorf("header line %q", bytes.TrimSpace(line))
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, hdrLength):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("Content-Length %q", value)
			}
			length = n
		case bytes.EqualFold(name, hdrConnection) && bytes.EqualFold(value, []byte("close")):
			return 0, errors.New("the server closes the connection (Connection: close)")
		case bytes.EqualFold(name, hdrTransferEnc):
			return 0, fmt.Errorf("Transfer-Encoding %q: only Content-Length bodies are supported", value)
		}
	}
	if length < 0 {
		return 0, errors.New("response without Content-Length")
	}
	if _, err := c.r.Discard(int(length)); err != nil {
		return 0, fmt.Errorf("body: %w", err)
	}
	return length, nil
}
