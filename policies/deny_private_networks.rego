# Deny private networks
#
# Refuses sock_connect and sock_send_to towards private (RFC 1918, RFC 4193),
# loopback, link-local, carrier-grade NAT and cloud metadata addresses, so
# that a module granted "the internet" cannot reach the host's own services
# or its neighbours (SSRF). The host normalizes input.addr (IPv4-mapped IPv6
# is unmapped, zones dropped) before asking.
package wasibox

import rego.v1

# Ranges are a table, not rules, so that partial evaluation unrolls them into
# one native check per range and the message names the range that matched.
# 0.0.0.0/8 and ::/128 are listed with loopback: on Linux, connecting to
# them reaches 127.0.0.1 (design decision 5).
deny_private_networks_ranges := {
	"0.0.0.0/8": "this host (reaches loopback)",
	"10.0.0.0/8": "private network, RFC 1918",
	"100.64.0.0/10": "carrier-grade NAT, RFC 6598",
	"127.0.0.0/8": "loopback",
	"169.254.0.0/16": "link-local, RFC 3927",
	"172.16.0.0/12": "private network, RFC 1918",
	"192.168.0.0/16": "private network, RFC 1918",
	"::/128": "unspecified address (reaches loopback)",
	"::1/128": "loopback",
	"fc00::/7": "unique local address, RFC 4193",
	"fe80::/10": "link-local",
}

# Cloud metadata services hand out credentials; they get a message of their
# own because they are the usual target of SSRF.
deny_private_networks_metadata := {
	"169.254.169.254": "cloud metadata service (AWS, GCP, Azure, OpenStack)",
	"fd00:ec2::254": "cloud metadata service (AWS IPv6)",
	"100.100.100.200": "cloud metadata service (Alibaba Cloud)",
}

# Operations are matched with `some op in ...; input.op == op` rather than
# `input.op in ...`: partial evaluation then splits the rule per operation
# and the engine folds every other operation to a constant allow.
deny_private_networks_ops := {"sock_connect", "sock_send_to"}

deny contains msg if {
	some op in deny_private_networks_ops
	input.op == op
	input.family != "unix"
	input.addr != ""
	some cidr, what in deny_private_networks_ranges
	net.cidr_contains(cidr, input.addr)
	msg := sprintf("deny_private_networks: %s is %s", [cidr, what])
}

deny contains msg if {
	some op in deny_private_networks_ops
	input.op == op
	some addr, what in deny_private_networks_metadata
	input.addr == addr
	msg := sprintf("deny_private_networks: %s is a %s", [addr, what])
}
