// Suite files: the shipped ones parse (the study's placeholders give a clear error), and every
// mistake names the file, line and field before any model runs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "clinbench/suite.h"
#include "clinbench/backends.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::filesystem::path source_dir() { return testing::source_dir(); }

std::string suite_error(const std::string& yaml) {
  try {
    suite_parse(yaml, "/study/suite.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const char* kTwoModels =
    "tasks: [medqa]\n"
    "models:\n"
    "  - {name: base, model: openai:http://127.0.0.1:9/v1, model_name: llama3}\n"
    "  - {name: tuned, model: openai:http://127.0.0.1:9/v1, model_name: openbio}\n";

TEST(Suite, ReferenceStudyNamesThePlaceholderToFill) {
  std::filesystem::path file = source_dir() / "suites" / "reference_study.yaml";
  try {
    suite_read(file);
    FAIL() << "the shipped study suite has placeholders";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(file.string() + ":"), std::string::npos) << message;
    EXPECT_NE(message.find("field 'models[0].model': not filled in: replace FILL_IN"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("gguf:/path/to/model.gguf"), std::string::npos) << message;
  }
}

TEST(Suite, ReferenceStudyHasTheStudysDesign) {
  // Fill the placeholders with an existing file beside the suite, then check the pairs and
  // tasks of the study.
  std::filesystem::path dir = testing::work_dir("suite_reference");
  std::string yaml = read_file(source_dir() / "suites" / "reference_study.yaml");
  write_file_atomic(dir / "model.gguf", "not read by the parser");
  for (size_t at = yaml.find("FILL_IN"); at != std::string::npos; at = yaml.find("FILL_IN")) {
    yaml.replace(at, 7, "gguf:model.gguf");
  }
  Suite suite = suite_parse(yaml, dir / "reference_study.yaml");
  for (const char* task :
       {"mednli", "meqsum", "problem_summary", "medisumqa", "medisumcode", "longhealth_task1",
        "longhealth_task2", "longhealth_task3", "nejm_case_challenges", "jama_case_challenges"}) {
    EXPECT_NE(std::find(suite.tasks.begin(), suite.tasks.end(), task), suite.tasks.end()) << task;
  }
  auto has_pair = [&suite](const std::string& fine_tune, const std::string& base) {
    for (const ComparePairEntry& pair : suite.pairs) {
      if (pair.fine_tune == fine_tune && pair.base == base) return true;
    }
    return false;
  };
  EXPECT_TRUE(has_pair("Llama3-OpenBioLLM-8B", "Meta-Llama-3-8B-Instruct"));
  EXPECT_TRUE(has_pair("Llama3-Aloe-8B-Alpha", "Meta-Llama-3-8B-Instruct"));
  EXPECT_TRUE(has_pair("JSL-MedLlama-3-8B-v1.0", "Meta-Llama-3-8B-Instruct"));
  EXPECT_TRUE(has_pair("JSL-MedLlama-3-8B-v2.0", "Meta-Llama-3-8B-Instruct"));
  EXPECT_TRUE(has_pair("Llama3-OpenBioLLM-70B", "Meta-Llama-3-70B-Instruct"));
  EXPECT_TRUE(has_pair("BioMistral-7B", "Mistral-7B-Instruct-v0.1"));
  EXPECT_TRUE(has_pair("BioMistral-7B-DARE", "Mistral-7B-Instruct-v0.1"));
  EXPECT_TRUE(has_pair("internistai-base-7b-v0.2", "Mistral-7B-v0.1"));
  EXPECT_EQ(suite.pairs.size(), 8u);

  // Each model's prompt format as the study declared it (CLUE's --model_is_instruct and
  // --model_has_system in its launch scripts), not left to the GGUF's template.
  const std::map<std::string, std::string> formats = {
      {"Meta-Llama-3-8B-Instruct", "instruct"},        {"Llama3-OpenBioLLM-8B", "instruct"},
      {"Llama3-Aloe-8B-Alpha", "instruct"},            {"JSL-MedLlama-3-8B-v1.0", "instruct"},
      {"JSL-MedLlama-3-8B-v2.0", "instruct"},          {"Meta-Llama-3-70B-Instruct", "instruct"},
      {"Llama3-OpenBioLLM-70B", "instruct"},           {"Mistral-7B-Instruct-v0.1", "instruct-no-system"},
      {"BioMistral-7B", "instruct-no-system"},         {"BioMistral-7B-DARE", "instruct-no-system"},
      {"Mistral-7B-v0.1", "base"},                     {"internistai-base-7b-v0.2", "base"}};
  ASSERT_EQ(suite.models.size(), formats.size());
  for (const SuiteModel& model : suite.models) {
    ASSERT_TRUE(model.prompt_format.has_value()) << model.name;
    EXPECT_EQ(chat_format_name(*model.prompt_format), formats.at(model.name)) << model.name;
  }
}

TEST(Suite, DemoSuiteRunsOnGeneratedModels) {
  std::filesystem::path dir = testing::work_dir("suite_demo");
  write_file_atomic(dir / "base.gguf", "x");
  write_file_atomic(dir / "tuned.gguf", "x");
  setenv("CLINBENCH_SUITE_MODELS", dir.c_str(), 1);
  // The models are outside the suite's folder: the user allows that explicitly.
  Suite suite = suite_read(source_dir() / "suites" / "demo.yaml", true);
  ASSERT_EQ(suite.models.size(), 2u);
  EXPECT_EQ(suite.models[0].spec, "gguf:" + (dir / "base.gguf").string());
  ASSERT_EQ(suite.pairs.size(), 1u);

  RunSettings defaults;
  defaults.output_dir = dir / "out";
  defaults.seed = 99;
  defaults.backend.threads = 3;
  RunSettings settings = suite_run_settings(suite, suite.models[1], defaults);
  EXPECT_EQ(settings.model_spec, "gguf:" + (dir / "tuned.gguf").string());
  EXPECT_EQ(settings.output_dir, dir / "out" / suite.models[1].name);
  EXPECT_EQ(settings.tasks, suite.tasks);
  EXPECT_EQ(settings.backend.threads, 3);  // the command line's engine settings carry over
  EXPECT_EQ(settings.seed, suite.seed.value_or(99));
  unsetenv("CLINBENCH_SUITE_MODELS");
  try {
    suite_read(source_dir() / "suites" / "demo.yaml");
    FAIL() << "an unset variable is an error";
  } catch (const Error& e) {
    EXPECT_NE(
        std::string(e.what()).find("the environment variable CLINBENCH_SUITE_MODELS is not set"),
        std::string::npos)
        << e.what();
  }
}

TEST(Suite, ServerModelsAndRelativePaths) {
  Suite suite =
      suite_parse(std::string(kTwoModels) + "data_dir: ../data\nlimit: 20\nseed: 7\n",
                       "/study/suites/suite.yaml", true);
  EXPECT_EQ(suite.models[1].spec, "openai:http://127.0.0.1:9/v1");
  EXPECT_EQ(suite.models[1].model_name, "openbio");
  EXPECT_EQ(*suite.data_dir, std::filesystem::path("/study/data"));
  EXPECT_EQ(*suite.limit, 20);
  EXPECT_EQ(*suite.seed, 7u);
  EXPECT_TRUE(suite.pairs.empty());  // every model against the first
  RunSettings settings = suite_run_settings(suite, suite.models[1], RunSettings{});
  EXPECT_EQ(settings.backend.model_name, "openbio");
  EXPECT_EQ(settings.limit, 20);
}

TEST(Suite, PromptFormatAndChatTemplatePerModel) {
  std::filesystem::path dir = testing::work_dir("suite_prompt_format");
  std::filesystem::create_directories(dir / "templates");
  write_file_atomic(dir / "templates" / "own.jinja", "{% for m in messages %}{{ m['content'] }}{% endfor %}");
  std::string yaml =
      "tasks: [mednli]\n"
      "models:\n"
      "  - {name: base, model: openai:http://127.0.0.1:9/v1, model_name: m, prompt_format: base}\n"
      "  - {name: mistral, model: openai:http://127.0.0.1:9/v1, model_name: m, prompt_format: instruct-no-system,\n"
      "     chat_template: Mistral-7B-Instruct-v0.1}\n"
      "  - {name: own, model: openai:http://127.0.0.1:9/v1, model_name: m, chat_template: templates/own.jinja}\n";
  Suite suite = suite_parse(yaml, dir / "suite.yaml");
  ASSERT_EQ(suite.models.size(), 3u);
  EXPECT_EQ(suite.models[0].prompt_format, ChatFormat::plain_text);
  EXPECT_EQ(suite.models[1].prompt_format, ChatFormat::template_system_folded);
  EXPECT_NE(suite.models[1].chat_template.find("Only user and assistant roles"), std::string::npos);
  EXPECT_EQ(suite.models[1].chat_template_source, "Mistral-7B-Instruct-v0.1");
  EXPECT_FALSE(suite.models[2].prompt_format);
  EXPECT_EQ(suite.models[2].chat_template, "{% for m in messages %}{{ m['content'] }}{% endfor %}");
  RunSettings settings = suite_run_settings(suite, suite.models[1], {});
  EXPECT_EQ(settings.backend.prompt_format, ChatFormat::template_system_folded);
  EXPECT_EQ(settings.backend.chat_template, suite.models[1].chat_template);

  std::string bad = suite_error(
      "tasks: [mednli]\nmodels:\n  - {name: a, model: openai:http://h/v1, model_name: m, prompt_format: chat}\n"
      "  - {name: b, model: openai:http://h/v1, model_name: m}\n");
  EXPECT_NE(bad.find("/study/suite.yaml:3"), std::string::npos) << bad;
  EXPECT_NE(bad.find("models[0].prompt_format"), std::string::npos) << bad;
  EXPECT_NE(bad.find("instruct-no-system"), std::string::npos) << bad;
  std::string missing = suite_error(
      "tasks: [mednli]\nmodels:\n  - {name: a, model: openai:http://h/v1, model_name: m, chat_template: none.jinja}\n"
      "  - {name: b, model: openai:http://h/v1, model_name: m}\n");
  EXPECT_NE(missing.find("models[0].chat_template"), std::string::npos) << missing;
}

// A 70B model over two GPUs beside an 8B one on one: placement per model, as the run flags.
TEST(Suite, GpuPlacementPerModel) {
  std::string yaml =
      "tasks: [mednli]\n"
      "models:\n"
      "  - {name: small, model: openai:http://127.0.0.1:9/v1, model_name: m}\n"
      "  - {name: large, model: openai:http://127.0.0.1:9/v1, model_name: m, gpu_layers: 80, split_mode: row,\n"
      "     tensor_split: [3, 1.5], main_gpu: 1}\n";
  Suite suite = suite_parse(yaml, testing::work_dir("suite_gpu") / "suite.yaml");
  ASSERT_EQ(suite.models.size(), 2u);
  EXPECT_FALSE(suite.models[0].split_mode);
  EXPECT_EQ(suite.models[1].gpu_layers, 80);
  EXPECT_EQ(suite.models[1].split_mode, SplitMode::row);
  EXPECT_EQ(suite.models[1].tensor_split, (std::vector<float>{3.0f, 1.5f}));
  EXPECT_EQ(suite.models[1].main_gpu, 1);
  RunSettings defaults;
  defaults.backend.gpu_layers = 0;
  RunSettings small = suite_run_settings(suite, suite.models[0], defaults);
  RunSettings large = suite_run_settings(suite, suite.models[1], defaults);
  EXPECT_EQ(small.backend.gpu_layers, 0);  // the run's flag
  EXPECT_EQ(small.backend.split_mode, SplitMode::layer);
  EXPECT_EQ(large.backend.gpu_layers, 80);
  EXPECT_EQ(large.backend.split_mode, SplitMode::row);
  EXPECT_EQ(large.backend.tensor_split, (std::vector<float>{3.0f, 1.5f}));
  EXPECT_EQ(large.backend.main_gpu, 1);

  auto with = [](const std::string& keys) {
    return "tasks: [mednli]\nmodels:\n  - {name: a, model: openai:http://h/v1, model_name: m, " + keys +
           "}\n  - {name: b, model: openai:http://h/v1, model_name: m}\n";
  };
  EXPECT_EQ(suite_error(with("split_mode: diagonal")),
            "/study/suite.yaml:3: field 'models[0].split_mode': expected layer, row or none, got 'diagonal'");
  EXPECT_EQ(suite_error(with("tensor_split: [1, -1]")),
            "/study/suite.yaml:3: field 'models[0].tensor_split[1]': must be 0 or more");
  EXPECT_EQ(suite_error(with("tensor_split: 3")),
            "/study/suite.yaml:3: field 'models[0].tensor_split': expected a list of shares, e.g. [3, 1]");
  EXPECT_EQ(suite_error(with("gpu_layers: -2")), "/study/suite.yaml:3: field 'models[0].gpu_layers': must be at least 0 (or -1: all)");
  EXPECT_EQ(suite_error(with("main_gpu: -1")), "/study/suite.yaml:3: field 'models[0].main_gpu': must be 0 or more");
}

TEST(Suite, MistakesNameFileLineAndField) {
  EXPECT_EQ(suite_error(std::string(kTwoModels) + "limt: 3\n"),
            "/study/suite.yaml:5: field 'limt': unknown key (known: bertscore_models, compare, data_dir, "
            "description, limit, models, "
            "name, num_fewshot, pairs, seed, tasks)");
  EXPECT_EQ(suite_error(std::string(kTwoModels) + "pairs:\n  - {fine_tune: tuned, base: llama}\n"),
            "/study/suite.yaml:6: field 'pairs[0].base': 'llama' is not one of the suite's models "
            "(base, tuned)");
  EXPECT_EQ(suite_error(std::string(kTwoModels) + "limit: many\n"),
            "/study/suite.yaml:5: field 'limit': expected a number, got 'many'");
  EXPECT_EQ(
      suite_error(
          "tasks: [medqa]\nmodels:\n  - {name: a, model: openai:http://x/v1}\n  - {name: a, model: "
          "openai:http://y/v1}\n"),
      "/study/suite.yaml:4: field 'models[1].name': 'a' is used twice (also on line 3)");
  EXPECT_EQ(suite_error("tasks: [medqa]\nmodels:\n  - {name: a/b, model: openai:http://x/v1}\n  - "
                        "{name: c, model: "
                        "openai:http://y/v1}\n"),
            "/study/suite.yaml:3: field 'models[0].name': 'a/b' must be a folder name: letters, "
            "digits, '.', '_', '+' "
            "and '-' only (and not 'compare')");
  EXPECT_EQ(
      suite_error(
          "tasks: [medqa]\nmodels:\n  - {name: a, model: gguf:missing.gguf}\n  - {name: c, model: "
          "openai:http://y/v1}\n"),
      "/study/suite.yaml:3: field 'models[0].model': model file not found: /study/missing.gguf");
  EXPECT_EQ(
      suite_error("tasks: [medqa]\nmodels:\n  - {name: a, model: onnx:x}\n  - {name: c, model: "
                  "openai:http://y/v1}\n"),
      "/study/suite.yaml:3: field 'models[0].model': 'onnx:x': expected gguf:PATH or openai:URL");
  EXPECT_EQ(suite_error("models:\n  - {name: a, model: openai:http://x/v1}\n"),
            "/study/suite.yaml:1: field 'tasks': missing: the tasks every model runs");
  EXPECT_EQ(suite_error("tasks: [medqa]\nmodels:\n  - {name: a, model: openai:http://x/v1}\n"),
            "/study/suite.yaml:3: field 'models': a suite compares models: list two or more");
  EXPECT_EQ(suite_error(std::string(kTwoModels) + "compare: {alpha: 5}\n"),
            "/study/suite.yaml:5: field 'compare.alpha': must be in (0, 1)");
  EXPECT_EQ(suite_error(std::string(kTwoModels) + "compare: {margins: {acc: 5}}\n"),
            "/study/suite.yaml:5: field 'compare.margins.acc': must be a number in (0, 1) in the metric's units");
  EXPECT_EQ(suite_error(std::string(kTwoModels) + "compare: {factorial: [base, tuned, base, nope]}\n"),
            "/study/suite.yaml:5: field 'compare.factorial[3]': 'nope' is not one of the suite's models");
  EXPECT_EQ(suite_error(std::string(kTwoModels) + "compare: {factorial: [base, tuned]}\n"),
            "/study/suite.yaml:5: field 'compare.factorial': expected four model names: [BASE, BASE_RAG, "
            "FINE_TUNE, FINE_TUNE_RAG]");
}

TEST(Suite, CompareMarginsAndFactorialDesign) {
  Suite suite = suite_parse(std::string(kTwoModels) +
                                          "compare: {margins: {acc: 0.05, medqa.acc: 0.03}, target_difference: 0.1, "
                                          "factorial: [base, base, tuned, tuned]}\n",
                                      "/study/suite.yaml");
  EXPECT_EQ(suite.margins.at("acc"), 0.05);
  EXPECT_EQ(suite.margins.at("medqa.acc"), 0.03);
  EXPECT_EQ(suite.target_difference.value_or(0), 0.1);
  EXPECT_EQ(suite.factorial, "base,base,tuned,tuned");
}

// The study's BERTScore models by the names its tasks give (bertscore.model), resolved like the
// suite's model paths; they replace the command line's models of the same name.
TEST(Suite, BertscoreModelsByName) {
  std::filesystem::path dir = testing::work_dir("suite_bertscore_models");
  std::filesystem::create_directories(dir / "models");
  write_file_atomic(dir / "models" / "scibert.gguf", "not read by the parser");
  write_file_atomic(dir / "models" / "clinical.gguf", "not read by the parser");
  Suite suite = suite_parse(std::string(kTwoModels) +
                                          "bertscore_models:\n  scibert: gguf:models/scibert.gguf\n"
                                          "  bio_clinicalbert: gguf:models/clinical.gguf\n",
                                      dir / "suite.yaml");
  ASSERT_EQ(suite.bertscore_models.size(), 2u);
  std::string scibert = "scibert=gguf:" + (dir / "models" / "scibert.gguf").string();
  EXPECT_EQ(suite.bertscore_models[0], scibert);
  RunSettings defaults;
  defaults.bertscore_models = {"scibert=gguf:/elsewhere/scibert.gguf", "other=gguf:/m/other.gguf"};
  RunSettings settings = suite_run_settings(suite, suite.models[0], defaults);
  EXPECT_EQ(settings.bertscore_models,
            (std::vector<std::string>{"other=gguf:/m/other.gguf", scibert,
                                      "bio_clinicalbert=gguf:" + (dir / "models" / "clinical.gguf").string()}));
  EXPECT_EQ(suite_error(std::string(kTwoModels) + "bertscore_models:\n  scibert: FILL_IN\n"),
            "/study/suite.yaml:6: field 'bertscore_models.scibert': not filled in: replace FILL_IN with "
            "gguf:/path/to/scibert.gguf");
  EXPECT_EQ(suite_error(std::string(kTwoModels) + "bertscore_models:\n  scibert: /m/x.gguf\n"),
            "/study/suite.yaml:6: field 'bertscore_models.scibert': expected gguf:PATH");
  EXPECT_EQ(suite_error(std::string(kTwoModels) + "bertscore_models: [gguf:x]\n"),
            "/study/suite.yaml:5: field 'bertscore_models': expected NAME: gguf:PATH entries");
}

// The README's promise: a suite shares one cache across its models (entries are per model).
TEST(Suite, ModelsShareOneCacheUnlessTheCommandLineNamesOne) {
  Suite suite = suite_parse(kTwoModels, "/study/suite.yaml");
  RunSettings defaults;
  defaults.output_dir = "/runs/study";
  EXPECT_EQ(suite_run_settings(suite, suite.models[0], defaults).cache, "/runs/study/cache.sqlite");
  EXPECT_EQ(suite_run_settings(suite, suite.models[1], defaults).cache, "/runs/study/cache.sqlite");
  defaults.cache = "/elsewhere/cache.sqlite";
  EXPECT_EQ(suite_run_settings(suite, suite.models[1], defaults).cache, "/elsewhere/cache.sqlite");
}

// A mistake in a task file is reported once, before any model loads (it used to come once per
// model, each after that model's turn began).
TEST(Suite, ATaskFileErrorIsReportedOnceBeforeAnyModel) {
  std::filesystem::path dir = testing::work_dir("suite_task_error");
  write_file_atomic(dir / "mine.yaml", read_file(source_dir() / "tasks" / "medqa.yaml") + "colour: red\n");
  write_file_atomic(dir / "suite.yaml", std::string("tasks: [mine.yaml]\n") + std::string(kTwoModels).substr(std::string("tasks: [medqa]\n").size()));
  testing::CommandOutcome outcome = testing::run_clinbench("run --suite " + (dir / "suite.yaml").string() +
                                                           " --output-dir " + (dir / "out").string());
  EXPECT_EQ(outcome.status, 1) << outcome.output;
  size_t first = outcome.output.find("mine.yaml:");
  ASSERT_NE(first, std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("colour"), std::string::npos) << outcome.output;
  EXPECT_EQ(outcome.output.find("mine.yaml:", first + 1), std::string::npos) << "reported twice:\n" << outcome.output;
  EXPECT_EQ(outcome.output.find("model 1 of 2"), std::string::npos) << outcome.output;
}

}  // namespace
}  // namespace clinbench
