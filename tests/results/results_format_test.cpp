// The results format: typed samples, task results and run configuration written and read back
// (src/results/), a run folder written by the code before the types existed read with the values
// it holds and written again byte for byte, and the errors of a bad file.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "clinbench/core.h"
#include "clinbench/results.h"
#include "test_support.h"

namespace clinbench {
namespace {

const std::filesystem::path kFormat1Run = "fixtures/results_format1";  // under tests/data

// A sample with every field the format has set to something other than its default.
Sample full_sample() {
  Sample sample;
  sample.id = "q7";
  sample.line = 12;
  sample.prompt = "Question: ...\nAnswer:";
  sample.prompt_key = std::string(64, 'c');
  sample.target = "B";
  sample.options = std::vector<std::string>{"yes", "no", "maybe"};
  sample.option_loglikelihoods = std::vector<SampleOptionLoglikelihood>{
      {-1.5, true, 2, "ok"}, {-2.25, false, 1, "ok"}, {-7.0, false, 3, "context_overflow"}};
  sample.option_continuations = std::vector<std::string>{" yes", " no", " maybe"};
  sample.generation = SampleGeneration{"The correct answer is B", "length", 812, 48, "B", 17};
  sample.prompt_details = {{"documents", {"text_1", "text_0"}}};
  sample.retrieved = std::vector<SampleRetrievedPassage>{{"pmid-1", 3, 12.5}};
  sample.truncated = SampleTruncation{"", "left", 17};
  sample.cluster = "patient_03/q2";
  sample.extracted = "B";
  sample.scores = {{"acc", 1.0}, {"rouge1", 0.4375}};
  sample.status = "extraction_failed";
  sample.details = {{"extraction", "regex"}};
  sample.excluded = true;
  sample.extra = {{"written_by_a_later_version", {1, 2}}};
  return sample;
}

RunResult full_run() {
  RunResult run;
  run.model = {"gguf:/models/m.gguf", "llama", std::string(64, 'f'), 4096, {{"name", "m"}}};
  RunConfig& config = run.config;
  config.tasks = {"medqa", "tasks/own.yaml"};
  config.task_details["medqa"] = {"medqa", "loglikelihood", "plain_text", "", {{"/data/medqa.jsonl", std::string(64, 'd')}},
                                  {"strip"}, "US medical licensing questions"};
  config.data_dir = "/data";
  config.limit = -1;
  config.limit_fraction = 0.25;
  config.num_fewshot = 3;
  config.seed = 18446744073709551615ull;  // the largest seed: written as an unsigned number
  config.bootstrap_resamples = 2000;
  config.cache = "/runs/a/cache.sqlite";
  config.bertscore_models = {"gguf:/models/bert.gguf"};
  config.icd10cm = RunFileDigest{"/data/icd10cm/order.txt", std::string(64, 'e')};
  config.rag = RunRagConfig{"/indexes/pubmed", "hybrid", 5, "docs/rag.md", {{"documents", 10}}};
  config.backend_options = {{"threads", 2}, {"flash_attention", "auto"}};
  config.command_line = {"clinbench", "run"};
  config.created_at = "2026-12-06T02:00:00Z";
  config.exclude_ids = RunFileDigest{"/audit/flagged.tsv", std::string(64, '0')};
  config.extra = {{"later_key", true}};

  TaskResult task;
  task.task = "medqa";
  task.n = 2;
  task.dataset_items = 1273;
  task.shots = 3;
  task.metric_order = {"acc", "acc_norm"};
  task.metrics["acc"] = StatsEstimate{1, 0.5, 0.0, 1.0};
  task.metrics["acc_norm"] = std::nullopt;
  task.no_value_reason = "no answered item: 1 context_overflow";
  task.statuses = {{"ok", 1}, {"context_overflow", 1}};
  task.answered = 1;
  task.failed = {{"context_overflow", 1}};
  task.truncated = 1;
  task.requests = {8, 1, 2, 5, 0};
  task.compute.tokens_decoded = 900;
  task.compute.decode_calls = 4;
  task.seconds = 1.25;
  task.prompt_sha256 = std::string(64, 'a');
  task.bertscore = {{"model", "bert"}};
  task.data_notes = {{"ambiguous_gold", 1}};
  task.clusters = 2;
  task.clean_subset = TaskCleanSubset{1, 1, {{"acc", StatsEstimate{1, 1.0, 1.0, 1.0}}, {"acc_norm", std::nullopt}}, {{"ok", 1}}};
  task.samples = {full_sample(), Sample{}};
  task.samples[1].id = "q8";
  run.tasks.push_back(task);
  return run;
}

TEST(ResultsFormat, SampleWrittenAndReadBackIsEqual) {
  Sample sample = full_sample();
  EXPECT_EQ(sample_from_json(sample_to_json(sample), "x.jsonl", 1), sample);
  Sample plain;  // a log-likelihood-free, generation-free sample writes none of those keys
  nlohmann::json json = sample_to_json(plain);
  for (const char* key : {"options", "option_loglikelihoods", "response", "finish_reason", "retrieved", "truncated",
                          "cluster", "details", "prompt_details", "excluded", "scored_response", "prompt_tokens_cut"}) {
    EXPECT_FALSE(json.contains(key)) << key;
  }
  EXPECT_EQ(sample_from_json(json, "x.jsonl", 1), plain);
}

TEST(ResultsFormat, ServerCutIsWrittenAsTheLeftSide) {
  Sample sample;
  sample.truncated = SampleTruncation{"", "left", 9};
  EXPECT_EQ(sample_to_json(sample)["truncated"], (nlohmann::json{{"side", "left"}, {"removed_tokens", 9}}));
  sample.truncated = SampleTruncation{"text", "", 9};
  EXPECT_EQ(sample_to_json(sample)["truncated"], (nlohmann::json{{"field", "text"}, {"removed_tokens", 9}}));
}

TEST(ResultsFormat, AScoreWithoutValueIsNullInTheFileAndNaNInMemory) {
  Sample sample;
  sample.scores["bertscore_f1"] = std::nan("");
  std::string line = sample_to_json(sample).dump();
  EXPECT_NE(line.find("\"bertscore_f1\":null"), std::string::npos) << line;
  Sample back = sample_from_json(nlohmann::json::parse(line), "x.jsonl", 1);
  EXPECT_TRUE(std::isnan(back.scores.at("bertscore_f1")));
}

TEST(ResultsFormat, RunWrittenAndReadBackIsEqual) {
  std::filesystem::path dir = testing::work_dir("results_round_trip");
  RunResult run = full_run();
  results_write(dir, run);
  RunResult back = results_read(dir);
  EXPECT_EQ(back.config, run.config);
  EXPECT_EQ(back.model.spec, run.model.spec);
  EXPECT_EQ(back.model.fingerprint, run.model.fingerprint);
  EXPECT_EQ(back.model.context_length, 4096);
  EXPECT_EQ(back.model.details, run.model.details);
  ASSERT_EQ(back.tasks.size(), 1u);
  const TaskResult& task = back.tasks[0];
  EXPECT_EQ(task.task, "medqa");
  EXPECT_EQ(task.n, 2);
  EXPECT_EQ(task.answered, 1);
  EXPECT_EQ(task.failed, run.tasks[0].failed);
  EXPECT_EQ(task.statuses, run.tasks[0].statuses);
  EXPECT_EQ(task.dataset_items, 1273);
  EXPECT_EQ(task.shots, 3);
  EXPECT_EQ(task.truncated, 1);
  EXPECT_EQ(task.requests.deduplicated, 1);
  EXPECT_EQ(task.requests.from_cache, 2);
  EXPECT_EQ(task.requests.computed, 5);
  EXPECT_EQ(task.compute.tokens_decoded, 900);
  EXPECT_EQ(task.seconds, 1.25);
  EXPECT_EQ(task.metric_order, (std::vector<std::string>{"acc", "acc_norm"}));
  ASSERT_TRUE(task.metrics.at("acc"));
  EXPECT_EQ(task.metrics.at("acc")->value, 0.5);
  EXPECT_EQ(task.metrics.at("acc")->ci_high, 1.0);
  EXPECT_FALSE(task.metrics.at("acc_norm"));
  EXPECT_EQ(task.no_value_reason, "no answered item: 1 context_overflow");
  EXPECT_EQ(task.bertscore, run.tasks[0].bertscore);
  EXPECT_EQ(task.data_notes, run.tasks[0].data_notes);
  EXPECT_EQ(task.clusters, 2);
  ASSERT_TRUE(task.clean_subset);
  EXPECT_EQ(task.clean_subset->excluded, 1);
  EXPECT_EQ(task.clean_subset->metrics.at("acc")->value, 1.0);
  EXPECT_FALSE(task.clean_subset->metrics.at("acc_norm"));
  EXPECT_EQ(results_to_json(back), results_to_json(run));
  EXPECT_EQ(samples_read(dir / "samples" / "medqa.jsonl"), run.tasks[0].samples);
}

TEST(ResultsFormat, ReadsARunWrittenBeforeTheTypesExisted) {
  // Written by `clinbench run` at commit 1a8c466 (JSON built by hand in engine, cli and
  // report): medqa and pubmedqa_gen, 8 items, --exclude-ids naming medqa's item "0".
  std::filesystem::path dir = testing::test_data_dir() / kFormat1Run;
  RunResult run = results_read(dir);
  EXPECT_EQ(run.format_version, 1);
  EXPECT_EQ(run.clinbench_version, "0.1.0");
  EXPECT_EQ(run.model.backend, "llama");
  EXPECT_EQ(run.model.context_length, 4096);
  EXPECT_EQ(run.config.tasks, (std::vector<std::string>{"medqa", "pubmedqa_gen"}));
  EXPECT_EQ(run.config.limit, 8);
  EXPECT_EQ(run.config.num_fewshot, -1);
  EXPECT_EQ(run.config.seed, 1234u);
  EXPECT_FALSE(run.config.rag);
  ASSERT_TRUE(run.config.exclude_ids);
  EXPECT_EQ(run.config.exclude_ids->sha256, "329df19a6e2ea2315632f5fa4bbc989d98dc035861486034ebd40c36de72ad48");
  EXPECT_EQ(run.config.task_details.at("medqa").scoring, "loglikelihood");
  EXPECT_EQ(run.config.task_details.at("pubmedqa_gen").scoring, "generate");
  EXPECT_TRUE(run.config.extra.empty()) << run.config.extra;
  ASSERT_EQ(run.tasks.size(), 2u);
  const TaskResult& medqa = run.tasks[0];
  EXPECT_EQ(medqa.task, "medqa");
  EXPECT_EQ(medqa.n, 8);
  EXPECT_EQ(medqa.dataset_items, 1273);
  EXPECT_EQ(medqa.requests.total, 32);
  EXPECT_EQ(medqa.compute.tokens_decoded, 1935);
  EXPECT_EQ(medqa.metrics.at("acc")->value, 0.375);
  EXPECT_EQ(medqa.metrics.at("acc")->ci_low, 0.125);
  ASSERT_TRUE(medqa.clean_subset);
  EXPECT_EQ(medqa.clean_subset->n, 7);
  EXPECT_EQ(medqa.clean_subset->metrics.at("acc")->value, 0.2857142857142857);
  EXPECT_TRUE(medqa.extra.empty()) << medqa.extra;

  std::vector<Sample> samples = samples_read(dir / "samples" / "medqa.jsonl");
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].id, "0");
  EXPECT_TRUE(samples[0].excluded);
  EXPECT_FALSE(samples[1].excluded);
  ASSERT_TRUE(samples[0].option_loglikelihoods);
  EXPECT_EQ((*samples[0].option_loglikelihoods)[0].logprob, -10.983831405639648);
  EXPECT_EQ((*samples[0].option_loglikelihoods)[0].tokens, 1);
  EXPECT_EQ(samples[0].option_continuations->at(1), " B");
  EXPECT_FALSE(samples[0].generation);
  EXPECT_EQ(samples[0].extracted, "B");
  EXPECT_TRUE(samples[0].extra.empty()) << samples[0].extra;

