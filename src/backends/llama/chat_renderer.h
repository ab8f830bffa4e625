// Renders a chat with the model's own template, following the study's protocol: a template
// without a system role gets the system prompt glued before the first user turn with a blank
// line; a model without a template (a base model) gets plain text, turns joined by blank lines.
// The answer prefix is appended after the generation prompt.
#pragma once

#include <string>

#include "clinbench/backends.h"

namespace clinbench {

// The format a template implies. Templates that refuse a system message (Gemma's "System role
// not supported"; Mistral v0.1, which raises on any role but user/assistant) are treated as
// having no system role.
ChatFormat chat_format_of_template(const std::string& template_text);

// Throws Error when llama.cpp does not recognise the template (it knows the common families,
// not arbitrary Jinja).
std::string render_chat_with_template(const std::string& template_text, const ChatPrompt& chat);

}  // namespace clinbench
