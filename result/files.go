package result

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// recordHeader lists the requests.csv columns.
func recordHeader() []string {
	h := []string{"point", "replication", "phone", "request", "model", "mode", "image", "split", "cold",
		"arrival", "end", "latency", "outcome"}
	for _, p := range Phases() {
		h = append(h, p.String()+"_start", p.String()+"_end", p.String()+"_s")
	}
	for _, c := range Components() {
		h = append(h, "energy_"+c.String()+"_j")
	}
	return append(h, "energy_j", "tail_energy_j", "up_bytes", "down_bytes")
}

// chatHeader lists the columns a chat's requests.csv adds after the
// others (NewChatRecordWriter): Record.TTFT and Record.Tokens.
var chatHeader = []string{"ttft_s", "tokens"}

// RecordWriter streams records to requests.csv format. It buffers; call
// Flush at the end and check its error.
type RecordWriter struct {
	w    *bufio.Writer
	buf  []byte
	chat bool // the chat columns follow
	// last holds, for each column written by appendFloat, the previous
	// row's value and text, which a repeated value copies instead of
	// formatting it again: a world's upload size and tail energy are
	// the same request after request, and shortest-text formatting is
	// most of Write's cost.
	last [numFloatCols]lastFloat
	// names are the previous row's model, mode and image, and plain
	// whether each is written as is (no comma, quote or line break).
	names [3]string
	plain [3]bool
}

// numFloatCols is the number of requests.csv columns written by
// appendFloat: the energies, their total, the tail energy, the bytes.
const numFloatCols = NumComponents + 4

// lastFloat is a column's previous value (its bits) and text; n = 0 when
// none is kept.
type lastFloat struct {
	bits uint64
	n    uint8
	text [24]byte // the longest shortest text: -1.2345678901234567e-308
}

// TimeDecimals is the number of decimals of the times in requests.csv
// (arrival, end, latency and each phase's start, end and seconds): a
// microsecond, below the resolution of every latency the simulator's
// sources measure (milliseconds), so that a row does not carry the 17
// digits of a float64's rounding noise. Trailing zeros are dropped
// ("0.09177", "2", not "0.091770" or "2.000000"). Each column is rounded
// on its own: latency may differ from end − arrival by a microsecond.
const TimeDecimals = 6

// NewRecordWriter writes the header to w and returns a writer for records.
func NewRecordWriter(w io.Writer) (*RecordWriter, error) {
	return newRecordWriter(w, false)
}

// NewChatRecordWriter is NewRecordWriter for the records of a chat with a
// language model: two more columns, ttft_s and tokens (Record.TTFT and
// Record.Tokens), after the others, which are unchanged.
func NewChatRecordWriter(w io.Writer) (*RecordWriter, error) {
	return newRecordWriter(w, true)
}

func newRecordWriter(w io.Writer, chat bool) (*RecordWriter, error) {
	rw := &RecordWriter{w: bufio.NewWriterSize(w, 1<<16), chat: chat}
	h := recordHeader()
	if chat {
		h = append(h, chatHeader...)
	}
	if _, err := rw.w.WriteString(strings.Join(h, ",") + "\n"); err != nil {
		return nil, err
	}
	return rw, nil
}

// Write appends one record. Model, mode and image names are quoted when they
// hold a comma or quote.
func (rw *RecordWriter) Write(r *Record) error {
	b := rw.buf[:0]
	b = strconv.AppendInt(b, int64(r.Point), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Replication), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Phone), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Request), 10)
	b = rw.appendName(b, 0, r.Model)
	b = rw.appendName(b, 1, r.Mode)
	b = rw.appendName(b, 2, r.Image)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Split), 10)
	b = append(b, ',')
	b = strconv.AppendBool(b, r.Cold)
	b = appendTimeField(b, r.Arrival)
	b = appendTimeField(b, r.End)
	b = appendTimeField(b, r.Latency())
	b = append(b, ',')
	b = append(b, r.Outcome.String()...)
	for _, s := range r.Phases {
		b = appendTimeField(b, s.Start)
		b = appendTimeField(b, s.End)
		b = appendTimeField(b, s.Duration)
	}
	for c, e := range r.Energy {
		b = rw.appendFloat(b, c, e)
	}
	b = rw.appendFloat(b, NumComponents, r.TotalEnergy())
	b = rw.appendFloat(b, NumComponents+1, r.TailEnergy)
	b = rw.appendFloat(b, NumComponents+2, r.UpBytes)
	b = rw.appendFloat(b, NumComponents+3, r.DownBytes)
	if rw.chat {
		b = appendTimeField(b, r.TTFT)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(r.Tokens), 10)
	}
	b = append(b, '\n')
	rw.buf = b
	_, err := rw.w.Write(b)
	return err
}

