#pragma once

#include <vector>

#include "clinbench/tasks.h"

namespace clinbench {

// One example per question and draw, from the LongHealth JSON (patient_XX → {name, birthday,
// diagnosis, texts {text_i: letter}, questions [{No, question, answer_a..answer_e, correct,
// answer_location}]}). Each example's `document_ids` lists the letters in the order they are
// offered to the budget (task 1: the answer letters, then the patient's other letters shuffled;
// task 2: the answer letters, then other patients' letters shuffled; task 3: other patients'
// letters only) and `draw_seed` the seed of that draw, recorded in the samples. Tasks 2 and 3
// add option F, "Question cannot be answered with provided documents", the answer in task 3.
// Throws Error naming the file, line and field for malformed patients and questions.
// The letters' texts go into `documents`, keyed "patient_XX/text_i".
std::vector<Example> longhealth_examples(const TaskSpec& spec, const std::vector<Record>& records, uint64_t seed,
                                         std::map<std::string, std::string>& documents);

}  // namespace clinbench
