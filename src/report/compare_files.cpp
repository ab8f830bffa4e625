// The files `clinbench compare` leaves behind.
#include "clinbench/compare.h"

namespace clinbench {

void compare_write(const std::filesystem::path& output_dir, const std::vector<CompareRun>& runs,
                   const CompareResult& result) {
  std::error_code ec;
  std::filesystem::create_directories(output_dir, ec);
  if (ec) throw_input_error(output_dir, 0, "", "cannot create the output folder: " + ec.message());
  write_file_atomic(output_dir / "compare.md",
                    "# Model comparison\n\n" + compare_markdown(runs, result));
  write_file_atomic(
      output_dir / "compare.json",
      compare_json(runs, result).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
          "\n");
  write_file_atomic(output_dir / "compare_scores.csv", compare_csv_scores(runs));
  write_file_atomic(output_dir / "compare_pairs.csv", compare_csv_pairs(runs, result));
  write_file_atomic(output_dir / "compare_verdicts.csv", compare_csv_verdicts(runs, result));
  if (!result.factorial.empty() || !result.format_knowledge.empty())
    write_file_atomic(output_dir / "compare_effects.csv", compare_csv_effects(runs, result));
  if (!result.flips.empty()) write_file_atomic(output_dir / "compare_flips.csv", compare_csv_flips(runs, result));
  if (!result.calibration.empty())
    write_file_atomic(output_dir / "compare_calibration.csv", compare_csv_calibration(runs, result));
  if (!result.clean_rows.empty()) {
    CompareResult clean = result;
    clean.rows = result.clean_rows;
    write_file_atomic(output_dir / "compare_pairs_clean.csv", compare_csv_pairs(runs, clean));
  }
}

}  // namespace clinbench
