module github.com/wasibox/wasibox

go 1.26.8

require (
	github.com/tetratelabs/wazero v1.12.0
	golang.org/x/sys v0.49.0
)

require gopkg.in/yaml.v3 v3.0.1
