package scenarios

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
	"math/bits"
	"os"
	"slices"
	"sync"

	"github.com/infersim/infersim/internal/buildinfo"
	"github.com/infersim/infersim/result"
)

// WorldsFile is the file of finished worlds: a run's journal (kept in its
// staging folder, for --resume) and a shard's results.
//
// The file is a sequence of frames, each a 4-byte little-endian payload
// length, the payload's CRC-32C (4 bytes) and the payload. The first
// frame's payload is the header (worldsHeader, JSON); then come the
// worlds, in task order from the header's First, each in one or more
// frames: parts (worldPartAt bytes of records each, so that no frame of a
// world of millions of requests passes maxFrame, and a world is read back
// one part at a time), then its last frame, which also holds its events
// and per-world metrics. Each frame is self-contained (its records, the
// string table they index, spans of a traced world), in the binary layout
// of worldEncoder. Every float is kept bit for bit, so a world read back
// merges exactly as it did when it was simulated. A frame cut short (the
// process was killed while writing it) or damaged ends the file's valid
// part; the parts of a world whose last frame is missing are not used.
const WorldsFile = "worlds.bin"

// worldsFormat identifies the layout of WorldsFile. Format 2 held a world
// in a single frame (so a world of a few million requests could not be
// written, or read back without holding it whole); its files are refused.
const worldsFormat = "infersim-worlds/3"

// maxFrame bounds a frame's payload, when written and when read; a
// world's records are cut into parts of worldPartAt bytes, far below it.
// A variable so that tests can lower it.
var maxFrame = 1 << 30

// worldPartAt is the size of a world's encoded records (and spans) past
// which they are cut off as a part frame. A variable so that tests can
// lower it.
var worldPartAt = 1 << 20

