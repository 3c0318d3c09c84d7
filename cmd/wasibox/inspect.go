package main

// wasibox inspect: what a module needs, read from its binary without
// running it. The link verdicts follow hostabi's own tables (Functions,
// WasmEdgeFunctions, UnstableFunctions) and its rule for choosing a WasmEdge variant per name,
// so that "cannot link" here means "wasibox run would fail to link".

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/wasibox/wasibox/hostabi"
)

const inspectUsage = `usage: wasibox inspect [--format text|json] app.wasm

Describe a WebAssembly module without running it: its sha256 and size, its
memory, its exports (_start, _initialize, memory, others), every import
grouped by capability (files, network, clocks, random, env, process), the
socket ABI it uses (WASI preview 1, WasmEdge V1 or V2), the imports wasibox
cannot link, and the manifest sections a reviewer should look at.

Flags:
  --format text|json   output for people (default) or machines
`

// maxInspectSize bounds the module read into memory. wazero needs the
// whole binary; a module past this size is not something to review.
const maxInspectSize = 1 << 30

func inspectMain(ctx context.Context, e *cliEnv, args []string) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "text", "text or json")
	// Flags may come before or after the module, as with most tools.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return e.usageFailed(err, inspectUsage)
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		return e.usageFailed(errors.New("inspect needs exactly one module"), inspectUsage)
	}
	if *format != "text" && *format != "json" {
		return e.usageFailed(fmt.Errorf("--format %q: want text or json", *format), inspectUsage)
	}
	wasm, err := readModule(files[0])
	if err != nil {
		fmt.Fprintf(e.stderr, "wasibox: %v\n", err)
		return exitFailed
	}
	rep, err := inspectModule(ctx, files[0], wasm)
	if err != nil {
		fmt.Fprintf(e.stderr, "wasibox: inspect %s: %v\n", files[0], err)
		return exitFailed
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(e.stderr, "wasibox: %v\n", err)
			return exitFailed
		}
		return exitOK
	}
	if _, err := io.WriteString(e.stdout, rep.text()); err != nil {
		fmt.Fprintf(e.stderr, "wasibox: %v\n", err)
		return exitFailed
	}
	return exitOK
}

func readModule(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxInspectSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxInspectSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxInspectSize)
	}
	return b, nil
}

// inspectReport is the output of wasibox inspect. Its JSON form is a
// stable interface: members are only ever added.
type inspectReport struct {
	// Module is the path as given on the command line.
	Module string `json:"module"`
	// Name is the module name from the name section, if any.
	Name   string `json:"name,omitempty"`
	SHA256 string `json:"sha256"`
	Size   int    `json:"size"`
	// Kind is "command" (exports _start), "reactor" (_initialize only) or
	// "library" (neither: wasibox run has nothing to call).
	Kind     string         `json:"kind"`
	Memories []inspectMem   `json:"memories"`
	Exports  inspectExports `json:"exports"`
	// Imports lists every import, in module order.
	Imports []inspectImport `json:"imports"`
	// Capabilities groups the names of the linkable function imports of
	// wasi_snapshot_preview1 and wasi_unstable, in the order files, network, clocks,
	// random, env, process; empty groups are left out.
	Capabilities []inspectGroup `json:"capabilities"`
	// SocketABI is "none", "preview1" (sock_accept, sock_recv, sock_send,
	// sock_shutdown only), "preview0" (wasi_unstable's sock_recv,
	// sock_send, sock_shutdown only), "wasmedge-v1", "wasmedge-v2", "wasmedge-mixed"
	// (both generations, as the wasmedge_wasi_socket crate imports them) or
	// "wasmedge" (only functions whose signature both generations share).
	SocketABI string `json:"socket_abi"`
	// Linkable is false when wasibox run would fail before the module
	// starts; Problems says why.
	Linkable bool             `json:"linkable"`
	Problems []inspectProblem `json:"problems"`
	// Notes are remarks that do not prevent a run.
	Notes []string `json:"notes"`
	// Manifest lists the manifest sections that matter for this module,
	// with the imports that make them matter.
	Manifest []inspectSection `json:"manifest"`
}

