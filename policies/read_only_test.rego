package read_only_test

import data.wasibox
import rego.v1

# denials returns this policy's messages only (see deny_private_networks_test).
denials(inp) := {m |
	ds := wasibox.deny with input as inp
	some m in ds
	startswith(m, "read_only: ")
}

open(p, read, write, create, truncate) := {
	"op": "path_open", "path": p, "mount": "/data", "mode": "rw", "follow": true,
	"access": {"read": read, "write": write, "create": create, "truncate": truncate, "directory": false},
}

path_op(op) := {"op": op, "path": "/data/x", "mount": "/data", "mode": "rw", "follow": false, "new_path": "/data/y", "target": "x"}

test_read_allowed if {
	count(denials(open("/data/in.csv", true, false, false, false))) == 0
	dir := object.union(open("/data", true, false, false, false), {"access": {"directory": true}})
	count(denials(dir)) == 0
}

test_write_denied if {
	denials(open("/data/out.txt", false, true, false, false)) == {"read_only: the file system is read-only (path_open for write)"}
	denials(open("/data/out.txt", true, true, false, false)) == {"read_only: the file system is read-only (path_open for write)"}
}

test_create_and_truncate_denied if {
	denials(open("/data/new.txt", false, false, true, false)) == {"read_only: the file system is read-only (path_open for create)"}
	denials(open("/data/old.txt", false, false, false, true)) == {"read_only: the file system is read-only (path_open for truncate)"}
	count(denials(open("/data/x", false, true, true, true))) == 3
}

test_mutating_ops_denied if {
	every op in ["path_create_directory", "path_unlink_file", "path_remove_directory", "path_rename", "path_link", "path_symlink", "path_filestat_set_times"] {
		denials(path_op(op)) == {"read_only: the file system is read-only"}
	}
}

test_reading_ops_allowed if {
	every op in ["path_filestat_get", "path_readlink"] {
		count(denials(path_op(op))) == 0
	}
}

test_sockets_untouched if {
	count(denials({"op": "sock_connect", "proto": "tcp", "family": "inet", "addr": "93.184.216.34", "port": 443, "name": ""})) == 0
}
