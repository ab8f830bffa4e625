// Server replies (vLLM, TGI, llama-server, Ollama, or anything that answers on the port): every
// reader takes the body or says why not, and never throws; what it takes is consistent.
#include <cmath>

#include "backends/openai/openai_replies.h"
#include "fuzz_support.h"

namespace {

const char* target = "openai_replies";

void check_generation(std::string_view body, bool chat, std::string_view prefix,
                      const std::vector<std::string>& stop) {
  clinbench::GenerationResponse response;
  std::string problem = clinbench::read_generation_reply(body, chat, prefix, stop, response);
  if (!problem.empty()) return;
  using clinbench::fuzz::require;
  require(response.status == clinbench::RequestStatus::ok, target, "a taken reply is ok");
  for (const std::string& s : stop) {
    if (!s.empty()) {
      require(response.text.find(s) == std::string::npos, target, "the text is cut at stop strings");
    }
  }
}

void check_logprobs(std::string_view body, size_t continuation_characters) {
  clinbench::LoglikelihoodResponse response;
  std::string problem = clinbench::read_prompt_logprobs_reply(body, continuation_characters, response);
  if (!problem.empty()) return;
  using clinbench::fuzz::require;
  if (response.status != clinbench::RequestStatus::ok) {
    require(!response.error.empty(), target, "a failed request says why");
    return;
  }
  require(response.context_tokens >= 0, target, "context tokens are not negative");
  require(response.continuation_tokens >= 1, target, "an ok continuation has tokens");
  require(response.token_logprobs.size() == size_t(response.continuation_tokens), target,
          "one log-prob per continuation token");
  double sum = 0;
  for (float value : response.token_logprobs) sum += double(value);
  require(sum == response.logprob || (std::isnan(sum) && std::isnan(response.logprob)), target,
          "the log-likelihood is the sum of the token log-probs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clinbench;
  std::string_view body = fuzz::input_text(data, size);
  check_generation(body, true, "", {"\n\n", "</s>"});
  check_generation(body, false, "The answer is", {});
  for (size_t characters : {size_t(0), size_t(1), size_t(3), size % 40}) check_logprobs(body, characters);
  // No invariant beyond "returns": whatever the body holds is the server's claim.
  reply_has_prompt_logprobs(body);
  read_tokenize_reply(body);
  RequestStatus status = status_of_failure(body);
  fuzz::require(status == RequestStatus::context_overflow || status == RequestStatus::backend_error,
                target, "a failure is an overflow or a backend error");
  size_t characters = utf8_characters(body);
  fuzz::require(characters <= body.size(), target, "no more characters than bytes");
  return 0;
}
