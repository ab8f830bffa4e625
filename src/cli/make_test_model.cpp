// clinbench make-test-model: a tiny random-weight GGUF on a real tokenizer.
#include <cstdio>
#include <cstdlib>

#include "clinbench/study_models.h"
#include "clinbench/test_model.h"
#include "cli/commands.h"
#include "cli/option_ranges.h"

namespace clinbench::cli {

namespace {

// llama.cpp's models/ folder (vocab-only GGUFs), as the demo finds it.
std::filesystem::path vocab_dir() {
  if (const char* value = std::getenv("CLINBENCH_VOCAB_DIR"); value && *value) return value;
  return CLINBENCH_LLAMA_MODELS_DIR;
}

void print_twins() {
  std::printf("%-28s %-11s %8s  %-18s %s\n", "name", "vocab", "context", "prompt format", "stands for");
  for (const StudyModelTwin& twin : study_model_twins()) {
    const char* format = chat_format_name(study_model_twin_prompt_format(twin));
    std::printf("%-28s %-11s %8d  %-18s %s\n", twin.name, twin.vocab, twin.context_length, format, twin.stands_for);
  }
}

}  // namespace

Command add_make_test_model_command(CLI::App& parent) {
  auto options = std::make_shared<TestModelOptions>();
  CLI::App* app = parent.add_subcommand(
      "make-test-model",
      "Write a llama- or BERT-architecture GGUF with seeded random weights and the real "
      "tokenizer of a vocab GGUF (llama.cpp ships them as models/ggml-vocab-*.gguf; "
      "ggml-vocab-bert-bge.gguf is a BERT WordPiece vocab). For tests and benchmarks: its "
      "answers and embeddings are noise. --like NAME writes a twin of a model of the reference "
      "study: its tokenizer, trained context, special tokens and published chat template.");
  auto like = std::make_shared<std::string>();
  auto list_like = std::make_shared<bool>(false);
  CLI::Option* vocab_option = app->add_option("--vocab", options->vocab_path, "GGUF holding the tokenizer");
  CLI::Option* like_option =
      app->add_option("--like", *like,
                      "a study model to copy the configuration of (see --list-like); its vocab comes from "
                      "llama.cpp's models/ folder (CLINBENCH_VOCAB_DIR overrides), the shape stays small")
          ->excludes(vocab_option);
  app->add_flag("--list-like", *list_like, "print the study models --like knows and exit");
  CLI::Option* out_option = app->add_option("--out", options->out_path, "GGUF file to write");
  app->add_option("--arch", options->architecture,
                  "llama (a causal decoder) or bert (an embedding encoder, e.g. for BERTScore)")
      ->check(CLI::IsMember({"llama", "bert"}))
      ->capture_default_str();
  app->add_option("--layers", options->layers, "transformer blocks")->check(option_at_least(1))->capture_default_str();
  CLI::Option* embedding_option =
      app->add_option("--embd", options->embedding, "hidden size")->check(option_at_least(1))->capture_default_str();
  app->add_option("--heads", options->heads, "attention heads")->check(option_at_least(1))->capture_default_str();
  app->add_option("--kv-heads", options->kv_heads, "key/value heads (grouped-query attention)")
      ->check(option_at_least(1))->capture_default_str();
  CLI::Option* feed_forward_option =
      app->add_option("--ff", options->feed_forward, "feed-forward size")->check(option_at_least(1))->capture_default_str();
  CLI::Option* context_option =
      app->add_option("--ctx", options->context_length,
                      "trained context length to declare (default 4096; 512 for bert, whose "
                      "learned position table it sizes)")
          ->check(option_at_least(1));
  CLI::Option* type_option = app->add_option("--type", options->type, "matrix type")->check(CLI::IsMember({"f32", "f16"}))
      ->capture_default_str();
  app->add_option("--seed", options->seed, "random seed for the weights")->capture_default_str();
  CLI::Option* template_option = app->add_option("--chat-template", options->chat_template,
                  "llama3, chatml, mistral (no system role), a --list-like name (its published "
                  "template), none (a base model), or Jinja text; default: keep the vocab's own");
  return {app, [=] {
            if (*list_like) {
              print_twins();
              return 0;
            }
            if (out_option->count() == 0) throw Error("make-test-model: --out FILE is required");
            if (like_option->count() > 0) {
              const StudyModelTwin* twin = study_model_twin_find(*like);
              if (!twin) throw Error("make-test-model --like '" + *like + "': not a study model (see --list-like)");
              const int32_t asked_context = options->context_length;
              const std::string asked_template = options->chat_template;
              test_model_apply_twin(*options, *twin, vocab_dir());
              if (context_option->count() > 0) options->context_length = asked_context;
              if (template_option->count() > 0) options->chat_template = asked_template;
              // Small unless asked otherwise: a 128k-token vocab at 32 wide in f16 is 16 MB.
              if (embedding_option->count() == 0) options->embedding = 32;
              if (feed_forward_option->count() == 0) options->feed_forward = 64;
              if (type_option->count() == 0) options->type = "f16";
            } else if (vocab_option->count() == 0) {
              throw Error("make-test-model: give --vocab FILE or --like NAME");
            }
            // Real BERTs have 512 positions; a 4096-row position table would only bloat the file.
            if (options->architecture == "bert" && context_option->count() == 0) {
              options->context_length = 512;
            }
            write_test_model(*options);
            std::printf("wrote %s\n", options->out_path.c_str());
            return 0;
          }};
}

}  // namespace clinbench::cli
