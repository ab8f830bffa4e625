#include "backends/openai/http_client.h"

#include <curl/curl.h>

#include <chrono>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <deque>
#include <mutex>
#include <queue>
#include <random>
#include <thread>
#include <vector>

#include "clinbench/core.h"

namespace clinbench {

namespace {

using Clock = std::chrono::steady_clock;

void initialise_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// One in-flight attempt; owns its easy handle, which keeps its options between attempts.
struct Transfer {
  CURL* easy = nullptr;
  size_t index = 0;
  int32_t attempt = 0;  // 1 = the first attempt
  std::string response;
  std::optional<double> retry_after_seconds;
  char error_text[CURL_ERROR_SIZE] = {};

  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
  }
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  static_cast<Transfer*>(user)->response.append(data, size * count);
  return size * count;
}

// Picks up Retry-After (seconds or an HTTP date) and OpenAI's retry-after-ms.
size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  for (char& ch : name) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  std::string_view value = line.substr(colon + 1);
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  if (name == "retry-after-ms") {
    if (auto ms = parse_retry_after(value, now)) transfer->retry_after_seconds = *ms / 1000.0;
  } else if (name == "retry-after" && !transfer->retry_after_seconds) {
    transfer->retry_after_seconds = parse_retry_after(value, now);
  }
  return size * count;
}

struct Delayed {
  Clock::time_point due;
  size_t index;
  int32_t attempts_done;
  bool operator>(const Delayed& other) const { return due > other.due; }
};

std::string method_and_url(const HttpCall& call) {
  return (call.body.empty() ? "GET " : "POST ") + call.url;
}

// Below the usual keep-alive timeouts of servers (5 s for cpp-httplib and uvicorn).
constexpr long kMaxIdleConnectionSeconds = 2;

}  // namespace

struct HttpClient::State {
  HttpClientOptions options;
  CURLM* multi = nullptr;
  curl_slist* post_headers = nullptr;
  curl_slist* get_headers = nullptr;
  std::vector<std::unique_ptr<Transfer>> transfers;  // grows to `concurrency`, then reused
  std::vector<Transfer*> idle;
  std::mt19937_64 random{std::random_device{}()};
  std::atomic<int64_t> retries{0};  // attempts repeated after a transient failure

  ~State() {
    transfers.clear();  // easy handles go before the multi handle they were part of
    if (multi) curl_multi_cleanup(multi);
    curl_slist_free_all(post_headers);
    curl_slist_free_all(get_headers);
  }

  // The key never leaves this object: any text that could reach a user passes through here.
  std::string mask(std::string text) const {
    const std::string& key = options.api_key;
    if (key.empty()) return text;
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at)) {
      text.replace(at, key.size(), "***");
    }
    return text;
  }

  // A reply body masked as mask() does, for keys of 8 characters or more: a placeholder such
  // as vLLM's "EMPTY" is no secret, and masking it would change answers and prompt tokens.
  std::string mask_body(std::string body) const {
    return options.api_key.size() >= 8 ? mask(std::move(body)) : body;
  }

  Transfer* take_transfer() {
    if (idle.empty()) {
      auto transfer = std::make_unique<Transfer>();
      CURL* easy = curl_easy_init();
      if (!easy) throw Error("libcurl could not create a transfer handle (out of memory?)");
      transfer->easy = easy;
      curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
      curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
      curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
      curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
      curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
      curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error_text);
      curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
      // Servers close idle keep-alive connections after about 5 s (llama-server's cpp-httplib,
      // vLLM's uvicorn); a request sent on one as it closes fails. Older ones are not reused.
      curl_easy_setopt(easy, CURLOPT_MAXAGE_CONN, kMaxIdleConnectionSeconds);
      long timeout_ms = long(options.request_timeout_seconds * 1000.0);
      curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
      curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10000L));
      idle.push_back(transfer.get());
      transfers.push_back(std::move(transfer));
    }
    Transfer* transfer = idle.back();
    idle.pop_back();
    return transfer;
  }

  void start(Transfer* transfer, const HttpCall& call) {
    transfer->response.clear();
    transfer->retry_after_seconds.reset();
    transfer->error_text[0] = '\0';
    CURL* easy = transfer->easy;
    curl_easy_setopt(easy, CURLOPT_URL, call.url.c_str());
    if (call.body.empty()) {
      curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
      curl_easy_setopt(easy, CURLOPT_HTTPHEADER, get_headers);
    } else {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call.body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(call.body.size()));
      curl_easy_setopt(easy, CURLOPT_HTTPHEADER, post_headers);
    }
    CURLMcode added = curl_multi_add_handle(multi, easy);
    if (added != CURLM_OK) {
      idle.push_back(transfer);
      throw Error(std::string("libcurl could not start a request: ") + curl_multi_strerror(added));
    }
  }

  double delay_before_retry(int32_t retry, std::optional<double> server_delay) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    return backoff_delay_seconds(options.backoff, retry, unit(random), server_delay);
  }
};

