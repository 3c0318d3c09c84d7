package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

const versionUsage = "usage: wasibox version\n\nPrints the versions of wasibox, wazero and Go.\n"

func versionMain(_ context.Context, e *cliEnv, args []string) int {
	if len(args) > 0 {
		return e.usageFailed(usagef("version takes no arguments"), versionUsage)
	}
	fmt.Fprintln(e.stdout, versionString())
	return exitOK
}

// wazeroModule is the module path whose version "wasibox version" reports.
const wazeroModule = "github.com/tetratelabs/wazero"

// versionString describes this binary from its build information, e.g.
// "wasibox v0.1.0 (rev 1a2b3c4d5e6f) wazero v1.12.0 go1.26.8 linux/amd64".
func versionString() string {
	v, rev, wz := "(devel)", "", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == wazeroModule {
				wz = d.Version
				if d.Replace != nil {
					wz += " => " + d.Replace.Path + " " + d.Replace.Version
				}
			}
		}
		dirty := ""
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			rev = " (rev " + rev + dirty + ")"
		}
	}
	return fmt.Sprintf("wasibox %s%s wazero %s %s %s/%s", v, rev, wz, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
