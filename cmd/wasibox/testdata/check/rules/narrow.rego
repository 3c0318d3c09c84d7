package wasibox

import rego.v1

deny contains "no shell scripts may be written" if {
	input.op == "path_open"
	input.access.write
	endswith(input.path, ".sh")
}

# The manifest is data.manifest: no writes outside rw mounts' own folders.
deny contains "policy: /out only" if {
	input.op == "path_open"
	input.access.write
	not startswith(input.path, "/out/")
}
