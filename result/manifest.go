package result

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/infersim/infersim/internal/buildinfo"
)

// ManifestFile names the files of a result set: every file the run wrote
// into its folder, with its size and SHA-256. Readers use only the files
// it names, and refuse a folder whose files disagree with it.
const ManifestFile = "manifest.json"

// ManifestFormat identifies the manifest's layout; it changes only when
// a field's meaning does.
const ManifestFormat = "infersim-result-set/1"

// Limits of a manifest ReadManifest accepts: a result set of a few
// hundred charts names a few hundred files in a few tens of KB.
const (
	MaxManifestBytes = 16 << 20
	MaxManifestFiles = 100_000
)

// Manifest describes one result set.
type Manifest struct {
	// Format is ManifestFormat.
	Format string `json:"format"`
	// RunID identifies the run (or redraw, `infersim plot`) that wrote
	// the set; it differs between any two runs.
	RunID string `json:"run_id"`
	// Scenario is the scenario's name, ScenarioSHA256 the SHA-256 of its
	// resolved YAML (summary.json's scenario_yaml).
	Scenario       string `json:"scenario"`
	ScenarioSHA256 string `json:"scenario_sha256"`
	// Infersim is the binary that wrote the set.
	Infersim buildinfo.Info `json:"infersim"`
	// Complete is false when the run was interrupted: the set then holds
	// the points finished before (summary.json says which).
	Complete bool `json:"complete"`
	// Files are the set's files, sorted by path, the manifest excepted.
	Files []FileEntry `json:"files"`
}

