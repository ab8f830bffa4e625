// Per-token embeddings through llama_encode with pooling off. Layer selection works the way
// bert_score's num_layers does: the layers after the chosen one are dropped from the model (here
// by loading a GGUF copy whose block_count is the chosen layer), so the encoder's output is the
// chosen layer's output. llama.cpp's graphs offer no stable name for a BERT layer's output (its
// "l_out-N" exists for decoders only; a BERT block ends in an unnamed bias add), so reading the
// intermediate tensor through an eval callback would hang on node numbering that changes with
// every graph edit.
#include "backends/llama/token_embedder.h"

#include <ggml.h>
#include <gguf.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>

#include "backends/llama/llama_session.h"
#include "clinbench/backends.h"

namespace clinbench {

namespace {

using GgufPtr = std::unique_ptr<gguf_context, decltype(&gguf_free)>;

// Metadata read before llama.cpp loads anything, so that a model that cannot serve gets a clear
// message instead of a failed load or, worse, a causal decoder's hidden states.
struct EmbeddingModelMetadata {
  std::string architecture;
  std::string name;
  int64_t tensors = 0;
  int32_t block_count = 0;
  bool bidirectional = false;  // ARCH.attention.causal is present and false
  bool split = false;          // one shard of a split model (split.count > 1)
};

std::string string_value(const gguf_context* gguf, const std::string& key) {
  int64_t id = gguf_find_key(gguf, key.c_str());
  if (id < 0 || gguf_get_kv_type(gguf, id) != GGUF_TYPE_STRING) return "";
  return gguf_get_val_str(gguf, id);
}

int64_t integer_value(const gguf_context* gguf, const std::string& key) {
  int64_t id = gguf_find_key(gguf, key.c_str());
  if (id < 0) return -1;
  switch (gguf_get_kv_type(gguf, id)) {
    case GGUF_TYPE_UINT32: return int64_t(gguf_get_val_u32(gguf, id));
    case GGUF_TYPE_INT32: return int64_t(gguf_get_val_i32(gguf, id));
    case GGUF_TYPE_UINT16: return int64_t(gguf_get_val_u16(gguf, id));
    case GGUF_TYPE_UINT64: return int64_t(gguf_get_val_u64(gguf, id));
    default: return -1;
  }
}

EmbeddingModelMetadata read_metadata(const std::filesystem::path& path) {
  check_gguf_file(path, "embedding model");
  gguf_init_params params{/*no_alloc=*/true, /*ctx=*/nullptr};
  GgufPtr gguf(gguf_init_from_file(path.c_str(), params), gguf_free);
  if (!gguf) {
    std::string reason = llama_recent_errors();
    throw_input_error(path, 0, "", "not a readable GGUF file (truncated or corrupt?)" +
                                       (reason.empty() ? "" : ": " + reason));
  }
  EmbeddingModelMetadata m;
  m.architecture = string_value(gguf.get(), "general.architecture");
  m.name = string_value(gguf.get(), "general.name");
  m.tensors = gguf_get_n_tensors(gguf.get());
  m.block_count = int32_t(integer_value(gguf.get(), m.architecture + ".block_count"));
  m.split = integer_value(gguf.get(), "split.count") > 1;
  int64_t causal = gguf_find_key(gguf.get(), (m.architecture + ".attention.causal").c_str());
  m.bidirectional = causal >= 0 && gguf_get_kv_type(gguf.get(), causal) == GGUF_TYPE_BOOL &&
                    !gguf_get_val_bool(gguf.get(), causal);
  return m;
}

// The layer index of a "blk.N.*" tensor name, or -1 for tensors outside the blocks.
int32_t block_of_tensor(const char* name) {
  if (std::strncmp(name, "blk.", 4) != 0) return -1;
  char* end = nullptr;
  long index = std::strtol(name + 4, &end, 10);
  if (end == name + 4 || *end != '.') return -1;
  return int32_t(index);
}

// Writes a copy of the GGUF that keeps blocks 0..layers-1 and says block_count = layers.
// Tensor data are copied byte for byte (any type, quantised included).
void write_first_layers(const std::filesystem::path& source_path, const std::string& architecture,
                        int32_t layers, const std::filesystem::path& out_path) {
  ggml_context* meta_raw = nullptr;
  gguf_init_params params{/*no_alloc=*/true, /*ctx=*/&meta_raw};
  GgufPtr source(gguf_init_from_file(source_path.c_str(), params), gguf_free);
  std::unique_ptr<ggml_context, decltype(&ggml_free)> meta(meta_raw, ggml_free);
  if (!source || !meta) throw_input_error(source_path, 0, "", "not a readable GGUF file");

  GgufPtr out(gguf_init_empty(), gguf_free);
  gguf_set_kv(out.get(), source.get());
  gguf_set_val_u32(out.get(), (architecture + ".block_count").c_str(), uint32_t(layers));
  std::vector<int64_t> kept;
  for (int64_t i = 0; i < gguf_get_n_tensors(source.get()); ++i) {
    const char* name = gguf_get_tensor_name(source.get(), i);
    if (block_of_tensor(name) >= layers) continue;
    gguf_add_tensor(out.get(), ggml_get_tensor(meta.get(), name));
    kept.push_back(i);
  }

  std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(out_path.c_str(), "wb"), std::fclose);
  if (!file) throw_input_error(out_path, 0, "", std::string("cannot write: ") + std::strerror(errno));
  if (!gguf_write_to_file_ptr(out.get(), file.get(), /*only_meta=*/true)) {
    throw_input_error(out_path, 0, "", "failed to write the GGUF header");
  }
  std::ifstream in(source_path, std::ios::binary);
  const size_t source_data = gguf_get_data_offset(source.get());
  const size_t alignment = gguf_get_alignment(out.get());
  std::vector<char> bytes;
  for (int64_t i : kept) {
    size_t size = gguf_get_tensor_size(source.get(), i);
    bytes.resize(size);
    in.seekg(std::streamoff(source_data + gguf_get_tensor_offset(source.get(), i)));
    if (!in.read(bytes.data(), std::streamsize(size))) {
      throw_input_error(source_path, 0, "", std::string("truncated: tensor '") +
                                                gguf_get_tensor_name(source.get(), i) +
                                                "' lies past the end of the file");
    }
    std::fwrite(bytes.data(), 1, size, file.get());
    static const char zeros[64] = {};
    size_t padding = (alignment - size % alignment) % alignment;
    std::fwrite(zeros, 1, padding, file.get());
  }
  if (std::ferror(file.get()) || std::fflush(file.get()) != 0) {
    throw_input_error(out_path, 0, "", "write failed (disk full?)");
  }
}

// Removes a file when it goes out of scope (the layer copy, once loaded or on failure).
struct RemoveOnExit {
  std::filesystem::path path;
  ~RemoveOnExit() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove(path, ec);
  }
};

