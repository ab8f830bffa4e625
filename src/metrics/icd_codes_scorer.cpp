// The table's scorer of the ICD-10 code metrics (MeDiSumCode): exact and category precision,
// recall and F1 and the valid-code rate, with the predicted and invalid codes in the details.
#include <vector>

#include "clinbench/metrics.h"
#include "clinbench/sample_scoring.h"

namespace clinbench {

void score_icd_codes(const MetricSampleInput& input, SampleScore& score) {
  std::vector<std::string> gold;
  if (input.example.fields.contains("reference_items")) {
    for (const auto& code : input.example.fields["reference_items"]) gold.push_back(code.get<std::string>());
  }
  static const IcdCodeSet no_codes;
  const IcdScores codes =
      metric_icd_codes(input.answer, gold, input.resources.icd_codes ? *input.resources.icd_codes : no_codes);
  score.values["exact_precision"] = codes.exact.precision;
  score.values["exact_recall"] = codes.exact.recall;
  score.values["exact_f1"] = codes.exact.f;
  score.values["approx_precision"] = codes.approximate.precision;
  score.values["approx_recall"] = codes.approximate.recall;
  score.values["approx_f1"] = codes.approximate.f;
  score.values["valid_code_rate"] = codes.valid_code_rate;
  score.details["predicted_codes"] = codes.predicted_codes;
  score.details["invalid_codes"] = codes.invalid_codes;
  score.extracted = nlohmann::json(codes.predicted_codes).dump();
}

}  // namespace clinbench
