// CLUE's clean-up of a generated answer before it is scored (docs/tasks.md, "Output clean-up"):
// the steps a task declares in `output_cleanup:`, with Python's semantics, because the study's
// numbers were computed on the cleaned text.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "clinbench/tasks.h"

namespace clinbench {

// One step on UTF-8 text:
//   strip               str.strip() (python_text.h python_strip)
//   phi_end_split       text.split(" <|end|>")[0]; CLUE does it only when the model's path holds
//                       "phi", clinbench for every model (the marker is Phi-3's; another
//                       model's answer holding it is cut as well; docs/tasks.md)
//   cut_self_prompting  re.sub(r"(You are an AI.*)|(\[INST\].*)|((<\|user\|>).*)", "", text)
//                       without flags: on every line ("." stops at "\n" only; "\r" is matched),
//                       from the first of the three markers to the end of that line is removed
std::string output_cleanup_step(OutputCleanup step, std::string_view text);

// The steps in order: what the task's metrics score.
std::string output_cleanup_apply(std::span<const OutputCleanup> steps, std::string_view text);

}  // namespace clinbench
