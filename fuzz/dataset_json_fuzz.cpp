// JSON data sets: a top-level array (MedMCQA-like records, one option field each, a 1-based
// answer index) or a top-level object keyed by id (PubMedQA's ori_pqal.json: fixed options and a
// text answer). The input's first character picks the layout, as a user's file would.
#include "dataset_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clinbench;
  std::string_view text = fuzz::input_text(data, size);
  size_t first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  bool array = first != std::string_view::npos && text[first] == '[';
  DatasetReadOptions options;
  MultipleChoiceMapping mapping;
  if (array) {
    options.format = DatasetFormat::json_array;
    mapping.id_field = "id";
    mapping.question_field = "question";
    mapping.option_fields = {"opa", "opb", "opc", "opd"};
    mapping.answer_field = "cop";
    mapping.answer_encoding = AnswerEncoding::index1;
  } else {
    options.format = DatasetFormat::json_object;
    mapping.question_field = "QUESTION";
    mapping.context_fields = {"CONTEXTS"};
    mapping.fixed_options = {"yes", "no", "maybe"};
    mapping.answer_field = "final_decision";
    mapping.answer_encoding = AnswerEncoding::text;
  }
  fuzz::read_and_map(text, "fuzz/test.json", options, mapping, "dataset_json", false);
  return 0;
}