HttpClient::HttpClient(HttpClientOptions options) : state_(std::make_unique<State>()) {
  initialise_curl_once();
  state_->options = std::move(options);
  state_->options.concurrency = std::max(1, state_->options.concurrency);
  state_->options.max_retries = std::max(0, state_->options.max_retries);
  state_->multi = curl_multi_init();
  if (!state_->multi) throw Error("libcurl could not be initialised (out of memory?)");
  long connections = state_->options.concurrency;
  curl_multi_setopt(state_->multi, CURLMOPT_MAX_HOST_CONNECTIONS, connections);
  curl_multi_setopt(state_->multi, CURLMOPT_MAXCONNECTS, connections + 4);

  // "Expect:" stops curl from waiting for a 100-continue before sending bodies over 1 kB.
  for (curl_slist** list : {&state_->post_headers, &state_->get_headers}) {
    if (!state_->options.api_key.empty()) {
      *list = curl_slist_append(*list, ("Authorization: Bearer " + state_->options.api_key).c_str());
    }
  }
  state_->post_headers = curl_slist_append(state_->post_headers, "Content-Type: application/json");
  state_->post_headers = curl_slist_append(state_->post_headers, "Expect:");
  state_->get_headers = curl_slist_append(state_->get_headers, "Accept: application/json");
}

HttpClient::~HttpClient() = default;

int64_t HttpClient::retries() const { return state_->retries.load(std::memory_order_relaxed); }

