package no_dns_test

import data.wasibox
import rego.v1

# denials returns this policy's messages only (see deny_private_networks_test).
denials(inp) := {m |
	ds := wasibox.deny with input as inp
	some m in ds
	startswith(m, "no_dns: ")
}

test_getaddrinfo_denied if {
	denials({"op": "sock_getaddrinfo", "proto": "tcp", "family": "inet", "addr": "", "port": 443, "name": "api.example.com"}) == {"no_dns: name resolution is disabled"}
	denials({"op": "sock_getaddrinfo", "proto": "", "family": "", "addr": "", "port": 0, "name": "localhost"}) == {"no_dns: name resolution is disabled"}
}

test_connect_by_address_allowed if {
	count(denials({"op": "sock_connect", "proto": "tcp", "family": "inet", "addr": "93.184.216.34", "port": 443, "name": ""})) == 0
	count(denials({"op": "sock_open", "proto": "udp", "family": "inet", "addr": "", "port": 0, "name": ""})) == 0
}

test_files_untouched if {
	count(denials({"op": "path_open", "path": "/etc/resolv.conf", "mount": "/etc", "mode": "ro", "follow": true, "access": {"read": true, "write": false, "create": false, "truncate": false, "directory": false}})) == 0
}
