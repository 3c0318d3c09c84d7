package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/wasibox/wasibox/policy"
	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

// mount is one --dir grant: a host directory shown to the guest at Guest.
// It mirrors a manifest fs.mounts entry.
type mount struct {
	Host     string // host directory as given (relative to the working directory)
	Guest    string // guest path, cleaned; "/" is allowed
	ReadOnly bool
}

// runFlags is what the flags of "wasibox run" grant and configure. It holds
// parsed, validated values only (no file system access happens while
// parsing), in the shape of the manifest's sections, so that a manifest
// (-c) and flags can later be merged or compared field by field.
type runFlags struct {
	Mounts       []mount       // fs.mounts
	EnvSet       []string      // env.set, "K=V" in command-line order
	EnvInherit   []string      // env.inherit: names or path.Match patterns ("APP_*")
	Timeout      time.Duration // limits.timeout; 0 = none
	MaxOpenFiles int           // limits.open_files; 0 = unix.DefaultMaxOpenFiles
	NoCache      bool          // skip the on-disk compilation cache
	Resolver     unix.Resolver // diagnostic: force a path resolver

	Connect []policy.NetRule // net.connect
	Listen  []policy.NetRule // net.listen
	Preopen []policy.NetRule // net.preopen (--tcplisten)
	Lookup  []string         // net.lookup

	Config string // -c: the reviewed manifest; flags may then only narrow it

	NoLandlock bool // do not restrict the process with Landlock
	Verbose    bool // report the backstop and other start-up facts on stderr

	// Limits (limits.*); with -c they may only narrow the manifest's.
	Memory, StdoutLimit, StderrLimit, WriteQuota, ModuleSize uint64

	// Observation: none of these grants anything, so all are allowed with -c.
	Trace          string           // --trace: "" off, "-" stderr, else a file
	TraceFormat    wasi.TraceFormat // --trace-format
	TraceMaxString int              // --trace-max-string; 0 = whole strings
	Stats          bool             // --stats: a table of calls on stderr at exit
	AuditLog       string           // --audit-log: JSON lines, appended
	CPUProfile     string           // --cpuprofile: pprof CPU profile of the host
	MemProfile     string           // --memprofile: pprof heap profile at exit

	// set records which flags were given, to refuse widening a manifest.
	set map[string]bool

	Module string   // path of the .wasm file
	Args   []string // guest argv after argv[0], passed verbatim
}

// errUsage marks a command-line error: the caller prints usage and exits 2.
var errUsage = errors.New("usage")

// usageError is a command-line error with its message.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// Is makes every usageError match errUsage.
func (e *usageError) Is(target error) bool { return target == errUsage }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

const runUsage = `usage: wasibox run [flags] app.wasm [args...]

Runs a WASI preview 1 (or preview 0, wasi_unstable) command module. Nothing
is granted unless a flag grants it: no directories, no environment variables,
no network. Standard input, output and error are inherited. Arguments after the module are passed to the
guest verbatim (argv[0] is the module's file name).

Flags:
  -c, --config FILE        run under a reviewed manifest; flags that would widen
                           it are refused, and its args (if set) fix argv
  --dir host[:guest][:ro]  show host directory at guest path (default: the host
                           path; "/" allowed); ":ro" removes every mutating right
                           (repeatable)
  --env K=V                set an environment variable (repeatable)
  --env-inherit NAME       copy a host variable if set; NAME may be a pattern
                           such as "APP_*" (repeatable)
  --timeout DURATION       stop the guest after DURATION (e.g. 30s; exit 124)
  --max-open-files N       cap the guest's descriptor table (default 1024)
  --no-cache               do not use the on-disk compilation cache
  --memory SIZE            cap guest memory (e.g. 256MiB; memory.grow fails past it)
  --stdout-limit SIZE      cap bytes written to stdout (the guest gets EFBIG past it)
  --stderr-limit SIZE      cap bytes written to stderr
  --write-quota SIZE       cap bytes written into read-write mounts (EDQUOT)
  --max-module-size SIZE   refuse larger modules before compiling
  --no-landlock            do not restrict the wasibox process with Landlock
                           (on by default where the kernel has it)
  -v, --verbose            report the kernel backstop in force on stderr
  --connect proto://host:ports
                           allow connecting (and sending datagrams) to host:ports,
                           e.g. tcp://127.0.0.1:8080 or udp://[::1]:53 (repeatable)
  --listen proto://host:ports
                           allow binding and listening there (repeatable)
  --lookup NAME            allow getaddrinfo for NAME ("*.example.com" ok;
                           repeatable)
  --tcplisten HOST:PORT    listen on HOST:PORT before the guest starts and pass
                           the socket to it as a descriptor, after the --dir
                           folders (fd 3 without any), for sock_accept; as
                           wasmtime's flag (repeatable; port 0 picks one, -v
                           prints it)

Observing a run (allowed with -c: they grant nothing):
  --trace[=FILE]           one line per host call (arguments, result, errno,
                           the guard's decision, duration) to FILE, or to
                           stderr without =FILE; each line is written whole
  --trace-format text|json one JSON object per line with json (default text)
  --trace-max-string N     shorten strings and paths to N bytes (default 128;
                           0 shows them whole)
  --stats                  at exit, print calls, time, errors and denials per
                           host function on stderr (like strace -c)
  --audit-log FILE         append every sensitive decision, allowed or denied,
                           to FILE as JSON lines (OPA decision-log fields); a
                           manifest's audit.log is written as well
  --cpuprofile FILE        write a pprof CPU profile of wasibox itself
  --memprofile FILE        write a pprof heap profile of wasibox at exit

Exit status: the guest's exit code (0-255; a larger one is reported and
becomes 1), 2 bad command line, 124 timeout, 125 wasibox failed (module not
found, invalid module, link error, unusable --dir), 130/143 SIGINT/SIGTERM,
134 trap (wasm stack trace on stderr).
`

