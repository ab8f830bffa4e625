#include "backends/openai/retry_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace clinbench {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

// vLLM answers an unknown model with 404, OpenAI with 404 "model_not_found", some proxies
// (LiteLLM, older TGI) with 400 and a message; all of them mean the run cannot go on.
bool says_model_unknown(std::string_view body) {
  if (body.find("model_not_found") != std::string_view::npos) return true;
  std::string message = lower(server_error_message(body));
  if (message.find("model") == std::string::npos) return false;
  return message.find("not found") != std::string::npos ||
         message.find("does not exist") != std::string::npos ||
         message.find("unknown model") != std::string::npos;
}

}  // namespace

AttemptOutcome classify_attempt(int curl_code, long http_status, std::string_view body) {
  if (curl_code != CURLE_OK) {
    // A malformed URL or a protocol curl was built without never heals; everything else
    // (refused, reset, timed out, partial body, empty reply) may.
    if (curl_code == CURLE_URL_MALFORMAT || curl_code == CURLE_UNSUPPORTED_PROTOCOL) {
      return AttemptOutcome::refused;
    }
    return AttemptOutcome::retry;
  }
  if (http_status >= 200 && http_status < 300) return AttemptOutcome::success;
  if (http_status == 401 || http_status == 403 || http_status == 404) return AttemptOutcome::refused;
  if (http_status == 408 || http_status == 425 || http_status == 429) return AttemptOutcome::retry;
  if (http_status >= 500 && http_status != 501) return AttemptOutcome::retry;
  if (says_model_unknown(body)) return AttemptOutcome::refused;
  return AttemptOutcome::failed;
}

std::string server_error_message(std::string_view body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object()) {
    auto text_of = [](const nlohmann::json& value) -> std::string {
      if (value.is_string()) return value.get<std::string>();
      if (value.is_object() && value.contains("message") && value["message"].is_string()) {
        return value["message"].get<std::string>();
      }
      return {};
    };
    for (const char* key : {"error", "message", "detail"}) {
      if (!parsed.contains(key)) continue;
      std::string text = text_of(parsed[key]);
      if (!text.empty()) return text;
    }
  }
  std::string raw(body.substr(0, 500));
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.pop_back();
  return raw;
}

std::optional<double> parse_retry_after(std::string_view value, int64_t now_unix_seconds) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(value.front()))) {
    double seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error != std::errc() || end != value.data() + value.size() || !std::isfinite(seconds)) {
      return std::nullopt;
    }
    return seconds;
  }
  std::string date(value);
  time_t when = curl_getdate(date.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::max(0.0, double(int64_t(when) - now_unix_seconds));
}

double backoff_delay_seconds(const BackoffPolicy& policy, int32_t retry, double unit_random,
                             std::optional<double> server_delay_seconds) {
  double exponential = policy.base_delay_seconds * std::ldexp(1.0, std::clamp(retry, 1, 60) - 1);
  exponential = std::min(exponential, policy.max_delay_seconds);
  double delay = exponential * (0.5 + 0.5 * unit_random);
  if (server_delay_seconds) {
    double asked = std::min(std::max(*server_delay_seconds, 0.0), policy.max_server_delay_seconds);
    delay = std::max(delay, asked * (1.0 + 0.1 * unit_random));
  }
  return delay;
}

}  // namespace clinbench
