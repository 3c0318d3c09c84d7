package main

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wasibox/wasibox/unix"
	"github.com/wasibox/wasibox/wasi"
)

func TestParseMount(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    mount
		wantErr string
	}{
		{name: "host only", in: "/srv/data", want: mount{Host: "/srv/data", Guest: "/srv/data"}},
		{name: "host and guest", in: "./data:/data", want: mount{Host: "./data", Guest: "/data"}},
		{name: "read-only", in: "./data:/data:ro", want: mount{Host: "./data", Guest: "/data", ReadOnly: true}},
		{name: "explicit rw", in: "./data:/data:rw", want: mount{Host: "./data", Guest: "/data"}},
		{name: "host only read-only", in: "/srv:ro", want: mount{Host: "/srv", Guest: "/srv", ReadOnly: true}},
		{name: "root", in: "/", want: mount{Host: "/", Guest: "/"}},
		{name: "root on root", in: "/:/", want: mount{Host: "/", Guest: "/"}},
		{name: "dir on root read-only", in: "/tmp/x:/:ro", want: mount{Host: "/tmp/x", Guest: "/", ReadOnly: true}},
		{name: "dot", in: ".", want: mount{Host: ".", Guest: "."}},
		{name: "guest cleaned", in: "a:/data/../x/", want: mount{Host: "a", Guest: "/x"}},
		{name: "colon in host", in: "/a:b:/data", want: mount{Host: "/a:b", Guest: "/data"}},
		{name: "empty", in: "", wantErr: "empty host path"},
		{name: "ro only", in: ":ro", wantErr: "empty host path"},
		{name: "empty host", in: ":/data", wantErr: "empty host path"},
		{name: "empty guest", in: "/srv:", wantErr: "empty guest path"},
		{name: "empty guest ro", in: "/srv::ro", wantErr: "empty guest path"},
		{name: "NUL", in: "/srv\x00:/data", wantErr: "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseMount(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseMount(%q) = %+v, %v; want error containing %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("parseMount(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseRunFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    *runFlags
		wantErr string // "" = success; "help" = flag.ErrHelp
	}{
		{
			name: "nothing granted by default",
			args: []string{"app.wasm"},
			want: &runFlags{Module: "app.wasm", Args: []string{}},
		},
		{
			name: "everything",
			args: []string{
				"--dir", ".:/data:ro", "--dir=/tmp/out:/out", "--env", "A=1", "--env=B=x=y",
				"--env-inherit", "TERM", "--env-inherit", "APP_*", "--timeout", "1m30s",
				"--max-open-files", "64", "--no-cache", "--resolver", "walk",
				"app.wasm", "--dir", "-x", "--", "y",
			},
			want: &runFlags{
				Mounts:       []mount{{Host: ".", Guest: "/data", ReadOnly: true}, {Host: "/tmp/out", Guest: "/out"}},
				EnvSet:       []string{"A=1", "B=x=y"},
				EnvInherit:   []string{"TERM", "APP_*"},
				Timeout:      90 * time.Second,
				MaxOpenFiles: 64,
				NoCache:      true,
				Resolver:     unix.ResolveWalk,
				Module:       "app.wasm",
				Args:         []string{"--dir", "-x", "--", "y"},
			},
		},
		{
			name: "single dash and terminator",
			args: []string{"-dir", "/", "--", "-app.wasm", "a"},
			want: &runFlags{Mounts: []mount{{Host: "/", Guest: "/"}}, Module: "-app.wasm", Args: []string{"a"}},
		},
		{
			name: "resolver openat2",
			args: []string{"--resolver=openat2", "a.wasm"},
			want: &runFlags{Resolver: unix.ResolveOpenat2, Module: "a.wasm", Args: []string{}},
		},
		{
			name: "bare --trace is stderr and leaves the module alone",
			args: []string{"--trace", "a.wasm", "x"},
			want: &runFlags{Trace: traceStderr, Module: "a.wasm", Args: []string{"x"}},
		},
		{
			name: "observation",
			args: []string{"--trace=t.log", "--trace-format", "json", "--trace-max-string", "0", "--stats",
				"--audit-log", "a.jsonl", "--cpuprofile=c.prof", "--memprofile", "m.prof", "a.wasm"},
			want: &runFlags{Trace: "t.log", TraceFormat: wasi.TraceJSON, TraceMaxString: -1, Stats: true,
				AuditLog: "a.jsonl", CPUProfile: "c.prof", MemProfile: "m.prof", Module: "a.wasm", Args: []string{}},
		},
		{name: "trace format without trace", args: []string{"--trace-format", "json", "a.wasm"}, wantErr: "need --trace"},
		{name: "trace max without trace", args: []string{"--trace-max-string", "9", "a.wasm"}, wantErr: "need --trace"},
		{name: "bad trace format", args: []string{"--trace", "--trace-format", "xml", "a.wasm"}, wantErr: "unknown trace format"},
		{name: "negative trace max", args: []string{"--trace", "--trace-max-string", "-1", "a.wasm"}, wantErr: "negative"},
		{name: "empty audit log", args: []string{"--audit-log=", "a.wasm"}, wantErr: "want a file path"},
		{name: "help", args: []string{"-h"}, wantErr: "help"},
		{name: "long help", args: []string{"--help"}, wantErr: "help"},
		{name: "missing module", args: []string{"--dir", "."}, wantErr: "missing module"},
		{name: "no args", args: nil, wantErr: "missing module"},
		{name: "unknown flag", args: []string{"--mount", "/", "a.wasm"}, wantErr: "not defined"},
		{name: "bad dir", args: []string{"--dir", ":/x", "a.wasm"}, wantErr: "empty host path"},
		{name: "duplicate guest", args: []string{"--dir", "a:/d", "--dir", "b:/d/", "a.wasm"}, wantErr: "mounted twice"},
		{name: "env without =", args: []string{"--env", "A", "a.wasm"}, wantErr: "want K=V"},
		{name: "env empty key", args: []string{"--env", "=1", "a.wasm"}, wantErr: "want K=V"},
		{name: "env NUL", args: []string{"--env", "A=\x00", "a.wasm"}, wantErr: "NUL"},
		{name: "inherit with =", args: []string{"--env-inherit", "A=1", "a.wasm"}, wantErr: "variable name"},
		{name: "inherit bad pattern", args: []string{"--env-inherit", "A[", "a.wasm"}, wantErr: "syntax error"},
		{name: "negative timeout", args: []string{"--timeout", "-1s", "a.wasm"}, wantErr: "negative"},
		{name: "bad timeout", args: []string{"--timeout", "soon", "a.wasm"}, wantErr: "invalid value"},
		{name: "negative max-open-files", args: []string{"--max-open-files", "-1", "a.wasm"}, wantErr: "negative"},
		{name: "bad resolver", args: []string{"--resolver", "lexical", "a.wasm"}, wantErr: "want auto, openat2 or walk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseRunFlags(tt.args)
			switch {
			case tt.wantErr == "help":
				if !errors.Is(err, flag.ErrHelp) {
					t.Fatalf("parseRunFlags(%q) error = %v, want flag.ErrHelp", tt.args, err)
				}
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseRunFlags(%q) = %+v, %v; want error containing %q", tt.args, got, err, tt.wantErr)
				}
				if !errors.Is(err, errUsage) {
					t.Errorf("parseRunFlags(%q) error %v does not match errUsage", tt.args, err)
				}
			default:
				if err != nil {
					t.Fatalf("parseRunFlags(%q): %v", tt.args, err)
				}
				got.set = nil // which flags were given: checked by TestRunManifestWidening
				// The table leaves the default --trace-max-string out; -1
				// stands for an explicit 0.
				switch tt.want.TraceMaxString {
				case 0:
					tt.want.TraceMaxString = wasi.DefaultTraceMaxString
				case -1:
					tt.want.TraceMaxString = 0
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("parseRunFlags(%q)\n got %+v\nwant %+v", tt.args, got, tt.want)
				}
			}
		})
	}
}