// parseRunFlags parses the arguments of "wasibox run". It returns
// flag.ErrHelp for -h/--help and an error matching errUsage for anything
// else that is wrong with the command line.
func parseRunFlags(args []string) (*runFlags, error) {
	return parseFlags("run", args, nil)
}

// parseFlags parses the run flags of command cmd ("run", "learn"); extra,
// if set, defines the command's own flags as well.
func parseFlags(cmd string, args []string, extra func(*flag.FlagSet)) (*runFlags, error) {
	f := &runFlags{}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	// The flag package's own messages are replaced by ours (one line).
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.Var(funcValue(f.addMount), "dir", "")
	fs.Var(funcValue(f.addEnv), "env", "")
	fs.Var(funcValue(f.addEnvInherit), "env-inherit", "")
	fs.DurationVar(&f.Timeout, "timeout", 0, "")
	fs.IntVar(&f.MaxOpenFiles, "max-open-files", 0, "")
	fs.BoolVar(&f.NoCache, "no-cache", false, "")
	fs.Var(funcValue(f.setResolver), "resolver", "") // hidden: diagnostics and tests
	fs.StringVar(&f.Config, "c", "", "")
	fs.StringVar(&f.Config, "config", "", "")
	fs.Var(funcValue(f.addRule("--connect", &f.Connect)), "connect", "")
	fs.Var(funcValue(f.addRule("--listen", &f.Listen)), "listen", "")
	fs.Var(funcValue(f.addLookup), "lookup", "")
	fs.Var(funcValue(f.addPreopen), "tcplisten", "")
	fs.BoolVar(&f.NoLandlock, "no-landlock", false, "")
	fs.BoolVar(&f.Verbose, "v", false, "")
	fs.BoolVar(&f.Verbose, "verbose", false, "")
	fs.Var(sizeValue{&f.Memory}, "memory", "")
	fs.Var(sizeValue{&f.StdoutLimit}, "stdout-limit", "")
	fs.Var(sizeValue{&f.StderrLimit}, "stderr-limit", "")
	fs.Var(sizeValue{&f.WriteQuota}, "write-quota", "")
	fs.Var(sizeValue{&f.ModuleSize}, "max-module-size", "")
	fs.Var(traceValue{&f.Trace}, "trace", "")
	fs.Var(funcValue(f.setTraceFormat), "trace-format", "")
	fs.IntVar(&f.TraceMaxString, "trace-max-string", wasi.DefaultTraceMaxString, "")
	fs.BoolVar(&f.Stats, "stats", false, "")
	fs.Var(fileValue{&f.AuditLog}, "audit-log", "")
	fs.Var(fileValue{&f.CPUProfile}, "cpuprofile", "")
	fs.Var(fileValue{&f.MemProfile}, "memprofile", "")
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usagef("%v", err)
	}
	if f.Timeout < 0 {
		return nil, usagef("--timeout must not be negative, got %v", f.Timeout)
	}
	if f.MaxOpenFiles < 0 {
		return nil, usagef("--max-open-files must not be negative, got %d", f.MaxOpenFiles)
	}
	if f.TraceMaxString < 0 {
		return nil, usagef("--trace-max-string must not be negative, got %d", f.TraceMaxString)
	}
	if fs.NArg() == 0 {
		return nil, usagef("missing module: wasibox %s [flags] app.wasm [args...]", cmd)
	}
	f.Module = fs.Arg(0)
	f.Args = fs.Args()[1:]
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	if f.Trace == "" && (f.set["trace-format"] || f.set["trace-max-string"]) {
		return nil, usagef("--trace-format and --trace-max-string need --trace")
	}
	return f, nil
}

