package policy

import (
	"strconv"
	"strings"
)

// Access is what a path_open asks for, precomputed by the host from the
// oflags, rights and fdflags so that rules stay simple.
type Access struct {
	Read, Write, Create, Truncate, Directory bool
}

// Input is the policy input envelope for one operation (see the "Policy
// contract" in design.md). Which fields are present depends on Op: path
// operations carry path, mount, mode, follow (and access for path_open,
// new_path for rename/link, target for symlink); socket operations carry
// proto, family, addr, port and name.
type Input struct {
	Op string

	Path    string // clean absolute guest path
	NewPath string // path_rename, path_link: the destination
	Target  string // path_symlink: the link's contents
	Mount   string // guest path of the mount the path is in
	Mode    string // "ro" or "rw"
	Access  Access // path_open only
	Follow  bool

	Proto  string // "tcp" or "udp"
	Family string // "inet", "inet6" or "unix"
	Addr   string // normalized IP address
	Port   int
	Name   string // host name the address was resolved from, or looked up

	Module string // the module's sha256
}

// IsPathOp reports whether op is a path_* operation.
func IsPathOp(op string) bool { return strings.HasPrefix(op, "path_") }

// Map returns the envelope as a JSON-like document (what `input` is in Rego).
func (in *Input) Map() map[string]any {
	m := map[string]any{"op": in.Op, "module": map[string]any{"sha256": in.Module}}
	if IsPathOp(in.Op) {
		m["path"] = in.Path
		m["mount"] = in.Mount
		m["mode"] = in.Mode
		m["follow"] = in.Follow
		switch in.Op {
		case "path_open":
			m["access"] = map[string]any{"read": in.Access.Read, "write": in.Access.Write,
				"create": in.Access.Create, "truncate": in.Access.Truncate, "directory": in.Access.Directory}
		case "path_rename", "path_link":
			m["new_path"] = in.NewPath
		case "path_symlink":
			m["target"] = in.Target
		}
		return m
	}
	m["proto"] = in.Proto
	m["family"] = in.Family
	m["addr"] = in.Addr
	m["port"] = in.Port
	m["name"] = in.Name
	return m
}

// get returns the value at an input path (e.g. ["access", "write"]) as
// string, bool or int; ok is false if the envelope has no such field.
func (in *Input) get(path []string) (any, bool) {
	if len(path) == 0 {
		return nil, false
	}
	path0 := path[0]
	if len(path) == 2 {
		switch path0 {
		case "access":
			if in.Op != "path_open" {
				return nil, false
			}
			switch path[1] {
			case "read":
				return in.Access.Read, true
			case "write":
				return in.Access.Write, true
			case "create":
				return in.Access.Create, true
			case "truncate":
				return in.Access.Truncate, true
			case "directory":
				return in.Access.Directory, true
			}
		case "module":
			if path[1] == "sha256" {
				return in.Module, true
			}
		}
		return nil, false
	}
	if len(path) != 1 {
		return nil, false
	}
	switch path0 {
	case "op":
		return in.Op, true
	}
	if IsPathOp(in.Op) {
		switch path0 {
		case "path":
			return in.Path, true
		case "mount":
			return in.Mount, true
		case "mode":
			return in.Mode, true
		case "follow":
			return in.Follow, true
		case "new_path":
			if in.Op == "path_rename" || in.Op == "path_link" {
				return in.NewPath, true
			}
		case "target":
			if in.Op == "path_symlink" {
				return in.Target, true
			}
		}
		return nil, false
	}
	switch path0 {
	case "proto":
		return in.Proto, true
	case "family":
		return in.Family, true
	case "addr":
		return in.Addr, true
	case "port":
		return in.Port, true
	case "name":
		return in.Name, true
	}
	return nil, false
}

// Key identifies the input for the decision cache.
func (in *Input) Key() string {
	var b strings.Builder
	b.Grow(len(in.Path) + len(in.NewPath) + len(in.Target) + 64)
	b.WriteString(in.Op)
	for _, s := range [...]string{in.Path, in.NewPath, in.Target, in.Mount, in.Mode, in.Proto, in.Family, in.Addr, in.Name} {
		b.WriteByte(0)
		b.WriteString(s)
	}
	b.WriteByte(0)
	flags := 0
	for i, f := range [...]bool{in.Access.Read, in.Access.Write, in.Access.Create, in.Access.Truncate, in.Access.Directory, in.Follow} {
		if f {
			flags |= 1 << i
		}
	}
	b.WriteString(strconv.Itoa(flags))
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(in.Port))
	return b.String()
}
