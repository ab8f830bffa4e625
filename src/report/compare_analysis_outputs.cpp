// The analyses beyond the significance test, in compare's outputs: verdicts with their 90%
// intervals and margins, the power figures, and calibration (Markdown, CSV and JSON parts).
#include <cstdio>
#include <cstdlib>

#include "clinbench/compare.h"
#include "report/csv_text.h"

namespace clinbench {

namespace {

std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : (c == '\n' || c == '\r') ? std::string(" ") : std::string(1, c);
  return out;
}

std::string printed(const char* format, double value) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, format, value);
  std::string text = buffer;
  return text == "-0.000" ? "+0.000" : text;
}

std::string verdict_text(const CompareRow& row) {
  std::string text = stats_verdict_name(row.verdict);
  if (row.verdict == StatsVerdict::equivalent || row.verdict == StatsVerdict::non_inferior)
    text += " (margin " + printed("%.3f", *row.margin) + ")";
  return text;
}

std::string n_text(const CompareRow& row) {
  std::string text = std::to_string(row.stats.bootstrap.n);
  if (row.analysis.clusters != row.stats.bootstrap.n) text += " (" + std::to_string(row.analysis.clusters) + " clusters)";
  return text;
}

}  // namespace

namespace {

std::string compare_markdown_flips(const std::vector<CompareRun>& runs, const CompareResult& result) {
  std::string out;
  for (const CompareFlips& flips : result.flips) {
    if (flips.items.empty()) continue;
    if (out.empty()) {
      out = "\n## Flips: items one model got right and the other wrong, and why\n\n"
            "| task | fine-tune | base | cause of the wrong answer | fine-tune right, base wrong | base right, "
            "fine-tune wrong | p (McNemar, this cause) |\n"
            "| --- | --- | --- | --- | ---: | ---: | ---: |\n";
    }
    for (const CompareFlipCause& cause : flips.causes) {
      out += "| " + cell(flips.task) + " | " + cell(runs[flips.fine_tune].name) + " | " + cell(runs[flips.base].name) +
             " | " + cause.cause + " | " + std::to_string(cause.gained) + " | " + std::to_string(cause.lost) + " | " +
             (cause.p_value < 0.001 ? std::string("<0.001") : printed("%.3f", cause.p_value)) + " |\n";
    }
  }
  if (!out.empty()) {
    out += "\nFrom the task's 0/1 accuracy (acc, else exact_acc); the cause is read from the wrong answer's stored "
           "sample. p: exact McNemar test within the cause, not adjusted. compare.json's \"flips\" and the HTML "
           "report list every flipped item.\n";
  }
  return out;
}

}  // namespace