// traceStderr is the value of runFlags.Trace for a bare --trace.
const traceStderr = "-"

// traceValue is --trace[=FILE]: a boolean flag to the flag package, so
// that a bare --trace does not take the module's name as its value. The
// file must therefore be given with "=" (--trace=out.log).
type traceValue struct{ p *string }

func (v traceValue) Set(s string) error {
	switch s {
	case "true", "":
		*v.p = traceStderr
	case "false":
		*v.p = ""
	default:
		if strings.IndexByte(s, 0) >= 0 {
			return errors.New("NUL byte in path")
		}
		*v.p = s
	}
	return nil
}
func (v traceValue) String() string   { return "" }
func (v traceValue) IsBoolFlag() bool { return true }

// fileValue is a flag naming a file wasibox writes.
type fileValue struct{ p *string }

func (v fileValue) Set(s string) error {
	if s == "" || strings.IndexByte(s, 0) >= 0 {
		return errors.New("want a file path")
	}
	*v.p = s
	return nil
}
func (v fileValue) String() string { return "" }

func (f *runFlags) setTraceFormat(s string) error {
	tf, err := wasi.ParseTraceFormat(s)
	if err != nil {
		return err
	}
	f.TraceFormat = tf
	return nil
}

func (f *runFlags) addRule(name string, dst *[]policy.NetRule) func(string) error {
	return func(s string) error {
		r, err := policy.ParseNetRule(s)
		if err != nil {
			return err
		}
		*dst = append(*dst, r)
		return nil
	}
}

// addPreopen takes wasmtime's --tcplisten HOST:PORT, or the manifest's
// tcp://HOST:PORT form.
func (f *runFlags) addPreopen(s string) error {
	if !strings.Contains(s, "://") {
		s = "tcp://" + s
	}
	r, err := policy.ParsePreopen(s)
	if err != nil {
		return err
	}
	f.Preopen = append(f.Preopen, r)
	return nil
}

func (f *runFlags) addLookup(s string) error {
	if err := policy.CheckName(s); err != nil {
		return err
	}
	f.Lookup = append(f.Lookup, strings.ToLower(strings.TrimSuffix(s, ".")))
	return nil
}

// widening lists the flags that grant something; with -c they are refused,
// because the manifest is the reviewed ceiling (design decision 2).
var widening = []string{"dir", "env", "env-inherit", "connect", "listen", "lookup", "tcplisten"}

func (f *runFlags) narrowLimits(l *policy.Limits) {
	narrow(&l.Memory, f.Memory)
	narrow(&l.Stdout, f.StdoutLimit)
	narrow(&l.Stderr, f.StderrLimit)
	narrow(&l.Write, f.WriteQuota)
	narrow(&l.ModuleSize, f.ModuleSize)
}

// manifest returns the manifest the run uses: the -c file, narrowed by
// --timeout and --max-open-files, or, without -c, the one the flags build
// (the same structure, so that everything below the CLI has one path).
// host is the host environment, cwd the folder relative host paths start at.
func (f *runFlags) manifest(host []string, cwd string) (*policy.Manifest, error) {
	if f.Config != "" {
		m, err := policy.Load(f.Config)
		if err != nil {
			return nil, err
		}
		for _, name := range widening {
			if f.set[name] {
				return nil, usagef("--%s would widen the reviewed manifest %s; grant it in the manifest instead", name, f.Config)
			}
		}
		if m.ArgsSet && len(f.Args) > 0 {
			return nil, usagef("the manifest %s fixes args; command-line arguments are refused", f.Config)
		}
		if f.Timeout > 0 && (m.Limits.Timeout == 0 || f.Timeout < m.Limits.Timeout) {
			m.Limits.Timeout = f.Timeout
		}
		if f.MaxOpenFiles > 0 && (m.Limits.OpenFiles == 0 || f.MaxOpenFiles < m.Limits.OpenFiles) {
			m.Limits.OpenFiles = f.MaxOpenFiles
		}
		f.narrowLimits(&m.Limits)
		return m, nil
	}
	m := &policy.Manifest{
		File: "(command line)", Dir: cwd, Version: 1,
		EnvSet:      map[string]string{},
		Connect:     f.Connect,
		Listen:      f.Listen,
		Preopen:     f.Preopen,
		Lookup:      f.Lookup,
		Realtime:    policy.ClockMode{Kind: "host"},
		Monotonic:   policy.ClockMode{Kind: "host"},
		Random:      policy.Random{Kind: "host"},
		Stdin:       policy.Stdio{Kind: "inherit"},
		Stdout:      policy.Stdio{Kind: "inherit"},
		Stderr:      policy.Stdio{Kind: "inherit"},
		Limits:      policy.Limits{Timeout: f.Timeout, OpenFiles: f.MaxOpenFiles},
		OnDenyErrno: wasi.EACCES,
	}
	f.narrowLimits(&m.Limits)
	for _, kv := range f.environ(host) {
		k, v, _ := strings.Cut(kv, "=")
		m.EnvSet[k] = v
	}
	for _, mt := range f.Mounts {
		mode := policy.ReadWrite
		if mt.ReadOnly {
			mode = policy.ReadOnly
		}
		m.Mounts = append(m.Mounts, policy.Mount{Host: mt.Host, Guest: mt.Guest, Mode: mode})
	}
	return m, nil
}