// Flush writes any buffered data.
func (rw *RecordWriter) Flush() error { return rw.w.Flush() }

// appendFloat is appendFloat for column col, copying the text of the
// previous row's value when x has its bits.
func (rw *RecordWriter) appendFloat(b []byte, col int, x float64) []byte {
	b = append(b, ',')
	if math.IsNaN(x) {
		return b
	}
	l := &rw.last[col]
	bits := math.Float64bits(x)
	if l.n > 0 && l.bits == bits {
		return append(b, l.text[:l.n]...)
	}
	start := len(b)
	b = appendNumber(b, x)
	if n := len(b) - start; n <= len(l.text) {
		l.bits, l.n = bits, uint8(copy(l.text[:], b[start:]))
	} else {
		l.n = 0
	}
	return b
}

// appendName is appendText for name column i (model, mode, image),
// deciding about quotes once for a run of rows with the same name.
func (rw *RecordWriter) appendName(b []byte, i int, s string) []byte {
	if s != rw.names[i] || !rw.plain[i] {
		rw.names[i], rw.plain[i] = s, !needsQuotes(s)
		if !rw.plain[i] {
			return appendText(b, s)
		}
	}
	b = append(b, ',')
	return append(b, s...)
}

// appendTimeField appends ",x" by AppendTime; NaN (a phase that did not
// occur) is an empty field.
func appendTimeField(b []byte, x float64) []byte {
	b = append(b, ',')
	if math.IsNaN(x) {
		return b
	}
	return AppendTime(b, x)
}

// AppendTime appends x rounded to TimeDecimals decimals, without trailing
// zeros (an integral time as an integer; −0 as 0). From 10⁹ s (31 years)
// on, a decimal fewer per digit before the point, so that no more than 16
// significant digits (what a float64 carries) are written; a magnitude of
// 10¹⁵ or more (or ±Inf) is written as the shortest text that reads back
// as x.
func AppendTime(b []byte, x float64) []byte {
	if x == math.Trunc(x) && math.Abs(x) < maxExactInt {
		return strconv.AppendInt(b, int64(x), 10)
	}
	a := math.Abs(x)
	if !(a < 1e15) {
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	}
	if a < 1e9 && a > 1e-200 {
		return appendMicros(b, x)
	}
	d := TimeDecimals
	for ; a >= 1e9 && d > 0; a /= 10 {
		d--
	}
	start := len(b)
	b = strconv.AppendFloat(b, x, 'f', d, 64)
	if d == 0 {
		if string(b[start:]) == "-0" {
			b = append(b[:start], '0')
		}
		return b
	}
	for b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	if b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	if string(b[start:]) == "-0" {
		b = append(b[:start], '0')
	}
	return b
}

