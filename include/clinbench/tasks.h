// Tasks: what to evaluate and how. A task is a YAML file (docs/tasks.md): where its data is and
// in which published layout, how records map to examples, the prompt, few-shot settings,
// decoding and metrics. Built-in tasks are the files in tasks/, compiled into the binary; a
// user's own YAML file is accepted by path wherever a task name is.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clinbench/core.h"
#include "clinbench/data.h"

namespace YAML {
class Node;
}

namespace clinbench {

class YamlReader;  // yaml_reader.h

// How LongHealth's letters are drawn (LongHealthSettings::document_order).
enum class LongHealthDocumentOrder {
  question,  // the published protocol: each question its own answer letters first and its own shuffle
  patient,   // one draw per patient and repeat: every question of a patient sees the same letters
};

// "question" | "patient"; nullopt for any other name.
std::optional<LongHealthDocumentOrder> longhealth_document_order_from_name(std::string_view name);
std::string_view longhealth_document_order_name(LongHealthDocumentOrder order);

// LongHealth's three settings (clinical-tasks.md): 1 the patient's own letters; 2 the answer
// letters plus other patients' letters; 3 other patients' letters only (the answer is F).
struct LongHealthSettings {
  int32_t task = 1;
  int32_t repeats = 5;          // draws per question in this setting
  // CLUE's max_len ("LongHealth8k"): the letters get this minus the tokens of the system prompt,
  // the user template (placeholders unfilled), the question and the options, counted as CLUE
  // counts them (docs/tasks.md, LongHealth).
  int32_t token_budget = 8140;
  // How the letters are drawn. "question" (the published protocol): each question's own answer
  // letters first and its own seeded shuffle. "patient": one draw per patient and repeat, with
  // the letters holding any of that patient's answers first, so every question of a patient in
  // one repeat sees the same letters in the same order and the engine computes them once.
  LongHealthDocumentOrder document_order = LongHealthDocumentOrder::question;
};

// How a generated answer to a multiple-choice item is read (prompt.answer_rule).
enum class AnswerRule {
  robust,      // the letter however the model phrases it (metrics.h answer_letter_extract)
  longhealth,  // the first match of `The correct answer is (\w):` only, as the study did
};

// "robust" | "longhealth"; nullopt for any other name.
std::optional<AnswerRule> answer_rule_from_name(std::string_view name);
std::string_view answer_rule_name(AnswerRule rule);

// Where a generation task's reference comes from (kind: generation; the `mapping` keys).
struct ReferenceMapping {
  std::string field;  // mapping.reference: the reference text
  // A reference field holding a list of objects (MeDiSumCode's icd_codes): the value under this
  // key of each, joined by `join`; the list itself is kept as {reference_items}.
  std::string item_key;
  std::string join = ", ";
  // Text replacements applied to the reference, in order (problem lists: ";" becomes ", ").
  std::vector<std::pair<std::string, std::string>> replace;
};

// CLUE's clean-up of a generated answer before it is scored, one step at a time in the order the
// task lists them (CLUE: eval_mednli.py 95-100, eval_meqsum.py 114-119, eval_ProblemSummary.py
// 119-123, eval_MeDiSumCode.py 116-121, eval_MeDiSumQA.py 122-124, eval_LongHealth.py 295-296).
enum class OutputCleanup {
  strip,               // Python's str.strip(): leading and trailing Unicode whitespace
  phi_end_split,       // output.split(" <|end|>")[0]: the text before Phi-3's end marker
  cut_self_prompting,  // re.sub(r"(You are an AI.*)|(\[INST\].*)|((<\|user\|>).*)", "", output)
};

// "strip" | "phi_end_split" | "cut_self_prompting"; nullopt for any other name.
std::optional<OutputCleanup> output_cleanup_from_name(std::string_view name);
std::string_view output_cleanup_name(OutputCleanup step);

// A BERTScore model's name (task files' bertscore.model, --bertscore-model NAME=...): letters,
// digits, '_', '-' and '.', not empty.
bool bertscore_model_name_is_valid(std::string_view name);

// What an item's answer is; a kind says which (kinds.h) and the spec carries it, so the stages
// below the kinds (metrics, BERTScore, ICD codes) decide by it rather than by the kind's name.
enum class TaskAnswerForm {
  option_letter,  // one of lettered options (multiple choice, LongHealth)
  free_text,      // text compared with a reference (generation)
};

enum class TaskScoring {
  loglikelihood,  // each option's continuation scored by log-probability (acc, acc_norm)
  generate,       // the model answers in its chat template; the answer is read from the text
};

// A task: the fields every kind has, then each kind's own settings (read only for that kind; the
// spec parser refuses another kind's keys where they would be silently ignored).
struct TaskSpec {
  std::string name;
  std::string description;
  std::string citation;       // data and prompt sources to credit
  std::string source;         // the YAML file it came from ("builtin:tasks/medqa.yaml" or a path)

