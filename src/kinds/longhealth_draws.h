#pragma once

#include <vector>

#include "clinbench/tasks.h"
#include "clinbench/python_random.h"

namespace clinbench {

// CLUE draws 10 letters of other patients per draw in tasks 2 and 3 (eval_LongHealth.py:334).
inline constexpr size_t kLongHealthDistractorsPerDraw = 10;

// One example per question and draw, from the LongHealth JSON (patient_XX → {name, birthday,
// diagnosis, texts {text_i: letter}, questions [{No, question, answer_a..answer_e, correct,
// answer_location {text_i: {start: [...], end: [...]}}}]}), drawn as CLUE's eval_LongHealth.py
// draws them, with CPython's random module seeded per draw (CLUE did not seed):
// - `document_ids` lists the letters in the order they are offered to the budget: first the
//   question's answer letters in answer_location order (`answer_document_count` of them; none in
//   task 3), then task 1: the patient's other letters in file order; tasks 2 and 3:
//   random.sample(other patients' letters, 10). The prompt builder fits them and shuffles.
// - `draw_seed` is the decimal integer given to random.seed for the draw: seed * 2^32 +
//   (patient index << 20 | question index << 8 | j), where j is CLUE's draw counter (task 1:
//   the repeat; tasks 2 and 3 alternate in one loop, task 3 the even j = 2 * repeat, task 2 the
//   odd j = 2 * repeat + 1). With document_order "patient" the question index is 4095.
// - The gold option is the last one (A-E, and F in tasks 2 and 3) whose text contains `correct`,
//   as CLUE's compute_metrics takes it; `gold_matches` says how many did, and `notes` counts the
//   questions where several did (reported in results.json). Task 3's gold is F.
// Throws Error naming the file, line and field for malformed patients and questions, and for a
// `correct` no option contains (CLUE fails there too). The letters' texts go into `documents`,
// keyed "patient_XX/text_i".
std::vector<Example> longhealth_examples(const TaskSpec& spec, const std::vector<Record>& records, uint64_t seed,
                                         std::map<std::string, std::string>& documents, nlohmann::json& notes);

// The random state of an example's draw after its distractors were drawn: what CLUE's
// create_prompt shuffles the fitted letters with.
PythonRandom longhealth_draw_random(const Example& example);

}  // namespace clinbench
