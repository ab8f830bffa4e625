// Contrasts of more than two runs: the fine-tuning x retrieval design (four runs on the same
// items) and format versus knowledge (a task's log-likelihood and generation forms).
#include <algorithm>
#include <map>

#include "compare/sample_analysis.h"
#include "clinbench/sample_scoring.h"

namespace clinbench {

namespace {

std::string run_label(const CompareRun& run) { return "'" + run.name + "' (" + run.dir.string() + ")"; }

// For each base row, the matching row in other (SIZE_MAX where other lacks the item).
std::vector<size_t> rows_matching(const std::vector<Sample>& base, const std::vector<Sample>& other,
                                  const CompareRun& base_run, const CompareRun& other_run, const std::string& task,
                                  const CompareOptions& options) {
  CompareAlignment alignment = compare_align(base, other);
  if (!alignment.first_difference.empty() && !options.allow_mismatch) {
    throw Error("task '" + task + "': runs " + run_label(base_run) + " and " + run_label(other_run) +
                " of the factorial design did not evaluate the same items with the same prompts: " +
                alignment.first_difference + ". Pass --allow-mismatch to use the items all four hold.");
  }
  std::vector<size_t> matching(base.size(), SIZE_MAX);
  for (size_t i = 0; i < alignment.fine_tune_rows.size(); ++i) matching[alignment.fine_tune_rows[i]] = alignment.base_rows[i];
  return matching;
}

// A sample whose request failed has no answer: it is left out, never scored as wrong.
bool answered(const Sample& sample) { return scoring_status_answered(sample.status); }

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Dense cluster numbers of the base's rows; empty when no two share a cluster.
std::vector<uint32_t> clusters_of_rows(const std::vector<Sample>& samples, const std::vector<size_t>& rows) {
  std::vector<std::string> keys;
  bool any = false;
  for (size_t row : rows) {
    std::string key = compare_sample_cluster(samples[row]);
    any = any || !key.empty();
    keys.push_back(key.empty() ? "\x1f" + std::to_string(row) : key);
  }
  if (!any) return {};
  std::vector<uint32_t> index = stats_cluster_index(keys);
  if (size_t(*std::max_element(index.begin(), index.end())) + 1 == index.size()) return {};
  return index;
}

void holm_and_verdicts(std::vector<CompareEffectRow>& rows, double alpha) {
  std::vector<double> p_values;
  for (const CompareEffectRow& effect : rows) p_values.push_back(effect.row.stats.p_value);
  std::vector<double> adjusted = stats_holm_adjust(p_values);
  for (size_t i = 0; i < rows.size(); ++i) {
    CompareRow& row = rows[i].row;
    row.p_holm = adjusted[i];
    row.significant = adjusted[i] < alpha;
    const double sign = row.higher_is_better ? 1.0 : -1.0;
    double low = sign * row.analysis.ci90_low, high = sign * row.analysis.ci90_high;
    if (low > high) std::swap(low, high);
    row.verdict = stats_verdict(sign * row.stats.bootstrap.difference, low, high, row.significant, row.margin);
  }
}

}  // namespace

CompareFactorialDesign compare_factorial_parse(std::string_view text, const std::vector<CompareRun>& runs) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    names.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  if (names.size() != 4) {
    throw Error("--factorial '" + std::string(text) + "': expected four runs, BASE,BASE_RAG,FINE_TUNE,FINE_TUNE_RAG");
  }
  static const char* sides[4] = {"BASE", "BASE_RAG", "FINE_TUNE", "FINE_TUNE_RAG"};
  size_t found[4];
  for (size_t side = 0; side < 4; ++side) {
    found[side] = SIZE_MAX;
    for (size_t r = 0; r < runs.size() && found[side] == SIZE_MAX; ++r) {
      std::error_code ec;
      if (runs[r].name == names[side] || std::filesystem::equivalent(runs[r].dir, names[side], ec)) found[side] = r;
    }
    if (found[side] == SIZE_MAX) {
      std::string known;
      for (const CompareRun& run : runs) known += (known.empty() ? "" : ", ") + run.name;
      throw Error("--factorial: " + std::string(sides[side]) + " '" + names[side] +
                  "' is no run given to compare (runs: " + known + ")");
    }
  }
  return {.base = found[0], .base_rag = found[1], .fine_tune = found[2], .fine_tune_rag = found[3]};
}

