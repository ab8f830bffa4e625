#include "backends/llama/chat_renderer.h"

#include <llama.h>

#include <vector>

namespace clinbench {

namespace {

std::string render_plain_text(const ChatPrompt& chat) {
  std::string text;
  for (const ChatMessage& message : chat.messages) {
    text += message.content;
    text += "\n\n";
  }
  return text + chat.answer_prefix;
}

// The system message folded into the first user turn.
std::vector<ChatMessage> fold_system(const std::vector<ChatMessage>& messages) {
  std::vector<ChatMessage> folded;
  std::string pending_system;
  for (const ChatMessage& message : messages) {
    if (message.role == "system") {
      pending_system += message.content;
      continue;
    }
    folded.push_back(message);
    if (message.role == "user" && !pending_system.empty()) {
      folded.back().content = pending_system + "\n\n" + message.content;
      pending_system.clear();
    }
  }
  if (!pending_system.empty()) folded.insert(folded.begin(), {"user", pending_system});
  return folded;
}

}  // namespace

ChatFormat chat_format_of_template(const std::string& template_text) {
  if (template_text.empty()) return ChatFormat::plain_text;
  // Templates that reject a system message: Gemma says so; Mistral-7B-Instruct-v0.1 raises on
  // any role but user and assistant and never mentions "system".
  auto contains = [&](const char* needle) { return template_text.find(needle) != std::string::npos; };
  bool refuses_system = contains("System role not supported") ||
                        (contains("raise_exception") && !contains("system"));
  return refuses_system ? ChatFormat::template_system_folded : ChatFormat::template_with_system;
}

std::string render_chat_with_template(const std::string& template_text, const ChatPrompt& chat) {
  ChatFormat format = chat_format_of_template(template_text);
  if (format == ChatFormat::plain_text) return render_plain_text(chat);

  std::vector<ChatMessage> messages =
      format == ChatFormat::template_system_folded ? fold_system(chat.messages) : chat.messages;
  std::vector<llama_chat_message> view;
  size_t characters = 0;
  for (const ChatMessage& message : messages) {
    view.push_back({message.role.c_str(), message.content.c_str()});
    characters += message.content.size();
  }
  std::string out(2 * characters + 256, '\0');
  int32_t n = llama_chat_apply_template(template_text.c_str(), view.data(), view.size(), true,
                                        out.data(), int32_t(out.size()));
  if (n > int32_t(out.size())) {
    out.resize(size_t(n));
    n = llama_chat_apply_template(template_text.c_str(), view.data(), view.size(), true,
                                  out.data(), int32_t(out.size()));
  }
  if (n < 0) {
    throw Error("the model's chat template is not one llama.cpp can render (known families: "
                "llama3, chatml, mistral, phi3, gemma, zephyr, ...); template starts with: " +
                template_text.substr(0, 80));
  }
  out.resize(size_t(n));
  return out + chat.answer_prefix;
}

}  // namespace clinbench
