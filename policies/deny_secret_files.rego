# Deny secret files
#
# Refuses to open, stat, read the link of, rename or hard-link files whose
# name or place looks like a secret: private keys and keystores, SSH keys,
# .env files, credential files of common tools, .git/config. Names are
# compared case-insensitively. Renames and links are checked on both names,
# so a secret cannot be moved to an innocent name and read there.
package wasibox

import rego.v1

# What looks like a secret, as RE2 expressions over the clean absolute guest
# path. They are a table so that partial evaluation unrolls them into one
# native check each and the message says what matched. (Regular expressions
# rather than globs because case-insensitive matching needs no lower() call,
# which would keep the residual from being evaluated natively.)
deny_secret_files_patterns := {
	"private key or keystore (*.pem, *.key, *.p12, ...)": `(?i)\.(pem|key|p12|pfx|jks|keystore|ppk|kdbx|gpg|asc)$`,
	"SSH key (id_rsa*, id_ed25519*, ...)": `(?i)/id_(rsa|dsa|ecdsa|ed25519)[^/]*$`,
	"environment file (.env, .env.*)": `(?i)/\.env(\.[^/]*)?$`,
	"credential file (.netrc, .pgpass, .git-credentials, .npmrc, ...)": `(?i)/(\.netrc|_netrc|\.pgpass|\.htpasswd|\.git-credentials|\.npmrc|\.pypirc|\.dockercfg|\.vault-token)$`,
	"credential file (credentials, credentials.json, ...)": `(?i)/credentials(\.(json|db|xml|yaml|yml))?$`,
	"git config, may hold tokens (.git/config)": `(?i)/\.git/config$`,
	"SSH folder (.ssh/)": `(?i)/\.ssh(/|$)`,
	"GnuPG folder (.gnupg/)": `(?i)/\.gnupg(/|$)`,
	"AWS configuration (.aws/)": `(?i)/\.aws(/|$)`,
	"Docker credentials (.docker/config.json)": `(?i)/\.docker/config\.json$`,
	"Kubernetes credentials (.kube/config)": `(?i)/\.kube/config$`,
}

# Operations are matched with `some op in ...; input.op == op` so that
# partial evaluation folds every other operation to a constant allow.
deny_secret_files_ops := {"path_open", "path_readlink", "path_filestat_get", "path_rename", "path_link"}

deny contains msg if {
	some op in deny_secret_files_ops
	input.op == op
	some what, re in deny_secret_files_patterns
	regex.match(re, input.path)
	msg := sprintf("deny_secret_files: looks like a secret: %s", [what])
}

# The destination of a rename or link.
deny contains msg if {
	some op in {"path_rename", "path_link"}
	input.op == op
	some what, re in deny_secret_files_patterns
	regex.match(re, input.new_path)
	msg := sprintf("deny_secret_files: destination looks like a secret: %s", [what])
}