  std::vector<Sample> generated = samples_read(dir / "samples" / "pubmedqa_gen.jsonl");
  ASSERT_EQ(generated.size(), 1u);
  ASSERT_TRUE(generated[0].generation);
  EXPECT_EQ(generated[0].generation->finish_reason, "length");
  EXPECT_EQ(generated[0].generation->generated_tokens, 48);
  EXPECT_EQ(generated[0].line, 2);
  EXPECT_EQ(generated[0].status, "extraction_failed");
  EXPECT_EQ(*generated[0].options, (std::vector<std::string>{"yes", "no", "maybe"}));
  EXPECT_TRUE(generated[0].extra.empty()) << generated[0].extra;
}

// compare, report and `runs` look a run's tasks up by name (the tasks are a vector in name order).
TEST(ResultsFormat, ATaskIsFoundByItsExactName) {
  RunResult run = results_read(testing::test_data_dir() / kFormat1Run);
  ASSERT_EQ(run.tasks.size(), 2u);
  EXPECT_EQ(run_result_task(run, "medqa"), &run.tasks[0]);
  EXPECT_EQ(run_result_task(run, "pubmedqa_gen"), &run.tasks[1]);
  EXPECT_EQ(run_result_task(run, "pubmedqa"), nullptr);
  EXPECT_EQ(run_result_task(run, "MedQA"), nullptr);
  EXPECT_EQ(run_result_task(RunResult{}, "medqa"), nullptr);
}

