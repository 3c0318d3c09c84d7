# Tests of narrow.rego: `wasibox check manifest.yaml` runs them (policy.tests),
# and so does `opa test rules/`.
package narrow_test

import data.wasibox
import rego.v1

open(p, access) := {
	"op": "path_open", "path": p, "mount": "/work", "mode": "rw", "follow": true,
	"access": object.union({"read": false, "write": false, "create": false, "truncate": false, "directory": false}, access),
}

two(op, p, q) := {"op": op, "path": p, "new_path": q, "mount": "/work", "mode": "rw", "follow": false}

denied(inp) if count(wasibox.deny) > 0 with input as inp

test_writing_scripts_denied if {
	denied(open("/work/out/deploy.sh", {"write": true, "create": true}))
	denied(open("/work/scripts/build.sh", {"write": true, "truncate": true}))
	"narrow: no *.sh file may be written" in wasibox.deny with input as open("/work/x.sh", {"write": true})
	denied(two("path_rename", "/work/out/report.txt", "/work/out/report.sh"))
	denied(two("path_link", "/work/out/report.txt", "/work/run.sh"))
	denied({"op": "path_symlink", "path": "/work/run.sh", "target": "notes/todo.txt", "mount": "/work", "mode": "rw", "follow": false})
}

test_reading_scripts_allowed if {
	not denied(open("/work/scripts/build.sh", {"read": true}))
	not denied(open("/work/out/report.txt", {"read": true, "write": true, "create": true}))
	not denied(open("/work/out/shell.sh.txt", {"write": true}))
	not denied(two("path_rename", "/work/run.sh", "/work/run.txt"))
}

test_reading_secrets_denied if {
	denied(open("/work/secrets/token.txt", {"read": true}))
	denied(open("/work/secrets", {"read": true, "directory": true}))
	denied(open("/work/a/b/secrets/deep/key", {"read": true}))
	"narrow: nothing under secrets/ may be read" in wasibox.deny with input as open("/work/secrets/x", {"read": true})
	denied(two("path_rename", "/work/secrets/token.txt", "/work/out/token.txt"))
	denied(two("path_link", "/work/secrets/token.txt", "/work/out/token.txt"))
}

test_other_files_allowed if {
	not denied(open("/work/notes/todo.txt", {"read": true}))
	not denied(open("/work/notes/secrets.txt", {"read": true}))
	not denied(open("/work/mysecrets/x", {"read": true}))
	not denied(open("/work/secrets-old/x", {"read": true}))
	not denied({"op": "path_filestat_get", "path": "/work/secrets/token.txt", "mount": "/work", "mode": "rw", "follow": true})
}