// FileEntry is one file of a result set.
type FileEntry struct {
	// Path is relative to the set's folder, with forward slashes
	// ("plots/breakdown.png").
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Has reports whether the manifest names the file at the slash path p.
func (m *Manifest) Has(p string) bool {
	_, ok := m.entry(p)
	return ok
}

func (m *Manifest) entry(p string) (FileEntry, bool) {
	i := sort.Search(len(m.Files), func(i int) bool { return m.Files[i].Path >= p })
	if i < len(m.Files) && m.Files[i].Path == p {
		return m.Files[i], true
	}
	return FileEntry{}, false
}

// Names returns the paths of the set's files, sorted.
func (m *Manifest) Names() []string {
	names := make([]string, len(m.Files))
	for i, f := range m.Files {
		names[i] = f.Path
	}
	return names
}

// HashFile returns the entry of the file at dir/p (p a slash path).
func HashFile(dir, p string) (FileEntry, error) {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(p)))
	if err != nil {
		return FileEntry{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return FileEntry{}, err
	}
	return FileEntry{Path: p, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// ScanFiles hashes every regular file under dir for which keep (nil:
// every file) returns true, by slash path, sorted. The manifest itself is
// never included; a symbolic link or other special file is an error (a
// result set holds regular files only).
func ScanFiles(dir string, keep func(p string) bool) ([]FileEntry, error) {
	var files []FileEntry
	err := filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, name)
		if err != nil {
			return err
		}
		p := filepath.ToSlash(rel)
		if p == ManifestFile || (keep != nil && !keep(p)) {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", name)
		}
		e, err := HashFile(dir, p)
		if err != nil {
			return err
		}
		files = append(files, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("result: manifest: %w", err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// WriteManifest writes m as indented JSON.
func WriteManifest(w io.Writer, m *Manifest) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("result: writing %s: %w", ManifestFile, err)
	}
	return nil
}

// ReadManifest reads a manifest (name is for messages) and checks it:
// the format, at most MaxManifestBytes and MaxManifestFiles, every path
// local to the folder, sorted and named once, every size ≥ 0 and every
// SHA-256 64 hex digits.
func ReadManifest(r io.Reader, name string) (*Manifest, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("result: %s: %w", name, err)
	}
	if len(b) > MaxManifestBytes {
		return nil, fmt.Errorf("result: %s: larger than %d bytes", name, MaxManifestBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("result: %s: %w", name, err)
	}
	if m.Format != ManifestFormat {
		return nil, fmt.Errorf("result: %s: format %q, want %q", name, m.Format, ManifestFormat)
	}
	if len(m.Files) > MaxManifestFiles {
		return nil, fmt.Errorf("result: %s: %d files, at most %d", name, len(m.Files), MaxManifestFiles)
	}
	for i, f := range m.Files {
		switch {
		case !fs.ValidPath(f.Path) || f.Path == "." || f.Path == ManifestFile || strings.Contains(f.Path, "\\"):
			return nil, fmt.Errorf("result: %s: files[%d]: path %q is not a file inside the folder", name, i, f.Path)
		case i > 0 && m.Files[i-1].Path >= f.Path:
			return nil, fmt.Errorf("result: %s: files[%d]: %q is out of order or named twice", name, i, f.Path)
		case f.Size < 0:
			return nil, fmt.Errorf("result: %s: files[%d]: size %d, want ≥ 0", name, i, f.Size)
		case !isSHA256(f.SHA256):
			return nil, fmt.Errorf("result: %s: files[%d]: sha256 %q is not 64 hex digits", name, i, f.SHA256)
		}
	}
	return &m, nil
}

func isSHA256(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// ErrNoManifest is returned (wrapped) by ReadManifestDir for a folder
// without a manifest.
var ErrNoManifest = errors.New("no " + ManifestFile)

// ReadManifestDir reads dir's manifest.
func ReadManifestDir(dir string) (*Manifest, error) {
	p := filepath.Join(dir, ManifestFile)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("result: %s: %w: not a result set written by infersim", dir, ErrNoManifest)
	}
	if err != nil {
		return nil, fmt.Errorf("result: %w", err)
	}
	defer f.Close()
	return ReadManifest(f, p)
}

// MismatchError says which files of a folder disagree with its manifest.
type MismatchError struct {
	Dir      string
	Problems []string // "summary.csv: missing", …
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("result: %s disagrees with its %s (%s); its files were changed after infersim wrote them: run the scenario again", e.Dir, ManifestFile, strings.Join(e.Problems, "; "))
}

// Verify checks that every file the manifest names is in dir with its
// size and SHA-256, and returns a *MismatchError naming those that are
// not. Files the manifest does not name are not looked at.
func (m *Manifest) Verify(dir string) error {
	var problems []string
	for _, want := range m.Files {
		got, err := HashFile(dir, want.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			problems = append(problems, want.Path+": missing")
		case err != nil:
			problems = append(problems, want.Path+": "+err.Error())
		case got.Size != want.Size:
			problems = append(problems, fmt.Sprintf("%s: %d bytes, the manifest says %d", want.Path, got.Size, want.Size))
		case got.SHA256 != want.SHA256:
			problems = append(problems, want.Path+": SHA-256 differs")
		}
	}
	if problems != nil {
		return &MismatchError{Dir: dir, Problems: problems}
	}
	return nil
}

// Matches reports whether dir/p (a slash path) is the file the manifest
// names at p: same size and SHA-256.
func (m *Manifest) Matches(dir, p string) bool {
	want, ok := m.entry(path.Clean(p))
	if !ok {
		return false
	}
	got, err := HashFile(dir, want.Path)
	return err == nil && got == want
}

// SealDir writes dir's manifest: m with Files set to every regular file
// under dir for which keep (nil: all) returns true, written to a
// temporary file, synced and renamed into place. It returns the manifest
// written.
func SealDir(dir string, m Manifest, keep func(p string) bool) (*Manifest, error) {
	files, err := ScanFiles(dir, keep)
	if err != nil {
		return nil, err
	}
	if files == nil {
		files = []FileEntry{}
	}
	m.Files = files
	if m.Format == "" {
		m.Format = ManifestFormat
	}
	f, err := os.CreateTemp(dir, "."+ManifestFile+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("result: writing %s: %w", ManifestFile, err)
	}
	err = WriteManifest(f, &m)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, ManifestFile))
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, fmt.Errorf("result: writing %s: %w", ManifestFile, err)
	}
	return &m, nil
}