TEST(ResultsFormat, WritesARunReadBackByteForByte) {
  std::filesystem::path from = testing::test_data_dir() / kFormat1Run;
  RunResult run = results_read(from);
  for (TaskResult& task : run.tasks) task.samples = samples_read(from / "samples" / (task.task + ".jsonl"));
  std::filesystem::path to = testing::work_dir("results_byte_for_byte");
  results_write(to, run);
  EXPECT_EQ(read_file(to / "results.json"), read_file(from / "results.json"));
  EXPECT_EQ(read_file(to / "samples" / "medqa.jsonl"), read_file(from / "samples" / "medqa.jsonl"));
  EXPECT_EQ(read_file(to / "samples" / "pubmedqa_gen.jsonl"), read_file(from / "samples" / "pubmedqa_gen.jsonl"));
}

std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ResultsFormat, ErrorsNameFileLineAndField) {
  std::filesystem::path dir = testing::work_dir("results_errors");
  std::filesystem::create_directories(dir / "samples");
  std::filesystem::path file = dir / "samples" / "medqa.jsonl";
  write_file_atomic(file, "{\"id\": \"a\"}\n\n{\"id\": \"b\", \"scores\": {\"acc\": \"high\"}}\n");
  std::string message = error_of([&] { samples_read(file); });
  EXPECT_NE(message.find("medqa.jsonl:3"), std::string::npos) << message;
  EXPECT_NE(message.find("scores.acc"), std::string::npos) << message;

  write_file_atomic(file, "{\"id\": \"a\", \"option_loglikelihoods\": [{\"logprob\": \"x\"}]}\n");
  message = error_of([&] { samples_read(file); });
  EXPECT_NE(message.find("medqa.jsonl:1"), std::string::npos) << message;
  EXPECT_NE(message.find("option_loglikelihoods[0].logprob"), std::string::npos) << message;

  write_file_atomic(file, "[1]\n");
  EXPECT_NE(error_of([&] { samples_read(file); }).find("a sample must be a JSON object"), std::string::npos);

  write_file_atomic(dir / "results.json", "{\"format_version\": 2, \"tasks\": {}}");
  message = error_of([&] { results_read(dir); });
  EXPECT_NE(message.find("format_version"), std::string::npos) << message;
  EXPECT_NE(message.find("newer clinbench"), std::string::npos) << message;

  write_file_atomic(dir / "results.json", "{\"format_version\": 1}");
  EXPECT_NE(error_of([&] { results_read(dir); }).find("not a clinbench results file"), std::string::npos);

  write_file_atomic(dir / "results.json", "{\"format_version\": 1, \"tasks\": {\"medqa\": {\"n\": \"8\"}}}");
  message = error_of([&] { results_read(dir); });
  EXPECT_NE(message.find("results.json"), std::string::npos) << message;
  EXPECT_NE(message.find("tasks.medqa.n"), std::string::npos) << message;

  write_file_atomic(dir / "results.json", "{\"format_version\": 1, \"tasks\": {}, \"config\": {\"seed\": -1}}");
  EXPECT_NE(error_of([&] { results_read(dir); }).find("config.seed"), std::string::npos);
}

TEST(ResultsFormat, CleanSubsetLeavesOutTheExcludedItems) {
  RunResult run;
  TaskResult task;
  task.task = "medqa";
  task.metric_order = {"acc"};
  for (int i = 0; i < 4; ++i) {
    Sample sample;
    sample.id = "q" + std::to_string(i);
    task.samples.push_back(sample);
  }
  task.per_sample["acc"] = {1, 0, 1, 1};
  run.tasks.push_back(task);
  results_add_clean_subsets(
      run, [](const std::string&, const std::string& id) { return id == "q1"; }, {1234, 200, 0.95});
  const TaskResult& done = run.tasks[0];
  ASSERT_TRUE(done.clean_subset);
  EXPECT_EQ(done.clean_subset->n, 3);
  EXPECT_EQ(done.clean_subset->excluded, 1);
  EXPECT_EQ(done.clean_subset->metrics.at("acc")->value, 1.0);  // the one wrong item was left out
  EXPECT_TRUE(done.samples[1].excluded);
  EXPECT_FALSE(done.samples[0].excluded);
}

}  // namespace
}  // namespace clinbench
