// Contextual token embeddings from an embedding GGUF (a BERT-style bidirectional encoder) on the
// embedded llama.cpp: what BERTScore matches. Many texts go through one llama_encode call, each
// on its own sequence id, so a text's vectors do not depend on which texts share its batch.
#pragma once

#include <llama.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/core.h"

namespace clinbench {

// The options are the public EmbeddingOptions (clinbench/backends.h). Layer selection is
// implemented for the "bert" architecture, whose last layer output is the embedding output (no
// final norm after the blocks): a layer k below the last loads a copy of the GGUF that ends at
// layer k. batch_tokens: attention within a call is over all its tokens (masked to each text),
// so its cost grows with the square of this; on a CPU, 256 was fastest for BERT-base shapes and
// the tiny test model alike (one text per call is slower again: fixed cost per call).
using TokenEmbedderOptions = EmbeddingOptions;

// One text's contextual embeddings: a vector for every token the model read, [CLS] and [SEP]
// included, in text order. Rows [scored_begin, scored_end) are the text's own word pieces; the
// rows outside are the special tokens the tokenizer adds, which BERTScore matches against but
// does not average over (bert_score gives them idf weight 0).
struct TokenEmbeddings {
  int32_t dimension = 0;
  std::vector<float> vectors;     // tokens.size() * dimension floats, row-major
  std::vector<llama_token> tokens;
  int32_t scored_begin = 0;
  int32_t scored_end = 0;
  // The text had more tokens than max_text_tokens: its tail was cut, as bert_score's tokenizer
  // (truncation=True at the model's maximum length) does. Count these; never silent.
  bool truncated = false;
};

// What produced the embeddings, for results.json (the metric's config).
struct TokenEmbedderInfo {
  std::string spec;            // as given, e.g. gguf:/models/scibert.gguf
  std::string path;            // absolute path of the GGUF
  std::string fingerprint;     // sha256 of the GGUF file (the whole model, before any layer cut)
  std::string architecture;    // general.architecture, e.g. "bert"
  std::string name;            // general.name
  int32_t model_layers = 0;    // encoder layers in the file
  int32_t layer = 0;           // the layer whose output is returned, 1-based (== model_layers: last)
  int32_t dimension = 0;       // floats per token vector
  int32_t max_text_tokens = 0; // longer texts are cut (see TokenEmbeddings::truncated)
  // One line for readers of the results: which layer, and how it compares with the study's
  // (SciBERT layer 8, Bio_ClinicalBERT layer 9).
  std::string note;
};

class TokenEmbedder {
 public:
  // Loads an embedding GGUF. Throws Error naming the file when it is missing, not a GGUF,
  // unloadable, has no weights (a vocab-only GGUF), is not a bidirectional encoder (a causal
  // decoder such as a llama model: its metadata lacks ARCH.attention.causal = false), or when
  // `layer` is out of range or not supported for the architecture. With a layer below the last,
  // a copy of the file holding layers 1..layer is written to the system temporary folder, loaded
  // into memory and deleted at once (bounded by the model's size).
  TokenEmbedder(const std::filesystem::path& path, const std::string& spec,
                const TokenEmbedderOptions& options);
  ~TokenEmbedder();
  TokenEmbedder(const TokenEmbedder&) = delete;
  TokenEmbedder& operator=(const TokenEmbedder&) = delete;

  const TokenEmbedderInfo& info() const { return info_; }

  // Tokens of text as the model's tokenizer splits it, without the special tokens it adds
  // (retrieval passages are cut to the model's length with this). Reads the vocab only.
  int32_t count_tokens(const std::string& text) const;

  // Embeds every text, one result per text in input order. Texts are tokenised without parsing
  // special-token markers ("[SEP]" in a text is three word pieces), with the tokenizer's own
  // special tokens added around them. Packs texts into llama_encode calls (batch_tokens tokens,
  // distinct sequence ids); results equal one-text-at-a-time embedding up to float rounding,
  // which ggml's f16-table GELU can lift to ~1e-4 of a vector's length (scores agree to ~1e-6).
  // progress gets (texts done, total). Throws Error when llama.cpp fails.
  // Not thread-safe: one llama.cpp context, use one embedder per thread.
  std::vector<TokenEmbeddings> embed(std::span<const std::string> texts,
                                     const ProgressCallback& progress = {});

 private:
  llama_model* model_ = nullptr;
  llama_context* context_ = nullptr;
  const llama_vocab* vocab_ = nullptr;
  int32_t batch_tokens_ = 0;     // packing target per call
  int32_t capacity_tokens_ = 0;  // what one call may hold: the longest text or batch_tokens_
  int32_t max_sequences_ = 0;
  TokenEmbedderInfo info_;
};

// Opens the embedder a BERTScore model spec names: "gguf:PATH" (the only kind; the CLI's
// --bertscore-model). Throws Error naming the spec or the file when it cannot.
std::unique_ptr<TokenEmbedder> open_token_embedder(const std::string& spec,
                                                   const TokenEmbedderOptions& options);

}  // namespace clinbench
