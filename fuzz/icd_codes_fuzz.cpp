// ICD-10 codes: extraction from model output (MeDiSumCode), scoring against gold codes and a code
// set, and the CMS order-file parser that reads the code set.
#include <cmath>

#include "clinbench/metrics.h"
#include "fuzz_support.h"

namespace {

const char* target = "icd_codes";

// The shape of CLUE's regex, dots removed: [A-TV-Z][0-9]{2}[0-9A-Z]{0,4}.
bool code_shaped(const std::string& code) {
  if (code.size() < 3 || code.size() > 7) return false;
  if (code[0] < 'A' || code[0] > 'Z' || code[0] == 'U') return false;
  for (size_t i = 1; i < code.size(); ++i) {
    bool digit = code[i] >= '0' && code[i] <= '9';
    bool upper = code[i] >= 'A' && code[i] <= 'Z';
    if (i < 3 ? !digit : !(digit || upper)) return false;
  }
  return true;
}

bool in_unit_interval(double value) { return std::isfinite(value) && value >= 0.0 && value <= 1.0; }

void check_scores(const clinbench::PrecisionRecallF& scores) {
  clinbench::fuzz::require(in_unit_interval(scores.precision) && in_unit_interval(scores.recall) &&
                               in_unit_interval(scores.f),
                           target, "precision, recall and F are in [0, 1]");
}

// One line of the CMS order file: order number, code in 7 columns, flag, 60-column short
// description, long description.
std::string order_line(int order, const std::string& code, char billable, const std::string& text) {
  std::string number = std::to_string(order);
  std::string line = std::string(5 - number.size(), '0') + number + " ";
  line += code + std::string(7 - code.size(), ' ') + " " + billable + " ";
  line += text + std::string(60 - text.size(), ' ') + " " + text + "\n";
  return line;
}

const clinbench::IcdCodeSet& small_code_set() {
  static const clinbench::IcdCodeSet codes = clinbench::icd_code_set_parse(
      order_line(1, "A00", '0', "Cholera") + order_line(2, "A000", '1', "Cholera due to Vibrio") +
          order_line(3, "E119", '1', "Type 2 diabetes mellitus without complications") +
          order_line(4, "I10", '1', "Essential (primary) hypertension"),
      "small_order.txt");
  return codes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clinbench;
  std::string_view text = fuzz::input_text(data, size);

  std::vector<std::string> codes = icd_codes_extract(text);
  fuzz::require(codes.size() <= size / 3, target, "a code takes at least three characters");
  for (const std::string& code : codes) {
    fuzz::require(code_shaped(code), target, "an extracted code has the code's shape: " + code);
    std::string dotted = code.substr(0, 3) + "." + code.substr(3);
    fuzz::require(text.find(code) != std::string_view::npos ||
                      (code.size() > 3 && text.find(dotted) != std::string_view::npos),
                  target, "an extracted code is in the text: " + code);
  }

  static const std::vector<std::string> gold = {"E11.9", "I10", "N179"};
  IcdScores scores = metric_icd_codes(text, gold, small_code_set());
  check_scores(scores.exact);
  check_scores(scores.approximate);
  fuzz::require(in_unit_interval(scores.valid_code_rate), target, "the valid-code rate is in [0, 1]");
  fuzz::require(scores.predicted_codes == codes, target, "scoring extracts what extraction does");
  fuzz::require(scores.valid_count + int64_t(scores.invalid_codes.size()) ==
                    int64_t(scores.predicted_codes.size()),
                target, "every predicted code is valid or invalid");

  try {
    IcdCodeSet parsed = icd_code_set_parse(text, "fuzz/icd10cm_order.txt");
    fuzz::require(icd_code_set_size(parsed) >= 1, target, "a parsed code set has codes");
    for (size_t i = 1; i < parsed.sorted_codes.size(); ++i) {
      fuzz::require(parsed.sorted_codes[i - 1] < parsed.sorted_codes[i], target,
                    "codes are sorted, each once");
    }
  } catch (const Error& e) {
    fuzz::require_names_source(e, "fuzz/icd10cm_order.txt", target);
  }
  return 0;
}
