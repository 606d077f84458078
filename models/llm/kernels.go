package llm

import (
	"fmt"
	"math"
)

// This file holds the transformer operators, each as a fast float32
// kernel and a naive float64 reference (suffix Ref) that the tests hold
// it to. Vectors are one token's; batched callers loop over tokens.

// Embed writes the embedding of token into dst (Hidden values), times
// scale (Gemma's √Hidden; 1 otherwise).
func Embed(dst []float32, m Matrix, token int, scale float32) {
	m.Row(dst, token)
	if scale != 1 {
		for i := range dst {
			dst[i] *= scale
		}
	}
}

// EmbedRef is the reference of Embed.
func EmbedRef(dst []float32, m Matrix, token int, scale float32) {
	_, cols := m.Dims()
	for j := range cols {
		dst[j] = float32(float64(m.At(token, j)) * float64(scale))
	}
}

// RMSNormOp sets dst = x / √(mean(x²) + eps) · w, or · (1 + w) when
// plusOne (Gemma). dst may be x.
func RMSNormOp(dst, x, w []float32, eps float32, plusOne bool) {
	x = x[:len(w)]
	dst = dst[:len(w)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * x[i]
		s1 += x[i+1] * x[i+1]
		s2 += x[i+2] * x[i+2]
		s3 += x[i+3] * x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * x[i]
	}
	inv := float32(1 / math.Sqrt(float64((s0+s1+s2+s3)/float32(len(x))+eps)))
	if plusOne {
		for i, v := range x {
			dst[i] = v * inv * (1 + w[i])
		}
		return
	}
	for i, v := range x {
		dst[i] = v * inv * w[i]
	}
}

// RMSNormRef is the reference of RMSNormOp.
func RMSNormRef(dst, x, w []float32, eps float32, plusOne bool) {
	var ss float64
	for _, v := range x[:len(w)] {
		ss += float64(v) * float64(v)
	}
	inv := 1 / math.Sqrt(ss/float64(len(w))+float64(eps))
	for i := range w {
		g := float64(w[i])
		if plusOne {
			g++
		}
		dst[i] = float32(float64(x[i]) * inv * g)
	}
}

// LayerNormOp sets dst = (x − mean) / √(var + eps) · w + b. dst may be x.
func LayerNormOp(dst, x, w, b []float32, eps float32) {
	n := float32(len(w))
	var sum float32
	for _, v := range x[:len(w)] {
		sum += v
	}
	mean := sum / n
	var ss float32
	for _, v := range x[:len(w)] {
		d := v - mean
		ss += d * d
	}
	inv := float32(1 / math.Sqrt(float64(ss/n+eps)))
	for i := range w {
		dst[i] = (x[i]-mean)*inv*w[i] + b[i]
	}
}

// LayerNormRef is the reference of LayerNormOp.
func LayerNormRef(dst, x, w, b []float32, eps float32) {
	var sum float64
	for _, v := range x[:len(w)] {
		sum += float64(v)
	}
	mean := sum / float64(len(w))
	var ss float64
	for _, v := range x[:len(w)] {
		ss += (float64(v) - mean) * (float64(v) - mean)
	}
	inv := 1 / math.Sqrt(ss/float64(len(w))+float64(eps))
	for i := range w {
		dst[i] = float32((float64(x[i])-mean)*inv*float64(w[i]) + float64(b[i]))
	}
}

// InvFreq returns RoPE's headDim/2 inverse frequencies θ^(−2i/headDim),
// adjusted by llama3 scaling when s is of that type (transformers'
// _compute_llama3_parameters: wavelengths longer than
// original/low_freq_factor are divided by factor, shorter than
// original/high_freq_factor kept, and those between interpolated).
func InvFreq(headDim int, theta float64, s *RopeScaling) ([]float64, error) {
	inv := make([]float64, headDim/2)
	for i := range inv {
		inv[i] = 1 / math.Pow(theta, float64(2*i)/float64(headDim))
	}
	if s == nil {
		return inv, nil
	}
	if s.Type != "llama3" {
		return nil, fmt.Errorf("llm: rope_scaling type %q not implemented", s.Type)
	}
	old := float64(s.OriginalMaxPositions)
	lowWave, highWave := old/s.LowFreqFactor, old/s.HighFreqFactor
	for i, f := range inv {
		wave := 2 * math.Pi / f
		switch {
		case wave < highWave:
		case wave > lowWave:
			inv[i] = f / s.Factor
		default:
			smooth := (old/wave - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor)
			inv[i] = (1-smooth)*f/s.Factor + smooth*f
		}
	}
	return inv, nil
}

