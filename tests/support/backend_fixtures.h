// What the backend tests share: short clinical prompts (embedded generation, the split KV cache,
// llama-server), a few-shot block to branch from, and names for tests run once per vocabulary.
#pragma once

#include <gtest/gtest.h>

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

// Eight question-and-answer shots (about 250 tokens): a root that every prompt behind it shares.
inline std::string stiff_neck_shots() {
  std::string shots;
  for (int i = 0; i < 8; ++i) {
    shots += "Question: A patient with fever for " + std::to_string(i + 2) +
             " days and a stiff neck. Next step?\nAnswer: lumbar puncture after imaging\n\n";
  }
  return shots;
}

// Test names of a suite instantiated per vocabulary ("llama-spm" -> "llama_spm").
inline std::string vocab_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& ch : name) if (ch == '-') ch = '_';
  return name;
}

}  // namespace clinbench::testing
