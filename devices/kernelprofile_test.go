package devices

import (
	"os"
	"sync"
	"testing"

	"github.com/infersim/infersim/models"
)

// testKernelProfile returns the kernel profile the phone and server tests
// compile the shipped processors against, chosen as devices/engine's tests
// choose theirs: the embedded default when it is complete (every zoo model
// the shipped rows use, with layers, load and preprocessing timings), else
// testdata/processor-kernel-profile.yaml.
func testKernelProfile(t testing.TB) *models.Profile {
	t.Helper()
	testKPOnce.Do(func() {
		if d := models.DefaultProfile(); kernelProfileComplete(d) {
			testKP = d
			return
		}
		f, err := os.Open("testdata/processor-kernel-profile.yaml")
		if err != nil {
			testKPErr = err
			return
		}
		defer f.Close()
		testKP, testKPErr = models.ReadProfile(f, "testdata/processor-kernel-profile.yaml")
	})
	if testKPErr != nil {
		t.Fatal(testKPErr)
	}
	return testKP
}

var (
	testKPOnce sync.Once
	testKP     *models.Profile
	testKPErr  error
)

func kernelProfileComplete(kp *models.Profile) bool {
	for _, name := range []string{"alexnet", "mobilenet-v1", "nin", "squeezenet-v1.0"} {
		m := kp.Model(name)
		if m == nil || len(m.Layers) == 0 || m.Load.Seconds <= 0 {
			return false
		}
	}
	return len(kp.Preprocess) > 0
}
