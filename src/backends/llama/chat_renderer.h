// Renders a chat as the reference study did: the model's own Jinja chat template, run as
// transformers' apply_chat_template(chat, tokenize=False, add_generation_prompt=True) runs it
// (trim_blocks, lstrip_blocks, raise_exception, bos_token and eos_token as text), on the
// messages CLUE builds for the declared prompt format, then the answer prefix appended.
// The engine is llama.cpp's common/jinja, the one `llama-server --jinja` uses. llama-server's
// own entry point (common_chat_templates_apply) is not used: it folds an unsupported system
// message into the user turn with its own separator and strips the template's BOS text, both of
// which would change the study's prompt.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "clinbench/backends.h"

namespace clinbench {

struct ChatTemplate {
  std::string text;       // Jinja source; "" = none (a base model)
  std::string bos_token;  // what `bos_token` renders as, e.g. "<|begin_of_text|>"; "" = none
  std::string eos_token;  // what `eos_token` renders as, e.g. "</s>"
};

// A template parsed once and rendered many times. Thread-safe.
class ChatTemplateRenderer {
 public:
  // Throws Error naming the problem when the Jinja text does not parse.
  explicit ChatTemplateRenderer(ChatTemplate chat_template);
  ~ChatTemplateRenderer();
  ChatTemplateRenderer(const ChatTemplateRenderer&) = delete;
  ChatTemplateRenderer& operator=(const ChatTemplateRenderer&) = delete;

  const ChatTemplate& chat_template() const { return template_; }

  // The messages through the template with add_generation_prompt. Throws Error with the
  // template's own message when it raises (a role it refuses, roles that do not alternate).
  std::string apply(const std::vector<ChatMessage>& messages) const;

  // The format the template implies when none is declared: base without a template;
  // instruct-no-system when a system message makes it raise or does not appear in its output
  // (Mistral-7B-Instruct-v0.1 raises; Phi-3-mini's template of 2024 silently drops it);
  // instruct otherwise.
  ChatFormat implied_format() const;

  // The chat in the given format (see ChatFormat) followed by chat.answer_prefix. Throws Error
  // for instruct formats when there is no template, or when the template raises.
  std::string render(ChatFormat format, const ChatPrompt& chat) const;

 private:
  struct Program;
  ChatTemplate template_;
  std::unique_ptr<Program> program_;  // null without a template
  mutable std::mutex mutex_;
};

}  // namespace clinbench