// appendMicros appends x (1e-200 < |x| < 1e9, not an integer) rounded to
// TimeDecimals (6) decimals, without trailing zeros, as AppendTime's
// strconv.AppendFloat(x, 'f', 6) would (the exact value of x rounded to
// the nearest microsecond, ties to even), from integers: x·10⁶ is
// p + e exactly (p the rounded product, e its error by a fused
// multiply-add), so p rounded to an integer is the answer unless p is
// exactly half-way, where e decides (|e| is below half an ulp of p, and
// a p not half-way is an ulp or more from the half). Written with few
// branches: the digits of a time are as good as random, so a branch on
// their count mispredicts.
func appendMicros(b []byte, x float64) []byte {
	a := math.Abs(x)
	p := a * 1e6
	e := math.FMA(a, 1e6, -p)
	r := (p + 0x1p52) - 0x1p52 // p to the nearest integer, ties to even (p < 10¹⁵ < 2⁵²)
	if d := p - r; d == 0.5 || d == -0.5 {
		switch {
		case e > 0:
			r = p + 0.5
		case e < 0:
			r = p - 0.5
		}
	}
	u := uint64(r)
	if u == 0 {
		return append(b, '0')
	}
	if x < 0 {
		b = append(b, '-')
	}
	// d holds the integer part in 10 digits, zero-padded (|x| < 10⁹), the
	// point and 6 decimals: ni leading digits and nf decimals of it are
	// the text.
	var d [32]byte
	ip, f := u/1e6, u%1e6
	// Two independent chains of 32-bit divisions: digits 0–4 and 5–9.
	hi, lo := uint32(ip/100000), uint32(ip%100000)
	d[4], d[9] = byte('0'+hi%10), byte('0'+lo%10)
	hi, lo = hi/10, lo/10
	for i := 2; i >= 0; i -= 2 {
		qh, ql := hi/100, lo/100
		rh, rl := hi-100*qh, lo-100*ql
		d[i], d[i+1] = digitPairs[2*rh], digitPairs[2*rh+1]
		d[i+5], d[i+6] = digitPairs[2*rl], digitPairs[2*rl+1]
		hi, lo = qh, ql
	}
	d[10] = '.'
	q := f / 100
	d[15], d[16] = digitPairs[2*(f-100*q)], digitPairs[2*(f-100*q)+1]
	d[13], d[14] = digitPairs[2*(q%100)], digitPairs[2*(q%100)+1]
	d[11], d[12] = digitPairs[2*(q/100)], digitPairs[2*(q/100)+1]
	ni := decimalDigits(u / 1e6)
	n := ni + 7 - int(trailingZeros6(f)) // 6 − zeros decimals, and the point
	if f == 0 {
		n = ni
	}
	i := len(b)
	b = slices.Grow(b, 16)[:i+n]
	// n ≤ 16 (9 digits, the point, 6 decimals): one fixed-size move.
	*(*[16]byte)(b[i : i+16]) = *(*[16]byte)(d[10-ni : 26-ni])
	return b
}

// decimalDigits is the number of decimal digits of v (1 for 0), v < 10¹⁰.
func decimalDigits(v uint64) int {
	// ⌊log₁₀ 2⌋-style estimate from the bit length (1233/4096 ≈ log₁₀ 2),
	// exact or one short.
	n := (bits.Len64(v)*1233)>>12 + 1
	if v < pow10[n-1] {
		n--
	}
	return max(n, 1)
}

var pow10 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10}

// trailingZeros6 is the number of trailing decimal zeros of f, 0 < f <
// 10⁶, as a six-digit fraction: from a table of the last three digits.
func trailingZeros6(f uint64) uint8 {
	if lo := f % 1000; lo != 0 {
		return tz1000[lo]
	}
	return 3 + tz1000[f/1000]
}

// tz1000[i] is the number of trailing zeros of i as three digits (i > 0).
var tz1000 = func() (t [1000]uint8) {
	for i := 1; i < 1000; i++ {
		for v := i; v%10 == 0; v /= 10 {
			t[i]++
		}
	}
	return
}()

// digitPairs holds "00", "01", …, "99": two decimal digits per lookup.
const digitPairs = "00010203040506070809" + "10111213141516171819" + "20212223242526272829" +
	"30313233343536373839" + "40414243444546474849" + "50515253545556575859" + "60616263646566676869" +
	"70717273747576777879" + "80818283848586878889" + "90919293949596979899"

// appendFloat appends ",x" with the shortest text that reads back as x; NaN
// (a phase that did not occur) is an empty field.
func appendFloat(b []byte, x float64) []byte {
	b = append(b, ',')
	if math.IsNaN(x) {
		return b
	}
	return appendNumber(b, x)
}

// maxExactInt is the bound below which every integer is exact in a
// float64 (2^53).
const maxExactInt = 1 << 53

