// Writes a multiple-choice task's rendered items (the very context and continuation texts
// `clinbench run` scores, shots included) in llama-perplexity's binary multiple-choice format,
// so that `llama-perplexity --multiple-choice -bf FILE` evaluates the same items as the peer in
// bench/run.sh. It also prints the token counts that the benchmark's ratios need:
//
//   items=N requests=N                   what was exported
//   request_tokens=N                     every request's tokens, as a harness without prefix
//                                        sharing evaluates them
//   unique_tokens=N                      the least a scorer must decode: the distinct prefixes
//                                        (a prefix tree over token ids) of every request without
//                                        its last token, whose logits nobody needs
//   peer_tokens=N                        what llama-perplexity decodes (per question: the common
//                                        prefix of its options once, then each option's rest)
//   peer_max_question_tokens=N           the largest question, to size llama-perplexity's -c
//   shared_prefix_tokens=N               the tokens every request starts with (the shot block):
//                                        the depth every other token attends over
//   token_mismatches=N                   requests whose tokens differ between the two tokenisations
//                                        (clinbench's context/continuation split and
//                                        llama-perplexity's question + " " + answer); 0 = same input
//
// File layout (llama.cpp tools/perplexity/perplexity.cpp, multiple_choice_score/deserialize),
// little-endian: u32 task count; u32 byte offset of each task from the start of the file; then
// per task: string question; u32 answer count, the answers as strings, one i32 label per answer
// (1 = correct); u32 count of "multiple correct" answers (always 0 here). A string is a u32 byte
// length followed by the bytes. llama-perplexity scores each answer as question + " " + answer,
// so a continuation must start with exactly that one space.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "backends/llama/continuation_split.h"
#include "backends/llama/llama_session.h"
#include "clinbench/backends.h"
#include "clinbench/core.h"
#include "clinbench/kinds.h"
#include "clinbench/prompt.h"
#include "clinbench/tasks.h"

namespace {

using namespace clinbench;

struct PerplexityTask {
  std::string question;
  std::vector<std::string> answers;
  std::vector<int32_t> labels;
};

void append_u32(std::string& out, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(char((value >> shift) & 0xffu));
}

void append_string(std::string& out, const std::string& text) {
  append_u32(out, uint32_t(text.size()));
  out += text;
}

std::string serialize(const std::vector<PerplexityTask>& tasks) {
  std::vector<std::string> bodies;
  for (const PerplexityTask& task : tasks) {
    std::string body;
    append_string(body, task.question);
    append_u32(body, uint32_t(task.answers.size()));
    for (const std::string& answer : task.answers) append_string(body, answer);
    for (int32_t label : task.labels) append_u32(body, uint32_t(label));
    append_u32(body, 0);  // mc2: no multiple-correct answers
    bodies.push_back(std::move(body));
  }
  std::string out;
  append_u32(out, uint32_t(tasks.size()));
  uint32_t offset = uint32_t(4 + 4 * tasks.size());
  for (const std::string& body : bodies) {
    append_u32(out, offset);
    offset += uint32_t(body.size());
  }
  for (const std::string& body : bodies) out += body;
  return out;
}

// Distinct token prefixes of all sequences: the nodes of a prefix tree over token ids.
class PrefixTree {
 public:
  void insert(const std::vector<llama_token>& tokens, size_t length) {
    int64_t node = 0;  // the root (empty prefix)
    for (size_t i = 0; i < length; ++i) {
      auto [it, added] = children_.try_emplace({node, tokens[i]}, int64_t(children_.size()) + 1);
      node = it->second;
    }
  }
  int64_t nodes() const { return int64_t(children_.size()); }

