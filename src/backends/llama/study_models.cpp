#include "clinbench/study_models.h"

#include <algorithm>
#include <cctype>

#include "clinbench/core.h"

namespace clinbench {

namespace {

// Each template is the "chat_template" of the model's tokenizer_config.json as published at the
// study date (CLUE's code is of June 2024), character for character: escapes below are C++'s, so
// "\n" is the newline the JSON file's "\n" decodes to. Where each copy was read:

// meta-llama/Meta-Llama-3-8B-Instruct (after the May 2024 update that made eos_token <|eot_id|>).
// Copies: llama.cpp tests/test-chat-template.cpp ("Llama-3", which drops the add_generation_prompt
// test), and openvinotoolkit/openvino.genai tests/python_tests/tokenizer_configs.py
// ("meta-llama/Meta-Llama-3-8B-Instruct", with eos_token "<|eot_id|>"), which this text equals.
constexpr const char* kLlama3Instruct =
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
    "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | "
    "trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% "
    "endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ "
    "'<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

// mistralai/Mistral-7B-Instruct-v0.1 and mistralai/Mixtral-8x7B-Instruct-v0.1 (both before
// Mistral's mid-2024 "v1" templates with a system message): no system role, it raises.
// Copies: llama.cpp tests/test-chat-template.cpp ("mistralai/Mistral-7B-Instruct-v0.2 (NOTE: Old
// pre-v1 without a system prompt)"), and openvino.genai tokenizer_configs.py
// ("TheBloke/Mixtral-8x7B-Instruct-v0.1-GPTQ", a copy of Mixtral's config). An earlier revision
// of Mistral-7B-Instruct-v0.1 (Oct 2023, copied in "TheBloke/Mistral-7B-Instruct-v0.1-GPTQ")
// wrote `eos_token + ' '` after an assistant turn; the revision of 2024 has no space.
constexpr const char* kMistralInstructV1 =
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != "
    "(loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
    "user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ "
    "'[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ "
    "message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles "
    "are supported!') }}{% endif %}{% endfor %}";

// HuggingFaceH4/zephyr-7b-beta. Copy: openvino.genai tokenizer_configs.py under
// "TinyLlama/TinyLlama-1.1B-Chat-v1.0", which took zephyr's template unchanged (its newlines
// matter: HF renders with trim_blocks and lstrip_blocks, and the one after each `}}` stays).
constexpr const char* kZephyrBeta =
    "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + "
    "message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + "
    "message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ "
    "'<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and "
    "add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}";

// microsoft/Phi-3-mini-128k-instruct before its July 2024 update: a system message is silently
// dropped (no branch renders it), and the generation prompt follows every user turn.
// Copies: openvino.genai tokenizer_configs.py ("microsoft/Phi-3-mini-128k-instruct", eos_token
// "<|endoftext|>"), llama.cpp tests/test-chat-template.cpp ("Phi-3-mini") and the chat template
// of llama.cpp's models/ggml-vocab-phi-3.gguf: all three the same text.
constexpr const char* kPhi3Mini =
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') %}{{'<|user|>' "
    "+ '\n' + message['content'] + '<|end|>' + '\n' + '<|assistant|>' + '\n'}}{% elif "
    "(message['role'] == 'assistant') %}{{message['content'] + '<|end|>' + '\n'}}{% endif %}{% "
    "endfor %}";

// ChatML (teknium/OpenHermes-2.5-Mistral-7B, copied in llama.cpp tests/test-chat-template.cpp).
constexpr const char* kChatml =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + "
    "message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ "
    "'<|im_start|>assistant\n' }}{% endif %}";

// Token ids are those of the vocab files (llama-bpe: Llama-3's 128,256; llama-spm: Llama-2's and
// Mistral's 32,000; phi-3: 32,064). Trained contexts from each model's config.json.
constexpr StudyModelTwin kTwins[] = {
    {"Meta-Llama-3-8B-Instruct", "meta-llama/Meta-Llama-3-8B-Instruct",
     "Llama-3-70B-Instruct, OpenBioLLM-8B/70B, Llama3-Aloe-8B-Alpha, JSL-MedLlama-3-8B", "llama-bpe",
     8192, kLlama3Instruct, /*<|eot_id|>*/ 128009, /*<|eot_id|>*/ 128009},
    {"Mistral-7B-Instruct-v0.1", "mistralai/Mistral-7B-Instruct-v0.1", "BioMistral-7B", "llama-spm",
     32768, kMistralInstructV1, /*</s>*/ 2, -1},
    {"Mistral-7B-v0.1", "mistralai/Mistral-7B-v0.1", "internistai/base-7b-v0.2 (base models)",
     "llama-spm", 32768, nullptr, /*</s>*/ 2, -1},
    {"zephyr-7b-beta", "HuggingFaceH4/zephyr-7b-beta", "", "llama-spm", 32768, kZephyrBeta,
     /*</s>*/ 2, -1},
    {"Mixtral-8x7B-Instruct-v0.1", "mistralai/Mixtral-8x7B-Instruct-v0.1", "", "llama-spm", 32768,
     kMistralInstructV1, /*</s>*/ 2, -1},
    {"Phi-3-mini-128k-instruct", "microsoft/Phi-3-mini-128k-instruct", "", "phi-3", 131072, kPhi3Mini,
     /*<|endoftext|>*/ 32000, /*<|end|>*/ 32007},
};

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::span<const StudyModelTwin> study_model_twins() { return kTwins; }

const StudyModelTwin* study_model_twin_find(std::string_view name) {
  for (const StudyModelTwin& twin : kTwins) {
    if (same_name(twin.name, name) || same_name(twin.hugging_face_id, name)) return &twin;
  }
  return nullptr;
}

std::string study_chat_template(std::string_view name, bool& found) {
  found = true;
  if (name == "llama3") return kLlama3Instruct;
  if (name == "chatml") return kChatml;
  if (name == "mistral") return kMistralInstructV1;
  if (const StudyModelTwin* twin = study_model_twin_find(name)) {
    return twin->chat_template ? twin->chat_template : "";
  }
  found = false;
  return "";
}

std::string chat_template_read(const std::string& name_or_file, const std::filesystem::path& file) {
  bool known = false;
  std::string text = study_chat_template(name_or_file, known);
  if (known) {
    if (text.empty()) {
      throw Error("chat template '" + name_or_file + "': that model is a base model and has none (declare the "
                  "prompt format base instead)");
    }
    return text;
  }
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    throw Error("chat template '" + name_or_file + "': neither a template name (a study model's, see "
                "`clinbench make-test-model --list-like`, or llama3, chatml, mistral) nor a file (" +
                file.string() + " not found)");
  }
  text = read_file(file);
  if (text.empty()) throw_input_error(file, 0, "", "the chat template file is empty");
  return text;
}

}  // namespace clinbench
