// What of an item a leak would copy: the fields its prompt shows, its options, its reference,
// its documents. Task-level text (system prompt, template wording) is the same for every item
// and is left out.
#include <algorithm>

#include "clinbench/audit.h"

namespace clinbench {

namespace {

// LongHealth: the letters of the item's own patient (a draw also lists other patients' letters
// as distractors; their leak is theirs). Other tasks: the documents the item names.
std::vector<std::string> item_documents(const TaskSpec& spec, const TaskData& data, const Example& example) {
  std::vector<std::string> texts;
  if (spec.kind == TaskKind::longhealth && example.fields.contains("patient")) {
    std::string prefix = task_field_text(example.fields["patient"]) + "/";
    for (auto it = data.documents.lower_bound(prefix); it != data.documents.end() && it->first.starts_with(prefix); ++it) {
      texts.push_back(it->second);
    }
    return texts;
  }
  if (example.fields.contains("document_ids") && example.fields["document_ids"].is_array()) {
    for (const auto& id : example.fields["document_ids"]) {
      if (!id.is_string()) continue;
      auto found = data.documents.find(id.get<std::string>());
      if (found != data.documents.end()) texts.push_back(found->second);
    }
  }
  return texts;
}

}  // namespace

std::vector<std::string> audit_item_texts(const TaskSpec& spec, const TaskData& data, const Example& example) {
  // Template specials that are not item text of their own (an answer text is one of the options).
  static const std::vector<std::string> kNotItemText = {"letter",    "option",          "answer_letter", "answer_text",
                                                        "reference", "reference_items", "retrieved"};
  std::vector<std::string> texts;
  auto add = [&texts](std::string text) {
    if (!text.empty()) texts.push_back(std::move(text));
  };
  std::vector<std::string> names = task_template_fields(spec.user_template);
  // Options are item text whether the prompt lists them or only scores them (PubMedQA).
  if (!example.options.empty() && std::find(names.begin(), names.end(), "options") == names.end()) {
    names.push_back("options");
  }
  for (const std::string& name : names) {
    if (std::find(kNotItemText.begin(), kNotItemText.end(), name) != kNotItemText.end()) continue;
    if (name == "options") {
      std::string joined;
      for (const std::string& option : example.options) joined += (joined.empty() ? "" : " ") + option;
      add(joined);
    } else if (name == "documents") {
      for (std::string& document : item_documents(spec, data, example)) add(std::move(document));
    } else if (example.fields.contains(name)) {
      add(task_field_text(example.fields[name]));
    }
  }
  add(example.reference);
  return texts;
}

}  // namespace clinbench