// inspectMem describes one linear memory. Sizes are in 64 KiB pages.
type inspectMem struct {
	Imported     bool     `json:"imported"`
	ImportModule string   `json:"import_module,omitempty"`
	ImportName   string   `json:"import_name,omitempty"`
	MinPages     uint64   `json:"min_pages"`
	MaxPages     *uint64  `json:"max_pages"` // null: no maximum
	Shared       bool     `json:"shared"`
	Memory64     bool     `json:"memory64"`
	ExportedAs   []string `json:"exported_as"`
}

type inspectExports struct {
	Start      bool `json:"_start"`
	Initialize bool `json:"_initialize"`
	// Memory lists the export names of memories.
	Memory []string `json:"memory"`
	// Functions lists every other exported function, sorted.
	Functions []string `json:"functions"`
}

type inspectImport struct {
	Module string `json:"module"`
	Name   string `json:"name"`
	// Kind is func, table, memory, global or tag.
	Kind string `json:"kind"`
	// Params and Results are a function's signature ([] for others).
	Params  []string `json:"params"`
	Results []string `json:"results"`
	// Group is the capability group of a known function name.
	Group string `json:"group,omitempty"`
	// ABI is "preview1" for a preview 1 function, "preview0" for a
	// function of wasi_unstable (WASI preview 0), or the WasmEdge
	// generation whose signature matched: "wasmedge-v1", "wasmedge-v2" or
	// "wasmedge" (the same in both).
	ABI      string `json:"abi,omitempty"`
	Linkable bool   `json:"linkable"`
	Problem  string `json:"problem,omitempty"`
}

type inspectGroup struct {
	Group   string   `json:"group"`
	Imports []string `json:"imports"`
}

type inspectProblem struct {
	// Import is "module.name" of the import at fault, empty for a problem
	// of the module as a whole.
	Import  string `json:"import,omitempty"`
	Message string `json:"message"`
}

type inspectSection struct {
	Section string   `json:"section"`
	Imports []string `json:"imports"`
	Why     string   `json:"why"`
}

