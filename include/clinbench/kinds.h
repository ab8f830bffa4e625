// Task kinds: what differs between multiple choice, generation and LongHealth, as one table.
// A kind is one file under src/kinds/ (its records → examples mapping, its requests, its scoring
// of a generated answer, the texts the leakage audit reads, the text an item is retrieved with)
// plus one row in src/kinds/kind_table.cpp. The task file's `kind:` names the row (tasks.h
// TaskKind); the stages above (engine, audit, the CLI) reach a kind only through this header.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/prompt.h"
#include "clinbench/tasks.h"

namespace clinbench {

// Per-sample scoring (metrics stage, sample_scoring.h): only the kinds' files and the engine call
// a row's score_generated.
struct SampleScore;
struct ScoringResources;

// One kind of task. Every function is stateless and safe to call from several threads.
struct TaskKindDefinition {
  TaskKind kind;
  // Examples carry lettered options (answer_index, options): a sample's target is the answer's
  // letter and the sample lists the options; otherwise the target is the reference.
  bool has_options = false;
  // Records (read, selected, aliased by the tasks stage) → examples (tasks.h TaskExampleMapper).
  TaskExampleMapper load_examples = nullptr;
  // The requests of every example, in the examples' order (prompt.h PromptedExample).
  std::vector<PromptedExample> (*build_requests)(const TaskSpec& spec, const TaskData& data,
                                                 const Backend& backend) = nullptr;
  // One generated answer scored against its example (the task's output_cleanup applied first).
  // Log-likelihood scoring of options is the same for every kind that allows it
  // (sample_scoring.h score_loglikelihood_choice).
  SampleScore (*score_generated)(const TaskSpec& spec, const Example& example, const GenerationResponse& response,
                                 const ScoringResources& resources) = nullptr;
  // The texts of the documents an item's {documents} shows, for the leakage audit.
  std::vector<std::string> (*item_documents)(const TaskSpec& spec, const TaskData& data,
                                             const Example& example) = nullptr;
  // The text an item is retrieved with when the task sets no prompt.retrieval_query.
  std::string (*retrieval_query)(const TaskSpec& spec, const Example& example) = nullptr;
};

// Every kind, in TaskKind's order.
std::span<const TaskKindDefinition> task_kinds();

// The row of a kind (every TaskKind has one; a kind without a row is a bug, asserted).
const TaskKindDefinition& task_kind_definition(TaskKind kind);

// Reads and validates a task's data (tasks.h task_data_read) with its kind's mapping.
TaskData task_data_load(const TaskSpec& spec, const TaskDataOptions& options);

// The requests of a task's examples, built the way its kind builds them (prompt.h prompt_build,
// LongHealth's letters fitted as CLUE fits them).
std::vector<PromptedExample> task_prompts_build(const TaskSpec& spec, const TaskData& data, const Backend& backend);

// Retrieval-augmented runs (docs/rag.md): the text an item is searched with: the task's
// prompt.retrieval_query rendered, else its kind's default (multiple choice and LongHealth: the
// question; generation: the fields its user template shows, one a line, leaving out the answer,
// the reference and the template specials).
std::string task_retrieval_query(const TaskSpec& spec, const Example& example);

// task_retrieval_query of every example, in order.
std::vector<std::string> task_retrieval_queries(const TaskSpec& spec, const TaskData& data);

// The documents an item names in `document_ids` that TaskData holds: the texts of the kinds
// that draw documents without a patient (the default item_documents).
std::vector<std::string> task_named_documents(const TaskData& data, const Example& example);

}  // namespace clinbench
