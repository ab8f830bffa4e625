// What an item is retrieved with, per task kind, and how its passages enter the prompt: the
// {retrieved} slot, or the default block before the question.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clinbench/kinds.h"
#include "clinbench/prompt.h"
#include "clinbench/rag.h"
#include "rag_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

using ::testing::HasSubstr;

// Counts a token per byte: enough for prompts that never reach a context limit.
class ByteBackend : public Backend {
 public:
  ByteBackend() { info_.context_length = 100000; }
  const ModelInfo& info() const override { return info_; }
  void loglikelihood(std::span<const LoglikelihoodRequest>, const LoglikelihoodSink&, const ProgressCallback&) override {}
  void generate(std::span<const GenerationRequest>, const GenerationSink&, const ProgressCallback&) override {}
  std::string render_chat(const ChatPrompt& chat) const override {
    std::string text;
    for (const ChatMessage& message : chat.messages) text += "<" + message.role + ">" + message.content;
    return text + "<assistant>" + chat.answer_prefix;
  }
  ChatFormat chat_format() const override { return ChatFormat::template_with_system; }
  int32_t count_tokens(std::string_view text) const override { return int32_t(text.size()); }

 private:
  ModelInfo info_;
};

TaskSpec multiple_choice_spec(const std::string& user) {
  return task_spec_parse(R"(name: mc
dataset: {path: x.jsonl}
mapping: {question: question, options: options, answer: answer}
prompt:
  user: ")" + user + R"("
metrics: [acc]
)", "test.yaml");
}

Example multiple_choice_example() {
  Example example;
  example.id = "q1";
  example.fields = {{"question", "Which drug treats gout flares?"}, {"context", "A patient."},
                    {"answer_letter", "B"}, {"answer_text", "colchicine"}};
  example.options = {"insulin", "colchicine"};
  example.answer_index = 1;
  return example;
}

std::vector<RetrievedPassage> two_passages() {
  return {{"p7", 0, 12.5, "Gout", "Colchicine eases flares."}, {"p2", 3, 4.0, "", "Uric acid builds up."}};
}

TEST(RagQueryText, MultipleChoiceItemsAreSearchedByTheirQuestion) {
  TaskSpec spec = multiple_choice_spec("{context}\\nQuestion: {question}\\n{options}\\nAnswer:");
  EXPECT_EQ(task_retrieval_query(spec, multiple_choice_example()), "Which drug treats gout flares?");
  spec.retrieval_query = "{context} {question}";
  EXPECT_EQ(task_retrieval_query(spec, multiple_choice_example()), "A patient. Which drug treats gout flares?");
}

TEST(RagQueryText, GenerationItemsAreSearchedByTheirTemplateFieldsWithoutTheAnswer) {
  TaskSpec spec = task_spec_parse(R"(name: gen
kind: generation
dataset: {path: x.jsonl}
mapping: {reference: Summary}
scoring: generate
prompt:
  user: "Inquiry:\n{CHQ}\nReference {{not a field}} {reference} {retrieved} {CHQ} {Note}"
metrics: [rouge1]
)", "gen.yaml");
  Example example;
  example.fields = {{"CHQ", "my knee hurts when I climb stairs"}, {"Note", "age 60"}, {"reference", "knee pain?"}};
  example.reference = "knee pain?";
  EXPECT_EQ(task_retrieval_query(spec, example), "my knee hurts when I climb stairs\nage 60");
  EXPECT_EQ(task_template_fields(spec.user_template), (std::vector<std::string>{"CHQ", "reference", "retrieved", "Note"}));
}