// inspectModule reads wasm (from path) without running it.
func inspectModule(ctx context.Context, path string, wasm []byte) (*inspectReport, error) {
	scan, err := scanWasm(wasm)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(wasm)
	rep := &inspectReport{
		Module: path, SHA256: hex.EncodeToString(sum[:]), Size: len(wasm),
		Linkable: true, Memories: []inspectMem{}, Imports: []inspectImport{},
		Capabilities: []inspectGroup{}, Problems: []inspectProblem{}, Notes: []string{},
		Manifest: []inspectSection{},
	}
	rep.Exports.Memory, rep.Exports.Functions = []string{}, []string{}

	// Compile with the features wasibox run enables (wazero's defaults);
	// the interpreter, because only validation is needed and it is much
	// quicker than native compilation. A shared memory needs the threads
	// feature, which run does not enable: that is reported, and the module
	// is compiled again with it to describe the rest.
	compiled, err := compileForInspect(ctx, wasm, api.CoreFeaturesV2)
	if err != nil && scan.hasShared() {
		rep.problem("", fmt.Sprintf("shared memory needs the WebAssembly threads feature, which wasibox does not enable (%v)", err))
		compiled, err = compileForInspect(ctx, wasm, api.CoreFeaturesV2|experimental.CoreFeaturesThreads)
	}
	if err != nil {
		return nil, err
	}
	rep.Name = compiled.name

	exports := compiled.exports
	for name := range exports {
		switch name {
		case "_start":
			rep.Exports.Start = true
		case "_initialize":
			rep.Exports.Initialize = true
		default:
			rep.Exports.Functions = append(rep.Exports.Functions, name)
		}
	}
	slices.Sort(rep.Exports.Functions)
	switch {
	case rep.Exports.Start && rep.Exports.Initialize:
		rep.Kind = "command"
		rep.Notes = append(rep.Notes, "exports both _start and _initialize, which WASI forbids; wasibox run calls _start")
	case rep.Exports.Start:
		rep.Kind = "command"
	case rep.Exports.Initialize:
		rep.Kind = "reactor"
	default:
		rep.Kind = "library"
		rep.Notes = append(rep.Notes, "exports neither _start nor _initialize: wasibox run has nothing to call")
	}

	for _, m := range scan.mems {
		im := inspectMem{
			Imported: m.imported, ImportModule: m.module, ImportName: m.name,
			MinPages: m.min, Shared: m.shared, Memory64: m.mem64, ExportedAs: m.exports,
		}
		if im.ExportedAs == nil {
			im.ExportedAs = []string{}
		}
		if m.hasMax {
			im.MaxPages = &m.max
		}
		rep.Memories = append(rep.Memories, im)
		rep.Exports.Memory = append(rep.Exports.Memory, m.exports...)
	}
	switch {
	case len(scan.mems) == 0:
		rep.Notes = append(rep.Notes, "no linear memory: every call that passes a pointer fails with EFAULT")
	case len(rep.Exports.Memory) == 0 && !scan.mems[0].imported:
		rep.Notes = append(rep.Notes, `memory is not exported as "memory" (WASI expects it; wasibox uses the module's memory anyway)`)
	}

	rep.Imports = linkImports(compiled.imports, scan.imports)
	for _, im := range rep.Imports {
		if !im.Linkable {
			rep.problem(im.Module+"."+im.Name, im.Problem)
		}
	}
	if slices.ContainsFunc(rep.Imports, func(im inspectImport) bool { return im.ABI == "preview0" }) {
		rep.Notes = append(rep.Notes, "imports wasi_unstable (WASI preview 0, the 2019 snapshot): wasibox serves it over the same sandbox as preview 1, in preview 0's layouts")
	}
	rep.Capabilities = capabilityGroups(rep.Imports)
	rep.SocketABI = socketABI(rep.Imports)
	rep.Manifest = manifestSections(rep.Imports)
	return rep, nil
}

func (r *inspectReport) problem(imp, msg string) {
	r.Linkable = false
	r.Problems = append(r.Problems, inspectProblem{Import: imp, Message: msg})
}

// compiledInfo is what inspect needs from a compiled module.
type compiledInfo struct {
	name    string
	imports []api.FunctionDefinition
	exports map[string]api.FunctionDefinition
}

func compileForInspect(ctx context.Context, wasm []byte, features api.CoreFeatures) (*compiledInfo, error) {
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter().WithCoreFeatures(features))
	defer r.Close(ctx)
	c, err := r.CompileModule(ctx, wasm)
	if err != nil {
		return nil, err
	}
	return &compiledInfo{name: c.Name(), imports: c.ImportedFunctions(), exports: c.ExportedFunctions()}, nil
}

// hostFunc is one function wasibox's host module can export under a name.
type hostFunc struct {
	params, results []api.ValueType
	group           hostabi.Group
	abi             string // "preview1", "wasmedge-v1", "wasmedge-v2" or "wasmedge"
	dflt            bool   // a WasmEdge variant exported when the guest imports no other
}

// hostFuncs returns the host functions by name: for each name, the WasmEdge
// variants in hostabi's table order, then the preview 1 function.
func hostFuncs() map[string][]hostFunc {
	m := map[string][]hostFunc{}
	for _, f := range hostabi.WasmEdgeFunctions() {
		abi := "wasmedge"
		switch f.Generation {
		case hostabi.GenerationV1:
			abi = "wasmedge-v1"
		case hostabi.GenerationV2:
			abi = "wasmedge-v2"
		}
		m[f.Name] = append(m[f.Name], hostFunc{f.ParamTypes, f.ResultTypes, f.Group, abi, f.Default})
	}
	for _, f := range hostabi.Functions() {
		m[f.Name] = append(m[f.Name], hostFunc{f.ParamTypes, f.ResultTypes, f.Group, "preview1", false})
	}
	return m
}

