// JSON Lines data sets (MedQA, MeQSum, MedQuAD; MeDiSum* as jsonl_or_json_array): read_dataset, then MedQA's multiple-choice
// mapping (options keyed A, B, ...; the answer a letter).
#include "dataset_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clinbench;
  DatasetReadOptions options;
  options.format = DatasetFormat::jsonl;
  MultipleChoiceMapping mapping;
  mapping.question_field = "question";
  mapping.options_field = "options";
  mapping.answer_field = "answer_idx";
  mapping.answer_encoding = AnswerEncoding::letter;
  fuzz::read_and_map(fuzz::input_text(data, size), "fuzz/test.jsonl", options, mapping,
                     "dataset_jsonl", true);
  // MeDiSumQA/MeDiSumCode: the same text read as JSONL or, when it starts with "[", a JSON array.
  // Array elements may share a line, so records need only come in non-decreasing line order.
  options.format = DatasetFormat::jsonl_or_json_array;
  fuzz::read_and_map(fuzz::input_text(data, size), "fuzz/test.jsonl", options, mapping,
                     "dataset_jsonl", false);
  return 0;
}
