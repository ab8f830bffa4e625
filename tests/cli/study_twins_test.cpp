// The reference study's tasks run on a twin of every study model (`make-test-model --like`), at a
// tiny scale: the real tokenizers, trained contexts, special tokens and chat templates, through
// the whole CLI, with the prompt format the template implies or the one declared.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clinbench/study_models.h"
#include "clinbench/backends.h"
#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench {
namespace {

const char* const kTwins[] = {"Meta-Llama-3-8B-Instruct", "Mistral-7B-Instruct-v0.1", "Mistral-7B-v0.1",
                              "zephyr-7b-beta", "Mixtral-8x7B-Instruct-v0.1", "Phi-3-mini-128k-instruct"};

// One data folder with the CLUE tasks' small fixtures (the clinical fixtures and the golden
// prompts' own) and the _gen task's public data, linked in (runs pass --allow-absolute-paths).
std::filesystem::path study_data_dir() {
  std::filesystem::path dir = testing::work_dir("cli_study_twins_data");
  std::filesystem::path clinical = testing::test_data_dir() / "fixtures" / "clinical";
  std::filesystem::path own = testing::test_data_dir() / "golden" / "study_prompts" / "data";
  for (const char* task : {"mednli", "problem_summary", "medisumcode"}) {
    std::filesystem::create_directory_symlink(clinical / task, dir / task);
  }
  for (const char* task : {"meqsum", "medisumqa"}) std::filesystem::create_directory_symlink(own / task, dir / task);
  std::filesystem::create_directory_symlink(testing::shared_data_dir() / "medqa", dir / "medqa");
  std::filesystem::create_directory_symlink(testing::shared_data_dir() / "icd10cm", dir / "icd10cm");
  return dir;
}

std::filesystem::path make_twin(const std::string& name, const std::filesystem::path& dir) {
  std::filesystem::path path = dir / (name + ".gguf");
  testing::CommandOutcome made = testing::run_clinbench("make-test-model --like " + name + " --out " + path.string());
  EXPECT_EQ(made.status, 0) << made.output;
  return path;
}

TEST(StudyTwins, ListLikeNamesEveryTwinWithItsFormat) {
  testing::CommandOutcome listed = testing::run_clinbench("make-test-model --list-like");
  ASSERT_EQ(listed.status, 0) << listed.output;
  for (const char* twin : kTwins) EXPECT_NE(listed.output.find(twin), std::string::npos) << twin;
  EXPECT_NE(listed.output.find("instruct-no-system"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("131072"), std::string::npos) << listed.output;
  testing::CommandOutcome unknown = testing::run_clinbench("make-test-model --like Llama-2-7b --out x.gguf");
  EXPECT_NE(unknown.status, 0);
  EXPECT_NE(unknown.output.find("--list-like"), std::string::npos) << unknown.output;
}

TEST(StudyTwins, ATwinCarriesTheModelsConfiguration) {
  std::filesystem::path dir = testing::work_dir("cli_study_twins_config");
  struct Expected {
    const char* name;
    int trained_context;
    const char* format;
  };
  for (const Expected& expected : {Expected{"Meta-Llama-3-8B-Instruct", 8192, "instruct"},
                                   Expected{"Mistral-7B-v0.1", 32768, "base"},
                                   Expected{"Phi-3-mini-128k-instruct", 131072, "instruct-no-system"}}) {
    std::filesystem::path path = make_twin(expected.name, dir);
    BackendOptions options;
    options.context_length = 4096;
    std::unique_ptr<Backend> backend = open_backend("gguf:" + path.string(), options);
    const nlohmann::json& details = backend->info().details;
    EXPECT_EQ(details["trained_context"], expected.trained_context) << expected.name;
    EXPECT_EQ(details["chat_format"], expected.format) << expected.name;
    EXPECT_EQ(details["adds_bos"], true) << expected.name;
    const StudyModelTwin* twin = study_model_twin_find(expected.name);
    ASSERT_NE(twin, nullptr);
    EXPECT_EQ(details["chat_template_sha256"], twin->chat_template ? sha256_hex(twin->chat_template) : "");
    // Small: a 128k-token vocab 32 wide in f16 (16 MB) and its tokenizer metadata.
    EXPECT_LT(std::filesystem::file_size(path), 32u << 20) << expected.name;
  }
}

TEST(StudyTwins, TheStudysTasksRunOnEveryTwin) {
  std::filesystem::path dir = testing::work_dir("cli_study_twins_run");
  std::filesystem::path data = study_data_dir();
  for (const char* name : kTwins) {
    SCOPED_TRACE(name);
    std::filesystem::path model = make_twin(name, dir);
    std::filesystem::path out = dir / (std::string(name) + "-out");
    std::string output;
    int status = testing::run_clinbench("run --model gguf:" + model.string() +
                                            " --tasks mednli,meqsum,problem_summary,medisumqa,medisumcode,medqa_gen"
                                            " --limit 1 --threads 2 --ctx-size 4096 --allow-absolute-paths --data-dir " +
                                            data.string() + " --output-dir " + out.string(),
                                        output);
    ASSERT_EQ(status, 0) << output;
    nlohmann::json results = nlohmann::json::parse(read_file(out / "results.json"));
    const StudyModelTwin* twin = study_model_twin_find(name);
    const std::string format = !twin->chat_template ? "base"
                               : (std::string(name).starts_with("Meta") || std::string(name).starts_with("zephyr"))
                                   ? "instruct"
                                   : "instruct-no-system";
    for (const char* task : {"mednli", "meqsum", "problem_summary", "medisumqa", "medisumcode", "medqa_gen"}) {
      SCOPED_TRACE(task);
      EXPECT_EQ(results["tasks"][task]["n"], 1);
      EXPECT_EQ(results["config"]["task_details"][task]["chat_format"], format);
      for (const nlohmann::json& sample : testing::read_jsonl(out / "samples" / (std::string(task) + ".jsonl"))) {
        // No refused item (random weights may well answer nothing extractable).
        EXPECT_NE(sample["status"], "context_overflow") << sample;
        EXPECT_NE(sample["status"], "backend_error") << sample;
        EXPECT_EQ(sample["finish_reason"] == "stop" || sample["finish_reason"] == "length", true) << sample;
      }
    }
    EXPECT_EQ(results["model"]["details"]["chat_format_declared"], false);
  }
}

TEST(StudyTwins, TheFormatAndTemplateCanBeDeclaredAndAreRecorded) {
  std::filesystem::path dir = testing::work_dir("cli_study_twins_declared");
  std::filesystem::path data = study_data_dir();
  std::filesystem::path model = make_twin("Meta-Llama-3-8B-Instruct", dir);
  std::filesystem::path out = dir / "out";
  std::string output;
  int status = testing::run_clinbench("run --model gguf:" + model.string() +
                                          " --tasks mednli --limit 1 --threads 2 --ctx-size 4096 --allow-absolute-paths"
                                          " --prompt-format instruct-no-system --chat-template zephyr-7b-beta"
                                          " --data-dir " + data.string() + " --output-dir " + out.string(),
                                      output);
  ASSERT_EQ(status, 0) << output;
  nlohmann::json results = nlohmann::json::parse(read_file(out / "results.json"));
  EXPECT_EQ(results["config"]["task_details"]["mednli"]["chat_format"], "instruct-no-system");
  EXPECT_EQ(results["config"]["backend_options"]["prompt_format"], "instruct-no-system");
  EXPECT_EQ(results["config"]["backend_options"]["chat_template"], "zephyr-7b-beta");
  const std::string zephyr = study_model_twin_find("zephyr-7b-beta")->chat_template;
  EXPECT_EQ(results["config"]["task_details"]["mednli"]["chat_template_sha256"], sha256_hex(zephyr));
  EXPECT_EQ(results["model"]["details"]["chat_format_declared"], true);
  std::string prompt = testing::read_jsonl(out / "samples" / "mednli.jsonl").at(0)["prompt"];
  EXPECT_EQ(prompt.rfind("<|user|>\nYou are a highly skilled assistant", 0), 0u) << prompt.substr(0, 200);

  // A bad value names the option and the choices; a base model's name is not a template.
  testing::CommandOutcome bad = testing::run_clinbench("run --model gguf:" + model.string() +
                                                       " --tasks mednli --prompt-format chat --data-dir " + data.string());
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--prompt-format"), std::string::npos) << bad.output;
  testing::CommandOutcome base = testing::run_clinbench("run --model gguf:" + model.string() +
                                                        " --tasks mednli --chat-template Mistral-7B-v0.1 --data-dir " +
                                                        data.string());
  EXPECT_NE(base.status, 0);
  EXPECT_NE(base.output.find("base model"), std::string::npos) << base.output;
}

}  // namespace
}  // namespace clinbench