std::string compare_markdown_analysis(const std::vector<CompareRun>& runs, const CompareResult& result) {
  if (result.rows.empty()) return "";
  const std::string target = printed("%.3f", result.options.target_difference);
  std::string out =
      "\n## Verdicts: better, worse, equivalent, non-inferior or inconclusive\n\n"
      "| task | metric | fine-tune | base | n | difference [90% CI] | margin | smallest equivalence margin "
      "| verdict | minimum detectable difference | items for ±" + target + " |\n"
      "| --- | --- | --- | --- | --- | --- | ---: | ---: | --- | ---: | ---: |\n";
  for (const CompareRow& row : result.rows) {
    const StatsPairedAnalysis& a = row.analysis;
    out += "| " + cell(row.task) + " | " + cell(row.metric) + (row.higher_is_better ? "" : " (lower is better)") +
           " | " + cell(runs[row.fine_tune].name) + " | " + cell(runs[row.base].name) + " | " + n_text(row) + " | " +
           printed("%+.3f", row.stats.bootstrap.difference) + " [" + printed("%+.3f", a.ci90_low) + ", " +
           printed("%+.3f", a.ci90_high) + "] | " + (row.margin ? printed("%.3f", *row.margin) : "none") + " | " +
           printed("%.3f", a.smallest_equivalence_margin) + " | **" + verdict_text(row) + "** | " +
           (a.minimum_detectable_difference ? printed("%.3f", *a.minimum_detectable_difference) : "n/a") + " | " +
           (a.items_needed ? std::to_string(*a.items_needed) : "n/a") + " |\n";
  }
  char alpha[32];
  std::snprintf(alpha, sizeof alpha, "%g", result.options.alpha);
  out += "\nVerdict: *better* / *worse*: the difference is significant (p (Holm) < " + std::string(alpha) +
         ") and larger than any margin given; *equivalent*: the whole 90% interval lies within ± the margin (two "
         "one-sided tests at 5%); *non-inferior*: the interval's lower end lies above −margin (for lower-is-better "
         "metrics, mirrored); *inconclusive*: none of these, the data cannot tell. Smallest equivalence margin: the "
         "largest |end| of the 90% interval, the smallest margin at which equivalence could be claimed. Minimum "
         "detectable difference: the smallest true difference this many items detect with 80% power at two-sided "
         "alpha " + std::string(alpha) + " (McNemar with the observed discordant share for 0/1 scores, else the "
         "cluster-robust standard error); items for ±" + target + ": how many items that difference would need. "
         "Items that share a cluster (the draws of one question) are resampled and tested together. "
         "docs/compare.md explains each column.\n";
  if (!result.calibration.empty()) {
    out += "\n## Calibration (log-likelihood tasks)\n\n"
           "| task | model | n | ECE [95% CI] (lower is better) | Brier [95% CI] (lower is better) "
           "| mean chosen probability [95% CI] | left out |\n"
           "| --- | --- | ---: | --- | --- | --- | ---: |\n";
    auto estimate = [](const StatsEstimate& e) {
      return printed("%.3f", e.value) + " [" + printed("%.3f", e.ci_low) + ", " + printed("%.3f", e.ci_high) + "]";
    };
    for (const CompareCalibration& c : result.calibration) {
      out += "| " + cell(c.task) + " | " + cell(runs[c.run].name) + " | " + std::to_string(c.estimates.ece.n) + " | " +
             estimate(c.estimates.ece) + " | " + estimate(c.estimates.brier) + " | " +
             estimate(c.estimates.chosen_probability) + " | " + std::to_string(c.left_out) + " |\n";
    }
    out += "\nFrom the stored per-option log-likelihoods, softmax over the options. ECE: 15 equal-mass bins of "
           "the chosen option's probability; Brier: sum over options of (p − [gold])². Paired rows ece, brier "
           "and chosen_probability are in the tables above.\n";
  }
  return out + compare_markdown_flips(runs, result) + compare_markdown_effects(runs, result);
}

std::string compare_csv_flips(const std::vector<CompareRun>& runs, const CompareResult& result) {
  std::string out = "task,metric,fine_tune,base,cause,gained,lost,p_value\r\n";
  for (const CompareFlips& flips : result.flips) {
    for (const CompareFlipCause& cause : flips.causes) {
      out += csv_field(flips.task) + "," + flips.metric + "," + csv_field(runs[flips.fine_tune].name) + "," +
             csv_field(runs[flips.base].name) + "," + csv_field(cause.cause) + "," + std::to_string(cause.gained) + "," +
             std::to_string(cause.lost) + "," + csv_number(cause.p_value) + "\r\n";
    }
  }
  return out;
}

nlohmann::json compare_json_flips(const std::vector<CompareRun>& runs, const CompareResult& result) {
  nlohmann::json list = nlohmann::json::array();
  for (const CompareFlips& flips : result.flips) {
    nlohmann::json causes = nlohmann::json::array(), items = nlohmann::json::array();
    for (const CompareFlipCause& cause : flips.causes)
      causes.push_back({{"cause", cause.cause}, {"gained", cause.gained}, {"lost", cause.lost}, {"p_value", cause.p_value}});
    for (const CompareFlipItem& item : flips.items)
      items.push_back({{"id", item.id}, {"fine_tune_right", item.fine_tune_right}, {"cause", item.cause}});
    list.push_back({{"task", flips.task},
                    {"metric", flips.metric},
                    {"fine_tune", runs[flips.fine_tune].name},
                    {"base", runs[flips.base].name},
                    {"causes", causes},
                    {"items", items}});
  }
  return list;
}

namespace {

// The runs an effect subtracts; the interaction's row names the two RAG runs, each of which is
// compared with its own run without retrieval.
std::string contrast_text(const CompareEffectRow& effect, const std::vector<CompareRun>& runs) {
  const std::string first = cell(runs[effect.row.fine_tune].name), second = cell(runs[effect.row.base].name);
  if (effect.effect == "interaction") return "(" + first + " − without RAG) − (" + second + " − without RAG)";
  return first + " − " + second;
}

}  // namespace

