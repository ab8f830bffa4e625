// Tiny random-weight GGUF models on real tokenizers, for tests and benchmarks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace clinbench {

struct TestModelOptions {
  std::filesystem::path vocab_path;  // a GGUF holding tokenizer.* metadata (llama.cpp models/ggml-vocab-*.gguf)
  std::filesystem::path out_path;
  // "llama" (a causal decoder) or "bert" (a bidirectional encoder with learned positions, the
  // architecture of the embedding models BERTScore uses; pair it with models/ggml-vocab-bert-bge.gguf).
  std::string architecture = "llama";
  int32_t layers = 2;
  int32_t embedding = 64;            // hidden size; must be a multiple of heads
  int32_t heads = 4;
  int32_t kv_heads = 2;              // must divide heads (llama only: BERT has no grouped-query attention)
  int32_t feed_forward = 128;
  // ARCH.context_length written to the metadata; for bert also the rows of position_embd (a BERT
  // cannot read more tokens than it has positions; real ones have 512).
  int32_t context_length = 4096;
  std::string type = "f32";          // "f32" or "f16" for the matrices (norms stay f32)
  uint64_t seed = 42;
  // Chat template to embed: "" keeps the vocab's own (if any), "none" removes it (a base model),
  // a built-in name ("llama3", "chatml", "mistral") embeds that model family's Jinja template,
  // anything else is embedded as Jinja text.
  std::string chat_template;
  // Tokenizer metadata to set over the vocab's (-1 / unset = keep the vocab's).
  int32_t eos_token = -1;           // tokenizer.ggml.eos_token_id
  int32_t eot_token = -1;           // tokenizer.ggml.eot_token_id
  std::optional<bool> add_bos;      // tokenizer.ggml.add_bos_token
  // general.name (what reports call the model); empty = "clinbench test model" (llama) or
  // "clinbench test embedding model" (bert).
  std::string name;
};

struct StudyModelTwin;

// Options for a twin of a study model (study_models.h): its vocab file under vocab_dir, trained
// context, special tokens and published chat template ("none" for a base model), every other
// option (shape, seed, type) left as given. The twin is a llama-architecture model whatever the
// real one is (Mixtral's experts and Phi-3's fused projections change no prompt).
void test_model_apply_twin(TestModelOptions& options, const StudyModelTwin& twin,
                           const std::filesystem::path& vocab_dir);

// Writes a GGUF of the chosen architecture with seeded random weights and the tokenizer of the
// vocab file. The same options always give the same bytes. Throws Error naming the file on failure.
// bert: post-norm encoder layers as llama.cpp's BERT graph reads them (attention.causal = false,
// pooling_type none so that per-token embeddings can be read); no chat template, no output head.
// Weights are drawn layer after layer after the embeddings, so a bert model with fewer layers and
// the same seed and shape is exactly the first layers of a deeper one.
void write_test_model(const TestModelOptions& options);

// The Jinja text of a built-in template name ("llama3", "chatml", "mistral" or a twin's name,
// see study_chat_template), or "" when the name is not built in.
std::string builtin_chat_template(const std::string& name);

}  // namespace clinbench
