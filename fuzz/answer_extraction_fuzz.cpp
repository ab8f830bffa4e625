// Answer extraction from model output (what a model writes is outside input too): the robust
// letter rules and the LongHealth rule of the study.
#include <span>

#include "clinbench/metrics.h"
#include "fuzz_support.h"

namespace {

const char* target = "answer_extraction";

bool reason_is_an_answer(clinbench::AnswerReason reason) {
  using clinbench::AnswerReason;
  return reason == AnswerReason::answer_phrase || reason == AnswerReason::leading_letter ||
         reason == AnswerReason::option_text;
}

// Answered: a letter among the options, found by a rule that finds letters. Not answered: no
// letter, and a reason that says why.
void check_robust(std::string_view output, std::string_view letters,
                  std::span<const std::string> texts) {
  using namespace clinbench;
  AnswerExtraction extraction = answer_letter_extract(output, letters, texts);
  if (extraction.status == AnswerStatus::answered) {
    fuzz::require(extraction.letter != '\0' && letters.find(extraction.letter) != std::string_view::npos,
                  target, "an answer is one of the option letters");
    fuzz::require(reason_is_an_answer(extraction.reason), target, "an answer has an answer's reason");
  } else {
    fuzz::require(extraction.letter == '\0', target, "no answer, no letter");
    fuzz::require(!reason_is_an_answer(extraction.reason), target, "no answer has a no-answer reason");
  }
  fuzz::require(!answer_reason_name(extraction.reason).empty(), target, "every reason has a name");
  if (texts.empty()) {
    fuzz::require(extraction.reason != AnswerReason::option_text, target,
                  "the option-text rule needs option texts");
  }
}

// The captured character is one Unicode character, right where the phrase says.
void check_longhealth(std::string_view output) {
  using namespace clinbench;
  std::optional<std::string> letter = answer_letter_longhealth(output);
  bool found = output.find("The correct answer is ") != std::string_view::npos;
  if (!letter) return;
  fuzz::require(found, target, "a LongHealth letter comes from the phrase");
  fuzz::require(!letter->empty() && letter->size() <= 4 && fuzz::valid_utf8(*letter), target,
                "the LongHealth letter is one UTF-8 character");
  fuzz::require(output.find("The correct answer is " + *letter + ":") != std::string_view::npos,
                target, "the phrase, the letter and a colon are in the output");
  fuzz::require(metric_longhealth_correct(output, *letter), target, "the letter scores as itself");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view output = clinbench::fuzz::input_text(data, size);
  static const std::vector<std::string> four = {"Troponin I", "Myoglobin", "CK-MB", "Lactate dehydrogenase"};
  static const std::vector<std::string> yes_no = {"yes", "no", "maybe"};
  check_robust(output, "ABCD", four);
  check_robust(output, "ABC", yes_no);
  check_robust(output, "ABCDEF", {});
  check_longhealth(output);
  return 0;
}
