// Data stage: reads evaluation data sets in the layouts their authors publish (JSON Lines, a
// JSON array, a JSON object keyed by id, CSV with or without a header) into records, and maps
// records to multiple-choice items.
//
// Everything is validated before any model work starts, and nothing is dropped silently: a file
// either reads completely or the read ends with an Error whose message names the file, the line
// and, where there is one, the field ("data/dev.json:17: field 'cop': ..."). Checked: malformed
// JSON (with the parser's explanation and the column), JSON nested deeper than 128 levels, a
// JSON key that appears twice in one object, content after the top-level JSON value, invalid
// UTF-8 anywhere, CSV quoting (RFC 4180) and cell counts, an empty file, missing fields, fields
// of the wrong type, answers that are not among the options, and duplicate ids. The only things skipped are empty lines (whitespace only
// in JSONL, completely empty in CSV), which carry no record; a UTF-8 byte order mark is skipped
// and CRLF line ends are accepted everywhere.
//
// Functions here read files and return values; they keep no state and are safe to call from
// several threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace clinbench {

// --- reading records -------------------------------------------------------------------------

enum class DatasetFormat {
  jsonl,           // one JSON object a line (MedQA, MeQSum, MedQuAD, MedMCQA's dev.json)
  json_array,      // one JSON array of objects
  json_object,     // one JSON object whose values are the records (PubMedQA ori_pqal.json)
  csv,             // RFC 4180 CSV whose first row names the columns (Medbullets)
  csv_headerless,  // RFC 4180 CSV without a header; DatasetReadOptions::columns names them (MMLU)
  // A JSON array when the file's first non-blank character (after a UTF-8 BOM) is "[", else
  // JSONL: unambiguous, since a JSONL line must hold an object. Used by MeDiSumQA and
  // MeDiSumCode: CLUE's evaluation reads their files as arrays, its generator writes JSONL.
  jsonl_or_json_array,
};

// "jsonl" | "json_array" | "json_object" | "csv" | "csv_headerless" | "jsonl_or_json_array";
// throws Error listing the valid names for anything else. dataset_format_name is its inverse (the names round-trip).
DatasetFormat dataset_format_from_name(std::string_view name);
std::string_view dataset_format_name(DatasetFormat format);

struct DatasetReadOptions {
  DatasetFormat format = DatasetFormat::jsonl;
  // csv_headerless: the column names, in order, one per cell (required, unique). Must be empty
  // for the other formats.
  std::vector<std::string> columns;
};

struct Record {
  nlohmann::json fields;  // always a JSON object; CSV cells are JSON strings, never converted
  std::string key;        // json_object: the record's key (a PubMedQA PMID); otherwise empty
  int64_t line = 0;       // 1-based line where the record starts (json_object: where its key is)
  int64_t position = 0;   // 0-based index of the record in its file
  std::string source;     // the file it was read from, as given
};

// Reads every record of one file. Records come in file order. Throws Error (naming the file,
// line and field) for any of the problems in the header comment, for a file that cannot be read,
// and for a file without records. JSONL lines and top-level JSON members must be JSON objects;
// a CSV row must have exactly as many cells as there are columns. CSV header names must be
// unique. The file is read into memory once and parsed in one pass (MedQuAD's 25 MB in a few
// hundred milliseconds).
std::vector<Record> read_dataset(const std::filesystem::path& path,
                                 const DatasetReadOptions& options);

// The files a pattern names: the pattern's last component may hold the shell wildcards * ? [...]
// (fnmatch(3); a leading dot is not matched by a wildcard), the folders before it may not hold
// * or ?. A pattern without wildcards, or one that names an existing file ("data[1].csv"), names
// itself. Matches are regular files (or links to them), sorted by file name (byte order) so the
// order does not depend on the file system. Throws Error when the folder cannot be listed or
// nothing matches.
std::vector<std::filesystem::path> dataset_glob_files(const std::filesystem::path& pattern);

// Several files read as one data set (MMLU medical: six *_test.csv files), in the order of
// dataset_glob_files. Record::position restarts at 0 in each file; Record::source tells the
// files apart.
std::vector<Record> read_dataset_glob(const std::filesystem::path& pattern,
                                      const DatasetReadOptions& options);

// Keeps the records whose id is a key of the JSON object in keys_file, in the records' order
// (PubMedQA: test_ground_truth.json selects 500 of the 1,000 records of ori_pqal.json; its values
// are ignored). The id is Record::key, or the field id_field when that is not empty (string or
// integer). Throws Error naming keys_file and line for a key that no record has, a key written
// twice or an empty object; naming the record for a record without an id or two records with the
// same id.
std::vector<Record> select_records_by_key_file(std::vector<Record> records,
                                               const std::filesystem::path& keys_file,
                                               std::string_view id_field = {});

