// LongHealth (Adams et al. 2024) as the reference study ran it through CLUE (eval_LongHealth.py):
// 20 fictional patients, 20 questions each over 5,090-6,754 words of that patient's letters.
// Each sample is a seeded draw of which letters are offered to the token budget, in which order;
// the prompt builder fits them with the model's tokenizer and shuffles what it kept.
#include "kinds/longhealth_draws.h"

#include <algorithm>

namespace clinbench {

namespace {

struct Letter {
  std::string patient;
  std::string id;  // "text_0", ...
};

struct Patient {
  const Record* record;
  std::vector<Letter> letters;                       // file order
  std::vector<std::vector<std::string>> answer_ids;  // per question, answer_location order
};

constexpr const char* kUnanswerable = "Question cannot be answered with provided documents";
constexpr uint32_t kAllQuestions = 4095;  // the question index of a per-patient draw

// The records' JSON objects sort their keys; CLUE walks `texts` and `answer_location` in file
// order, so the order is read from the file itself.
struct FileOrder {
  std::map<std::string, std::vector<std::string>> texts;                          // patient -> ids
  std::map<std::string, std::vector<std::vector<std::string>>> answer_locations;  // patient -> per question
};

FileOrder read_file_order(const std::string& source) {
  FileOrder order;
  nlohmann::ordered_json file = nlohmann::ordered_json::parse(read_file(source), nullptr, false);
  if (!file.is_object()) return order;
  for (const auto& [key, patient] : file.items()) {
    if (!patient.is_object()) continue;
    if (patient.contains("texts") && patient["texts"].is_object()) {
      for (const auto& [id, text] : patient["texts"].items()) order.texts[key].push_back(id);
    }
    if (!patient.contains("questions") || !patient["questions"].is_array()) continue;
    for (const auto& question : patient["questions"]) {
      std::vector<std::string> ids;
      if (question.is_object() && question.contains("answer_location")) {
        const auto& location = question["answer_location"];
        if (location.is_object()) {
          for (const auto& [id, where] : location.items()) ids.push_back(id);
        }
      }
      order.answer_locations[key].push_back(std::move(ids));
    }
  }
  return order;
}

// answer_location names the letters that hold the answer: an object keyed by letter id (the
// published layout, {text_i: {start: [...], end: [...]}}) or a list of ids.
std::vector<std::string> answer_letters(const Record& record, const nlohmann::json& question, const std::string& where,
                                        const std::vector<std::string>* file_order) {
  std::vector<std::string> ids;
  if (!question.contains("answer_location")) return ids;
  const nlohmann::json& location = question["answer_location"];
  if (location.is_object()) {
    if (file_order && file_order->size() == location.size()) {
      ids = *file_order;
    } else {
      for (const auto& [key, value] : location.items()) ids.push_back(key);
    }
  } else if (location.is_array()) {
    for (const auto& value : location) {
      if (value.is_string()) ids.push_back(value.get<std::string>());
    }
  } else if (!location.is_null()) {
    throw_input_error(record.source, record.line, where + ".answer_location", "expected an object or a list");
  }
  for (const std::string& id : ids) {
    if (!record.fields["texts"].contains(id)) {
      throw_input_error(record.source, record.line, where + ".answer_location." + id, "names no letter in texts");
    }
  }
  return ids;
}

std::string decimal(unsigned __int128 value) {
  std::string digits;
  do {
    digits.insert(digits.begin(), char('0' + int(value % 10)));
    value /= 10;
  } while (value != 0);
  return digits;
}

}  // namespace

PythonRandom longhealth_draw_random(const Example& example) {
  const uint64_t seed = example.fields.at("run_seed").get<uint64_t>();
  PythonRandom random({example.fields.at("draw_code").get<uint32_t>(), uint32_t(seed), uint32_t(seed >> 32)});
  const size_t pool = example.fields.value("distractor_pool", size_t(0));
  if (pool > 0) random.sample_indices(pool, std::min(pool, kLongHealthDistractorsPerDraw));
  return random;
}

std::vector<Example> longhealth_examples(const TaskSpec& spec, const std::vector<Record>& records, uint64_t seed,
                                         std::map<std::string, std::string>& documents, nlohmann::json& notes) {
  std::map<std::string, FileOrder> orders;  // per source file
  std::vector<Patient> patients;
  for (const Record& record : records) {
    if (!orders.contains(record.source)) orders[record.source] = read_file_order(record.source);
    const FileOrder& order = orders[record.source];
    Patient patient{&record, {}, {}};
    const nlohmann::json& texts = record.fields.contains("texts") ? record.fields["texts"] : nlohmann::json();
    if (!texts.is_object() || texts.empty()) throw_input_error(record.source, record.line, record.key + ".texts", "missing or empty");
    std::vector<std::string> ids;
    auto listed = order.texts.find(record.key);
    if (listed != order.texts.end() && listed->second.size() == texts.size()) {
      ids = listed->second;
    } else {
      for (const auto& [id, text] : texts.items()) ids.push_back(id);
    }
    for (const std::string& id : ids) {
      if (!texts[id].is_string()) throw_input_error(record.source, record.line, record.key + ".texts." + id, "expected a string");
      patient.letters.push_back({record.key, id});
      documents[record.key + "/" + id] = texts[id].get<std::string>();
    }
    if (!record.fields.contains("questions") || !record.fields["questions"].is_array()) {
      throw_input_error(record.source, record.line, record.key + ".questions", "missing or not a list");
    }
    const nlohmann::json& questions = record.fields["questions"];
    auto locations = order.answer_locations.find(record.key);
    for (size_t q = 0; q < questions.size(); ++q) {
      const std::vector<std::string>* file_order =
          locations != order.answer_locations.end() && q < locations->second.size() ? &locations->second[q] : nullptr;
      std::string where = record.key + ".questions[" + std::to_string(q) + "]";
      if (!questions[q].is_object()) throw_input_error(record.source, record.line, where, "expected an object");
      patient.answer_ids.push_back(answer_letters(record, questions[q], where, file_order));
    }
    patients.push_back(std::move(patient));
  }
  const LongHealthSettings& settings = spec.longhealth.value();
  const bool with_unanswerable = settings.task != 1;
  const bool per_patient = settings.document_order == LongHealthDocumentOrder::patient;
  if (patients.size() > 4095) throw Error("task '" + spec.name + "': more than 4,095 patients");
  if (settings.repeats > 127) throw Error("task '" + spec.name + "': more than 127 repeats");
  int64_t several_matches = 0;
  std::vector<Example> examples;
  for (size_t p = 0; p < patients.size(); ++p) {
    const Record& record = *patients[p].record;
    const nlohmann::json& questions = record.fields["questions"];
    if (questions.size() >= kAllQuestions) throw_input_error(record.source, record.line, record.key + ".questions", "more than 4,094 questions");
    // Other patients' letters, in file order: what tasks 2 and 3 draw distractors from.
    std::vector<Letter> pool;
    for (size_t other = 0; other < patients.size(); ++other) {
      if (other != p) pool.insert(pool.end(), patients[other].letters.begin(), patients[other].letters.end());
    }
    // Per-patient draws put the letters holding any of the patient's answers first.
    std::vector<std::string> patient_answer_ids;
    for (const std::vector<std::string>& ids : patients[p].answer_ids) {
      for (const std::string& id : ids) {
        if (std::find(patient_answer_ids.begin(), patient_answer_ids.end(), id) == patient_answer_ids.end()) {
          patient_answer_ids.push_back(id);
        }
      }
    }
    for (size_t q = 0; q < questions.size(); ++q) {
      const nlohmann::json& question = questions[q];
      std::string where = record.key + ".questions[" + std::to_string(q) + "]";
      if (!question.contains("question") || !question["question"].is_string()) {
        throw_input_error(record.source, record.line, where + ".question", "missing or not a string");
      }
      std::vector<std::string> options;
      for (char letter : std::string("abcde")) {
        std::string key = std::string("answer_") + letter;
        if (!question.contains(key) || !question[key].is_string()) {
          throw_input_error(record.source, record.line, where + "." + key, "missing or not a string");
        }
        options.push_back(question[key].get<std::string>());
      }
      if (with_unanswerable) options.push_back(kUnanswerable);
      // CLUE's gold: the last option whose text contains the `correct` text (its loop keeps
      // overwriting), option F included where tasks 2 and 3 add it.
      if (!question.contains("correct") || !question["correct"].is_string()) {
        throw_input_error(record.source, record.line, where + ".correct", "missing or not a string");
      }
      std::string correct = question["correct"].get<std::string>();
      int gold = -1, matches = 0;
      for (size_t o = 0; o < options.size(); ++o) {
        if (options[o].find(correct) != std::string::npos) {
          gold = int(o);
          matches += 1;
        }
      }
      if (gold < 0) throw_input_error(record.source, record.line, where + ".correct", "matches no option");
      if (matches > 1) several_matches += 1;

      const std::vector<std::string>& answer_ids = patients[p].answer_ids[q];
      const std::vector<std::string>& first_ids = per_patient ? patient_answer_ids : answer_ids;
      std::string number = question.contains("No") && question["No"].is_string() ? question["No"].get<std::string>()
                           : question.contains("No")                              ? question["No"].dump()
                                                                                  : std::to_string(q);
      for (int32_t repeat = 0; repeat < settings.repeats; ++repeat) {
        Example example;
        example.id = record.key + "/q" + number + "/draw" + std::to_string(repeat);
        example.line = record.line;
        example.source = record.source;
        const uint32_t j = settings.task == 1 ? uint32_t(repeat) : uint32_t(2 * repeat + (settings.task == 2 ? 1 : 0));
        const uint32_t draw_code = (uint32_t(p) << 20) | (uint32_t(per_patient ? kAllQuestions : q) << 8) | j;
        PythonRandom random({draw_code, uint32_t(seed), uint32_t(seed >> 32)});
        std::vector<Letter> offered;
        if (settings.task != 3) {
          for (const std::string& id : first_ids) offered.push_back({record.key, id});
        }
        const size_t answer_count = offered.size();
        if (settings.task == 1) {
          for (const Letter& letter : patients[p].letters) {
            if (std::find(first_ids.begin(), first_ids.end(), letter.id) == first_ids.end()) offered.push_back(letter);
          }
        } else {
          for (size_t index : random.sample_indices(pool.size(), std::min(pool.size(), kLongHealthDistractorsPerDraw))) {
            offered.push_back(pool[index]);
          }
        }
        nlohmann::json document_ids = nlohmann::json::array();
        for (const Letter& letter : offered) document_ids.push_back(letter.patient + "/" + letter.id);
        example.options = options;
        example.answer_index = settings.task == 3 ? int(options.size()) - 1 : gold;
        example.fields = {{"question", question["question"]},
                          {"question_text", question["question"]},
                          {"document_ids", document_ids},
                          {"answer_document_count", answer_count},
                          {"answer_letter_ids", answer_ids},
                          {"patient", record.key},
                          {"question_id", record.key + "/q" + number},  // the draws' cluster
                          {"run_seed", seed},
                          {"draw_code", draw_code},
                          {"distractor_pool", settings.task == 1 ? size_t(0) : pool.size()},
                          {"draw_seed", decimal((unsigned __int128)seed << 32 | draw_code)},
                          {"document_order", longhealth_document_order_name(settings.document_order)},
                          {"gold_matches", matches},
                          {"answer_letter", multiple_choice_letter(example.answer_index)},
                          {"answer_text", options[size_t(example.answer_index)]}};
        examples.push_back(std::move(example));
      }
    }
  }
  notes["longhealth_questions_correct_in_several_options"] = several_matches;
  return examples;
}

}  // namespace clinbench
