package netbench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// Bounds of a stream.
const (
	// MaxStreamBytes bounds Stream.Total.
	MaxStreamBytes = 64 << 30
	// MaxChunk bounds Stream.Chunk.
	MaxChunk = 16 << 20
	// period of the stream's byte pattern: byte i is i mod 251, a prime,
	// so that a chunk lost, repeated or reordered by a multiple of any
	// power-of-two buffer size shows.
	period = 251
)

// Stream sends Total bytes to an echo server on one TCP connection and
// reads them back at the same time, checking every byte.
type Stream struct {
	Addr    string        // host:port of the echo server
	Total   int64         // bytes to send (and receive); at most MaxStreamBytes
	Chunk   int           // size of each write and read; 0 means 128 KiB
	Timeout time.Duration // bound on the whole stream; 0 means 5 minutes
}

// StreamResult is what a Stream measured.
type StreamResult struct {
	Bytes   int64         // bytes echoed back (Total)
	Elapsed time.Duration // from the first write to the last byte read
}

// MBPerSecond is the echo throughput in MB/s (10^6 bytes), counting each
// byte once (it crossed the loopback twice).
func (r StreamResult) MBPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Bytes) / 1e6 / r.Elapsed.Seconds()
}

// Run dials the server and pumps the stream through it. After the last
// byte is sent the write side is shut down, so the echo server sees EOF.
func (s Stream) Run(ctx context.Context) (StreamResult, error) {
	chunk := s.Chunk
	if chunk == 0 {
		chunk = 128 << 10
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	if s.Total <= 0 || s.Total > MaxStreamBytes || chunk < 1 || chunk > MaxChunk {
		return StreamResult{}, fmt.Errorf("netbench: stream of %d bytes in chunks of %d (want 0 < total <= %d, 0 < chunk <= %d)",
			s.Total, chunk, int64(MaxStreamBytes), MaxChunk)
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return StreamResult{}, err
	}
	defer conn.Close()
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return StreamResult{}, errors.New("netbench: not a TCP connection")
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	pat := make([]byte, chunk+period)
	for i := range pat {
		pat[i] = byte(i % period)
	}
	start := time.Now()
	conn.SetDeadline(start.Add(timeout))
	werr := make(chan error, 1)
	go func() {
		var off int64
		for off < s.Total {
			k := int(min(int64(chunk), s.Total-off))
			p := int(off % period)
			n, err := tc.Write(pat[p : p+k])
			off += int64(n)
			if err != nil {
				werr <- err
				return
			}
		}
		werr <- tc.CloseWrite()
	}()

	buf := make([]byte, chunk)
	var got int64
	var rerr error
	for got < s.Total {
		n, err := conn.Read(buf[:min(int64(chunk), s.Total-got)])
		if n > 0 {
			p := int(got % period)
			if !bytes.Equal(buf[:n], pat[p:p+n]) {
				rerr = fmt.Errorf("netbench: echoed bytes differ in [%d, %d)", got, got+int64(n))
				break
			}
			got += int64(n)
		}
		if err == io.EOF {
			rerr = fmt.Errorf("netbench: echo ended after %d of %d bytes", got, s.Total)
			break
		}
		if err != nil {
			rerr = err
			break
		}
	}
	elapsed := time.Since(start)
	if rerr != nil {
		conn.SetDeadline(time.Unix(1, 0)) // unblock the writer
	}
	err = <-werr
	if ctxErr := ctx.Err(); ctxErr != nil {
		return StreamResult{}, ctxErr
	}
	if rerr != nil {
		return StreamResult{}, rerr
	}
	if err != nil {
		return StreamResult{}, fmt.Errorf("netbench: write: %w", err)
	}
	return StreamResult{Bytes: got, Elapsed: elapsed}, nil
}
