package wasibox

import rego.v1

# A built-in error at evaluation: to_number of a path.
deny contains "never" if {
	input.op == "path_open"
	to_number(input.path) > 0
}

# Two values for one complete rule: a conflict error at evaluation.
kind := "a" if input.op == "path_unlink_file"

kind := "b" if input.op == "path_unlink_file"

deny contains "never" if {
	input.op == "path_unlink_file"
	kind == "c"
}

# An evaluation that cannot finish in time (the engine bounds it).
deny contains "never" if {
	input.op == "sock_connect"
	input.port > 10000
	some i in numbers.range(1, input.port)
	some j in numbers.range(1, input.port)
	i * j < 0
}

# Messages must be strings; anything else is a policy error.
deny contains input.port if input.op == "sock_bind"
