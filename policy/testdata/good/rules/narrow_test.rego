package narrow_test

import data.wasibox
import rego.v1

test_sh_write_denied if {
	"no shell scripts may be written" in wasibox.deny with input as {"op": "path_open", "path": "/out/x.sh", "access": {"write": true}}
}