// sizeValue parses a byte size such as 256MiB (policy.ParseSize).
type sizeValue struct{ p *uint64 }

func (v sizeValue) Set(s string) error {
	n, err := policy.ParseSize(s)
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.New("must be positive")
	}
	*v.p = n
	return nil
}
func (v sizeValue) String() string { return "" }

// narrow lowers *limit to flag when the flag is set and stricter (0 = none).
func narrow(limit *uint64, flag uint64) {
	if flag > 0 && (*limit == 0 || flag < *limit) {
		*limit = flag
	}
}

// funcValue adapts a setter to flag.Value for repeatable flags.
type funcValue func(string) error

func (fv funcValue) Set(s string) error { return fv(s) }
func (fv funcValue) String() string     { return "" }

func (f *runFlags) addMount(s string) error {
	m, err := parseMount(s)
	if err != nil {
		return err
	}
	for _, o := range f.Mounts {
		if o.Guest == m.Guest {
			return fmt.Errorf("guest path %q is mounted twice", m.Guest)
		}
	}
	f.Mounts = append(f.Mounts, m)
	return nil
}

// parseMount parses host[:guest][:ro|:rw]. The guest path is the part after
// the last colon, so a host path may contain colons only if a guest path is
// given.
func parseMount(s string) (mount, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return mount{}, errors.New("NUL byte in path")
	}
	var m mount
	rest := s
	if r, ok := strings.CutSuffix(rest, ":ro"); ok {
		rest, m.ReadOnly = r, true
	} else if r, ok := strings.CutSuffix(rest, ":rw"); ok {
		rest = r
	}
	m.Host, m.Guest = rest, rest
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		m.Host, m.Guest = rest[:i], rest[i+1:]
	}
	if m.Host == "" {
		return mount{}, errors.New("empty host path (want host[:guest][:ro])")
	}
	if m.Guest == "" {
		return mount{}, errors.New("empty guest path (want host[:guest][:ro])")
	}
	m.Guest = path.Clean(m.Guest)
	return m, nil
}

func (f *runFlags) addEnv(s string) error {
	k, _, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return errors.New("want K=V")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return errors.New("NUL byte in variable")
	}
	f.EnvSet = append(f.EnvSet, s)
	return nil
}

func (f *runFlags) addEnvInherit(s string) error {
	if s == "" || strings.ContainsAny(s, "=\x00") {
		return errors.New("want a variable name or pattern")
	}
	if _, err := path.Match(s, ""); err != nil {
		return err
	}
	f.EnvInherit = append(f.EnvInherit, s)
	return nil
}

func (f *runFlags) setResolver(s string) error {
	switch s {
	case "auto":
		f.Resolver = unix.ResolveAuto
	case "openat2":
		f.Resolver = unix.ResolveOpenat2
	case "walk":
		f.Resolver = unix.ResolveWalk
	default:
		return errors.New("want auto, openat2 or walk")
	}
	return nil
}

// environ returns the guest environment: the host variables named by
// EnvInherit (in host order), then EnvSet; a variable set explicitly
// replaces an inherited one of the same name.
func (f *runFlags) environ(host []string) []string {
	var env []string
	set := make(map[string]bool, len(f.EnvSet))
	for _, kv := range f.EnvSet {
		k, _, _ := strings.Cut(kv, "=")
		set[k] = true
	}
	for _, kv := range host {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || set[k] {
			continue
		}
		for _, p := range f.EnvInherit {
			if ok, _ := path.Match(p, k); ok {
				env = append(env, kv)
				break
			}
		}
	}
	// Later --env K=V wins over an earlier one for the same K.
	for i, kv := range f.EnvSet {
		k, _, _ := strings.Cut(kv, "=")
		dup := false
		for _, later := range f.EnvSet[i+1:] {
			if lk, _, _ := strings.Cut(later, "="); lk == k {
				dup = true
				break
			}
		}
		if !dup {
			env = append(env, kv)
		}
	}
	return env
}

// preopens converts the mounts for unix.Config.
func (f *runFlags) preopens() []unix.Preopen {
	p := make([]unix.Preopen, len(f.Mounts))
	for i, m := range f.Mounts {
		p[i] = unix.Preopen{HostPath: m.Host, GuestPath: m.Guest, ReadOnly: m.ReadOnly}
	}
	return p
}
