package scenarios

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/infersim/infersim/internal/buildinfo"
)

// ShardFile is a finished shard's manifest, beside its WorldsFile.
const ShardFile = "shard.json"

// shardFormat identifies ShardFile's layout.
const shardFormat = "infersim-shard/1"

// Shard is one of N shares of a run's worlds (points × replications ×
// cells, in task order: points, then replications, then cells). Shard I
// of N holds the contiguous block of tasks [⌊I·T/N⌋, ⌊(I+1)·T/N⌋) of the
// T tasks: which tasks a shard holds depends on I, N and the scenario
// only, never on the machine, -j or the other shards, and the blocks of
// every N tile the tasks, so a merge reads the shards one after the
// other, each once, front to back.
type Shard struct {
	I, N int
}

// String formats the shard as I/N.
func (sh Shard) String() string { return fmt.Sprintf("%d/%d", sh.I, sh.N) }

// Range returns the tasks [lo, hi) shard sh holds of total.
func (sh Shard) Range(total int) (lo, hi int) {
	return int(int64(sh.I) * int64(total) / int64(sh.N)), int(int64(sh.I+1) * int64(total) / int64(sh.N))
}

// ShardEnv are the environment variables --shard auto/N reads the shard
// index from, in order: a Kubernetes Indexed Job's and a Slurm job
// array's.
var ShardEnv = []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"}

// ParseShard reads "I/N" (0 ≤ I < N), or "auto/N", I then coming from
// the first of ShardEnv that getenv finds set (a Slurm array must then
// number its tasks from 0: --array=0-(N-1)).
func ParseShard(s string, getenv func(string) string) (Shard, error) {
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("scenarios: shard %q: want I/N (e.g. 2/7) or auto/N", s)
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n < 1 {
		return Shard{}, fmt.Errorf("scenarios: shard %q: N must be a whole number ≥ 1", s)
	}
	from := ""
	if is == "auto" {
		for _, v := range ShardEnv {
			if x := getenv(v); x != "" {
				is, from = x, " (from "+v+")"
				break
			}
		}
		if from == "" {
			return Shard{}, fmt.Errorf("scenarios: shard %q: none of %s is set (auto/N is for a Kubernetes Indexed Job or a Slurm job array; elsewhere give I/N)", s, strings.Join(ShardEnv, ", "))
		}
	}
	i, err := strconv.Atoi(is)
	if err != nil || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("scenarios: shard %q: index %q%s must be a whole number from 0 to %d", s, is, from, n-1)
	}
	return Shard{I: i, N: n}, nil
}

// ShardManifest describes a finished shard (ShardFile): what the worlds
// belong to, which tasks they are, and the hash of the worlds file.
type ShardManifest struct {
	Format         string `json:"format"`
	Scenario       string `json:"scenario"`
	ScenarioSHA256 string `json:"scenario_sha256"`
	// ScenarioYAML is the resolved scenario (summary.json's
	// scenario_yaml), which merge runs; ScenarioFile and ScenarioDir say
	// where it was read from (relative paths in it resolve against
	// ScenarioDir).
	ScenarioYAML  string         `json:"scenario_yaml"`
	ScenarioFile  string         `json:"scenario_file,omitempty"`
	ScenarioDir   string         `json:"scenario_dir,omitempty"`
	Seed          uint64         `json:"seed"`
	Infersim      buildinfo.Info `json:"infersim"`
	KernelProfile string         `json:"kernel_profile"`
	Shard         int            `json:"shard"`
	Shards        int            `json:"shards"`
	// Worlds is the run's number of tasks; the shard holds [First, End).
	Worlds int `json:"worlds"`
	First  int `json:"first"`
	End    int `json:"end"`
	// Bytes and WorldsSHA256 are the worlds file's size and hash.
	Bytes        int64  `json:"bytes"`
	WorldsSHA256 string `json:"worlds_sha256"`
	// Records and Events count what the shard simulated.
	Records int64 `json:"records"`
	Events  int64 `json:"events"`
}

// ShardResult is what RunShard produced.
type ShardResult struct {
	Dir      string
	Manifest ShardManifest
}