std::vector<CompareEffectRow> compare_factorial(const std::vector<CompareRun>& runs,
                                                const CompareFactorialDesign& design,
                                                const CompareOptions& options, std::vector<std::string>& notes) {
  std::vector<CompareEffectRow> rows;
  const CompareRun& base = runs.at(design.base);
  const size_t others[3] = {design.base_rag, design.fine_tune, design.fine_tune_rag};
  for (const std::string& task : compare_runs_tasks(runs)) {
    bool all = base.samples.count(task) > 0;
    for (size_t other : others) all = all && runs.at(other).samples.count(task) > 0;
    if (!all) continue;
    const std::vector<Sample>& base_samples = base.samples.at(task);
    std::vector<std::vector<size_t>> matching;
    for (size_t other : others)
      matching.push_back(rows_matching(base_samples, runs[other].samples.at(task), base, runs[other], task, options));
    // Items all four hold, in the base's order: rows[0] base, then base+RAG, fine-tune, fine-tune+RAG.
    std::vector<size_t> common;
    int64_t failed = 0;
    for (size_t i = 0; i < base_samples.size(); ++i) {
      if (matching[0][i] == SIZE_MAX || matching[1][i] == SIZE_MAX || matching[2][i] == SIZE_MAX) continue;
      bool all_answered = answered(base_samples[i]);
      for (size_t side = 0; side < 3; ++side)
        all_answered = all_answered && answered(runs[others[side]].samples.at(task)[matching[side][i]]);
      if (all_answered) common.push_back(i);
      else ++failed;
    }
    if (failed > 0) {
      notes.push_back("task '" + task + "': the factorial design leaves out " + std::to_string(failed) +
                      " items whose request failed in one of the four runs.");
    }
    if (common.empty()) continue;
    const std::vector<uint32_t> clusters = clusters_of_rows(base_samples, common);
    std::vector<std::string> metrics = compare_run_metrics(base, task);
    for (const std::string& metric : metrics) {
      bool everywhere = true;
      for (size_t other : others) everywhere = everywhere && has(compare_run_metrics(runs[other], task), metric);
      if (!everywhere) continue;
      std::vector<double> b, br, f, fr;
      for (size_t i : common) {
        b.push_back(compare_sample_score(base_samples[i], metric));
        br.push_back(compare_sample_score(runs[design.base_rag].samples.at(task)[matching[0][i]], metric));
        f.push_back(compare_sample_score(runs[design.fine_tune].samples.at(task)[matching[1][i]], metric));
        fr.push_back(compare_sample_score(runs[design.fine_tune_rag].samples.at(task)[matching[2][i]], metric));
      }
      std::vector<double> retrieval_tuned(common.size()), retrieval_base(common.size());
      for (size_t i = 0; i < common.size(); ++i) {
        retrieval_tuned[i] = fr[i] - f[i];
        retrieval_base[i] = br[i] - b[i];
      }
      struct Contrast {
        const char* effect;
        const std::vector<double>* first;
        const std::vector<double>* second;
        size_t first_run, second_run;
      };
      const Contrast contrasts[] = {
          {"retrieval on the base", &br, &b, design.base_rag, design.base},
          {"retrieval on the fine-tune", &fr, &f, design.fine_tune_rag, design.fine_tune},
          {"fine-tuning without retrieval", &f, &b, design.fine_tune, design.base},
          {"fine-tuning with retrieval", &fr, &br, design.fine_tune_rag, design.base_rag},
          {"interaction", &retrieval_tuned, &retrieval_base, design.fine_tune_rag, design.base_rag},
          {"fine-tune vs base+RAG", &f, &br, design.fine_tune, design.base_rag},
      };
      for (const Contrast& contrast : contrasts) {
        std::optional<CompareRow> row = compare_analysed_row(*contrast.first, *contrast.second, clusters, options, task,
                                                             metric, {contrast.first_run, contrast.second_run});
        if (row) rows.push_back({.effect = contrast.effect, .twin_task = "", .row = std::move(*row)});
      }
      if (options.gold_documents.empty()) continue;
      // Retrieval's effect where it found the answering passage and where it did not: the RAG
      // run's own retrieval decides (base+RAG for the base, fine-tune+RAG for the fine-tune).
      const Contrast retrieval_effects[] = {contrasts[0], contrasts[1]};
      const size_t rag_sides[] = {0, 2};  // in matching/others: base+RAG, fine-tune+RAG
      for (size_t e = 0; e < 2; ++e) {
        const Contrast& contrast = retrieval_effects[e];
        const std::vector<Sample>& rag_samples = runs[others[rag_sides[e]]].samples.at(task);
        for (bool found : {true, false}) {
          std::vector<size_t> subset_rows;  // into common
          for (size_t c = 0; c < common.size(); ++c) {
            std::optional<bool> gold =
                compare_gold_retrieved(options.gold_documents, task, rag_samples[matching[rag_sides[e]][common[c]]]);
            if (gold && *gold == found) subset_rows.push_back(c);
          }
          if (subset_rows.empty()) continue;
          std::vector<double> first, second;
          std::vector<size_t> subset_items;
          for (size_t c : subset_rows) {
            first.push_back((*contrast.first)[c]);
            second.push_back((*contrast.second)[c]);
            subset_items.push_back(common[c]);
          }
          std::optional<CompareRow> row =
              compare_analysed_row(first, second, clusters_of_rows(base_samples, subset_items), options, task, metric,
                                   {contrast.first_run, contrast.second_run});
          if (row) {
            rows.push_back({.effect = std::string(contrast.effect) +
                                      (found ? ", gold passage retrieved" : ", gold passage not retrieved"),
                            .twin_task = "",
                            .row = std::move(*row)});
          }
        }
      }
    }
  }
  holm_and_verdicts(rows, options.alpha);
  return rows;
}

