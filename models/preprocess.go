package models

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"sort"

	"golang.org/x/image/draw"
)

// ImageNet channel means in Caffe's BGR order (Caffe's
// ilsvrc_2012_mean.npy averaged per channel: 104, 117, 123), subtracted
// from 0–255 pixel values.
var imagenetMeanBGR = [3]float32{104, 117, 123}

// ResizeShorter is the shorter side an image is resized to before the
// centre crop, as in Caffe's ImageNet recipe (resize to 256, crop 227/224).
const ResizeShorter = 256

// pixelScale returns the factor applied after mean subtraction: 0.017 for
// MobileNet v1 (its Caffe conversion's transform_param scale, ≈1/58.8, the
// ImageNet standard deviation), 1 otherwise.
func pixelScale(n *Net) float32 {
	if n.name == "MobileNet_v1_1.0_224" {
		return 0.017
	}
	return 1
}

// Preprocess turns an image into a net's input: resize so the shorter side
// is 256 pixels (2×2 bilinear sampling, golang.org/x/image/draw's
// ApproxBiLinear, like the cv::resize INTER_LINEAR of Caffe's
// classification example; about 20× faster than the anti-aliasing
// draw.BiLinear on a decoded JPEG), crop the centre to the
// net's input height and width, and lay it out as float32 NCHW in BGR order
// minus the ImageNet mean (104, 117, 123), as Caffe's ImageNet models
// expect. An image smaller than the crop is resized up. The batch
// dimension, if above 1, is filled with copies.
func Preprocess(img image.Image, net *Net) []float32 {
	s := net.InputShape()
	out := make([]float32, numel(s))
	PreprocessInto(out, img, net)
	return out
}

// PreprocessInto is Preprocess writing into dst (len ≥ the input size).
func PreprocessInto(dst []float32, img image.Image, net *Net) {
	s := net.InputShape()
	h, w := s[len(s)-2], s[len(s)-1]
	crop := resizeCrop(img, w, h)
	toBGR(dst[:3*h*w], crop, pixelScale(net))
	per := 3 * h * w
	for n := 1; n*per < numel(s); n++ {
		copy(dst[n*per:(n+1)*per], dst[:per])
	}
}

// resizeCrop resizes img so its shorter side is max(256, crop side) and
// returns the centre w×h region as RGBA.
func resizeCrop(img image.Image, w, h int) *image.RGBA {
	b := img.Bounds()
	short := max(ResizeShorter, w, h)
	var rw, rh int
	if b.Dx() <= b.Dy() {
		rw, rh = short, max(h, (b.Dy()*short+b.Dx()/2)/b.Dx())
	} else {
		rw, rh = max(w, (b.Dx()*short+b.Dy()/2)/b.Dy()), short
	}
	// Scale only the part of the source that lands in the crop.
	x0, y0 := (rw-w)/2, (rh-h)/2
	sx := float64(b.Dx()) / float64(rw)
	sy := float64(b.Dy()) / float64(rh)
	src := image.Rect(b.Min.X+int(float64(x0)*sx), b.Min.Y+int(float64(y0)*sy),
		b.Min.X+int(float64(x0+w)*sx+0.5), b.Min.Y+int(float64(y0+h)*sy+0.5)).Intersect(b)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, src, draw.Src, nil)
	return dst
}

func toBGR(dst []float32, img *image.RGBA, scale float32) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	plane := w * h
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			r, g, b := float32(row[4*x]), float32(row[4*x+1]), float32(row[4*x+2])
			i := y*w + x
			dst[i] = (b - imagenetMeanBGR[0]) * scale
			dst[plane+i] = (g - imagenetMeanBGR[1]) * scale
			dst[2*plane+i] = (r - imagenetMeanBGR[2]) * scale
		}
	}
}

// SyntheticPhoto returns a deterministic photo-like w×h image: smooth
// colour gradients, a few soft blobs and per-pixel noise, so that JPEG
// compresses it about as well as a photograph (it is the stand-in for the
// study's photos when timing decoding and resizing).
func SyntheticPhoto(w, h int, seed uint64) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, 0x9807))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	type blob struct{ x, y, rad, cr, cg, cb float64 }
	blobs := make([]blob, 6)
	for i := range blobs {
		blobs[i] = blob{r.Float64() * float64(w), r.Float64() * float64(h), (0.1 + 0.3*r.Float64()) * float64(min(w, h)),
			r.Float64()*120 - 60, r.Float64()*120 - 60, r.Float64()*120 - 60}
	}
	for y := 0; y < h; y++ {
		fy := float64(y) / float64(h)
		for x := 0; x < w; x++ {
			fx := float64(x) / float64(w)
			cr, cg, cb := 60+120*fx, 80+100*fy, 160-90*fx*fy
			for _, b := range blobs {
				dx, dy := float64(x)-b.x, float64(y)-b.y
				d2 := (dx*dx + dy*dy) / (b.rad * b.rad)
				if d2 < 1 {
					f := 1 - d2
					cr, cg, cb = cr+f*b.cr, cg+f*b.cg, cb+f*b.cb
				}
			}
			n := r.NormFloat64() * 6
			img.SetRGBA(x, y, color.RGBA{clamp8(cr + n), clamp8(cg + n), clamp8(cb + n), 255})
		}
	}
	return img
}

func clamp8(v float64) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v + 0.5)
}

// SyntheticJPEG encodes SyntheticPhoto(w, h, seed) as a JPEG of the given
// quality (1–100).
func SyntheticJPEG(w, h, quality int, seed uint64) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, SyntheticPhoto(w, h, seed), &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("models: encoding a synthetic %d×%d JPEG: %w", w, h, err)
	}
	return buf.Bytes(), nil
}

// Class is one entry of a classification: a class index of the net's output
// (for ImageNet models, the line number in Caffe's synset_words.txt, from 0)
// and its probability.
type Class struct {
	Index int
	Prob  float32
}

// Classify decodes a JPEG (or any image format registered with package
// image), preprocesses it for ex's net, runs it, and returns the k most
// probable classes, best first. If the net does not end in a Softmax layer
// its output is passed through one. With seeded weights the classes are
// meaningless, but every step runs.
func Classify(ex *Executor, r io.Reader, k int) ([]Class, error) {
	img, _, err := image.Decode(r)
	if err != nil {
		return nil, fmt.Errorf("models: decoding image: %w", err)
	}
	out, err := ex.Forward(Preprocess(img, ex.net))
	if err != nil {
		return nil, err
	}
	probs := out
	if ex.net.nodes[len(ex.net.nodes)-1].kind != "Softmax" {
		probs = make([]float32, len(out))
		softmax(out, probs, 1, len(out), 1)
	}
	return TopK(probs, k), nil
}

// TopK returns the k largest entries of probs, largest first (ties by
// lower index).
func TopK(probs []float32, k int) []Class {
	idx := make([]int, len(probs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return probs[idx[a]] > probs[idx[b]] })
	k = min(k, len(idx))
	out := make([]Class, k)
	for i := range out {
		out[i] = Class{Index: idx[i], Prob: probs[idx[i]]}
	}
	return out
}
