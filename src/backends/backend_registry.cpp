// The explicit table of backends, chosen by the prefix of the model spec.
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

std::unique_ptr<Backend> open_backend(const std::string& spec, const BackendOptions& options) {
  if (spec.rfind("gguf:", 0) == 0) return open_llama_backend(spec.substr(5), spec, options);
  if (spec.rfind("openai:", 0) == 0) return open_openai_backend(spec.substr(7), spec, options);
  throw Error("model spec '" + spec + "': expected gguf:PATH (a local GGUF file) or openai:URL");
}

}  // namespace clinbench
