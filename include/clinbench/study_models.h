// The reference study's models as configurations: tokenizer, trained context, special tokens and
// the chat template each published on Hugging Face at the study date (mid-2024). `clinbench
// make-test-model --like NAME` writes a random-weight "twin" that carries one of them, so the
// study's protocol can be tested on the real prompt formats without the real weights.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "clinbench/backends.h"

namespace clinbench {

struct StudyModelTwin {
  const char* name;            // the model's Hugging Face id without the owner, e.g. Mistral-7B-v0.1
  const char* hugging_face_id;
  const char* stands_for;      // study models with the same configuration (fine-tunes of it)
  const char* vocab;           // llama.cpp's models/ggml-vocab-VOCAB.gguf: the same tokenizer
  int32_t context_length;      // trained context (config.json max_position_embeddings)
  // tokenizer_config.json "chat_template" at the study date; nullptr: a base model, no template.
  const char* chat_template;
  int32_t eos_token;           // tokenizer_config.json eos_token, as an id of the vocab
  int32_t eot_token;           // end of turn where it differs from eos; -1 = none
};

// Every twin, in the order `make-test-model --list-like` prints them.
std::span<const StudyModelTwin> study_model_twins();

// The twin of that name (case-insensitive), or nullptr.
const StudyModelTwin* study_model_twin_find(std::string_view name);

// The prompt format the twin's template implies (as a run defaults it: none = base, a template
// that refuses or drops a system message = instruct-no-system, else instruct).
ChatFormat study_model_twin_prompt_format(const StudyModelTwin& twin);

// study_chat_template and chat_template_read (--chat-template, a suite's chat_template) are
// declared in clinbench/backends.h.

}  // namespace clinbench
