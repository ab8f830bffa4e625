// Compare stage: runs of different models on the same items, paired statistics per task, metric
// and pair of models (a fine-tune against its base), and the tables and JSON `clinbench compare`
// writes. The statistics themselves are stats.h's; this stage loads runs, lines their items up,
// refuses runs that asked different things, and lays the numbers out.
//
// Nothing here prints or exits. Input that cannot be compared (a missing results.json, a pairs
// file naming an unknown run, runs over different items) throws Error with a message that names
// the file, line and field, or the task, the two runs and the first differing item.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "clinbench/audit.h"
#include "clinbench/core.h"
#include "clinbench/results.h"
#include "clinbench/stats.h"

namespace clinbench {

// --- runs -----------------------------------------------------------------------------------

// One run folder as `clinbench run` writes it.
struct CompareRun {
  std::filesystem::path dir;
  // Display name in every table and chart. Starts as compare_run_default_name; made unique by
  // compare_runs_name_unique; a pairs file may override it.
  std::string name;
  RunResult results;  // results.json as results_read gives it (samples are below)
  // Task -> the lines of samples/TASK.jsonl in file order (the run's dataset order). A task
  // whose samples file is missing has no entry: the model table can still show it, pairs
  // cannot compare it.
  std::map<std::string, std::vector<Sample>> samples;
};

// Reads DIR/results.json and DIR/samples/TASK.jsonl for every task in the results. Throws
// Error naming the file (and line, for a sample line that is not JSON).
CompareRun compare_run_load(const std::filesystem::path& dir);

// Every run folder (one holding results.json) at or below root, sorted by path, for
// `clinbench report DIR` and `clinbench runs DIR` on a folder of runs (a suite's output). A run's
// own subfolders are not searched; symlinked folders are not followed. Throws Error naming root
// when it is not a folder or cannot be read.
std::vector<std::filesystem::path> compare_find_runs(const std::filesystem::path& root);

// The metric a task is summed up by: metric_headline (clinbench/metrics.h), its first metric
// whose row says higher is better (accuracy, ROUGE, F1), else its first. Empty when the task has
// no metric. (The report's headline, `runs`' column.)
std::string compare_headline_metric(const std::vector<std::string>& metrics);

// The model's details.name when set, else the model file's stem (gguf:PATH) or the server's
// model name, else the folder's name; then "+rag-MODE" for a retrieval-augmented run
// (config.rag), which is its own system ("MODEL+rag-bm25" pairs against "MODEL").
std::string compare_run_default_name(const RunResult& results,
                                     const std::filesystem::path& dir);

// Where two runs share a name, each of them gets " (FOLDER)" appended, FOLDER being its run
// folder's name (and then its whole path if that is still not unique), so tables never show
// two rows that read the same.
void compare_runs_name_unique(std::vector<CompareRun>& runs);

// Tasks in the order the runs list them: the first run's `config.tasks` order, then tasks only
// later runs have, in their order.
std::vector<std::string> compare_runs_tasks(const std::vector<CompareRun>& runs);

// Metric names of one task in a run's results, in name order (empty when the run lacks the task).
std::vector<std::string> compare_run_metrics(const CompareRun& run, const std::string& task);

// --- pairs ----------------------------------------------------------------------------------

// One entry of a pairs file: which run is the fine-tune, which its base. Each side names a run
// by display name or by folder. The optional names replace that run's display name.
struct ComparePairEntry {
  std::string fine_tune;
  std::string base;
  std::string fine_tune_name;  // empty = keep the run's name
  std::string base_name;
  int64_t line = 0;  // 1-based line of the entry in its file (0 = not from a file)
};

// Parses a pairs file: a YAML list of {fine_tune: NAME_OR_DIR, base: NAME_OR_DIR,
// fine_tune_name: NAME, base_name: NAME} (the two names optional), or the same list under a
// `pairs:` key. `path` is only for messages. Throws Error "PATH:LINE: field 'pairs[I].KEY':
// ..." for invalid YAML, a missing or empty side, an unknown key, or a pair of a run with
// itself.
std::vector<ComparePairEntry> compare_pairs_parse(std::string_view yaml_text,
                                                  const std::filesystem::path& path);

// compare_pairs_parse on the file's contents; throws Error naming the file when unreadable.
std::vector<ComparePairEntry> compare_pairs_read(const std::filesystem::path& path);

// A resolved pair: indices into the runs.
struct ComparePair {
  size_t fine_tune = 0;
  size_t base = 0;
};

// Matches each entry's sides to runs: first by display name, then by folder (same file on
// disk). A folder that holds a results.json but is not among `runs` is loaded and appended, so
// a pairs file can name every run by itself. Then applies the display-name overrides. Throws
// Error naming `path`, the entry's line and the field when a side matches no run, when a name
// override clashes with another run's name, or when one run gets two different names.
std::vector<ComparePair> compare_pairs_resolve(const std::vector<ComparePairEntry>& entries,
                                               const std::filesystem::path& path,
                                               std::vector<CompareRun>& runs);

// Without a pairs file: every later run against the first (fine_tune = i, base = 0).
std::vector<ComparePair> compare_pairs_default(size_t run_count);

// Runs and pairs, ready to compare.
struct CompareInput {
  std::vector<CompareRun> runs;
  std::vector<ComparePair> pairs;
};

// Loads each folder (compare_run_load), makes names unique, then resolves the pairs file's
// entries (which may add folders) or, for no entries, pairs every run with the first (one run
// alone gives no pairs). Throws Error for a folder named twice, no runs at all, or anything the
// steps above refuse.
CompareInput compare_input_load(const std::vector<std::filesystem::path>& run_dirs,
                                const std::vector<ComparePairEntry>& pair_entries,
                                const std::filesystem::path& pairs_path);

// --- item alignment -------------------------------------------------------------------------

// How the items of one task in two runs line up. Items are matched by id (the k-th occurrence
// of an id with the k-th, for tasks that ask one item several times).
struct CompareAlignment {
  std::vector<size_t>
      fine_tune_rows;             // sample indices, one per common item, in the fine-tune's order
  std::vector<size_t> base_rows;  // the matching sample indices of the base
  int64_t fine_tune_items = 0;
  int64_t base_items = 0;
  int64_t prompt_differences = 0;  // common items whose prompt_key differs
  // Empty when both runs hold the same ids in the same order with the same prompt_key; else the
  // first difference in plain words, naming the item id.
  std::string first_difference;
};

// Contract: the samples are the two runs' lines of one task. Pure; never throws.
CompareAlignment compare_align(const std::vector<Sample>& fine_tune,
                               const std::vector<Sample>& base);

// The score of one sample for one metric, as the run's own aggregation counts it: the number in
// scores[metric], 0 when missing or not a number. Samples whose request failed have no scores;
// compare_runs leaves them out (CompareFailedItems) before asking.
double compare_sample_score(const Sample& sample, const std::string& metric);

// Common items whose request failed (a status other than ok or extraction_failed: backend_error,
// context_overflow, ...) on one side or both. Such an item has no answer there: it is left out
// of the pair's comparison, never counted as a loss.
struct CompareFailedItems {
  std::vector<size_t> answered_by_both;  // indices into the alignment's rows
  int64_t one_sided = 0;                 // items failed on exactly one side
  std::string first_one_sided;           // the first such item's id
  std::map<std::string, int64_t> fine_tune_causes;  // status -> failed items
  std::map<std::string, int64_t> base_causes;
};

// Contract: alignment = compare_align(fine_tune, base). Pure; never throws.
CompareFailedItems compare_failed_items(const std::vector<Sample>& fine_tune,
                                        const std::vector<Sample>& base,
                                        const CompareAlignment& alignment);

// "'A': 3 backend_error; 'B': 1 context_overflow" (the sides that failed anything).
std::string compare_failed_items_text(const CompareFailedItems& failed, const std::string& fine_tune_name,
                                      const std::string& base_name);

// --- statistics -----------------------------------------------------------------------------

// The four runs of a fine-tuning x retrieval design, by run index.
struct CompareFactorialDesign {
  size_t base = 0;
  size_t base_rag = 0;
  size_t fine_tune = 0;
  size_t fine_tune_rag = 0;
};

// Which corpus documents answer which items, for the fine-tuning x retrieval design: an item
// whose gold document is among a RAG run's retrieved passages (the samples' "retrieved" ids)
// counts as "gold passage retrieved" in that run. The file (`compare --gold-documents FILE`), a
// line each:
//   TASK<TAB>ITEM_ID<TAB>DOCUMENT_ID     or     ITEM_ID<TAB>DOCUMENT_ID   (any task)
// An item may have several lines (any of its documents counts); blank lines and lines starting
// with '#' are ignored, spaces around fields trimmed. `--gold-documents item-id` instead: each
// item's gold document is the one with the item's own id (PubMedQA's questions over an index of
// PubMedQA's abstracts, both keyed by PMID).
struct CompareGoldDocuments {
  bool item_id_is_document = false;
  std::map<std::string, std::set<std::string>> every_task;                      // item -> documents
  std::map<std::string, std::map<std::string, std::set<std::string>>> by_task;  // task -> item -> documents
  bool empty() const { return !item_id_is_document && every_task.empty() && by_task.empty(); }
};

// Parses the file format above; path is only for messages. Throws Error "PATH:LINE: ..." for a
// line without two or three tab-separated fields, or with an empty one.
CompareGoldDocuments compare_gold_documents_parse(std::string_view text, const std::filesystem::path& path);
// "item-id", or a file to read and parse (Error naming it when unreadable).
CompareGoldDocuments compare_gold_documents_read(const std::string& file_or_item_id);

// Whether a sample's retrieved passages include one of the item's gold documents; nullopt when
// the sample holds no retrieval (a run without RAG) or the item has no gold document listed.
std::optional<bool> compare_gold_retrieved(const CompareGoldDocuments& gold, const std::string& task,
                                           const Sample& sample);

struct CompareOptions {
  uint64_t seed = 1234;       // bootstrap and sign-flip streams; every row uses the same seed, so
                              // a row's numbers do not depend on which other rows are in the table
  int64_t resamples = 10000;  // bootstrap resamples, >= 1 (the sign-flip test draws its own 10,000)
  double alpha = 0.05;        // a row is marked significant when its Holm-adjusted p < alpha
  bool allow_mismatch = false;  // compare only the common items instead of refusing
  // Where a request failed on one side of a pair only (CompareFailedItems): leave those items
  // out of both sides with a note, instead of refusing. Items failed on both sides are always
  // left out with a note.
  bool allow_failures = false;
  // Items left out of the clean subset (`--exclude-ids`, audit.h format). An item also leaves
  // it when either run's sample carries "excluded": true (run --exclude-ids).
  AuditExcludedIds exclude_ids;
  // Equivalence margins in score units (0.05 = 5 points of accuracy), by "METRIC" or
  // "TASK.METRIC" (the task's own wins). A row with a margin gets the verdicts equivalent and
  // non-inferior as well as better, worse and inconclusive (stats_verdict).
  std::map<std::string, double> margins;
  // The difference, in score units, whose needed number of items each row reports (> 0).
  double target_difference = 0.05;
  double power = 0.8;  // for the minimum detectable difference
  // base, base+RAG, fine-tune, fine-tune+RAG on the same items: compare_runs adds the factorial
  // effects (CompareResult::factorial).
  std::optional<CompareFactorialDesign> factorial;
  // With a factorial design: the retrieval effects are also given for the items whose gold
  // passage the RAG run retrieved and for those whose it did not.
  CompareGoldDocuments gold_documents;
};

// The margin of a task's metric: margins["TASK.METRIC"], else margins["METRIC"], else none.
std::optional<double> compare_margin(const CompareOptions& options, const std::string& task,
                                     const std::string& metric);

// Parses "METRIC=DELTA" or "TASK.METRIC=DELTA" (DELTA a number > 0 and < 1) into margins;
// throws Error naming the option and the text.
void compare_margin_parse(std::string_view text, std::map<std::string, double>& margins);

// The direction of the metric's row in the metric table (clinbench/metrics.h): false for the
// rates where lower is better (extraction_failure, hallucination_rate, ece, brier). Throws Error
// naming the metric when the table has no row for it: its direction would be a guess.
bool compare_metric_higher_is_better(std::string_view metric);

// One task, metric and pair.
struct CompareRow {
  std::string task;
  std::string metric;
  size_t fine_tune = 0;  // run indices
  size_t base = 0;
  bool higher_is_better = true;
  // Means, difference fine-tune − base with its paired bootstrap interval, raw p-value and test.
  // stats.counts are raw: wins = items where the fine-tune scored higher.
  StatsPairedComparison stats;
  // Items where the fine-tune did better / the same / worse, by the metric's direction.
  StatsWinTieLoss better;
  double p_holm = 1;  // Holm-adjusted across every row of the comparison
  bool significant = false;
  int64_t excluded = 0;  // clean_rows: common items left out as possibly leaked
  // Clusters, the 90% interval, the smallest equivalence margin and the power figures
  // (stats_paired_analyse; analysis.comparison is `stats`). For a lower-is-better metric the
  // verdict reads the difference the other way round (a fall in failures is "better").
  StatsPairedAnalysis analysis;
  std::optional<double> margin;
  StatsVerdict verdict = StatsVerdict::inconclusive;
};

// Calibration of one run on one log-likelihood task (stats_calibration), from the samples'
// option_loglikelihoods.
struct CompareCalibration {
  size_t run = 0;
  std::string task;
  int64_t left_out = 0;  // items without a usable log-likelihood for every option (failed requests)
  StatsCalibrationEstimates estimates;
};

// Items where one model of a pair was right and the other wrong, with why the wrong one was
// wrong, read from its stored sample (compare_flip_cause).
struct CompareFlipItem {
  std::string id;
  bool fine_tune_right = false;  // true: the base was wrong (a gain); false: a loss
  std::string cause;
};

struct CompareFlipCause {
  std::string cause;
  int64_t gained = 0;  // fine-tune right, base wrong with this cause
  int64_t lost = 0;    // base right, fine-tune wrong with this cause
  double p_value = 1;  // exact McNemar within the stratum (gained vs lost)
};

// One pair and task with a 0/1 accuracy metric ("acc" or "exact_acc").
struct CompareFlips {
  std::string task;
  std::string metric;
  size_t fine_tune = 0;
  size_t base = 0;
  std::vector<CompareFlipCause> causes;  // in compare_flip_causes() order, only those that occur
  std::vector<CompareFlipItem> items;    // in the fine-tune's item order
};

// The causes in the order they are checked: "request failed" (a status other than ok or
// extraction_failed), "empty output", "cut at max tokens" (finish_reason length and no answer
// found), "no answer found" (extraction_failed), "chose cannot be answered" (LongHealth: option
// F chosen while the answer was in the documents), "answered when absent" (LongHealth task 3:
// a letter other than F when the answer was not in the documents), "invalid ICD code",
// "different answer" (an answer was read, and it is not the correct one).
const std::vector<std::string>& compare_flip_causes();

// Why a sample scored 0: the first of compare_flip_causes() that applies.
std::string compare_flip_cause(const Sample& sample);

// One effect of a factorial design, or of format versus knowledge, on one task and metric: the
// paired analysis of per-item contrasts (row.stats.bootstrap.mean_a / mean_b are the means of
// the two sides of the contrast; row.fine_tune / row.base name the runs on its first and
// second side).
struct CompareEffectRow {
  // Factorial: "retrieval on the base" (base+RAG - base), "retrieval on the fine-tune",
  // "fine-tuning without retrieval" (fine-tune - base), "fine-tuning with retrieval",
  // "interaction" ((fine-tune+RAG - fine-tune) - (base+RAG - base)), "fine-tune vs base+RAG";
  // with gold documents also "retrieval on the base, gold passage retrieved" / "..., gold passage
  // not retrieved" and the same for the fine-tune (the items split by the RAG run's retrieval).
  // Format versus knowledge: "knowledge (log-likelihood)", "generation", "format (generation -
  // log-likelihood)".
  std::string effect;
  std::string twin_task;  // format versus knowledge: the generation twin (row.task is the log-likelihood one)
  CompareRow row;
};

struct CompareResult {
  CompareOptions options;
  std::vector<ComparePair> pairs;
  std::vector<CompareRow> rows;  // pair by pair, then task order, then metric order
  // When items are excluded (options.exclude_ids or samples marked excluded): for each row of
  // `rows`, in the same order, the same comparison over the common items not excluded (left
  // out, with a note, when no item is left); Holm-adjusted among themselves, a family of their
  // own. Empty when nothing can be excluded.
  std::vector<CompareRow> clean_rows;
  // What the reader must know: items compared on a subset (--allow-mismatch), tasks that one
  // side of a pair lacks, metrics without samples. One sentence each.
  std::vector<std::string> notes;
  // Per run and log-likelihood task: ECE, Brier and mean chosen probability. Their paired rows
  // (metrics "ece", "brier", "chosen_probability") are in `rows` like any other metric.
  std::vector<CompareCalibration> calibration;
  // Per pair and task with a 0/1 accuracy: the items that flipped and why.
  std::vector<CompareFlips> flips;
  // With a factorial design (CompareOptions::factorial): its effects per task and metric, Holm-
  // adjusted among themselves.
  std::vector<CompareEffectRow> factorial;
  // Per pair, for tasks held in both forms (T scored by log-likelihood and T_gen by generation,
  // on the same item ids): the fine-tune - base gap split into knowledge and format.
  std::vector<CompareEffectRow> format_knowledge;
};

// The factorial effects of the four runs on every task all four hold, metric by metric, over the
// items all four hold (matched by id, as compare_align does) and answered (an item whose request
// failed in any of the four is left out, with a note in notes). Throws Error when the runs
// evaluated different items, unless options.allow_mismatch.
std::vector<CompareEffectRow> compare_factorial(const std::vector<CompareRun>& runs,
                                                const CompareFactorialDesign& design,
                                                const CompareOptions& options, std::vector<std::string>& notes);

// Parses "BASE,BASE_RAG,FINE_TUNE,FINE_TUNE_RAG" (run names or folders) against the runs;
// throws Error naming the side that matches no run.
CompareFactorialDesign compare_factorial_parse(std::string_view text, const std::vector<CompareRun>& runs);

// Paired statistics for every pair, on every task both runs hold, for every metric both list.
// Throws Error when a task's items or prompts differ between the two runs of a pair and
// options.allow_mismatch is false: the message names the task, both runs (name and folder)
// and the first differing item id; and when a request failed in one run of a pair but not the
// other and options.allow_failures is false (the message counts the failures by cause). Cost: per row one stats_paired_compare (about 30 ms for
// 10,000 resamples of 1,500 items).
CompareResult compare_runs(const std::vector<CompareRun>& runs,
                           const std::vector<ComparePair>& pairs, const CompareOptions& options);

// --- outputs --------------------------------------------------------------------------------

inline constexpr int kCompareFormatVersion = 1;

// compare.json: {"clinbench_version", "format_version", "settings", "runs": [{name, dir,
// model_spec, fingerprint, backend}], "scores": [{run, task, metric, n, value, ci_low,
// ci_high}], "comparisons": [{task, metric, fine_tune, base, higher_is_better, n,
// mean_fine_tune, mean_base, difference, ci_low, ci_high, wins, ties, losses, test, p_value,
// p_holm, significant, clusters, ci90_low, ci90_high, margin, smallest_equivalence_margin,
// verdict, minimum_detectable_difference, items_needed, power_method, discordant_share,
// standard_error}], "calibration": [{run, task, n, left_out, bins, ece, brier,
// chosen_probability}], "notes"}. Runs are referred to by name. wins / ties / losses count
// items where the fine-tune did better / the same / worse by the metric's direction. Scores are
// each run's own results.json values (all of its items); comparisons use the common items.
// With excluded items, "clean_comparisons" holds the clean rows in the same layout plus
// "excluded", and settings.exclude_ids names the file (null when only the runs marked items).
nlohmann::json compare_json(const std::vector<CompareRun>& runs, const CompareResult& result);

// Markdown: one table per task (models × metrics, value and 95% interval), then the table of
// paired differences with p-values and a significance mark, then (with excluded items) the
// clean subset's differences beside the full set's, then the notes and a legend.
std::string compare_markdown(const std::vector<CompareRun>& runs, const CompareResult& result);

// CSV (RFC 4180, header row) of the model × task table: model, run_dir, task, metric, n, value,
// ci_low, ci_high. Numbers at full precision; an empty field for a metric without samples.
std::string compare_csv_scores(const std::vector<CompareRun>& runs);

// CSV of the pair table: task, metric, fine_tune, base, higher_is_better, n, mean_fine_tune,
// mean_base, difference, ci_low, ci_high, wins, ties, losses, test, p_value, p_holm,
// significant.
std::string compare_csv_pairs(const std::vector<CompareRun>& runs, const CompareResult& result);

// Writes DIR/compare.md, DIR/compare.json, DIR/compare_scores.csv and DIR/compare_pairs.csv
// (and DIR/compare_pairs_clean.csv, the clean rows, when items are excluded), each atomically,
// creating DIR. Throws Error naming the file when writing fails.
void compare_write(const std::filesystem::path& output_dir, const std::vector<CompareRun>& runs,
                   const CompareResult& result);

// The verdict table (90% interval, margin, smallest equivalence margin, verdict, minimum
// detectable difference, items needed), the calibration table and the flip causes, as Markdown
// appended to compare_markdown's; empty without rows.
std::string compare_markdown_analysis(const std::vector<CompareRun>& runs, const CompareResult& result);

// compare_verdicts.csv: task, metric, fine_tune, base, n, clusters, difference, ci90_low,
// ci90_high, margin, smallest_equivalence_margin, verdict, minimum_detectable_difference,
// target_difference, items_needed, power_method, discordant_share, standard_error.
std::string compare_csv_verdicts(const std::vector<CompareRun>& runs, const CompareResult& result);

// compare_calibration.csv: model, task, n, left_out, metric (ece | brier | chosen_probability),
// value, ci_low, ci_high.
std::string compare_csv_calibration(const std::vector<CompareRun>& runs, const CompareResult& result);

// The factorial table and the format-versus-knowledge table as Markdown (empty without rows).
std::string compare_markdown_effects(const std::vector<CompareRun>& runs, const CompareResult& result);

// compare_effects.csv: design (factorial | format_knowledge), task, twin_task, metric, effect,
// first, second, n, clusters, mean_first, mean_second, difference, ci_low, ci_high, ci90_low,
// ci90_high, test, p_value, p_holm, significant, verdict.
std::string compare_csv_effects(const std::vector<CompareRun>& runs, const CompareResult& result);

// compare.json's "factorial" and "format_knowledge": [{task, twin_task, metric, effect, first,
// second, n, ...the comparison fields}].
nlohmann::json compare_json_effects(const std::vector<CompareRun>& runs, const std::vector<CompareEffectRow>& rows);

// compare_flips.csv: task, metric, fine_tune, base, cause, gained, lost, p_value.
std::string compare_csv_flips(const std::vector<CompareRun>& runs, const CompareResult& result);

// compare.json's "flips": [{task, metric, fine_tune, base, causes: [{cause, gained, lost,
// p_value}], items: [{id, fine_tune_right, cause}]}].
nlohmann::json compare_json_flips(const std::vector<CompareRun>& runs, const CompareResult& result);

// The analysis fields compare.json adds to a comparison row, and its "calibration" list.
nlohmann::json compare_json_row_analysis(const CompareRow& row);
nlohmann::json compare_json_calibration(const std::vector<CompareRun>& runs, const CompareResult& result);

// Human name of the test behind a p-value ("McNemar exact", "sign-flip exact", ...).
const char* compare_test_name(StatsPairedTest test);

}  // namespace clinbench
