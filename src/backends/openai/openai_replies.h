// Reading an OpenAI-compatible server's replies into clinbench responses.
//
// Each reader returns an empty string when it took the body, else why the body is unusable
// (malformed JSON, missing fields): the HTTP client retries such a reply like a dropped
// connection. A well-formed reply that cannot answer the request (a prompt without
// log-probabilities, say) is taken and marked on the response's status instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clinbench/backends.h"

namespace clinbench {

// A /chat/completions (chat = true: choices[0].message.content) or /completions
// (choices[0].text) reply: the text cut at the first stop string (servers already stop there;
// cutting again keeps the rule identical to the embedded backend's), finish_reason, and the
// token counts in usage. echoed_prefix is removed from the start of the text first, where the
// text starts with it: llama-server repeats a continued assistant message (the answer prefix)
// before its continuation, vLLM and TGI return the continuation alone (pass "" for them).
std::string read_generation_reply(std::string_view body, bool chat, std::string_view echoed_prefix,
                                  const std::vector<std::string>& stop, GenerationResponse& response);

// A /completions reply to prompt_logprobs_body(): the prompt's tokens with their log-probs and
// text (choices[0].logprobs.{tokens, token_logprobs, top_logprobs}; usage.prompt_tokens tells
// prompt tokens from the generated one). The continuation is the prompt's last
// `continuation_characters` Unicode characters; its tokens are found by walking back over the
// token texts, so a BOS text or offsets in other units cannot shift the boundary. A token that
// straddles the boundary counts as continuation.
std::string read_prompt_logprobs_reply(std::string_view body, size_t continuation_characters,
                                       LoglikelihoodResponse& response);

// A reply to first_token_logprobs_body(): the first generated token's alternatives, (token text,
// log-prob), best first. Reads OpenAI/vLLM's choices[0].logprobs.top_logprobs[0] (an object of
// text: log-prob) and llama-server's choices[0].logprobs.content[0].top_logprobs (a list of
// {token, logprob}). Returns "" or what is missing.
std::string read_first_token_logprobs_reply(std::string_view body,
                                            std::vector<std::pair<std::string, double>>& top);

// Whether a reply to prompt_logprobs_body() carries log-probs for prompt tokens (more
// token_logprobs entries than generated tokens): the capability check made once per backend.
bool reply_has_prompt_logprobs(std::string_view body);

// The token count of a /tokenize reply ({"tokens": [...]}, vLLM adds "count"), or nullopt.
std::optional<int32_t> read_tokenize_reply(std::string_view body);

// Unicode characters (code points) of UTF-8 text: what Python servers count in.
size_t utf8_characters(std::string_view text);

// The status for a request the server rejected (4xx) or never answered: context_overflow when
// the server says the prompt is longer than its context, else backend_error.
RequestStatus status_of_failure(std::string_view failure);

}  // namespace clinbench