// RunShard simulates shard sh's worlds of a validated scenario and
// writes them into the folder opts.Out (default results/NAME-shards/I-of-N)
// as WorldsFile and ShardFile. The worlds file is written under a
// temporary name and renamed, then the manifest, so a folder with a
// ShardFile holds a finished shard; running the same shard again (a
// retried pod or array task) replaces it with the same bytes. Options
// other than Out, Workers, KernelProfile and Progress are ignored: the
// outputs are merge's (Merge).
func RunShard(ctx context.Context, s *Scenario, sh Shard, opts Options) (*ShardResult, error) {
	if s.plan == nil {
		if err := s.Validate(); err != nil {
			return nil, err
		}
	}
	if sh.N < 1 || sh.I < 0 || sh.I >= sh.N {
		return nil, fmt.Errorf("scenarios: no shard %s", sh)
	}
	if opts.Out == "" {
		opts.Out = filepath.Join("results", s.Name+"-shards", fmt.Sprintf("%d-of-%d", sh.I, sh.N))
	}
	opts.Trace, opts.Worlds, opts.Resume, opts.merge = "", "", false, nil
	r, err := newRunner(s, opts)
	if err != nil {
		return nil, err
	}
	// The traced world's spans are stored (merge writes the trace).
	r.traceFile = ""
	if s.Outputs.Trace {
		r.traceFile = "(stored in the shard)"
	}
	lo, hi := sh.Range(r.total)
	r.ws = worldStore{shard: true, lo: lo, hi: hi}
	if !r.cellsVary() && s.Points() > 0 {
		r.ws.cells = r.total / s.Points()
	}
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	os.Remove(filepath.Join(r.dir, ShardFile)) // a folder without it is not a finished shard
	tmp, err := os.CreateTemp(r.dir, "."+WorldsFile+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	err = tmp.Chmod(0o644) // CreateTemp makes 0600; shards are shared files
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	h := sha256.New()
	hdr := r.header(lo)
	if r.ws.journal, err = createWorlds(tmp.Name(), hdr, h); err != nil {
		return nil, err
	}
	defer r.ws.journal.close()
	m := ShardManifest{
		Format: shardFormat, Scenario: s.Name, ScenarioSHA256: hdr.ScenarioSHA256, ScenarioYAML: string(s.YAML()),
		ScenarioFile: s.file, ScenarioDir: s.dir, Seed: s.Seed, Infersim: hdr.Infersim, KernelProfile: hdr.KernelProfile,
		Shard: sh.I, Shards: sh.N, Worlds: r.total, First: lo, End: hi,
	}
	if lo < hi {
		if err := r.runShard(ctx, &m); err != nil {
			return nil, err
		}
	}
	if err := r.ws.journal.close(); err != nil {
		return nil, fmt.Errorf("scenarios: writing %s: %w", WorldsFile, err)
	}
	m.Bytes, m.WorldsSHA256 = r.ws.journal.n, hex.EncodeToString(h.Sum(nil))
	if err := os.Rename(tmp.Name(), filepath.Join(r.dir, WorldsFile)); err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	b, err := json.MarshalIndent(&m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	b = append(b, '\n')
	if err := writeAtomic(filepath.Join(r.dir, ShardFile), func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return nil, err
	}
	syncDir(r.dir)
	return &ShardResult{Dir: r.dir, Manifest: m}, nil
}

// runShard simulates the shard's tasks and appends them to the worlds
// file in task order.
func (r *runner) runShard(ctx context.Context, m *ShardManifest) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := r.start(runCtx)
	err := func() error {
		for seq, done := r.ws.lo, 0; seq < r.ws.hi; seq++ {
			var tr taskResult
			select {
			case tr = <-p.slots[seq%p.window]:
			case <-ctx.Done():
				return fmt.Errorf("%w: shard %d/%d stopped after %d of its %d worlds (run it again)", ErrInterrupted, m.Shard, m.Shards, done, r.ws.hi-r.ws.lo)
			}
			if tr.err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("%w: shard %d/%d stopped after %d of its %d worlds (run it again)", ErrInterrupted, m.Shard, m.Shards, done, r.ws.hi-r.ws.lo)
				}
				return tr.err
			}
			m.Records += tr.acc.records
			m.Events += tr.stats.events
			tr.acc.release()
			if tr.csv != nil {
				tr.csv.release()
			}
			if err := r.ws.keep(&tr); err != nil {
				return err
			}
			<-p.sem
			done++
			if r.opts.Progress != nil {
				r.opts.Progress(done, r.ws.hi-r.ws.lo)
			}
		}
		return nil
	}()
	cancel()
	p.wg.Wait()
	return err
}

