package policy

import (
	"fmt"
	"strings"
)

// Pos is a position in a manifest or policy file (1-based; 0 means unknown).
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// Error codes of manifest and policy errors. They are stable: tools and
// tests match on them.
const (
	CodeYAML        = "yaml_syntax"    // the file is not valid YAML
	CodeUnknownKey  = "unknown_key"    // a key the schema does not define
	CodeDuplicate   = "duplicate_key"  // a key given twice
	CodeType        = "wrong_type"     // e.g. a list where a map is expected
	CodeRequired    = "required"       // a required key is missing
	CodeValue       = "invalid_value"  // a value of the right type but not allowed
	CodeVersion     = "bad_version"    // version is not 1
	CodeNetEntry    = "bad_net_entry"  // a net.connect/listen entry does not parse
	CodeName        = "bad_name"       // a lookup name pattern is malformed
	CodeGlob        = "bad_glob"       // an fs.deny pattern is malformed
	CodePath        = "bad_path"       // a guest or host path is malformed
	CodeHostPath    = "host_path"      // a host path is missing or of the wrong type
	CodeShadow      = "mount_shadowed" // two mounts at the same guest path
	CodeRego        = "rego_compile"   // a policy module does not compile
	CodeRegoBuiltin = "rego_builtin"   // a policy calls a forbidden (non-deterministic) built-in
	CodeRegoTest    = "rego_test"      // a policy test failed
	CodeIO          = "io"             // a file could not be read
)

// Error is one structured manifest or policy error: a stable code, a
// message, and where it is.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	File    string `json:"file,omitempty"`
	Pos
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", e.Line, e.Col)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(e.Message)
	b.WriteString(" [")
	b.WriteString(e.Code)
	b.WriteByte(']')
	return b.String()
}

// Errors is a list of errors found in one file; it is returned as an error
// when not empty.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap lets errors.As find each *Error.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
