package netbench

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// httpCases are the responses the HTTP benchmark asks for.
var httpCases = []struct {
	name   string
	path   string
	size   int  // body size, checked once before the load
	single bool // one connection instead of *flagConns: latency without queueing
}{
	{name: "small", path: "/hello", size: len("hello from wasip1\n")},
	{name: "64KiB", path: "/bytes?n=65536", size: 64 << 10},
	// With one connection the median is the time of one request: a
	// Nagle / delayed-ACK stall would show as about 40 ms here.
	{name: "64KiB-1conn", path: "/bytes?n=65536", size: 64 << 10, single: true},
}

// httpRuntime is one way of running testdata/guests/net/httpserver.
type httpRuntime struct {
	name   string // as -netbench.runtimes names it
	prefix string // of its metrics: "" for wasibox on guest/sock, the one compared
	start  func(testing.TB) *server
}

// httpRuntimes are the runtimes BenchmarkHTTP can compare: the native
// build; the wasip1 build under wasibox, listening itself through the
// WasmEdge socket extensions (guest/sock); and the same wasip1 build
// serving a listener the runtime pre-opened as descriptor 3 (`fd:3`:
// plain Go net.FileListener and preview 1 sock_accept, no extensions),
// under wazero's own WASI and under wasibox (`--tcplisten`): those two run
// the byte-identical module the same way.
var httpRuntimes = []httpRuntime{
	{"native", "native-", func(tb testing.TB) *server { return nativeServer(tb, "httpserver", "127.0.0.1:0") }},
	{"wasibox", "", func(tb testing.TB) *server { return wasiboxServer(tb, "httpserver", "ADDR") }},
	{"wazero-wasi", "wazero-", func(tb testing.TB) *server { return wazeroServer(tb, "httpserver", "fd:3") }},
	{"wasibox-preopen", "preopen-", func(tb testing.TB) *server { return wasiboxPreopenServer(tb, "httpserver", "fd:3") }},
}

// selectedRuntimes returns the runtimes -netbench.runtimes names, in its
// order; names of runtimes this build does not have are skipped with a
// note.
func selectedRuntimes(tb testing.TB) []httpRuntime {
	var rs []httpRuntime
	for _, name := range strings.Split(*flagRuntimes, ",") {
		i := slices.IndexFunc(httpRuntimes, func(r httpRuntime) bool { return r.name == name })
		if i < 0 {
			tb.Logf("-netbench.runtimes: no runtime %q here (have %v)", name, runtimeNames())
			continue
		}
		rs = append(rs, httpRuntimes[i])
	}
	if len(rs) == 0 {
		tb.Fatalf("-netbench.runtimes %q names none of %v", *flagRuntimes, runtimeNames())
	}
	return rs
}

func runtimeNames() []string {
	var names []string
	for _, r := range httpRuntimes {
		names = append(names, r.name)
	}
	return names
}

// BenchmarkHTTP loads testdata/guests/net/httpserver under each runtime of
// -netbench.runtimes in turn (by default the native build, then wasibox,
// then wazero's WASI), with *flagConns keep-alive connections for
// *flagDuration each, and reports each one's rate, its ratio to the
// native rate, its latencies and its CPU time per request, under the
// runtime's metric prefix. b.N is ignored: one run is one fixed-duration
// measurement per runtime; -count repeats them, alternating runtimes.
func BenchmarkHTTP(b *testing.B) {
	for _, tc := range httpCases {
		b.Run(tc.name, func(b *testing.B) {
			conns := *flagConns
			if tc.single {
				conns = 1
			}
			var native float64
			for _, rt := range selectedRuntimes(b) {
				r := measureHTTP(b, rt.start(b), tc.path, tc.size, conns)
				b.ReportMetric(r.PerSecond(), rt.prefix+"req/s")
				if rt.name == "native" {
					native = r.PerSecond()
				} else if native > 0 {
					b.ReportMetric(r.PerSecond()/native, rt.prefix+"ratio")
				}
				b.ReportMetric(ms(r.Latency.P50), rt.prefix+"p50-ms")
				b.ReportMetric(ms(r.Latency.P99), rt.prefix+"p99-ms")
				b.ReportMetric(r.cpuPerReq, rt.prefix+"cpu-us/req")
				b.Logf("%-15s %v, %.1f µs CPU/request", rt.name+":", r.Result, r.cpuPerReq)
			}
		})
	}
}

// BenchmarkHTTPIdle reports the CPU each runtime's server burns while
// idle (percent of one core over -netbench.idle), with *flagConns
// keep-alive connections open after one request each: a runtime whose
// poll_oneoff does not block on sockets spins here.
func BenchmarkHTTPIdle(b *testing.B) {
	for _, rt := range selectedRuntimes(b) {
		s := rt.start(b)
		conns := idleConns(b, s, *flagConns)
		cpu0 := s.cpu(b)
		t0 := time.Now()
		time.Sleep(*flagIdle)
		cpu := s.cpu(b) - cpu0
		pct := 100 * cpu.Seconds() / time.Since(t0).Seconds()
		b.ReportMetric(pct, rt.prefix+"idle-cpu-%")
		b.Logf("%-15s %.0f%% of a core while idle with %d keep-alive connections", rt.name+":", pct, len(conns))
		for _, c := range conns {
			c.Close()
		}
		s.stop(b)
	}
}

