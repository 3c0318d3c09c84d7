package policy

// ManifestData returns the manifest as the JSON-like document policies see
// as data.manifest: the same keys as the YAML, with normalized values
// (absolute host paths, clean guest paths, parsed network entries).
func ManifestData(m *Manifest) map[string]any {
	mounts := []any{}
	for _, mt := range m.Mounts {
		mounts = append(mounts, map[string]any{"host": mt.Host, "guest": mt.Guest, "mode": string(mt.Mode)})
	}
	deny := []any{}
	for _, g := range m.Deny {
		deny = append(deny, g.Raw)
	}
	rules := func(rs []NetRule) []any {
		out := []any{}
		for _, r := range rs {
			e := map[string]any{"entry": r.Raw, "proto": r.Proto}
			if r.Prefix.IsValid() {
				e["cidr"] = r.Prefix.String()
			} else {
				e["name"] = r.Name
			}
			ports := []any{}
			for _, p := range r.Ports {
				ports = append(ports, map[string]any{"from": int(p.Lo), "to": int(p.Hi)})
			}
			e["ports"] = ports
			out = append(out, e)
		}
		return out
	}
	lookup := []any{}
	for _, n := range m.Lookup {
		lookup = append(lookup, n)
	}
	envSet := map[string]any{}
	for k, v := range m.EnvSet {
		envSet[k] = v
	}
	inherit := []any{}
	for _, n := range m.EnvInherit {
		inherit = append(inherit, n)
	}
	args := []any{}
	for _, a := range m.Args {
		args = append(args, a)
	}
	return map[string]any{
		"version": m.Version,
		"module":  map[string]any{"sha256": m.ModuleSHA256},
		"args":    args,
		"env":     map[string]any{"set": envSet, "inherit": inherit},
		"fs":      map[string]any{"mounts": mounts, "deny": deny},
		"net":     map[string]any{"connect": rules(m.Connect), "listen": rules(m.Listen), "preopen": rules(m.Preopen), "lookup": lookup},
		"random":  m.Random.Kind,
		"limits": map[string]any{
			"memory": int64(m.Limits.Memory), "timeout_ns": int64(m.Limits.Timeout),
			"open_files": m.Limits.OpenFiles, "stdout": int64(m.Limits.Stdout), "stderr": int64(m.Limits.Stderr),
			"write": int64(m.Limits.Write), "module_size": int64(m.Limits.ModuleSize),
		},
		"on_deny": map[string]any{"errno": m.OnDenyErrno.Name()},
	}
}