// cellsVary reports whether the sweep changes the cells (models, modes
// or images), so that points differ in their number of tasks.
func (r *runner) cellsVary() bool {
	for _, p := range r.s.SweepPaths() {
		if p == "workload" || under(p, "models") || under(p, "workload.modes") || under(p, "workload.images") {
			return true
		}
	}
	return false
}

// shardDir is a shard found by Merge.
type shardDir struct {
	dir string
	m   ShardManifest
}

// FindShards returns the shard folders among dirs: each dir holding a
// ShardFile, or else every folder directly inside it that holds one
// (sorted by name). A dir with neither is an error that names it.
func FindShards(dirs []string) ([]string, error) {
	var out []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, ShardFile)); err == nil {
			out = append(out, d)
			continue
		}
		entries, err := os.ReadDir(d)
		if err != nil {
			return nil, fmt.Errorf("scenarios: merge: %w", err)
		}
		n := 0
		for _, e := range entries {
			if e.IsDir() {
				if _, err := os.Stat(filepath.Join(d, e.Name(), ShardFile)); err == nil {
					out = append(out, filepath.Join(d, e.Name()))
					n++
				}
			}
		}
		if n == 0 {
			if _, err := os.Stat(filepath.Join(d, WorldsFile)); err == nil {
				return nil, fmt.Errorf("scenarios: merge: %s has no %s: its shard did not finish (run it again)", d, ShardFile)
			}
			return nil, fmt.Errorf("scenarios: merge: %s is not a shard folder (no %s in it or in the folders inside it)", d, ShardFile)
		}
	}
	return out, nil
}

// readShard reads a shard folder's manifest.
func readShard(dir string) (shardDir, error) {
	b, err := os.ReadFile(filepath.Join(dir, ShardFile))
	if err != nil {
		return shardDir{}, fmt.Errorf("scenarios: merge: %w", err)
	}
	var m ShardManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return shardDir{}, fmt.Errorf("scenarios: merge: %s: %w", filepath.Join(dir, ShardFile), err)
	}
	if m.Format != shardFormat {
		return shardDir{}, fmt.Errorf("scenarios: merge: %s: format %q, not %q", filepath.Join(dir, ShardFile), m.Format, shardFormat)
	}
	if m.Shards < 1 || m.Shard < 0 || m.Shard >= m.Shards || m.Worlds < 0 {
		return shardDir{}, fmt.Errorf("scenarios: merge: %s: no shard %d/%d", filepath.Join(dir, ShardFile), m.Shard, m.Shards)
	}
	if lo, hi := (Shard{m.Shard, m.Shards}).Range(m.Worlds); m.First != lo || m.End != hi {
		return shardDir{}, fmt.Errorf("scenarios: merge: %s: shard %d/%d of %d worlds holds [%d, %d), not [%d, %d)", filepath.Join(dir, ShardFile), m.Shard, m.Shards, m.Worlds, m.First, m.End, lo, hi)
	}
	return shardDir{dir: dir, m: m}, nil
}

// ErrShards is returned (wrapped) by Merge when the shards do not belong
// to one scenario or do not cover it exactly once.
var ErrShards = errors.New("scenarios: merge: the shards do not make one run")