std::string compare_markdown_effects(const std::vector<CompareRun>& runs, const CompareResult& result) {
  std::string out;
  auto table = [&](const std::vector<CompareEffectRow>& rows, bool with_twin) {
    for (const CompareEffectRow& effect : rows) {
      const CompareRow& row = effect.row;
      const StatsPairedBootstrap& b = row.stats.bootstrap;
      out += "| " + cell(row.task) + (with_twin ? " / " + cell(effect.twin_task) : "") + " | " + cell(row.metric) +
             " | " + effect.effect + " | " + contrast_text(effect, runs) + " | " +
             n_text(row) + " | " + printed("%+.3f", b.difference) + " [" + printed("%+.3f", b.ci_low) + ", " +
             printed("%+.3f", b.ci_high) + "] | " + compare_test_name(row.stats.test) + " | " +
             (row.p_holm < 0.001 ? std::string("<0.001") : printed("%.3f", row.p_holm)) + " | **" + verdict_text(row) +
             "** |\n";
    }
  };
  const std::string header =
      "| task | metric | effect | contrast | n | difference [95% CI] | test | p (Holm) | verdict |\n"
      "| --- | --- | --- | --- | --- | --- | --- | ---: | --- |\n";
  if (!result.factorial.empty()) {
    bool conditional = false;
    for (const CompareEffectRow& effect : result.factorial)
      conditional = conditional || effect.effect.find(", gold passage") != std::string::npos;
    const char* gold_note =
        conditional ? "\"Gold passage retrieved\": the items whose gold document (--gold-documents) was among the "
                      "passages that run's retrieval gave the model; \"not retrieved\": the others; items without a "
                      "listed gold document are in neither."
                    : "Give --gold-documents to see the retrieval effects apart for items whose answering passage was "
                      "retrieved and items whose was not.";
    out += "\n## Fine-tuning × retrieval\n\n" + header;
    table(result.factorial, false);
    out += "\nEach effect is a paired difference of per-item scores over the items all four runs hold; the "
           "interaction is (fine-tune+RAG − fine-tune) − (base+RAG − base), item by item: how much more (or less) "
           "retrieval helps the fine-tune than the base. p (Holm): adjusted over this table. " +
           std::string(gold_note) + "\n";
  }
  if (!result.format_knowledge.empty()) {
    out += "\n## Format versus knowledge (log-likelihood and generation forms of the same items)\n\n" + header;
    table(result.format_knowledge, true);
    out += "\nknowledge: the fine-tune − base gap in accuracy when the options are scored by log-likelihood (no "
           "answer has to be written); generation: the same gap when the models write their answer; format: "
           "generation gap − knowledge gap, item by item, the part of the gap that only instruction following and "
           "answer format explain. p (Holm): adjusted over this table.\n";
  }
  return out;
}

std::string compare_csv_effects(const std::vector<CompareRun>& runs, const CompareResult& result) {
  std::string out =
      "design,task,twin_task,metric,effect,first,second,n,clusters,mean_first,mean_second,difference,ci_low,ci_high,"
      "ci90_low,ci90_high,test,p_value,p_holm,significant,verdict\r\n";
  auto add_rows = [&](const char* design, const std::vector<CompareEffectRow>& rows) {
    for (const CompareEffectRow& effect : rows) {
      const CompareRow& row = effect.row;
      const StatsPairedBootstrap& b = row.stats.bootstrap;
      out += std::string(design) + "," + csv_field(row.task) + "," + csv_field(effect.twin_task) + "," +
             csv_field(row.metric) + "," + csv_field(effect.effect) + "," + csv_field(runs[row.fine_tune].name) + "," +
             csv_field(runs[row.base].name) + "," + std::to_string(b.n) + "," + std::to_string(row.analysis.clusters) +
             "," + csv_number(b.mean_a) + "," + csv_number(b.mean_b) + "," + csv_number(b.difference) + "," +
             csv_number(b.ci_low) + "," + csv_number(b.ci_high) + "," + csv_number(row.analysis.ci90_low) + "," +
             csv_number(row.analysis.ci90_high) + "," + csv_field(compare_test_name(row.stats.test)) + "," +
             csv_number(row.stats.p_value) + "," + csv_number(row.p_holm) + "," + (row.significant ? "true" : "false") +
             "," + stats_verdict_name(row.verdict) + "\r\n";
    }
  };
  add_rows("factorial", result.factorial);
  add_rows("format_knowledge", result.format_knowledge);
  return out;
}

nlohmann::json compare_json_effects(const std::vector<CompareRun>& runs, const std::vector<CompareEffectRow>& rows) {
  nlohmann::json list = nlohmann::json::array();
  for (const CompareEffectRow& effect : rows) {
    const CompareRow& row = effect.row;
    const StatsPairedBootstrap& b = row.stats.bootstrap;
    nlohmann::json entry = {{"task", row.task},
                            {"twin_task", effect.twin_task},
                            {"metric", row.metric},
                            {"effect", effect.effect},
                            {"first", runs[row.fine_tune].name},
                            {"second", runs[row.base].name},
                            {"higher_is_better", row.higher_is_better},
                            {"n", b.n},
                            {"mean_first", b.mean_a},
                            {"mean_second", b.mean_b},
                            {"difference", b.difference},
                            {"ci_low", b.ci_low},
                            {"ci_high", b.ci_high},
                            {"test", compare_test_name(row.stats.test)},
                            {"p_value", row.stats.p_value},
                            {"p_holm", row.p_holm},
                            {"significant", row.significant}};
    entry.update(compare_json_row_analysis(row));
    list.push_back(entry);
  }
  return list;
}

