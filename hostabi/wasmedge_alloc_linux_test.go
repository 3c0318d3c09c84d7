package hostabi

import (
	"context"
	"encoding/binary"
	"testing"

	"github.com/tetratelabs/wazero/api"
	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

// TestSockIONoAlloc checks that the socket data calls allocate nothing per
// call, through the whole stack (wazero -> hostabi -> unix.System -> the
// kernel): sock_send and sock_recv (preview 1, here under WasmEdge's
// *_v2 names, the same functions), sock_send_to and sock_recv_from (V2),
// on two real UDP sockets over loopback. A network server makes these
// calls for every request (the design's zero-allocation hot paths).
func TestSockIONoAlloc(t *testing.T) {
	ctx := context.Background()
	s, err := unix.New(unix.Config{Args: []string{"alloc"}, Stdin: -1, Stdout: -1, Stderr: -1, AllowSockets: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	e := newGuestEnv(t, ctx, s, "wasmedge_v2")
	mem := e.mem(t)

	// Guest memory layout.
	const (
		fdOut    = 0x100 // u32
		addrIn   = 0x200 // {buf, len} -> raw 127.0.0.1
		addrIP   = 0x300
		iovAt    = 0x400 // {buf, len} -> data
		nOut     = 0x500 // u32 count
		portOut  = 0x504 // u32
		flagsOut = 0x508 // u32
		store    = 0x600 // {buf, len} -> 128-byte storage
		storeBuf = 0x700
		data     = 0x1000
		dataLen  = 512
	)
	le := binary.LittleEndian
	le.PutUint32(mem[addrIn:], addrIP)
	le.PutUint32(mem[addrIn+4:], 4)
	copy(mem[addrIP:], []byte{127, 0, 0, 1})
	le.PutUint32(mem[iovAt:], data)
	le.PutUint32(mem[iovAt+4:], dataLen)
	le.PutUint32(mem[store:], storeBuf)
	le.PutUint32(mem[store+4:], addrStorageSize)

	stack := make([]uint64, 8)
	// Functions are looked up once: wazero's ExportedFunction allocates.
	funcs := map[string]api.Function{}
	for _, name := range []string{"sock_open", "sock_bind", "sock_getlocaladdr", "sock_connect",
		"sock_send_v2", "sock_recv_from", "sock_send_to", "sock_recv_v2"} {
		funcs[name] = e.mod.ExportedFunction(name)
	}
	call := func(name string, params ...uint64) wasi.Errno {
		copy(stack, params)
		if err := funcs[name].CallWithStack(ctx, stack); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return wasi.Errno(stack[0])
	}
	// open returns a UDP socket bound to 127.0.0.1 and its port.
	open := func() (fd, port uint64) {
		if errno := call("sock_open", uint64(wasi.InetFamily), uint64(wasi.DatagramSocket), fdOut); errno != wasi.ESUCCESS {
			t.Fatalf("sock_open: %v", errno)
		}
		fd = uint64(le.Uint32(mem[fdOut:]))
		if errno := call("sock_bind", fd, addrIn, 0); errno != wasi.ESUCCESS {
			t.Fatalf("sock_bind: %v", errno)
		}
		if errno := call("sock_getlocaladdr", fd, store, portOut); errno != wasi.ESUCCESS {
			t.Fatalf("sock_getlocaladdr: %v", errno)
		}
		return fd, uint64(le.Uint32(mem[portOut:]) & 0xffff)
	}
	a, portA := open()
	b, portB := open()
	if errno := call("sock_connect", b, addrIn, portA); errno != wasi.ESUCCESS {
		t.Fatalf("sock_connect: %v", errno)
	}

	var failed string
	round := func() {
		// b -> a with sock_send; a receives with sock_recv_from and
		// answers with sock_send_to; b receives with sock_recv.
		steps := []struct {
			name  string
			errno wasi.Errno
		}{
			{"sock_send_v2", call("sock_send_v2", b, iovAt, 1, 0, nOut)},
			{"sock_recv_from", call("sock_recv_from", a, iovAt, 1, store, 0, portOut, nOut, flagsOut)},
			{"sock_send_to", call("sock_send_to", a, iovAt, 1, addrIn, portB, 0, nOut)},
			{"sock_recv_v2", call("sock_recv_v2", b, iovAt, 1, 0, nOut, flagsOut)},
		}
		for _, st := range steps {
			if st.errno != wasi.ESUCCESS && failed == "" {
				failed = st.name + ": " + st.errno.String()
			}
		}
		if n := le.Uint32(mem[nOut:]); n != dataLen && failed == "" {
			failed = "short transfer"
		}
	}
	round() // scratch slices grow here
	if allocs := testing.AllocsPerRun(100, round); allocs != 0 {
		t.Errorf("%v allocations per round of four socket calls, want 0", allocs)
	}
	if failed != "" {
		t.Fatal(failed)
	}
}
