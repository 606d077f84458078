package caffe

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// bigModels enables the full-size (244 MB) AlexNet in the benchmarks and
// TestPeakMemoryAlexNet. CI runs every benchmark once (-benchtime 1x) and
// keeps to the 1/4-width AlexNet (15 MB):
//
//	go test -run '^$' -bench Caffemodel -caffe.big ./models/caffe
//	go test -run PeakMemory -v -caffe.big ./models/caffe
var bigModels = flag.Bool("caffe.big", false, "also run the full-size AlexNet benchmarks and memory test")

func benchSizes(b *testing.B) []int {
	if *bigModels {
		return []int{4, 1}
	}
	return []int{4}
}

func sizeName(div int) string {
	if div == 1 {
		return "alexnet"
	}
	return "alexnet-1_" + strconv.Itoa(div) + "_width"
}

// BenchmarkReadCaffemodel reads AlexNet-shaped caffemodels (random
// weights) from memory; MB/s is of the file size. "sized" reads from a
// reader with a Len method (as from a file), "unsized" from one without
// (read into 1 MiB pieces first), and "reference" is decodeBuffer
// (io.ReadAll and proto.Unmarshal), for comparison in the same run.
func BenchmarkReadCaffemodel(b *testing.B) {
	for _, div := range benchSizes(b) {
		_, data := alexnetModel(b, div)
		for _, path := range []string{"sized", "unsized", "reference"} {
			b.Run(sizeName(div)+"/"+path, func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for range b.N {
					var err error
					switch r := bytes.NewReader(data); path {
					case "sized":
						_, err = ReadCaffemodel(r, "bench")
					case "unsized":
						_, err = ReadCaffemodel(struct{ io.Reader }{r}, "bench") // hides Len
					case "reference":
						_, err = decodeBuffer(struct{ io.Reader }{r})
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkWriteCaffemodel writes the same models to io.Discard.
func BenchmarkWriteCaffemodel(b *testing.B) {
	for _, div := range benchSizes(b) {
		b.Run(sizeName(div), func(b *testing.B) {
			net, data := alexnetModel(b, div)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := WriteCaffemodel(io.Discard, net); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParsePrototxt parses AlexNet's deploy.prototxt.
func BenchmarkParsePrototxt(b *testing.B) {
	src, err := os.ReadFile("testdata/alexnet_deploy.prototxt")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for range b.N {
		if _, err := ParsePrototxt(bytes.NewReader(src), "alexnet"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPeakMemoryAlexNet writes a full-size AlexNet caffemodel (244 MB) to
// a file, then reads it back, and reports the bytes allocated by
// ReadCaffemodel and the growth of the process's peak resident set
// (VmHWM, after resetting it through /proc/self/clear_refs). It runs only
// with -caffe.big.
func TestPeakMemoryAlexNet(t *testing.T) {
	if !*bigModels {
		t.Skip("needs -caffe.big")
	}
	path := filepath.Join(t.TempDir(), "alexnet.caffemodel")
	func() {
		_, data := alexnetModel(t, 1)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, how := range []string{"*os.File", "reader of unknown size", "reference: io.ReadAll + proto.Unmarshal"} {
		runtime.GC()
		debug.FreeOSMemory()
		rss0 := procStatus(t, "VmRSS")
		if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
			t.Logf("cannot reset VmHWM: %v", err)
		}
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var net *NetParameter
		switch how[0] {
		case '*':
			net, err = ReadCaffemodel(f, path)
		case 'r':
			net, err = ReadCaffemodel(struct{ io.Reader }{f}, path)
		default:
			net, err = decodeBuffer(f)
		}
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&m1)
		hwm := procStatus(t, "VmHWM")
		mb := func(x float64) float64 { return x / 1e6 }
		t.Logf("%s: file %.1f MB; allocated %.1f MB; peak RSS %.1f MB above the %.1f MB before reading",
			how, mb(float64(fi.Size())), mb(float64(m1.TotalAlloc-m0.TotalAlloc)), mb(float64(hwm-rss0)), mb(float64(rss0)))
		runtime.KeepAlive(net)
	}
}

// procStatus returns a field of /proc/self/status in bytes.
func procStatus(t *testing.T, key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Skipf("no %s in /proc/self/status", key)
	return 0
}
