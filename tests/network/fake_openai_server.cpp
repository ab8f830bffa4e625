#include "fake_openai_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <thread>

#include "clinbench/core.h"

namespace clinbench::testing {

using nlohmann::json;

const char* fault_name(Fault fault) {
  switch (fault) {
    case Fault::none: return "none";
    case Fault::too_many_requests: return "429";
    case Fault::server_error: return "500";
    case Fault::unavailable: return "503";
    case Fault::stall: return "stall";
    case Fault::dropped_connection: return "dropped";
    case Fault::malformed_json: return "malformed";
  }
  return "?";
}

std::vector<std::string> fake_tokens(const std::string& text) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    tokens.push_back(text.substr(start, i - start));
  }
  return tokens;
}

double fake_token_logprob(const std::string& token) {
  return -double(hash64("logprob|" + token) % 5000) / 1000.0 - 0.01;
}

std::string fake_generation(const std::string& prompt, int32_t max_tokens) {
  uint64_t h = hash64(prompt);
  int32_t words = std::min<int32_t>(max_tokens, int32_t(3 + h % 6));
  std::string text;
  for (int32_t w = 0; w < words; ++w) text += " w" + hex64(hash64(prompt + "|" + std::to_string(w))).substr(0, 5);
  return text;
}

namespace {

std::string error_body(const std::string& message, int code) {
  return json{{"error", {{"message", message}, {"type", "error"}, {"code", code}}}}.dump();
}

// The text a chat stands for: role-tagged contents, so that different chats differ.
std::string chat_prompt(const json& messages) {
  std::string prompt;
  for (const json& message : messages) {
    prompt += message.value("role", "") + ":" + message.value("content", "") + "\n";
  }
  return prompt;
}

}  // namespace

struct FakeOpenaiServer::Impl {
  FakeServerOptions options;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mutex;
  std::map<std::string, int32_t> attempts;
  std::vector<SeenRequest> seen;
  std::string last_authorization;
  std::atomic<int64_t> answered{0};
  std::mutex slot_mutex;
  std::condition_variable slot_free;
  size_t busy_slots = 0;

  void compute_in_a_slot() {
    if (options.answer_delay_seconds <= 0) return;
    if (options.slots > 0) {
      std::unique_lock<std::mutex> lock(slot_mutex);
      slot_free.wait(lock, [&] { return busy_slots < options.slots; });
      ++busy_slots;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(options.answer_delay_seconds));
    if (options.slots > 0) {
      std::lock_guard<std::mutex> lock(slot_mutex);
      --busy_slots;
      slot_free.notify_one();
    }
  }

  Fault choose_fault(const std::string& body, int32_t attempt) const {
    if (options.fault_rate <= 0) return Fault::none;
    uint64_t h = hash64(std::to_string(options.seed) + "|" + std::to_string(attempt) + "|" + body);
    if (double(h % 100000) >= options.fault_rate * 100000.0) return Fault::none;
    return Fault(1 + (h >> 32) % 6);
  }