 private:
  std::map<std::pair<int64_t, llama_token>, int64_t> children_;
};

// llama-perplexity's work for one question: the options' common token prefix once, then the
// rest of each option (multiple_choice_prepare_one_task's required_tokens).
int64_t peer_question_tokens(const std::vector<std::vector<llama_token>>& options) {
  size_t shortest = options.front().size();
  for (const auto& tokens : options) shortest = std::min(shortest, tokens.size());
  size_t common = 0;
  while (common < shortest) {
    bool same = true;
    for (const auto& tokens : options) same = same && tokens[common] == options.front()[common];
    if (!same) break;
    ++common;
  }
  int64_t required = int64_t(common);
  for (const auto& tokens : options) required += int64_t(tokens.size() - common);
  return required;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Export a multiple-choice task's rendered items in llama-perplexity's binary "
               "multiple-choice format, with the token counts bench/run.sh needs."};
  std::filesystem::path model_path, out_path;
  std::string task_name = "medqa";
  TaskDataOptions data_options;
  data_options.data_dir = "data";
  app.add_option("--model", model_path, "GGUF whose tokenizer counts the tokens")->required();
  app.add_option("--task", task_name, "built-in task name or task YAML")->capture_default_str();
  app.add_option("--data-dir", data_options.data_dir, "folder with the data sets")->capture_default_str();
  app.add_option("--limit", data_options.limit, "first N items (as clinbench run --limit)");
  app.add_option("--num-fewshot", data_options.num_fewshot, "shots (as clinbench run --num-fewshot)");
  app.add_option("--seed", data_options.seed, "seed (as clinbench run --seed)")->capture_default_str();
  app.add_option("--out", out_path, "binary file to write")->required();
  CLI11_PARSE(app, argc, argv);

  try {
    TaskSpec spec = task_spec_find(task_name);
    if (spec.answer_form != TaskAnswerForm::option_letter || spec.scoring != TaskScoring::loglikelihood) {
      throw Error("task '" + spec.name + "' (" + spec.source +
                  "): only multiple-choice tasks scored by log-likelihood can be exported");
    }
    TaskData data = task_data_load(spec, data_options);
    BackendOptions backend_options;
    backend_options.threads = 1;
    auto backend = open_backend("gguf:" + model_path.string(), backend_options);
    std::vector<PromptedExample> prompts = task_prompts_build(spec, data, *backend);
    LlamaSession session(model_path, backend_options);

    std::vector<PerplexityTask> tasks;
    PrefixTree tree;
    int64_t requests = 0, request_tokens = 0, peer_tokens = 0, peer_max_question = 0, mismatches = 0;
    std::vector<llama_token> shared_prefix;
    for (size_t e = 0; e < prompts.size(); ++e) {
      const Example& example = data.examples[e];
      PerplexityTask task;
      std::vector<std::vector<llama_token>> peer_options;
      for (const LoglikelihoodRequest& request : prompts[e].option_requests) {
        ContinuationSplit split = split_trailing_whitespace(request.context, request.continuation);
        if (split.continuation.size() < 2 || split.continuation[0] != ' ' ||
            std::isspace(static_cast<unsigned char>(split.continuation[1]))) {
          throw Error("task '" + spec.name + "', item " + example.id + ": continuation '" + request.continuation +
                      "' does not start with exactly one space, which llama-perplexity puts between "
                      "question and answer");
        }
        if (task.question.empty()) task.question = split.context;
        std::string answer = split.continuation.substr(1);
        task.answers.push_back(answer);
        task.labels.push_back(int32_t(task.answers.size() - 1) == example.answer_index ? 1 : 0);

        TokenizedPair ours = tokenize_pair(session, request.context, request.continuation);
        tree.insert(ours.tokens, ours.tokens.size() - 1);
        if (requests == 0) shared_prefix = ours.tokens;
        shared_prefix.resize(token_common_prefix(shared_prefix, ours.tokens));
        request_tokens += int64_t(ours.tokens.size());
        ++requests;
        // common_tokenize(ctx, question + " " + answer, add_special = true, parse_special = false)
        peer_options.push_back(session.tokenize_with_bos(task.question + " " + answer, false));
        mismatches += peer_options.back() != ours.tokens;
      }
      int64_t question_tokens = peer_question_tokens(peer_options);
      peer_tokens += question_tokens;
      peer_max_question = std::max(peer_max_question, question_tokens);
      tasks.push_back(std::move(task));
    }
    write_file_atomic(out_path, serialize(tasks));
    std::printf("items=%zu\nrequests=%lld\nrequest_tokens=%lld\nunique_tokens=%lld\npeer_tokens=%lld\n"
                "peer_max_question_tokens=%lld\nshared_prefix_tokens=%zu\ntoken_mismatches=%lld\n",
                tasks.size(), static_cast<long long>(requests), static_cast<long long>(request_tokens),
                static_cast<long long>(tree.nodes()), static_cast<long long>(peer_tokens),
                static_cast<long long>(peer_max_question), shared_prefix.size(),
                static_cast<long long>(mismatches));
  } catch (const Error& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
  return 0;
}
