#include "backends/chat_messages.h"

namespace clinbench {

std::vector<ChatMessage> chat_fold_system(const std::vector<ChatMessage>& messages) {
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

std::string chat_render_plain_text(const ChatPrompt& chat) {
  std::string text;
  for (const ChatMessage& message : chat.messages) {
    text += message.content;
    text += "\n\n";
  }
  return text + chat.answer_prefix;
}

}  // namespace clinbench
