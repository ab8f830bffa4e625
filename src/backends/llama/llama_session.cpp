#include "backends/llama/llama_session.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>

namespace clinbench {

namespace {

std::mutex log_mutex;
std::deque<std::string> recent_error_lines;

void log_to_buffer(ggml_log_level level, const char* text, void*) {
  static const bool echo = [] {
    const char* value = std::getenv("CLINBENCH_LLAMA_LOG");
    return value && *value && std::string(value) != "0";
  }();
  if (echo) std::fputs(text, stderr);
  if (level != GGML_LOG_LEVEL_ERROR && level != GGML_LOG_LEVEL_WARN) return;
  std::lock_guard<std::mutex> lock(log_mutex);
  recent_error_lines.emplace_back(text);
  while (recent_error_lines.size() > 8) recent_error_lines.pop_front();
}

int32_t default_threads() {
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 4 : int32_t(cores);
}

}  // namespace

void llama_quiet_logging() {
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(log_to_buffer, nullptr);
    llama_backend_init();
  });
}

void check_gguf_file(const std::filesystem::path& path, std::string_view role) {
  const std::string what(role);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw_input_error(path, 0, "", what + " file not found");
  if (std::filesystem::is_directory(path, ec)) {
    throw_input_error(path, 0, "", "is a folder, not a GGUF " + what + " file");
  }
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  if (!in.read(magic, 4)) throw_input_error(path, 0, "", "not a GGUF file (shorter than 4 bytes)");
  if (std::memcmp(magic, "GGUF", 4) != 0) {
    throw_input_error(path, 0, "", "not a GGUF file (it does not start with the GGUF magic bytes)");
  }
}

