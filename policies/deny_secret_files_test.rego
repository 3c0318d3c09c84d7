package deny_secret_files_test

import data.wasibox
import rego.v1

# denials returns this policy's messages only (see deny_private_networks_test).
denials(inp) := {m |
	ds := wasibox.deny with input as inp
	some m in ds
	startswith(m, "deny_secret_files: ")
}

read(p) := {
	"op": "path_open", "path": p, "mount": "/data", "mode": "ro", "follow": true,
	"access": {"read": true, "write": false, "create": false, "truncate": false, "directory": false},
}

denied(p) if count(denials(read(p))) > 0

test_keys_denied if {
	denied("/data/tls/server.pem")
	denied("/data/tls/server.key")
	denied("/data/SERVER.PEM")
	denied("/data/store.p12")
	denied("/data/app.jks")
	denied("/server.pem")
	"deny_secret_files: looks like a secret: private key or keystore (*.pem, *.key, *.p12, ...)" in denials(read("/data/a.pem"))
}

test_ssh_denied if {
	denied("/home/u/id_rsa")
	denied("/home/u/id_rsa.pub")
	denied("/data/id_ed25519")
	denied("/home/u/.ssh/known_hosts")
	denied("/home/u/.ssh/config")
}

test_env_and_credentials_denied if {
	denied("/app/.env")
	denied("/app/.env.production")
	denied("/app/sub/.ENV")
	denied("/home/u/.netrc")
	denied("/home/u/.git-credentials")
	denied("/home/u/.aws/credentials")
	denied("/home/u/.aws/config")
	denied("/data/credentials")
	denied("/data/credentials.json")
	denied("/repo/.git/config")
	denied("/home/u/.docker/config.json")
	denied("/home/u/.kube/config")
	denied("/home/u/.gnupg/private-keys-v1.d/x")
}

test_ordinary_files_allowed if {
	not denied("/data/in.csv")
	not denied("/data/report.txt")
	not denied("/data/keys.txt")
	not denied("/data/env")
	not denied("/data/environment.txt")
	not denied("/data/my.env")
	not denied("/data/pem")
	not denied("/data/key")
	not denied("/repo/.git/HEAD")
	not denied("/repo/.git/configs/x")
	not denied("/data/credentialsx")
	not denied("/data/kube/config")
	not denied("/data/ssh/id")
	not denied("/data")
}

test_other_path_ops if {
	count(denials({"op": "path_filestat_get", "path": "/d/server.key", "mount": "/d", "mode": "ro", "follow": true})) > 0
	count(denials({"op": "path_readlink", "path": "/d/.env", "mount": "/d", "mode": "ro", "follow": false})) > 0

	# Deleting or making folders is not reading a secret.
	count(denials({"op": "path_unlink_file", "path": "/d/server.key", "mount": "/d", "mode": "rw", "follow": false})) == 0
}

test_rename_both_names if {
	count(denials({"op": "path_rename", "path": "/d/server.key", "new_path": "/d/notes.txt", "mount": "/d", "mode": "rw", "follow": false})) > 0
	"deny_secret_files: destination looks like a secret: environment file (.env, .env.*)" in denials({"op": "path_rename", "path": "/d/notes.txt", "new_path": "/d/.env", "mount": "/d", "mode": "rw", "follow": false})
	count(denials({"op": "path_link", "path": "/d/id_rsa", "new_path": "/d/x", "mount": "/d", "mode": "rw", "follow": false})) > 0
	count(denials({"op": "path_rename", "path": "/d/a.txt", "new_path": "/d/b.txt", "mount": "/d", "mode": "rw", "follow": false})) == 0
}

test_network_untouched if {
	count(denials({"op": "sock_connect", "proto": "tcp", "family": "inet", "addr": "93.184.216.34", "port": 443, "name": "server.pem"})) == 0
}