  // Answers a completion body; returns false (and fills res) when the request is refused.
  json answer(const json& request, bool chat, const std::string& authorization) const {
    int32_t max_tokens = request.value("max_tokens", 16);
    std::vector<std::string> stop;
    if (request.contains("stop")) stop = request["stop"].get<std::vector<std::string>>();
    std::string prompt = chat ? chat_prompt(request["messages"]) : request.value("prompt", "");
    std::string text = fake_generation(prompt, max_tokens);
    if (options.echo_key_in_answers) {
      text += " (your key: " + (authorization.size() > 7 ? authorization.substr(7) : "none") + ")";
    }
    std::string finish = int32_t(fake_tokens(text).size()) >= max_tokens ? "length" : "stop";
    for (const std::string& s : stop) {
      size_t at = text.find(s);
      if (!s.empty() && at != std::string::npos) {
        text.resize(at);
        finish = "stop";
      }
    }
    json choice = {{"index", 0}, {"finish_reason", finish}};
    json usage = {{"prompt_tokens", int32_t(fake_tokens(prompt).size())},
                  {"completion_tokens", int32_t(fake_tokens(text).size())}};
    if (chat) {
      choice["message"] = {{"role", "assistant"}, {"content", text}};
    } else if (request.value("echo", false)) {
      std::vector<std::string> tokens = fake_tokens(prompt);
      json logprobs = {{"tokens", json::array()}, {"token_logprobs", json::array()},
                       {"top_logprobs", json::array()}, {"text_offset", json::array()}};
      size_t offset = 0;
      for (size_t t = 0; t < tokens.size(); ++t) {
        double logprob = fake_token_logprob(tokens[t]);
        logprobs["tokens"].push_back(tokens[t]);
        logprobs["text_offset"].push_back(offset);
        offset += tokens[t].size();
        if (t == 0) {
          logprobs["token_logprobs"].push_back(nullptr);
          logprobs["top_logprobs"].push_back(nullptr);
          continue;
        }
        logprobs["token_logprobs"].push_back(logprob);
        // Every third token has a likelier alternative: not greedy.
        double alternative = hash64(tokens[t]) % 3 == 0 ? logprob + 0.5 : logprob - 0.5;
        logprobs["top_logprobs"].push_back({{tokens[t], logprob}, {"<alt>", alternative}});
      }
      logprobs["tokens"].push_back(" gen");
      logprobs["token_logprobs"].push_back(-1.0);
      logprobs["top_logprobs"].push_back({{" gen", -1.0}});
      logprobs["text_offset"].push_back(offset);
      choice["text"] = prompt + " gen";
      choice["logprobs"] = logprobs;
      usage = {{"prompt_tokens", tokens.size()}, {"completion_tokens", 1}};
    } else {
      choice["text"] = text;
    }
    return {{"id", "cmpl-1"}, {"object", chat ? "chat.completion" : "text_completion"},
            {"model", options.model}, {"choices", json::array({choice})}, {"usage", usage}};
  }

  void handle_completion(const httplib::Request& req, httplib::Response& res, bool chat) {
    std::string authorization = req.get_header_value("Authorization");
    {
      std::lock_guard<std::mutex> lock(mutex);
      last_authorization = authorization;
    }
    if (!options.required_key.empty() && authorization != "Bearer " + options.required_key) {
      std::string sent = authorization.size() > 7 ? authorization.substr(7) : "(none)";
      res.status = 401;
      res.set_content(error_body("Incorrect API key provided: " + sent, 401), "application/json");
      return;
    }
    if (options.refuse_after >= 0 && answered.load() >= options.refuse_after) {
      res.status = 401;
      res.set_content(error_body("the API key was revoked", 401), "application/json");
      return;
    }
    json request = json::parse(req.body, nullptr, false);
    if (!request.is_object()) {
      res.status = 400;
      res.set_content(error_body("the body is not JSON", 400), "application/json");
      return;
    }
    if (request.value("model", "") != options.model) {
      res.status = 404;
      res.set_content(error_body("The model `" + request.value("model", "") + "` does not exist.", 404),
                      "application/json");
      return;
    }
    if (!chat && request.value("echo", false) && !options.prompt_logprobs) {
      res.status = 500;
      res.set_content(error_body("Only no echo is supported", 500), "application/json");
      return;
    }

    Fault fault = Fault::none;
    {
      std::lock_guard<std::mutex> lock(mutex);
      int32_t attempt = ++attempts[req.body];
      fault = choose_fault(req.body, attempt);
      std::string prompt = chat ? chat_prompt(request["messages"]) : request.value("prompt", "");
      for (const auto& [text, item_fault] : options.failing_items) {
        if (prompt.find(text) != std::string::npos) fault = item_fault;
      }
      seen.push_back({req.body, attempt, fault, std::chrono::steady_clock::now()});
    }
    compute_in_a_slot();
    std::string body = answer(request, chat, authorization).dump();
    switch (fault) {
      case Fault::none:
        break;
      case Fault::too_many_requests:
        res.status = 429;
        res.set_header("Retry-After", "1");
        res.set_content(error_body("rate limit reached, retry after 1 s", 429), "application/json");
        return;
      case Fault::server_error:
        res.status = 500;
        res.set_content(error_body("internal error", 500), "application/json");
        return;
      case Fault::unavailable:
        res.status = 503;
        res.set_content("Service Unavailable", "text/plain");
        return;
      case Fault::stall:
        std::this_thread::sleep_for(std::chrono::duration<double>(options.stall_seconds));
        break;
      case Fault::dropped_connection:
        res.set_content_provider(body.size(), "application/json",
                                 [body](size_t, size_t, httplib::DataSink& sink) {
                                   sink.write(body.data(), body.size() / 2);
                                   return false;  // httplib closes the connection mid-body
                                 });
        return;
      case Fault::malformed_json:
        res.set_content(body.substr(0, body.size() / 2), "application/json");
        return;
    }
    if (fault == Fault::none) ++answered;
    res.set_content(body, "application/json");
  }
};

