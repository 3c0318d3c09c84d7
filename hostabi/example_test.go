package hostabi_test

import (
	"fmt"

	"github.com/wasibox/wasibox/hostabi"
)

// Functions drives `wasibox inspect`: here, the network functions of
// preview 1 with their core wasm parameters.
func ExampleFunctions() {
	for _, f := range hostabi.Functions() {
		if f.Group == hostabi.GroupNetwork {
			fmt.Println(f.Name, f.ParamNames)
		}
	}
	fmt.Println(len(hostabi.Functions()), "functions")
	// Output:
	// sock_accept [fd flags result.fd]
	// sock_recv [fd ri_data ri_data_len ri_flags result.ro_datalen result.ro_flags]
	// sock_send [fd si_data si_data_len si_flags result.so_datalen]
	// sock_shutdown [fd how]
	// 46 functions
}
