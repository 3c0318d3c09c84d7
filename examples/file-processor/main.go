// Command file-processor is the guest of the file-processor example: it
// totals the sales CSV files of an input folder per region, writes the
// totals to an output file, and then tries to write into the input folder,
// which its manifest mounts read-only.
//
// Usage (argv is fixed by manifest.yaml):
//
//	file-processor INPUT_DIR OUTPUT_FILE
//
// Input files are *.csv with the header region,product,units,unit_price;
// prices have at most two decimals and are summed in cents, so the result
// is exact. Exit status: 0 on success (the writes into INPUT_DIR were
// refused with EROFS), 1 on bad input or a failed write of the result, 3 if
// a write into INPUT_DIR did anything but fail with EROFS.
//
// Build: GOOS=wasip1 GOARCH=wasm go build -o app.wasm . (or
// scripts/build-examples.sh).
package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: file-processor INPUT_DIR OUTPUT_FILE")
		os.Exit(1)
	}
	in, out := os.Args[1], os.Args[2]
	if err := process(in, out); err != nil {
		fmt.Fprintln(os.Stderr, "file-processor:", err)
		os.Exit(1)
	}
	// The manifest mounts INPUT_DIR read-only: creating a file there and
	// truncating an input must both fail, and leave the folder as it was.
	ok := tryWrite("create", path.Join(in, "summary.csv"), os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	ok = tryWrite("overwrite", path.Join(in, "sales-2024-q1.csv"), os.O_WRONLY|os.O_TRUNC) && ok
	if !ok {
		os.Exit(3)
	}
}

// totals is what one region adds up to.
type totals struct {
	units int64
	cents int64
}

// process reads every *.csv file of dir and writes the per-region totals
// to out.
func process(dir, out string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	byRegion := map[string]*totals{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".csv") {
			continue
		}
		name := path.Join(dir, e.Name())
		n, err := readFile(name, byRegion)
		if err != nil {
			return err
		}
		fmt.Printf("read %s: %d rows\n", name, n)
	}

	var b strings.Builder
	b.WriteString("region,units,revenue\n")
	var all totals
	regions := make([]string, 0, len(byRegion))
	for r := range byRegion {
		regions = append(regions, r)
	}
	slices.Sort(regions)
	for _, r := range regions {
		t := byRegion[r]
		fmt.Fprintf(&b, "%s,%d,%s\n", r, t.units, money(t.cents))
		all.units += t.units
		all.cents += t.cents
	}
	fmt.Fprintf(&b, "total,%d,%s\n", all.units, money(all.cents))
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d regions, %d units, revenue %s\n", out, len(regions), all.units, money(all.cents))
	return nil
}

// readFile adds the rows of one CSV file to byRegion and returns their count.
func readFile(name string, byRegion map[string]*totals) (int, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 4
	header, err := r.Read()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	if strings.Join(header, ",") != "region,product,units,unit_price" {
		return 0, fmt.Errorf("%s: header is %q, want region,product,units,unit_price", name, strings.Join(header, ","))
	}
	rows := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := r.FieldPos(0)
		units, err := strconv.ParseInt(rec[2], 10, 32)
		if err != nil || units < 0 {
			return rows, fmt.Errorf("%s:%d: bad units %q", name, line, rec[2])
		}
		price, err := cents(rec[3])
		if err != nil {
			return rows, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		t := byRegion[rec[0]]
		if t == nil {
			t = &totals{}
			byRegion[rec[0]] = t
		}
		t.units += units
		t.cents += units * price
		rows++
	}
}

// cents parses a price such as "19.99" or "120" into cents.
func cents(s string) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, fmt.Errorf("bad price %q: more than two decimals", s)
	}
	frac += "00"[len(frac):]
	w, err1 := strconv.ParseUint(whole, 10, 32)
	c, err2 := strconv.ParseUint(frac, 10, 8)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad price %q", s)
	}
	return int64(w)*100 + int64(c), nil
}

func money(c int64) string {
	return fmt.Sprintf("%d.%02d", c/100, c%100)
}

// tryWrite opens name with flag and reports the outcome; it returns
// whether the open failed with EROFS, as a read-only mount must.
func tryWrite(what, name string, flag int) bool {
	f, err := os.OpenFile(name, flag, 0o644)
	switch {
	case err == nil:
		f.Close()
		fmt.Printf("%s %s: UNEXPECTED: the read-only mount accepted a write\n", what, name)
		return false
	case errors.Is(err, syscall.EROFS):
		fmt.Printf("%s %s: refused: EROFS (%v)\n", what, name, syscall.EROFS)
		return true
	default:
		fmt.Printf("%s %s: UNEXPECTED error: %v\n", what, name, err)
		return false
	}
}
