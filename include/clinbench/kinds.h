// Task kinds: what differs between multiple choice, generation and LongHealth, as one table.
// A kind is one file under src/kinds/ (its name and its checks of a task file, its records →
// examples mapping, its requests, its scoring of a generated answer, the texts the leakage audit
// reads, the text an item is retrieved with) plus one row in src/kinds/kind_table.cpp. The task
// file's `kind:` names the row (TaskSpec::kind); the stages above (engine, audit, the CLI) reach
// a kind only through this header, and the stages below read only what the kind set in the spec
// (TaskSpec::answer_form, its settings).
//
// Task files are read here too (task_spec_parse, task_spec_find, builtin_task_names): the tasks
// stage below reads the fields every kind has and takes the kinds' names, sections and checks as
// a parameter (tasks.h task_spec_read), since it cannot see this table; these pass the table, so
// a caller cannot get a spec its kind did not check.
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
  std::string_view name;  // what a task file's `kind:` says
  // Examples carry lettered options (answer_index, options): a sample's target is the answer's
  // letter and the sample lists the options; otherwise the target is the reference. A spec of
  // the kind carries it as TaskSpec::answer_form (option_letter or free_text).
  bool has_options = false;
  // The task file: the top-level sections only this kind reads (LongHealth: {"longhealth"}; a
  // file of another kind that has one is refused), the function that reads them into the spec,
  // and what the kind requires of a spec (tasks.h TaskFileKind; null: nothing).
  std::span<const std::string_view> sections = {};
  void (*read_sections)(const YamlReader& reader, const YAML::Node& root, TaskSpec& spec) = nullptr;
  std::vector<TaskFileProblem> (*check_spec)(const TaskSpec& spec) = nullptr;
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

// Every kind, in the table's order.
std::span<const TaskKindDefinition> task_kinds();

// The row named `name` (TaskSpec::kind), or nullptr.
const TaskKindDefinition* task_kind_find(std::string_view name);

// The row of a spec's kind; a name without a row (a spec built by hand) throws Error listing
// the kinds.
const TaskKindDefinition& task_kind_definition(std::string_view name);

// The kinds' names, comma-separated, in the table's order (for error messages).
std::string task_kind_names();

// What the task-file reader needs of each kind (tasks.h task_spec_read), in the table's order.
std::span<const TaskFileKind> task_file_kinds();

// Parses a task YAML text, checked by its kind. `source` names the file in errors
// ("FILE:LINE: field 'F': ...").
TaskSpec task_spec_parse(const std::string& yaml_text, const std::string& source);

// The built-in tasks, by name, in a stable order.
std::vector<std::string> builtin_task_names();

// A built-in task by name, or a YAML file by path (anything ending in .yaml/.yml or holding a
// '/'). Throws Error listing the known names when neither.
TaskSpec task_spec_find(const std::string& name_or_path);

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
