// Package policies holds the Rego policies shipped with wasibox: reusable
// rule sets in package wasibox that narrow what a manifest grants (design.md,
// "Policy contract"), each with a _test.rego that runs under `opa test` and
// under `wasibox check`. The files are embedded so that the binary can list
// them and write them out; they are plain files in this folder, so a manifest
// can also name them directly:
//
//	policy:
//	  modules: [./policies/deny_private_networks.rego]
//	  tests:   [./policies/deny_private_networks_test.rego]
//
// Every deny message starts with the policy's name and a colon, so that a
// denial names the rule set that made it and several policies can be loaded
// together (their tests only look at their own messages).
//
// Trust boundary: these files are wasibox's own and are trusted; they are
// still compiled under the same restricted capabilities as any user policy.
// This package only embeds text and does not import OPA (only package
// policy does).
//
// Usage:
//
//	for _, p := range policies.List() {
//		fmt.Println(p.Name, "-", p.Title)
//	}
package policies

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.rego
var files embed.FS

// Policy is one shipped policy.
type Policy struct {
	// Name is the file name without ".rego", e.g. "read_only"; it is also
	// the prefix of every deny message the policy produces.
	Name string
	// Title and Description come from the file's leading comment: its
	// first line, and the paragraph after the blank comment line.
	Title       string
	Description string
	// File and TestFile are the file names in FS.
	File     string
	TestFile string
	// Source and TestSource are the files' contents.
	Source     string
	TestSource string
}

// FS returns the shipped policy files (*.rego and *_test.rego) as a
// read-only file system.
func FS() fs.FS { return files }

// List returns the shipped policies sorted by name. The result is built on
// each call: changing it changes nothing.
func List() []Policy {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic("policies: embedded files unreadable: " + err.Error()) // invariant: embed.FS
	}
	var out []Policy
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".rego")
		if !ok || strings.HasSuffix(name, "_test") {
			continue
		}
		p := Policy{Name: name, File: e.Name(), TestFile: name + "_test.rego"}
		p.Source = read(p.File)
		p.TestSource = read(p.TestFile)
		p.Title, p.Description = header(p.Source)
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Get returns the shipped policy called name.
func Get(name string) (Policy, bool) {
	for _, p := range List() {
		if p.Name == name {
			return p, true
		}
	}
	return Policy{}, false
}

func read(name string) string {
	b, err := files.ReadFile(name)
	if err != nil {
		return "" // a policy without tests; TestPolicies refuses it
	}
	return string(b)
}

// header splits the leading comment block of a Rego file into a title (its
// first line) and a description (the following lines, joined).
func header(src string) (title, desc string) {
	var lines []string
	for _, l := range strings.Split(src, "\n") {
		c, ok := strings.CutPrefix(l, "#")
		if !ok {
			break
		}
		lines = append(lines, strings.TrimSpace(c))
	}
	if len(lines) == 0 {
		return "", ""
	}
	return lines[0], strings.TrimSpace(strings.Join(lines[1:], " "))
}
