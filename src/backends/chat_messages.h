// The reference study's message-building rules (CLUE eval/utils.py: build_first_turn,
// build_few_shot_examples, build_model_input) for the two prompt formats that do not hand a
// system message to the model's template. Shared by the embedded and the server backend.
#pragma once

#include <string>
#include <vector>

#include "clinbench/backends.h"

namespace clinbench {

// instruct-no-system: the system prompt glued before the first user turn with a blank line
// (CLUE: f"{sys_prompt}\n\n{user_prompt}"); a system prompt with no user turn after it becomes
// a user turn of its own.
std::vector<ChatMessage> chat_fold_system(const std::vector<ChatMessage>& messages);

// base: plain text, every turn followed by a blank line, then the answer prefix (CLUE:
// f"{sys_prompt}\n\n{user}\n\n{assistant}" per shot, then f"\n\n{user_prompt}\n\n" + prefix).
std::string chat_render_plain_text(const ChatPrompt& chat);

}  // namespace clinbench