std::vector<llama_token> tokenize(const llama_vocab* vocab, const std::string& text, bool add_special) {
  std::vector<llama_token> tokens(text.size() + 8);
  int32_t n = llama_tokenize(vocab, text.data(), int32_t(text.size()), tokens.data(),
                             int32_t(tokens.size()), add_special, /*parse_special=*/false);
  if (n < 0) {
    tokens.resize(size_t(-n));
    n = llama_tokenize(vocab, text.data(), int32_t(text.size()), tokens.data(),
                       int32_t(tokens.size()), add_special, false);
  }
  if (n < 0) throw Error("tokenization failed for a text of " + std::to_string(text.size()) + " bytes");
  tokens.resize(size_t(n));
  return tokens;
}

// A text as the model reads it: the tokenizer's special tokens around the text's own, the own
// ones cut so that the whole fits max_tokens. The specials are found by comparing tokenisations
// with and without them, which holds for every vocab type (WordPiece adds [CLS] and [SEP]).
TokenEmbeddings plan_text(const llama_vocab* vocab, const std::string& text, int32_t max_tokens) {
  std::vector<llama_token> own = tokenize(vocab, text, false);
  std::vector<llama_token> full = tokenize(vocab, text, true);
  size_t prefix = 0;
  size_t suffix = 0;
  if (full.size() >= own.size()) {
    for (size_t start = 0; start + own.size() <= full.size(); ++start) {
      if (std::equal(own.begin(), own.end(), full.begin() + ptrdiff_t(start))) {
        prefix = start;
        suffix = full.size() - start - own.size();
        break;
      }
    }
  }
  TokenEmbeddings plan;
  size_t room = size_t(std::max<int64_t>(int64_t(max_tokens) - int64_t(prefix + suffix), 0));
  size_t kept = std::min(own.size(), room);
  plan.truncated = kept < own.size();
  plan.tokens.assign(full.begin(), full.begin() + ptrdiff_t(prefix));
  plan.tokens.insert(plan.tokens.end(), own.begin(), own.begin() + ptrdiff_t(kept));
  plan.tokens.insert(plan.tokens.end(), full.end() - ptrdiff_t(suffix), full.end());
  plan.scored_begin = int32_t(prefix);
  plan.scored_end = int32_t(prefix + kept);
  return plan;
}

std::string layer_note(const TokenEmbedderInfo& info) {
  std::string which = "layer " + std::to_string(info.layer) + " of " + std::to_string(info.model_layers);
  std::string study = "the study used layer 8 of SciBERT and layer 9 of Bio_ClinicalBERT";
  if (info.layer == info.model_layers) {
    return which + " (the model's last layer); " + study +
           ": choose a layer to match them (the layers after it are dropped, as bert_score does)";
  }
  return which + " (the layers after it dropped, as bert_score's num_layers does); " + study;
}

}  // namespace

