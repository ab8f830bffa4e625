// The server backend (model spec openai:URL): an OpenAI-compatible inference server (vLLM, TGI,
// llama-server, Ollama) driven with many requests in flight.
//
// - generate(): chat requests (GenerationRequest::chat has messages) go to /chat/completions,
//   where the server applies the model's template; others send `prompt` raw to /completions.
// - loglikelihood(): /completions with echo + logprobs (vLLM). Whether the server can return
//   prompt log-probs is checked once, on the first call; llama-server cannot (it ignores echo),
//   and the Error says to use the task's _gen variant.
// - render_chat(): a canonical text (canonical_chat.h), since the server's template is not ours.
// - count_tokens(): the server's /tokenize where it has one (llama-server, vLLM), else an
//   estimate of one token per 4 bytes, rounded up (ModelInfo details say which).
// Not thread-safe except count_tokens(), render_chat() and info(), which may be called from any
// thread.
#pragma once

#include <memory>
#include <string>

#include "clinbench/backends.h"

namespace clinbench {

// url is the API base (http://HOST:PORT/v1). Reads the API key from the environment variable
// options.api_key_env once, and asks the server about itself. Throws Error when the server
// refuses the key, does not serve the model, or cannot be reached.
std::unique_ptr<Backend> open_openai_backend(const std::string& url, const std::string& spec,
                                             const BackendOptions& options);

}  // namespace clinbench
