// clinbench make-test-model: a tiny random-weight GGUF on a real tokenizer.
#include <cstdio>

#include "backends/llama/test_model.h"
#include "cli/commands.h"
#include "cli/option_ranges.h"

namespace clinbench::cli {

Command add_make_test_model_command(CLI::App& parent) {
  auto options = std::make_shared<TestModelOptions>();
  CLI::App* app = parent.add_subcommand(
      "make-test-model",
      "Write a llama- or BERT-architecture GGUF with seeded random weights and the real "
      "tokenizer of a vocab GGUF (llama.cpp ships them as models/ggml-vocab-*.gguf; "
      "ggml-vocab-bert-bge.gguf is a BERT WordPiece vocab). For tests and benchmarks: its "
      "answers and embeddings are noise.");
  app->add_option("--vocab", options->vocab_path, "GGUF holding the tokenizer")->required();
  app->add_option("--out", options->out_path, "GGUF file to write")->required();
  app->add_option("--arch", options->architecture,
                  "llama (a causal decoder) or bert (an embedding encoder, e.g. for BERTScore)")
      ->check(CLI::IsMember({"llama", "bert"}))
      ->capture_default_str();
  app->add_option("--layers", options->layers, "transformer blocks")->check(option_at_least(1))->capture_default_str();
  app->add_option("--embd", options->embedding, "hidden size")->check(option_at_least(1))->capture_default_str();
  app->add_option("--heads", options->heads, "attention heads")->check(option_at_least(1))->capture_default_str();
  app->add_option("--kv-heads", options->kv_heads, "key/value heads (grouped-query attention)")
      ->check(option_at_least(1))->capture_default_str();
  app->add_option("--ff", options->feed_forward, "feed-forward size")->check(option_at_least(1))->capture_default_str();
  CLI::Option* context_option =
      app->add_option("--ctx", options->context_length,
                      "trained context length to declare (default 4096; 512 for bert, whose "
                      "learned position table it sizes)")
          ->check(option_at_least(1));
  app->add_option("--type", options->type, "matrix type")->check(CLI::IsMember({"f32", "f16"}))
      ->capture_default_str();
  app->add_option("--seed", options->seed, "random seed for the weights")->capture_default_str();
  app->add_option("--chat-template", options->chat_template,
                  "llama3, chatml, mistral (no system role), none (a base model), or Jinja text; "
                  "default: keep the vocab's own");
  return {app, [options, context_option] {
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