// checkShards checks that shards (their manifests read) are of one
// scenario, built by this infersim, and cover its tasks exactly once; it
// returns them in task order.
func checkShards(shards []shardDir) ([]shardDir, error) {
	if len(shards) == 0 {
		return nil, fmt.Errorf("%w: no shards", ErrShards)
	}
	ref := &shards[0]
	self := buildinfo.Read()
	var problems []string
	for i := range shards {
		sh := &shards[i]
		d := ""
		switch {
		case sh.m.ScenarioSHA256 != ref.m.ScenarioSHA256 || sh.m.Scenario != ref.m.Scenario:
			d = fmt.Sprintf("is a shard of scenario %s (sha256 %.12s…), but %s is of %s (sha256 %.12s…)", sh.m.Scenario, sh.m.ScenarioSHA256, ref.dir, ref.m.Scenario, ref.m.ScenarioSHA256)
		case sh.m.Seed != ref.m.Seed:
			d = fmt.Sprintf("has seed %d, but %s has %d", sh.m.Seed, ref.dir, ref.m.Seed)
		case sh.m.KernelProfile != ref.m.KernelProfile:
			d = fmt.Sprintf("used kernel profile %q, but %s used %q", sh.m.KernelProfile, ref.dir, ref.m.KernelProfile)
		case sh.m.Worlds != ref.m.Worlds:
			d = fmt.Sprintf("counts %d worlds, but %s counts %d", sh.m.Worlds, ref.dir, ref.m.Worlds)
		case sh.m.Infersim != self:
			d = fmt.Sprintf("was written by %s; this is %s (merge with the binary that ran the shards)", sh.m.Infersim, self)
		}
		if d != "" {
			problems = append(problems, fmt.Sprintf("%s (shard %d/%d) %s", sh.dir, sh.m.Shard, sh.m.Shards, d))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrShards, strings.Join(problems, "; "))
	}
	// With one N, every index must be there once (an empty shard too).
	sameN := true
	for _, sh := range shards {
		sameN = sameN && sh.m.Shards == ref.m.Shards
	}
	if sameN {
		n := ref.m.Shards
		seen := make(map[int]string, len(shards))
		for _, sh := range shards {
			if prev, ok := seen[sh.m.Shard]; ok {
				problems = append(problems, fmt.Sprintf("shard %d/%d is both %s and %s", sh.m.Shard, n, prev, sh.dir))
				continue
			}
			seen[sh.m.Shard] = sh.dir
		}
		var missing []string
		for i := 0; i < n; i++ {
			if _, ok := seen[i]; !ok {
				lo, hi := (Shard{i, n}).Range(ref.m.Worlds)
				missing = append(missing, fmt.Sprintf("%d/%d (worlds %d–%d)", i, n, lo, hi-1))
			}
		}
		if len(missing) > 0 {
			list := missing
			if len(list) > 10 {
				list = append(list[:10:10], fmt.Sprintf("and %d more", len(missing)-10))
			}
			problems = append(problems, fmt.Sprintf("missing shard %s of %d", strings.Join(list, ", "), n))
		}
		if len(problems) > 0 {
			return nil, fmt.Errorf("%w: %s", ErrShards, strings.Join(problems, "; "))
		}
	}
	// Any mix of N: the ranges must tile [0, worlds).
	sorted := append([]shardDir(nil), shards...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i].m, sorted[j].m
		if a.First != b.First {
			return a.First < b.First
		}
		return a.End < b.End
	})
	next, prev := 0, ""
	var out []shardDir
	for _, sh := range sorted {
		if sh.m.First == sh.m.End {
			continue // holds nothing
		}
		switch {
		case sh.m.First > next:
			problems = append(problems, fmt.Sprintf("worlds %d–%d are in no shard", next, sh.m.First-1))
		case sh.m.First < next:
			problems = append(problems, fmt.Sprintf("%s (shard %d/%d) and %s both hold worlds %d–%d", sh.dir, sh.m.Shard, sh.m.Shards, prev, sh.m.First, min(next, sh.m.End)-1))
		}
		out = append(out, sh)
		next, prev = max(next, sh.m.End), fmt.Sprintf("%s (shard %d/%d)", sh.dir, sh.m.Shard, sh.m.Shards)
	}
	if next < ref.m.Worlds {
		problems = append(problems, fmt.Sprintf("worlds %d–%d are in no shard", next, ref.m.Worlds-1))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrShards, strings.Join(problems, "; "))
	}
	return out, nil
}

// mergeSource reads the worlds of the shards, in task order, one shard
// after the other, checking each worlds file against its manifest.
type mergeSource struct {
	shards        []shardDir
	kernelProfile string
	worlds        int // the run's tasks, by the manifests
	i             int // the shard being read
	f             *os.File
	rd            *worldReader
	h             hash.Hash
	left          int // worlds still to read from shard i (their last frames)
}

