// Command wasibox runs untrusted WebAssembly modules (WASI preview 1 plus the
// WasmEdge socket extensions) on wazero, granting only the capabilities its
// flags name.
//
// Usage:
//
//	wasibox run [flags] app.wasm [args...]
//	wasibox version
//	wasibox help [command]
//
// The command wires the layers explicitly (design.md, "Layers"): a compiled
// guest, the hostabi host module, and a unix.System built from the flags.
// Trust boundary: the module and everything it does are hostile; the command
// line and the host environment are trusted.
//
// Exit status of "wasibox run": the guest's exit code (0-255), 2 for a bad
// command line, 124 timeout, 125 wasibox itself failed, 130/143
// SIGINT/SIGTERM, 134 trap. See exitcode.go and RATIONALE.md ("CLI").
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	e := &cliEnv{stdout: os.Stdout, stderr: os.Stderr, environ: os.Environ(), exit: os.Exit}
	os.Exit(e.main(context.Background(), os.Args[1:]))
}

// cliEnv is what a subcommand may use from its process: output streams, the
// host environment (for --env-inherit) and a way to exit at once (a second
// SIGINT). Tests replace it; nothing reads os.* directly except main.
type cliEnv struct {
	stdout, stderr io.Writer
	environ        []string
	exit           func(code int)
}

// command is one subcommand. New subcommands (check, inspect, learn) live
// in their own file and add one line to commands.
type command struct {
	name    string
	summary string
	usage   string
	run     func(ctx context.Context, e *cliEnv, args []string) int
}

func commands() []command {
	return []command{
		{name: "run", summary: "run a WASI module", usage: runUsage, run: runMain},
		{name: "inspect", summary: "describe a module's imports, exports and needs", usage: inspectUsage, run: inspectMain},
		{name: "learn", summary: "run a module and draft the smallest manifest for that run", usage: learnUsage, run: learnMain},
		{name: "check", summary: "review a manifest (and module) without running it", usage: checkUsage, run: checkMain},
		{name: "version", summary: "print the wasibox and wazero versions", usage: versionUsage, run: versionMain},
		{name: "help", summary: "show help for a command", usage: helpUsage},
	}
}

const helpUsage = "usage: wasibox help [command]\n"

func (e *cliEnv) main(ctx context.Context, args []string) int {
	if len(args) == 0 {
		e.topUsage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		return e.help(args[1:])
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "wasibox: unknown command %q\n", name)
	e.topUsage(e.stderr)
	return exitUsage
}

func (e *cliEnv) help(args []string) int {
	if len(args) == 0 {
		e.topUsage(e.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			fmt.Fprint(e.stdout, c.usage)
			return exitOK
		}
	}
	fmt.Fprintf(e.stderr, "wasibox: unknown command %q\n", args[0])
	e.topUsage(e.stderr)
	return exitUsage
}

func (e *cliEnv) topUsage(w io.Writer) {
	fmt.Fprint(w, "usage: wasibox <command> [arguments]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun \"wasibox help <command>\" for details.\n")
}

// usageFailed reports a command-line error (or help request) returned by a
// flag parser and returns the exit status for it.
func (e *cliEnv) usageFailed(err error, usage string) int {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, usage)
		return exitOK
	}
	fmt.Fprintf(e.stderr, "wasibox: %v\n%s", err, usage)
	return exitUsage
}
