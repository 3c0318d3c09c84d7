package wasibox

import rego.v1

# The example of design.md: no shell scripts may be written.
deny contains "no shell scripts may be written" if {
	input.op == "path_open"
	input.access.write
	endswith(input.path, ".sh")
}

# Connections by name only to names the manifest lets the module resolve:
# a rule that reads the manifest (data.manifest).
deny contains msg if {
	input.op == "sock_connect"
	input.name != ""
	not lookup_granted(input.name)
	msg := sprintf("connect to %s: name not in net.lookup", [input.name])
}

lookup_granted(name) if {
	some pattern in data.manifest.net.lookup
	glob.match(pattern, ["."], name)
}

# Only the rw mount may be written, and only below /out/tmp.
deny contains "writes only below /out/tmp" if {
	input.op == "path_open"
	input.access.write
	input.mount == "/out"
	not startswith(input.path, "/out/tmp/")
}
