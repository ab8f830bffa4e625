// LongHealth at realistic length on a model shaped like the study's main base model (Llama-3
// tokenizer and chat template, trained context 8,192): CLUE's budget keeps every prompt plus
// the 50 new tokens inside the window, in all three tasks (issue 15). The letters are generated
// here: six patients with 5,000-7,000 words each, in the published layout.
#include <gtest/gtest.h>

#include <cstdio>

#include "clinbench/test_model.h"
#include "clinbench/kinds.h"
#include "clinbench/prompt.h"
#include "clinbench/tasks.h"
#include "clinbench/task_evaluation.h"
#include "test_support.h"

namespace clinbench {
namespace {

constexpr int32_t kWindow = 8192;
constexpr int32_t kNewTokens = 50;

// Words of a discharge letter, with the numbers, units and abbreviations that make real letters
// cost more tokens than words.
const char* const kWords[] = {
    "patient", "admitted", "with", "progressive", "dyspnoea", "and", "fever", "of", "38.9", "°C",
    "CRP", "112", "mg/l", "leukocytes", "14.2", "/nl", "chest", "X-ray", "showed", "infiltrates",
    "in", "the", "right", "lower", "lobe", "treated", "piperacillin/tazobactam", "4.5", "g", "i.v.",
    "q8h", "follow-up", "echocardiography", "LVEF", "55%", "no", "pericardial", "effusion", "history",
    "diffuse", "large", "B-cell", "lymphoma", "R-CHOP", "cycle", "6/6", "PET-CT", "Deauville", "score",
    "2", "discharged", "in", "stable", "condition", "recommend", "control", "at", "our", "outpatient",
    "clinic", "ECOG", "1", "creatinine", "1.3", "mg/dl", "eGFR", "58", "ml/min/1.73m²", "Dr.", "med."};

std::string letter_text(uint64_t& state, int32_t words) {
  std::string text;
  for (int32_t w = 0; w < words; ++w) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    text += (w ? (w % 17 == 0 ? ".\n" : " ") : "") + std::string(kWords[(state >> 33) % std::size(kWords)]);
  }
  return text + ".";
}

// Six patients, 5,000-7,000 words of letters each (five to seven letters), three questions each
// with answers in one or two letters (published answer_location layout).
std::filesystem::path write_realistic_longhealth() {
  std::filesystem::path dir = testing::work_dir("longhealth_realistic");
  std::filesystem::create_directories(dir / "longhealth");
  nlohmann::ordered_json file = nlohmann::ordered_json::object();
  uint64_t state = 20240826;
  for (int p = 0; p < 6; ++p) {
    nlohmann::ordered_json patient = {{"name", "Patient " + std::to_string(p)}, {"birthday", "1960-01-01"},
                                      {"diagnosis", "DLBCL"}};
    const int letters = 5 + p % 3;
    const int total_words = 5000 + 400 * p;  // 5,000 .. 7,000
    nlohmann::ordered_json texts = nlohmann::ordered_json::object();
    for (int t = 0; t < letters; ++t) texts["text_" + std::to_string(t)] = letter_text(state, total_words / letters);
    patient["texts"] = texts;
    nlohmann::ordered_json questions = nlohmann::ordered_json::array();
    for (int q = 0; q < 3; ++q) {
      nlohmann::ordered_json location = nlohmann::ordered_json::object();
      location["text_" + std::to_string((q + 1) % letters)] = {{"start", {0.2}}, {"end", {0.3}}};
      if (q == 2) location["text_0"] = {{"start", {0.5}}, {"end", {0.6}}};
      questions.push_back({{"No", q + 1},
                           {"question", "Which treatment did the patient receive in cycle " + std::to_string(q + 1) + "?"},
                           {"answer_a", "Radiotherapy"}, {"answer_b", "R-CHOP"}, {"answer_c", "Watchful waiting"},
                           {"answer_d", "Stem cell transplant"}, {"answer_e", "Surgery"},
                           {"correct", "R-CHOP"}, {"answer_location", location}});
    }
    patient["questions"] = questions;
    char key[16];
    std::snprintf(key, sizeof(key), "patient_%02d", p + 1);
    file[key] = patient;
  }
  write_file_atomic(dir / "longhealth" / "benchmark_v5.json", file.dump(1));
  return dir;
}

std::filesystem::path llama3_shaped_model() {
  std::filesystem::path path = testing::work_dir("longhealth_realistic_model") / "llama3-8k.gguf";
  if (std::filesystem::exists(path)) return path;
  TestModelOptions options;
  options.vocab_path = testing::llama_vocab("llama-bpe");
  options.out_path = path;
  options.chat_template = "llama3";
  options.context_length = kWindow;
  write_test_model(options);
  return path;
}

TEST(LongHealthRealistic, EveryPromptPlusFiftyTokensFitsTheEightKWindowInAllThreeTasks) {
  const std::filesystem::path data_dir = write_realistic_longhealth();
  auto backend = open_backend("gguf:" + llama3_shaped_model().string(), BackendOptions{});
  ASSERT_EQ(backend->info().context_length, kWindow);
  const std::string bos_text = backend->info().details["bos_text"];
  ASSERT_EQ(bos_text, "<|begin_of_text|>");
  for (const std::string task : {"longhealth_task1", "longhealth_task2", "longhealth_task3"}) {
    SCOPED_TRACE(task);
    TaskSpec spec = task_spec_find(task);
    spec.longhealth->repeats = 2;  // 6 patients x 3 questions x 2 draws
    TaskData data = task_data_load(spec, TaskDataOptions{data_dir, -1, -1, 1234});
    ASSERT_EQ(data.examples.size(), 36u);
    std::vector<PromptedExample> prompts = task_prompts_build(spec, data, *backend);
    int64_t cut = 0;
    int32_t largest = 0;
    for (size_t e = 0; e < prompts.size(); ++e) {
      const std::string& prompt = prompts[e].prompt;
      // What the engine decodes, as the study's server did: the tokenizer's BOS, then the prompt's
      // tokens (the Llama-3 template's own BOS text among them).
      const int32_t tokens = backend->count_tokens(prompt) + 1;
      largest = std::max(largest, tokens);
      EXPECT_LE(tokens + kNewTokens, kWindow) << data.examples[e].id;
      cut += prompts[e].details.contains("document_cut") ? 1 : 0;
    }
    // The letters overflow the budget: a letter is cut in (nearly) every draw, and the budget is
    // used, not wasted (CLUE's counts overestimate by a few tokens per letter).
    std::printf("%s: %zu prompts, largest %d tokens + %d new of %d, %lld with a cut letter\n", task.c_str(),
                prompts.size(), largest, kNewTokens, kWindow, static_cast<long long>(cut));
    EXPECT_GE(cut, int64_t(prompts.size()) - 2);
    EXPECT_GE(largest, 7900);

    // Run a few through the engine: no context_overflow, the engine's own count agrees.
    data.examples.resize(4);
    TaskResult result = task_evaluate(*backend, nullptr, spec, data, EvaluationOptions{}, ScoringResources{}, {});
    EXPECT_EQ(result.statuses.count("context_overflow"), 0u) << nlohmann::json(result.statuses);
    for (const nlohmann::json sample : result.samples) {  // each typed Sample as its JSON line
      EXPECT_LE(sample["prompt_tokens"].get<int32_t>() + kNewTokens, kWindow);
      EXPECT_GT(sample["prompt_tokens"].get<int32_t>(), 7800);
    }
  }
}

}  // namespace
}  // namespace clinbench
