// Paths and fixtures shared by the tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace clinbench::testing {

// tests/data in the source tree (golden files, fixtures).
std::filesystem::path test_data_dir();

// ../shared/data beside the repository (real public data sets).
std::filesystem::path shared_data_dir();

// The repository's root (suites/, fuzz/ and the like).
std::filesystem::path source_dir();

// A scratch folder for this test binary under build/test-work/NAME, emptied on first use.
std::filesystem::path work_dir(const std::string& name);

// The built clinbench binary (for tests that run the CLI as a child process).
std::filesystem::path clinbench_binary();

// `clinbench ARGUMENTS` run to completion: its exit status (-1 if killed) and stdout + stderr.
struct CommandOutcome {
  int status = -1;
  std::string output;
};
CommandOutcome run_clinbench(const std::string& arguments);
// The same, appending the output to `output` and returning the status.
int run_clinbench(const std::string& arguments, std::string& output);

// Every line of a JSON Lines file (samples/TASK.jsonl), parsed.
std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& file);

}  // namespace clinbench::testing

namespace clinbench::testing {

// llama.cpp's vocab-only GGUFs (models/ggml-vocab-NAME.gguf): real tokenizers.
std::filesystem::path llama_vocab(const std::string& name);

struct TinyModelShape {
  int32_t layers = 2;
  int32_t embedding = 64;
  int32_t heads = 4;
  int32_t kv_heads = 2;
  int32_t feed_forward = 128;
  std::string type = "f32";
  uint64_t seed = 42;
};

// A tiny random-weight model on the named vocab ("llama-spm", "llama-bpe", ...), generated
// once per build under build/test-work/models and reused. chat_template as in
// TestModelOptions ("" keeps the vocab's, "none", "llama3", "chatml", "mistral").
std::filesystem::path tiny_model(const std::string& vocab, const std::string& chat_template = "",
                                 const TinyModelShape& shape = {});

// The twin of a study model (`make-test-model --like NAME`, study_models.h): its tokenizer,
// trained context, special tokens and published chat template on a tiny random-weight model,
// generated once per build like tiny_model.
std::filesystem::path study_twin(const std::string& name);

// A tiny random-weight BERT-architecture embedding model (per-token embeddings, no pooling) on
// llama.cpp's BERT WordPiece vocab (ggml-vocab-bert-bge), generated once per build like
// tiny_model. kv_heads is ignored (BERT has none); context_length is its number of positions.
std::filesystem::path tiny_bert_model(const TinyModelShape& shape = {}, int32_t context_length = 512);

}  // namespace clinbench::testing
