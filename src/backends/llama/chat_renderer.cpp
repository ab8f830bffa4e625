#include "backends/llama/chat_renderer.h"

#include "jinja/lexer.h"
#include "jinja/parser.h"
#include "jinja/runtime.h"
#include "jinja/value.h"

#include "backends/chat_messages.h"
#include "clinbench/study_models.h"

namespace clinbench {

struct ChatTemplateRenderer::Program {
  jinja::program program;
};

ChatTemplateRenderer::ChatTemplateRenderer(ChatTemplate chat_template) : template_(std::move(chat_template)) {
  if (template_.text.empty()) return;
  try {
    // llama.cpp's lexer defaults to HF's chat-template settings: trim_blocks and lstrip_blocks.
    jinja::lexer lexer;
    jinja::lexer_result tokens = lexer.tokenize(template_.text);
    program_ = std::make_unique<Program>(Program{jinja::parse_from_tokens(tokens)});
  } catch (const std::exception& e) {
    throw Error(std::string("the chat template does not parse as Jinja: ") + e.what() +
                "; template starts with: " + template_.text.substr(0, 80));
  }
}

ChatTemplateRenderer::~ChatTemplateRenderer() = default;

std::string ChatTemplateRenderer::apply(const std::vector<ChatMessage>& messages) const {
  if (!program_) throw Error("the model has no chat template (a base model): declare --prompt-format base");
  // The variables transformers passes: messages, add_generation_prompt and the special tokens.
  jinja::context context(template_.text);
  auto list = jinja::mk_val<jinja::value_array>();
  for (const ChatMessage& message : messages) {
    auto object = jinja::mk_val<jinja::value_object>();
    object->insert("role", jinja::mk_val<jinja::value_string>(message.role));
    object->insert("content", jinja::mk_val<jinja::value_string>(message.content));
    list->push_back(object);
  }
  context.set_val("messages", list);
  context.set_val("bos_token", jinja::mk_val<jinja::value_string>(template_.bos_token));
  context.set_val("eos_token", jinja::mk_val<jinja::value_string>(template_.eos_token));
  context.set_val("add_generation_prompt", jinja::mk_val<jinja::value_bool>(true));
  std::lock_guard<std::mutex> lock(mutex_);
  try {
    jinja::runtime runtime(context);
    jinja::value_array results = runtime.execute(program_->program);
    return jinja::runtime::gather_string_parts(results)->as_string().str();
  } catch (const std::exception& e) {
    throw Error(std::string("the model's chat template refused this chat: ") + e.what());
  }
}

ChatFormat ChatTemplateRenderer::implied_format() const {
  if (!program_) return ChatFormat::plain_text;
  const std::string marker = "clinbench-system-probe-7f3a";
  try {
    std::string text = apply({{"system", marker}, {"user", "Hello"}});
    if (text.find(marker) == std::string::npos) return ChatFormat::template_system_folded;
  } catch (const Error&) {
    return ChatFormat::template_system_folded;
  }
  return ChatFormat::template_with_system;
}

std::string ChatTemplateRenderer::render(ChatFormat format, const ChatPrompt& chat) const {
  switch (format) {
    case ChatFormat::plain_text: return chat_render_plain_text(chat);
    case ChatFormat::template_system_folded: return apply(chat_fold_system(chat.messages)) + chat.answer_prefix;
    case ChatFormat::template_with_system: break;
  }
  return apply(chat.messages) + chat.answer_prefix;
}

// Here rather than in study_models.cpp, which then needs no Jinja engine (the fuzzers link it).
ChatFormat study_model_twin_prompt_format(const StudyModelTwin& twin) {
  ChatTemplateRenderer renderer({twin.chat_template ? twin.chat_template : "", "<s>", "</s>"});
  return renderer.implied_format();
}

}  // namespace clinbench
