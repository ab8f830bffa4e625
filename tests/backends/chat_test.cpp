// Chat rendering follows the study's protocol: the model's own Jinja template through llama.cpp's
// Jinja engine, on the messages CLUE builds for the declared prompt format (docs/tasks.md,
// "Prompt formats"). Byte-for-byte goldens of every twin and study task are in
// prompt_golden_test.cpp; these are the rules one at a time.
#include <gtest/gtest.h>

#include <algorithm>

#include "backends/llama/chat_renderer.h"
#include "backends/llama/llama_session.h"
#include "clinbench/study_models.h"
#include "clinbench/test_model.h"
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

// The twins declare their trained contexts (up to 131,072 tokens); a 4,096-token window keeps the
// KV cache small whatever window the engine would pick.
BackendOptions small_window() {
  BackendOptions options;
  options.context_length = 4096;
  return options;
}

std::string twin_template(const char* name) {
  const StudyModelTwin* twin = study_model_twin_find(name);
  return twin && twin->chat_template ? twin->chat_template : "";
}

TEST(ChatRenderer, Llama3KeepsTheSystemRoleAndWritesItsBosText) {
  ChatTemplateRenderer renderer({twin_template("Meta-Llama-3-8B-Instruct"), "<|begin_of_text|>", "<|eot_id|>"});
  EXPECT_EQ(renderer.implied_format(), ChatFormat::template_with_system);
  EXPECT_EQ(renderer.render(ChatFormat::template_with_system, few_shot_chat()),
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a clinician.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nShot question<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nShot answer<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nTest question<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nAnswer: ");
}

TEST(ChatRenderer, MistralRaisesOnASystemMessageSoTheSystemPromptGoesBeforeTheFirstUserTurn) {
  ChatTemplateRenderer renderer({twin_template("Mistral-7B-Instruct-v0.1"), "<s>", "</s>"});
  EXPECT_EQ(renderer.implied_format(), ChatFormat::template_system_folded);
  EXPECT_EQ(renderer.render(ChatFormat::template_system_folded, few_shot_chat()),
            "<s>[INST] You are a clinician.\n\nShot question [/INST]Shot answer</s>"
            "[INST] Test question [/INST]Answer: ");
  // Declared instruct on a template that refuses the system role: the template's own message.
  try {
    renderer.render(ChatFormat::template_with_system, few_shot_chat());
    FAIL() << "the template raises on a system message";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("Conversation roles must alternate"), std::string::npos) << error.what();
  }
}

TEST(ChatRenderer, Phi3DropsASystemMessageSoItsImpliedFormatHasNoSystemRole) {
  ChatTemplateRenderer renderer({twin_template("Phi-3-mini-128k-instruct"), "<s>", "<|endoftext|>"});
  EXPECT_EQ(renderer.implied_format(), ChatFormat::template_system_folded);
  EXPECT_EQ(renderer.render(ChatFormat::template_system_folded, few_shot_chat()),
            "<s><|user|>\nYou are a clinician.\n\nShot question<|end|>\n<|assistant|>\nShot answer<|end|>\n"
            "<|user|>\nTest question<|end|>\n<|assistant|>\nAnswer: ");
}

TEST(ChatRenderer, ZephyrKeepsTheNewlineAfterEachTurnAsTrimBlocksDoes) {
  ChatTemplateRenderer renderer({twin_template("zephyr-7b-beta"), "<s>", "</s>"});
  EXPECT_EQ(renderer.implied_format(), ChatFormat::template_with_system);
  EXPECT_EQ(renderer.render(ChatFormat::template_with_system, few_shot_chat()),
            "<|system|>\nYou are a clinician.</s>\n<|user|>\nShot question</s>\n"
            "<|assistant|>\nShot answer</s>\n<|user|>\nTest question</s>\n<|assistant|>\nAnswer: ");
}

TEST(ChatRenderer, BaseModelGetsPlainTextTurnsSeparatedByBlankLines) {
  ChatTemplateRenderer renderer({"", "<s>", "</s>"});
  EXPECT_EQ(renderer.implied_format(), ChatFormat::plain_text);
  EXPECT_EQ(renderer.render(ChatFormat::plain_text, few_shot_chat()),
            "You are a clinician.\n\nShot question\n\nShot answer\n\nTest question\n\nAnswer: ");
  EXPECT_THROW(renderer.render(ChatFormat::template_with_system, few_shot_chat()), Error);
}

TEST(ChatRenderer, ATemplateThatDoesNotParseIsAnErrorNamingIt) {
  EXPECT_THROW(ChatTemplateRenderer({"{% for message in messages %}{{ message['content'] }}", "", ""}), Error);
}

TEST(ChatRenderer, FormatNamesRoundTrip) {
  for (ChatFormat format : {ChatFormat::template_with_system, ChatFormat::template_system_folded, ChatFormat::plain_text}) {
    EXPECT_EQ(chat_format_parse(chat_format_name(format)), format);
  }
  EXPECT_EQ(chat_format_name(ChatFormat::template_system_folded), std::string("instruct-no-system"));
  EXPECT_FALSE(chat_format_parse("chat"));
}

