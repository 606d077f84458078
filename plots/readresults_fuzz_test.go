package plots

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadResults writes the four files of a results directory from the
// fuzzer's strings (an empty string: no file) and checks that ReadResults
// never panics and fails only with a package prefix.
func FuzzReadResults(f *testing.F) {
	const sum = `{"summaries":[{"model":"a","mode":"m","start":"all","requests":1,"latency":{"n":1,"mean":1}}]}`
	f.Add(sum, "", "", "")
	f.Add(sum, "id,what,source,reference,low,high,simulated,ci95,error,unit,fitted,tolerance,pass,note\nP1,x,s,1,,,1.1,,0.1,s,true,0.2,true,\n", "", "")
	f.Add(sum, "", "model,layer,kind,median_s,p10_s,p90_s,gflops,simulated_s\na,c,Convolution,0.01,0.009,0.011,23,\n", "")
	f.Add(sum, "", "", `{"traceEvents":[{"ph":"X","name":"a","ts":0,"dur":5}]}`)
	f.Add(`{}`, "", "", "")
	dir := f.TempDir()
	// Files are written only when their text changes: the fuzzer, above
	// all when minimizing, changes one argument at a time.
	written := map[string]string{}
	f.Fuzz(func(t *testing.T, summary, validation, layers, trace string) {
		for name, s := range map[string]string{SummaryFile: summary, ValidationFile: validation, LayersFile: layers, TraceFile: trace} {
			path := filepath.Join(dir, name)
			if old, ok := written[name]; ok && old == s {
				continue
			}
			written[name] = s
			if s == "" {
				os.Remove(path)
				continue
			}
			if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res, err := ReadResults(dir)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "plots: ") && !strings.HasPrefix(err.Error(), "result: ") {
				t.Fatalf("error without a package prefix: %v", err)
			}
			return
		}
		if res.Run == nil {
			t.Fatal("no error and no run")
		}
	})
}