// exported returns the variant of a name that hostabi exports for a guest
// importing it with the signatures sigs: the first WasmEdge variant whose
// signature the guest imports, else the default WasmEdge variant, else the
// preview 1 function (hostabi.Instantiate registers preview 1 first and the
// chosen WasmEdge variant over it).
func exported(variants []hostFunc, sigs []api.FunctionDefinition) *hostFunc {
	var dflt, p1 *hostFunc
	for i := range variants {
		v := &variants[i]
		if v.abi == "preview1" {
			p1 = v
			continue
		}
		for _, s := range sigs {
			if sameSig(v, s) {
				return v
			}
		}
		if v.dflt && dflt == nil {
			dflt = v
		}
	}
	if dflt != nil {
		return dflt
	}
	return p1
}

func sameSig(v *hostFunc, d api.FunctionDefinition) bool {
	return slices.Equal(v.params, d.ParamTypes()) && slices.Equal(v.results, d.ResultTypes())
}

// linkImports decides every import: functions of wasi_snapshot_preview1
// against the host function table, functions of wasi_unstable (preview 0)
// against its own table, anything else as unlinkable (the host modules are
// the only modules wasibox provides, and export only functions).
func linkImports(funcs []api.FunctionDefinition, others []scannedImport) []inspectImport {
	table := hostFuncs()
	p0 := map[string]hostabi.FuncInfo{}
	for _, f := range hostabi.UnstableFunctions() {
		p0[f.Name] = f
	}
	byName := map[string][]api.FunctionDefinition{}
	for _, d := range funcs {
		if mod, name, _ := d.Import(); mod == hostabi.ModuleName {
			byName[name] = append(byName[name], d)
		}
	}
	var out []inspectImport
	for _, d := range funcs {
		mod, name, _ := d.Import()
		im := inspectImport{Module: mod, Name: name, Kind: "func",
			Params: typeNames(d.ParamTypes()), Results: typeNames(d.ResultTypes())}
		variants := table[name]
		if len(variants) > 0 {
			im.Group = variants[0].group.String()
		}
		switch f, ok := p0[name]; {
		case mod == hostabi.UnstableModuleName:
			// One function per name and no WasmEdge variants: the
			// signature must be the witx one.
			im.Group = ""
			switch {
			case !ok:
				im.Problem = fmt.Sprintf("%s (WASI preview 0) has no function %q", mod, name)
			case !slices.Equal(f.ParamTypes, d.ParamTypes()) || !slices.Equal(f.ResultTypes, d.ResultTypes()):
				im.Group = f.Group.String()
				im.Problem = fmt.Sprintf("signature %s does not match %s (preview0)", sigString(d.ParamTypes(), d.ResultTypes()), sigString(f.ParamTypes, f.ResultTypes))
			default:
				im.Group, im.Linkable, im.ABI = f.Group.String(), true, "preview0"
			}
		case mod != hostabi.ModuleName:
			im.Problem = fmt.Sprintf("unknown import module %q (wasibox provides %s and %s)", mod, hostabi.ModuleName, hostabi.UnstableModuleName)
		case len(variants) == 0:
			im.Problem = fmt.Sprintf("%s has no function %q", hostabi.ModuleName, name)
		default:
			v := exported(variants, byName[name])
			if v != nil && sameSig(v, d) {
				im.Linkable, im.ABI = true, v.abi
				break
			}
			var want []string
			for i := range variants {
				want = append(want, sigString(variants[i].params, variants[i].results)+" ("+variants[i].abi+")")
			}
			if imported := byName[name]; v != nil && len(imported) > 1 && anyMatches(variants, imported) {
				im.Problem = fmt.Sprintf("imported twice with different signatures, and wasibox exports one function per name: %s (%s)", sigString(v.params, v.results), v.abi)
			} else {
				im.Problem = fmt.Sprintf("signature %s does not match %s", sigString(d.ParamTypes(), d.ResultTypes()), strings.Join(want, " or "))
			}
		}
		out = append(out, im)
	}
	for _, o := range others {
		out = append(out, inspectImport{Module: o.module, Name: o.name, Kind: o.kind,
			Params: []string{}, Results: []string{},
			Problem: fmt.Sprintf("wasibox provides no %s to import (only functions of %s and %s)", o.kind, hostabi.ModuleName, hostabi.UnstableModuleName)})
	}
	if out == nil {
		out = []inspectImport{}
	}
	return out
}

