#include "backends/llama/embedding_backend.h"

#include "backends/llama/token_embedder.h"

namespace clinbench {

namespace {

class LlamaEmbeddingBackend final : public Backend {
 public:
  LlamaEmbeddingBackend(const std::filesystem::path& path, const std::string& spec, const EmbeddingOptions& options)
      : embedder_(path, spec, options) {
    const TokenEmbedderInfo& model = embedder_.info();
    info_.spec = spec;
    info_.backend = "llama-embedding";
    // The layer changes every vector and max_text_tokens where texts are cut: both are part of
    // the identity of an answer, so of the cache key.
    info_.fingerprint = model.fingerprint + "#layer=" + std::to_string(model.layer) +
                        ",max_text_tokens=" + std::to_string(model.max_text_tokens);
    info_.context_length = model.max_text_tokens;
    info_.details = {
        {"path", model.path},
        {"sha256", model.fingerprint},
        {"architecture", model.architecture},
        {"name", model.name},
        {"model_layers", model.model_layers},
        {"layer", model.layer},
        {"dimension", model.dimension},
        {"max_text_tokens", model.max_text_tokens},
        {"layer_note", model.note},
    };
  }

  const ModelInfo& info() const override { return info_; }

  void embed(std::span<const EmbeddingRequest> requests, const EmbeddingSink& sink,
             const ProgressCallback& progress) override {
    std::vector<std::string> texts;
    texts.reserve(requests.size());
    for (const EmbeddingRequest& request : requests) texts.push_back(request.text);
    std::vector<TokenEmbeddings> embedded = embedder_.embed(texts, progress);
    for (size_t i = 0; i < embedded.size(); ++i) {
      TokenEmbeddings& one = embedded[i];
      EmbeddingResponse response;
      response.dimension = one.dimension;
      response.vectors = std::move(one.vectors);
      response.tokens.assign(one.tokens.begin(), one.tokens.end());
      response.scored_begin = one.scored_begin;
      response.scored_end = one.scored_end;
      response.truncated = one.truncated;
      sink(i, std::move(response));
    }
  }

  // An encoder scores and generates nothing: every such request is a counted failure.
  void loglikelihood(std::span<const LoglikelihoodRequest> requests, const LoglikelihoodSink& sink,
                     const ProgressCallback&) override {
    for (size_t i = 0; i < requests.size(); ++i) {
      LoglikelihoodResponse response;
      response.status = RequestStatus::backend_error;
      response.error = not_a_language_model();
      sink(i, std::move(response));
    }
  }
  void generate(std::span<const GenerationRequest> requests, const GenerationSink& sink,
                const ProgressCallback&) override {
    for (size_t i = 0; i < requests.size(); ++i) {
      GenerationResponse response;
      response.status = RequestStatus::backend_error;
      response.finish = FinishReason::error;
      response.error = not_a_language_model();
      sink(i, std::move(response));
    }
  }
  std::string render_chat(const ChatPrompt& chat) const override {
    std::string text;
    for (const ChatMessage& message : chat.messages) text += (text.empty() ? "" : "\n\n") + message.content;
    return text + chat.answer_prefix;
  }
  ChatFormat chat_format() const override { return ChatFormat::plain_text; }
  int32_t count_tokens(std::string_view text) const override { return embedder_.count_tokens(std::string(text)); }

 private:
  std::string not_a_language_model() const {
    return "model " + info_.spec + " is an embedding model: it embeds texts, it does not score or generate";
  }

  TokenEmbedder embedder_;
  ModelInfo info_;
};

}  // namespace

std::unique_ptr<Backend> open_llama_embedding_backend(const std::filesystem::path& path, const std::string& spec,
                                                      const EmbeddingOptions& options) {
  return std::make_unique<LlamaEmbeddingBackend>(path, spec, options);
}

}  // namespace clinbench
