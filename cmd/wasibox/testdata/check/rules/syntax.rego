package wasibox

import rego.v1

deny contains "x" if {
	input.op ==
}
