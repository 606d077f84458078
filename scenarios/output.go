package scenarios

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/infersim/infersim/result"
)

// outputs holds the files a run is writing: requests.csv streams into a
// temporary file that is renamed at the end (or removed on error).
type outputs struct {
	dir       string
	tmp       *os.File
	cw        *countingWriter
	rw        *result.RecordWriter
	lastGood  int64 // requests.csv bytes up to the last finished point
	requests  string
	committed bool
}

type countingWriter struct {
	w io.Writer
	n int64
}

// Write implements io.Writer, counting the bytes written.
func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (o *outputs) openRequests() error {
	f, err := os.CreateTemp(o.dir, ".requests.csv.*.tmp")
	if err != nil {
		return fmt.Errorf("scenarios: %w", err)
	}
	if err := f.Chmod(0o644); err != nil { // CreateTemp makes 0600; results are shared files
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("scenarios: %w", err)
	}
	o.tmp = f
	o.cw = &countingWriter{w: f}
	o.rw, err = result.NewRecordWriter(o.cw)
	if err != nil {
		return fmt.Errorf("scenarios: writing requests.csv: %w", err)
	}
	if err := o.rw.Flush(); err != nil {
		return fmt.Errorf("scenarios: writing requests.csv: %w", err)
	}
	o.lastGood = o.cw.n
	return nil
}

// pointDone marks the end of a point's records: an interrupted run keeps
// requests.csv up to here.
func (o *outputs) pointDone() error {
	if o.rw == nil {
		return nil
	}
	if err := o.rw.Flush(); err != nil {
		return fmt.Errorf("scenarios: writing requests.csv: %w", err)
	}
	o.lastGood = o.cw.n
	return nil
}

// finish closes requests.csv, cut back to the last finished point when
// the run was interrupted, and renames it into place.
func (o *outputs) finish(interrupted bool) error {
	if o.tmp == nil {
		return nil
	}
	if !interrupted {
		if err := o.rw.Flush(); err != nil {
			return fmt.Errorf("scenarios: writing requests.csv: %w", err)
		}
	} else if err := o.tmp.Truncate(o.lastGood); err != nil {
		return fmt.Errorf("scenarios: writing requests.csv: %w", err)
	}
	if err := o.tmp.Sync(); err != nil {
		return fmt.Errorf("scenarios: writing requests.csv: %w", err)
	}
	if err := o.tmp.Close(); err != nil {
		return fmt.Errorf("scenarios: writing requests.csv: %w", err)
	}
	path := filepath.Join(o.dir, result.RequestsFile)
	if err := os.Rename(o.tmp.Name(), path); err != nil {
		return fmt.Errorf("scenarios: %w", err)
	}
	o.tmp = nil
	o.requests = path
	return nil
}

// cleanup removes the temporary file of a run that failed.
func (o *outputs) cleanup() {
	if o.tmp != nil {
		o.tmp.Close()
		os.Remove(o.tmp.Name())
	}
}

// writeAtomic writes path through a temporary file in the same directory
// and renames it into place, so that a reader never sees half a file and
// an error leaves nothing behind.
func writeAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("scenarios: %w", err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("scenarios: writing %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fail(err)
	}
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err := write(bw); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("scenarios: writing %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("scenarios: %w", err)
	}
	return nil
}
