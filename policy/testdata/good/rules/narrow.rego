package wasibox

import rego.v1

deny contains "no shell scripts may be written" if {
	input.op == "path_open"
	input.access.write
	endswith(input.path, ".sh")
}
