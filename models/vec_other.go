//go:build !amd64 || purego

package models

func maxInto(dst, src []float32)                     { maxIntoGo(dst, src) }
func addInto(dst, src []float32)                     { addIntoGo(dst, src) }
func axpy(dst, src []float32, a float32)             { axpyGo(dst, src, a) }
func sqAcc(acc, x []float32, sub bool)               { sqAccGo(acc, x, sub) }
func lrnPow075(out, x, acc []float32, k, an float32) { lrnPow075Go(out, x, acc, k, an) }

func hmax3s2(out, t []float32) { hmax3s2Go(out, t) }

func streamMax(x []float32) float32 { return streamMaxGo(x) }

// vecLevel names the vector helpers in use, for profiles.
func vecLevel() string { return "purego" }
