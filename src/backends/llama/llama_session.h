// One loaded GGUF model and its llama.cpp context: loading with clear errors, tokenisation and
// detokenisation. Shared by the log-likelihood evaluator and the generator.
#pragma once

#include <llama.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "clinbench/backends.h"

namespace clinbench {

class LlamaSession {
 public:
  // Loads the model (mmap) and creates a context with one KV cache shared by all sequences
  // (llama.cpp's unified KV), so that a prompt prefix can be branched into many sequences.
  // Throws Error naming the file: missing, not a GGUF, truncated or otherwise unloadable.
  LlamaSession(const std::filesystem::path& path, const BackendOptions& options);
  ~LlamaSession();
  LlamaSession(const LlamaSession&) = delete;
  LlamaSession& operator=(const LlamaSession&) = delete;

  // While a split generation cache is in use (split_kv_cache.h) these refer to its context.
  llama_context* context() const { return active_.context; }
  const llama_model* model() const { return model_; }
  const llama_vocab* vocab() const { return vocab_; }
  llama_memory_t memory() const { return llama_get_memory(active_.context); }

  int32_t kv_size() const { return active_.kv_size; }  // cells of the cache in use
  int32_t window() const { return window_; }          // tokens one sequence may hold
  int32_t batch_size() const { return batch_size_; }  // tokens per llama_decode
  int32_t max_sequences() const { return active_.max_sequences; }
  int32_t vocab_size() const { return vocab_size_; }
  bool adds_bos() const { return adds_bos_; }
  bool flash_attention() const { return flash_attention_; }  // as used, not as asked
  llama_token bos() const { return bos_; }

  // Tokens of text without BOS. parse_special: chat-template markers such as <|eot_id|>
  // become their special tokens (they must, for rendered chats).
  std::vector<llama_token> tokenize(std::string_view text, bool parse_special) const;

  // BOS (when the model asks for it) followed by the tokens of text; BOS appears exactly once
  // even when the text itself starts with the BOS marker.
  std::vector<llama_token> tokenize_with_bos(std::string_view text, bool parse_special) const;

  // A generation prompt as the reference study's server (TGI) tokenised it: the tokenizer's BOS
  // when the model's metadata asks for it (add_special_tokens), then the text with special
  // markers parsed. A chat template that writes bos_token itself (Llama-3, Mistral, Phi-3)
  // therefore gives two BOS tokens, as it did in the study; no BOS is removed or merged.
  std::vector<llama_token> tokenize_prompt_as_served(std::string_view text) const;

  // The bytes a token stands for (special tokens rendered as text when `special`).
  std::string token_piece(llama_token token, bool special) const;

  // The chat template from the GGUF metadata, or "" when the model has none.
  std::string chat_template() const;

  // Metadata value as a string, or "" when absent.
  std::string metadata(const char* key) const;

  // llama_decode, counted: every token the engine computes goes through here, so the counts
  // show how much work prefix sharing saved (results.json "compute").
  int32_t decode(const llama_batch& batch);
  const ComputeCounters& counters() const { return counters_; }

  // The parameters of this session's own context (unified KV): a second context on the same
  // model starts from them.
  const llama_context_params& context_params() const { return context_params_; }
  // A new context on this session's model (the caller frees it), or nullptr when llama.cpp
  // cannot create it.
  llama_context* create_context(const llama_context_params& params) const {
    return llama_init_from_model(model_, params);
  }
  // Decodes on `other` (n_ctx cells, n_seq_max sequences) instead of the session's own context
  // until restore_own_context(). The caller keeps `other` alive meanwhile and frees it after.
  void use_context(llama_context* other);
  void restore_own_context();

 private:
  llama_model* model_ = nullptr;
  llama_context* context_ = nullptr;
  const llama_vocab* vocab_ = nullptr;
  int32_t kv_size_ = 0;
  int32_t window_ = 0;
  llama_context_params context_params_{};
  struct ActiveContext {
    llama_context* context = nullptr;
    int32_t kv_size = 0;
    int32_t max_sequences = 0;
  } active_;
  bool flash_attention_ = false;
  int32_t batch_size_ = 0;
  int32_t max_sequences_ = 0;
  int32_t vocab_size_ = 0;
  ComputeCounters counters_;
  bool adds_bos_ = false;
  llama_token bos_ = LLAMA_TOKEN_NULL;
};

// Tokens a and b share from the start: how much of one prompt's work another can reuse.
inline size_t token_common_prefix(const std::vector<llama_token>& a, const std::vector<llama_token>& b) {
  size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// llama.cpp logs go to a buffer instead of stderr (set CLINBENCH_LLAMA_LOG=1 to see them);
// the last error lines are added to load errors. Idempotent.
void llama_quiet_logging();

// Where a model runs, for its fingerprint (cache keys): "" on the CPU (a build without GPU
// offload, or gpu_layers 0), else "+gpu" and the layers offloaded ("+gpu-all" for -1), plus,
// with split_mode row, "+split-row" and the shares: a row split cuts each matrix product over
// the GPUs and so changes its rounding, where whole layers per GPU (layer, none) do not.
std::string gpu_placement_fingerprint(const BackendOptions& options);
std::string llama_recent_errors();

// The first bytes tell a GGUF from anything else, before llama.cpp tries to map it. Throws Error
// naming the file: "<role> file not found", a folder, too short, not the GGUF magic.
void check_gguf_file(const std::filesystem::path& path, std::string_view role = "model");

}  // namespace clinbench
