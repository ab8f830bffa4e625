// Audit stage: is a benchmark inside a training corpus, or inside a model? (docs/audit.md)
//
// Corpus overlap: every item's text (question, context, options, reference, documents) is
// normalised (Unicode NFKC, case-folded, words = runs of letters, marks and digits, everything
// else a separator) and cut into word n-grams, whose 64-bit hashes (XXH3) go into one table.
// Corpus files stream through the same normalisation; each corpus n-gram is looked up in the
// table. An item's overlap is the share of its distinct n-grams seen anywhere in the corpus.
// Memory holds the item n-grams, a read buffer and one word: never a corpus document.
//
// Model side: Min-K% Prob (Shi et al. 2023, "Detecting Pretraining Data from Large Language
// Models"): the mean of the lowest K% token log-probabilities of an item's text under a model.
// Text a model was trained on has fewer surprising tokens, so its score is higher (closer to 0).
//
// Nothing here prints or exits. Bad input (a corpus line that is not JSON, a truncated zstd
// stream, an exclude-ids line with two tabs) throws Error naming the file, line and field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/core.h"
#include "clinbench/engine.h"
#include "clinbench/tasks.h"

namespace clinbench {

// --- item text ------------------------------------------------------------------------------

// The texts of one example that a leak would copy, each cut into n-grams on its own (n-grams
// never span two texts): the question and the context (multiple choice), the options joined by
// spaces in letter order, the fields the user template shows (generation), the reference answer,
// and for LongHealth the letters of the item's own patient (not the other patients' letters a
// draw adds as distractors). Empty texts are left out.
std::vector<std::string> audit_item_texts(const TaskSpec& spec, const TaskData& data,
                                          const Example& example);

// --- normalisation --------------------------------------------------------------------------

// The normalised words of text joined by single spaces: what overlap compares. NFKC, case
// folded (utf8proc), punctuation, symbols and whitespace removed as word separators; bytes that
// are not valid UTF-8 are separators too. "Fever, COUGH & ﬁbrosis!" -> "fever cough fibrosis"
// (the "ﬁ" ligature is one character that NFKC spells "fi").
std::string audit_normalize(std::string_view text);

// --- corpus overlap -------------------------------------------------------------------------

inline constexpr int32_t kAuditDefaultNgram = 13;
// An item is flagged when at least half of its n-grams are in the corpus. A verbatim copy
// scores about 1; shared clinical boilerplate ("comes to the emergency department because of")
// is far below it, since it covers few of an item's 13-grams; a document quoting the question
// but not the options still scores high on a long question.
inline constexpr double kAuditDefaultThreshold = 0.5;

struct AuditItemOverlap {
  int64_t ngrams = 0;  // distinct n-grams of the item's texts; 0 for text shorter than n words
  int64_t found = 0;   // of those, how many the corpus holds
  // found / ngrams; nullopt when ngrams == 0 (nothing to look for: never flagged).
  std::optional<double> overlap() const;
};

// The n-grams of every item, and which of them the corpus scans found.
// Not thread-safe; one scan at a time.
class AuditNgramIndex {
 public:
  explicit AuditNgramIndex(int32_t ngram = kAuditDefaultNgram);  // ngram >= 1
  ~AuditNgramIndex();
  AuditNgramIndex(const AuditNgramIndex&) = delete;
  AuditNgramIndex& operator=(const AuditNgramIndex&) = delete;

  int32_t ngram() const;
  // Adds an item; returns its index (0, 1, ...). Items with the same texts share their n-gram
  // list (LongHealth's five draws of a question).
  size_t add_item(const std::vector<std::string>& texts);
  size_t item_count() const;
  int64_t distinct_ngrams() const;  // over all items

