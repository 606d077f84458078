package llm

import "fmt"

// Tensors returns the model's weights as float32 tensors (quantised
// matrices dequantised) under transformers' names, in the order of a
// checkpoint: embeddings, then each layer, then the final norm and the
// separate LM head if any. WriteSafetensors writes them as a file a
// transformers-style loader reads.
func (m *Model) Tensors() []SafetensorsTensor {
	c := m.Config
	mat := func(name string, x Matrix) SafetensorsTensor {
		r, k := x.Dims()
		d := make([]float32, r*k)
		for i := range r {
			x.Row(d[i*k:(i+1)*k], i)
		}
		return SafetensorsTensor{Name: name, Shape: []int64{int64(r), int64(k)}, Data: d}
	}
	vec := func(name string, v []float32) SafetensorsTensor {
		return SafetensorsTensor{Name: name, Shape: []int64{int64(len(v))}, Data: v}
	}
	var ts []SafetensorsTensor
	norm := func(name string, n Norm) {
		ts = append(ts, vec(name+".weight", n.W))
		if n.B != nil {
			ts = append(ts, vec(name+".bias", n.B))
		}
	}
	ts = append(ts, mat("model.embed_tokens.weight", m.Embed))
	for l, b := range m.Blocks {
		p := fmt.Sprintf("model.layers.%d.", l)
		norm(p+"input_layernorm", b.AttnNorm)
		if c.NormsPerLayer == 4 {
			norm(p+"post_attention_layernorm", b.PostAttnNorm)
			norm(p+"pre_feedforward_layernorm", b.MLPNorm)
			norm(p+"post_feedforward_layernorm", b.PostMLPNorm)
		} else {
			norm(p+"post_attention_layernorm", b.MLPNorm)
		}
		ts = append(ts, mat(p+"self_attn.q_proj.weight", b.Q), mat(p+"self_attn.k_proj.weight", b.K),
			mat(p+"self_attn.v_proj.weight", b.V), mat(p+"self_attn.o_proj.weight", b.O))
		if b.QB != nil {
			ts = append(ts, vec(p+"self_attn.q_proj.bias", b.QB), vec(p+"self_attn.k_proj.bias", b.KB), vec(p+"self_attn.v_proj.bias", b.VB))
		}
		ts = append(ts, mat(p+"mlp.gate_proj.weight", b.MLP.Gate), mat(p+"mlp.up_proj.weight", b.MLP.Up), mat(p+"mlp.down_proj.weight", b.MLP.Down))
	}
	norm("model.norm", m.FinalNorm)
	if m.LMHead != m.Embed {
		ts = append(ts, mat("lm_head.weight", m.LMHead))
	}
	return ts
}