TokenEmbedder::TokenEmbedder(const std::filesystem::path& path, const std::string& spec,
                             const TokenEmbedderOptions& options) {
  llama_quiet_logging();
  llama_recent_errors();  // forget older lines
  EmbeddingModelMetadata meta = read_metadata(path);
  if (meta.tensors == 0) {
    throw_input_error(path, 0, "",
                      "has no weights (a vocab-only GGUF?): BERTScore needs an embedding model");
  }
  if (!meta.bidirectional) {
    throw_input_error(
        path, 0, "",
        "not an embedding encoder: architecture '" + meta.architecture +
            "' attends causally (its metadata has no " + meta.architecture +
            ".attention.causal = false); BERTScore needs a bidirectional encoder such as a "
            "BERT-architecture GGUF");
  }
  if (meta.block_count < 1) {
    throw_input_error(path, 0, meta.architecture + ".block_count", "missing: the layer count is unknown");
  }
  // Hashed before llama.cpp holds anything, so that a failure here leaks nothing.
  info_.fingerprint = file_fingerprint(path);
  int32_t layer = options.layer == 0 ? meta.block_count : options.layer;
  if (layer < 1 || layer > meta.block_count) {
    throw_input_error(path, 0, "",
                      "layer " + std::to_string(options.layer) + " does not exist: the model has " +
                          std::to_string(meta.block_count) + " layers (choose 1 to " +
                          std::to_string(meta.block_count) + ", or 0 for the last)");
  }
  RemoveOnExit layer_copy;
  std::filesystem::path load_path = path;
  if (layer < meta.block_count) {
    if (meta.architecture != "bert") {
      throw_input_error(path, 0, "",
                        "choosing a layer is implemented for the bert architecture only, not '" +
                            meta.architecture + "' (its output may pass a final norm that a cut "
                            "model would skip); use the last layer (0)");
    }
    if (meta.split) {
      throw_input_error(path, 0, "", "choosing a layer needs a single-file GGUF, not a split model");
    }
    static std::atomic<int> copies{0};
    layer_copy.path = std::filesystem::temp_directory_path() /
                      ("clinbench-layers-" + std::to_string(::getpid()) + "-" +
                       std::to_string(copies++) + ".gguf");
    write_first_layers(path, meta.architecture, layer, layer_copy.path);
    load_path = layer_copy.path;
  }

  llama_model_params model_params = llama_model_default_params();
  model_params.n_gpu_layers = options.gpu_layers;
  // The layer copy is read into memory so that it can be deleted right after loading.
  if (!layer_copy.path.empty()) model_params.load_mode = LLAMA_LOAD_MODE_NONE;
  model_ = llama_model_load_from_file(load_path.c_str(), model_params);
  if (!model_) {
    std::string reason = llama_recent_errors();
    throw_input_error(path, 0, "",
                      "llama.cpp could not load this embedding GGUF (truncated or corrupt file, or "
                      "an unsupported architecture)" + (reason.empty() ? "" : ": " + reason));
  }
  vocab_ = llama_model_get_vocab(model_);

  int32_t trained = llama_model_n_ctx_train(model_);
  int32_t max_text_tokens = options.max_text_tokens > 0 ? std::min(options.max_text_tokens, trained) : trained;
  max_text_tokens = std::max(max_text_tokens, std::min(trained, 4));  // [CLS], [SEP] and some text
  batch_tokens_ = std::max(options.batch_tokens, 1);
  // A non-causal batch is one ubatch (llama.cpp aborts otherwise), so one whole text must fit.
  capacity_tokens_ = std::max(batch_tokens_, max_text_tokens);
  // llama.cpp reserves an output row per sequence, within the batch's outputs.
  max_sequences_ = int32_t(std::min<size_t>({llama_max_parallel_sequences(), 256, size_t(capacity_tokens_)}));

  llama_context_params context_params = llama_context_default_params();
  context_params.n_ctx = uint32_t(capacity_tokens_);
  context_params.n_batch = uint32_t(capacity_tokens_);
  context_params.n_ubatch = uint32_t(capacity_tokens_);
  context_params.n_seq_max = uint32_t(max_sequences_);
  context_params.kv_unified = true;
  context_params.embeddings = true;
  context_params.pooling_type = LLAMA_POOLING_TYPE_NONE;  // one vector per token, whatever the file says
  context_params.attention_type = LLAMA_ATTENTION_TYPE_NON_CAUSAL;
  // Flash attention rounds keys and values to f16 on the CPU; off, so that a text's vectors do
  // not depend on its batch neighbours beyond float rounding.
  context_params.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  unsigned cores = std::thread::hardware_concurrency();
  int32_t threads = options.threads > 0 ? options.threads : (cores == 0 ? 4 : int32_t(cores));
  context_params.n_threads = threads;
  context_params.n_threads_batch = threads;
  context_params.no_perf = true;
  context_ = llama_init_from_model(model_, context_params);
  if (!context_) {
    std::string reason = llama_recent_errors();
    llama_model_free(model_);
    model_ = nullptr;
    throw_input_error(path, 0, "",
                      "llama.cpp could not create an embedding context of " +
                          std::to_string(capacity_tokens_) + " tokens (out of memory?)" +
                          (reason.empty() ? "" : ": " + reason));
  }

  info_.spec = spec;
  info_.path = std::filesystem::absolute(path).string();
  info_.architecture = meta.architecture;
  info_.name = meta.name;
  info_.model_layers = meta.block_count;
  info_.layer = layer;
  info_.dimension = llama_model_n_embd_out(model_);
  info_.max_text_tokens = max_text_tokens;
  info_.note = layer_note(info_);
}

