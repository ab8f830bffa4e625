// A task's data: read in its published layout, mapped to examples, shots set aside, validated
// before any model work.
#include <algorithm>
#include <cmath>

#include "clinbench/random.h"
#include "clinbench/tasks.h"
#include "clinbench/python_random.h"

namespace clinbench {

namespace {

// The dataset path a task names, under the data directory. A relative path may not climb out
// of it, nor may the task name an absolute path, unless the user allows it: a task file cannot
// read arbitrary files by accident or by design.
std::filesystem::path resolve_data_path(const TaskSpec& spec, const std::string& written,
                                        const TaskDataOptions& options, const std::string& field) {
  return input_path_resolve(options.data_dir, "the data directory", written,
                            options.allow_absolute_paths, spec.source, 0, field);
}

std::vector<Record> read_task_records(const TaskSpec& spec, const std::filesystem::path& path,
                                      std::vector<std::filesystem::path>& files) {
  bool is_glob = path.filename().string().find_first_of("*?[") != std::string::npos;
  std::vector<std::filesystem::path> found =
      is_glob ? dataset_glob_files(path) : std::vector<std::filesystem::path>{path};
  std::error_code error;  // a name the system refuses is "not there", not a filesystem_error
  if (found.empty() || (!is_glob && !std::filesystem::exists(path, error))) {
    std::string hint = spec.data_url.empty() ? "" : " (get it from " + spec.data_url + ")";
    throw Error("task '" + spec.name + "' expects its data at " + path.string() + hint +
                "; point --data-dir (or CLINBENCH_DATA) at the folder that holds it");
  }
  files.insert(files.end(), found.begin(), found.end());
  return is_glob ? read_dataset_glob(path, spec.read_options) : read_dataset(path, spec.read_options);
}

// A record without a field takes its first alternative name that it has.
void apply_aliases(const TaskSpec& spec, std::vector<Record>& records) {
  if (spec.field_aliases.empty()) return;
  for (Record& record : records) {
    for (const auto& [field, alternatives] : spec.field_aliases) {
      if (record.fields.contains(field)) continue;
      for (const std::string& alternative : alternatives) {
        if (record.fields.contains(alternative)) {
          record.fields[field] = record.fields[alternative];
          break;
        }
      }
    }
  }
}

std::vector<Example> load_examples(const TaskSpec& spec, TaskExampleMapper map_examples,
                                   const std::filesystem::path& path,
                                   const TaskDataOptions& options, int64_t& dataset_items,
                                   std::vector<std::filesystem::path>& files,
                                   std::map<std::string, std::string>& documents, nlohmann::json& notes) {
  std::vector<Record> records = read_task_records(spec, path, files);
  if (!spec.select_keys_path.empty()) {
    std::filesystem::path keys = resolve_data_path(spec, spec.select_keys_path, options, "dataset.select_keys");
    files.push_back(keys);
    records = select_records_by_key_file(std::move(records), keys, spec.choices.id_field);
  }
  dataset_items = int64_t(records.size());
  apply_aliases(spec, records);
  return map_examples(spec, records, options.seed, documents, notes, dataset_items);
}

// A task with fewshot.shuffle_seed is shuffled as CPython's random.seed(S); random.shuffle(items)
// does (CLUE's MeDiSumQA, S = 1), whatever --seed is; otherwise with --seed.
void shuffle_examples(const TaskSpec& spec, std::vector<Example>& examples, uint64_t seed) {
  if (spec.fewshot_shuffle_python_seed >= 0) {
    PythonRandom::seeded(uint64_t(spec.fewshot_shuffle_python_seed)).shuffle(examples);
  } else {
    random_shuffle(examples, seed);
  }
}

}  // namespace

TaskData task_data_read(const TaskSpec& spec, const TaskDataOptions& options, TaskExampleMapper map_examples) {
  TaskData data;
  int32_t shots = options.num_fewshot >= 0 ? options.num_fewshot : spec.num_fewshot;
  std::filesystem::path path = resolve_data_path(spec, spec.dataset_path, options, "dataset.path");
  std::vector<Example> examples =
      load_examples(spec, map_examples, path, options, data.dataset_items, data.files, data.documents, data.notes);
  if (spec.fewshot_shuffle) shuffle_examples(spec, examples, options.seed);

  if (!spec.fewshot_path.empty()) {
    int64_t ignored = 0;
    nlohmann::json shot_notes = nlohmann::json::object();
    std::filesystem::path shot_path = resolve_data_path(spec, spec.fewshot_path, options, "dataset.fewshot_path");
    std::vector<Example> pool = load_examples(spec, map_examples, shot_path, options, ignored, data.files, data.documents, shot_notes);
    if (spec.fewshot_shuffle) shuffle_examples(spec, pool, options.seed);
    if (int64_t(pool.size()) < shots) {
      throw Error("task '" + spec.name + "': " + std::to_string(shots) + " shots asked for, " +
                  shot_path.string() + " has " + std::to_string(pool.size()));
    }
    data.shots.assign(pool.begin(), pool.begin() + shots);
  } else if (shots > 0) {
    // The first K items are the shots and are not scored (the study's protocol).
    if (int64_t(examples.size()) <= shots) {
      throw Error("task '" + spec.name + "': " + std::to_string(shots) + " shots leave no item to evaluate in " +
                  path.string());
    }
    data.shots.assign(examples.begin(), examples.begin() + shots);
    examples.erase(examples.begin(), examples.begin() + shots);
  }
  if (options.limit_fraction > 0) {
    examples.resize(size_t(std::ceil(double(examples.size()) * options.limit_fraction)));
  }
  if (options.limit >= 0 && int64_t(examples.size()) > options.limit) examples.resize(size_t(options.limit));
  data.examples = std::move(examples);
  return data;
}

std::string task_template_render(const std::string& template_text, const Example& example, const TaskSpec& spec,
                                 const std::map<std::string, std::string>& extra) {
  std::string out;
  out.reserve(template_text.size() * 2);
  for (size_t i = 0; i < template_text.size(); ++i) {
    char c = template_text[i];
    if ((c == '{' || c == '}') && i + 1 < template_text.size() && template_text[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    size_t close = template_text.find('}', i);
    if (close == std::string::npos) {
      throw Error("task '" + spec.name + "' (" + spec.source + "): unclosed '{' in template: " + template_text);
    }
    std::string name = template_text.substr(i + 1, close - i - 1);
    i = close;
    if (auto found = extra.find(name); found != extra.end()) {
      out += found->second;
    } else if (name == "options") {
      for (size_t o = 0; o < example.options.size(); ++o) {
        if (o > 0) out += "\n";
        out += task_template_render(spec.option_template, example, spec,
                                    {{"letter", multiple_choice_letter(int(o))}, {"option", example.options[o]}});
      }
    } else if (example.fields.contains(name)) {
      out += task_field_text(example.fields[name]);
    } else if (name == "retrieved") {
      // Shots and runs without retrieval have no passages: the slot stays empty.
    } else {
      throw_input_error(example.source, example.line, name,
                        "task '" + spec.name + "' uses {" + name + "} in a template, but the item has no such field");
    }
  }
  return out;
}

std::string task_field_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string joined;
    for (const auto& part : value) joined += (joined.empty() ? "" : "\n") + task_field_text(part);
    return joined;
  }
  if (value.is_null()) return "";
  return value.dump();
}

}  // namespace clinbench