  // Data, relative to the data directory (absolute paths, or ones that climb out with "..",
  // only with TaskDataOptions::allow_absolute_paths).
  std::string dataset_path;   // may hold a * in the file name (MMLU medical: six files)
  DatasetReadOptions read_options;
  std::string select_keys_path;  // optional: keep records whose key is a key of this JSON file
  std::string fewshot_path;      // optional: shots come from this split, not from the items
  std::string data_url;          // where a user gets the data (shown by `clinbench tasks`)

  // The kind's name, as the task file's `kind:` says it ("multiple_choice", "generation",
  // "longhealth", ...): a row of the kind table (kinds.h), which resolves it. The stages below the
  // kinds do not branch on it; they read what the kind set in the spec (answer_form, the
  // per-kind settings below).
  std::string kind = "multiple_choice";
  // What an item's answer is: set from the kind when the file is read.
  TaskAnswerForm answer_form = TaskAnswerForm::option_letter;
  std::string id_field;               // the item id's field; empty = key or position
  // Alternative names of a field: a record without the field uses the first alternative it has
  // (MeDiSumQA: without_discharge_summary or discharge_summary).
  std::map<std::string, std::vector<std::string>> field_aliases;

  // Prompt. Templates use {field} for a record field and these specials:
  //   {question} {context} {options} (the lettered option lines) {letter} {option}
  //   {answer_letter} {answer_text} {reference} {retrieved} (the passages of a retrieval-
  //   augmented run; empty in shots and in runs without retrieval). "{{" and "}}" are literal.
  TaskScoring scoring = TaskScoring::loglikelihood;
  std::string system_prompt;          // generate: the system turn (may be empty)
  std::string user_template;          // the question as the model sees it
  std::string option_template = "{letter}. {option}";
  std::string assistant_template;     // generate: a few-shot answer turn
  std::string answer_prefix;          // generate: appended after the generation prompt
  std::string continuation_template = " {letter}";  // loglikelihood: what is scored per option
  std::string fewshot_delimiter = "\n\n";           // loglikelihood: between plain-text shots
  std::string target_delimiter = " ";               // loglikelihood: between question and answer
  // generate: the field cut (from its end, in tokens) when the prompt plus max_tokens does not
  // fit the context window; each cut is recorded per sample and counted in results.json.
  std::string truncate_field;
  // generate: a field holding a list of documents rendered into {documents}: taken in order
  // until documents_budget tokens (minus the system prompt) are used, the one that overflows cut
  // and the rest dropped, then shuffled (seeded per sample) when documents_shuffle is set.
  int32_t documents_budget = 0;
  std::string documents_separator = "\n\n--------------\n\n";
  bool documents_shuffle = false;
  // Options tasks scored by generate: how the letter is read from the answer.
  AnswerRule answer_rule = AnswerRule::robust;
  // Retrieval-augmented runs (docs/rag.md): the template of the text an item is retrieved with;
  // empty = the default of its kind (kinds.h task_retrieval_query). The passages go into {retrieved} in
  // the user template, or, without that slot, into a block before the item's question.
  std::string retrieval_query;