// The kinds of a world's frames (the byte after its seq).
const (
	framePart = 0 // more frames of the world follow
	frameLast = 1 // the world's last frame, with its events and metrics
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// worldsHeader is the first frame of a worlds file: what the worlds
// belong to, checked before any of them is used.
type worldsHeader struct {
	Format         string         `json:"format"`
	Scenario       string         `json:"scenario"`
	ScenarioSHA256 string         `json:"scenario_sha256"`
	Seed           uint64         `json:"seed"`
	Infersim       buildinfo.Info `json:"infersim"`
	KernelProfile  string         `json:"kernel_profile"`
	// Worlds is the run's number of worlds (tasks); First the task of the
	// file's first world.
	Worlds int `json:"worlds"`
	First  int `json:"first"`
}

// header is the worlds header of r's run, its worlds from first on.
func (r *runner) header(first int) worldsHeader {
	return worldsHeader{
		Format: worldsFormat, Scenario: r.s.Name, ScenarioSHA256: scenarioSHA256(r.s),
		Seed: r.s.Seed, Infersim: buildinfo.Read(), KernelProfile: r.kernelProfileName(),
		Worlds: r.total, First: first,
	}
}

// mismatch says how h differs from want ("" if it does not), for errors.
func (h *worldsHeader) mismatch(want *worldsHeader) string {
	switch {
	case h.Format != want.Format:
		return fmt.Sprintf("format %q, not %q", h.Format, want.Format)
	case h.ScenarioSHA256 != want.ScenarioSHA256 || h.Scenario != want.Scenario:
		return fmt.Sprintf("scenario %s (sha256 %.12s…), not %s (sha256 %.12s…): the scenario was edited, or run with other --quick, --replications or --requests",
			h.Scenario, h.ScenarioSHA256, want.Scenario, want.ScenarioSHA256)
	case h.Seed != want.Seed:
		return fmt.Sprintf("seed %d, not %d", h.Seed, want.Seed)
	case h.Infersim != want.Infersim:
		return fmt.Sprintf("written by %s, not by this %s", h.Infersim, want.Infersim)
	case h.KernelProfile != want.KernelProfile:
		return fmt.Sprintf("kernel profile %q, not %q", h.KernelProfile, want.KernelProfile)
	case h.Worlds != want.Worlds:
		return fmt.Sprintf("%d worlds, not %d", h.Worlds, want.Worlds)
	}
	return ""
}

// worldWriter appends frames to a worlds file.
type worldWriter struct {
	f    *os.File
	w    *bufio.Writer
	hash hash.Hash // nil: not hashed
	n    int64     // bytes in the file
	hdr  [8]byte
}

// createWorlds creates path (truncating it) with h as its header.
func createWorlds(path string, h worldsHeader, hashed hash.Hash) (*worldWriter, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	ww := &worldWriter{f: f, w: newBufWriter(f), hash: hashed}
	b, err := json.Marshal(&h)
	if err == nil {
		err = ww.frame(b)
	}
	if err == nil {
		err = ww.flush()
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("scenarios: writing %s: %w", path, err)
	}
	return ww, nil
}

// frame appends one frame with payload p.
func (ww *worldWriter) frame(p []byte) error {
	return ww.writeFrame(p, nil, crc32.Checksum(p, castagnoli))
}

// out is where the file's bytes go: the buffer, and the hash if any.
func (ww *worldWriter) out() io.Writer {
	if ww.hash != nil {
		return io.MultiWriter(ww.w, ww.hash)
	}
	return ww.w
}

// writeFrame appends one frame whose payload is head then body; crc is
// the payload's.
func (ww *worldWriter) writeFrame(head, body []byte, crc uint32) error {
	n := int64(len(head)) + int64(len(body))
	if n > int64(maxFrame) {
		return fmt.Errorf("a frame of %d bytes is larger than the %d a worlds file allows", n, maxFrame)
	}
	binary.LittleEndian.PutUint32(ww.hdr[:4], uint32(n))
	binary.LittleEndian.PutUint32(ww.hdr[4:], crc)
	w := ww.out()
	if _, err := w.Write(ww.hdr[:]); err != nil {
		return err
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := w.Write(body); err != nil {
		return err
	}
	ww.n += int64(len(ww.hdr)) + n
	return nil
}

// writeParts appends whole frames already encoded (a world's parts):
// mem, then spoolN bytes of spool from its current offset.
func (ww *worldWriter) writeParts(mem []byte, spool *os.File, spoolN int64) error {
	w := ww.out()
	if _, err := w.Write(mem); err != nil {
		return err
	}
	if spool != nil {
		if k, err := io.CopyN(w, spool, spoolN); err != nil {
			return fmt.Errorf("copying a world's spool (%d of %d bytes): %w", k, spoolN, err)
		}
	}
	ww.n += int64(len(mem)) + spoolN
	return nil
}

func (ww *worldWriter) flush() error { return ww.w.Flush() }

// close flushes, syncs and closes the file.
func (ww *worldWriter) close() error {
	if ww.f == nil {
		return nil
	}
	err := ww.w.Flush()
	if err == nil {
		err = ww.f.Sync()
	}
	if cerr := ww.f.Close(); err == nil {
		err = cerr
	}
	ww.f = nil
	return err
}

// errTorn is a frame cut short or damaged.
var errTorn = errors.New("a frame is cut short or damaged")

// worldReader reads the frames of a worlds file.
type worldReader struct {
	r    *bufio.Reader
	hash hash.Hash // nil: not hashed
	n    int64     // bytes read, up to the end of the last good frame
	hdr  [8]byte
}

func newWorldReader(r io.Reader, hashed hash.Hash) *worldReader {
	return &worldReader{r: bufio.NewReaderSize(r, 1<<16), hash: hashed}
}

// next returns the next frame's payload in a fresh slice: io.EOF at the
// end, errTorn (wrapped) for a frame cut short or damaged.
func (wr *worldReader) next() ([]byte, error) {
	if _, err := io.ReadFull(wr.r, wr.hdr[:]); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("%w (at byte %d)", errTorn, wr.n)
	}
	n := binary.LittleEndian.Uint32(wr.hdr[:4])
	if int64(n) > int64(maxFrame) {
		return nil, fmt.Errorf("%w (at byte %d: length %d)", errTorn, wr.n, n)
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(wr.r, p); err != nil {
		return nil, fmt.Errorf("%w (at byte %d)", errTorn, wr.n)
	}
	if crc32.Checksum(p, castagnoli) != binary.LittleEndian.Uint32(wr.hdr[4:]) {
		return nil, fmt.Errorf("%w (at byte %d: checksum)", errTorn, wr.n)
	}
	if wr.hash != nil {
		wr.hash.Write(wr.hdr[:])
		wr.hash.Write(p)
	}
	wr.n += int64(len(wr.hdr)) + int64(n)
	return p, nil
}

// readHeader reads a worlds file's header frame.
func (wr *worldReader) readHeader() (worldsHeader, error) {
	var h worldsHeader
	p, err := wr.next()
	if err == io.EOF {
		return h, errors.New("the file is empty")
	}
	if err != nil {
		return h, err
	}
	if err := json.Unmarshal(p, &h); err != nil {
		return h, fmt.Errorf("header: %w", err)
	}
	if h.Format != worldsFormat {
		return h, fmt.Errorf("format %q, not %q (written by another version of infersim; this one cannot read it)", h.Format, worldsFormat)
	}
	return h, nil
}

// worldSource supplies stored worlds, in task order, to a run.
type worldSource interface {
	// next returns the next world's frame.
	next() ([]byte, error)
}

// worldBufPool recycles the buffers worlds are encoded into.
var worldBufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// canonicalPhase is a phase that did not occur (result.Record.Reset).
var canonicalNaN = math.Float64bits(math.NaN())

// encodeWorld returns, appended to b, task seq's world as one last frame's
// payload (whatever its size): its events and metrics, its records (with a
// table of their strings) and spans. The runner encodes worlds with a
// worldEncoder, which cuts them into parts; this is the same layout.
func encodeWorld(b []byte, seq int, recs []result.Record, st worldStats, spans []result.Span) []byte {
	e := worldEncoder{seq: seq}
	for i := range recs {
		e.body = e.add(e.body, &recs[i])
	}
	for i := range spans {
		e.span(&spans[i])
	}
	b = e.appendHead(b, frameLast, st)
	b = append(b, e.body...)
	return e.appendTail(b)
}

// worldEncoder encodes a world's records in the worlds file's layout as
// they finish, so a journalled world keeps its records as their compact
// encoding, not as result.Records. Past worldPartAt bytes the records so
// far are cut off as a part: a whole frame (length, CRC, payload) written
// to a spool file beside the journal (unlinked at once where the system
// allows it; kept in memory without a folder), so a world's memory does
// not grow with its requests and no frame grows with them either. The
// merge copies the parts into the worlds file, then the world's last
// frame (finish).
type worldEncoder struct {
	seq    int
	body   []byte  // the records of the current part
	buf    *[]byte // body's storage, from worldBufPool (nil: none)
	n      int     // records in body
	strs   []string
	spans  []byte // the encoded spans of the current part
	nspans int
	dir    string // where a spool is created ("": parts kept in memory)
	parts  []byte // part frames in memory (dir == "")
	spool  *os.File
	spoolN int64 // bytes in spool (whole frames)
	// unlinked: spool was removed from dir when created.
	unlinked bool
	err      error // the first spool error
	head     []byte
}

// newWorldEncoder starts task seq's world in a buffer of worldBufPool;
// dir is where its parts are spooled.
func newWorldEncoder(dir string, seq int) *worldEncoder {
	b := worldBufPool.Get().(*[]byte)
	return &worldEncoder{body: (*b)[:0], buf: b, dir: dir, seq: seq}
}

// record encodes r into the world (add, then a part when body is full).
func (e *worldEncoder) record(r *result.Record) {
	e.body = e.add(e.body, r)
	if len(e.body) >= worldPartAt {
		e.cut()
	}
}

// span encodes sp into the world's current part.
func (e *worldEncoder) span(sp *result.Span) {
	e.nspans++
	b := appendString(e.spans, sp.Lane)
	b = appendString(b, sp.Label)
	b = appendFloat(appendFloat(b, sp.Start), sp.End)
	keys := make([]string, 0, len(sp.Attrs))
	for k := range sp.Attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(appendString(b, k), sp.Attrs[k])
	}
	e.spans = b
}

// cut ends the current part: its frame goes to the spool (or to parts)
// and the next part starts empty.
func (e *worldEncoder) cut() {
	if e.err != nil {
		return
	}
	e.head = e.appendHead(append(e.head[:0], make([]byte, 8)...), framePart, worldStats{})
	body := e.appendTail(e.body)
	e.body, e.n, e.spans, e.nspans = body[:0], 0, e.spans[:0], 0
	n := len(e.head) - 8 + len(body)
	if n > maxFrame {
		e.err = fmt.Errorf("a part of %d bytes is larger than the %d a frame allows", n, maxFrame)
		return
	}
	crc := crc32.Update(crc32.Checksum(e.head[8:], castagnoli), castagnoli, body)
	binary.LittleEndian.PutUint32(e.head[:4], uint32(n))
	binary.LittleEndian.PutUint32(e.head[4:8], crc)
	if e.dir == "" {
		e.parts = append(append(e.parts, e.head...), body...)
		return
	}
	if e.spool == nil {
		f, err := os.CreateTemp(e.dir, "."+WorldsFile+".part.*.tmp")
		if err != nil {
			e.err = err
			return
		}
		e.unlinked = os.Remove(f.Name()) == nil // closing the file frees it
		e.spool = f
	}
	if _, err := e.spool.Write(e.head); err != nil {
		e.err = err
		return
	}
	if _, err := e.spool.Write(body); err != nil {
		e.err = err
		return
	}
	e.spoolN += int64(len(e.head) + len(body))
}

// release returns the encoder's buffer and drops its spool.
func (e *worldEncoder) release() {
	if e.buf != nil {
		*e.buf = e.body[:0]
		putWorldBuf(e.buf)
	}
	e.body, e.buf, e.parts = nil, nil, nil
	e.dropSpool()
}

func (e *worldEncoder) dropSpool() {
	if e.spool != nil {
		e.spool.Close()
		if !e.unlinked {
			os.Remove(e.spool.Name())
		}
		e.spool = nil
	}
}

// worldFrame is a world encoded for the journal or a shard: its parts
// (enc's parts, then spoolN bytes of its spool: whole frames), then its
// last frame, whose payload is head then body, with CRC-32C crc.
type worldFrame struct {
	head, body *[]byte // from worldBufPool
	enc        *worldEncoder
	crc        uint32
}

// finish ends the encoding of the world with its stats and spans: its
// frames, or an error.
func (e *worldEncoder) finish(st worldStats, spans []result.Span) (*worldFrame, error) {
	for i := range spans {
		e.span(&spans[i])
		if len(e.body)+len(e.spans) >= worldPartAt {
			e.cut()
		}
	}
	if e.err != nil {
		return nil, e.err
	}
	h := worldBufPool.Get().(*[]byte)
	*h = e.appendHead((*h)[:0], frameLast, st)
	body := e.buf
	if body == nil {
		body = new([]byte)
	}
	*body = e.appendTail(e.body)
	e.body, e.buf = nil, nil
	f := &worldFrame{head: h, body: body, enc: e}
	if e.spool != nil {
		if _, err := e.spool.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
	}
	f.crc = crc32.Update(crc32.Checksum(*h, castagnoli), castagnoli, *body)
	return f, nil
}

// release returns the frame's buffers and drops its spool.
func (f *worldFrame) release() {
	putWorldBuf(f.head)
	putWorldBuf(f.body)
	f.head, f.body = nil, nil
	if f.enc != nil {
		f.enc.dropSpool()
		f.enc.parts = nil
		f.enc = nil
	}
}

// idx is the index of s in the world's string table.
func (e *worldEncoder) idx(s string) uint64 {
	for i, x := range e.strs {
		if x == s {
			return uint64(i)
		}
	}
	e.strs = append(e.strs, s)
	return uint64(len(e.strs) - 1)
}

// add appends record r's encoding to b and counts it.
func (e *worldEncoder) add(b []byte, r *result.Record) []byte {
	e.n++
	b = binary.AppendVarint(b, int64(r.Point))
	b = binary.AppendVarint(b, int64(r.Replication))
	b = binary.AppendVarint(b, int64(r.Phone))
	b = binary.AppendVarint(b, int64(r.Request))
	b = binary.AppendUvarint(b, e.idx(r.Model))
	b = binary.AppendUvarint(b, e.idx(r.Mode))
	b = binary.AppendUvarint(b, e.idx(r.Image))
	b = binary.AppendVarint(b, int64(r.Split))
	cold := byte(0)
	if r.Cold {
		cold = 1
	}
	b = append(b, cold)
	b = binary.AppendUvarint(b, uint64(r.Outcome))
	b = appendFloat(b, r.Arrival)
	b = appendFloat(b, r.End)
	// Phases that did not occur (NaN, NaN, 0) are left out: a mask
	// says which are written.
	var mask uint64
	for p := range r.Phases {
		ps := &r.Phases[p]
		if math.Float64bits(ps.Start) != canonicalNaN || math.Float64bits(ps.End) != canonicalNaN || math.Float64bits(ps.Duration) != 0 {
			mask |= 1 << p
		}
	}
	b = binary.AppendUvarint(b, mask)
	for p := range r.Phases {
		if mask&(1<<p) != 0 {
			ps := &r.Phases[p]
			b = appendFloat(appendFloat(appendFloat(b, ps.Start), ps.End), ps.Duration)
		}
	}
	for _, e := range r.Energy {
		b = appendFloat(b, e)
	}
	b = appendFloat(b, r.TailEnergy)
	b = appendCount(b, r.UpBytes)
	b = appendCount(b, r.DownBytes)
	b = appendCount(b, r.TTFT)
	b = binary.AppendUvarint(b, uint64(r.Tokens))
	return b
}

// appendHead appends a frame's head: the world's seq, the frame's kind,
// the world's events and metrics (a last frame only) and the number of
// records in the frame.
func (e *worldEncoder) appendHead(b []byte, kind byte, st worldStats) []byte {
	b = binary.AppendUvarint(b, uint64(e.seq))
	b = append(b, kind)
	if kind == frameLast {
		b = binary.AppendVarint(b, st.events)
		b = binary.AppendUvarint(b, uint64(len(st.metrics)))
		for _, x := range st.metrics {
			b = appendCount(b, x)
		}
	}
	return binary.AppendUvarint(b, uint64(e.n))
}

// appendTail appends what follows a frame's records: the string table
// they index (the world's so far), and the frame's spans.
func (e *worldEncoder) appendTail(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(e.strs)))
	for _, s := range e.strs {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(e.nspans))
	return append(b, e.spans...)
}

