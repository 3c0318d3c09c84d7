package hostabi

// TODO(wasmedge owner): replace this file with the WasmEdge socket
// extensions (sock_open, sock_bind, sock_connect, sock_listen, sock_accept
// V1, sock_send_to, sock_recv_from, sock_getsockopt, sock_setsockopt,
// sock_getlocaladdr, sock_getpeeraddr, sock_getaddrinfo), choosing the V1 or
// V2 signatures from guest's imports of ModuleName. This placeholder exports
// nothing.

import "github.com/tetratelabs/wazero"

// registerWasmEdge adds the WasmEdge socket extensions that guest imports
// to b. It runs after the preview 1 functions are registered, so an export
// of the same name replaces the preview 1 one. guest may be nil (no
// extensions then). It may use h.iovecs, memoryOf and the checks of mem.go,
// and must follow the order documented in the package comment.
func (h *host) registerWasmEdge(b wazero.HostModuleBuilder, guest wazero.CompiledModule) error {
	_, _ = b, guest
	return nil
}
