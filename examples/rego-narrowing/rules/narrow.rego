# Narrowing rules of the rego-narrowing example. The manifest grants /work
# read-write; these rules take two things back, whatever path or symbolic
# link the guest uses (the guard asks about the name and about the path it
# resolves to).
package wasibox

import rego.v1

# No shell scripts may be written: no path_open that writes, creates or
# truncates a *.sh file, and no rename, hard link or symbolic link that
# makes one appear under another name.
deny contains "narrow: no *.sh file may be written" if {
	input.op == "path_open"
	input.access.write
	endswith(input.path, ".sh")
}

deny contains "narrow: no *.sh file may be written" if {
	some op in {"path_rename", "path_link"}
	input.op == op
	endswith(input.new_path, ".sh")
}

deny contains "narrow: no *.sh file may be written" if {
	input.op == "path_symlink"
	endswith(input.path, ".sh")
}

# Nothing under a secrets/ folder may be read: no path_open for reading
# (a file, or the folder's listing), and no rename or hard link that would
# move a secret somewhere it could be read.
deny contains "narrow: nothing under secrets/ may be read" if {
	input.op == "path_open"
	input.access.read
	regex.match(`/secrets(/|$)`, input.path)
}

deny contains "narrow: nothing under secrets/ may be read" if {
	some op in {"path_rename", "path_link"}
	input.op == op
	regex.match(`/secrets(/|$)`, input.path)
}
