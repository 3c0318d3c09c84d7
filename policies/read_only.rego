# Read only
#
# Makes every mount read-only, whatever its manifest mode: refuses every
# mutating path call, and path_open for writing, creating or truncating.
# Reading, listing and stat stay allowed. Messages do not depend on the path,
# so the mutating calls are decided once at start (a constant denial).
package wasibox

import rego.v1

read_only_mutating_ops := {
	"path_create_directory", "path_unlink_file", "path_remove_directory",
	"path_rename", "path_link", "path_symlink", "path_filestat_set_times",
}

deny contains "read_only: the file system is read-only" if {
	some op in read_only_mutating_ops
	input.op == op
}

deny contains msg if {
	input.op == "path_open"
	some flag in ["write", "create", "truncate"]
	input.access[flag] == true
	msg := sprintf("read_only: the file system is read-only (path_open for %s)", [flag])
}