  // Marks each hash that is an item n-gram as found; returns how many were (repeats counted).
  // Hashes come from the n-gram stream (audit/ngram_stream.h) with the same n.
  int64_t mark_found(std::span<const uint64_t> ngram_hashes);
  AuditItemOverlap item_overlap(size_t item) const;
  int64_t distinct_found() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

enum class AuditCorpusFormat {
  jsonl,  // one JSON object a line; the text field of each is one document
  text,   // plain text; the whole file is one document (n-grams run across line breaks)
};

struct AuditCorpusOptions {
  std::string text_field = "text";  // jsonl: the top-level field holding a document's text
  size_t read_buffer_bytes = 1 << 20;
};

// How one corpus file is read: zstd when its first four bytes are the zstd frame magic
// (whatever its name); jsonl when its name, less a .zst/.zstd suffix, ends in .jsonl, .ndjson or
// .json; plain text otherwise.
struct AuditCorpusKind {
  bool zstd = false;
  AuditCorpusFormat format = AuditCorpusFormat::text;
};
AuditCorpusKind audit_corpus_kind(const std::filesystem::path& path);

struct AuditCorpusStats {
  std::filesystem::path path;
  AuditCorpusKind kind;
  int64_t file_bytes = 0;          // on disk (compressed for zstd)
  int64_t text_bytes = 0;          // after decompression
  int64_t documents = 0;           // jsonl: objects with the text field; text: 1
  int64_t missing_text_field = 0;  // jsonl: objects without it (skipped, counted)
  int64_t ngrams = 0;              // corpus n-grams looked up
  int64_t matches = 0;             // of those, item n-grams (counting repeats)
};

// Streams one corpus file through the index, marking the item n-grams it holds. progress gets
// (file bytes read, file size). Throws Error naming the file (and the line, for jsonl) for a
// file that cannot be read, a truncated or damaged zstd stream, a jsonl line that is not a JSON
// object or ends inside one, or a text field that is neither a string nor null. Only the
// structure the scanner walks is checked: numbers and literals of other fields are skipped
// unread.
AuditCorpusStats audit_corpus_scan(const std::filesystem::path& path, AuditNgramIndex& index,
                                   const AuditCorpusOptions& options,
                                   const ProgressCallback& progress = {});

// --- Min-K% Prob ----------------------------------------------------------------------------

inline constexpr double kAuditDefaultMinKPercent = 20;

// Mean of the lowest k_percent % of token_logprobs: the floor(N * k / 100) smallest, at least
// one (Shi et al. take floor and get nothing for short texts). nullopt for no tokens.
// Contract: 0 < k_percent <= 100.
std::optional<double> audit_min_k_prob(std::span<const float> token_logprobs, double k_percent);

struct AuditMinK {
  std::optional<double> min_k_prob;  // nullopt when the request failed (status)
  int32_t tokens = 0;                // scored tokens
  bool truncated = false;            // the text was cut to fit the context window
  RequestStatus status = RequestStatus::ok;
};

// Min-K% Prob of each text: log P(text | BOS) through the backend's log-likelihood engine (an
// empty context), texts longer than the context window cut to fit (truncated). Identical texts
// are scored once; cache may be null. progress as the scheduler's.
std::vector<AuditMinK> audit_min_k_scores(Backend& backend, ResponseCache* cache,
                                          std::string_view task,
                                          const std::vector<std::string>& texts, double k_percent,
                                          const ProgressCallback& progress = {});

// --- excluded ids ---------------------------------------------------------------------------

// Items to leave out of the clean subset (`run --exclude-ids`, `compare --exclude-ids`).
// File format, UTF-8, one entry a line:
//   ID            excludes that id in every task
//   TASK<TAB>ID   excludes it in TASK only (what `clinbench audit` writes: ids such as "17"
//                 are positions and recur across tasks)
// Blank lines and lines starting with '#' are ignored; spaces around fields are trimmed; a
// trailing CR is dropped.
struct AuditExcludedIds {
  std::set<std::string> every_task;
  std::map<std::string, std::set<std::string>> by_task;
  std::filesystem::path source;  // the file, for messages; empty when built in code
  bool empty() const { return every_task.empty() && by_task.empty(); }
  bool excludes(const std::string& task, const std::string& id) const;
};

// Parses the format above; path is only for messages. Throws Error "PATH:LINE: ..." for a line
// with more than one tab or an empty task or id.
AuditExcludedIds audit_excluded_ids_parse(std::string_view text, const std::filesystem::path& path);
// Reads and parses a file; throws Error naming it when unreadable.
AuditExcludedIds audit_excluded_ids_read(const std::filesystem::path& path);

// --- a whole audit --------------------------------------------------------------------------

struct AuditItemResult {
  std::string id;                // as in the run's samples/TASK.jsonl
  AuditItemOverlap overlap;      // when the audit scanned corpora
  bool flagged = false;          // overlap >= threshold
  std::vector<AuditMinK> min_k;  // one per model, in AuditReport::models order
};

struct AuditTaskResult {
  std::string task;
  std::vector<AuditItemResult> items;  // in the run's sample order
};

struct AuditModel {
  std::string name;  // display name: the GGUF's file stem, or the server's model name
  std::string spec;
  std::string fingerprint;
};

struct AuditReport {
  int32_t ngram = kAuditDefaultNgram;
  double threshold = kAuditDefaultThreshold;
  std::string text_field = "text";
  double min_k_percent = kAuditDefaultMinKPercent;
  std::vector<AuditCorpusStats> corpora;  // empty: overlap not measured
  std::vector<AuditModel> models;         // empty: Min-K% not measured; the first is the base
  std::vector<AuditTaskResult> tasks;
  nlohmann::json config = nlohmann::json::object();  // data settings, for the record
};

// One item's Min-K% Prob under a fine-tune beside its base (models[0]).
struct AuditMinKRise {
  std::string id;
  double base = 0;
  double fine_tune = 0;
  double rise = 0;  // fine_tune - base; > 0: the fine-tune finds the text more familiar
};

// Items of a task with both scores, by rise of models[model] over models[0], largest first,
// ties by sample order; at most top (0 = all).
std::vector<AuditMinKRise> audit_min_k_rises(const AuditTaskResult& task, size_t model, size_t top);

// DIR/TASK.jsonl lines: {"id", "overlap" (share or null), "ngrams", "ngrams_found", "flagged"}
// when corpora were scanned, {"min_k_prob": {MODEL: value or null}, "min_k_tokens": {MODEL: n},
// "min_k_rise": {FINE_TUNE: value or null}} when models were scored.
nlohmann::json audit_item_json(const AuditReport& report, const AuditItemResult& item);

inline constexpr int kAuditFormatVersion = 1;

// audit.json: settings, corpora read, per task counts and overlap summary, flagged ids, and per
// fine-tune the `top` items whose Min-K% Prob rose most.
nlohmann::json audit_summary_json(const AuditReport& report, size_t top);

// The summary table the CLI prints: per task items, n-grams, flagged, mean and largest overlap;
// then the top Min-K% rises per task and fine-tune.
std::string audit_table(const AuditReport& report, size_t top);

// Writes DIR/audit.json, DIR/TASK.jsonl per task, DIR/TASK.flagged.tsv per task and
// DIR/flagged.tsv (all tasks), the flagged files as TASK<TAB>ID lines that --exclude-ids reads
// (written, empty, also when nothing is flagged). Each atomically; throws Error naming the file.
void audit_write(const std::filesystem::path& output_dir, const AuditReport& report, size_t top);

}  // namespace clinbench
