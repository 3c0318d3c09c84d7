package wasibox

import rego.v1

# A policy with an `allow` rule: undefined allow denies.
allow if input.op == "path_open"

allow if input.op == "sock_open"
allow if {
	input.op == "sock_connect"
	input.port == 443
}