func anyMatches(variants []hostFunc, sigs []api.FunctionDefinition) bool {
	for i := range variants {
		for _, s := range sigs {
			if sameSig(&variants[i], s) {
				return true
			}
		}
	}
	return false
}

func typeNames(ts []api.ValueType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = api.ValueTypeName(t)
	}
	return out
}

// sigString renders a signature as "(i32, i64) -> i32".
func sigString(params, results []api.ValueType) string {
	s := "(" + strings.Join(typeNames(params), ", ") + ") -> "
	if len(results) == 1 {
		return s + api.ValueTypeName(results[0])
	}
	return s + "(" + strings.Join(typeNames(results), ", ") + ")"
}

// groupOrder is the order of capability groups in the output.
var groupOrder = [...]hostabi.Group{hostabi.GroupFiles, hostabi.GroupNetwork, hostabi.GroupClocks,
	hostabi.GroupRandom, hostabi.GroupEnv, hostabi.GroupProcess}

func capabilityGroups(imports []inspectImport) []inspectGroup {
	out := []inspectGroup{}
	for _, g := range groupOrder {
		var names []string
		for _, im := range imports {
			if im.Linkable && im.Group == g.String() && !slices.Contains(names, im.Name) {
				names = append(names, im.Name)
			}
		}
		if names != nil {
			out = append(out, inspectGroup{Group: g.String(), Imports: names})
		}
	}
	return out
}

// socketABI classifies the linkable socket imports (see inspectReport).
func socketABI(imports []inspectImport) string {
	var p0, p1, v1, v2, common bool
	for _, im := range imports {
		if !im.Linkable || im.Group != hostabi.GroupNetwork.String() {
			continue
		}
		switch im.ABI {
		case "preview0":
			p0 = true
		case "preview1":
			p1 = true
		case "wasmedge-v1":
			v1 = true
		case "wasmedge-v2":
			v2 = true
		case "wasmedge":
			common = true
		}
	}
	switch {
	case v1 && v2:
		return "wasmedge-mixed"
	case v1:
		return "wasmedge-v1"
	case v2:
		return "wasmedge-v2"
	case common:
		return "wasmedge"
	case p1:
		return "preview1"
	case p0:
		return "preview0"
	}
	return "none"
}

// manifestRules say which imports make a manifest section matter, and why.
// Names cover both WasmEdge generations ("_v2" is stripped before matching).
var manifestRules = [...]struct {
	section string
	imports []string
	why     string
}{
	{"fs.mounts", []string{"path_open", "path_filestat_get", "path_readlink", "path_create_directory",
		"path_remove_directory", "path_rename", "path_symlink", "path_link", "path_unlink_file",
		"path_filestat_set_times", "fd_prestat_get", "fd_prestat_dir_name", "fd_readdir"},
		"reaches files by path: it sees only the folders fs.mounts grants (fs.deny narrows them)"},
	{"fs.mounts.mode", []string{"path_create_directory", "path_remove_directory", "path_rename",
		"path_symlink", "path_link", "path_unlink_file", "path_filestat_set_times", "fd_filestat_set_size",
		"fd_filestat_set_times", "fd_allocate", "fd_pwrite"},
		"can change files: mounts it writes to need mode: rw (path_open may create or truncate too; wasibox learn tells)"},
	{"net.connect", []string{"sock_connect", "sock_send_to"},
		"connects or sends to addresses: each needs a net.connect grant"},
	{"net.listen", []string{"sock_bind", "sock_listen", "sock_accept"},
		"binds, listens or accepts: addresses need a net.listen grant (or, for a guest that only accepts on a socket it is given, net.preopen)"},
	{"net.lookup", []string{"sock_getaddrinfo"},
		"resolves names: each needs a net.lookup grant"},
	{"env", []string{"environ_get", "environ_sizes_get"},
		"reads environment variables: it sees only env.set and env.inherit"},
	{"args", []string{"args_get", "args_sizes_get"},
		"reads its arguments: args fixes them in the manifest"},
	{"clock", []string{"clock_time_get", "clock_res_get", "poll_oneoff"},
		"reads clocks or sleeps: clock sets host, none or fixed time"},
	{"random", []string{"random_get"},
		"reads random numbers: random sets host, none or a seed"},
	{"stdio", []string{"fd_read", "fd_write"},
		"reads or writes descriptors, stdin/stdout/stderr included: stdio and limits.stdout/stderr apply"},
}