// Rope applies rotary position embedding from precomputed cos and sin
// tables, in transformers' rotate_half layout: element i of a head is
// paired with element i + headDim/2.
type Rope struct {
	half     int
	maxPos   int
	cos, sin []float32 // maxPos × half
}

// NewRope tables positions [0, maxPos).
func NewRope(headDim, maxPos int, theta float64, s *RopeScaling) (*Rope, error) {
	inv, err := InvFreq(headDim, theta, s)
	if err != nil {
		return nil, err
	}
	half := headDim / 2
	r := &Rope{half: half, maxPos: maxPos, cos: make([]float32, maxPos*half), sin: make([]float32, maxPos*half)}
	for p := range maxPos {
		for i, f := range inv {
			// The angle in float32, as transformers computes it.
			a := float64(float32(p) * float32(f))
			r.cos[p*half+i] = float32(math.Cos(a))
			r.sin[p*half+i] = float32(math.Sin(a))
		}
	}
	return r, nil
}

// Apply rotates each of the heads of x (heads × headDim) for position pos.
func (r *Rope) Apply(x []float32, heads, pos int) {
	c, s := r.cos[pos*r.half:(pos+1)*r.half], r.sin[pos*r.half:(pos+1)*r.half]
	hd := 2 * r.half
	for h := range heads {
		a := x[h*hd : h*hd+r.half]
		b := x[h*hd+r.half : (h+1)*hd]
		for i := range a {
			x1, x2 := a[i], b[i]
			a[i] = x1*c[i] - x2*s[i]
			b[i] = x2*c[i] + x1*s[i]
		}
	}
}

// RopeRef is the reference of Rope.Apply, computing the angles in
// float64.
func RopeRef(x []float32, heads, headDim, pos int, theta float64, s *RopeScaling) error {
	inv, err := InvFreq(headDim, theta, s)
	if err != nil {
		return err
	}
	half := headDim / 2
	for h := range heads {
		for i, f := range inv {
			a := float64(pos) * f
			x1, x2 := float64(x[h*headDim+i]), float64(x[h*headDim+half+i])
			x[h*headDim+i] = float32(x1*math.Cos(a) - x2*math.Sin(a))
			x[h*headDim+half+i] = float32(x2*math.Cos(a) + x1*math.Sin(a))
		}
	}
	return nil
}

// AttnParams describe one attention call.
type AttnParams struct {
	Heads, KVHeads, HeadDim int
	Scale                   float32 // multiplies q·k (1/√HeadDim, or Gemma's query_pre_attn_scalar^-½)
	Softcap                 float32 // scores → cap·tanh(score/cap); 0 = none
}

// Attention computes one query token's grouped-query attention over the
// cached keys and values of positions [start, end): q is Heads × HeadDim,
// the caches hold one row of KVHeads × HeadDim per position, out gets
// Heads × HeadDim. Query head h reads key-value head h / (Heads/KVHeads).
// scores must hold end − start values.
func Attention(out, q, kCache, vCache []float32, start, end int, p AttnParams, scores []float32) {
	hd, kvd := p.HeadDim, p.KVHeads*p.HeadDim
	group := p.Heads / p.KVHeads
	sc := scores[:end-start]
	for h := range p.Heads {
		qh := q[h*hd : (h+1)*hd]
		off := (h / group) * hd
		m := float32(math.Inf(-1))
		for j := start; j < end; j++ {
			s := dot(qh, kCache[j*kvd+off:j*kvd+off+hd]) * p.Scale
			if p.Softcap > 0 {
				s = p.Softcap * float32(math.Tanh(float64(s/p.Softcap)))
			}
			sc[j-start] = s
			m = max(m, s)
		}
		var sum float32
		for i, s := range sc {
			e := float32(math.Exp(float64(s - m)))
			sc[i] = e
			sum += e
		}
		o := out[h*hd : (h+1)*hd]
		clear(o)
		inv := 1 / sum
		for j := start; j < end; j++ {
			w := sc[j-start] * inv
			v := vCache[j*kvd+off : j*kvd+off+hd]
			for i := range o {
				o[i] += w * v[i]
			}
		}
	}
}