// idleConns opens n keep-alive connections to s, each after one GET
// /hello answered, and leaves them open.
func idleConns(tb testing.TB, s *server, n int) []net.Conn {
	tb.Helper()
	var conns []net.Conn
	tb.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for range n {
		c, err := net.DialTimeout("tcp", s.addr, 10*time.Second)
		if err != nil {
			tb.Fatal(err)
		}
		conns = append(conns, c)
		c.SetDeadline(time.Now().Add(30 * time.Second))
		fmt.Fprintf(c, "GET /hello HTTP/1.1\r\nHost: %s\r\n\r\n", s.addr)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			tb.Fatalf("%s: %v", s.name, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Close {
			tb.Fatalf("%s: GET /hello: %s, close %v", s.name, resp.Status, resp.Close)
		}
		c.SetDeadline(time.Time{})
	}
	return conns
}

// httpResult is a Load's result with the server's CPU time per request
// (over the warm-up and the measured time: a busy machine skews it less
// than the rate).
type httpResult struct {
	Result
	cpuPerReq float64 // µs
}

func measureHTTP(b *testing.B, s *server, path string, size, conns int) httpResult {
	b.Helper()
	if got := len(s.get(b, path)); got != size {
		b.Fatalf("%s GET %s: %d bytes, want %d", s.name, path, got, size)
	}
	l := Load{Addr: s.addr, Path: path, Conns: conns, Duration: *flagDuration}
	if *flagWarmup > 0 {
		// Warm up separately, so that the CPU time covers the measured
		// requests only.
		w := l
		w.Duration = *flagWarmup
		if _, err := w.Run(b.Context()); err != nil {
			b.Fatalf("%s: warm-up: %v; server stderr:\n%s", s.name, err, s.stderr)
		}
	}
	cpu0 := s.cpu(b)
	r, err := l.Run(b.Context())
	cpu := s.cpu(b) - cpu0
	if err != nil {
		b.Fatalf("%s: %v; server stderr:\n%s", s.name, err, s.stderr)
	}
	if r.BodyBytes != r.Requests*int64(size) {
		b.Fatalf("%s: %d body bytes for %d requests of %d", s.name, r.BodyBytes, r.Requests, size)
	}
	s.stop(b)
	hr := httpResult{Result: r}
	if r.Requests > 0 {
		hr.cpuPerReq = float64(cpu.Microseconds()) / float64(r.Requests)
	}
	return hr
}

// BenchmarkStream pumps *flagStreamBytes (1 GiB) through the echo guest
// built natively, then under wasibox, and reports both throughputs and
// their ratio.
func BenchmarkStream(b *testing.B) {
	for _, chunk := range []int{128 << 10} {
		b.Run(strconv.Itoa(chunk>>10)+"KiB", func(b *testing.B) {
			native := measureStream(b, nativeServer(b, "echo", "serve", "127.0.0.1:0"), chunk)
			guest := measureStream(b, wasiboxServer(b, "echo", "serve", "ADDR"), chunk)
			b.ReportMetric(guest.MBPerSecond(), "MB/s")
			b.ReportMetric(native.MBPerSecond(), "native-MB/s")
			b.ReportMetric(guest.MBPerSecond()/native.MBPerSecond(), "ratio")
			b.ReportMetric(guest.cpuPerGiB, "cpu-s/GiB")
			b.ReportMetric(native.cpuPerGiB, "native-cpu-s/GiB")
		})
	}
}

// streamResult is a Stream's result with the server's CPU time per GiB
// echoed.
type streamResult struct {
	StreamResult
	cpuPerGiB float64 // seconds
}

func measureStream(b *testing.B, s *server, chunk int) streamResult {
	b.Helper()
	cpu0 := s.cpu(b)
	r, err := Stream{Addr: s.addr, Total: *flagStreamBytes, Chunk: chunk}.Run(b.Context())
	cpu := s.cpu(b) - cpu0
	if err != nil {
		b.Fatalf("%s: %v; server stderr:\n%s", s.name, err, s.stderr)
	}
	sr := streamResult{StreamResult: r, cpuPerGiB: cpu.Seconds() / (float64(r.Bytes) / (1 << 30))}
	b.Logf("%s: %d bytes in %v (%.0f MB/s), %.2f s CPU/GiB", s.name, r.Bytes, r.Elapsed.Round(time.Millisecond), r.MBPerSecond(), sr.cpuPerGiB)
	s.stop(b)
	return sr
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