func manifestSections(imports []inspectImport) []inspectSection {
	out := []inspectSection{}
	for _, r := range manifestRules {
		var names []string
		for _, im := range imports {
			if (im.Module != hostabi.ModuleName && im.Module != hostabi.UnstableModuleName) || im.Kind != "func" || im.Group == "" {
				continue
			}
			if slices.Contains(r.imports, strings.TrimSuffix(im.Name, "_v2")) && !slices.Contains(names, im.Name) {
				names = append(names, im.Name)
			}
		}
		if names != nil {
			out = append(out, inspectSection{Section: r.section, Imports: names, Why: r.why})
		}
	}
	return out
}

// text renders the report for people.
func (r *inspectReport) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", r.Module)
	row := func(k, v string) { fmt.Fprintf(&b, "  %-9s %s\n", k, v) }
	if r.Name != "" {
		row("name", strconv.Quote(r.Name))
	}
	row("sha256", r.SHA256)
	row("size", fmt.Sprintf("%s (%d bytes)", humanBytes(uint64(r.Size)), r.Size))
	switch r.Kind {
	case "command":
		row("kind", "command (exports _start)")
	case "reactor":
		row("kind", "reactor (exports _initialize)")
	default:
		row("kind", "library (no _start or _initialize)")
	}
	if len(r.Memories) == 0 {
		row("memory", "none")
	}
	for _, m := range r.Memories {
		row("memory", m.text())
	}
	exp := []string{}
	if r.Exports.Start {
		exp = append(exp, "_start")
	}
	if r.Exports.Initialize {
		exp = append(exp, "_initialize")
	}
	for _, m := range r.Exports.Memory {
		exp = append(exp, strconv.Quote(m)+" (memory)")
	}
	if n := len(r.Exports.Functions); n > 0 {
		const shown = 5
		s := fmt.Sprintf("%d other function", n)
		if n > 1 {
			s += "s"
		}
		list := r.Exports.Functions[:min(n, shown)]
		s += ": " + strings.Join(list, ", ")
		if n > shown {
			s += fmt.Sprintf(", … (+%d)", n-shown)
		}
		exp = append(exp, s)
	}
	if len(exp) == 0 {
		exp = append(exp, "none")
	}
	row("exports", strings.Join(exp, "; "))
	row("sockets", socketABIText[r.SocketABI])

	nmods := map[string]int{}
	for _, im := range r.Imports {
		nmods[im.Module]++
	}
	fmt.Fprintf(&b, "\nimports: %d", len(r.Imports))
	for _, m := range []string{hostabi.ModuleName, hostabi.UnstableModuleName} {
		if len(r.Imports) > 0 && nmods[m] == len(r.Imports) {
			fmt.Fprintf(&b, ", all from %s", m)
		}
	}
	b.WriteString("\n")
	if len(r.Capabilities) == 0 {
		b.WriteString("  (no linkable WASI imports)\n")
	}
	for _, g := range r.Capabilities {
		wrapList(&b, fmt.Sprintf("  %-9s ", g.Group), 12, g.Imports, " ")
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(&b, "\ncannot link (%d): wasibox run would fail\n", len(r.Problems))
		for _, p := range r.Problems {
			if p.Import != "" {
				fmt.Fprintf(&b, "  %s: %s\n", p.Import, p.Message)
			} else {
				fmt.Fprintf(&b, "  %s\n", p.Message)
			}
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\nnotes\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "  %s\n", n)
		}
	}
	b.WriteString("\nmanifest sections that matter\n")
	if len(r.Manifest) == 0 {
		b.WriteString("  none: the module uses no capability a manifest grants\n")
	}
	for _, s := range r.Manifest {
		wrapList(&b, "  "+s.Section+": imports ", 6, s.Imports, ", ")
		fmt.Fprintf(&b, "      %s\n", s.Why)
	}
	return b.String()
}