func TestRunFlagsEnviron(t *testing.T) {
	host := []string{"HOME=/root", "TERM=xterm", "APP_A=1", "APP_B=2", "A=host", "NOEQUALS", "APPX=3"}
	tests := []struct {
		name    string
		set     []string
		inherit []string
		want    []string
	}{
		{name: "nothing by default", want: nil},
		{name: "set", set: []string{"X=1", "Y="}, want: []string{"X=1", "Y="}},
		{name: "inherit name", inherit: []string{"TERM", "MISSING"}, want: []string{"TERM=xterm"}},
		{name: "inherit pattern", inherit: []string{"APP_*"}, want: []string{"APP_A=1", "APP_B=2"}},
		{name: "set wins over inherit", set: []string{"A=flag"}, inherit: []string{"A", "TERM"}, want: []string{"TERM=xterm", "A=flag"}},
		{name: "last set wins", set: []string{"A=1", "B=2", "A=3"}, want: []string{"B=2", "A=3"}},
		{name: "overlapping patterns once", inherit: []string{"APP_A", "APP_*"}, want: []string{"APP_A=1", "APP_B=2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &runFlags{EnvSet: tt.set, EnvInherit: tt.inherit}
			if got := f.environ(host); !slices.Equal(got, tt.want) {
				t.Fatalf("environ() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRunFlagsPreopens(t *testing.T) {
	f, err := parseRunFlags([]string{"--dir", "/:/", "--dir", "data:/data:ro", "a.wasm"})
	if err != nil {
		t.Fatal(err)
	}
	want := []unix.Preopen{{HostPath: "/", GuestPath: "/"}, {HostPath: "data", GuestPath: "/data", ReadOnly: true}}
	if got := f.preopens(); !slices.Equal(got, want) {
		t.Fatalf("preopens() = %+v, want %+v", got, want)
	}
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "no command", args: nil, wantCode: exitUsage, wantStderr: "usage: wasibox <command>"},
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: exitUsage, wantStderr: `unknown command "frobnicate"`},
		{name: "help", args: []string{"help"}, wantCode: exitOK, wantStdout: "Commands:"},
		{name: "-h", args: []string{"-h"}, wantCode: exitOK, wantStdout: "Commands:"},
		{name: "help run", args: []string{"help", "run"}, wantCode: exitOK, wantStdout: "--dir host[:guest][:ro]"},
		{name: "help unknown", args: []string{"help", "nope"}, wantCode: exitUsage, wantStderr: `unknown command "nope"`},
		{name: "run -h", args: []string{"run", "-h"}, wantCode: exitOK, wantStdout: "usage: wasibox run"},
		{name: "run bad flag", args: []string{"run", "--dir", "", "a.wasm"}, wantCode: exitUsage, wantStderr: "wasibox: invalid value \"\" for flag -dir: empty host path"},
		{name: "run missing module arg", args: []string{"run"}, wantCode: exitUsage, wantStderr: "missing module"},
		{name: "run module not found", args: []string{"run", "testdata/does-not-exist.wasm"}, wantCode: exitFailed, wantStderr: "wasibox: open testdata/does-not-exist.wasm: no such file or directory\n"},
		{name: "version", args: []string{"version"}, wantCode: exitOK, wantStdout: "wasibox "},
		{name: "version extra", args: []string{"version", "x"}, wantCode: exitUsage, wantStderr: "no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runInProcess(t, tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("wasibox %q exited %d, want %d (stderr %q)", tt.args, r.code, tt.wantCode, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.wantStdout) {
				t.Errorf("stdout = %q, want it to contain %q", r.stdout, tt.wantStdout)
			}
			if !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", r.stderr, tt.wantStderr)
			}
			if tt.wantStderr == "" && r.stderr != "" {
				t.Errorf("stderr = %q, want none", r.stderr)
			}
		})
	}
}

