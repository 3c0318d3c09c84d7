package wasi

import "context"

// TraceDecision is the decision a policy layer (package guard) took on a
// sensitive call, as Trace shows it on the call's line:
//
//	path_open(...) => EACCES [deny fs.deny "fs.deny \"**/*.pem\" at app.yaml:9"] (4.1µs)
//	{"call":"path_open",...,"decision":{"allow":false,"grant":"fs.deny","reason":"..."},"errno":"EACCES",...}
type TraceDecision struct {
	// Allow is the outcome.
	Allow bool
	// Grant names the manifest grant or rule that decided, e.g.
	// "fs.mounts", "fs.deny", "net.connect", "policy".
	Grant string
	// Reason says why the call was denied; empty when it was allowed.
	Reason string
}

// RecordDecision hands the decision d on the call that ctx belongs to to
// the tracers above the System that decided; it does nothing when no
// tracer asked (one context lookup, no allocation). A System that decides
// calls (package guard) calls it once per decision, before it returns, with
// the context it received:
//
//	if !allowed {
//		wasi.RecordDecision(ctx, wasi.TraceDecision{Grant: "fs.deny", Reason: reason})
//		return g.errno
//	}
//
// A call that takes several decisions (path_rename decides on two paths,
// path_open on a name and on the path it resolves to) shows the first
// denial, or if none the first allow. Trace asks for decisions on the
// calls a policy can decide: every path_* call, and sock_open, sock_bind,
// sock_connect, sock_listen, sock_accept, sock_send_to and
// sock_getaddrinfo. Recording after the call has returned (from another
// goroutine, say) is a data race.
//
// The context carries the decision slot rather than an interface on the
// deciding System because the tracer sits above the guard and may be
// several layers away (Stats, another Trace), and a context reaches
// through every layer without the layers knowing each other.
func RecordDecision(ctx context.Context, d TraceDecision) {
	if c, ok := ctx.Value(decisionKey{}).(*decisionCtx); ok {
		c.record(d)
	}
}

// decisionKey is the context key of a *decisionCtx.
type decisionKey struct{}

// decisionCtx is the context a tracer passes to the inner System for a
// sensitive call: the caller's context plus a slot for the decision. It is
// a type of its own rather than context.WithValue so that the tracer can
// reuse one and sensitive calls stay allocation-free.
type decisionCtx struct {
	context.Context
	d   TraceDecision
	set bool
}

// Value implements context.Context.
func (c *decisionCtx) Value(key any) any {
	if _, ok := key.(decisionKey); ok {
		return c
	}
	return c.Context.Value(key)
}

func (c *decisionCtx) record(d TraceDecision) {
	if !c.set || (c.d.Allow && !d.Allow) {
		c.d, c.set = d, true
	}
	// A tracer further up (a Trace of a Trace) gets it too.
	if p, ok := c.Context.Value(decisionKey{}).(*decisionCtx); ok {
		p.record(d)
	}
}

// decide returns the context for a sensitive call: the tracer's own slot,
// or a new one when a concurrent call holds it.
func (t *tracer) decide(ctx context.Context) *decisionCtx {
	dc := t.dctx
	if !t.dctxBusy.CompareAndSwap(false, true) {
		dc = &decisionCtx{}
	}
	dc.Context, dc.d, dc.set = ctx, TraceDecision{}, false
	return dc
}

// decided attaches dc's decision to the current line (mu held); end shows
// it and releases dc.
func (t *tracer) decided(dc *decisionCtx) { t.dec = dc }

func (t *tracer) releaseDecision(dc *decisionCtx) {
	dc.d = TraceDecision{} // do not pin the strings
	if dc == t.dctx {
		t.dctxBusy.Store(false)
	}
}

// appendTextDecision appends " [allow grant]" or " [deny grant "reason"]".
func appendTextDecision(b []byte, d *TraceDecision, max int) []byte {
	if d.Allow {
		b = append(b, " [allow"...)
	} else {
		b = append(b, " [deny"...)
	}
	if d.Grant != "" {
		b = append(b, ' ')
		if plainWord(d.Grant) {
			b = append(b, d.Grant...)
		} else {
			b = appendString(b, d.Grant, max)
		}
	}
	if d.Reason != "" {
		b = append(b, ' ')
		b = appendString(b, d.Reason, max)
	}
	return append(b, ']')
}

// plainWord reports whether s can be shown unquoted: printable ASCII with
// no space, quote or bracket.
func plainWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '[' || c == ']' || c == '\\' {
			return false
		}
	}
	return true
}
