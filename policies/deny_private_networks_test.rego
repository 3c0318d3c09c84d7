package deny_private_networks_test

import data.wasibox
import rego.v1

# denials returns this policy's messages for an input: other shipped policies
# may be loaded next to it (opa test policies/), and their messages do not
# count here.
denials(inp) := {m |
	ds := wasibox.deny with input as inp
	some m in ds
	startswith(m, "deny_private_networks: ")
}

connect(addr, port) := {"op": "sock_connect", "proto": "tcp", "family": family(addr), "addr": addr, "port": port, "name": ""}

family(addr) := "inet6" if contains(addr, ":")

else := "inet"

test_rfc1918_denied if {
	"deny_private_networks: 10.0.0.0/8 is private network, RFC 1918" in denials(connect("10.1.2.3", 443))
	"deny_private_networks: 172.16.0.0/12 is private network, RFC 1918" in denials(connect("172.31.255.255", 80))
	"deny_private_networks: 192.168.0.0/16 is private network, RFC 1918" in denials(connect("192.168.1.1", 22))
}

test_rfc1918_edges_allowed if {
	count(denials(connect("172.32.0.1", 443))) == 0
	count(denials(connect("172.15.255.255", 443))) == 0
	count(denials(connect("11.0.0.1", 443))) == 0
	count(denials(connect("192.169.0.1", 443))) == 0
}

test_loopback_denied if {
	"deny_private_networks: 127.0.0.0/8 is loopback" in denials(connect("127.0.0.1", 8080))
	"deny_private_networks: 127.0.0.0/8 is loopback" in denials(connect("127.255.0.9", 8080))
	"deny_private_networks: ::1/128 is loopback" in denials(connect("::1", 8080))
	"deny_private_networks: 0.0.0.0/8 is this host (reaches loopback)" in denials(connect("0.0.0.0", 80))
	"deny_private_networks: ::/128 is unspecified address (reaches loopback)" in denials(connect("::", 80))
}

test_link_local_and_metadata_denied if {
	ds := denials(connect("169.254.169.254", 80))
	"deny_private_networks: 169.254.0.0/16 is link-local, RFC 3927" in ds
	"deny_private_networks: 169.254.169.254 is a cloud metadata service (AWS, GCP, Azure, OpenStack)" in ds
	"deny_private_networks: 169.254.0.0/16 is link-local, RFC 3927" in denials(connect("169.254.1.1", 80))
	"deny_private_networks: fe80::/10 is link-local" in denials(connect("fe80::1", 80))
	"deny_private_networks: fe80::/10 is link-local" in denials(connect("febf:ffff::1", 80))
}

test_ipv6_ula_denied if {
	"deny_private_networks: fc00::/7 is unique local address, RFC 4193" in denials(connect("fd12:3456::1", 443))
	"deny_private_networks: fc00::/7 is unique local address, RFC 4193" in denials(connect("fc00::1", 443))
	"deny_private_networks: fd00:ec2::254 is a cloud metadata service (AWS IPv6)" in denials(connect("fd00:ec2::254", 80))
}

test_cgnat_denied if {
	"deny_private_networks: 100.64.0.0/10 is carrier-grade NAT, RFC 6598" in denials(connect("100.64.0.1", 443))
	"deny_private_networks: 100.64.0.0/10 is carrier-grade NAT, RFC 6598" in denials(connect("100.127.255.254", 443))
	count(denials(connect("100.128.0.1", 443))) == 0
	count(denials(connect("100.63.255.255", 443))) == 0
}

test_public_allowed if {
	count(denials(connect("93.184.216.34", 443))) == 0
	count(denials(connect("8.8.8.8", 53))) == 0
	count(denials(connect("2606:4700::1111", 443))) == 0
	count(denials(connect("fec0::1", 443))) == 0
}

test_send_to_denied if {
	inp := {"op": "sock_send_to", "proto": "udp", "family": "inet", "addr": "192.168.0.53", "port": 53, "name": ""}
	"deny_private_networks: 192.168.0.0/16 is private network, RFC 1918" in denials(inp)
}

test_other_ops_untouched if {
	# Listening on and accepting from private addresses is not this policy's business.
	count(denials({"op": "sock_bind", "proto": "tcp", "family": "inet", "addr": "127.0.0.1", "port": 8080, "name": ""})) == 0
	count(denials({"op": "sock_accept", "proto": "tcp", "family": "inet", "addr": "10.0.0.1", "port": 5555, "name": ""})) == 0
	count(denials({"op": "path_open", "path": "/10.0.0.1", "mount": "/", "mode": "ro", "follow": true, "access": {"read": true, "write": false, "create": false, "truncate": false, "directory": false}})) == 0
}

test_unix_socket_not_evaluated if {
	# No address to check: the policy must neither deny nor fail.
	count(denials({"op": "sock_connect", "proto": "tcp", "family": "unix", "addr": "", "port": 0, "name": ""})) == 0
}