TokenEmbedder::~TokenEmbedder() {
  if (context_) llama_free(context_);
  if (model_) llama_model_free(model_);
}

int32_t TokenEmbedder::count_tokens(const std::string& text) const {
  return int32_t(tokenize(vocab_, text, false).size());
}

std::vector<TokenEmbeddings> TokenEmbedder::embed(std::span<const std::string> texts,
                                                  const ProgressCallback& progress) {
  std::vector<TokenEmbeddings> results;
  results.reserve(texts.size());
  for (const std::string& text : texts) results.push_back(plan_text(vocab_, text, info_.max_text_tokens));

  const int32_t dimension = info_.dimension;
  struct BatchOwner {
    llama_batch batch;
    ~BatchOwner() { llama_batch_free(batch); }
  } owner{llama_batch_init(capacity_tokens_, 0, 1)};
  llama_batch& batch = owner.batch;
  size_t next = 0;
  while (next < results.size()) {
    // Texts in input order, as many as the token budget and the sequence ids allow; at least
    // one (a text holds at most max_text_tokens <= capacity_tokens_).
    size_t end = next + 1;
    int32_t tokens = int32_t(results[next].tokens.size());
    while (end < results.size() && int32_t(end - next) < max_sequences_ &&
           tokens + int32_t(results[end].tokens.size()) <= batch_tokens_) {
      tokens += int32_t(results[end].tokens.size());
      ++end;
    }
    batch.n_tokens = 0;
    for (size_t t = next; t < end; ++t) {
      const std::vector<llama_token>& text_tokens = results[t].tokens;
      for (size_t p = 0; p < text_tokens.size(); ++p) {
        int32_t i = batch.n_tokens++;
        batch.token[i] = text_tokens[p];
        batch.pos[i] = llama_pos(p);
        batch.n_seq_id[i] = 1;
        batch.seq_id[i][0] = llama_seq_id(t - next);
        batch.logits[i] = 1;
      }
    }
    int32_t status = llama_encode(context_, batch);
    if (status != 0) {
      std::string reason = llama_recent_errors();
      throw Error("embedding model " + info_.path + ": llama_encode failed (code " +
                  std::to_string(status) + ") on " + std::to_string(end - next) + " texts of " +
                  std::to_string(tokens) + " tokens" + (reason.empty() ? "" : ": " + reason));
    }
    int32_t row = 0;
    for (size_t t = next; t < end; ++t) {
      TokenEmbeddings& result = results[t];
      result.dimension = dimension;
      result.vectors.resize(result.tokens.size() * size_t(dimension));
      for (size_t p = 0; p < result.tokens.size(); ++p, ++row) {
        const float* vector = llama_get_embeddings_ith(context_, row);
        if (!vector) throw Error("embedding model " + info_.path + ": llama.cpp returned no embedding");
        std::copy(vector, vector + dimension, result.vectors.begin() + ptrdiff_t(p * size_t(dimension)));
      }
    }
    next = end;
    if (progress) progress(int64_t(next), int64_t(results.size()));
  }
  return results;
}

std::unique_ptr<TokenEmbedder> open_token_embedder(const std::string& spec,
                                                   const TokenEmbedderOptions& options) {
  std::optional<ModelSpec> parsed = model_spec_try_parse(spec);
  if (!parsed || parsed->scheme != "gguf") {
    throw Error("BERTScore model spec '" + spec +
                "': expected gguf:PATH (a BERT-architecture embedding GGUF)");
  }
  return std::make_unique<TokenEmbedder>(parsed->target, spec, options);
}

}  // namespace clinbench
