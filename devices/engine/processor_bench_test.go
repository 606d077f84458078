package engine

import "testing"

func BenchmarkCompileK80(b *testing.B) {
	kp := testKernelProfile(b)
	pp, _ := shippedProfile("cloud-gpu-k80")
	for i := 0; i < b.N; i++ {
		p, err := pp.Compile(kp)
		if err != nil {
			b.Fatal(err)
		}
		_ = p
	}
}
func BenchmarkCompileCaffe(b *testing.B) {
	kp := testKernelProfile(b)
	pp, _ := shippedProfile("nexus5-caffe-cpu")
	for i := 0; i < b.N; i++ {
		if _, err := pp.Compile(kp); err != nil {
			b.Fatal(err)
		}
	}
}
