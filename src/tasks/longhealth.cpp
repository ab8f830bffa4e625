// LongHealth (Adams et al. 2024) as the reference study ran it through CLUE: 20 fictional
// patients, 20 questions each over 5,090-6,754 words of that patient's letters. Each sample is a
// seeded draw: which letters go before the question, in which order. The draw is made here,
// without a tokenizer; the prompt builder fits the letters to the token budget in that order.
#include "tasks/longhealth.h"

#include <algorithm>

#include "clinbench/stats.h"

namespace clinbench {

namespace {

struct Letter {
  std::string patient;
  std::string id;  // "text_0", ...
  std::string text;
};

struct Patient {
  const Record* record;
  std::vector<Letter> letters;
};

constexpr const char* kUnanswerable = "Question cannot be answered with provided documents";

void shuffle_letters(std::vector<Letter>& letters, StatsRandom& random) {
  for (size_t i = letters.size(); i > 1; --i) std::swap(letters[i - 1], letters[stats_random_below(random, uint32_t(i))]);
}

// answer_location names the letters that hold the answer: an object keyed by letter id or a list.
std::vector<std::string> answer_letters(const Record& record, const nlohmann::json& question, const std::string& where) {
  std::vector<std::string> ids;
  if (!question.contains("answer_location")) return ids;
  const nlohmann::json& location = question["answer_location"];
  if (location.is_object()) {
    for (const auto& [key, value] : location.items()) ids.push_back(key);
  } else if (location.is_array()) {
    for (const auto& value : location) {
      if (value.is_string()) ids.push_back(value.get<std::string>());
    }
  } else if (!location.is_null()) {
    throw_input_error(record.source, record.line, where + ".answer_location", "expected an object or a list");
  }
  return ids;
}

}  // namespace

std::vector<Example> longhealth_examples(const TaskSpec& spec, const std::vector<Record>& records, uint64_t seed,
                                         std::map<std::string, std::string>& documents) {
  std::vector<Patient> patients;
  for (const Record& record : records) {
    Patient patient{&record, {}};
    const nlohmann::json& texts = record.fields.contains("texts") ? record.fields["texts"] : nlohmann::json();
    if (!texts.is_object() || texts.empty()) throw_input_error(record.source, record.line, record.key + ".texts", "missing or empty");
    for (const auto& [id, text] : texts.items()) {
      if (!text.is_string()) throw_input_error(record.source, record.line, record.key + ".texts." + id, "expected a string");
      patient.letters.push_back({record.key, id, text.get<std::string>()});
      documents[record.key + "/" + id] = text.get<std::string>();
    }
    if (!record.fields.contains("questions") || !record.fields["questions"].is_array()) {
      throw_input_error(record.source, record.line, record.key + ".questions", "missing or not a list");
    }
    patients.push_back(std::move(patient));
  }
  const LongHealthSettings& settings = spec.longhealth;
  const bool with_unanswerable = settings.task != 1;
  const bool per_patient = settings.document_order == "patient";
  std::vector<Example> examples;
  for (size_t p = 0; p < patients.size(); ++p) {
    const Record& record = *patients[p].record;
    const nlohmann::json& questions = record.fields["questions"];
    // Per-patient draws put the letters holding any of the patient's answers first.
    std::vector<std::string> patient_answer_ids;
    for (size_t q = 0; q < questions.size() && per_patient; ++q) {
      if (!questions[q].is_object()) continue;
      for (const std::string& id : answer_letters(record, questions[q], record.key + ".questions[" + std::to_string(q) + "]")) {
        if (std::find(patient_answer_ids.begin(), patient_answer_ids.end(), id) == patient_answer_ids.end()) {
          patient_answer_ids.push_back(id);
        }
      }
    }
    for (size_t q = 0; q < questions.size(); ++q) {
      const nlohmann::json& question = questions[q];
      std::string where = record.key + ".questions[" + std::to_string(q) + "]";
      if (!question.is_object() || !question.contains("question") || !question["question"].is_string()) {
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
      // The gold option is the one whose text contains the `correct` answer text.
      if (!question.contains("correct") || !question["correct"].is_string()) {
        throw_input_error(record.source, record.line, where + ".correct", "missing or not a string");
      }
      std::string correct = question["correct"].get<std::string>();
      int gold = -1;
      for (size_t o = 0; o < options.size(); ++o) {
        if (!correct.empty() && options[o].find(correct) != std::string::npos) {
          if (gold >= 0) throw_input_error(record.source, record.line, where + ".correct", "matches several options");
          gold = int(o);
        }
      }
      if (gold < 0) throw_input_error(record.source, record.line, where + ".correct", "matches no option");
      if (with_unanswerable) options.push_back(kUnanswerable);

      std::vector<std::string> answer_ids = answer_letters(record, question, where);
      std::string number = question.contains("No") ? question["No"].dump() : std::to_string(q);
      for (int32_t repeat = 0; repeat < settings.repeats; ++repeat) {
        Example example;
        example.id = record.key + "/q" + number + "/draw" + std::to_string(repeat);
        example.line = record.line;
        example.source = record.source;
        std::string draw = per_patient ? record.key + "/draw" + std::to_string(repeat) : example.id;
        uint64_t draw_seed = seed ^ hash64(spec.name + "|" + draw);
        StatsRandom random = stats_random_seeded(draw_seed);
        const std::vector<std::string>& first_ids = per_patient ? patient_answer_ids : answer_ids;
        std::vector<Letter> answers, others;
        for (const Letter& letter : patients[p].letters) {
          bool holds_answer = std::find(first_ids.begin(), first_ids.end(), letter.id) != first_ids.end();
          (holds_answer ? answers : others).push_back(letter);
        }
        if (settings.task != 1) {
          // Distractors: the letters of every other patient, in random order.
          others.clear();
          for (size_t other = 0; other < patients.size(); ++other) {
            if (other == p) continue;
            others.insert(others.end(), patients[other].letters.begin(), patients[other].letters.end());
          }
        }
        shuffle_letters(others, random);
        std::vector<Letter> ordered = settings.task == 3 ? std::vector<Letter>() : answers;
        ordered.insert(ordered.end(), others.begin(), others.end());
        nlohmann::json document_ids = nlohmann::json::array();
        for (const Letter& letter : ordered) document_ids.push_back(letter.patient + "/" + letter.id);
        example.options = options;
        example.answer_index = settings.task == 3 ? int(options.size()) - 1 : gold;
        example.fields = {{"question", question["question"]},
                          {"document_ids", document_ids},
                          {"answer_letter_ids", answer_ids},
                          {"patient", record.key},
                          {"draw_seed", draw_seed},
                          {"document_order", settings.document_order},
                          {"answer_letter", multiple_choice_letter(example.answer_index)},
                          {"answer_text", options[size_t(example.answer_index)]}};
        examples.push_back(std::move(example));
      }
    }
  }
  return examples;
}

}  // namespace clinbench
