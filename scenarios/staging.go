package scenarios

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/infersim/infersim/internal/buildinfo"
	"github.com/infersim/infersim/result"
)

// A ResultSet is a results folder written whole or not at all. A run
// writes into a staging folder beside the results folder (same parent,
// so that a rename moves it atomically) and Commit swaps it in with a
// manifest (result.ManifestFile) naming every file. While a ResultSet is
// open it holds a lock on a file beside the folder, so a second run into
// the same folder is refused at once.
//
// The names beside a results folder OUT (BASE its last element):
//
//	.BASE.lock             the lock (flock(2); left in place, empty)
//	.BASE.staging-RUNID/   a run being written, with a marker file inside
//	.BASE.old-RUNID/       the previous result while it is swapped out
//	BASE.kept-RUNID/       files infersim did not write that the new result
//	                       displaced (a file of the same name); never removed
//
// Files in OUT that infersim did not write (not named by its manifest, or
// changed since) are never removed or overwritten: OpenResultSet refuses a
// non-empty folder without a manifest unless SetOptions.Force, and the
// swap moves such files into the new result, or into BASE.kept-RUNID when
// the new result has a file of that name.
type ResultSet struct {
	// Out is the results folder; Staging the folder this run writes.
	Out, Staging string
	// RunID identifies this run: it names the staging folder and goes
	// into the manifest.
	RunID string
	// Notes say what opening and committing did besides the obvious
	// (stale folders removed, a swapped-out result restored, files kept).
	Notes []string

	// Journal is the worlds file (WorldsFile) in Staging that a resumed
	// run goes on from (SetOptions.Resume); "" otherwise.
	Journal string

	prev       *result.Manifest
	lock       *flock.Flock
	committed  bool
	resumeFrom string // with Resume: the killed run's staging folder holding a journal
}

// SetOptions configure OpenResultSet.
type SetOptions struct {
	// Force accepts a non-empty results folder that has no manifest (or
	// an unreadable one): its files are treated as the user's, kept in
	// the folder, or moved to BASE.kept-RUNID when the new result has a
	// file of the same name.
	Force bool
	// Resume takes over the journal (WorldsFile) of the run interrupted
	// in the folder: the staging folder of a run killed before it
	// committed (the newest one with a journal), else the folder's own
	// (a run stopped by a signal commits it with complete: false). It
	// is moved, or copied from the folder, into Staging (ResultSet's
	// Journal). Without a journal to resume, OpenResultSet fails.
	Resume bool
}

// ErrLocked is returned (wrapped) by OpenResultSet when another run holds
// the results folder.
var ErrLocked = errors.New("scenarios: the results folder is in use")

// ErrNotResultFolder is returned (wrapped) by OpenResultSet for a
// non-empty folder infersim did not write, without SetOptions.Force.
var ErrNotResultFolder = errors.New("scenarios: the folder holds files infersim did not write")

// ErrKeptPrevious is returned (wrapped) by Commit for an incomplete run
// when the folder holds a complete result: that result is kept, the
// incomplete one discarded.
var ErrKeptPrevious = errors.New("scenarios: the previous complete result is kept")

// stagingMarker is the file inside a staging folder that says infersim
// made it (with its run id), so that a later run may remove it.
const stagingMarker = ".infersim-staging"

