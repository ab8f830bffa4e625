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
  // What retrieval added to the item's turn (empty without retrieval). The prompt identity that
  // compare checks leaves it out, so a run with retrieval pairs with the same run without.
  std::string retrieval_text;
  nlohmann::json details = nlohmann::json::object();  // e.g. the documents kept and their order
};

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
// the study's server cut). LongHealth prompts are CLUE's (prompt/longhealth_prompt.h). Retrieved
// passages count against the context window like any other text: a prompt that no longer fits is
// cut where the task cuts, else a context_overflow.
std::vector<PromptedExample> prompt_build(const TaskSpec& spec, const TaskData& data, const Backend& backend);

// The GBNF grammar allowing exactly one of the letters (e.g. "A".."D").
std::string prompt_letter_grammar(size_t option_count);

}  // namespace clinbench
