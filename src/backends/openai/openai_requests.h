// The JSON bodies clinbench sends to an OpenAI-compatible server. Only fields a request really
// sets are sent, because OpenAI itself rejects parameters it does not know; the non-standard
// ones (top_k, grammar, continue_final_message) are sent only when a request needs them.
#pragma once

#include <string>
#include <string_view>

#include "clinbench/backends.h"

namespace clinbench {

// POST /chat/completions with request.chat.messages. A non-empty answer_prefix becomes a final
// assistant message that the model continues, with "continue_final_message": true and
// "add_generation_prompt": false (vLLM needs both; llama-server continues a trailing assistant
// message on its own and accepts them); the reply's content is the continuation only.
std::string chat_completion_body(const std::string& model, const GenerationRequest& request);

// POST /completions with request.prompt as the raw prompt (no template applied by the server).
std::string completion_body(const std::string& model, const GenerationRequest& request);

// POST /completions that asks for the log-probability of every prompt token (vLLM's echo +
// logprobs; top-1 alternatives to tell whether each token was the greedy one). One token is
// generated because some servers refuse max_tokens 0; it is not used.
std::string prompt_logprobs_body(const std::string& model, std::string_view prompt);

// POST /completions for the top `top` log-probs of the first token after `prompt` (greedy, one
// token): how single-token continuations are scored where prompt log-probs are not returned.
std::string first_token_logprobs_body(const std::string& model, std::string_view prompt, int32_t top);

// POST /tokenize at the server root, without BOS: llama-server's form ("content",
// "add_special") or vLLM's ("model", "prompt", "add_special_tokens"; vLLM logs a warning for
// every field it does not know, so the two are not mixed).
std::string tokenize_body(const std::string& model, std::string_view text, bool llama_server);

}  // namespace clinbench
