// Prompts: a task's examples turned into backend requests. The same task, seed and shots give
// the same prompt text for every model, apart from each model's own chat template.
#pragma once

#include <functional>
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
  // What retrieval added to the item's turn (empty without retrieval). The prompt identity that
  // compare checks leaves it out, so a run with retrieval pairs with the same run without.
  std::string retrieval_text;
  nlohmann::json details = nlohmann::json::object();  // e.g. the documents kept and their order
};

// Builds one example's generation chat for a kind that has its own (LongHealth): called with the
// example's index in TaskData::examples and the example as the model sees it (`shown`: retrieved
// passages added); fills request.chat and request.prompt, may add fields to `shown` and record
// what it did in details. The prompt builder then applies max_tokens, the cuts, stop and grammar.
using PromptGenerationComposer = std::function<void(size_t example_index, Example& shown,
                                                    const std::string& user_template, GenerationRequest& request,
                                                    nlohmann::json& details)>;

// Retrieval-augmented runs (docs/rag.md): an item's passages as {retrieved} shows them, best
// first, "[1] TITLE\nTEXT" (the title line only when there is one), separated by blank lines;
// kPromptNoPassages when nothing was retrieved. A user template without {retrieved} gets
// kPromptRetrievedHeading + the passages + a blank line before the item's question (never in
// the shots, which have no passages).
inline constexpr char kPromptRetrievedHeading[] = "Retrieved passages:\n";
inline constexpr char kPromptNoPassages[] = "(no passage retrieved)";
std::string prompt_retrieved_passages(const std::vector<RetrievedPassage>& passages);

// Log-likelihood tasks use plain text, as lm-evaluation-harness does: optional system text,
// the shots (question, target delimiter, answer) joined by the few-shot delimiter, then the
// question; each option's continuation is scored. Generate tasks build a chat: system turn, a
// user/assistant turn per shot (answers carry the answer prefix), the question, then the
// answer prefix after the generation prompt, rendered by the backend's chat template. When the
// rendered prompt plus max_tokens does not fit the model's context window and the task names a
// truncate field, that field is cut from its end (in the model's tokens) until it fits, and the
// cut is recorded in truncated_tokens. A task with truncate_prompt instead asks the engine to keep
// the prompt's last min(window - reserve, cap) tokens (GenerationRequest::truncate_prompt_tokens,
// the study's server cut). Retrieved passages count against the context window like any other
// text: a prompt that no longer fits is cut where the task cuts, else a context_overflow.
// A kind with its own chat (LongHealth, kinds.h) passes `compose`, which then builds each
// generation request's chat and prompt in place of the documents budget and the shots' chat.
// Callers build a task's prompts with kinds.h task_prompts_build, which passes its kind's.
std::vector<PromptedExample> prompt_build(const TaskSpec& spec, const TaskData& data, const Backend& backend,
                                          const PromptGenerationComposer& compose = {});

// The GBNF grammar allowing exactly one of the letters (e.g. "A".."D").
std::string prompt_letter_grammar(size_t option_count);

}  // namespace clinbench
