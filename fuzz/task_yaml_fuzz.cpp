// Task YAML (tasks/*.yaml, a user's own task file): task_spec_parse either returns a spec that
// validate() and its kind's checks accepted or throws an Error naming the file.
#include "clinbench/kinds.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clinbench;
  const char* target = "task_yaml";
  const std::string source = "fuzz/task.yaml";
  TaskSpec spec;
  try {
    spec = task_spec_parse(std::string(fuzz::input_text(data, size)), source);
  } catch (const Error& e) {
    fuzz::require_names_source(e, source, target);
    return 0;
  }
  fuzz::require(!spec.name.empty(), target, "a task has a name");
  fuzz::require(!spec.dataset_path.empty(), target, "a task names its data");
  fuzz::require(!spec.user_template.empty(), target, "a task has a prompt");
  fuzz::require(!spec.metrics.empty(), target, "a task lists metrics");
  fuzz::require(spec.max_tokens >= 1, target, "max_tokens is at least 1");
  fuzz::require(spec.num_fewshot >= 0, target, "the shot count is not negative");
  fuzz::require(spec.answer_rule == AnswerRule::robust || spec.answer_rule == AnswerRule::longhealth, target,
                "the answer rule is known");
  const TaskKindDefinition* kind = task_kind_find(spec.kind);
  fuzz::require(kind != nullptr, target, "the kind is a row of the kind table");
  fuzz::require(spec.answer_form == (kind->has_options ? TaskAnswerForm::option_letter : TaskAnswerForm::free_text),
                target, "the answer form is the kind's");
  fuzz::require(spec.longhealth.has_value() == (spec.kind == "longhealth"), target,
                "LongHealth settings exactly for kind: longhealth");
  fuzz::require(!spec.longhealth || (spec.longhealth->task >= 1 && spec.longhealth->task <= 3), target,
                "the LongHealth setting is 1, 2 or 3");
  fuzz::require(spec.source == source, target, "a spec names its file");
  if (spec.kind == "multiple_choice") {
    int ways = int(!spec.choices.options_field.empty()) + int(!spec.choices.option_fields.empty()) +
               int(!spec.choices.fixed_options.empty());
    fuzz::require(ways == 1, target, "options come exactly one way");
  }
  if (spec.kind != "multiple_choice") {
    fuzz::require(spec.scoring == TaskScoring::generate, target,
                  "generation and LongHealth tasks are scored by generate");
  }
  return 0;
}
