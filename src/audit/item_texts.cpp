// What of an item a leak would copy: the fields its prompt shows, its options, its reference,
// its documents. Task-level text (system prompt, template wording) is the same for every item
// and is left out.
#include <algorithm>

#include "clinbench/audit.h"
#include "clinbench/kinds.h"

namespace clinbench {

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
      // The kind knows which documents are the item's own (LongHealth: its patient's letters).
      for (std::string& document : task_kind_definition(spec.kind).item_documents(spec, data, example)) {
        add(std::move(document));
      }
    } else if (example.fields.contains(name)) {
      add(task_field_text(example.fields[name]));
    }
  }
  add(example.reference);
  return texts;
}

}  // namespace clinbench
