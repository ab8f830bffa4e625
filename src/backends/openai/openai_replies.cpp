#include "backends/openai/openai_replies.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace clinbench {

namespace {

using nlohmann::json;

// The first choice of a reply, or null with `problem` set.
const json* first_choice(const json& reply, std::string& problem) {
  if (!reply.is_object()) {
    problem = "the body is not a JSON object";
    return nullptr;
  }
  auto choices = reply.find("choices");
  if (choices == reply.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
    problem = "no choices in the reply";
    return nullptr;
  }
  return &(*choices)[0];
}

// choices[0].logprobs, an object; nullptr (and the problem) otherwise.
const json* first_choice_logprobs(const json& reply, std::string& problem) {
  const json* choice = first_choice(reply, problem);
  if (!choice) return nullptr;
  auto logprobs = choice->find("logprobs");
  if (logprobs == choice->end() || !logprobs->is_object()) {
    problem = "no logprobs in choices[0]";
    return nullptr;
  }
  return &*logprobs;
}

int32_t usage_count(const json& reply, const char* field) {
  auto usage = reply.find("usage");
  if (usage == reply.end() || !usage->is_object()) return 0;
  auto count = usage->find(field);
  return count != usage->end() && count->is_number_integer() ? count->get<int32_t>() : 0;
}

size_t earliest_stop(const std::string& text, const std::vector<std::string>& stop) {
  size_t best = std::string::npos;
  for (const std::string& s : stop) {
    if (!s.empty()) best = std::min(best, text.find(s));
  }
  return best;
}

}  // namespace

size_t utf8_characters(std::string_view text) {
  return size_t(std::count_if(text.begin(), text.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; }));
}

std::string read_generation_reply(std::string_view body, bool chat, std::string_view echoed_prefix,
                                  const std::vector<std::string>& stop, GenerationResponse& response) {
  json reply = json::parse(body, nullptr, false);
  std::string problem;
  const json* choice = first_choice(reply, problem);
  if (!choice) return problem;

  const json* text = nullptr;
  if (chat) {
    auto message = choice->find("message");
    if (message == choice->end() || !message->is_object()) return "no message in choices[0]";
    auto content = message->find("content");
    if (content == message->end()) return "no content in choices[0].message";
    text = &*content;
  } else {
    auto found = choice->find("text");
    if (found == choice->end()) return "no text in choices[0]";
    text = &*found;
  }
  if (!text->is_string() && !text->is_null()) return "the generated text is not a string";

  response.status = RequestStatus::ok;
  response.text = text->is_string() ? text->get<std::string>() : std::string();
  if (!echoed_prefix.empty() && response.text.starts_with(echoed_prefix)) response.text.erase(0, echoed_prefix.size());
  size_t cut = earliest_stop(response.text, stop);
  if (cut != std::string::npos) response.text.resize(cut);
  auto finish = choice->find("finish_reason");
  bool length = finish != choice->end() && finish->is_string() && finish->get<std::string>() == "length";
  response.finish = length && cut == std::string::npos ? FinishReason::length : FinishReason::stop;
  response.prompt_tokens = usage_count(reply, "prompt_tokens");
  response.completion_tokens = usage_count(reply, "completion_tokens");
  return {};
}

std::string read_first_token_logprobs_reply(std::string_view body,
                                            std::vector<std::pair<std::string, double>>& top) {
  top.clear();
  json reply = json::parse(body, nullptr, false);
  std::string problem;
  const json* logprobs = first_choice_logprobs(reply, problem);
  if (!logprobs) return problem;
  auto content = logprobs->find("content");
  auto legacy = logprobs->find("top_logprobs");
  if (content != logprobs->end() && content->is_array() && !content->empty() && (*content)[0].is_object() &&
      (*content)[0].contains("top_logprobs") && (*content)[0]["top_logprobs"].is_array()) {
    for (const json& entry : (*content)[0]["top_logprobs"]) {
      if (!entry.is_object() || !entry.contains("token") || !entry["token"].is_string() ||
          !entry.contains("logprob") || !entry["logprob"].is_number()) {
        return "an entry of choices[0].logprobs.content[0].top_logprobs lacks token or logprob";
      }
      top.emplace_back(entry["token"].get<std::string>(), entry["logprob"].get<double>());
    }
  } else if (legacy != logprobs->end() && legacy->is_array() && !legacy->empty() && (*legacy)[0].is_object()) {
    for (const auto& [token, logprob] : (*legacy)[0].items()) {
      if (!logprob.is_number()) return "a log-prob in choices[0].logprobs.top_logprobs[0] is not a number";
      top.emplace_back(token, logprob.get<double>());
    }
  } else {
    return "no top log-probs for the first generated token";
  }
  if (top.empty()) return "no top log-probs for the first generated token";
  std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return {};
}