FakeOpenaiServer::FakeOpenaiServer(FakeServerOptions options) : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.options = std::move(options);
  size_t threads = impl.options.threads;
  impl.server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  impl.server.set_keep_alive_max_count(1000000);
  impl.server.set_keep_alive_timeout(30);
  impl.server.set_tcp_nodelay(true);  // else Nagle holds the body until the headers are acked (40 ms)
  impl.server.Get("/v1/models", [&impl](const httplib::Request& req, httplib::Response& res) {
    if (!impl.options.required_key.empty() &&
        req.get_header_value("Authorization") != "Bearer " + impl.options.required_key) {
      res.status = 401;
      res.set_content(error_body("Incorrect API key provided", 401), "application/json");
      return;
    }
    json models = {{"object", "list"},
                   {"data", json::array({{{"id", impl.options.model}, {"object", "model"},
                                          {"created", std::time(nullptr)}, {"owned_by", "fake"}}})}};
    res.set_content(models.dump(), "application/json");
  });
  impl.server.Post("/v1/completions", [&impl](const httplib::Request& req, httplib::Response& res) {
    impl.handle_completion(req, res, false);
  });
  impl.server.Post("/v1/chat/completions", [&impl](const httplib::Request& req, httplib::Response& res) {
    impl.handle_completion(req, res, true);
  });
  impl.server.Post("/tokenize", [&impl](const httplib::Request& req, httplib::Response& res) {
    if (!impl.options.tokenize) {
      res.status = 404;
      return;
    }
    json request = json::parse(req.body, nullptr, false);
    // vLLM's form: {"model", "prompt"} -> {"count", "tokens", "max_model_len"}.
    std::string prompt = request.is_object() ? request.value("prompt", "") : "";
    json tokens = json::array();
    for (size_t t = 0; t < fake_tokens(prompt).size(); ++t) tokens.push_back(t);
    res.set_content(json{{"count", tokens.size()}, {"tokens", tokens}, {"max_model_len", 4096}}.dump(),
                    "application/json");
  });

  // This cpp-httplib listens with a backlog of 5: a client opening 32 connections at once
  // would see SYNs dropped and retried a second later. Real servers use 128 (llama-server) or
  // more; listen() again on the bound socket raises the backlog to match.
  int listening_socket = -1;
  impl.server.set_socket_options([&listening_socket](socket_t sock) {
    httplib::default_socket_options(sock);
    listening_socket = sock;
  });
  impl.port = impl.server.bind_to_any_port("127.0.0.1");
  if (impl.port <= 0) throw Error("the fake server could not bind a loopback port");
  if (listening_socket >= 0) ::listen(listening_socket, 256);
  impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
  while (!impl.server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeOpenaiServer::~FakeOpenaiServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int FakeOpenaiServer::port() const { return impl_->port; }

std::string FakeOpenaiServer::api_url() const { return "http://127.0.0.1:" + std::to_string(impl_->port) + "/v1"; }

std::vector<SeenRequest> FakeOpenaiServer::seen() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->seen;
}

std::string FakeOpenaiServer::last_authorization() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->last_authorization;
}

int64_t FakeOpenaiServer::answered() const { return impl_->answered.load(); }

void FakeOpenaiServer::set_failing_items(std::vector<std::pair<std::string, Fault>> items) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->options.failing_items = std::move(items);
}

}  // namespace clinbench::testing
