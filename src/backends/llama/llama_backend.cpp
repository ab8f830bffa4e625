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
      : session_(path, options), options_(options),
        renderer_(ChatTemplate{options.chat_template.empty() ? session_.chat_template() : options.chat_template,
                               special_token_text(llama_vocab_bos(session_.vocab())),
                               special_token_text(llama_vocab_eos(session_.vocab()))}) {
    const std::string& template_text = renderer_.chat_template().text;
    format_ = options.prompt_format ? *options.prompt_format : renderer_.implied_format();
    if (format_ != ChatFormat::plain_text && template_text.empty()) {
      throw Error("--prompt-format " + std::string(chat_format_name(format_)) + ": the model " + path.string() +
                  " has no chat template; give one with --chat-template FILE|NAME, or declare base");
    }
    info_.spec = spec;
    info_.backend = "llama";
    // The GGUF's SHA-256, plus the options that change scores, so a cache filled with them is
    // not served to a run without them.
    std::string file_sha256 = file_fingerprint(path);
    info_.fingerprint = file_sha256 + (options.kv_cache_f16 ? "+kv-f16" : "") +
                        (options.flash_attention == FlashAttention::on ? "+flash-attn" : "") +
                        gpu_placement_fingerprint(options);
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
        {"chat_format", chat_format_name(format_)},
        {"chat_format_declared", options.prompt_format.has_value()},
        {"chat_template_sha256", template_text.empty() ? "" : sha256_hex(template_text)},
        {"chat_template_source", options.chat_template.empty() ? (template_text.empty() ? "none" : "gguf")
                                                               : options.chat_template_source},
        {"prompt_bos", session_.adds_bos() ? "the tokenizer's BOS, then the rendered prompt (as the study's "
                                             "server tokenised it; a template's own BOS text adds a second)"
                                           : "none (the model's metadata adds no BOS)"},
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

  std::string render_chat(const ChatPrompt& chat) const override { return renderer_.render(format_, chat); }

  ChatFormat chat_format() const override { return format_; }

  ComputeCounters compute_counters() const override { return session_.counters(); }

  int32_t count_tokens(std::string_view text) const override {
    return int32_t(session_.tokenize(text, true).size());
  }

 private:
  // What bos_token / eos_token stand for in a template ("" where the vocab has none).
  std::string special_token_text(llama_token token) const {
    return token == LLAMA_TOKEN_NULL ? "" : session_.token_piece(token, /*special=*/true);
  }

  LlamaSession session_;
  BackendOptions options_;
  ChatTemplateRenderer renderer_;
  ChatFormat format_ = ChatFormat::template_with_system;
  ModelInfo info_;
};

}  // namespace

std::unique_ptr<Backend> open_llama_backend(const std::filesystem::path& path, const std::string& spec,
                                            const BackendOptions& options) {
  return std::make_unique<LlamaBackend>(path, spec, options);
}

}  // namespace clinbench