bool reply_has_prompt_logprobs(std::string_view body) {
  json reply = json::parse(body, nullptr, false);
  std::string problem;
  const json* choice = first_choice(reply, problem);
  if (!choice || !choice->contains("logprobs") || !(*choice)["logprobs"].is_object()) return false;
  const json& logprobs = (*choice)["logprobs"];
  if (!logprobs.contains("token_logprobs") || !logprobs["token_logprobs"].is_array()) return false;
  if (!logprobs.contains("tokens") || !logprobs["tokens"].is_array()) return false;
  size_t generated = size_t(std::max(usage_count(reply, "completion_tokens"), 0));
  size_t prompt = size_t(std::max(usage_count(reply, "prompt_tokens"), 0));
  size_t entries = logprobs["token_logprobs"].size();
  return entries > generated && (prompt == 0 || entries >= prompt);
}

std::string read_prompt_logprobs_reply(std::string_view body, size_t continuation_characters,
                                       LoglikelihoodResponse& response) {
  json reply = json::parse(body, nullptr, false);
  std::string problem;
  const json* logprobs = first_choice_logprobs(reply, problem);
  if (!logprobs) return problem;
  auto tokens = logprobs->find("tokens");
  auto token_logprobs = logprobs->find("token_logprobs");
  if (tokens == logprobs->end() || !tokens->is_array() || token_logprobs == logprobs->end() ||
      !token_logprobs->is_array() || tokens->size() != token_logprobs->size()) {
    return "logprobs.tokens and logprobs.token_logprobs are missing or differ in length";
  }
  auto top = logprobs->find("top_logprobs");
  bool has_top = top != logprobs->end() && top->is_array() && top->size() == tokens->size();

  // Prompt tokens come first; what follows them was generated.
  size_t entries = tokens->size();
  size_t prompt_tokens = size_t(std::max(usage_count(reply, "prompt_tokens"), 0));
  if (prompt_tokens == 0 || prompt_tokens > entries) {
    size_t generated = size_t(std::max(usage_count(reply, "completion_tokens"), 0));
    prompt_tokens = entries - std::min(entries, generated == 0 ? size_t(1) : generated);
  }

  response = LoglikelihoodResponse{};
  size_t first = prompt_tokens;  // first continuation token
  size_t covered = 0;
  while (first > 0 && covered < continuation_characters) {
    --first;
    const json& piece = (*tokens)[first];
    if (!piece.is_string()) return "logprobs.tokens holds a non-string";
    covered += utf8_characters(piece.get_ref<const std::string&>());
  }
  if (covered < continuation_characters) {
    response.status = RequestStatus::backend_error;
    response.error = "the server's prompt tokens do not spell out the continuation";
    return {};
  }
  response.context_tokens = int32_t(first);
  response.continuation_tokens = int32_t(prompt_tokens - first);
  response.is_greedy = true;
  for (size_t i = first; i < prompt_tokens; ++i) {
    const json& value = (*token_logprobs)[i];
    if (!value.is_number()) {
      response.status = RequestStatus::backend_error;
      response.error = "the server gave no log-probability for a continuation token (an empty "
                       "context has nothing to condition on unless the server adds BOS)";
      return {};
    }
    float logprob = value.get<float>();
    response.token_logprobs.push_back(logprob);
    response.logprob += double(logprob);
    if (has_top && (*top)[i].is_object()) {
      for (const auto& [text, alternative] : (*top)[i].items()) {
        if (alternative.is_number() && alternative.get<double>() > double(logprob) + 1e-5) {
          response.is_greedy = false;
        }
      }
    } else {
      response.is_greedy = false;  // unknown: say so rather than guess
    }
  }
  if (response.continuation_tokens == 0) {
    response.status = RequestStatus::empty_continuation;
    response.error = "the continuation has no tokens";
  }
  return {};
}

std::optional<int32_t> read_tokenize_reply(std::string_view body) {
  json reply = json::parse(body, nullptr, false);
  if (!reply.is_object()) return std::nullopt;
  if (reply.contains("count") && reply["count"].is_number_integer()) return reply["count"].get<int32_t>();
  if (reply.contains("tokens") && reply["tokens"].is_array()) return int32_t(reply["tokens"].size());
  return std::nullopt;
}

RequestStatus status_of_failure(std::string_view failure) {
  std::string text(failure);
  for (char& ch : text) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  bool context = text.find("context") != std::string::npos;
  bool too_long = text.find("exceed") != std::string::npos || text.find("maximum") != std::string::npos ||
                  text.find("too long") != std::string::npos;
  return context && too_long ? RequestStatus::context_overflow : RequestStatus::backend_error;
}

}  // namespace clinbench