// appendNumber appends x with the digits it carries: an integral value
// (a byte count, a request count) as an integer, so "2246780" and not
// "2.24678e+06", which integer parsers refuse; anything else as the
// shortest text that reads back as x.
func appendNumber(b []byte, x float64) []byte {
	if x == math.Trunc(x) && math.Abs(x) < maxExactInt {
		return strconv.AppendInt(b, int64(x), 10)
	}
	return strconv.AppendFloat(b, x, 'g', -1, 64)
}

func appendText(b []byte, s string) []byte {
	b = append(b, ',')
	if needsQuotes(s) {
		b = append(b, '"')
		b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
		return append(b, '"')
	}
	return append(b, s...)
}

// needsQuotes reports whether s holds a comma, quote or line break: a loop
// rather than strings.ContainsAny, which builds its set at every call.
func needsQuotes(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\n', '\r':
			return true
		}
	}
	return false
}

// ReadRecords reads requests.csv and calls fn for each record in file order.
// The record passed to fn is reused between calls; copy it to keep it.
func ReadRecords(r io.Reader, filename string, fn func(*Record) error) error {
	cr := csv.NewReader(bufio.NewReaderSize(csvInput(r), 1<<16))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("result: %s: header: %w", filename, err)
	}
	want := recordHeader()
	chat := strings.Join(header, ",") == strings.Join(append(want, chatHeader...), ",")
	if chat {
		want = append(want, chatHeader...)
	}
	if !chat && strings.Join(header, ",") != strings.Join(want, ",") {
		return fmt.Errorf("result: %s:1: header does not match this version's requests.csv columns", filename)
	}
	rec := NewRecord()
	for line := 2; ; line++ {
		fields, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("result: %s:%d: %w", filename, line, err)
		}
		if line-1 > MaxRecords {
			return fmt.Errorf("result: %s:%d: %w: more than %d rows (the limit)", filename, line, ErrLimit, MaxRecords)
		}
		rec.Reset()
		if err := parseRecord(fields, want, &rec, chat); err != nil {
			return fmt.Errorf("result: %s:%d: %w", filename, line, err)
		}
		if err := fn(&rec); err != nil {
			return err
		}
	}
}

func parseRecord(f, names []string, r *Record, chat bool) error {
	p := fieldParser{f: f, names: names}
	r.Point = p.int()
	r.Replication = p.int()
	r.Phone = p.int()
	r.Request = p.int()
	r.Model = p.text()
	r.Mode = p.text()
	r.Image = p.text()
	r.Split = p.int()
	r.Cold = p.bool()
	r.Arrival = p.float()
	r.End = p.float()
	p.float() // latency is derived
	r.Outcome = p.outcome()
	for i := range r.Phases {
		r.Phases[i] = PhaseSpan{Start: p.float(), End: p.float(), Duration: p.float()}
	}
	for i := range r.Energy {
		r.Energy[i] = p.float()
	}
	p.float() // total energy is derived
	r.TailEnergy = p.float()
	r.UpBytes = p.float()
	r.DownBytes = p.float()
	if chat {
		r.TTFT = p.float()
		r.Tokens = p.int()
	}
	return p.err
}

// fieldParser reads typed fields in order and keeps the first error, naming
// the column.
type fieldParser struct {
	f     []string
	names []string
	i     int
	err   error
}

func (p *fieldParser) next() (string, string) {
	if p.i >= len(p.f) {
		if p.err == nil {
			p.err = fmt.Errorf("too few fields (%d)", len(p.f))
		}
		p.i++
		return "", ""
	}
	s, n := p.f[p.i], p.names[p.i]
	p.i++
	return s, n
}

func (p *fieldParser) fail(col, s, what string) {
	if p.err == nil {
		p.err = fmt.Errorf("column %s: %q is not %s", col, s, what)
	}
}

func (p *fieldParser) int() int {
	s, col := p.next()
	v, err := strconv.Atoi(s)
	if err != nil && s != "" {
		p.fail(col, s, "an integer")
	}
	return v
}

func (p *fieldParser) float() float64 {
	s, col := p.next()
	if s == "" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		p.fail(col, s, "a number")
	}
	return v
}