TEST(RagPromptSlot, WithoutASlotThePassagesComeBeforeTheQuestion) {
  TaskSpec spec = multiple_choice_spec("Question: {question}\\n{options}\\nAnswer:");
  TaskData data;
  data.shots.push_back(multiple_choice_example());  // shots have no passages
  data.examples.push_back(multiple_choice_example());
  data.examples[0].retrieved = two_passages();
  data.examples.push_back(multiple_choice_example());
  data.examples[1].retrieved = std::vector<RetrievedPassage>{};  // nothing matched
  data.examples.push_back(multiple_choice_example());             // a run without retrieval
  ByteBackend backend;
  std::vector<PromptedExample> prompts = task_prompts_build(spec, data, backend);
  const std::string question = "Question: Which drug treats gout flares?\nA. insulin\nB. colchicine\nAnswer:";
  const std::string shot = question + " B\n\n";
  EXPECT_EQ(prompts[0].prompt, shot +
                                   "Retrieved passages:\n[1] Gout\nColchicine eases flares.\n\n[2] Uric acid builds up.\n\n" +
                                   question);
  EXPECT_EQ(prompts[0].retrieval_text, "Retrieved passages:\n[1] Gout\nColchicine eases flares.\n\n[2] Uric acid builds up.\n\n");
  EXPECT_EQ(prompts[0].option_requests[1].context, prompts[0].prompt);
  EXPECT_EQ(prompts[1].prompt, shot + "Retrieved passages:\n(no passage retrieved)\n\n" + question);
  EXPECT_EQ(prompts[2].prompt, shot + question);
  EXPECT_TRUE(prompts[2].retrieval_text.empty());
}

TEST(RagPromptSlot, ATemplateSlotTakesThePassagesWhereTheTaskWantsThem) {
  TaskSpec spec = multiple_choice_spec("Context:\\n{retrieved}\\nQ: {question}\\nA:");
  spec.scoring = TaskScoring::generate;
  TaskData data;
  data.shots.push_back(multiple_choice_example());
  data.examples.push_back(multiple_choice_example());
  data.examples[0].retrieved = two_passages();
  data.examples.push_back(multiple_choice_example());
  ByteBackend backend;
  std::vector<PromptedExample> prompts = task_prompts_build(spec, data, backend);
  const std::vector<ChatMessage>& chat = prompts[0].generation.chat.messages;
  ASSERT_EQ(chat.size(), 3u);
  EXPECT_EQ(chat[0].content, "Context:\n\nQ: Which drug treats gout flares?\nA:");  // the shot: empty slot
  EXPECT_EQ(chat[2].content,
            "Context:\n[1] Gout\nColchicine eases flares.\n\n[2] Uric acid builds up.\nQ: Which drug treats gout flares?\nA:");
  EXPECT_EQ(prompts[0].retrieval_text, "[1] Gout\nColchicine eases flares.\n\n[2] Uric acid builds up.");
  EXPECT_EQ(prompts[1].generation.chat.messages[2].content, "Context:\n\nQ: Which drug treats gout flares?\nA:");
}

TEST(RagRetrieveForTask, ItemsGetTheirPassagesShotsDoNot) {
  std::filesystem::path dir = testing::work_dir("rag_task_retrieval");
  std::filesystem::path corpus = testing::write_corpus(dir / "corpus.jsonl", testing::clinical_fixture());
  rag_index_build(testing::fixture_build_options(corpus), dir / "index");
  RagIndex index(dir / "index");
  TaskSpec spec = multiple_choice_spec("{question}");
  TaskData data;
  data.shots.push_back(multiple_choice_example());
  for (const char* question : {"Is chest pain after exercise angina?", "zebra"}) {
    Example example = multiple_choice_example();
    example.fields["question"] = question;
    data.examples.push_back(example);
  }
  rag_retrieve_for_task(index, RagMode::bm25, 2, task_retrieval_queries(spec, data), data);
  EXPECT_FALSE(data.shots[0].retrieved.has_value());
  ASSERT_TRUE(data.examples[0].retrieved.has_value());
  ASSERT_EQ(data.examples[0].retrieved->size(), 2u);
  EXPECT_EQ((*data.examples[0].retrieved)[0].id, "d2");  // chest, pain, after, exercise, angina
  EXPECT_EQ((*data.examples[0].retrieved)[0].text, "chest pain after exercise can signal angina in adults");
  EXPECT_GT((*data.examples[0].retrieved)[0].score, (*data.examples[0].retrieved)[1].score);
  ASSERT_TRUE(data.examples[1].retrieved.has_value());
  EXPECT_TRUE(data.examples[1].retrieved->empty());
}

}  // namespace
}  // namespace clinbench
