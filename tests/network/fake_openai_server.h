// A loopback OpenAI-compatible server for tests and benchmarks (cpp-httplib), answering
// deterministically and injecting faults on request.
//
// Answers are pure functions of the request body, so a run through faults must produce exactly
// what a fault-free run produces. Faults are chosen per (body, attempt) from a seeded hash, so
// the same client behaviour meets the same faults every run, whatever the order of arrival:
// 429 with Retry-After: 1, 500, 503, a stall past the client's timeout, a connection dropped
// in the middle of the body, and a 200 whose JSON is cut short.
#pragma once

#include <atomic>
#include <condition_variable>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace clinbench::testing {

enum class Fault { none, too_many_requests, server_error, unavailable, stall, dropped_connection, malformed_json };
const char* fault_name(Fault fault);

struct FakeServerOptions {
  std::string model = "test";       // the one model /v1/models lists; others get 404
  double fault_rate = 0.0;          // share of POSTs to the completion endpoints that fail
  uint64_t seed = 1;
  double stall_seconds = 1.5;       // how long a stalled answer waits before it is sent
  std::string required_key;         // non-empty: requests without "Bearer KEY" get 401, echoing the key sent
  int64_t refuse_after = -1;        // >= 0: completion requests after this many answered get 401
  bool prompt_logprobs = true;      // false: echo is refused with 500, as older llama-servers do
  bool tokenize = true;             // whether POST /tokenize exists
  size_t threads = 64;              // connections served at once (stalls hold a thread)
  // A model of a GPU server with parallel slots: each answer takes answer_delay_seconds, at most
  // `slots` answers are computed at once (others queue), and a full batch costs no more than
  // one answer alone. 0 = answer at once / no limit.
  double answer_delay_seconds = 0.0;
  size_t slots = 0;
  // Chosen items that fail on every attempt: a completion request whose prompt (or, for chat,
  // whose message contents) contains the text gets the fault. set_failing_items changes them.
  std::vector<std::pair<std::string, Fault>> failing_items;
  // A server that puts the API key it was sent into its answers (generated text).
  bool echo_key_in_answers = false;
};

// The record of one request to a completion endpoint.
struct SeenRequest {
  std::string body;
  int32_t attempt = 0;  // 1 = the first time this body arrived
  Fault fault = Fault::none;
  std::chrono::steady_clock::time_point at;
};

class FakeOpenaiServer {
 public:
  explicit FakeOpenaiServer(FakeServerOptions options);
  ~FakeOpenaiServer();  // stops the server and joins its threads
  FakeOpenaiServer(const FakeOpenaiServer&) = delete;
  FakeOpenaiServer& operator=(const FakeOpenaiServer&) = delete;

  int port() const;
  std::string api_url() const;  // http://127.0.0.1:PORT/v1

  std::vector<SeenRequest> seen() const;      // completion requests, in order of arrival
  std::string last_authorization() const;     // the Authorization header last received
  int64_t answered() const;                   // completion requests answered with 200 and valid JSON
  // Replaces options.failing_items while the server runs (an empty list heals it).
  void set_failing_items(std::vector<std::pair<std::string, Fault>> items);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The text the server generates for a prompt (completions) or the concatenated message
// contents (chat), at most max_tokens words: tests compute expected answers with it.
std::string fake_generation(const std::string& prompt, int32_t max_tokens);

// The log-probability the server gives a token text (its tokens are whitespace-led words).
double fake_token_logprob(const std::string& token);

// The server's tokenisation: whitespace-led words (" word"), leading text as its own token.
std::vector<std::string> fake_tokens(const std::string& text);

}  // namespace clinbench::testing