void HttpClient::run(std::span<const HttpCall> calls, const ReplyHandler& handler) {
  State& s = *state_;
  std::deque<std::pair<size_t, int32_t>> ready;  // (call, attempts done)
  for (size_t i = 0; i < calls.size(); ++i) ready.emplace_back(i, 0);
  std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> delayed;
  std::vector<Transfer*> active;
  int32_t failures_in_a_row = 0;

  // However run() ends, no transfer stays attached to the multi handle.
  struct Detach {
    State& s;
    std::vector<Transfer*>& active;
    ~Detach() {
      for (Transfer* transfer : active) {
        curl_multi_remove_handle(s.multi, transfer->easy);
        s.idle.push_back(transfer);
      }
    }
  } detach{s, active};

  auto hand_over_failure = [&](const Transfer& transfer, long status, std::string failure,
                               bool server_unreachable) {
    HttpReply reply;
    reply.status = status;
    reply.body = s.mask_body(transfer.response);
    reply.attempts = transfer.attempt;
    reply.failure = s.mask(std::move(failure));
    handler(transfer.index, reply);
    failures_in_a_row = server_unreachable ? failures_in_a_row + 1 : 0;
    // A server that is down fails every request only after all its retries; stopping once a
    // window's worth failed in a row (never for a single call) saves hours of backoff.
    if (failures_in_a_row >= std::max(s.options.concurrency, 8)) {
      throw Error("the server stopped answering: " + std::to_string(failures_in_a_row) +
                  " requests in a row failed after " + std::to_string(transfer.attempt) +
                  " attempts each; the last: " + reply.failure);
    }
  };

  auto finish = [&](Transfer* transfer, CURLcode code) {
    const HttpCall& call = calls[transfer->index];
    long status = 0;
    curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &status);
    if (code != CURLE_OK) status = 0;
    int32_t max_attempts = call.max_attempts > 0 ? call.max_attempts : 1 + s.options.max_retries;

    AttemptOutcome outcome = classify_attempt(int(code), status, transfer->response);
    std::string failure;
    if (outcome == AttemptOutcome::success) {
      HttpReply reply;
      reply.status = status;
      // A server may echo the key in an answer: no body leaves here with it (samples, cache, report).
      reply.body = s.mask_body(std::move(transfer->response));
      reply.attempts = transfer->attempt;
      ReplyVerdict verdict = handler(transfer->index, reply);
      if (verdict.usable) {
        failures_in_a_row = 0;
        return;
      }
      transfer->response = std::move(reply.body);
      failure = method_and_url(call) + ": unusable reply (" + verdict.problem + ")";
      outcome = AttemptOutcome::retry;
    } else if (code != CURLE_OK) {
      failure = method_and_url(call) + ": " +
                (transfer->error_text[0] ? std::string(transfer->error_text) : curl_easy_strerror(code));
    } else {
      failure = method_and_url(call) + ": HTTP " + std::to_string(status) + ": " +
                server_error_message(transfer->response);
    }

    if (outcome == AttemptOutcome::refused && call.refusal_ends_run) {
      throw Error("the server refused " + s.mask(failure));
    }
    if (outcome == AttemptOutcome::retry && transfer->attempt < max_attempts) {
      double delay = s.delay_before_retry(transfer->attempt, transfer->retry_after_seconds);
      auto due = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay));
      delayed.push({due, transfer->index, transfer->attempt});
      s.retries.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (outcome == AttemptOutcome::retry) failure += " (after " + std::to_string(transfer->attempt) + " attempts)";
    hand_over_failure(*transfer, status, std::move(failure), outcome == AttemptOutcome::retry);
  };

  while (!ready.empty() || !delayed.empty() || !active.empty()) {
    Clock::time_point now = Clock::now();
    while (!delayed.empty() && delayed.top().due <= now) {
      ready.emplace_back(delayed.top().index, delayed.top().attempts_done);
      delayed.pop();
    }
    while (!ready.empty() && int32_t(active.size()) < s.options.concurrency) {
      auto [index, attempts_done] = ready.front();
      ready.pop_front();
      Transfer* transfer = s.take_transfer();
      transfer->index = index;
      transfer->attempt = attempts_done + 1;
      s.start(transfer, calls[index]);
      active.push_back(transfer);
    }

    int running = 0;
    CURLMcode performed = curl_multi_perform(s.multi, &running);
    if (performed != CURLM_OK) throw Error(std::string("libcurl failed: ") + curl_multi_strerror(performed));

    bool any_finished = false;
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(s.multi, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      Transfer* transfer = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
      CURLcode code = message->data.result;
      curl_multi_remove_handle(s.multi, transfer->easy);
      std::erase(active, transfer);
      s.idle.push_back(transfer);
      any_finished = true;
      finish(transfer, code);
    }
    if (any_finished) continue;  // start the next requests before waiting

    int wait_ms = 1000;
    if (!delayed.empty()) {
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(delayed.top().due - Clock::now());
      wait_ms = int(std::clamp<int64_t>(until.count() + 1, 0, 1000));
    }
    if (active.empty() && wait_ms > 0 && ready.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));  // only retries pending
      continue;
    }
    CURLMcode polled = curl_multi_poll(s.multi, nullptr, 0, wait_ms, nullptr);
    if (polled != CURLM_OK) throw Error(std::string("libcurl failed: ") + curl_multi_strerror(polled));
  }
}

HttpReply HttpClient::call(const HttpCall& call) {
  HttpReply result;
  run(std::span<const HttpCall>(&call, 1), [&](size_t, const HttpReply& reply) {
    result = reply;
    return ReplyVerdict{};
  });
  return result;
}

}  // namespace clinbench
