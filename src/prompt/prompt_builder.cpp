#include "clinbench/prompt.h"

#include <algorithm>
#include "clinbench/random.h"

namespace clinbench {

namespace {

std::map<std::string, std::string> answer_fields(const Example& example) {
  if (example.answer_index < 0) return {};
  return {{"letter", multiple_choice_letter(example.answer_index)},
          {"option", example.options[size_t(example.answer_index)]}};
}

// The item's user template: a retrieval-augmented item of a task without a {retrieved} slot gets
// its passages in a block before the question.
std::string item_template(const TaskSpec& spec, const Example& example, bool has_retrieved_slot) {
  if (!example.retrieved || has_retrieved_slot) return spec.user_template;
  return std::string(kPromptRetrievedHeading) + "{retrieved}\n\n" + spec.user_template;
}

std::string loglikelihood_context(const TaskSpec& spec, const TaskData& data, const Example& example,
                                  const std::string& user_template) {
  std::string context;
  if (!spec.system_prompt.empty()) context = spec.system_prompt + spec.fewshot_delimiter;
  for (const Example& shot : data.shots) {
    context += task_template_render(spec.user_template, shot, spec);
    context += task_template_render(spec.continuation_template, shot, spec, answer_fields(shot));
    context += spec.fewshot_delimiter;
  }
  return context + task_template_render(user_template, example, spec);
}

ChatPrompt generation_chat(const TaskSpec& spec, const TaskData& data, const Example& example,
                           const std::string& user_template) {
  ChatPrompt chat;
  if (!spec.system_prompt.empty()) chat.messages.push_back({"system", spec.system_prompt});
  for (const Example& shot : data.shots) {
    chat.messages.push_back({"user", task_template_render(spec.user_template, shot, spec)});
    chat.messages.push_back(
        {"assistant", spec.answer_prefix + task_template_render(spec.assistant_template, shot, spec, answer_fields(shot))});
  }
  chat.messages.push_back({"user", task_template_render(user_template, example, spec)});
  chat.answer_prefix = spec.answer_prefix;
  return chat;
}

// Renders the documents the example names in `document_ids` into {documents}: in the drawn order until the budget
// (minus the system prompt's tokens) is spent, the letter that overflows cut and the rest dropped,
// then shuffled with the sample's seed. Records what was kept in `details`.
void fit_documents(const TaskSpec& spec, const TaskData& data, Example& example, const Backend& backend,
                   nlohmann::json& details) {
  if (spec.documents_budget <= 0 || !example.fields.contains("document_ids")) return;
  int32_t budget = spec.documents_budget - backend.count_tokens(spec.system_prompt);
  const nlohmann::json& ids = example.fields["document_ids"];
  std::vector<std::pair<std::string, std::string>> kept;  // id, text
  int32_t used = 0;
  int32_t separator_tokens = backend.count_tokens(spec.documents_separator);
  nlohmann::json cut = nullptr;
  for (size_t d = 0; d < ids.size() && used < budget; ++d) {
    std::string id = ids[d].get<std::string>();
    const std::string& text = data.documents.at(id);
    int32_t tokens = backend.count_tokens(text) + (kept.empty() ? 0 : separator_tokens);
    if (used + tokens > budget) {
      int32_t room = budget - used - (kept.empty() ? 0 : separator_tokens);
      if (room > 0) {
        std::string part = backend.truncate_to_tokens(text, room);
        cut = {{"id", id}, {"kept_tokens", backend.count_tokens(part)}, {"tokens", tokens}};
        kept.emplace_back(id, part);
      }
      used = budget;
      break;
    }
    used += tokens;
    kept.emplace_back(id, text);
  }
  if (spec.documents_shuffle && kept.size() > 1) {
    random_shuffle(kept, example.fields.value("draw_seed", uint64_t(0)) + 1);
  }
  std::string joined;
  nlohmann::json order = nlohmann::json::array();
  for (size_t k = 0; k < kept.size(); ++k) {
    joined += (k ? spec.documents_separator : "") + kept[k].second;
    order.push_back(kept[k].first);
  }
  example.fields["documents"] = joined;
  details["documents"] = order;
  details["document_budget_tokens"] = budget;
  if (!cut.is_null()) details["document_cut"] = cut;
  details["draw_seed"] = example.fields.value("draw_seed", uint64_t(0));
  if (example.fields.contains("document_order")) details["document_order"] = example.fields["document_order"];
}

// Cuts the truncate field until the rendered prompt leaves room for max_tokens new tokens.
// Returns the tokens removed (0 when it fits; the backend refuses what still does not fit).
int32_t fit_to_context(const TaskSpec& spec, const TaskData& data, Example& example, const Backend& backend,
                       const std::string& user_template, GenerationRequest& request) {
  int32_t window = backend.info().context_length;
  if (spec.truncate_field.empty() || window <= 0) return 0;
  int32_t budget = window - request.max_tokens - 1;  // count_tokens leaves out the BOS token
  int32_t prompt_tokens = backend.count_tokens(request.prompt);
  if (prompt_tokens <= budget || !example.fields.contains(spec.truncate_field)) return 0;
  std::string field = example.fields[spec.truncate_field].is_string()
                          ? example.fields[spec.truncate_field].get<std::string>()
                          : task_template_render("{" + spec.truncate_field + "}", example, spec);
  int32_t field_tokens = backend.count_tokens(field);
  const int32_t excess = prompt_tokens - budget;
  int32_t removed = 0;
  // Token counts of a cut text and of the whole prompt are not exactly additive; a few rounds of
  // cutting a little more settle it.
  for (int32_t margin = 0; margin <= 64 && prompt_tokens > budget; margin += 8) {
    int32_t keep = field_tokens - excess - margin;
    if (keep <= 0) break;
    std::string cut = backend.truncate_to_tokens(field, keep);
    example.fields[spec.truncate_field] = cut;
    request.chat = generation_chat(spec, data, example, user_template);
    request.prompt = backend.render_chat(request.chat);
    prompt_tokens = backend.count_tokens(request.prompt);
    removed = field_tokens - backend.count_tokens(cut);
  }
  return removed;
}

}  // namespace

std::string prompt_letter_grammar(size_t option_count) {
  std::string grammar = "root ::= ";
  for (size_t i = 0; i < option_count; ++i) {
    grammar += (i ? " | " : "") + std::string("\"") + multiple_choice_letter(int(i)) + "\"";
  }
  return grammar;
}

std::string prompt_retrieved_passages(const std::vector<RetrievedPassage>& passages) {
  if (passages.empty()) return kPromptNoPassages;
  std::string text;
  for (size_t p = 0; p < passages.size(); ++p) {
    text += (p ? "\n\n[" : "[") + std::to_string(p + 1) + "] ";
    if (!passages[p].title.empty()) text += passages[p].title + "\n";
    text += passages[p].text;
  }
  return text;
}

std::vector<PromptedExample> prompt_build(const TaskSpec& spec, const TaskData& data, const Backend& backend,
                                          const PromptGenerationComposer& compose) {
  std::vector<PromptedExample> prompts;
  prompts.reserve(data.examples.size());
  const std::vector<std::string> user_fields = task_template_fields(spec.user_template);
  const bool has_retrieved_slot =
      std::find(user_fields.begin(), user_fields.end(), "retrieved") != user_fields.end();
  for (size_t e = 0; e < data.examples.size(); ++e) {
    const Example& example = data.examples[e];
    PromptedExample prompted;
    Example shown = example;  // with the passages and documents as the model sees them
    const std::string user_template = item_template(spec, example, has_retrieved_slot);
    if (example.retrieved) {
      std::string passages = prompt_retrieved_passages(*example.retrieved);
      shown.fields["retrieved"] = passages;
      prompted.retrieval_text = has_retrieved_slot ? passages : kPromptRetrievedHeading + passages + "\n\n";
    }
    if (spec.scoring == TaskScoring::loglikelihood) {
      prompted.prompt = loglikelihood_context(spec, data, shown, user_template);
      for (size_t o = 0; o < example.options.size(); ++o) {
        std::string continuation = task_template_render(
            spec.continuation_template, example, spec,
            {{"letter", multiple_choice_letter(int(o))}, {"option", example.options[o]}});
        prompted.option_requests.push_back({prompted.prompt, continuation});
        prompted.option_continuations.push_back(continuation);
      }
    } else {
      GenerationRequest& request = prompted.generation;
      if (compose) {
        compose(e, shown, user_template, request, prompted.details);
      } else {
        fit_documents(spec, data, shown, backend, prompted.details);
        request.chat = generation_chat(spec, data, shown, user_template);
        request.prompt = backend.render_chat(request.chat);
      }
      request.max_tokens = spec.max_tokens;
      if (!spec.truncate_field.empty()) {
        prompted.truncated_tokens = fit_to_context(spec, data, shown, backend, user_template, request);
      }
      if (spec.truncate_prompt && backend.info().context_length > 0) {
        int32_t keep = backend.info().context_length - (spec.truncate_reserve >= 0 ? spec.truncate_reserve : spec.max_tokens);
        if (spec.truncate_cap > 0) keep = std::min(keep, spec.truncate_cap);
        request.truncate_prompt_tokens = std::max(keep, 1);
      }
      request.stop = spec.stop;
      if (spec.constrain_to_letter && !example.options.empty()) {
        request.grammar = prompt_letter_grammar(example.options.size());
      }
      prompted.prompt = request.prompt;
    }
    prompts.push_back(std::move(prompted));
  }
  return prompts;
}

}  // namespace clinbench
