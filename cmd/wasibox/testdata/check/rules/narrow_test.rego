package narrow_test

import data.wasibox
import rego.v1

open_write(p) := {"op": "path_open", "path": p, "mount": "/out", "mode": "rw", "follow": true,
	"access": {"read": false, "write": true, "create": true, "truncate": false, "directory": false}}

test_sh_write_denied if {
	"no shell scripts may be written" in wasibox.deny with input as open_write("/out/x.sh")
}

test_txt_write_allowed if {
	count(wasibox.deny) == 0 with input as open_write("/out/x.txt")
}

test_manifest_is_data if {
	data.manifest.fs.mounts[1].guest == "/out"
	data.manifest.net.connect[0].cidr == "10.0.0.0/8"
}
