// Which BERTScore model and layer score each task of a run. The study scored MeQSum with
// SciBERT at layer 8 and problem lists and MeDiSumQA with Bio_ClinicalBERT at layer 9 (CLUE's
// bert_score fork, model2layers), so one run may need several models: the run names them
// (`--bertscore-model NAME=gguf:PATH`, suites' `bertscore_models:`), each task says which name
// and layer it wants (task YAML `bertscore: {model, layer}`).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/tasks.h"

namespace clinbench {

// One --bertscore-model argument: "NAME=gguf:PATH" (named) or "gguf:PATH" (unnamed).
struct BertScoreModelArgument {
  std::string name;  // empty = unnamed
  std::string spec;  // gguf:PATH
};

// Parses the arguments. Throws Error naming the argument when one is neither form, when two are
// unnamed, or when a name is used twice.
std::vector<BertScoreModelArgument> bertscore_model_arguments_parse(std::span<const std::string> arguments);

// How one task is scored.
struct BertScoreChoice {
  size_t model = 0;   // index into the arguments
  int32_t layer = 0;  // 1-based encoder layer; 0 = the model's last
  // Where the layer came from: "task" (its bertscore.layer: the study's), "--bertscore-layer",
  // or "last layer" (the task names none).
  std::string layer_source;
  std::string task_model;  // the task's bertscore.model ("" when it names none)
};

// For every task (same order): its choice, or nullopt when it gets no BERTScore. A generation
// task gets BERTScore when it lists a bertscore_ metric, or when it reports ROUGE and any model
// was given. Its model: the argument named as its bertscore.model; else the unnamed argument;
// else, for a task that names no model, the run's only argument. The unnamed argument stands for
// one model only: tasks that fall back to it must not name two different models. The layer:
// layer_override (--bertscore-layer; 0 = last) when given, else the task's bertscore.layer.
// Throws Error naming the task and what to give when a task's model is missing or ambiguous.
std::vector<std::optional<BertScoreChoice>> bertscore_choose(std::span<const TaskSpec> specs,
                                                            std::span<const BertScoreModelArgument> models,
                                                            std::optional<int32_t> layer_override);

// results.json's account of the choice (tasks.T.bertscore): the argument's name and spec, the
// task's bertscore.model, the layer asked for and where it came from.
nlohmann::json bertscore_choice_json(const BertScoreChoice& choice, std::span<const BertScoreModelArgument> models);

// The embedders a run's choices need: each (model, layer) opened once, before any task runs.
struct BertScoreEmbedders {
  std::vector<std::unique_ptr<Backend>> opened;  // embedding backends (open_embedding_backend)
  std::vector<Backend*> of_task;        // per task, same order as the choices; nullptr = none
  std::vector<nlohmann::json> choice_of_task;  // bertscore_choice_json per task; null = none
};

// Opens them with `options` (its layer replaced by each choice's). Throws Error naming the task,
// its layer and the model when one cannot be opened (a layer the model does not have, say).
BertScoreEmbedders bertscore_embedders_open(std::span<const TaskSpec> specs,
                                            std::span<const std::optional<BertScoreChoice>> choices,
                                            std::span<const BertScoreModelArgument> models,
                                            const EmbeddingOptions& options);

}  // namespace clinbench
