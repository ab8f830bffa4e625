// Chat rendering follows the study's protocol (docs: clinical-tasks.md, "Shared protocol").
#include <gtest/gtest.h>

#include "backends/llama/chat_renderer.h"
#include "backends/llama/test_model.h"
#include "clinbench/backends.h"
#include "test_support.h"

namespace clinbench {
namespace {

ChatPrompt few_shot_chat() {
  ChatPrompt chat;
  chat.messages = {{"system", "You are a clinician."},
                   {"user", "Shot question"},
                   {"assistant", "Shot answer"},
                   {"user", "Test question"}};
  chat.answer_prefix = "Answer: ";
  return chat;
}

TEST(ChatRenderer, Llama3KeepsTheSystemRole) {
  std::string text = render_chat_with_template(builtin_chat_template("llama3"), few_shot_chat());
  EXPECT_EQ(text,
            "<|start_header_id|>system<|end_header_id|>\n\nYou are a clinician.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nShot question<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nShot answer<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nTest question<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nAnswer: ");
}

TEST(ChatRenderer, TemplateWithoutSystemRoleGetsItBeforeTheFirstUserTurn) {
  std::string mistral = builtin_chat_template("mistral");
  EXPECT_EQ(chat_format_of_template(mistral), ChatFormat::template_system_folded);
  std::string text = render_chat_with_template(mistral, few_shot_chat());
  EXPECT_EQ(text, "[INST] You are a clinician.\n\nShot question [/INST]Shot answer</s>"
                  "[INST] Test question [/INST]Answer: ");
}

TEST(ChatRenderer, BaseModelGetsPlainTextTurnsSeparatedByBlankLines) {
  EXPECT_EQ(chat_format_of_template(""), ChatFormat::plain_text);
  std::string text = render_chat_with_template("", few_shot_chat());
  EXPECT_EQ(text, "You are a clinician.\n\nShot question\n\nShot answer\n\nTest question\n\nAnswer: ");
}

TEST(ChatRenderer, ChatmlKeepsTheSystemRole) {
  std::string text = render_chat_with_template(builtin_chat_template("chatml"), few_shot_chat());
  EXPECT_EQ(text,
            "<|im_start|>system\nYou are a clinician.<|im_end|>\n"
            "<|im_start|>user\nShot question<|im_end|>\n"
            "<|im_start|>assistant\nShot answer<|im_end|>\n"
            "<|im_start|>user\nTest question<|im_end|>\n"
            "<|im_start|>assistant\nAnswer: ");
}

TEST(ChatRenderer, TheBackendUsesTheTemplateFromTheGgufMetadata) {
  auto with_template = open_backend("gguf:" + testing::tiny_model("llama-bpe", "llama3").string(), {});
  EXPECT_EQ(with_template->chat_format(), ChatFormat::template_with_system);
  EXPECT_EQ(with_template->render_chat(few_shot_chat()),
            render_chat_with_template(builtin_chat_template("llama3"), few_shot_chat()));
  auto base = open_backend("gguf:" + testing::tiny_model("llama-spm", "none").string(), {});
  EXPECT_EQ(base->chat_format(), ChatFormat::plain_text);
}

}  // namespace
}  // namespace clinbench
