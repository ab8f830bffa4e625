// What `clinbench audit` writes and prints: per-item lines, flagged-id files, audit.json, the
// summary table.
#include <algorithm>
#include <cstdio>

#include "clinbench/audit.h"

namespace clinbench {

namespace {

nlohmann::json number_or_null(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

std::string kind_name(const AuditCorpusKind& kind) {
  return std::string(kind.zstd ? "zstd " : "") + (kind.format == AuditCorpusFormat::jsonl ? "jsonl" : "text");
}

std::string pad(const std::string& text, size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

struct TaskSummary {
  int64_t items = 0;
  int64_t measured = 0;  // items with at least one n-gram
  int64_t flagged = 0;
  double ngrams_total = 0;
  double overlap_sum = 0;
  double overlap_max = 0;
};

TaskSummary summarize(const AuditTaskResult& task) {
  TaskSummary summary;
  summary.items = int64_t(task.items.size());
  for (const AuditItemResult& item : task.items) {
    summary.ngrams_total += double(item.overlap.ngrams);
    summary.flagged += item.flagged;
    if (std::optional<double> overlap = item.overlap.overlap()) {
      summary.measured += 1;
      summary.overlap_sum += *overlap;
      summary.overlap_max = std::max(summary.overlap_max, *overlap);
    }
  }
  return summary;
}

}  // namespace

std::vector<AuditMinKRise> audit_min_k_rises(const AuditTaskResult& task, size_t model, size_t top) {
  std::vector<AuditMinKRise> rises;
  for (const AuditItemResult& item : task.items) {
    if (item.min_k.size() <= model || !item.min_k[0].min_k_prob || !item.min_k[model].min_k_prob) continue;
    double base = *item.min_k[0].min_k_prob;
    double fine_tune = *item.min_k[model].min_k_prob;
    rises.push_back({item.id, base, fine_tune, fine_tune - base});
  }
  std::stable_sort(rises.begin(), rises.end(),
                   [](const AuditMinKRise& a, const AuditMinKRise& b) { return a.rise > b.rise; });
  if (top > 0 && rises.size() > top) rises.resize(top);
  return rises;
}

nlohmann::json audit_item_json(const AuditReport& report, const AuditItemResult& item) {
  nlohmann::json line = {{"id", item.id}};
  if (!report.corpora.empty()) {
    line["overlap"] = number_or_null(item.overlap.overlap());
    line["ngrams"] = item.overlap.ngrams;
    line["ngrams_found"] = item.overlap.found;
    line["flagged"] = item.flagged;
  }
  if (!report.models.empty()) {
    nlohmann::json values = nlohmann::json::object(), tokens = nlohmann::json::object();
    for (size_t m = 0; m < report.models.size() && m < item.min_k.size(); ++m) {
      values[report.models[m].name] = number_or_null(item.min_k[m].min_k_prob);
      tokens[report.models[m].name] = item.min_k[m].tokens;
    }
    line["min_k_prob"] = values;
    line["min_k_tokens"] = tokens;
    if (report.models.size() > 1) {
      nlohmann::json rises = nlohmann::json::object();
      for (size_t m = 1; m < report.models.size() && m < item.min_k.size(); ++m) {
        const auto& base = item.min_k[0].min_k_prob;
        const auto& tuned = item.min_k[m].min_k_prob;
        rises[report.models[m].name] = base && tuned ? nlohmann::json(*tuned - *base) : nlohmann::json();
      }
      line["min_k_rise"] = rises;
    }
  }
  return line;
}

nlohmann::json audit_summary_json(const AuditReport& report, size_t top) {
  nlohmann::json out;
  out["clinbench_version"] = CLINBENCH_VERSION;
  out["format_version"] = kAuditFormatVersion;
  out["settings"] = {{"ngram", report.ngram},
                     {"threshold", report.threshold},
                     {"text_field", report.text_field},
                     {"min_k_percent", report.min_k_percent},
                     {"config", report.config}};
  nlohmann::json corpora = nlohmann::json::array();
  for (const AuditCorpusStats& corpus : report.corpora) {
    corpora.push_back({{"path", corpus.path.string()},
                       {"kind", kind_name(corpus.kind)},
                       {"file_bytes", corpus.file_bytes},
                       {"text_bytes", corpus.text_bytes},
                       {"documents", corpus.documents},
                       {"missing_text_field", corpus.missing_text_field},
                       {"ngrams", corpus.ngrams},
                       {"matches", corpus.matches}});
  }
  out["corpora"] = corpora;
  nlohmann::json models = nlohmann::json::array();
  for (const AuditModel& model : report.models) {
    models.push_back({{"name", model.name}, {"spec", model.spec}, {"fingerprint", model.fingerprint}});
  }
  out["models"] = models;
  nlohmann::json tasks = nlohmann::json::object();
  for (const AuditTaskResult& task : report.tasks) {
    TaskSummary summary = summarize(task);
    nlohmann::json entry = {{"items", summary.items}};
    if (!report.corpora.empty()) {
      nlohmann::json flagged = nlohmann::json::array();
      for (const AuditItemResult& item : task.items) {
        if (item.flagged) flagged.push_back(item.id);
      }
      entry["items_without_ngrams"] = summary.items - summary.measured;
      entry["mean_ngrams"] = summary.items ? summary.ngrams_total / double(summary.items) : 0.0;
      entry["mean_overlap"] = summary.measured ? nlohmann::json(summary.overlap_sum / double(summary.measured))
                                               : nlohmann::json();
      entry["max_overlap"] = summary.measured ? nlohmann::json(summary.overlap_max) : nlohmann::json();
      entry["flagged"] = summary.flagged;
      entry["flagged_ids"] = flagged;
    }
    if (report.models.size() > 1) {
      nlohmann::json by_model = nlohmann::json::object();
      for (size_t m = 1; m < report.models.size(); ++m) {
        nlohmann::json list = nlohmann::json::array();
        for (const AuditMinKRise& rise : audit_min_k_rises(task, m, top)) {
          list.push_back({{"id", rise.id}, {"base", rise.base}, {"fine_tune", rise.fine_tune}, {"rise", rise.rise}});
        }
        by_model[report.models[m].name] = list;
      }
      entry["min_k_top_rises"] = by_model;
    }
    tasks[task.task] = entry;
  }
  out["tasks"] = tasks;
  return out;
}

std::string audit_table(const AuditReport& report, size_t top) {
  std::string out;
  if (!report.corpora.empty()) {
    for (const AuditCorpusStats& corpus : report.corpora) {
      out += "corpus " + corpus.path.string() + " (" + kind_name(corpus.kind) + "): " +
             format("%.1f MB of text", double(corpus.text_bytes) / 1e6) + ", " + std::to_string(corpus.documents) +
             (corpus.documents == 1 ? " document" : " documents");
      if (corpus.missing_text_field > 0) {
        out += ", " + std::to_string(corpus.missing_text_field) + " lines without a string '" + report.text_field + "'";
      }
      out += "\n";
    }
    std::string flagged_header = "flagged >= " + format("%.2f", report.threshold);
    out += "\n" + pad("task", 24) + pad("items", 8) + pad("n-grams/item", 14) + pad(flagged_header, 17) +
           pad("mean overlap", 14) + pad("max overlap", 13) + "too short\n";
    out += std::string(98, '-') + "\n";
    for (const AuditTaskResult& task : report.tasks) {
      TaskSummary s = summarize(task);
      out += pad(task.task, 24) + pad(std::to_string(s.items), 8) +
             pad(format("%.1f", s.items ? s.ngrams_total / double(s.items) : 0.0), 14) +
             pad(std::to_string(s.flagged), 17) +
             pad(s.measured ? format("%.4f", s.overlap_sum / double(s.measured)) : "n/a", 14) +
             pad(s.measured ? format("%.4f", s.overlap_max) : "n/a", 13) + std::to_string(s.items - s.measured) + "\n";
    }
    out += "(overlap: share of an item's " + std::to_string(report.ngram) +
           "-word n-grams found in the corpus; too short: items with fewer words than that)\n";
  }
  for (size_t m = 1; m < report.models.size(); ++m) {
    out += "\nMin-K% Prob (K = " + format("%g", report.min_k_percent) + "): items whose score rose most under '" +
           report.models[m].name + "' over '" + report.models[0].name + "'\n";
    for (const AuditTaskResult& task : report.tasks) {
      std::vector<AuditMinKRise> rises = audit_min_k_rises(task, m, top);
      out += pad(task.task, 24) + (rises.empty() ? "no items with both scores" : "") + "\n";
      for (const AuditMinKRise& rise : rises) {
        out += "  " + pad(rise.id, 28) + format("%+.4f", rise.rise) + "  (" + format("%.4f", rise.base) + " -> " +
               format("%.4f", rise.fine_tune) + ")\n";
      }
    }
  }
  return out;
}

void audit_write(const std::filesystem::path& output_dir, const AuditReport& report, size_t top) {
  std::error_code ec;
  std::filesystem::create_directories(output_dir, ec);
  if (ec) throw_input_error(output_dir, 0, "", "cannot create the output folder: " + ec.message());
  std::string all_flagged;
  for (const AuditTaskResult& task : report.tasks) {
    std::string lines, flagged;
    for (const AuditItemResult& item : task.items) {
      lines += audit_item_json(report, item).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
      if (item.flagged) flagged += task.task + "\t" + item.id + "\n";
    }
    write_file_atomic(output_dir / (task.task + ".jsonl"), lines);
    if (!report.corpora.empty()) write_file_atomic(output_dir / (task.task + ".flagged.tsv"), flagged);
    all_flagged += flagged;
  }
  if (!report.corpora.empty()) write_file_atomic(output_dir / "flagged.tsv", all_flagged);
  write_file_atomic(output_dir / "audit.json",
                    audit_summary_json(report, top).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace clinbench
