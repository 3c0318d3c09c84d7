package bench

import "testing"

// TestLoops runs every loop a few times on every host, so that a broken
// loop or host fails `go test` instead of only the benchmark run. It makes
// no timing assertion.
func TestLoops(t *testing.T) {
	e := newEnv(t)
	for _, o := range ops {
		for _, h := range e.hosts() {
			t.Run(o.name+"/"+h.name, func(t *testing.T) {
				got, err := h.run(t.Context(), noTimer{}, o.name, o.quick)
				if err != nil {
					t.Fatal(err)
				}
				if got.guestNs <= 0 || got.cpuNs <= 0 {
					t.Errorf("got %+v, want positive times", got)
				}
			})
		}
	}
}

// TestParseNsPerOp checks the parser of the guests' output line.
func TestParseNsPerOp(t *testing.T) {
	tests := []struct {
		name    string
		out     string
		want    float64
		wantErr bool
	}{
		{name: "plain", out: "ns_per_op=12.5\n", want: 12.5},
		{name: "after other lines", out: "hello\nns_per_op=3\n", want: 3},
		{name: "missing", out: "nothing\n", wantErr: true},
		{name: "not a number", out: "ns_per_op=abc\n", wantErr: true},
		{name: "zero", out: "ns_per_op=0\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseNsPerOp([]byte(tt.out), nil)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
