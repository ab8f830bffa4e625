// The options `run` and `demo` share, as flags (run_options.h).
#include "cli/run_options.h"

#include <cstdlib>

#include "cli/option_ranges.h"
#include "cli/progress_bar.h"

namespace clinbench::cli {

std::filesystem::path default_data_dir() {
  if (const char* value = std::getenv("CLINBENCH_DATA"); value && *value) return value;
  return "data";
}

void add_progress_options(CLI::App& app) {
  app.add_flag_callback("--quiet,-q", [] { progress_style_set(ProgressStyle::quiet); },
                        "no progress lines on stderr (the results table and errors still print)");
  app.add_option_function<std::string>(
         "--progress",
         [](const std::string& style) {
           progress_style_set(style == "json" ? ProgressStyle::json
                              : style == "none" ? ProgressStyle::quiet : ProgressStyle::human);
         },
         "bar (default), json (one JSON object a line on stderr: task, done, total, rate, retries,\n"
         "failures; see README) or none")
      ->check(CLI::IsMember({"bar", "json", "none"}));
}

void add_backend_options(CLI::App& app, BackendOptions& options) {
  app.add_option_function<std::string>(
         "--prompt-format",
         [&options](const std::string& name) { options.prompt_format = chat_format_parse(name); },
         "how chats become the model's input, as the study declared per model: instruct (the model's chat "
         "template with a system message), instruct-no-system (the system prompt glued before the first user "
         "turn), base (plain text). Default: from the model's template (none = base; a template that raises "
         "on or drops a system message = instruct-no-system); a server model: instruct")
      ->check(CLI::IsMember({"instruct", "instruct-no-system", "base"}));
  app.add_option_function<std::string>(
      "--chat-template",
      [&options](const std::string& value) {
        options.chat_template = chat_template_read(value, value);
        options.chat_template_source = value;
      },
      "gguf: render chats with this Jinja template instead of the model's own: a file, or the name of a "
      "study model's published template (`make-test-model --list-like`) or llama3, chatml, mistral");
  app.add_option("--threads", options.threads, "CPU threads (0 = all cores)")
      ->check(option_at_least(0))->capture_default_str();
  app.add_option("--ctx-size", options.context_length,
                 "context window in tokens (0 = the model's trained context; a smaller one is recorded in results.json)")
      ->check(option_at_least(0))->capture_default_str();
  app.add_option("--batch-size", options.batch_size, "tokens per llama.cpp decode call")
      ->check(option_at_least(1))->capture_default_str();
  app.add_option("--parallel", options.parallel, "sequences generated at once")
      ->check(option_at_least(1))->capture_default_str();
  app.add_option("--kv-size", options.kv_size,
                 "KV cache cells shared by all sequences (0 = max(context, 4096, parallel x 1024)); "
                 "generation takes up to as many again, split into a stream per sequence")
      ->check(option_at_least(0))->capture_default_str();
  // Flash attention is on by default where it is exact (the CPU, f32 cache); these override it.
  app.add_flag_callback("--flash-attn", [&options] { options.flash_attention = FlashAttention::on; },
                        "flash attention on a GPU too (it rounds the cache to f16 there: scores then vary "
                        "by ~1e-3 nats with batching); on the CPU it is on by default, and exact");
  app.add_flag_callback("--no-flash-attn", [&options] { options.flash_attention = FlashAttention::off; },
                        "plain attention everywhere (slower; the reference flash attention is checked against)");
  app.add_flag("--kv-f16", options.kv_cache_f16,
               "keep the KV cache in f16 (half the memory; scores then vary slightly with batching)");
  app.add_option("--gpu-layers", options.gpu_layers, "layers on the GPU with a CUDA build (-1 = all)")
      ->check(option_at_least(-1, "at least 0 (or -1: all)"))->capture_default_str();
  app.add_option_function<std::string>(
         "--split-mode",
         [&options](const std::string& name) { options.split_mode = *split_mode_parse(name); },
         "several GPUs: layer (whole layers per GPU), row (each matrix's rows over the GPUs; changes rounding, so "
         "cached scores are kept apart) or none (one GPU, --main-gpu)")
      ->check(CLI::IsMember({"layer", "row", "none"}))->default_str("layer");
  app.add_option("--tensor-split", options.tensor_split,
                 "several GPUs: each GPU's share of the model, comma-separated (e.g. 3,1); default: by free memory")
      ->delimiter(',')
      ->check(CLI::NonNegativeNumber);
  app.add_option("--main-gpu", options.main_gpu,
                 "the GPU that holds the model with --split-mode none, or the intermediate results with row")
      ->check(option_at_least(0))->capture_default_str();
  app.add_option("--model-name", options.model_name, "openai: the server's model name")->group("Server (openai:URL)");
  app.add_option("--api-key-env", options.api_key_env,
                 "openai: environment variable holding the API key (never printed or written)")
      ->capture_default_str()->group("Server (openai:URL)");
  app.add_flag("--first-token-logprobs", options.first_token_logprobs,
               "openai: where the server returns no prompt log-probs (llama-server), score one-token answers "
               "(letters) from the top 20 log-probs of the first generated token")
      ->group("Server (openai:URL)");
  app.add_option("--concurrency", options.concurrency,
                 "openai: requests in flight (at most the server's slots, when it reports them: llama-server)")
      ->check(option_at_least(1))->capture_default_str()->group("Server (openai:URL)");
  app.add_option("--request-timeout", options.request_timeout_seconds, "openai: seconds per request attempt")
      ->check(option_positive())->capture_default_str()->group("Server (openai:URL)");
  app.add_option("--max-retries", options.max_retries, "openai: retries after 429, 5xx, timeouts, dropped connections")
      ->check(option_at_least(0))->capture_default_str()->group("Server (openai:URL)");
}

}  // namespace clinbench::cli
