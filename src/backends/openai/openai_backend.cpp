#include "backends/openai/openai_backend.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <mutex>

#include "backends/chat_messages.h"
#include "backends/openai/canonical_chat.h"
#include "backends/openai/http_client.h"
#include "backends/openai/openai_replies.h"
#include "backends/openai/openai_requests.h"
#include "backends/openai/server_identity.h"
#include "backends/whitespace_split.h"

namespace clinbench {

namespace {

HttpClientOptions client_options(const BackendOptions& options, int32_t concurrency) {
  HttpClientOptions client;
  const char* key = options.api_key_env.empty() ? nullptr : std::getenv(options.api_key_env.c_str());
  client.api_key = key ? key : "";
  client.concurrency = concurrency;
  client.request_timeout_seconds = options.request_timeout_seconds;
  client.max_retries = options.max_retries;
  client.backoff.base_delay_seconds = options.retry_base_delay_seconds;
  return client;
}

// The harness's whitespace split of a request; a request with no continuation left is answered
// at once (empty_continuation) and gets nullopt.
template <typename Finish>
std::optional<ContinuationSplit> split_or_refuse(const LoglikelihoodRequest& request, size_t index, Finish& finish) {
  ContinuationSplit split = split_trailing_whitespace(request.context, request.continuation);
  if (!split.continuation.empty()) return split;
  LoglikelihoodResponse empty;
  empty.status = RequestStatus::empty_continuation;
  empty.error = "the continuation has no tokens";
  finish(index, std::move(empty));
  return std::nullopt;
}

class OpenaiBackend final : public Backend {
 public:
  OpenaiBackend(const std::string& url, const std::string& spec, const BackendOptions& options)
      : api_url_(url), side_client_(client_options(options, 1)),
        first_token_logprobs_(options.first_token_logprobs),
        format_(options.prompt_format.value_or(ChatFormat::template_with_system)) {
    if (!options.chat_template.empty()) {
      throw Error("--chat-template " + options.chat_template_source +
                  ": a server applies its own chat template; declare --prompt-format for a server model instead");
    }
    ServerIdentity identity = probe_server_identity(side_client_, api_url_, options.model_name, options.api_key_env);
    model_ = identity.model_name;
    // A server that reports its slots computes at most that many requests at once; the rest
    // would only queue there, each on a connection of its own. llama-server serves a connection
    // per HTTP thread (slots + 4 of them) and keeps an idle one for 5 s, so connections beyond
    // its threads stall until one times out (64 prompts took 12 s instead of 2.5 s).
    const int32_t requests_in_flight =
        identity.slots > 0 ? std::min(options.concurrency, identity.slots) : options.concurrency;
    client_ = std::make_unique<HttpClient>(client_options(options, requests_in_flight));

    // Only llama-server has /props; it is also the one that repeats a continued message.
    llama_server_ = !identity.server_properties.is_null();
    HttpCall probe{.url = server_root_url(api_url_) + "/tokenize",
                   .body = tokenize_body(model_, "Hello", llama_server_), .max_attempts = 2,
                   .refusal_ends_run = false};
    HttpReply tokenized = side_client_.call(probe);
    server_tokenizes_ = tokenized.ok() && read_tokenize_reply(tokenized.body).has_value();

    info_.spec = spec;
    info_.backend = "openai";
    info_.fingerprint = server_fingerprint(api_url_, identity);
    info_.context_length = identity.context_length;
    info_.details = {
        {"url", api_url_},
        {"model_name", model_},
        {"model_entry", identity.model_entry},
        {"server_properties", identity.server_properties},
        {"chat_format", chat_format_name(format_)},
        {"chat_format_declared", options.prompt_format.has_value()},
        {"chat_rendering", format_ == ChatFormat::plain_text
                               ? "plain text sent to /completions"
                               : "messages sent to /chat/completions; the server applies the model's own "
                                 "template; the cache keys a canonical text"},
        {"token_counts", server_tokenizes_ ? "server /tokenize" : "estimate: bytes / 4, rounded up"},
        {"requests_in_flight", requests_in_flight},
    };
  }

  const ModelInfo& info() const override { return info_; }

  // Nothing is decoded here that clinbench could count; retries and failures are (progress line).
  ComputeCounters compute_counters() const override {
    ComputeCounters counters;
    counters.request_retries = client_->retries();
    counters.requests_failed = requests_failed_.load(std::memory_order_relaxed);
    return counters;
  }

