#include "test_support.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace clinbench::testing {

namespace {

std::filesystem::path from_environment(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) {
    throw std::runtime_error(std::string(name) + " is not set: run tests through ctest");
  }
  return value;
}

}  // namespace

std::filesystem::path test_data_dir() { return from_environment("CLINBENCH_TEST_DATA_DIR"); }

std::filesystem::path shared_data_dir() { return from_environment("CLINBENCH_SHARED_DATA_DIR"); }

std::filesystem::path source_dir() { return from_environment("CLINBENCH_SOURCE_DIR"); }

std::filesystem::path clinbench_binary() { return from_environment("CLINBENCH_BINARY"); }

CommandOutcome run_clinbench(const std::string& arguments) {
  std::string command = clinbench_binary().string() + " " + arguments + " 2>&1";
  CommandOutcome outcome;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot start " + command);
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) outcome.output.append(buffer, n);
  int raw = pclose(pipe);
  outcome.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return outcome;
}

int run_clinbench(const std::string& arguments, std::string& output) {
  CommandOutcome outcome = run_clinbench(arguments);
  output += outcome.output;
  return outcome.status;
}

std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::vector<nlohmann::json> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

std::filesystem::path work_dir(const std::string& name) {
  std::filesystem::path dir = from_environment("CLINBENCH_TEST_WORK_DIR") / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace clinbench::testing

#include "clinbench/study_models.h"
#include "clinbench/test_model.h"
#include "clinbench/core.h"

namespace clinbench::testing {

std::filesystem::path llama_vocab(const std::string& name) {
  return std::filesystem::path(CLINBENCH_LLAMA_MODELS_DIR) / ("ggml-vocab-" + name + ".gguf");
}

std::filesystem::path tiny_model(const std::string& vocab, const std::string& chat_template,
                                 const TinyModelShape& shape) {
  std::string key = vocab + "|" + chat_template + "|" + std::to_string(shape.layers) + "|" +
                    std::to_string(shape.embedding) + "|" + std::to_string(shape.heads) + "|" +
                    std::to_string(shape.kv_heads) + "|" + std::to_string(shape.feed_forward) +
                    "|" + shape.type + "|" + std::to_string(shape.seed);
  std::filesystem::path dir = from_environment("CLINBENCH_TEST_WORK_DIR") / "models";
  std::filesystem::create_directories(dir);
  std::filesystem::path path = dir / (vocab + "-" + hex64(hash64(key)) + ".gguf");
  if (std::filesystem::exists(path)) return path;
  TestModelOptions options;
  options.vocab_path = llama_vocab(vocab);
  options.out_path = path;
  options.chat_template = chat_template;
  options.layers = shape.layers;
  options.embedding = shape.embedding;
  options.heads = shape.heads;
  options.kv_heads = shape.kv_heads;
  options.feed_forward = shape.feed_forward;
  options.type = shape.type;
  options.seed = shape.seed;
  write_test_model(options);  // writes FILE.partial then renames: concurrent tests are safe
  return path;
}

std::filesystem::path study_twin(const std::string& name) {
  const StudyModelTwin* twin = study_model_twin_find(name);
  if (!twin) throw Error("no study model twin named " + name);
  std::filesystem::path dir = from_environment("CLINBENCH_TEST_WORK_DIR") / "models";
  std::filesystem::create_directories(dir);
  std::filesystem::path path = dir / ("twin-" + name + ".gguf");
  if (std::filesystem::exists(path)) return path;
  TestModelOptions options;
  test_model_apply_twin(options, *twin, llama_vocab(twin->vocab).parent_path());
  options.out_path = path;
  options.embedding = 32;  // what `make-test-model --like` writes by default
  options.feed_forward = 64;
  options.type = "f16";
  write_test_model(options);
  return path;
}

std::filesystem::path tiny_bert_model(const TinyModelShape& shape, int32_t context_length) {
  std::string key = "bert|" + std::to_string(shape.layers) + "|" + std::to_string(shape.embedding) +
                    "|" + std::to_string(shape.heads) + "|" + std::to_string(shape.feed_forward) +
                    "|" + shape.type + "|" + std::to_string(shape.seed) + "|" +
                    std::to_string(context_length);
  std::filesystem::path dir = from_environment("CLINBENCH_TEST_WORK_DIR") / "models";
  std::filesystem::create_directories(dir);
  std::filesystem::path path = dir / ("bert-bge-" + hex64(hash64(key)) + ".gguf");
  if (std::filesystem::exists(path)) return path;
  TestModelOptions options;
  options.architecture = "bert";
  options.vocab_path = llama_vocab("bert-bge");
  options.out_path = path;
  options.layers = shape.layers;
  options.embedding = shape.embedding;
  options.heads = shape.heads;
  options.feed_forward = shape.feed_forward;
  options.context_length = context_length;
  options.type = shape.type;
  options.seed = shape.seed;
  write_test_model(options);  // writes FILE.partial then renames: concurrent tests are safe
  return path;
}

}  // namespace clinbench::testing
