package result

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
)

// validation.csv and layers.csv are small tables; they are written with
// encoding/csv and read back column by column with the same fieldParser as
// requests.csv, so a malformed file names its line and column.

var validationHeader = []string{"id", "what", "source", "reference", "low", "high", "simulated", "ci95", "error",
	"unit", "fitted", "tolerance", "pass", "note"}

// WriteValidationCSV writes the validation table.
func WriteValidationCSV(w io.Writer, rows []ValidationRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(validationHeader); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{r.ID, r.What, r.Source, fmtFloat(r.Reference), fmtFloat(r.Low), fmtFloat(r.High),
			fmtFloat(r.Simulated), fmtFloat(r.CI95), fmtFloat(r.Error), r.Unit, strconv.FormatBool(r.Fitted),
			fmtFloat(r.Tolerance), strconv.FormatBool(r.Pass), r.Note}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadValidationCSV reads a table written by WriteValidationCSV.
func ReadValidationCSV(r io.Reader, filename string) ([]ValidationRow, error) {
	var rows []ValidationRow
	err := readTable(r, filename, validationHeader, func(p *fieldParser) {
		rows = append(rows, ValidationRow{ID: p.text(), What: p.text(), Source: p.text(), Reference: p.float(),
			Low: p.float(), High: p.float(), Simulated: p.float(), CI95: p.float(), Error: p.float(), Unit: p.text(),
			Fitted: p.bool(), Tolerance: p.float(), Pass: p.bool(), Note: p.text()})
	})
	return rows, err
}

var layersHeader = []string{"model", "layer", "kind", "median_s", "p10_s", "p90_s", "gflops", "simulated_s"}

// WriteLayersCSV writes per-layer timings.
func WriteLayersCSV(w io.Writer, layers []LayerTiming) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(layersHeader); err != nil {
		return err
	}
	for _, l := range layers {
		rec := []string{l.Model, l.Layer, l.Kind, fmtFloat(l.Median), fmtFloat(l.P10), fmtFloat(l.P90),
			fmtFloat(l.GFLOPs), fmtFloat(l.Seconds)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadLayersCSV reads a table written by WriteLayersCSV.
func ReadLayersCSV(r io.Reader, filename string) ([]LayerTiming, error) {
	var layers []LayerTiming
	err := readTable(r, filename, layersHeader, func(p *fieldParser) {
		layers = append(layers, LayerTiming{Model: p.text(), Layer: p.text(), Kind: p.text(), Median: p.float(),
			P10: p.float(), P90: p.float(), GFLOPs: p.float(), Seconds: p.float()})
	})
	return layers, err
}

// readTable checks the header and hands each row to row, stopping at the
// first malformed field.
func readTable(r io.Reader, filename string, header []string, row func(*fieldParser)) error {
	cr := csv.NewReader(csvInput(r))
	h, err := cr.Read()
	if err != nil {
		return fmt.Errorf("result: %s: header: %w", filename, err)
	}
	if len(h) != len(header) {
		return fmt.Errorf("result: %s:1: header has %d columns, want %d", filename, len(h), len(header))
	}
	for i := range h {
		if h[i] != header[i] {
			return fmt.Errorf("result: %s:1: column %d is %q, want %q", filename, i+1, h[i], header[i])
		}
	}
	for line := 2; ; line++ {
		f, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("result: %s:%d: %w", filename, line, err)
		}
		if line-1 > MaxTableRows {
			return fmt.Errorf("result: %s:%d: %w: more than %d rows (the limit)", filename, line, ErrLimit, MaxTableRows)
		}
		p := fieldParser{f: f, names: header}
		row(&p)
		if p.err != nil {
			return fmt.Errorf("result: %s:%d: %w", filename, line, p.err)
		}
	}
}

// fmtFloat prints x exactly; NaN is an empty field.
func fmtFloat(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
