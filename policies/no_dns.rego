# No DNS
#
# Refuses every name lookup (sock_getaddrinfo), whatever net.lookup grants:
# the module can still connect to the addresses its manifest names, but
# cannot resolve names, which closes DNS as a channel for data.
package wasibox

import rego.v1

deny contains "no_dns: name resolution is disabled" if {
	input.op == "sock_getaddrinfo"
}