var runIDPattern = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$`)

func newRunID() (string, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("scenarios: run id: %w", err)
	}
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:]), nil
}

// OpenResultSet locks the results folder out, cleans what earlier runs
// into it left behind (their staging folders; a result swapped out and
// not back), checks that out is either absent, empty or a result set (or
// SetOptions.Force), and makes this run's staging folder.
func OpenResultSet(out string, opts SetOptions) (*ResultSet, error) {
	if out == "" {
		return nil, errors.New("scenarios: no results folder")
	}
	out = filepath.Clean(out)
	if fi, err := os.Lstat(out); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		resolved, err := filepath.EvalSymlinks(out)
		if err != nil {
			return nil, fmt.Errorf("scenarios: results folder: %w", err)
		}
		out = resolved
	}
	parent, base := filepath.Dir(out), filepath.Base(out)
	if base == "." || base == ".." || base == string(filepath.Separator) {
		return nil, fmt.Errorf("scenarios: results folder %q: name a folder (e.g. results/mine)", out)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	lockPath := filepath.Join(parent, "."+base+".lock")
	lock := flock.New(lockPath)
	ok, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("scenarios: locking %s: %w", out, err)
	}
	if !ok {
		return nil, fmt.Errorf("%w: another infersim run is writing %s (it holds %s); wait for it to finish or choose another --out", ErrLocked, out, lockPath)
	}
	s := &ResultSet{Out: out, lock: lock}
	fail := func(err error) (*ResultSet, error) {
		lock.Unlock()
		return nil, err
	}
	if err := s.recover(opts.Resume); err != nil {
		return fail(err)
	}
	if err := s.check(opts); err != nil {
		return fail(err)
	}
	if s.RunID, err = newRunID(); err != nil {
		return fail(err)
	}
	s.Staging = s.sibling(".", ".staging-"+s.RunID)
	if err := os.Mkdir(s.Staging, 0o755); err != nil {
		return fail(fmt.Errorf("scenarios: %w", err))
	}
	if err := os.WriteFile(filepath.Join(s.Staging, stagingMarker), []byte(s.RunID+"\n"), 0o644); err != nil {
		os.RemoveAll(s.Staging)
		return fail(fmt.Errorf("scenarios: %w", err))
	}
	if opts.Resume {
		if err := s.takeJournal(); err != nil {
			os.RemoveAll(s.Staging)
			return fail(err)
		}
	}
	return s, nil
}

// sibling is the path beside Out named prefix+BASE+suffix.
func (s *ResultSet) sibling(prefix, suffix string) string {
	return filepath.Join(filepath.Dir(s.Out), prefix+filepath.Base(s.Out)+suffix)
}

// leftovers lists the folders beside Out named prefix+BASE+kind+RUNID,
// sorted (oldest first: run ids start with the time).
func (s *ResultSet) leftovers(kind string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Dir(s.Out))
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	pre := "." + filepath.Base(s.Out) + kind
	var dirs []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() && strings.HasPrefix(name, pre) && runIDPattern.MatchString(name[len(pre):]) {
			dirs = append(dirs, filepath.Join(filepath.Dir(s.Out), name))
		}
	}
	sort.Strings(dirs)
	return dirs, nil
}

// recover undoes what an earlier run killed mid-way left: a result
// swapped out and not back is restored (or disposed of when a new one
// replaced it), and staging folders with infersim's marker are removed.
func (s *ResultSet) recover(resume bool) error {
	olds, err := s.leftovers(".old-")
	if err != nil {
		return err
	}
	if _, err := os.Lstat(s.Out); errors.Is(err, fs.ErrNotExist) && len(olds) > 0 {
		last := olds[len(olds)-1]
		if err := os.Rename(last, s.Out); err != nil {
			return fmt.Errorf("scenarios: restoring %s: %w", s.Out, err)
		}
		s.Notes = append(s.Notes, fmt.Sprintf("restored %s from %s (an earlier run stopped while swapping results)", s.Out, last))
		olds = olds[:len(olds)-1]
	}
	for _, old := range olds {
		s.dispose(old)
	}
	stale, err := s.leftovers(".staging-")
	if err != nil {
		return err
	}
	if resume {
		s.resumeFrom = newestJournal(stale)
	}
	for _, dir := range stale {
		if _, err := os.Stat(filepath.Join(dir, stagingMarker)); err != nil {
			os.Remove(dir) // only if empty: a folder without the marker may not be ours
			continue
		}
		if dir == s.resumeFrom {
			continue // takeJournal moves its journal, then removes it
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("scenarios: removing an earlier run's staging folder: %w", err)
		}
		s.Notes = append(s.Notes, "removed "+dir+", left by an earlier run that did not finish")
	}
	return nil
}

// check accepts Out when it is absent, empty, a result set, or anything
// with Force; it keeps the result set's manifest.
func (s *ResultSet) check(opts SetOptions) error {
	fi, err := os.Stat(s.Out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("scenarios: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("scenarios: %s exists and is not a folder; choose another --out", s.Out)
	}
	m, err := result.ReadManifestDir(s.Out)
	if err == nil {
		s.prev = m
		return nil
	}
	if opts.Force {
		return nil
	}
	if !errors.Is(err, result.ErrNoManifest) {
		return fmt.Errorf("%w: %v, so infersim cannot tell its files from yours; nothing was written. Choose another --out, or pass --force: infersim then keeps every file there (one whose name a result file takes is moved to %s)",
			ErrNotResultFolder, err, s.sibling("", ".kept-RUNID"))
	}
	entries, err := os.ReadDir(s.Out)
	if err != nil {
		return fmt.Errorf("scenarios: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() == stagingMarker {
			continue
		}
		n := e.Name()
		if e.IsDir() {
			n += "/"
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil
	}
	list := names
	if len(list) > 5 {
		list = append(list[:5:5], fmt.Sprintf("and %d more", len(names)-5))
	}
	return fmt.Errorf("%w: %s is not empty and has no %s, so infersim did not write it (it holds %s); nothing was written. Choose another --out, empty the folder, or pass --force: infersim then writes its result set there and keeps your files (one whose name a result file takes is moved to %s)",
		ErrNotResultFolder, s.Out, result.ManifestFile, strings.Join(list, ", "), s.sibling("", ".kept-RUNID"))
}

// Previous returns the manifest of the result in Out when the run
// started, nil if there was none.
func (s *ResultSet) Previous() *result.Manifest { return s.prev }

// Final maps a path inside Staging to where it is once committed (other
// paths unchanged).
func (s *ResultSet) Final(path string) string {
	rel, err := filepath.Rel(s.Staging, path)
	if err != nil || !filepath.IsLocal(rel) {
		return path
	}
	return filepath.Join(s.Out, rel)
}

// Staged maps a path inside Out to the same place in Staging (other
// paths unchanged), so that a file asked for inside the results folder
// becomes part of the set.
func (s *ResultSet) Staged(path string) string {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	rel, err := filepath.Rel(abs(s.Out), abs(path))
	if err != nil || !filepath.IsLocal(rel) {
		return path
	}
	return filepath.Join(s.Staging, rel)
}

// Adopt puts the files at the slash paths names of the result in Out
// into Staging (hard links, or copies where links fail), for a redraw
// that keeps the data and replaces the charts.
func (s *ResultSet) Adopt(names []string) error {
	for _, p := range names {
		src := filepath.Join(s.Out, filepath.FromSlash(p))
		dst := filepath.Join(s.Staging, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("scenarios: %w", err)
		}
		if err := os.Link(src, dst); err != nil {
			b, rerr := os.ReadFile(src)
			if rerr != nil {
				return fmt.Errorf("scenarios: %w", rerr)
			}
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				return fmt.Errorf("scenarios: %w", err)
			}
		}
	}
	return nil
}

// Commit writes the manifest of the files in Staging for run and swaps
// Staging in as Out: the previous result is renamed aside, the new one
// renamed in, then the previous one's files are removed (files infersim
// did not write are moved into the new result, or kept beside it). A
// reader sees the previous result, the new one, or for the moment
// between the two renames no folder, never a mix.
//
// An incomplete run (run.Complete false) does not replace a complete
// result: Staging is removed and Commit returns an error wrapping
// ErrKeptPrevious. An incomplete first run is committed, its manifest
// saying complete: false.
func (s *ResultSet) Commit(run *result.Run) error {
	if s.committed {
		return errors.New("scenarios: result set committed twice")
	}
	if !run.Complete && s.prev != nil && s.prev.Complete {
		os.RemoveAll(s.Staging)
		s.committed = true
		return fmt.Errorf("%w in %s (run %s); this interrupted run was discarded", ErrKeptPrevious, s.Out, s.prev.RunID)
	}
	sum := sha256.Sum256([]byte(run.ScenarioYAML))
	m := result.Manifest{
		Format: result.ManifestFormat, RunID: s.RunID, Scenario: run.Scenario,
		ScenarioSHA256: hex.EncodeToString(sum[:]), Infersim: buildinfo.Read(), Complete: run.Complete,
	}
	if _, err := result.SealDir(s.Staging, m, func(p string) bool { return p != stagingMarker }); err != nil {
		return fmt.Errorf("scenarios: %w", err)
	}
	aside := s.sibling(".", ".old-"+s.RunID)
	hadOld := false
	if _, err := os.Lstat(s.Out); err == nil {
		if err := os.Rename(s.Out, aside); err != nil {
			return fmt.Errorf("scenarios: moving the previous result aside: %w", err)
		}
		hadOld = true
	}
	if err := os.Rename(s.Staging, s.Out); err != nil {
		if hadOld {
			os.Rename(aside, s.Out)
		}
		return fmt.Errorf("scenarios: moving the new result in: %w", err)
	}
	s.committed = true
	os.Remove(filepath.Join(s.Out, stagingMarker))
	syncDir(filepath.Dir(s.Out))
	if s.resumeFrom != "" {
		os.RemoveAll(s.resumeFrom) // its journal went on in this run
	}
	if hadOld {
		s.dispose(aside)
	}
	return nil
}

// syncDir makes the renames in dir durable, where the system allows.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// dispose removes a previous result swapped out of Out: the manifest and
// the files it names, unchanged; any other file (the user's, or one
// changed since) is moved to the same place in Out, or, when Out has a
// file there, left, and the folder renamed BASE.kept-RUNID.
func (s *ResultSet) dispose(old string) {
	m, err := result.ReadManifestDir(old)
	if err != nil {
		m = nil
	}
	var files, dirs []string
	filepath.WalkDir(old, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, rerr := filepath.Rel(old, name)
		if rerr != nil || rel == "." {
			return nil
		}
		if d.IsDir() {
			dirs = append(dirs, rel)
		} else {
			files = append(files, rel)
		}
		return nil
	})
	for _, rel := range files {
		p, src := filepath.ToSlash(rel), filepath.Join(old, rel)
		if p == stagingMarker || (m != nil && (p == result.ManifestFile || m.Matches(old, p))) {
			os.Remove(src)
			continue
		}
		dst := filepath.Join(s.Out, rel)
		if _, err := os.Lstat(dst); err == nil {
			continue
		}
		if os.MkdirAll(filepath.Dir(dst), 0o755) == nil {
			os.Rename(src, dst)
		}
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(filepath.Join(old, dirs[i])) // only if empty
	}
	if os.Remove(old) == nil {
		return
	}
	id := strings.TrimPrefix(filepath.Base(old), "."+filepath.Base(s.Out)+".old-")
	kept := s.sibling("", ".kept-"+id)
	if err := os.Rename(old, kept); err == nil {
		old = kept
	}
	s.Notes = append(s.Notes, fmt.Sprintf("files in %s that infersim did not write and whose names the new result uses are in %s", s.Out, old))
}

// Close removes Staging unless it was committed and releases the lock.
func (s *ResultSet) Close() error {
	if !s.committed && s.resumeFrom != "" && s.Journal != "" {
		// Not resumed after all (the scenario differs, an error): the
		// journal goes back where it was, for another try.
		os.Rename(s.Journal, filepath.Join(s.resumeFrom, WorldsFile))
	}
	if !s.committed && s.Staging != "" {
		os.RemoveAll(s.Staging)
	}
	return s.lock.Unlock()
}