  void loglikelihood(std::span<const LoglikelihoodRequest> requests, const LoglikelihoodSink& sink,
                     const ProgressCallback& progress) override {
    if (requests.empty()) return;
    const int64_t total = int64_t(requests.size());
    int64_t done = 0;
    auto finish = [&](size_t index, LoglikelihoodResponse&& response) {
      if (response.status == RequestStatus::backend_error) requests_failed_.fetch_add(1, std::memory_order_relaxed);
      sink(index, std::move(response));
      if (progress) progress(++done, total);
    };
    if (!prompt_logprobs_available()) {
      if (!first_token_logprobs_) {
        throw Error("log-likelihood tasks need the server to return the log-probabilities of prompt "
                    "tokens (POST /completions with echo and logprobs, as vLLM does); the server at " +
                    api_url_ + " cannot (" + prompt_logprobs_answer_ + "). Use the task's _gen variant "
                    "instead, e.g. medqa_gen, or --first-token-logprobs for one-token (letter) answers");
      }
      loglikelihood_from_first_tokens(requests, finish);
      return;
    }

    std::vector<HttpCall> calls;
    std::vector<size_t> request_of_call;
    std::vector<size_t> continuation_characters;
    for (size_t r = 0; r < requests.size(); ++r) {
      std::optional<ContinuationSplit> split = split_or_refuse(requests[r], r, finish);
      if (!split) continue;
      calls.push_back({.url = api_url_ + "/completions",
                       .body = prompt_logprobs_body(model_, split->context + split->continuation)});
      request_of_call.push_back(r);
      continuation_characters.push_back(utf8_characters(split->continuation));
    }
    client_->run(calls, [&](size_t call, const HttpReply& reply) {
      LoglikelihoodResponse response;
      if (reply.ok()) {
        std::string problem = read_prompt_logprobs_reply(reply.body, continuation_characters[call], response);
        if (!problem.empty()) return ReplyVerdict{false, problem};
      } else {
        response.status = status_of_failure(reply.failure);
        response.error = reply.failure;
      }
      finish(request_of_call[call], std::move(response));
      return ReplyVerdict{};
    });
  }

  void generate(std::span<const GenerationRequest> requests, const GenerationSink& sink,
                const ProgressCallback& progress) override {
    const int64_t total = int64_t(requests.size());
    int64_t done = 0;
    auto finish = [&](size_t index, GenerationResponse&& response) {
      if (response.status == RequestStatus::backend_error) requests_failed_.fetch_add(1, std::memory_order_relaxed);
      sink(index, std::move(response));
      if (progress) progress(++done, total);
    };

    std::vector<HttpCall> calls;
    std::vector<size_t> request_of_call;
    for (size_t r = 0; r < requests.size(); ++r) {
      const GenerationRequest& request = requests[r];
      if (request.max_tokens <= 0) {  // as the embedded backend: nothing to generate, no request
        GenerationResponse nothing;
        nothing.finish = FinishReason::length;
        finish(r, std::move(nothing));
        continue;
      }
      bool chat = sends_chat(request);
      std::string body;
      if (!chat) {
        body = completion_body(model_, request);
      } else if (format_ == ChatFormat::template_system_folded) {
        // A model without a system role: the study's rule, applied before the server sees it
        // (vLLM refuses a system message such a template raises on).
        GenerationRequest folded = request;
        folded.chat.messages = chat_fold_system(request.chat.messages);
        body = chat_completion_body(model_, folded);
      } else {
        body = chat_completion_body(model_, request);
      }
      calls.push_back({.url = api_url_ + (chat ? "/chat/completions" : "/completions"), .body = std::move(body)});
      request_of_call.push_back(r);
    }
    client_->run(calls, [&](size_t call, const HttpReply& reply) {
      const GenerationRequest& request = requests[request_of_call[call]];
      GenerationResponse response;
      if (reply.ok()) {
        bool chat = sends_chat(request);
        std::string_view echoed = chat && llama_server_ ? std::string_view(request.chat.answer_prefix) : "";
        std::string problem = read_generation_reply(reply.body, chat, echoed, request.stop, response);
        if (!problem.empty()) return ReplyVerdict{false, problem};
      } else {
        response.status = status_of_failure(reply.failure);
        response.finish = FinishReason::error;
        response.error = reply.failure;
      }
      finish(request_of_call[call], std::move(response));
      return ReplyVerdict{};
    });
  }

  // The text the cache keys and prompt budgets count: what is sent, in a canonical form.
  std::string render_chat(const ChatPrompt& chat) const override {
    switch (format_) {
      case ChatFormat::plain_text: return chat_render_plain_text(chat);
      case ChatFormat::template_system_folded:
        return render_canonical_chat({chat_fold_system(chat.messages), chat.answer_prefix});
      case ChatFormat::template_with_system: break;
    }
    return render_canonical_chat(chat);
  }

  ChatFormat chat_format() const override { return format_; }

  int32_t count_tokens(std::string_view text) const override {
    if (!server_tokenizes_) return int32_t((text.size() + 3) / 4);
    HttpCall call{.url = server_root_url(api_url_) + "/tokenize", .body = tokenize_body(model_, text, llama_server_)};
    std::lock_guard<std::mutex> lock(side_mutex_);
    HttpReply reply = side_client_.call(call);
    std::optional<int32_t> count = reply.ok() ? read_tokenize_reply(reply.body) : std::nullopt;
    if (!count) {
      throw Error("the server at " + api_url_ + " could not count tokens: " +
                  (reply.ok() ? "unreadable reply " + reply.body.substr(0, 200) : reply.failure));
    }
    return *count;
  }

