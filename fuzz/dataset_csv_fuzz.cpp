// CSV data sets, both layouts on every input: with a header (Medbullets: opa..ope, options that
// may vary, a letter answer) and without one (MMLU: question, A-D, answer).
#include "dataset_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clinbench;
  std::string_view text = fuzz::input_text(data, size);

  DatasetReadOptions header;
  header.format = DatasetFormat::csv;
  MultipleChoiceMapping medbullets;
  medbullets.question_field = "question";
  medbullets.option_fields = {"opa", "opb", "opc", "opd", "ope"};
  medbullets.options_may_vary = true;
  medbullets.answer_field = "answer_idx";
  fuzz::read_and_map(text, "fuzz/test.csv", header, medbullets, "dataset_csv", true);

  DatasetReadOptions headerless;
  headerless.format = DatasetFormat::csv_headerless;
  headerless.columns = {"question", "A", "B", "C", "D", "answer"};
  MultipleChoiceMapping mmlu;
  mmlu.question_field = "question";
  mmlu.option_fields = {"A", "B", "C", "D"};
  mmlu.answer_field = "answer";
  fuzz::read_and_map(text, "fuzz/anatomy_test.csv", headerless, mmlu, "dataset_csv", true);
  return 0;
}
