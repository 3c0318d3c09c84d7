package netbench

import (
	"strconv"
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

// BenchmarkHTTP loads testdata/guests/net/httpserver built natively, then
// under wasibox, with *flagConns keep-alive connections for
// *flagDuration each, and reports both rates, their ratio and the
// latencies. b.N is ignored: one run is one fixed-duration measurement.
func BenchmarkHTTP(b *testing.B) {
	for _, tc := range httpCases {
		b.Run(tc.name, func(b *testing.B) {
			conns := *flagConns
			if tc.single {
				conns = 1
			}
			native := measureHTTP(b, nativeServer(b, "httpserver", "127.0.0.1:0"), tc.path, tc.size, conns)
			guest := measureHTTP(b, wasiboxServer(b, "httpserver", "ADDR"), tc.path, tc.size, conns)
			b.ReportMetric(guest.PerSecond(), "req/s")
			b.ReportMetric(native.PerSecond(), "native-req/s")
			b.ReportMetric(guest.PerSecond()/native.PerSecond(), "ratio")
			b.ReportMetric(ms(guest.Latency.P50), "p50-ms")
			b.ReportMetric(ms(guest.Latency.P99), "p99-ms")
			b.ReportMetric(ms(native.Latency.P50), "native-p50-ms")
			b.ReportMetric(guest.cpuPerReq, "cpu-us/req")
			b.ReportMetric(native.cpuPerReq, "native-cpu-us/req")
			b.Logf("native:  %v, %.1f µs CPU/request", native.Result, native.cpuPerReq)
			b.Logf("wasibox: %v, %.1f µs CPU/request", guest.Result, guest.cpuPerReq)
		})
	}
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
