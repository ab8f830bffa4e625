// Answer-letter internals, exposed for tests: the normalisation steps applied before the rules
// of answer_letter_extract() (clinbench/metrics.h) run.
#pragma once

#include <string>
#include <string_view>

namespace clinbench {

// The output without markdown emphasis and code marks ("*", "_", "`", "#") and without leading
// whitespace, so that "**C**", "`C`" and "### Answer: C" read as "C" and "Answer: C".
std::string answer_text_strip_markdown(std::string_view model_output);

// Whether an output declines to answer ("I'm sorry", "I cannot", "as an AI", ...). Only consulted
// after no letter was found, to name the reason; a refusal that still states a letter is read
// as that letter.
bool answer_text_is_refusal(std::string_view model_output);

}  // namespace clinbench
