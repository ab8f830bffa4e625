// The text a server backend records for a chat. A server applies the model's own chat template,
// which clinbench cannot see, so render_chat() cannot return what the model really read; it
// returns this canonical, ChatML-shaped form instead, one block per message:
//
//   <|im_start|>ROLE\nCONTENT<|im_end|>\n   ...   <|im_start|>assistant\nANSWER_PREFIX
//
// It is exact about what was sent (roles, contents, prefix, in order), so it serves the samples
// file and cache keys, and its token count is close to the real templated prompt's.
#pragma once

#include <string>

#include "clinbench/backends.h"

namespace clinbench {

std::string render_canonical_chat(const ChatPrompt& chat);

}  // namespace clinbench
