#include "kinds/longhealth_prompt.h"

#include <algorithm>

#include "kinds/longhealth_draws.h"

namespace clinbench {

namespace {

// What CLUE counts per kept letter (eval_LongHealth.py:85-87), not what it joins them with.
constexpr char kCountedSeparator[] = "\n\n-------------- NEW DOCUMENT --------------\n\n";

// CLUE's len(tokenizer.encode(text)): the BOS token counted where the model adds one.
struct ClueTokenCounter {
  const Backend& backend;
  int32_t bos = 0;
  std::string bos_text;
  explicit ClueTokenCounter(const Backend& b)
      : backend(b),
        bos(b.info().details.value("adds_bos", false) ? 1 : 0),
        bos_text(bos ? b.info().details.value("bos_text", std::string()) : std::string()) {}
  int32_t operator()(std::string_view text) const { return backend.count_tokens(text) + bos; }
  // decode(encode(text)[:n]), BOS included: the BOS text, then the text's first n - 1 tokens.
  std::string first_tokens(std::string_view text, int32_t n) const {
    if (n <= 0) return "";
    if (n <= bos) return bos_text;
    return bos_text + backend.truncate_to_tokens(text, n - bos);
  }
};

struct KeptLetter {
  std::string id;
  std::string text;
};

}  // namespace

int32_t longhealth_question_tokens(const TaskSpec& spec, const Example& example, const Backend& backend) {
  ClueTokenCounter count(backend);
  return count(task_template_render("{question_text}", example, spec)) + count(task_template_render("{options}", example, spec));
}

void longhealth_fit_letters(const TaskSpec& spec, const TaskData& data, Example& example, const Backend& backend,
                            int32_t question_tokens, std::map<std::string, int32_t>& letter_tokens,
                            nlohmann::json& details) {
  ClueTokenCounter count(backend);
  const int32_t max_len = spec.longhealth.value().token_budget - count(spec.system_prompt);
  int32_t total = question_tokens + count(spec.user_template);
  const int32_t letters_budget = max_len - total;
  const int32_t separator = count(kCountedSeparator);
  const nlohmann::json& ids = example.fields.at("document_ids");
  const size_t answer_count = example.fields.value("answer_document_count", size_t(0));

  std::vector<KeptLetter> kept;
  nlohmann::json cut = nullptr;
  std::string empty_letter;
  // One of CLUE's two loops: letters [begin, end) while they fit, the first that does not cut.
  auto offer = [&](size_t begin, size_t end) {
    for (size_t d = begin; d < end; ++d) {
      const std::string id = ids[d].get<std::string>();
      const std::string& text = data.documents.at(id);
      auto [cached, fresh] = letter_tokens.try_emplace(id, 0);
      if (fresh) cached->second = count(text);
      const int32_t tokens = cached->second;
      if (total + tokens <= max_len) {
        kept.push_back({id, text});
        total += tokens + separator;
        continue;
      }
      const int32_t room = std::max(max_len - total, 0);
      kept.push_back({id, count.first_tokens(text, room)});
      if (room > 0) {
        cut = {{"id", id}, {"kept_tokens", room}, {"tokens", tokens}};
      } else {
        empty_letter = id;
      }
      total = max_len;
      return;
    }
  };
  offer(0, std::min(answer_count, ids.size()));
  offer(std::min(answer_count, ids.size()), ids.size());

  if (spec.documents_shuffle) longhealth_draw_random(example).shuffle(kept);
  std::string joined;
  nlohmann::json order = nlohmann::json::array();
  for (size_t k = 0; k < kept.size(); ++k) {
    joined += (k ? spec.documents_separator : "") + kept[k].text;
    order.push_back(kept[k].id);
  }
  example.fields["documents"] = joined;
  details["documents"] = order;
  details["document_budget_tokens"] = letters_budget;
  if (!cut.is_null()) details["document_cut"] = cut;
  if (!empty_letter.empty()) details["empty_document"] = empty_letter;
  details["draw_seed"] = example.fields.value("draw_seed", std::string());
  details["document_order"] = example.fields.value("document_order", std::string());
}

void longhealth_request(const TaskSpec& spec, const Example& example, const std::string& user_template,
                        const Backend& backend, GenerationRequest& request) {
  const std::string user = task_template_render(user_template, example, spec);
  request.chat = ChatPrompt{};
  request.chat.answer_prefix = spec.answer_prefix;
  switch (backend.chat_format()) {
    case ChatFormat::template_with_system:
      request.chat.messages = {{"system", spec.system_prompt}, {"user", user}};
      request.prompt = backend.render_chat(request.chat);
      break;
    case ChatFormat::template_system_folded:
      request.chat.messages = {{"user", spec.system_prompt + user}};
      request.prompt = backend.render_chat(request.chat);
      break;
    case ChatFormat::plain_text:
      request.chat.messages = {{"user", spec.system_prompt + "\n\n\n" + user}};
      request.prompt = request.chat.messages[0].content + spec.answer_prefix;
      break;
  }
}

}  // namespace clinbench
