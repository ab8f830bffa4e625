// Many HTTP requests in flight over libcurl's multi interface, with retries.
//
// One thread drives every transfer (the caller's): replies are handed to the caller's handler
// on that thread the moment each request finishes, so a caller can commit each one before the
// next arrives. Transient failures (429, 5xx, timeouts, refused or dropped connections, a body
// the caller cannot use) are retried with exponential backoff and jitter, honouring the
// server's Retry-After; a refusal (401, 403, 404, unknown model) ends the run with an Error that
// carries the server's own message. Connections are kept alive and reused between calls, for
// at most 2 idle seconds (servers close idle ones after about 5).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "backends/openai/retry_policy.h"

namespace clinbench {

struct HttpClientOptions {
  // Sent as "Authorization: Bearer KEY"; empty = no header. Held in memory only; never part of
  // an error message or a reply body handed over (the client masks it as *** should a server
  // echo it back; in bodies only a key of 8 characters or more, so "EMPTY" changes no answer).
  std::string api_key;
  int32_t concurrency = 32;             // requests in flight at once, >= 1
  double request_timeout_seconds = 600; // one attempt, connect to last byte
  int32_t max_retries = 6;              // retries after the first attempt
  BackoffPolicy backoff;
};

struct HttpCall {
  std::string url;   // absolute, e.g. http://127.0.0.1:8080/v1/completions
  std::string body;  // JSON sent with POST; empty = GET
  // Attempts for this call; 0 = 1 + the client's max_retries. Probes use few.
  int32_t max_attempts = 0;
  // Whether 401/403/404 end the run (throw) or come back as a failed reply, for probes of
  // endpoints that only some servers have (llama-server's /props, /tokenize).
  bool refusal_ends_run = true;
};

struct HttpReply {
  long status = 0;        // the last attempt's HTTP status; 0 when no status line arrived
  std::string body;       // the last attempt's body
  std::string failure;    // empty when the call succeeded (2xx, body usable); else why not
  int32_t attempts = 0;
  bool ok() const { return failure.empty(); }
};

// What the caller made of a 2xx reply's body: unusable bodies (malformed JSON, missing
// fields) are retried like a dropped connection, then reported as the call's failure.
struct ReplyVerdict {
  bool usable = true;
  std::string problem;  // why not, when !usable
};

// Called once per call with its final reply: either ok() (the handler takes the body) or a
// failure after the last attempt (the handler must take it and return usable). A 2xx reply the
// handler finds unusable is retried; the handler is called again with the next attempt.
using ReplyHandler = std::function<ReplyVerdict(size_t index, const HttpReply& reply)>;

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Runs every call, up to `concurrency` at once, and returns when each has been handed to
  // handler exactly once. Throws Error on a refusal (the server's message, the key masked), or
  // when max(concurrency, 8) calls in a row exhaust their retries on transient failures with no
  // success between (the server is down; each further call would only wait out its backoff
  // before failing too). Replies that finished before the Error have been handed over.
  // Not thread-safe: one run at a time.
  void run(std::span<const HttpCall> calls, const ReplyHandler& handler);

  // One call, waiting for it; the reply as run() would hand it over (handler always usable).
  HttpReply call(const HttpCall& call);

  // Attempts repeated after a transient failure since the client was made. Thread-safe.
  int64_t retries() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace clinbench
