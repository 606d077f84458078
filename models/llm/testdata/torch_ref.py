#!/usr/bin/env python3
"""Independent PyTorch implementation of the decoder-only transformers of
infersim's models/llm package, for the parity test and the decode benchmark.

Written for infersim from the published model definitions (the semantics of
Hugging Face transformers' Llama, Qwen2 and Gemma 2 modelling code: pre-norm
blocks, rotate-half RoPE with llama3 frequency scaling, grouped-query
attention, gated MLP); it shares no code with the Go executor.

Usage:
  torch_ref.py parity DIR   reads DIR/config.json (the Go Config as JSON),
                            DIR/weights.safetensors (float32, transformers'
                            tensor names) and DIR/input.json
                            {"prompt": [...], "generate": N}; writes
                            DIR/out.safetensors (hidden.-1 … hidden.L-1 and
                            logits for the prompt, float32) and DIR/out.json
                            {"tokens": [...]} (greedy, with a KV cache).
  torch_ref.py bench DIR THREADS TOKENS
                            prefills DIR's prompt, then times TOKENS greedy
                            decode steps with a KV cache on THREADS threads;
                            prints {"decode_tok_s": ..., "prefill_s": ...}.
"""
import json
import math
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", (name, e["dtype"])
        b, en = e["data_offsets"]
        arr = np.frombuffer(data[b:en], dtype="<f4").reshape(e["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


def write_safetensors(path, tensors):
    header, blobs, off = {}, [], 0
    for name, t in tensors.items():
        b = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    js = json.dumps(header).encode()
    js += b" " * ((8 - len(js) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


class Model:
    def __init__(self, cfg, w):
        self.c, self.w = cfg, w
        hd = cfg["HeadDim"]
        inv = 1.0 / (cfg["RopeTheta"] ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
        s = cfg.get("RopeScaling")
        if s:
            assert s["rope_type"] == "llama3"
            old = s["original_max_position_embeddings"]
            low_wave = old / s["low_freq_factor"]
            high_wave = old / s["high_freq_factor"]
            wave = 2 * math.pi / inv
            scaled = torch.where(wave > low_wave, inv / s["factor"], inv)
            smooth = (old / wave - s["low_freq_factor"]) / (s["high_freq_factor"] - s["low_freq_factor"])
            smoothed = (1 - smooth) * scaled / s["factor"] + smooth * scaled
            medium = ~(wave < high_wave) & ~(wave > low_wave)
            inv = torch.where(medium, smoothed, scaled)
        self.inv_freq = inv
        self.lm_head = w.get("lm_head.weight", w["model.embed_tokens.weight"])

    def norm(self, x, name):
        c = self.c
        wt = self.w[name + ".weight"]
        if c["Norm"] == "layernorm":
            return F.layer_norm(x, (x.shape[-1],), wt, self.w[name + ".bias"], c["NormEps"])
        var = x.pow(2).mean(-1, keepdim=True)
        y = x * torch.rsqrt(var + c["NormEps"])
        return y * (1.0 + wt) if c["NormPlusOne"] else y * wt

    def rope(self, x, pos):
        # x: (heads, T, hd); pos: (T,)
        freqs = pos.float()[:, None] * self.inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        half = x.shape[-1] // 2
        rot = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
        return x * cos + rot * sin

    def act(self, x):
        a = self.c["Act"]
        if a == "silu":
            return F.silu(x)
        if a == "gelu_tanh":
            return F.gelu(x, approximate="tanh")
        return F.gelu(x)

    def forward(self, tokens, start, cache, trace=None, all_logits=False):
        """tokens: list of ids at positions start…; cache: per layer [K, V]
        tensors (kv_heads, max_ctx, hd) filled up to start."""
        c, w = self.c, self.w
        H, nh, nkv, hd = c["Hidden"], c["Heads"], c["KVHeads"], c["HeadDim"]
        T = len(tokens)
        x = w["model.embed_tokens.weight"][torch.tensor(tokens)]
        if c["EmbedScale"]:
            x = x * torch.tensor(H ** 0.5, dtype=x.dtype)
        if trace is not None:
            trace.append(x.clone())
        pos = torch.arange(start, start + T)
        end = start + T
        scale = (c["QueryPreAttnScalar"] or hd) ** -0.5
        # Causal mask (T, end), with the sliding window on local layers.
        qpos, kpos = pos[:, None], torch.arange(end)[None, :]
        causal = kpos <= qpos
        for l in range(c["Layers"]):
            p = f"model.layers.{l}."
            h = self.norm(x, p + "input_layernorm")
            q = h @ w[p + "self_attn.q_proj.weight"].T
            k = h @ w[p + "self_attn.k_proj.weight"].T
            v = h @ w[p + "self_attn.v_proj.weight"].T
            if c["QKVBias"]:
                q = q + w[p + "self_attn.q_proj.bias"]
                k = k + w[p + "self_attn.k_proj.bias"]
                v = v + w[p + "self_attn.v_proj.bias"]
            q = self.rope(q.view(T, nh, hd).transpose(0, 1), pos)
            k = self.rope(k.view(T, nkv, hd).transpose(0, 1), pos)
            v = v.view(T, nkv, hd).transpose(0, 1)
            cache[l][0][:, start:end] = k
            cache[l][1][:, start:end] = v
            K = cache[l][0][:, :end].repeat_interleave(nh // nkv, dim=0)
            V = cache[l][1][:, :end].repeat_interleave(nh // nkv, dim=0)
            s = (q @ K.transpose(1, 2)) * scale
            if c["AttnSoftcap"]:
                s = torch.tanh(s / c["AttnSoftcap"]) * c["AttnSoftcap"]
            mask = causal
            if c["SlidingWindow"] and l % c["SlidingEvery"] == 0:
                mask = mask & (kpos > qpos - c["SlidingWindow"])
            s = s.masked_fill(~mask[None], float("-inf"))
            a = torch.softmax(s, dim=-1) @ V
            o = a.transpose(0, 1).reshape(T, nh * hd) @ w[p + "self_attn.o_proj.weight"].T
            if c["NormsPerLayer"] == 4:
                o = self.norm(o, p + "post_attention_layernorm")
                x = x + o
                h = self.norm(x, p + "pre_feedforward_layernorm")
            else:
                x = x + o
                h = self.norm(x, p + "post_attention_layernorm")
            g = h @ w[p + "mlp.gate_proj.weight"].T
            u = h @ w[p + "mlp.up_proj.weight"].T
            m = (self.act(g) * u) @ w[p + "mlp.down_proj.weight"].T
            if c["NormsPerLayer"] == 4:
                m = self.norm(m, p + "post_feedforward_layernorm")
            x = x + m
            if trace is not None:
                trace.append(x.clone())
        if not all_logits:
            x = x[-1:]
        logits = self.norm(x, "model.norm") @ self.lm_head.T
        if c["FinalSoftcap"]:
            logits = torch.tanh(logits / c["FinalSoftcap"]) * c["FinalSoftcap"]
        return logits

    def new_cache(self, max_ctx):
        c = self.c
        return [[torch.zeros(c["KVHeads"], max_ctx, c["HeadDim"]) for _ in range(2)] for _ in range(c["Layers"])]


def load(d):
    with open(d + "/config.json") as f:
        cfg = json.load(f)
    with open(d + "/input.json") as f:
        inp = json.load(f)
    return Model(cfg, read_safetensors(d + "/weights.safetensors")), inp


def parity(d):
    m, inp = load(d)
    prompt, n = inp["prompt"], inp["generate"]
    with torch.no_grad():
        trace = []
        logits = m.forward(prompt, 0, m.new_cache(len(prompt)), trace=trace, all_logits=True)
        out = {f"hidden.{i - 1}": t for i, t in enumerate(trace)}
        out["logits"] = logits
        write_safetensors(d + "/out.safetensors", out)
        cache = m.new_cache(len(prompt) + n)
        lg = m.forward(prompt, 0, cache)
        toks, pos = [], len(prompt)
        while len(toks) < n:
            t = int(torch.argmax(lg[-1]))
            toks.append(t)
            if len(toks) == n:
                break
            lg = m.forward([t], pos, cache)
            pos += 1
    with open(d + "/out.json", "w") as f:
        json.dump({"tokens": toks}, f)


def bench(d, threads, n):
    torch.set_num_threads(threads)
    m, inp = load(d)
    prompt = inp["prompt"]
    with torch.no_grad():
        cache = m.new_cache(len(prompt) + n + 1)
        t0 = time.perf_counter()
        lg = m.forward(prompt, 0, cache)
        t1 = time.perf_counter()
        pos = len(prompt)
        for _ in range(n):
            t = int(torch.argmax(lg[-1]))
            lg = m.forward([t], pos, cache)
            pos += 1
        t2 = time.perf_counter()
    print(json.dumps({"decode_tok_s": n / (t2 - t1), "prefill_s": t1 - t0, "torch": torch.__version__,
                      "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    if sys.argv[1] == "parity":
        parity(sys.argv[2])
    elif sys.argv[1] == "bench":
        bench(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit("usage: torch_ref.py parity DIR | bench DIR THREADS TOKENS")
