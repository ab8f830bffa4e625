// One task on one model: prompts built, requests run (sharing work inside the backend), each
// sample scored, metrics aggregated with bootstrap intervals. Nothing is dropped: every
// example yields a sample, and every failure is a counted status.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/engine.h"
#include "clinbench/results.h"
#include "clinbench/stats.h"
#include "clinbench/tasks.h"
#include "clinbench/sample_scoring.h"

namespace clinbench {

struct EvaluationOptions {
  uint64_t seed = 1234;               // bootstrap resampling
  int64_t bootstrap_resamples = 10000;
};

// cache may be null (no caching); every computed response is committed to it as it arrives.
TaskResult task_evaluate(Backend& backend, ResponseCache* cache, const TaskSpec& spec, const TaskData& data,
                         const EvaluationOptions& options, const ScoringResources& resources,
                         const ProgressCallback& progress);

}  // namespace clinbench
