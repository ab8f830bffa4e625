// LongHealth prompts as CLUE's eval_LongHealth.py builds them (create_prompt and the chat it
// sends), so that the study's budget holds for the model's own tokenizer:
// - Budget (eval_LongHealth.py:85-102, 264): the letters get token_budget (CLUE's max_len,
//   8,140) minus the tokens of the system prompt, the user template with its placeholders
//   unfilled, the question and the options. Every count is CLUE's `len(tokenizer.encode(x))`:
//   with the BOS token where the model adds one. Each letter kept also costs the tokens of
//   "\n\n-------------- NEW DOCUMENT --------------\n\n" (what CLUE counts; the letters are
//   joined with the task's documents_separator, "\n\n--------------\n\n").
// - Fitting (:104-141): the answer letters in order, then the others; the first that does not fit
//   is cut to the tokens left, as decode(encode(letter)[:n]) gives it: the BOS token's text
//   followed by the letter's first n - 1 tokens (an empty string when nothing is left), and the
//   offering stops. A cut answer letter still lets the other letters' loop run once, which adds
//   an empty letter (CLUE does so). What was kept is shuffled with the draw's random state
//   (random.shuffle after the distractor draw, as CLUE).
// - The chat (:268-282, 357-369): system and user turns where the model has a system role; one
//   user turn `system + user` (no separator) where it has none; plain text
//   `system + "\n\n\n" + user` for a base model.
#pragma once

#include <map>

#include "clinbench/backends.h"
#include "clinbench/tasks.h"

namespace clinbench {

// CLUE's counts of the question and of the option lines of an example, together.
int32_t longhealth_question_tokens(const TaskSpec& spec, const Example& example, const Backend& backend);

// Renders {documents} into example.fields["documents"] and records what was kept in details
// (documents in prompt order, the budget, the cut letter, the empty letter, the draw seed).
// question_tokens: longhealth_question_tokens of this example, or, for per-patient draws, the
// largest over the patient's questions (so all of them see the same letters). letter_tokens
// caches CLUE's count of each letter by id across the examples of a task.
void longhealth_fit_letters(const TaskSpec& spec, const TaskData& data, Example& example, const Backend& backend,
                            int32_t question_tokens, std::map<std::string, int32_t>& letter_tokens,
                            nlohmann::json& details);

// The chat and the rendered prompt of a fitted example, as CLUE joins system and user turns for
// the backend's chat format.
// user_template: the task's, or the item's with a retrieved-passages block.
void longhealth_request(const TaskSpec& spec, const Example& example, const std::string& user_template,
                        const Backend& backend, GenerationRequest& request);

}  // namespace clinbench
