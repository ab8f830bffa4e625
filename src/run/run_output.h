// What a run finds in its output folder (another run's results), and how it ends (complete,
// or with failed requests: kRunIncomplete). run_pipeline calls these; they print nothing.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "clinbench/results.h"
#include "clinbench/run.h"

namespace clinbench {

// Throws Error, before the model loads, when settings.output_dir holds a results.json of another
// model (results.model.spec) or of this model under another configuration (tasks, data, limit,
// few-shot count, seed, BERTScore model, retrieval, and the backend options that change answers),
// naming what differs; unless settings.overwrite. planned_config is this run's results.json
// config as far as it is known before the run.
void check_previous_results(const RunSettings& settings, const nlohmann::json& planned_config);

// --overwrite: removes output_dir/samples/TASK.jsonl of every task not among results.
void remove_other_samples(const std::filesystem::path& output_dir, const std::vector<TaskResult>& results);

// Adds to `messages` a line for each task's items without an answer by cause and for why the
// run is incomplete, and returns kRunIncomplete when a request failed (backend_error: the same
// command again retries it) or a task has no answered item; else 0.
int run_completeness_status(const std::vector<TaskResult>& results, std::vector<std::string>& messages);

}  // namespace clinbench