TEST(ChatRenderer, TheBackendUsesTheGgufTemplateUnlessTheFormatOrTemplateIsDeclared) {
  const std::string mistral = "gguf:" + testing::study_twin("Mistral-7B-Instruct-v0.1").string();
  auto implied = open_backend(mistral, small_window());
  EXPECT_EQ(implied->chat_format(), ChatFormat::template_system_folded);
  EXPECT_EQ(implied->info().details["chat_format"], "instruct-no-system");
  EXPECT_EQ(implied->render_chat(few_shot_chat()).rfind("<s>[INST] You are a clinician.\n\nShot question", 0), 0u);

  BackendOptions declared_base = small_window();
  declared_base.prompt_format = ChatFormat::plain_text;
  EXPECT_EQ(open_backend(mistral, declared_base)->render_chat(few_shot_chat()),
            "You are a clinician.\n\nShot question\n\nShot answer\n\nTest question\n\nAnswer: ");

  BackendOptions other_template = small_window();
  other_template.chat_template = twin_template("zephyr-7b-beta");
  auto zephyr = open_backend(mistral, other_template);
  EXPECT_EQ(zephyr->chat_format(), ChatFormat::template_with_system);
  EXPECT_EQ(zephyr->render_chat(few_shot_chat()).rfind("<|system|>\nYou are a clinician.</s>\n", 0), 0u);
  EXPECT_EQ(zephyr->info().details["chat_template_sha256"], sha256_hex(twin_template("zephyr-7b-beta")));

  // A base model declared instruct without a template to render it: refused before any work.
  BackendOptions declared_instruct = small_window();
  declared_instruct.prompt_format = ChatFormat::template_with_system;
  const std::string base = "gguf:" + testing::study_twin("Mistral-7B-v0.1").string();
  EXPECT_EQ(open_backend(base, small_window())->chat_format(), ChatFormat::plain_text);
  EXPECT_THROW(open_backend(base, declared_instruct), Error);
}

// The study's server (TGI) tokenised the rendered prompt with the tokenizer's special tokens:
// the Llama-3 template writes <|begin_of_text|> and the tokenizer adds another.
TEST(PromptTokens, AChatPromptGetsTheTokenizersBosBeforeTheTemplatesOwnAsTheStudysServerDid) {
  LlamaSession session(testing::study_twin("Meta-Llama-3-8B-Instruct"), small_window());
  ASSERT_TRUE(session.adds_bos());
  ChatTemplateRenderer renderer({twin_template("Meta-Llama-3-8B-Instruct"), "<|begin_of_text|>", "<|eot_id|>"});
  std::string prompt = renderer.render(ChatFormat::template_with_system, few_shot_chat());
  std::vector<llama_token> tokens = session.tokenize_prompt_as_served(prompt);
  ASSERT_GE(tokens.size(), 3u);
  EXPECT_EQ(tokens[0], session.bos());
  EXPECT_EQ(tokens[1], session.bos());
  EXPECT_NE(tokens[2], session.bos());
  EXPECT_EQ(tokens.size(), session.tokenize(prompt, true).size() + 1);

  // zephyr's template writes no BOS: one, from the tokenizer.
  LlamaSession zephyr(testing::study_twin("zephyr-7b-beta"), small_window());
  ChatTemplateRenderer zephyr_renderer({twin_template("zephyr-7b-beta"), "<s>", "</s>"});
  std::vector<llama_token> zephyr_tokens =
      zephyr.tokenize_prompt_as_served(zephyr_renderer.render(ChatFormat::template_with_system, few_shot_chat()));
  EXPECT_EQ(std::count(zephyr_tokens.begin(), zephyr_tokens.end(), zephyr.bos()), 1);
  EXPECT_EQ(zephyr_tokens.front(), zephyr.bos());
}

// The generation path uses that rule: the prompt token count the engine reports has both BOS.
TEST(PromptTokens, TheEngineReportsTheServedPromptLength) {
  const std::string llama3 = "gguf:" + testing::study_twin("Meta-Llama-3-8B-Instruct").string();
  auto backend = open_backend(llama3, small_window());
  GenerationRequest request;
  request.chat = few_shot_chat();
  request.prompt = backend->render_chat(request.chat);
  request.max_tokens = 2;
  ASSERT_EQ(request.prompt.rfind("<|begin_of_text|>", 0), 0u);
  GenerationResponse response;
  backend->generate({&request, 1}, [&](size_t, GenerationResponse&& r) { response = std::move(r); }, nullptr);
  ASSERT_EQ(response.status, RequestStatus::ok) << response.error;
  EXPECT_EQ(response.prompt_tokens, backend->count_tokens(request.prompt) + 1);
}

}  // namespace
}  // namespace clinbench