  int32_t num_fewshot = 0;
  bool fewshot_shuffle = false;       // shuffle (seeded) before taking the shots (MeDiSumQA)
  // >= 0: that shuffle is CPython's random.seed(N); random.shuffle(items) (CLUE's MeDiSumQA,
  // N = 1), whatever --seed is; < 0: a shuffle seeded with --seed.
  int64_t fewshot_shuffle_python_seed = -1;

  // Generation.
  int32_t max_tokens = 32;
  std::vector<std::string> stop;
  bool constrain_to_letter = false;   // a grammar allows only one option letter
  // The reference study's server cut (TGI `truncate`): a rendered prompt longer than
  // min(window - truncate_reserve, truncate_cap) tokens keeps only its last that many; each cut
  // is flagged per sample and counted in results.json. reserve < 0 = max_tokens; cap 0 = none.
  bool truncate_prompt = false;
  int32_t truncate_reserve = -1;
  int32_t truncate_cap = 0;

  std::vector<std::string> metrics;   // what results.json reports, in order
  int64_t metrics_line = 0;           // line of the `metrics` key in `source` (0: none), for errors

  // Applied to each generated answer before any metric reads it; the raw text stays in the
  // samples (`response`) beside the scored one (`scored_response`). Empty = scored as generated.
  std::vector<OutputCleanup> output_cleanup;
  // BERTScore as the study ran it: which of the run's named BERTScore models scores this task
  // (`--bertscore-model NAME=gguf:PATH`; empty = the run's only one) and which encoder layer,
  // counted from 1 (0 = the model's last). MeQSum: scibert, 8; problem lists, MeDiSumQA:
  // bio_clinicalbert, 9 (bert_score's model2layers, which CLUE's fork used).
  std::string bertscore_model;
  int32_t bertscore_layer = 0;
  // Items that are not independent share a cluster: the value of this example field (or the
  // item's id for "id") is the cluster key, stored per sample as "cluster". Bootstrap intervals
  // (run's and compare's) resample whole clusters and compare's tests flip them. LongHealth:
  // question_id, so the draws of one question are one cluster. Empty = every item its own.
  std::string cluster_by;

