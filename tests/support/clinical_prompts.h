// Short clinical prompts the generation tests share (embedded, split KV cache, llama-server):
// mixed lengths, a stop-prone newline, a chat-like turn, so slots free at different times.
#pragma once

#include <string>
#include <vector>

namespace clinbench::testing {

inline const std::vector<std::string>& clinical_prompt_texts() {
  static const std::vector<std::string> texts = {
      "Summarize: patient with fever and productive cough for three days.",
      "Question: What is the normal range of serum sodium?\nAnswer:",
      "List the ICD-10 codes for type 2 diabetes mellitus with neuropathy.",
      "The discharge letter states that the patient",
      "Q: Which drug reverses heparin?\nA:",
      "Diagnoses/Patient problems:",
      "SENTENCE_1: The patient is afebrile.\nSENTENCE_2: The patient has a fever.\n",
      "A 70-year-old woman with atrial fibrillation is started on",
  };
  return texts;
}

// clinical_prompt_texts() followed by more.
inline std::vector<std::string> clinical_prompt_texts_and(const std::vector<std::string>& more) {
  std::vector<std::string> texts = clinical_prompt_texts();
  texts.insert(texts.end(), more.begin(), more.end());
  return texts;
}

}  // namespace clinbench::testing
