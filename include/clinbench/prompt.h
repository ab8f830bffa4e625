// Prompts: a task's examples turned into backend requests. The same task, seed and shots give
// the same prompt text for every model, apart from each model's own chat template.
#pragma once

#include <string>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/tasks.h"

namespace clinbench {

// The requests of one example.
struct PromptedExample {
  std::string prompt;                              // the text the model sees (for samples)
  std::vector<LoglikelihoodRequest> option_requests;  // loglikelihood: one per option
  std::vector<std::string> option_continuations;   // loglikelihood: the scored text per option
  GenerationRequest generation;                    // generate
  int32_t truncated_tokens = 0;                    // tokens cut from the task's truncate field
  nlohmann::json details = nlohmann::json::object();  // e.g. the documents kept and their order
};

// Log-likelihood tasks use plain text, as lm-evaluation-harness does: optional system text,
// the shots (question, target delimiter, answer) joined by the few-shot delimiter, then the
// question; each option's continuation is scored. Generate tasks build a chat: system turn, a
// user/assistant turn per shot (answers carry the answer prefix), the question, then the
// answer prefix after the generation prompt, rendered by the backend's chat template. When the
// rendered prompt plus max_tokens does not fit the model's context window and the task names a
// truncate field, that field is cut from its end (in the model's tokens) until it fits, and the
// cut is recorded in truncated_tokens.
std::vector<PromptedExample> prompt_build(const TaskSpec& spec, const TaskData& data, const Backend& backend);

// The GBNF grammar allowing exactly one of the letters (e.g. "A".."D").
std::string prompt_letter_grammar(size_t option_count);

}  // namespace clinbench