void compare_format_knowledge(const std::vector<CompareRun>& runs, const std::vector<ComparePair>& pairs,
                              const CompareOptions& options, CompareResult& result) {
  const std::vector<std::string> tasks = compare_runs_tasks(runs);
  for (const ComparePair& pair : pairs) {
    const CompareRun& tuned = runs.at(pair.fine_tune);
    const CompareRun& base = runs.at(pair.base);
    for (const std::string& task : tasks) {
      const std::string twin = task + "_gen";
      if (!has(tasks, twin)) continue;
      if (!tuned.samples.count(task) || !tuned.samples.count(twin) || !base.samples.count(task) ||
          !base.samples.count(twin))
        continue;
      if (!has(compare_run_metrics(tuned, task), "acc") || !has(compare_run_metrics(tuned, twin), "acc") ||
          !has(compare_run_metrics(base, task), "acc") || !has(compare_run_metrics(base, twin), "acc"))
        continue;
      // Items by id in each of the four (task, run) sample lists; the first occurrence of an id.
      auto by_id = [](const std::vector<Sample>& samples) {
        std::map<std::string, size_t> rows;
        for (size_t i = 0; i < samples.size(); ++i) rows.emplace(samples[i].id, i);
        return rows;
      };
      const auto& tuned_ll = tuned.samples.at(task);
      const auto& base_ll = base.samples.at(task);
      const auto tuned_gen = by_id(tuned.samples.at(twin)), base_gen = by_id(base.samples.at(twin));
      const auto base_ll_rows = by_id(base_ll);
      std::vector<double> knowledge_a, knowledge_b, generation_a, generation_b, gap_gen, gap_ll;
      std::vector<size_t> base_rows;
      int64_t failed = 0;
      for (size_t i = 0; i < tuned_ll.size(); ++i) {
        const std::string& id = tuned_ll[i].id;
        auto b = base_ll_rows.find(id), tg = tuned_gen.find(id), bg = base_gen.find(id);
        if (b == base_ll_rows.end() || tg == tuned_gen.end() || bg == base_gen.end()) continue;
        if (!answered(tuned_ll[i]) || !answered(base_ll[b->second]) || !answered(tuned.samples.at(twin)[tg->second]) ||
            !answered(base.samples.at(twin)[bg->second])) {
          ++failed;
          continue;
        }
        knowledge_a.push_back(compare_sample_score(tuned_ll[i], "acc"));
        knowledge_b.push_back(compare_sample_score(base_ll[b->second], "acc"));
        generation_a.push_back(compare_sample_score(tuned.samples.at(twin)[tg->second], "acc"));
        generation_b.push_back(compare_sample_score(base.samples.at(twin)[bg->second], "acc"));
        gap_gen.push_back(generation_a.back() - generation_b.back());
        gap_ll.push_back(knowledge_a.back() - knowledge_b.back());
        base_rows.push_back(b->second);
      }
      if (failed > 0) {
        result.notes.push_back("task '" + task + "' / '" + twin + "': format versus knowledge of '" + tuned.name +
                               "' vs '" + base.name + "' leaves out " + std::to_string(failed) +
                               " items whose request failed in one of the four runs.");
      }
      if (gap_ll.empty()) continue;
      const std::vector<uint32_t> clusters = clusters_of_rows(base_ll, base_rows);
      const std::pair<const char*, std::optional<CompareRow>> effects[] = {
          {"knowledge (log-likelihood)", compare_analysed_row(knowledge_a, knowledge_b, clusters, options, task, "acc", pair)},
          {"generation", compare_analysed_row(generation_a, generation_b, clusters, options, task, "acc", pair)},
          {"format (generation - log-likelihood)", compare_analysed_row(gap_gen, gap_ll, clusters, options, task, "acc", pair)},
      };
      for (const auto& [effect, row] : effects) {
        if (row) result.format_knowledge.push_back({.effect = effect, .twin_task = twin, .row = *row});
      }
    }
  }
  holm_and_verdicts(result.format_knowledge, options.alpha);
}

}  // namespace clinbench