std::string compare_csv_verdicts(const std::vector<CompareRun>& runs, const CompareResult& result) {
  std::string out =
      "task,metric,fine_tune,base,n,clusters,difference,ci90_low,ci90_high,margin,smallest_equivalence_margin,"
      "verdict,minimum_detectable_difference,target_difference,items_needed,power_method,discordant_share,"
      "standard_error\r\n";
  for (const CompareRow& row : result.rows) {
    const StatsPairedAnalysis& a = row.analysis;
    out += csv_field(row.task) + "," + csv_field(row.metric) + "," + csv_field(runs[row.fine_tune].name) + "," +
           csv_field(runs[row.base].name) + "," + std::to_string(row.stats.bootstrap.n) + "," +
           std::to_string(a.clusters) + "," + csv_number(row.stats.bootstrap.difference) + "," +
           csv_number(a.ci90_low) + "," + csv_number(a.ci90_high) + "," + (row.margin ? csv_number(*row.margin) : "") +
           "," + csv_number(a.smallest_equivalence_margin) + "," + stats_verdict_name(row.verdict) + "," +
           (a.minimum_detectable_difference ? csv_number(*a.minimum_detectable_difference) : "") + "," +
           csv_number(result.options.target_difference) + "," +
           (a.items_needed ? std::to_string(*a.items_needed) : "") + "," + a.power_method + "," +
           csv_number(a.discordant_share) + "," + csv_number(a.standard_error) + "\r\n";
  }
  return out;
}

std::string compare_csv_calibration(const std::vector<CompareRun>& runs, const CompareResult& result) {
  std::string out = "model,task,n,left_out,metric,value,ci_low,ci_high\r\n";
  for (const CompareCalibration& c : result.calibration) {
    const std::pair<const char*, const StatsEstimate*> metrics[] = {
        {"ece", &c.estimates.ece}, {"brier", &c.estimates.brier}, {"chosen_probability", &c.estimates.chosen_probability}};
    for (const auto& [name, e] : metrics) {
      out += csv_field(runs[c.run].name) + "," + csv_field(c.task) + "," + std::to_string(e->n) + "," +
             std::to_string(c.left_out) + "," + name + "," + csv_number(e->value) + "," + csv_number(e->ci_low) + "," +
             csv_number(e->ci_high) + "\r\n";
    }
  }
  return out;
}

nlohmann::json compare_json_row_analysis(const CompareRow& row) {
  const StatsPairedAnalysis& a = row.analysis;
  return {{"clusters", a.clusters},
          {"ci90_low", a.ci90_low},
          {"ci90_high", a.ci90_high},
          {"margin", row.margin ? nlohmann::json(*row.margin) : nlohmann::json()},
          {"smallest_equivalence_margin", a.smallest_equivalence_margin},
          {"verdict", stats_verdict_name(row.verdict)},
          {"minimum_detectable_difference",
           a.minimum_detectable_difference ? nlohmann::json(*a.minimum_detectable_difference) : nlohmann::json()},
          {"items_needed", a.items_needed ? nlohmann::json(*a.items_needed) : nlohmann::json()},
          {"power_method", a.power_method},
          {"discordant_share", a.discordant_share},
          {"standard_error", a.standard_error}};
}

nlohmann::json compare_json_calibration(const std::vector<CompareRun>& runs, const CompareResult& result) {
  nlohmann::json list = nlohmann::json::array();
  auto estimate = [](const StatsEstimate& e) {
    return nlohmann::json{{"value", e.value}, {"ci_low", e.ci_low}, {"ci_high", e.ci_high}};
  };
  for (const CompareCalibration& c : result.calibration) {
    list.push_back({{"run", runs[c.run].name},
                    {"task", c.task},
                    {"n", c.estimates.ece.n},
                    {"left_out", c.left_out},
                    {"bins", stats_calibration_bins},
                    {"ece", estimate(c.estimates.ece)},
                    {"brier", estimate(c.estimates.brier)},
                    {"chosen_probability", estimate(c.estimates.chosen_probability)}});
  }
  return list;
}

}  // namespace clinbench
