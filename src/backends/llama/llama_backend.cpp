#include "backends/llama/llama_backend.h"

#include "backends/llama/chat_renderer.h"
#include "backends/llama/generator.h"
#include "backends/llama/llama_session.h"
#include "backends/llama/loglikelihood_evaluator.h"

namespace clinbench {

namespace {

class LlamaBackend final : public Backend {
 public:
  LlamaBackend(const std::filesystem::path& path, const std::string& spec, const BackendOptions& options)
      : session_(path, options), options_(options) {
    template_ = session_.chat_template();
    info_.spec = spec;
    info_.backend = "llama";
    // The GGUF's SHA-256, plus the options that change scores, so a cache filled with them is
    // not served to a run without them.
    std::string file_sha256 = file_fingerprint(path);
    info_.fingerprint = file_sha256 + (options.kv_cache_f16 ? "+kv-f16" : "") +
                        (options.flash_attention == FlashAttention::on ? "+flash-attn" : "");
    info_.context_length = session_.window();
    char description[256] = {};
    llama_model_desc(session_.model(), description, sizeof(description));
    info_.details = {
        {"path", std::filesystem::absolute(path).string()},
        {"file_bytes", std::filesystem::file_size(path)},
        {"sha256", file_sha256},
        {"description", description},
        {"architecture", session_.metadata("general.architecture")},
        {"name", session_.metadata("general.name")},
        {"parameters", llama_model_n_params(session_.model())},
        {"trained_context", llama_model_n_ctx_train(session_.model())},
        {"context_window", session_.window()},
        // "trained" or "--ctx-size": whether the window is the model's or the user's.
        {"context_window_source", options.context_length > 0 ? "--ctx-size" : "trained"},
        {"vocab_size", session_.vocab_size()},
        {"adds_bos", session_.adds_bos()},
        // The BOS token's text, as a tokenizer's decode writes it (LongHealth's cut letter).
        {"bos_text", session_.bos() == LLAMA_TOKEN_NULL ? "" : session_.token_piece(session_.bos(), true)},
        {"flash_attention", session_.flash_attention()},
        {"kv_cache_type", options.kv_cache_f16 ? "f16" : "f32"},
        {"chat_format", chat_format_name(chat_format_of_template(template_))},
        {"chat_template_sha256", template_.empty() ? "" : sha256_hex(template_)},
    };
  }

  const ModelInfo& info() const override { return info_; }

  void loglikelihood(std::span<const LoglikelihoodRequest> requests, const LoglikelihoodSink& sink,
                     const ProgressCallback& progress) override {
    evaluate_loglikelihood(session_, requests, sink, progress);
  }

  void generate(std::span<const GenerationRequest> requests, const GenerationSink& sink,
                const ProgressCallback& progress) override {
    generate_batched(session_, requests, options_.parallel, sink, progress);
  }

  std::string render_chat(const ChatPrompt& chat) const override {
    return render_chat_with_template(template_, chat);
  }

  ChatFormat chat_format() const override { return chat_format_of_template(template_); }

  ComputeCounters compute_counters() const override { return session_.counters(); }

  int32_t count_tokens(std::string_view text) const override {
    return int32_t(session_.tokenize(text, true).size());
  }

 private:
  LlamaSession session_;
  BackendOptions options_;
  std::string template_;
  ModelInfo info_;
};

}  // namespace

std::unique_ptr<Backend> open_llama_backend(const std::filesystem::path& path, const std::string& spec,
                                            const BackendOptions& options) {
  return std::make_unique<LlamaBackend>(path, spec, options);
}

}  // namespace clinbench
