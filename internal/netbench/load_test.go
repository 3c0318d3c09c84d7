package netbench

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	body := strings.Repeat("x", 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		io.WriteString(w, body)
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	t.Run("duration", func(t *testing.T) {
		r, err := Load{Addr: addr, Path: "/", Conns: 4, Duration: 200 * time.Millisecond, Warmup: 50 * time.Millisecond}.Run(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if r.Requests == 0 || r.BodyBytes != r.Requests*int64(len(body)) {
			t.Errorf("%d requests, %d body bytes; want some, %d each", r.Requests, r.BodyBytes, len(body))
		}
		l := r.Latency
		if l.P50 <= 0 || l.P50 > l.P90 || l.P90 > l.P99 || l.P99 > l.Max {
			t.Errorf("latencies out of order: %+v", l)
		}
		if r.PerSecond() <= 0 {
			t.Errorf("rate %v", r.PerSecond())
		}
	})
	t.Run("max requests", func(t *testing.T) {
		r, err := Load{Addr: addr, Path: "/", Conns: 3, Duration: MaxDuration, MaxRequests: 50}.Run(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if r.Requests != 50 {
			t.Errorf("%d requests, want exactly MaxRequests = 50", r.Requests)
		}
	})
}

func TestLoadRefuses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/500":
			w.Header().Set("Content-Length", "0")
			w.WriteHeader(http.StatusInternalServerError)
		case "/chunked":
			io.WriteString(w, "a")
			w.(http.Flusher).Flush() // no Content-Length: chunked
			io.WriteString(w, "b")
		case "/close":
			w.Header().Set("Connection", "close")
			io.WriteString(w, "bye")
		default:
			io.WriteString(w, "ok")
		}
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	tests := []struct {
		name string
		load Load
		want string
	}{
		{"status 500", Load{Path: "/500"}, "want 200"},
		{"chunked body", Load{Path: "/chunked"}, "Transfer-Encoding"},
		{"connection close", Load{Path: "/close"}, "Connection: close"},
		{"relative path", Load{Path: "x"}, "does not start with /"},
		{"too many connections", Load{Path: "/", Conns: MaxConns + 1}, "connections"},
		{"no duration", Load{Path: "/", Duration: -1}, "duration"},
		{"duration too long", Load{Path: "/", Duration: MaxDuration + 1}, "duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.load
			l.Addr = addr
			if l.Duration == 0 {
				l.Duration = 100 * time.Millisecond
			}
			if l.Conns == 0 {
				l.Conns = 2
			}
			_, err := l.Run(t.Context())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

// echoServer serves on loopback, passing each connection to handle, and
// returns its address.
func echoServer(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return l.Addr().String()
}

func TestStream(t *testing.T) {
	const total = 8<<20 + 12345 // not a multiple of the chunk or the pattern's period
	tests := []struct {
		name   string
		handle func(net.Conn)
		want   string // "" for success
	}{
		{"echo", func(c net.Conn) { io.Copy(c, c) }, ""},
		{"corrupt", func(c net.Conn) {
			buf := make([]byte, 4096)
			off := 0
			for {
				n, err := c.Read(buf)
				if off <= 1<<20 && off+n > 1<<20 {
					buf[1<<20-off]++ // one byte, once
				}
				off += n
				if n > 0 {
					c.Write(buf[:n])
				}
				if err != nil {
					return
				}
			}
		}, "differ"},
		{"short", func(c net.Conn) {
			io.CopyN(c, c, 1<<20)
			c.(*net.TCPConn).CloseWrite()
			io.Copy(io.Discard, c) // no reset: a clean EOF after 1 MiB
		}, "echo ended"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Stream{Addr: echoServer(t, tt.handle), Total: total, Chunk: 64 << 10, Timeout: time.Minute}.Run(t.Context())
			if tt.want == "" {
				if err != nil || r.Bytes != total || r.MBPerSecond() <= 0 {
					t.Fatalf("got %+v, %v; want %d bytes", r, err, total)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

// TestGuests runs each benchmark's plumbing briefly (a short load on both
// builds of both guests), so that a broken benchmark fails plain go test.
func TestGuests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wasibox and the guests")
	}
	for _, rt := range httpRuntimes {
		s := rt.start(t)
		if got := string(s.get(t, "/hello")); got != "hello from wasip1\n" {
			t.Errorf("%s /hello: %q", s.name, got)
		}
		r, err := Load{Addr: s.addr, Path: "/bytes?n=65536", Conns: 4, Duration: 300 * time.Millisecond}.Run(t.Context())
		if err != nil || r.Requests == 0 || r.BodyBytes != r.Requests<<16 {
			t.Errorf("%s: %+v, %v", s.name, r, err)
		}
		for _, c := range idleConns(t, s, 2) { // BenchmarkHTTPIdle's plumbing
			c.Close()
		}
		s.stop(t)
	}
	for _, start := range []func() *server{
		func() *server { return nativeServer(t, "echo", "serve", "127.0.0.1:0") },
		func() *server { return wasiboxServer(t, "echo", "serve", "ADDR", "4096") },
	} {
		s := start()
		const total = 4<<20 + 1
		r, err := Stream{Addr: s.addr, Total: total, Chunk: 100000}.Run(t.Context())
		if err != nil || r.Bytes != total {
			t.Errorf("%s: %+v, %v", s.name, r, err)
		}
		s.stop(t)
	}
}
