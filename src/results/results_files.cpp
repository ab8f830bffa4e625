// The files of a run folder: results.json and samples/TASK.jsonl, written atomically and read
// back with errors that name the file, the line and the field.
#include "clinbench/results.h"

namespace clinbench {

namespace {

std::string dump_safe(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Each non-blank line of a samples file as a JSON object, with its 1-based line number.
template <typename OnLine>
void for_each_sample_line(const std::filesystem::path& file, OnLine on_line) {
  std::string text = read_file(file);
  size_t start = 0;
  int64_t line = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line;
    std::string_view row(text.data() + start, end - start);
    start = end + 1;
    if (row.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(row);
    } catch (const nlohmann::json::parse_error& e) {
      throw_input_error(file, line, "", std::string("not valid JSON: ") + e.what());
    }
    if (!object.is_object()) throw_input_error(file, line, "", "a sample must be a JSON object");
    on_line(line, std::move(object));
  }
}

}  // namespace

void results_write(const std::filesystem::path& output_dir, const RunResult& run) {
  std::error_code ec;
  std::filesystem::create_directories(output_dir / "samples", ec);
  if (ec) throw_input_error(output_dir, 0, "", "cannot create the output folder: " + ec.message());
  for (const TaskResult& task : run.tasks) {
    std::string lines;
    for (const Sample& sample : task.samples) lines += dump_safe(sample_to_json(sample), -1) + "\n";
    write_file_atomic(output_dir / "samples" / (task.task + ".jsonl"), lines);
  }
  write_file_atomic(output_dir / "results.json", dump_safe(results_to_json(run), 2) + "\n");
}

namespace {

// DIR/results.json as a checked document: valid JSON, a format version this clinbench reads, a
// tasks object.
nlohmann::json results_read_document(const std::filesystem::path& run_dir) {
  std::filesystem::path path = run_dir / "results.json";
  nlohmann::json results;
  try {
    results = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::parse_error& e) {
    throw_input_error(path, 0, "", std::string("not valid JSON: ") + e.what());
  }
  if (!results.is_object()) throw_input_error(path, 0, "", "missing: not a clinbench results file");
  const nlohmann::json& version = results.contains("format_version") ? results["format_version"] : nlohmann::json(0);
  if (!version.is_number_integer()) throw_input_error(path, 0, "format_version", "expected an integer");
  if (version.get<int64_t>() > kResultsFormatVersion) {
    throw_input_error(path, 0, "format_version",
                      "written by a newer clinbench (format " + std::to_string(version.get<int64_t>()) +
                          "; this one reads up to " + std::to_string(kResultsFormatVersion) + ")");
  }
  if (!results.contains("tasks") || !results["tasks"].is_object()) {
    throw_input_error(path, 0, "tasks", "missing: not a clinbench results file");
  }
  return results;
}

}  // namespace

RunResult results_read(const std::filesystem::path& run_dir) {
  return results_from_json(results_read_document(run_dir), run_dir / "results.json");
}

std::vector<Sample> samples_read(const std::filesystem::path& file) {
  std::vector<Sample> samples;
  for_each_sample_line(file, [&samples, &file](int64_t line, nlohmann::json&& object) {
    samples.push_back(sample_from_json(object, file, line));
  });
  return samples;
}

}  // namespace clinbench