// --- reading fields ----------------------------------------------------------------------------
// Every accessor throws Error naming record.source, record.line and the field when the field is
// missing, null or of another type. Fields are top-level members of Record::fields.

// True when the field is present and not null.
bool record_field_exists(const Record& record, std::string_view field);

// A JSON string as it is, a JSON number as text (integers without a decimal point, 12; other
// numbers in their shortest round-trip form, 0.1), or a CSV cell. Booleans, arrays and objects
// are errors.
std::string record_field_string(const Record& record, std::string_view field);

// A JSON integer, or a string holding a decimal integer ("3", " 3 " is not: CSV cells are exact).
int64_t record_field_integer(const Record& record, std::string_view field);

// A JSON array whose elements are strings or numbers (as record_field_string converts them).
std::vector<std::string> record_field_string_list(const Record& record, std::string_view field);

// A JSON object whose values are strings or numbers, by key (nlohmann::json keeps object keys
// sorted, so "A" < "B" < ... holds for letter-keyed options).
std::map<std::string, std::string> record_field_string_object(const Record& record,
                                                              std::string_view field);

// --- multiple-choice items ---------------------------------------------------------------------

enum class AnswerEncoding {
  letter,  // "C" (upper or lower case; spaces around it ignored)
  index0,  // 2: 0-based index (JSON integer or a CSV cell holding one)
  index1,  // 3: 1-based index (MedMCQA's cop)
  text,    // the option's text (MedQA's answer, PubMedQA's final_decision)
};

// "letter" | "index0" | "index1" | "text"; throws Error for anything else. Names round-trip.
AnswerEncoding answer_encoding_from_name(std::string_view name);
std::string_view answer_encoding_name(AnswerEncoding encoding);

// How the fields of a record become a question with lettered options. Exactly one of
// options_field, option_fields and fixed_options is set.
struct MultipleChoiceMapping {
  // Empty: Record::key when the record has one (json_object), otherwise the record's position in
  // its file as a decimal string ("0", "1", ...), prefixed by the file name when the records come
  // from more than one file ("anatomy_test.csv:0"), so that ids stay unique over a glob.
  std::string id_field;
  std::string question_field;
  // Optional. Each is a string or a list of strings (PubMedQA CONTEXTS); all pieces joined with
  // "\n" in order make MultipleChoiceItem::context.
  std::vector<std::string> context_fields;
  // A field holding the options: an object keyed "A", "B", ... (consecutive from A; MedQA) or an
  // array of strings.
  std::string options_field;
  // Or one field per option, in letter order (MedMCQA opa..opd, Medbullets opa..ope, MMLU A..D).
  std::vector<std::string> option_fields;
  // Or the same options for every item (PubMedQA: yes, no, maybe).
  std::vector<std::string> fixed_options;
  // false: every option must be present and not empty (whitespace only counts as empty), so a
  // misnamed or blank option column ends the run. true: options at the end that are missing,
  // null or empty are dropped, so one mapping reads collections whose items have different
  // numbers of options (Medbullets: opa..ope over medbullets_op4.csv, which has no ope column,
  // and medbullets_op5.csv). An empty option followed by a present one is an error either way.
  bool options_may_vary = false;
  std::string answer_field;
  AnswerEncoding answer_encoding = AnswerEncoding::letter;
};

struct MultipleChoiceItem {
  std::string id;
  int64_t line = 0;    // of the record
  std::string source;  // of the record
  std::string question;
  std::string context;               // empty without context_fields
  std::vector<std::string> options;  // in letter order A, B, C, ...; 2 to 26 of them
  int answer_index = -1;             // 0-based, always a valid index into options
  nlohmann::json extra;              // the record's fields that the mapping did not use
};

// One item per record, in order. Throws Error naming the record's file, line and field for:
// a missing field or one of the wrong type, options that are not 2 to 26, options keyed other
// than A, B, C..., an empty option (see options_may_vary), an answer that is not among the
// options (or, for text, matches none or several of them exactly; then trimmed and
// case-insensitively), and two records with the same id (naming both). Throws Error for a
// mapping that does not name a question, options (exactly one way) and an answer field.
// text answers match an option exactly first; failing that, ignoring surrounding spaces and
// ASCII case, which must then match exactly one option.
std::vector<MultipleChoiceItem> map_multiple_choice(const std::vector<Record>& records,
                                                    const MultipleChoiceMapping& mapping);

// "A", "B", ..., "Z" for 0..25: the letter of an option.
std::string multiple_choice_letter(int index);

}  // namespace clinbench
