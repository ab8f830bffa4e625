#include "backends/openai/canonical_chat.h"

namespace clinbench {

std::string render_canonical_chat(const ChatPrompt& chat) {
  std::string text;
  for (const ChatMessage& message : chat.messages) {
    text += "<|im_start|>" + message.role + "\n" + message.content + "<|im_end|>\n";
  }
  return text + "<|im_start|>assistant\n" + chat.answer_prefix;
}

}  // namespace clinbench