  // Each kind's own settings. The mappings are read from the common `mapping` section (a kind
  // checks the keys it needs); a section of the file that one kind owns fills a std::optional,
  // set exactly when the spec is of that kind.
  MultipleChoiceMapping choices;      // options, an answer (multiple choice)
  ReferenceMapping reference;         // a reference text (generation)
  std::optional<LongHealthSettings> longhealth;  // the `longhealth:` section (kind: longhealth)
};

// A problem a kind finds in a task file: the field as errors name it ("mapping.question") and
// what is wrong ("missing").
struct TaskFileProblem {
  std::string field;
  std::string message;
};

// What the task-file reader needs of a kind. The kind table (kinds.h) gives one per row, from
// the row's own fields, so a kind's name and checks live in its file under src/kinds/.
struct TaskFileKind {
  std::string_view name;                  // what a task file's `kind:` says
  TaskAnswerForm answer_form = TaskAnswerForm::option_letter;
  std::span<const std::string_view> sections = {};  // top-level sections only this kind reads
  // Reads those sections into the spec's settings for the kind (null: it has none). Errors
  // through reader.fail, naming file, line and field.
  void (*read_sections)(const YamlReader& reader, const YAML::Node& root, TaskSpec& spec) = nullptr;
  // What the kind requires of a spec once every field is read (null: nothing); the first
  // problem stops the reading.
  std::vector<TaskFileProblem> (*check)(const TaskSpec& spec) = nullptr;
};

// Parses a task YAML text whose `kind:` names one of `kinds`: the fields every kind has, then
// the kind's sections and checks. `source` names the file in errors ("FILE:LINE: field 'F':
// ..."). The kinds are a parameter because they live in a stage above this one: callers use
// kinds.h task_spec_parse / task_spec_find, which pass the kind table, so no spec escapes its
// kind's checks.
TaskSpec task_spec_read(const std::string& yaml_text, const std::string& source, std::span<const TaskFileKind> kinds);

// A task file compiled into the binary (tasks/*.yaml, cmake/EmbedTasks.cmake).
struct BuiltinTaskFile {
  std::string source;  // "builtin:tasks/medqa.yaml"
  std::string yaml;
};

// The built-in task files, in a stable order (kinds.h reads them: builtin_task_names,
// task_spec_find).
const std::vector<BuiltinTaskFile>& builtin_task_files();

// A passage retrieved for an item in a retrieval-augmented run (rag.h).
struct RetrievedPassage {
  std::string id;      // the corpus document's id
  int32_t chunk = 0;   // 0-based passage of that document
  double score = 0;    // the retrieval mode's score, higher = better
  std::string title;   // may be empty
  std::string text;
};

// One item to evaluate, whatever the task kind.
struct Example {
  std::string id;                     // the dataset's own id, else the 0-based position
  int64_t line = 0;
  std::string source;
  nlohmann::json fields;              // everything templates may use
  std::vector<std::string> options;   // multiple choice
  int answer_index = -1;              // multiple choice: 0-based
  std::string reference;              // generation: the reference text
  // Retrieval-augmented runs: the passages retrieved for this item, best first (empty when
  // nothing matched). nullopt = no retrieval in this run.
  std::optional<std::vector<RetrievedPassage>> retrieved;
};

struct TaskData {
  std::vector<Example> examples;      // to evaluate (shots taken from items are not here)
  std::vector<Example> shots;         // few-shot examples, in prompt order
  int64_t dataset_items = 0;          // records in the dataset before --limit and shots
  std::vector<std::filesystem::path> files;  // what was read, for fingerprints
  // Documents that examples name by id in their `document_ids` (LongHealth's letters), stored
  // once rather than copied into every draw.
  std::map<std::string, std::string> documents;
  // Facts about the data worth reporting with the results (results.json tasks.T.data_notes),
  // e.g. LongHealth questions whose `correct` text several options contain.
  nlohmann::json notes = nlohmann::json::object();
};

struct TaskDataOptions {
  std::filesystem::path data_dir;
  int64_t limit = -1;                 // < 0: all
  int32_t num_fewshot = -1;           // < 0: the task's own
  uint64_t seed = 1234;
  // Whether the task's data paths may be absolute or climb out of data_dir (--allow-absolute-
  // paths); otherwise such a path is an Error naming the task file and field.
  bool allow_absolute_paths = false;
  // In (0, 1): evaluate this share of the items (after shots), rounded up, as lm-eval's
  // --limit 0.1 does; 0 = none (limit applies).
  double limit_fraction = 0;
};

// A kind's mapping of records to examples (kinds.h: TaskKindDefinition::load_examples). The
// records are read, selected by select_keys and have their field aliases applied. A mapper may
// store documents the examples name, add data notes, and set dataset_items (preset to the
// number of records) when an item is not a record (LongHealth: one per question and draw).
// Throws Error naming file, line and field.
using TaskExampleMapper = std::vector<Example> (*)(const TaskSpec& spec, const std::vector<Record>& records,
                                                   uint64_t seed, std::map<std::string, std::string>& documents,
                                                   nlohmann::json& notes, int64_t& dataset_items);

// Reads and validates a task's data before any model work, mapping records with the task kind's
// mapper: every error names file, line and field. Shots come from fewshot_path when the task has
// one, else they are the first K items (which are then not scored). Callers use kinds.h
// task_data_load, which picks the mapper of the task's kind.
TaskData task_data_read(const TaskSpec& spec, const TaskDataOptions& options, TaskExampleMapper map_examples);

// The {name}s a template uses, in order, each once ("{{" and "}}" are not names). Throws Error
// for an unclosed '{'.
std::vector<std::string> task_template_fields(const std::string& template_text);

// A field's value as a template shows it: a string as is, a list one element a line, null as
// nothing, anything else as JSON.
std::string task_field_text(const nlohmann::json& value);

// Renders a template with an example's fields; throws Error naming the task and the unknown
// field. `extra` adds or overrides fields (letter, option, ...).
std::string task_template_render(const std::string& template_text, const Example& example,
                                 const TaskSpec& spec,
                                 const std::map<std::string, std::string>& extra = {});

}  // namespace clinbench