std::string llama_recent_errors() {
  std::lock_guard<std::mutex> lock(log_mutex);
  std::string out;
  for (const auto& line : recent_error_lines) out += line;
  recent_error_lines.clear();
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string gpu_placement_fingerprint(const BackendOptions& options) {
  if (options.gpu_layers == 0 || !llama_supports_gpu_offload()) return "";
  std::string placement = options.gpu_layers < 0 ? "+gpu-all" : "+gpu" + std::to_string(options.gpu_layers);
  if (options.split_mode == SplitMode::row) {
    placement += "+split-row";
    for (float share : options.tensor_split) {
      char text[32];
      std::snprintf(text, sizeof(text), ":%g", share);
      placement += text;
    }
  }
  return placement;
}

LlamaSession::LlamaSession(const std::filesystem::path& path, const BackendOptions& options) {
  llama_quiet_logging();
  check_gguf_file(path);
  llama_recent_errors();  // forget older lines

  llama_model_params model_params = llama_model_default_params();
  model_params.n_gpu_layers = options.gpu_layers;
  model_params.split_mode = options.split_mode == SplitMode::row    ? LLAMA_SPLIT_MODE_ROW
                            : options.split_mode == SplitMode::none ? LLAMA_SPLIT_MODE_NONE
                                                                    : LLAMA_SPLIT_MODE_LAYER;
  model_params.main_gpu = options.main_gpu;
  // llama.cpp reads llama_max_devices() shares; the ones not given are 0.
  std::vector<float> shares(llama_max_devices(), 0.0f);
  if (options.tensor_split.size() > shares.size()) {
    throw Error("--tensor-split: " + std::to_string(options.tensor_split.size()) + " shares, but this llama.cpp build "
                "handles at most " + std::to_string(shares.size()) + " devices");
  }
  std::copy(options.tensor_split.begin(), options.tensor_split.end(), shares.begin());
  if (!options.tensor_split.empty()) model_params.tensor_split = shares.data();
  model_ = llama_model_load_from_file(path.c_str(), model_params);
  if (!model_) {
    std::string reason = llama_recent_errors();
    throw_input_error(path, 0, "",
                      "llama.cpp could not load this GGUF (truncated or corrupt file, or an "
                      "unsupported architecture)" +
                          (reason.empty() ? std::string() : ": " + reason));
  }
  vocab_ = llama_model_get_vocab(model_);
  vocab_size_ = llama_vocab_n_tokens(vocab_);
  adds_bos_ = llama_vocab_get_add_bos(vocab_);
  bos_ = llama_vocab_bos(vocab_);

  int32_t trained = llama_model_n_ctx_train(model_);
  // The model's trained context, as the study's server used it (max_position_embeddings); a
  // smaller --ctx-size is the user's choice, recorded in results.json.
  window_ = options.context_length > 0 ? options.context_length : trained;
  // Room for the window, and for `parallel` generations of about 1,024 tokens each at once
  // (memory only: attention runs over the cells in use, not over the whole cache).
  kv_size_ = options.kv_size > 0 ? options.kv_size : std::max({window_, 4096, std::min(options.parallel, 256) * 1024});
  if (kv_size_ < window_) {
    throw Error("--kv-size " + std::to_string(kv_size_) + " is smaller than the context window of " +
                std::to_string(window_) + " tokens");
  }
  batch_size_ = std::max(options.batch_size, 1);
  max_sequences_ = int32_t(std::min<size_t>(llama_max_parallel_sequences(), 256));

  llama_context_params context_params = llama_context_default_params();
  context_params.n_ctx = uint32_t(kv_size_);
  context_params.n_batch = uint32_t(batch_size_);
  context_params.n_ubatch = uint32_t(batch_size_);
  context_params.n_seq_max = uint32_t(max_sequences_);
  context_params.n_outputs_max = uint32_t(std::max(batch_size_, max_sequences_));
  context_params.kv_unified = true;  // one cache, so a prefix can be shared by sequences
  int32_t threads = options.threads > 0 ? options.threads : default_threads();
  context_params.n_threads = threads;
  context_params.n_threads_batch = threads;
  context_params.no_perf = true;
  // An f16 cache rounds keys and values differently when a token is decoded alone; f32 keeps
  // scores independent of batching (tested to 1e-3 nats) at twice the cache memory.
  ggml_type cache_type = options.kv_cache_f16 ? GGML_TYPE_F16 : GGML_TYPE_F32;
  context_params.type_k = cache_type;
  context_params.type_v = cache_type;
  // Flash attention skips the masked cells of other sequences, which plain attention multiplies
  // out. On the CPU with an f32 cache it computes in f32 (scripts/llama-patches/0001): scores
  // equal plain attention's to 1e-6 nats, so it is on there. A GPU kernel rounds K and V to f16,
  // which moves log-likelihoods by ~1e-3 nats with batching, so there it waits for --flash-attn.
#ifdef LLAMA_CPU_FLASH_ATTN_KEEPS_F32_KV
  const bool exact_flash_attention = options.gpu_layers == 0 || !llama_supports_gpu_offload();
#else
  const bool exact_flash_attention = false;  // an unpatched llama.cpp rounds K and V to f16
#endif
  flash_attention_ = options.flash_attention == FlashAttention::on ||
                     (options.flash_attention == FlashAttention::automatic && exact_flash_attention &&
                      !options.kv_cache_f16);
  context_params.flash_attn_type =
      flash_attention_ ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
  context_ = llama_init_from_model(model_, context_params);
  if (!context_) {
    std::string reason = llama_recent_errors();
    llama_model_free(model_);
    model_ = nullptr;
    throw_input_error(path, 0, "",
                      "llama.cpp could not create a context of " + std::to_string(kv_size_) +
                          " tokens (out of memory?); --ctx-size N runs with a smaller window "
                          "(recorded in results.json), --kv-f16 halves the cache" +
                          (reason.empty() ? "" : ": " + reason));
  }
  kv_size_ = int32_t(llama_n_ctx(context_));
  context_params_ = context_params;
  restore_own_context();
}

void LlamaSession::use_context(llama_context* other) {
  active_ = {other, int32_t(llama_n_ctx(other)), int32_t(llama_n_seq_max(other))};
}

void LlamaSession::restore_own_context() { active_ = {context_, kv_size_, max_sequences_}; }

LlamaSession::~LlamaSession() {
  if (context_) llama_free(context_);
  if (model_) llama_model_free(model_);
}

std::vector<llama_token> LlamaSession::tokenize(std::string_view text, bool parse_special) const {
  std::vector<llama_token> tokens(text.size() + 8);
  int32_t n = llama_tokenize(vocab_, text.data(), int32_t(text.size()), tokens.data(),
                             int32_t(tokens.size()), /*add_special=*/false, parse_special);
  if (n < 0) {
    tokens.resize(size_t(-n));
    n = llama_tokenize(vocab_, text.data(), int32_t(text.size()), tokens.data(),
                       int32_t(tokens.size()), false, parse_special);
  }
  if (n < 0) throw Error("tokenization failed for a text of " + std::to_string(text.size()) + " bytes");
  tokens.resize(size_t(n));
  return tokens;
}

std::vector<llama_token> LlamaSession::tokenize_with_bos(std::string_view text, bool parse_special) const {
  std::vector<llama_token> tokens = tokenize(text, parse_special);
  if (adds_bos_ && bos_ != LLAMA_TOKEN_NULL && (tokens.empty() || tokens.front() != bos_)) {
    tokens.insert(tokens.begin(), bos_);
  }
  return tokens;
}

std::vector<llama_token> LlamaSession::tokenize_prompt_as_served(std::string_view text) const {
  std::vector<llama_token> tokens = tokenize(text, /*parse_special=*/true);
  if (adds_bos_ && bos_ != LLAMA_TOKEN_NULL) tokens.insert(tokens.begin(), bos_);
  return tokens;
}

std::string LlamaSession::token_piece(llama_token token, bool special) const {
  char buffer[256];
  int32_t n = llama_token_to_piece(vocab_, token, buffer, sizeof(buffer), 0, special);
  if (n >= 0) return std::string(buffer, size_t(n));
  std::string large(size_t(-n), '\0');
  n = llama_token_to_piece(vocab_, token, large.data(), int32_t(large.size()), 0, special);
  large.resize(size_t(std::max(n, 0)));
  return large;
}

std::string LlamaSession::chat_template() const {
  const char* text = llama_model_chat_template(model_, nullptr);
  return text ? std::string(text) : std::string();
}

std::string LlamaSession::metadata(const char* key) const {
  char buffer[512];
  int32_t n = llama_model_meta_val_str(model_, key, buffer, sizeof(buffer));
  if (n < 0) return "";
  if (size_t(n) < sizeof(buffer)) return std::string(buffer, size_t(n));
  std::string large(size_t(n) + 1, '\0');
  llama_model_meta_val_str(model_, key, large.data(), large.size());
  large.resize(size_t(n));
  return large;
}

int32_t LlamaSession::decode(const llama_batch& batch) {
  counters_.decode_calls += 1;
  counters_.tokens_decoded += batch.n_tokens;
  return llama_decode(active_.context, batch);
}

}  // namespace clinbench