func TestRunManifestWidening(t *testing.T) {
	dir := t.TempDir()
	man := filepath.Join(dir, "m.yaml")
	if err := os.WriteFile(man, []byte("version: 1\nargs: [x]\nlimits: {timeout: 10s, open_files: 64}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"dir", []string{"-c", man, "--dir", "/", "a.wasm"}, "--dir would widen"},
		{"env", []string{"-c", man, "--env", "A=1", "a.wasm"}, "--env would widen"},
		{"env-inherit", []string{"-c", man, "--env-inherit", "HOME", "a.wasm"}, "--env-inherit would widen"},
		{"connect", []string{"-c", man, "--connect", "tcp://127.0.0.1:80", "a.wasm"}, "--connect would widen"},
		{"listen", []string{"--config", man, "--listen", "tcp://127.0.0.1:80", "a.wasm"}, "--listen would widen"},
		{"lookup", []string{"-c", man, "--lookup", "example.com", "a.wasm"}, "--lookup would widen"},
		{"args", []string{"-c", man, "a.wasm", "extra"}, "fixes args"},
		{"narrower timeout ok", []string{"-c", man, "--timeout", "5s", "--max-open-files", "16", "a.wasm"}, ""},
		{"wider timeout kept narrow", []string{"-c", man, "--timeout", "1h", "a.wasm"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parseRunFlags(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			m, err := f.manifest(nil, dir)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, errUsage) {
					t.Fatalf("manifest() error = %v, want usage error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Limits.Timeout > 10*time.Second || m.Limits.OpenFiles > 64 {
				t.Errorf("limits widened: %+v", m.Limits)
			}
		})
	}
}