var socketABIText = map[string]string{
	"none":           "none",
	"preview1":       "WASI preview 1 only (sock_accept, sock_recv, sock_send, sock_shutdown)",
	"preview0":       "WASI preview 0 only (sock_recv, sock_send, sock_shutdown of wasi_unstable)",
	"wasmedge-v1":    "WasmEdge V1 (before WasmEdge 0.12)",
	"wasmedge-v2":    "WasmEdge V2 (WasmEdge 0.12 and later)",
	"wasmedge-mixed": "WasmEdge V1 and V2 mixed (as the wasmedge_wasi_socket crate imports them)",
	"wasmedge":       "WasmEdge (only signatures common to V1 and V2)",
}

func (m *inspectMem) text() string {
	var parts []string
	if m.Imported {
		parts = append(parts, fmt.Sprintf("imported from %s.%s", m.ImportModule, m.ImportName))
	} else {
		parts = append(parts, "defined")
	}
	for _, e := range m.ExportedAs {
		parts = append(parts, "exported as "+strconv.Quote(e))
	}
	parts = append(parts, "min "+pages(m.MinPages))
	if m.MaxPages != nil {
		parts = append(parts, "max "+pages(*m.MaxPages))
	} else {
		parts = append(parts, "no max")
	}
	if m.Shared {
		parts = append(parts, "shared")
	}
	if m.Memory64 {
		parts = append(parts, "64-bit")
	}
	return strings.Join(parts, ", ")
}

// pages renders a count of 64 KiB pages, e.g. "2 pages (128.0 KiB)".
func pages(n uint64) string {
	unit := "pages"
	if n == 1 {
		unit = "page"
	}
	size := "more than 16 EiB"
	if n <= 1<<48 { // a 64-bit memory may declare more
		size = humanBytes(n << 16)
	}
	return fmt.Sprintf("%d %s (%s)", n, unit, size)
}

func humanBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// wrapList writes prefix and names joined by sep, wrapped before 80
// columns with continuation lines indented by indent columns.
func wrapList(b *strings.Builder, prefix string, indent int, names []string, sep string) {
	pad := strings.Repeat(" ", indent)
	line := prefix
	for i, n := range names {
		if i > 0 {
			line += sep
		}
		if i > 0 && len(line)+len(n) > 79 {
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			line = pad
		}
		line += n
	}
	b.WriteString(line + "\n")
}

// The wasm binary scanner. wazero's CompiledModule tells imported and
// exported functions and memories, but not whether a memory is shared,
// nor about a memory that is neither imported nor exported, nor about
// imported tables, globals and tags, which wasibox cannot provide. So
// inspect reads those from the binary itself: the import, memory and
// export sections, nothing else. The input is hostile: every length is
// checked against what remains, nothing is allocated from a count, and a
// malformed section is an error, never a panic. wazero validates the whole
// module afterwards.

type scannedImport struct {
	module, name, kind string
}

type scannedMem struct {
	imported      bool
	module, name  string
	min, max      uint64
	hasMax        bool
	shared, mem64 bool
	exports       []string
}

type wasmScan struct {
	imports []scannedImport // non-function imports
	mems    []scannedMem    // imported first, then defined: the memory index space
}

