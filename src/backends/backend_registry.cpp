// The explicit table of backends: one row per model-spec scheme. Adding a backend is one folder
// (or file) with its open function plus one row here; see HACKING.md, "How to add a backend".
#include <iterator>

#include "backends/llama/embedding_backend.h"
#include "backends/llama/llama_backend.h"
#include "backends/openai/openai_backend.h"
#include "clinbench/backends.h"

namespace clinbench {

const char* request_status_name(RequestStatus status) {
  switch (status) {
    case RequestStatus::ok: return "ok";
    case RequestStatus::context_overflow: return "context_overflow";
    case RequestStatus::empty_continuation: return "empty_continuation";
    case RequestStatus::backend_error: return "backend_error";
  }
  return "unknown";
}

const char* finish_reason_name(FinishReason reason) {
  switch (reason) {
    case FinishReason::stop: return "stop";
    case FinishReason::length: return "length";
    case FinishReason::error: return "error";
  }
  return "unknown";
}

const char* chat_format_name(ChatFormat format) {
  switch (format) {
    case ChatFormat::template_with_system: return "instruct";
    case ChatFormat::template_system_folded: return "instruct-no-system";
    case ChatFormat::plain_text: return "base";
  }
  return "unknown";
}

std::optional<ChatFormat> chat_format_parse(std::string_view name) {
  for (ChatFormat format : {ChatFormat::template_with_system, ChatFormat::template_system_folded,
                            ChatFormat::plain_text}) {
    if (name == chat_format_name(format)) return format;
  }
  return std::nullopt;
}

std::string Backend::truncate_to_tokens(std::string_view text, int32_t max_tokens) const {
  if (max_tokens <= 0) return "";
  if (count_tokens(text) <= max_tokens) return std::string(text);
  // Binary search on the byte length; token counts grow with the prefix length.
  size_t low = 0, high = text.size();
  while (low < high) {
    size_t middle = (low + high + 1) / 2;
    while (middle > low && middle < text.size() && (static_cast<unsigned char>(text[middle]) & 0xC0) == 0x80) --middle;
    if (middle == low) break;
    if (count_tokens(text.substr(0, middle)) <= max_tokens) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  while (low > 0 && low < text.size() && (static_cast<unsigned char>(text[low]) & 0xC0) == 0x80) --low;
  return std::string(text.substr(0, low));
}

namespace {

std::unique_ptr<Backend> open_gguf(const ModelSpec& spec, const std::string& text, const BackendOptions& options) {
  return open_llama_backend(spec.target, text, options);
}

std::unique_ptr<Backend> open_gguf_embedder(const ModelSpec& spec, const std::string& text,
                                            const EmbeddingOptions& options) {
  return open_llama_embedding_backend(spec.target, text, options);
}

std::unique_ptr<Backend> open_openai(const ModelSpec& spec, const std::string& text, const BackendOptions& options) {
  return open_openai_backend(spec.target, text, options);
}

constexpr BackendScheme kBackends[] = {
    {"gguf", "PATH", "a local GGUF file, run by the embedded llama.cpp", true, "", open_gguf,
     open_gguf_embedder},
    {"openai", "URL", "an OpenAI-compatible server; URL is its API base, e.g. http://127.0.0.1:8080/v1", false,
     "", open_openai, nullptr},
};

}  // namespace

std::span<const BackendScheme> backend_schemes() { return kBackends; }

const BackendScheme* backend_scheme_find(std::string_view scheme) {
  for (const BackendScheme& row : kBackends) {
    if (scheme == row.scheme) return &row;
  }
  return nullptr;
}

std::string backend_scheme_forms() {
  std::string forms;
  const size_t count = std::size(kBackends);
  for (size_t i = 0; i < count; ++i) {
    if (i) forms += i + 1 == count ? " or " : ", ";
    forms += std::string(kBackends[i].scheme) + ":" + kBackends[i].target;
  }
  return forms;
}

std::unique_ptr<Backend> open_backend(const std::string& spec, const BackendOptions& options) {
  std::string error;
  std::optional<ModelSpec> parsed = model_spec_try_parse(spec, &error);
  if (!parsed) throw Error("model spec " + error);
  return backend_scheme_find(parsed->scheme)->open(*parsed, spec, options);
}

std::unique_ptr<Backend> open_embedding_backend(const std::string& spec, const EmbeddingOptions& options) {
  std::optional<ModelSpec> parsed = model_spec_try_parse(spec);
  const BackendScheme* row = parsed ? backend_scheme_find(parsed->scheme) : nullptr;
  if (!row || !row->open_embedder) {
    std::string forms;
    for (const BackendScheme& scheme : kBackends) {
      if (scheme.open_embedder) forms += std::string(forms.empty() ? "" : " or ") + scheme.scheme + ":" + scheme.target;
    }
    throw Error("embedding model spec '" + spec + "': expected " + forms + " (a BERT-architecture embedding GGUF)");
  }
  return row->open_embedder(*parsed, spec, options);
}

void Backend::embed(std::span<const EmbeddingRequest>, const EmbeddingSink&, const ProgressCallback&) {
  throw Error("model " + info().spec + ": the " + info().backend + " backend computes no embeddings");
}

std::vector<EmbeddingResponse> embed_all(Backend& backend, std::span<const EmbeddingRequest> requests,
                                         const ProgressCallback& progress) {
  std::vector<EmbeddingResponse> responses(requests.size());
  backend.embed(requests, [&](size_t index, EmbeddingResponse&& response) { responses.at(index) = std::move(response); },
                progress);
  return responses;
}

}  // namespace clinbench