func (ms *mergeSource) next() ([]byte, error) {
	for ms.rd == nil || ms.left == 0 {
		if ms.rd != nil {
			if err := ms.endShard(); err != nil {
				return nil, err
			}
		}
		if ms.i >= len(ms.shards) {
			return nil, errors.New("no more worlds in the shards")
		}
		if err := ms.openShard(); err != nil {
			return nil, err
		}
	}
	sh := &ms.shards[ms.i]
	p, err := ms.rd.next()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(sh.dir, WorldsFile), err)
	}
	if _, kind, ok := frameOf(p); ok && kind == framePart {
		return p, nil // more frames of the world follow
	}
	ms.left--
	if ms.left == 0 {
		if err := ms.endShard(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// openShard opens shard i's worlds file and checks its header.
func (ms *mergeSource) openShard() error {
	sh := &ms.shards[ms.i]
	path := filepath.Join(sh.dir, WorldsFile)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("scenarios: merge: %w", err)
	}
	ms.f, ms.h = f, sha256.New()
	ms.rd = newWorldReader(f, ms.h)
	h, err := ms.rd.readHeader()
	if err == nil && (h.ScenarioSHA256 != sh.m.ScenarioSHA256 || h.First != sh.m.First || h.Worlds != sh.m.Worlds) {
		err = fmt.Errorf("its header does not match %s", ShardFile)
	}
	if err != nil {
		return fmt.Errorf("scenarios: merge: %s: %w", path, err)
	}
	ms.left = sh.m.End - sh.m.First
	return nil
}

// endShard checks that shard i's worlds file ended where its manifest
// says and hashes as it says, and moves to the next shard.
func (ms *mergeSource) endShard() error {
	sh := &ms.shards[ms.i]
	path := filepath.Join(sh.dir, WorldsFile)
	_, err := ms.rd.next()
	ms.f.Close()
	ms.f, ms.rd = nil, nil
	ms.i++
	switch {
	case err != io.EOF:
		return fmt.Errorf("scenarios: merge: %s: more worlds than its %s says", path, ShardFile)
	case hex.EncodeToString(ms.h.Sum(nil)) != sh.m.WorldsSHA256:
		return fmt.Errorf("scenarios: merge: %s: its SHA-256 is not the one %s gives: the file changed", path, ShardFile)
	}
	return nil
}

func (ms *mergeSource) close() {
	if ms.f != nil {
		ms.f.Close()
	}
}

// Shards are shard folders checked to make one run (OpenShards), ready
// to merge.
type Shards struct {
	s  *Scenario
	ms *mergeSource
}

// OpenShards checks that the shard folders dirs (each a shard, or a
// folder of shards: FindShards) belong to one scenario, were written by
// this infersim, and cover the scenario's worlds exactly once; missing,
// doubled or foreign shards are an error wrapping ErrShards that names
// them. Only the manifests are read; one scenario is kept in memory.
func OpenShards(dirs []string) (*Shards, error) {
	found, err := FindShards(dirs)
	if err != nil {
		return nil, err
	}
	shards := make([]shardDir, 0, len(found))
	for _, d := range found {
		sh, err := readShard(d)
		if err != nil {
			return nil, err
		}
		sh.m.ScenarioYAML = "" // one is enough in memory: read again below
		shards = append(shards, sh)
	}
	ordered, err := checkShards(shards)
	if err != nil {
		return nil, err
	}
	ref, err := readShard(shards[0].dir)
	if err != nil {
		return nil, err
	}
	s, err := Parse([]byte(ref.m.ScenarioYAML), ref.m.ScenarioFile, ref.m.ScenarioDir)
	if err != nil {
		return nil, fmt.Errorf("scenarios: merge: the scenario in %s: %w", filepath.Join(ref.dir, ShardFile), err)
	}
	if got := scenarioSHA256(s); got != ref.m.ScenarioSHA256 {
		return nil, fmt.Errorf("scenarios: merge: the scenario in %s reads back with sha256 %.12s…, not %.12s…", filepath.Join(ref.dir, ShardFile), got, ref.m.ScenarioSHA256)
	}
	return &Shards{s: s, ms: &mergeSource{shards: ordered, kernelProfile: ref.m.KernelProfile, worlds: ref.m.Worlds}}, nil
}

// Scenario returns the scenario the shards ran.
func (sh *Shards) Scenario() *Scenario { return sh.s }

// Len returns the number of shards holding worlds.
func (sh *Shards) Len() int { return len(sh.ms.shards) }

// Merge writes into opts.Out (default results/NAME) the outputs Run
// writes for the scenario, byte for byte: it is Run's merge over the
// stored worlds, read one shard after the other, front to back, in
// place of simulating them (each worlds file is checked against its
// manifest's hash as it is read). Only opts.Out, Workers, Progress and
// TraceTask are used. Shards are merged once.
func (sh *Shards) Merge(ctx context.Context, opts Options) (*Result, error) {
	if sh.ms.i != 0 || sh.ms.f != nil {
		return nil, errors.New("scenarios: merge: shards merged twice")
	}
	defer sh.ms.close()
	o := Options{Out: opts.Out, Workers: opts.Workers, Progress: opts.Progress, TraceTask: opts.TraceTask, merge: sh.ms}
	if o.Out == "" {
		o.Out = filepath.Join("results", sh.s.Name)
	}
	return Run(ctx, sh.s, o)
}
