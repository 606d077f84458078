package llm

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
)

//go:embed zoo/*.json
var zooFS embed.FS

// ZooEntry is a zoo model: its config.json (transcribed into zoo/NAME.json,
// shape fields only) and where the numbers come from.
type ZooEntry struct {
	Name   string
	HFRepo string // the Hugging Face repository of the checkpoint
	// Source is the copy of config.json the fields were read from.
	Source string
	// Stated is the publisher's parameter count, as published, and where.
	Stated string
}

// mlcPreset is the file holding verbatim copies of the HF config.json of
// most zoo models.
const mlcPreset = "mlc-ai/mlc-llm python/mlc_llm/model/model_preset.py @ 01ced331a9e155c5ba4e7625b027a51bee611450"

var zooEntries = []ZooEntry{
	{"smollm2-135m", "HuggingFaceTB/SmolLM2-135M", mlcPreset + " (smollm2_135m)", "135M (model name)"},
	{"smollm2-360m", "HuggingFaceTB/SmolLM2-360M", mlcPreset + " (smollm2_360m)", "360M (model name)"},
	{"qwen2.5-0.5b", "Qwen/Qwen2.5-0.5B", "HF config.json of Qwen/Qwen2.5-0.5B (copy seen in a search excerpt); shape fields equal " + mlcPreset + " (qwen2_0_5b)",
		"0.49B, 0.36B non-embedding (Qwen2.5-0.5B-Instruct card, mirrored in Abandon-ht/LLM-tutorial docs/source/model_pages/qwen2.5-0.5b-instruct.rst)"},
	{"tinyllama-1.1b", "TinyLlama/TinyLlama-1.1B-Chat-v1.0", mlcPreset + " (tinyllama_1b_chat_v1.0)", "1.1B (model name)"},
	{"llama-3.2-1b", "meta-llama/Llama-3.2-1B", mlcPreset + " (llama3_2_1b)",
		"1.23B (Llama 3.2 model card table \"1B (1.23B)\", read in a mirror of the card)"},
	{"qwen2.5-1.5b", "Qwen/Qwen2.5-1.5B", mlcPreset + " (qwen2_1_5b, the Qwen2-1.5B config; Qwen2.5-1.5B has the same shape fields per its card — not re-read)",
		"1.54B, 1.31B non-embedding (Qwen2.5 card; secondary report)"},
	{"smollm2-1.7b", "HuggingFaceTB/SmolLM2-1.7B", mlcPreset + " (commented smollm2_1_7b entry)", "1.7B (model name)"},
	{"gemma-2-2b", "google/gemma-2-2b", mlcPreset + " (gemma2_2b); tie_word_embeddings absent = transformers' Gemma2Config default true",
		"2.6B (Gemma 2 report, Table 1; secondary report)"},
	{"llama-3.2-3b", "meta-llama/Llama-3.2-3B", mlcPreset + " (llama3_2_3b)",
		"3.21B (Llama 3.2 model card table \"3B (3.21B)\", read in a mirror of the card)"},
	{"phi-3-mini-4k", "microsoft/Phi-3-mini-4k-instruct", mlcPreset + " (commented \"phi-3\" entry, _name_or_path Phi-3-mini-4k-instruct)",
		"3.8B (model card)"},
}

// ZooNames lists the zoo models, smallest first.
func ZooNames() []string {
	names := make([]string, len(zooEntries))
	for i, e := range zooEntries {
		names[i] = e.Name
	}
	return names
}

// ZooInfo returns a zoo model's provenance.
func ZooInfo(name string) (ZooEntry, error) {
	for _, e := range zooEntries {
		if e.Name == name {
			return e, nil
		}
	}
	return ZooEntry{}, fmt.Errorf("llm: unknown model %q (have %s)", name, strings.Join(ZooNames(), ", "))
}

// Zoo returns a zoo model's config.
func Zoo(name string) (Config, error) {
	e, err := ZooInfo(name)
	if err != nil {
		return Config{}, err
	}
	data, err := zooFS.ReadFile("zoo/" + name + ".json")
	if err != nil {
		return Config{}, fmt.Errorf("llm: zoo model %s: %w", name, err)
	}
	c, err := ParseHFConfig(bytes.NewReader(data), name)
	if err != nil {
		return Config{}, err
	}
	c.Source = e.Source
	return c, nil
}