func (s *wasmScan) hasShared() bool {
	for _, m := range s.mems {
		if m.shared {
			return true
		}
	}
	return false
}

var errTruncated = errors.New("truncated or malformed")

type wasmReader struct {
	b   []byte
	err error
}

func (r *wasmReader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errTruncated
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// uleb reads an unsigned LEB128 of at most bits bits (so at most
// ceil(bits/7) bytes).
func (r *wasmReader) uleb(bits uint) uint64 {
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if shift >= bits {
			r.err = errTruncated
			return 0
		}
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v
		}
	}
}

func (r *wasmReader) bytes(n uint64) []byte {
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errTruncated
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *wasmReader) name() string { return string(r.bytes(r.uleb(32))) }

func (r *wasmReader) limits() (m scannedMem) {
	flags := r.byte()
	m.hasMax, m.shared, m.mem64 = flags&1 != 0, flags&2 != 0, flags&4 != 0
	bits := uint(32)
	if m.mem64 {
		bits = 64
	}
	m.min = r.uleb(bits)
	if m.hasMax {
		m.max = r.uleb(bits)
	}
	return m
}

func scanWasm(wasm []byte) (*wasmScan, error) {
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], []byte("\x00asm")) {
		return nil, errors.New("not a WebAssembly binary (no \\0asm header)")
	}
	switch v := wasm[4:8]; {
	case bytes.Equal(v, []byte{1, 0, 0, 0}):
	case v[2] == 1 && v[3] == 0: // layer 1: a component
		return nil, errors.New("a WebAssembly component, not a core module: wasibox runs WASI preview 1 core modules")
	default:
		return nil, fmt.Errorf("unsupported WebAssembly version % x", v)
	}
	s := &wasmScan{}
	var defined []scannedMem
	type memExport struct {
		name string
		idx  uint64
	}
	var memExports []memExport
	r := &wasmReader{b: wasm[8:]}
	for len(r.b) > 0 && r.err == nil {
		id := r.byte()
		sec := &wasmReader{b: r.bytes(r.uleb(32))}
		if r.err != nil {
			break
		}
		switch id {
		case 2: // imports
			for n := sec.uleb(32); n > 0 && sec.err == nil; n-- {
				mod, name := sec.name(), sec.name()
				switch kind := sec.byte(); kind {
				case 0: // func: type index
					sec.uleb(32)
				case 1: // table: reference type, limits
					sec.byte()
					sec.limits()
					s.imports = append(s.imports, scannedImport{mod, name, "table"})
				case 2:
					m := sec.limits()
					m.imported, m.module, m.name = true, mod, name
					s.mems = append(s.mems, m)
					s.imports = append(s.imports, scannedImport{mod, name, "memory"})
				case 3: // global: value type, mutability
					sec.byte()
					sec.byte()
					s.imports = append(s.imports, scannedImport{mod, name, "global"})
				case 4: // tag: attribute, type index
					sec.byte()
					sec.uleb(32)
					s.imports = append(s.imports, scannedImport{mod, name, "tag"})
				default:
					if sec.err == nil {
						sec.err = fmt.Errorf("import %s.%s has unknown kind %d", mod, name, kind)
					}
				}
			}
		case 5: // memories
			for n := sec.uleb(32); n > 0 && sec.err == nil; n-- {
				defined = append(defined, sec.limits())
			}
		case 7: // exports
			for n := sec.uleb(32); n > 0 && sec.err == nil; n-- {
				name := sec.name()
				kind := sec.byte()
				idx := sec.uleb(32)
				if kind == 2 && sec.err == nil {
					memExports = append(memExports, memExport{name, idx})
				}
			}
		}
		if sec.err != nil {
			return nil, fmt.Errorf("section %d: %w", id, sec.err)
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("section header: %w", r.err)
	}
	s.mems = append(s.mems, defined...)
	for _, e := range memExports {
		if e.idx < uint64(len(s.mems)) {
			s.mems[e.idx].exports = append(s.mems[e.idx].exports, e.name)
		}
	}
	return s, nil
}
