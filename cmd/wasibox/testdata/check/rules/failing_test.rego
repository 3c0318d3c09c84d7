package failing_test

import data.wasibox
import rego.v1

test_passes if {
	count(wasibox.deny) == 0 with input as {"op": "path_open", "path": "/out/a", "access": {"write": true}}
}

test_wrongly_expects_allow if {
	count(wasibox.deny) == 0 with input as {"op": "path_open", "path": "/out/a.sh", "access": {"write": true}}
}

test_errors if {
	to_number("not a number") == 1
}
