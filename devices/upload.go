package devices

import (
	"sort"

	"github.com/infersim/infersim/models"
	"github.com/infersim/infersim/result"
	"github.com/infersim/infersim/units"
)

// downloadBytes is the size of a cloud request's reply: the top-5 labels
// with their scores and the HTTP headers, about 1 kB (the same assumption
// as network.ReferenceReply).
const downloadBytes = 1 * units.Kilobyte

// jpegPoint is one measured photo: its pixels and JPEG bytes.
type jpegPoint struct{ pixels, bytes float64 }

// jpegModel gives the JPEG bytes a cloud request uploads. From a kernel
// profile's preprocess rows (photo sizes with their JPEG bytes):
//
//	original w×h:  w·h × bytes-per-pixel interpolated linearly in pixels
//	               between the rows (the nearest row's outside them)
//	resized:       input pixels × the bytes per pixel of the smallest row
//
// e.g. with the fallback rows below a 227×227 AlexNet input uploads
// 51 529 px × 0.2810 B/px = 14.5 kB and a 2880×1620 photo (4.67 Mpx)
// interpolates to 0.2733 B/px, 1.275 MB (TestJPEGModel).
type jpegModel struct{ pts []jpegPoint }

// fallbackJPEG is used when the kernel profile has no preprocess rows:
// the synthetic photo-like JPEGs (quality 90) models.Calibrate times,
// measured with models.SyntheticJPEG(w, h, 90, 1) in this repository.
var fallbackJPEG = []jpegPoint{
	{960 * 540, 145650},
	{1920 * 1080, 570229},
	{3840 * 2160, 2246780},
}

func newJPEGModel(kp *models.Profile) jpegModel {
	var pts []jpegPoint
	if kp != nil {
		for _, r := range kp.Preprocess {
			if r.Width > 0 && r.Height > 0 && r.JPEGBytes > 0 {
				pts = append(pts, jpegPoint{float64(r.Width) * float64(r.Height), float64(r.JPEGBytes)})
			}
		}
	}
	if len(pts) == 0 {
		pts = fallbackJPEG
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].pixels < pts[j].pixels })
	return jpegModel{pts: pts}
}

func (j jpegModel) bpp(px float64) float64 {
	pts := j.pts
	n := len(pts)
	switch {
	case px <= pts[0].pixels:
		return pts[0].bytes / pts[0].pixels
	case px >= pts[n-1].pixels:
		return pts[n-1].bytes / pts[n-1].pixels
	}
	i := sort.Search(n, func(i int) bool { return pts[i].pixels >= px })
	a, b := pts[i-1], pts[i]
	ba, bb := a.bytes/a.pixels, b.bytes/b.pixels
	return ba + (bb-ba)*(px-a.pixels)/(b.pixels-a.pixels)
}

// original returns the JPEG bytes of a w×h photo.
func (j jpegModel) original(w, h int) float64 {
	px := float64(w) * float64(h)
	return px * j.bpp(px)
}

// resized returns the JPEG bytes of an image of px pixels resized from a
// photo (at the smallest measured row's bytes per pixel).
func (j jpegModel) resized(px float64) float64 { return px * j.pts[0].bytes / j.pts[0].pixels }

// SpanSink receives the trace of phones and servers as spans on lanes
// ("phone[0]/cpu", "phone[0]/gc", "phone[0]/radio", "link[0]/up",
// "server/queue", "server/worker[0]", ...). Instantaneous events (a
// switch to the background, a kill, a record) are spans with Start == End.
// The span and its Attrs are only valid during the call. Installing no
// sink costs nothing: spans are built only when one is installed.
// SpanSink wraps the Span method.
type SpanSink interface {
	Span(s *result.Span)
}

// SpanFunc adapts a function to a SpanSink.
type SpanFunc func(s *result.Span)

// Span calls f.
func (f SpanFunc) Span(s *result.Span) { f(s) }
