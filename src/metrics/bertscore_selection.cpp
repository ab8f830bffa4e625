#include "clinbench/bertscore_selection.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include "clinbench/sample_scoring.h"

namespace clinbench {

namespace {

// A summary task (scoring_wants_bertscore's rule): it reports ROUGE-1.
bool reports_rouge(const TaskSpec& spec) {
  return std::find(spec.metrics.begin(), spec.metrics.end(), "rouge1") != spec.metrics.end();
}

std::string model_flag(const std::string& name) {
  return "--bertscore-model " + (name.empty() ? std::string() : name + "=") + "gguf:PATH";
}

// What a --bertscore-model value (or the part after NAME=) is, read by ModelSpec.
enum class EmbeddingSpecShape { model, empty_target, other };

EmbeddingSpecShape embedding_spec_shape(std::string_view text) {
  if (std::optional<ModelSpec> spec = model_spec_try_parse(text)) {
    const BackendScheme* row = backend_scheme_find(spec->scheme);
    return row && row->open_embedder ? EmbeddingSpecShape::model : EmbeddingSpecShape::other;
  }
  // ModelSpec refuses "gguf:" (no target); that one is worth its own message.
  if (text.ends_with(':')) {
    const BackendScheme* row = backend_scheme_find(text.substr(0, text.size() - 1));
    if (row && row->open_embedder) return EmbeddingSpecShape::empty_target;
  }
  return EmbeddingSpecShape::other;
}

}  // namespace

std::vector<BertScoreModelArgument> bertscore_model_arguments_parse(std::span<const std::string> arguments) {
  std::vector<BertScoreModelArgument> models;
  for (const std::string& argument : arguments) {
    BertScoreModelArgument model;
    // An unnamed spec may hold '=' in its target (gguf:/m/a=b.gguf); a name never holds ':'.
    if (embedding_spec_shape(argument) != EmbeddingSpecShape::other) {
      model.spec = argument;
    } else {
      size_t equals = argument.find('=');
      if (equals == std::string::npos ||
          embedding_spec_shape(std::string_view(argument).substr(equals + 1)) == EmbeddingSpecShape::other) {
        throw Error("--bertscore-model '" + argument + "': expected gguf:PATH or NAME=gguf:PATH");
      }
      model.name = argument.substr(0, equals);
      model.spec = argument.substr(equals + 1);
      if (!bertscore_model_name_is_valid(model.name)) {
        throw Error("--bertscore-model '" + argument + "': the name '" + model.name +
                    "' may hold letters, digits, '_', '-' and '.' only");
      }
    }
    if (embedding_spec_shape(model.spec) == EmbeddingSpecShape::empty_target) {
      throw Error("--bertscore-model '" + argument + "': the path is empty");
    }
    for (const BertScoreModelArgument& earlier : models) {
      if (earlier.name == model.name) {
        throw Error("--bertscore-model '" + argument + "': " +
                    (model.name.empty() ? std::string("only one model may be unnamed; name them as NAME=gguf:PATH")
                                        : "the name '" + model.name + "' is given twice"));
      }
    }
    models.push_back(std::move(model));
  }
  return models;
}

std::vector<std::optional<BertScoreChoice>> bertscore_choose(std::span<const TaskSpec> specs,
                                                            std::span<const BertScoreModelArgument> models,
                                                            std::optional<int32_t> layer_override) {
  std::optional<size_t> unnamed;
  for (size_t m = 0; m < models.size(); ++m) {
    if (models[m].name.empty()) unnamed = m;
  }
  std::vector<std::optional<BertScoreChoice>> choices(specs.size());
  std::string unnamed_stands_for, unnamed_first_task;  // the task model the unnamed one serves
  for (size_t t = 0; t < specs.size(); ++t) {
    const TaskSpec& spec = specs[t];
    if (spec.answer_form != TaskAnswerForm::free_text) continue;
    bool lists = scoring_lists_bertscore(spec);
    if (!lists && (models.empty() || !reports_rouge(spec))) continue;
    if (models.empty()) {
      throw Error("task '" + spec.name + "' reports BERTScore; give " + model_flag(spec.bertscore_model) +
                  " (a BERT-style embedding GGUF)");
    }
    BertScoreChoice choice;
    choice.task_model = spec.bertscore_model;
    std::optional<size_t> model;
    for (size_t m = 0; m < models.size() && !spec.bertscore_model.empty(); ++m) {
      if (models[m].name == spec.bertscore_model) model = m;
    }
    if (!model && unnamed) {
      if (!spec.bertscore_model.empty()) {
        if (!unnamed_stands_for.empty() && unnamed_stands_for != spec.bertscore_model) {
          throw Error("tasks '" + unnamed_first_task + "' and '" + spec.name +
                      "' are scored with different BERTScore models ('" + unnamed_stands_for + "' and '" +
                      spec.bertscore_model + "', their bertscore.model) and one unnamed --bertscore-model was "
                      "given; name each: " + model_flag(unnamed_stands_for) + " " + model_flag(spec.bertscore_model));
        }
        unnamed_stands_for = spec.bertscore_model;
        unnamed_first_task = spec.name;
      }
      model = unnamed;
    }
    if (!model && spec.bertscore_model.empty() && models.size() == 1) model = 0;
    if (!model) {
      throw Error(spec.bertscore_model.empty()
                      ? "task '" + spec.name + "' names no BERTScore model (bertscore.model) and the run has " +
                            std::to_string(models.size()) + " named ones; give it an unnamed " + model_flag("")
                      : "task '" + spec.name + "' is scored with the BERTScore model '" + spec.bertscore_model +
                            "' (its bertscore.model); give " + model_flag(spec.bertscore_model));
    }
    choice.model = *model;
    if (layer_override) {
      choice.layer = *layer_override;
      choice.layer_source = "--bertscore-layer";
    } else if (spec.bertscore_layer > 0) {
      choice.layer = spec.bertscore_layer;
      choice.layer_source = "task";
    } else {
      choice.layer = 0;
      choice.layer_source = "last layer";
    }
    choices[t] = choice;
  }
  return choices;
}

nlohmann::json bertscore_choice_json(const BertScoreChoice& choice, std::span<const BertScoreModelArgument> models) {
  const BertScoreModelArgument& model = models[choice.model];
  return {{"model_name", model.name.empty() ? nlohmann::json(nullptr) : nlohmann::json(model.name)},
          {"task_model", choice.task_model.empty() ? nlohmann::json(nullptr) : nlohmann::json(choice.task_model)},
          {"layer_requested", choice.layer},
          {"layer_source", choice.layer_source}};
}

BertScoreEmbedders bertscore_embedders_open(std::span<const TaskSpec> specs,
                                            std::span<const std::optional<BertScoreChoice>> choices,
                                            std::span<const BertScoreModelArgument> models,
                                            const EmbeddingOptions& options) {
  BertScoreEmbedders embedders;
  embedders.of_task.assign(choices.size(), nullptr);
  embedders.choice_of_task.assign(choices.size(), nullptr);
  std::map<std::pair<size_t, int32_t>, Backend*> by_model_and_layer;
  for (size_t t = 0; t < choices.size(); ++t) {
    if (!choices[t]) continue;
    const BertScoreChoice& choice = *choices[t];
    Backend*& embedder = by_model_and_layer[{choice.model, choice.layer}];
    if (!embedder) {
      EmbeddingOptions layer_options = options;
      layer_options.layer = choice.layer;
      try {
        embedders.opened.push_back(open_embedding_backend(models[choice.model].spec, layer_options));
      } catch (const Error& e) {
        throw Error("task '" + specs[t].name + "', BERTScore layer " + std::to_string(choice.layer) + " (" +
                    choice.layer_source + "): " + e.what() +
                    (choice.layer_source == "task" ? " (--bertscore-layer N chooses another layer for every task)" : ""));
      }
      embedder = embedders.opened.back().get();
    }
    embedders.of_task[t] = embedder;
    embedders.choice_of_task[t] = bertscore_choice_json(choice, models);
  }
  return embedders;
}

}  // namespace clinbench
