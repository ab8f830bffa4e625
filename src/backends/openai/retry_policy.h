// What to do with one HTTP attempt's outcome, and how long to wait before the next attempt.
// Pure functions: no clocks, no randomness of their own, so the rules are unit-testable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clinbench {

enum class AttemptOutcome {
  success,  // 2xx: the body goes to the caller
  retry,    // transient: 408, 425, 429, 5xx (but 501), timeouts, refused or dropped connections
  refused,  // the run cannot go on: 401, 403, 404, or a body that says the model is unknown
  failed,   // this request alone is wrong (400, 413, 422, ...): reported on its sample, not retried
};

// curl_code is the libcurl result of the transfer (CURLE_OK = 0); http_status is 0 when no
// status line arrived. body is the response body (used to spot "model not found" on a 400).
AttemptOutcome classify_attempt(int curl_code, long http_status, std::string_view body);

// The human message inside an error body: OpenAI's {"error": {"message"}}, vLLM's and TGI's
// {"message"} / {"error": "..."} / {"detail"}, else the raw body cut to 500 bytes.
std::string server_error_message(std::string_view body);

// Seconds to wait that a Retry-After header value asks for: delta-seconds ("2", "1.5") or an
// HTTP date (relative to now_unix_seconds). nullopt when absent or unparseable.
std::optional<double> parse_retry_after(std::string_view value, int64_t now_unix_seconds);

struct BackoffPolicy {
  double base_delay_seconds = 1.0;  // before the first retry
  double max_delay_seconds = 60.0;  // the exponential part is capped here
  double max_server_delay_seconds = 600.0;  // a Retry-After above this is cut to it
};

// Delay before retry number `retry` (1 = the first retry): exponential backoff with "equal
// jitter" (half fixed, half random; unit_random in [0, 1)), and never shorter than what the
// server asked for in Retry-After (plus up to 10% jitter so waiting clients do not return at
// the same instant).
double backoff_delay_seconds(const BackoffPolicy& policy, int32_t retry, double unit_random,
                             std::optional<double> server_delay_seconds);

}  // namespace clinbench