func appendFloat(b []byte, x float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
}

// appendCount appends a float that is often a small integer (a count, a
// byte size, zero) in fewer bytes: its bits with the bytes reversed, as
// a uvarint (the trick of encoding/gob), so that the exponent and the
// high mantissa bits come first; any float is kept exactly (up to 10
// bytes).
func appendCount(b []byte, x float64) []byte {
	return binary.AppendUvarint(b, bits.ReverseBytes64(math.Float64bits(x)))
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decodedWorld is a frame of a world read back (its last: with the
// world's stats).
type decodedWorld struct {
	seq   int
	last  bool
	stats worldStats
	recs  []result.Record // appended to the slice given
	spans []result.Span
}

// decoder reads encodeWorld's layout, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errors.New("a world's data is malformed")
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int {
	v := d.varint()
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail()
		return 0
	}
	return int(v)
}

// count reads a length of items of at least min bytes each.
func (d *decoder) count(min int) int {
	v := d.uvarint()
	if v > uint64(len(d.b)/min+1) {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	x := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return x
}

// count64 reads appendCount's float.
func (d *decoder) count64() float64 {
	return math.Float64frombits(bits.ReverseBytes64(d.uvarint()))
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// frameOf reads the seq and kind at the start of a world's frame p.
func frameOf(p []byte) (seq uint64, kind byte, ok bool) {
	seq, n := binary.Uvarint(p)
	if n <= 0 || n >= len(p) {
		return 0, 0, false
	}
	return seq, p[n], true
}

// decodeWorld reads a world's frame (a part, or its last frame, as
// worldEncoder and encodeWorld write them), its records appended to recs.
func decodeWorld(p []byte, recs []result.Record) (decodedWorld, error) {
	d := &decoder{b: p}
	var w decodedWorld
	w.seq = int(d.uvarint())
	switch d.byte() {
	case framePart:
	case frameLast:
		w.last = true
		w.stats.events = d.varint()
		if nm := d.count(1); nm > 0 {
			w.stats.metrics = make([]float64, nm)
			for i := range w.stats.metrics {
				w.stats.metrics[i] = d.count64()
			}
		}
	default:
		d.fail()
	}
	nrec := d.count(8)
	start := len(recs)
	type strIdx struct{ model, mode, image uint64 }
	idx := make([]strIdx, 0, nrec)
	for i := 0; i < nrec && d.err == nil; i++ {
		r := result.NewRecord()
		r.Point, r.Replication, r.Phone, r.Request = d.int(), d.int(), d.int(), d.int()
		si := strIdx{d.uvarint(), d.uvarint(), d.uvarint()}
		r.Split = d.int()
		r.Cold = d.byte() == 1
		o := d.uvarint()
		if o >= uint64(result.NumOutcomes) {
			d.fail()
		}
		r.Outcome = result.Outcome(o)
		r.Arrival, r.End = d.float(), d.float()
		mask := d.uvarint()
		if mask >= 1<<result.NumPhases {
			d.fail()
		}
		for ph := range r.Phases {
			if mask&(1<<ph) != 0 {
				r.Phases[ph] = result.PhaseSpan{Start: d.float(), End: d.float(), Duration: d.float()}
			}
		}
		for c := range r.Energy {
			r.Energy[c] = d.float()
		}
		r.TailEnergy, r.UpBytes, r.DownBytes = d.float(), d.count64(), d.count64()
		r.TTFT = d.count64()
		if tok := d.uvarint(); tok > math.MaxInt32 {
			d.fail()
		} else {
			r.Tokens = int(tok)
		}
		recs = append(recs, r)
		idx = append(idx, si)
	}
	strs := make([]string, d.count(1))
	for i := range strs {
		strs[i] = d.string()
	}
	for i, si := range idx {
		if si.model >= uint64(len(strs)) || si.mode >= uint64(len(strs)) || si.image >= uint64(len(strs)) {
			d.fail()
			break
		}
		r := &recs[start+i]
		r.Model, r.Mode, r.Image = strs[si.model], strs[si.mode], strs[si.image]
	}
	if ns := d.count(18); ns > 0 {
		w.spans = make([]result.Span, ns)
		for i := range w.spans {
			sp := &w.spans[i]
			sp.Lane, sp.Label = d.string(), d.string()
			sp.Start, sp.End = d.float(), d.float()
			if na := d.count(2); na > 0 {
				sp.Attrs = make(map[string]string, na)
				for j := 0; j < na; j++ {
					k := d.string()
					sp.Attrs[k] = d.string()
				}
			}
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail()
	}
	w.recs = recs
	return w, d.err
}

func newBufWriter(f *os.File) *bufio.Writer { return bufio.NewWriterSize(f, 1<<16) }