 private:
  // Checked once, with one short request, before the first log-likelihood run.
  // Asked once: whether the server returns prompt log-probs (else prompt_logprobs_answer_ says
  // what it answered).
  bool prompt_logprobs_available() {
    if (!prompt_logprobs_.has_value()) {
      HttpCall probe{.url = api_url_ + "/completions", .body = prompt_logprobs_body(model_, "The patient was"),
                     .max_attempts = 3, .refusal_ends_run = false};
      HttpReply reply = client_->call(probe);
      prompt_logprobs_ = reply.ok() && reply_has_prompt_logprobs(reply.body);
      prompt_logprobs_answer_ = reply.ok() ? "a reply without prompt log-probabilities" : reply.failure;
    }
    return *prompt_logprobs_;
  }

  // --first-token-logprobs: one request per distinct context asks for the top log-probs of the
  // first generated token; each continuation (after the harness's whitespace split) is looked up
  // among them by its text. One that is not there (several tokens, or less likely than all of
  // them) gets an error status: its log-prob is unknown, not guessed.
  template <typename Finish>
  void loglikelihood_from_first_tokens(std::span<const LoglikelihoodRequest> requests, Finish& finish) {
    constexpr int32_t kAlternatives = 20;  // vLLM's default ceiling for logprobs
    std::map<std::string, size_t> call_of_context;
    std::vector<HttpCall> calls;
    std::vector<std::vector<std::pair<size_t, std::string>>> members;  // (request, continuation)
    for (size_t r = 0; r < requests.size(); ++r) {
      std::optional<ContinuationSplit> split = split_or_refuse(requests[r], r, finish);
      if (!split) continue;
      auto [found, inserted] = call_of_context.try_emplace(split->context, calls.size());
      if (inserted) {
        calls.push_back({.url = api_url_ + "/completions",
                         .body = first_token_logprobs_body(model_, split->context, kAlternatives)});
        members.emplace_back();
      }
      members[found->second].emplace_back(r, split->continuation);
    }
    client_->run(calls, [&](size_t call, const HttpReply& reply) {
      std::vector<std::pair<std::string, double>> top;
      if (reply.ok()) {
        std::string problem = read_first_token_logprobs_reply(reply.body, top);
        if (!problem.empty()) return ReplyVerdict{false, problem};
      }
      for (auto& [r, continuation] : members[call]) {
        LoglikelihoodResponse response;
        auto match = std::find_if(top.begin(), top.end(), [&](const auto& entry) { return entry.first == continuation; });
        if (!reply.ok()) {
          response.status = status_of_failure(reply.failure);
          response.error = reply.failure;
        } else if (match == top.end()) {
          response.status = RequestStatus::backend_error;
          response.error = "'" + continuation + "' is not among the server's top " + std::to_string(top.size()) +
                           " first tokens (more than one token, or less likely than all of them)";
        } else {
          response.logprob = match->second;
          response.token_logprobs = {float(match->second)};
          response.continuation_tokens = 1;
          response.is_greedy = match == top.begin();
        }
        finish(r, std::move(response));
      }
      return ReplyVerdict{};
    });
  }

  // A chat goes to /chat/completions unless the model is declared base (plain text prompt).
  bool sends_chat(const GenerationRequest& request) const {
    return !request.chat.messages.empty() && format_ != ChatFormat::plain_text;
  }

  std::string api_url_;
  std::string model_;
  mutable std::mutex side_mutex_;    // guards side_client_
  mutable HttpClient side_client_;   // probes and count_tokens(), one at a time
  std::unique_ptr<HttpClient> client_;  // generate() and loglikelihood(): many in flight
  bool server_tokenizes_ = false;
  bool llama_server_ = false;  // repeats a continued answer prefix; its own /tokenize form
  bool first_token_logprobs_ = false;
  ChatFormat format_;                    // declared, or instruct: the server's template is not ours to see
  std::optional<bool> prompt_logprobs_;  // probed on the first log-likelihood call
  std::string prompt_logprobs_answer_;
  ModelInfo info_;
  std::atomic<int64_t> requests_failed_{0};  // requests answered backend_error
};

}  // namespace

std::unique_ptr<Backend> open_openai_backend(const std::string& url, const std::string& spec,
                                             const BackendOptions& options) {
  std::string api_url = url;
  while (!api_url.empty() && api_url.back() == '/') api_url.pop_back();
  if (api_url.rfind("http://", 0) != 0 && api_url.rfind("https://", 0) != 0) {
    throw Error("model spec '" + spec + "': expected openai:http://HOST:PORT/v1 (the server's API base)");
  }
  return std::make_unique<OpenaiBackend>(api_url, spec, options);
}

}  // namespace clinbench