// AttentionRef is the reference of Attention, in float64.
func AttentionRef(out, q, kCache, vCache []float32, start, end int, p AttnParams) {
	hd, kvd := p.HeadDim, p.KVHeads*p.HeadDim
	group := p.Heads / p.KVHeads
	for h := range p.Heads {
		off := (h / group) * hd
		s := make([]float64, end-start)
		m := math.Inf(-1)
		for j := start; j < end; j++ {
			var d float64
			for i := range hd {
				d += float64(q[h*hd+i]) * float64(kCache[j*kvd+off+i])
			}
			d *= float64(p.Scale)
			if p.Softcap > 0 {
				d = float64(p.Softcap) * math.Tanh(d/float64(p.Softcap))
			}
			s[j-start] = d
			m = math.Max(m, d)
		}
		var sum float64
		for i := range s {
			s[i] = math.Exp(s[i] - m)
			sum += s[i]
		}
		for i := range hd {
			var o float64
			for j := start; j < end; j++ {
				o += s[j-start] / sum * float64(vCache[j*kvd+off+i])
			}
			out[h*hd+i] = float32(o)
		}
	}
}

// actFunc returns the activation in float32 and float64.
func actFunc(a Activation) (func(float32) float32, func(float64) float64) {
	switch a {
	case GELUTanh:
		f := func(x float64) float64 {
			return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
		}
		return func(x float32) float32 { return float32(f(float64(x))) }, f
	case GELU:
		f := func(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }
		return func(x float32) float32 { return float32(f(float64(x))) }, f
	default: // SiLU
		return func(x float32) float32 { return x / (1 + float32(math.Exp(float64(-x)))) },
			func(x float64) float64 { return x / (1 + math.Exp(-x)) }
	}
}

// MLPWeights are a gated MLP's three matrices: gate and up (Intermediate
// × Hidden), down (Hidden × Intermediate).
type MLPWeights struct{ Gate, Up, Down Matrix }

// MLP computes out (n × Hidden) = down(act(gate(x)) · up(x)) for n tokens
// x (n × Hidden): SwiGLU for SiLU, GeGLU for the GELUs. g and u are
// scratch of n × Intermediate.
func MLP(w *Workers, out, x []float32, n int, m MLPWeights, act Activation, g, u []float32) {
	inter, _ := m.Gate.Dims()
	g, u = g[:n*inter], u[:n*inter]
	m.Gate.MulMat(w, g, x, n)
	m.Up.MulMat(w, u, x, n)
	f, _ := actFunc(act)
	for i := range g {
		g[i] = f(g[i]) * u[i]
	}
	m.Down.MulMat(w, out, g, n)
}

// MLPRef is the reference of MLP for one token.
func MLPRef(out, x []float32, m MLPWeights, act Activation) {
	inter, _ := m.Gate.Dims()
	g, u := make([]float32, inter), make([]float32, inter)
	MulVecRef(m.Gate, g, x)
	MulVecRef(m.Up, u, x)
	_, f := actFunc(act)
	for i := range g {
		g[i] = float32(f(float64(g[i])) * float64(u[i]))
	}
	MulVecRef(m.Down, out, g)
}

// LMHead sets logits = W·x (W is Vocab × Hidden), soft-capped to
// cap·tanh(logit/cap) when cap > 0 (Gemma 2).
func LMHead(w *Workers, logits, x []float32, m Matrix, softcap float32) {
	m.MulVec(w, logits, x)
	if softcap > 0 {
		for i, v := range logits {
			logits[i] = softcap * float32(math.Tanh(float64(v/softcap)))
		}
	}
}

// LMHeadRef is the reference of LMHead.
func LMHeadRef(logits, x []float32, m Matrix, softcap float32) {
	MulVecRef(m, logits, x)
	if softcap > 0 {
		for i, v := range logits {
			logits[i] = float32(float64(softcap) * math.Tanh(float64(v)/float64(softcap)))
		}
	}
}

// Argmax is the index of the largest value, the first one on ties.
func Argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}