func (p *fieldParser) bool() bool {
	s, col := p.next()
	v, err := strconv.ParseBool(s)
	if err != nil {
		p.fail(col, s, "true or false")
	}
	return v
}

func (p *fieldParser) text() string {
	s, _ := p.next()
	return s
}

func (p *fieldParser) outcome() Outcome {
	s, col := p.next()
	o, err := ParseOutcome(s)
	if err != nil {
		p.fail(col, s, "an outcome")
	}
	return o
}

// summaryHeader lists the summary.csv columns for the given parameter names.
func summaryHeader(params []string) []string {
	h := []string{"point"}
	h = append(h, params...)
	h = append(h, "model", "mode", "image", "start", "requests")
	for i := 0; i < NumOutcomes; i++ {
		h = append(h, Outcome(i).String())
	}
	h = append(h, "latency_mean", "latency_ci95", "latency_sd", "latency_p50", "latency_p95", "latency_p99", "latency_p95_ci95", "latency_p99_ci95")
	h = append(h, "success_rate", "success_rate_ci95", "latency_with_failures_mean", "latency_with_failures_ci95", "latency_with_failures_p95", "latency_with_failures_p99",
		"latency_with_failures_p95_ci95", "latency_with_failures_p99_ci95")
	for _, p := range Phases() {
		h = append(h, p.String()+"_mean")
	}
	for _, c := range Components() {
		h = append(h, "energy_"+c.String()+"_j")
	}
	return append(h, "energy_j", "energy_ci95", "throughput", "battery_per_1000")
}

// WriteSummaryCSV writes one row per summary. params names the swept
// parameters, which become columns after "point".
func WriteSummaryCSV(w io.Writer, params []string, sums []Summary) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(summaryHeader(params)); err != nil {
		return err
	}
	row := make([]string, 0, 64)
	ff := func(x float64) string {
		if math.IsNaN(x) {
			return ""
		}
		if x == math.Trunc(x) && math.Abs(x) < maxExactInt {
			return strconv.FormatInt(int64(x), 10) // counts and bytes stay integers
		}
		return strconv.FormatFloat(x, 'g', 6, 64)
	}
	for i := range sums {
		s := &sums[i]
		row = append(row[:0], strconv.Itoa(s.Point))
		for _, name := range params {
			v := ""
			for _, p := range s.Params {
				if p.Name == name {
					v = p.Value
				}
			}
			row = append(row, v)
		}
		row = append(row, s.Model, s.Mode, s.Image, string(s.Start), strconv.Itoa(s.Requests))
		for _, n := range s.Outcomes {
			row = append(row, strconv.Itoa(n))
		}
		l := s.Latency
		row = append(row, ff(l.Mean), ff(l.CI95), ff(l.SD), ff(l.P50), ff(l.P95), ff(l.P99), ff(l.P95CI95), ff(l.P99CI95))
		la := s.LatencyAll
		row = append(row, ff(s.Success.Mean), ff(s.Success.CI95), ff(la.Mean), ff(la.CI95), ff(la.P95), ff(la.P99), ff(la.P95CI95), ff(la.P99CI95))
		for _, p := range s.Phases {
			row = append(row, ff(p.Mean))
		}
		for _, e := range s.Energy {
			row = append(row, ff(e.Mean))
		}
		row = append(row, ff(s.EnergyTotal.Mean), ff(s.EnergyTotal.CI95), ff(s.Throughput), ff(s.BatteryPer1000))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteRunJSON writes run as indented JSON. NaN statistics (a CI from one
// replication) are written as null.
func WriteRunJSON(w io.Writer, run *Run) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(run)
}

// ReadRunJSON reads summary.json, refusing values no simulation writes
// (see MaxSeconds and the other bounds of check.go) with the field and range.
func ReadRunJSON(r io.Reader, filename string) (*Run, error) {
	var run Run
	dec := json.NewDecoder(jsonInput(r))
	if err := dec.Decode(&run); err != nil {
		return nil, fmt.Errorf("result: %s: %w", filename, err)
	}
	if err := checkRun(&run); err != nil {
		return nil, fmt.Errorf("result: %s: %w", filename, err)
	}
	return &run, nil
}
