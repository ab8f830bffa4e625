// clinbench audit: are a benchmark's items inside a training corpus (n-gram overlap), or inside
// a model (Min-K% Prob, base against fine-tune)? docs/audit.md explains the numbers.
#include <cstdio>

#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "cli/run_options.h"
#include "clinbench/audit.h"
#include "clinbench/backends.h"
#include "clinbench/kinds.h"
#include "cli/progress_bar.h"

namespace clinbench::cli {

namespace {

struct AuditSettings {
  std::vector<std::string> tasks;
  std::vector<std::filesystem::path> corpora;
  std::vector<std::string> models;
  int32_t ngram = kAuditDefaultNgram;
  double threshold = kAuditDefaultThreshold;
  std::string text_field = "text";
  double min_k_percent = kAuditDefaultMinKPercent;
  size_t top = 20;
  std::filesystem::path data_dir = default_data_dir();
  int64_t limit = -1;
  int32_t num_fewshot = -1;
  uint64_t seed = 1234;
  bool allow_absolute_paths = false;
  std::filesystem::path output_dir = "clinbench-audit";
  std::filesystem::path cache;
  BackendOptions backend;
};

struct LoadedTask {
  TaskSpec spec;
  std::vector<std::string> ids;
  std::vector<std::vector<std::string>> texts;
};

// Display names of the models: the GGUF file's stem or the server's model name, made unique.
std::vector<AuditModel> model_names(const std::vector<std::string>& specs, const BackendOptions& backend) {
  std::vector<AuditModel> models;
  for (const std::string& spec : specs) {
    std::string name = spec;
    if (std::optional<ModelSpec> parsed = model_spec_try_parse(spec)) {
      if (std::string display = model_spec_display_name(*parsed, backend.model_name); !display.empty()) name = display;
    }
    std::string unique = name;
    for (int copy = 2;; ++copy) {
      bool taken = false;
      for (const AuditModel& other : models) taken |= other.name == unique;
      if (!taken) break;
      unique = name + "#" + std::to_string(copy);
    }
    models.push_back({unique, spec, ""});
  }
  return models;
}

int run_audit(const AuditSettings& settings) {
  if (settings.corpora.empty() && settings.models.empty()) {
    throw Error("audit needs --corpus FILE (n-gram overlap) or --model SPEC (Min-K% Prob), or both");
  }
  if (!(settings.threshold >= 0 && settings.threshold <= 1)) throw Error("--threshold must be in [0, 1]");

  // Items exactly as `run` sees them with the same data flags: same ids, same order.
  std::vector<LoadedTask> tasks;
  TaskDataOptions data_options{settings.data_dir, settings.limit, settings.num_fewshot, settings.seed,
                               settings.allow_absolute_paths};
  for (const std::string& name : settings.tasks) {
    LoadedTask task{task_spec_find(name), {}, {}};
    TaskData data = task_data_load(task.spec, data_options);
    for (const Example& example : data.examples) {
      task.ids.push_back(example.id);
      task.texts.push_back(audit_item_texts(task.spec, data, example));
    }
    tasks.push_back(std::move(task));
  }
  std::filesystem::create_directories(settings.output_dir);

  AuditReport report;
  report.ngram = settings.ngram;
  report.threshold = settings.threshold;
  report.text_field = settings.text_field;
  report.min_k_percent = settings.min_k_percent;
  report.config = {{"tasks", settings.tasks},       {"data_dir", settings.data_dir.string()},
                   {"limit", settings.limit},       {"num_fewshot", settings.num_fewshot},
                   {"seed", settings.seed},         {"top", settings.top}};
  for (const LoadedTask& task : tasks) {
    AuditTaskResult result{task.spec.name, {}};
    for (const std::string& id : task.ids) result.items.push_back({id, {}, false, {}});
    report.tasks.push_back(std::move(result));
  }

  if (!settings.corpora.empty()) {
    AuditNgramIndex index(settings.ngram);
    std::vector<std::vector<size_t>> item_index(tasks.size());
    for (size_t t = 0; t < tasks.size(); ++t) {
      for (const auto& texts : tasks[t].texts) item_index[t].push_back(index.add_item(texts));
    }
    std::fprintf(stderr, "%lld distinct %d-grams in %zu items of %zu tasks\n", (long long)index.distinct_ngrams(),
                 settings.ngram, index.item_count(), tasks.size());
    AuditCorpusOptions corpus_options;
    corpus_options.text_field = settings.text_field;
    for (const std::filesystem::path& corpus : settings.corpora) {
      ProgressBar bar(corpus.filename().string(), "", ProgressFormat::bytes);
      report.corpora.push_back(audit_corpus_scan(corpus, index, corpus_options,
                                                 [&bar](int64_t done, int64_t total) { bar.update(done, total); }));
    }
    for (size_t t = 0; t < tasks.size(); ++t) {
      for (size_t i = 0; i < tasks[t].ids.size(); ++i) {
        AuditItemResult& item = report.tasks[t].items[i];
        item.overlap = index.item_overlap(item_index[t][i]);
        std::optional<double> overlap = item.overlap.overlap();
        item.flagged = overlap && *overlap >= settings.threshold;
      }
    }
  }

  if (!settings.models.empty()) {
    report.models = model_names(settings.models, settings.backend);
    std::unique_ptr<ResponseCache> cache;
    if (!settings.cache.empty()) cache = std::make_unique<ResponseCache>(settings.cache);
    for (size_t m = 0; m < report.models.size(); ++m) {
      std::fprintf(stderr, "loading %s\n", report.models[m].spec.c_str());
      std::unique_ptr<Backend> backend = open_backend(report.models[m].spec, settings.backend);
      report.models[m].fingerprint = backend->info().fingerprint;
      for (size_t t = 0; t < tasks.size(); ++t) {
        std::vector<std::string> joined;
        for (const auto& texts : tasks[t].texts) {
          std::string text;
          for (const std::string& piece : texts) text += (text.empty() ? "" : "\n") + piece;
          joined.push_back(std::move(text));
        }
        ProgressBar bar(tasks[t].spec.name + " min-k", "texts");
        std::vector<AuditMinK> scores =
            audit_min_k_scores(*backend, cache.get(), "audit:" + tasks[t].spec.name, joined, settings.min_k_percent,
                               [&bar](int64_t done, int64_t total) { bar.update(done, total); });
        for (size_t i = 0; i < scores.size(); ++i) report.tasks[t].items[i].min_k.push_back(scores[i]);
      }
    }
  }

  audit_write(settings.output_dir, report, settings.top);
  std::printf("\n%s\n", audit_table(report, settings.top).c_str());
  std::printf("per item: %s/TASK.jsonl; summary: %s\n", settings.output_dir.c_str(),
              (settings.output_dir / "audit.json").c_str());
  if (!report.corpora.empty()) {
    std::printf("flagged ids (for run --exclude-ids): %s\n", (settings.output_dir / "flagged.tsv").c_str());
  }
  return 0;
}

}  // namespace

Command add_audit_command(CLI::App& parent) {
  auto settings = std::make_shared<AuditSettings>();
  CLI::App* app = parent.add_subcommand(
      "audit",
      "Check whether benchmark items leaked into training data. With --corpus: the share of each\n"
      "item's word n-grams (NFKC, case folded, punctuation removed) found in corpus files\n"
      "(JSONL or plain text, zstd or not), items at or above --threshold flagged. With --model:\n"
      "each item's Min-K% Prob under the model; given two or more models, the first is the base\n"
      "and the items whose score rises most under each other model are listed. Writes\n"
      "DIR/TASK.jsonl, DIR/flagged.tsv (for run --exclude-ids) and DIR/audit.json.\n"
      "Example: clinbench audit --tasks medqa --corpus pubmed.jsonl.zst --data-dir data");
  app->add_option("--tasks", settings->tasks, "comma-separated task names or task YAML files")
      ->delimiter(',')->required();
  app->add_option("--corpus", settings->corpora,
                  "corpus file (repeatable): .jsonl/.ndjson/.json = JSON Lines, anything else plain\n"
                  "text; zstd-compressed files are recognised by their content")
      ->check(CLI::ExistingFile);
  app->add_option("--ngram", settings->ngram, "words per n-gram")->check(CLI::Range(1, 1000))->capture_default_str();
  app->add_option("--threshold", settings->threshold,
                  "flag items with at least this share of their n-grams in the corpus")
      ->check(option_between(0, 1))->capture_default_str();
  app->add_option("--text-field", settings->text_field, "JSON Lines: the field holding a document's text")
      ->capture_default_str();
  app->add_option("--model", settings->models,
                  "gguf:PATH or openai:URL (repeatable): Min-K% Prob per item; the first is the base");
  app->add_option("--min-k", settings->min_k_percent, "K of Min-K% Prob, in percent")
      ->check(option_between(0, 100, true))->capture_default_str();
  app->add_option("--top", settings->top, "items listed per task and fine-tune by Min-K% rise")
      ->check(option_at_least(0))->capture_default_str();
  app->add_option("--cache", settings->cache, "response cache (SQLite) for the Min-K% requests; default none");
  app->add_option("--data-dir", settings->data_dir, "folder with the data sets (default $CLINBENCH_DATA or ./data)");
  app->add_option("--limit", settings->limit, "only the first N items of each task (as run --limit)");
  app->add_option("--num-fewshot", settings->num_fewshot, "as run --num-fewshot: shots taken from the items are not audited")
      ->check(option_at_least(-1, "at least 0 (or -1: the task's own)"));
  app->add_option("--seed", settings->seed, "as run --seed (seeded shuffles and draws decide the items)")
      ->capture_default_str();
  app->add_flag("--allow-absolute-paths", settings->allow_absolute_paths,
                "let task files name data outside the data directory");
  app->add_option("--output-dir", settings->output_dir, "where the audit files go")->capture_default_str();
  add_backend_options(*app, settings->backend);
  return {app, [settings] { return run_audit(*settings); }};
}

}  // namespace clinbench::cli
