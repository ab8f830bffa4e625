// Backends turn requests into responses: log-likelihoods of continuations and generations.
// Two implementations: the embedded llama.cpp engine (gguf:PATH) and an OpenAI-compatible
// server (openai:URL). A backend sees a whole list of requests at once so that it can share
// work between them (common prompt prefixes, full batches); it reports each response as soon as
// it is final, so the caller can commit it to the cache before the next one arrives.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clinbench/core.h"

namespace clinbench {

// What became of one request. Anything but `ok` is counted and reported per sample.
enum class RequestStatus {
  ok,
  context_overflow,  // the tokens do not fit the context window; nothing was cut
  empty_continuation,
  backend_error,     // the backend failed on this request (message in `error`)
};
const char* request_status_name(RequestStatus status);

// --- log-likelihood -------------------------------------------------------------------------

// log P(continuation | context). Tokenised the way lm-evaluation-harness does: trailing
// whitespace of the context moves to the front of the continuation, the joined string is
// encoded once and split at the length of the encoded context; BOS is added exactly once, only
// where the model's metadata asks for it.
struct LoglikelihoodRequest {
  std::string context;
  std::string continuation;
};

struct LoglikelihoodResponse {
  RequestStatus status = RequestStatus::ok;
  std::string error;
  double logprob = 0.0;                // sum of token_logprobs, natural log
  std::vector<float> token_logprobs;   // one per continuation token
  bool is_greedy = false;              // every continuation token is the argmax of its row
  int32_t context_tokens = 0;          // including BOS
  int32_t continuation_tokens = 0;
};

// --- chat -----------------------------------------------------------------------------------

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

// A conversation to render with the model's own chat template, then `answer_prefix` appended
// after the generation prompt (the model continues from it).
struct ChatPrompt {
  std::vector<ChatMessage> messages;
  std::string answer_prefix;
};

// --- generation -----------------------------------------------------------------------------

struct SamplingParams {
  float temperature = 0.0f;  // 0 = greedy (the study's protocol)
  int32_t top_k = 0;         // 0 = off
  float top_p = 1.0f;        // 1 = off
  uint64_t seed = 0;         // used only when temperature > 0
};

struct GenerationRequest {
  std::string prompt;               // fully rendered prompt text (chat template already applied)
  // The same prompt as a conversation, when it came from one. A server backend sends this to
  // its chat endpoint (answer_prefix as the start of the assistant turn); the embedded backend
  // uses `prompt`, which is backend.render_chat(chat).
  ChatPrompt chat;
  std::vector<std::string> stop;    // stop strings, excluded from the returned text
  int32_t max_tokens = 256;
  SamplingParams sampling;
  std::string grammar;              // GBNF constraining the output; empty = none
  // > 0: a prompt of more tokens keeps only its last N (TGI's `truncate`, as the reference study's
  // server cut: from the left, the BOS token included), and the response counts what was cut.
  // The embedded engine only; a server backend sends the prompt whole.
  int32_t truncate_prompt_tokens = 0;
};

enum class FinishReason {
  stop,    // end-of-generation token or a stop string
  length,  // max_tokens reached
  error,
};
const char* finish_reason_name(FinishReason reason);

struct GenerationResponse {
  RequestStatus status = RequestStatus::ok;
  std::string error;
  std::string text;
  std::vector<int32_t> tokens;  // generated token ids (stop string tokens included)
  FinishReason finish = FinishReason::stop;
  int32_t prompt_tokens = 0;
  int32_t prompt_tokens_cut = 0;  // tokens cut from the prompt's start (truncate_prompt_tokens)
  // Tokens generated, as the backend counted them. A server reports counts (usage) but not ids,
  // so its `tokens` stays empty and this is the only count; 0 = unknown, use tokens.size().
  int32_t completion_tokens = 0;
};

// --- embeddings -----------------------------------------------------------------------------

// The contextual token embeddings of one text (BERTScore, dense retrieval), from an embedding
// model (a BERT-style bidirectional encoder): a vector for every token the model read, its
// special tokens ([CLS], [SEP]) included, in text order.
struct EmbeddingRequest {
  std::string text;
};

struct EmbeddingResponse {
  RequestStatus status = RequestStatus::ok;
  std::string error;
  int32_t dimension = 0;
  std::vector<float> vectors;   // tokens.size() * dimension floats, row-major
  std::vector<int32_t> tokens;  // the token ids read
  // Rows [scored_begin, scored_end) are the text's own word pieces; the rows outside are the
  // special tokens the tokenizer adds (BERTScore matches against them but does not average them).
  int32_t scored_begin = 0;
  int32_t scored_end = 0;
  // The text had more tokens than the model reads: its tail was cut (bert_score's truncation).
  // Count these; never silent.
  bool truncated = false;
};

// How an embedding backend is opened (open_embedding_backend).
struct EmbeddingOptions {
  // Which hidden state to return: 0 = the model's last layer; k in 1..layers = the output of the
  // k-th encoder layer, counted from 1 (bert_score's num_layers).
  int32_t layer = 0;
  int32_t threads = 0;          // 0 = all cores
  // Tokens packed into one encoder call (texts are added while they fit, a longer one goes alone).
  int32_t batch_tokens = 256;
  int32_t max_text_tokens = 0;  // tokens of one text incl. [CLS]/[SEP]; 0 = the trained context
  int32_t gpu_layers = -1;      // -1 = all that fit (only with a GPU build)
};

// How a chat is turned into text: the study's prompt formats (CLUE's --model_is_instruct and
// --model_has_system), declared per model (--prompt-format) or implied by its chat template.
// Recorded in results so a reader knows what the model saw.
enum class ChatFormat {
  template_with_system,     // "instruct": the model's template, system message included
  template_system_folded,   // "instruct-no-system": system + "\n\n" + first user turn, then the template
  plain_text,               // "base": no template, turns joined by blank lines
};
// "instruct", "instruct-no-system" or "base".
const char* chat_format_name(ChatFormat format);
// The format a chat_format_name() names; nullopt for any other text.
std::optional<ChatFormat> chat_format_parse(std::string_view name);

// The Jinja text of a named chat template: a study twin's name (its published template; "" for
// a base model) or a family name ("llama3" = Meta-Llama-3-8B-Instruct's, "chatml", "mistral" =
// Mistral-7B-Instruct-v0.1's). `found` says whether the name is known at all.
std::string study_chat_template(std::string_view name, bool& found);

// The Jinja text --chat-template and a suite's chat_template name: a template name (a study
// model's, see `make-test-model --list-like`, or llama3 / chatml / mistral) or else the file
// `file` (the value resolved against where it was written). Throws Error naming the value when
// it is neither, or names a base model (which has no template).
std::string chat_template_read(const std::string& name_or_file, const std::filesystem::path& file);

// --- the interface --------------------------------------------------------------------------

// Work a backend did, summed since it opened: the cost of a task is the difference of two reads.
struct ComputeCounters {
  int64_t tokens_decoded = 0;  // tokens computed by the model (prompt and generated)
  int64_t decode_calls = 0;    // batches (llama_decode calls)
  // Server backends: attempts repeated after a transient failure (429, 5xx, timeout, dropped
  // connection, unusable reply), and requests that came back backend_error. Others: 0.
  int64_t request_retries = 0;
  int64_t requests_failed = 0;
};

struct ModelInfo {
  std::string spec;            // as given on the command line, e.g. gguf:/models/x.gguf
  std::string backend;         // "llama" or "openai"
  std::string fingerprint;     // sha256 of the GGUF; for a server a hash of what it reports
  int32_t context_length = 0;  // tokens a single request may use (prompt + generated)
  nlohmann::json details;      // architecture, parameters, template, file size, ...
};

// Called once per finished request, with the request's index in the submitted span. Calls come
// from the thread that called the backend, in no particular order, exactly once per index.
using LoglikelihoodSink = std::function<void(size_t index, LoglikelihoodResponse&& response)>;
using GenerationSink = std::function<void(size_t index, GenerationResponse&& response)>;
using EmbeddingSink = std::function<void(size_t index, EmbeddingResponse&& response)>;

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const ModelInfo& info() const = 0;

  // Evaluates every request; sink receives each response once. progress gets (done, total).
  virtual void loglikelihood(std::span<const LoglikelihoodRequest> requests,
                             const LoglikelihoodSink& sink, const ProgressCallback& progress) = 0;
  virtual void generate(std::span<const GenerationRequest> requests, const GenerationSink& sink,
                        const ProgressCallback& progress) = 0;

  // Embeds every text (the third request kind). Only embedding backends (open_embedding_backend)
  // compute embeddings; the default throws Error saying this backend does not.
  virtual void embed(std::span<const EmbeddingRequest> requests, const EmbeddingSink& sink,
                     const ProgressCallback& progress);

  // Renders a chat the way this model expects it (see ChatFormat). The result is what
  // GenerationRequest::prompt or LoglikelihoodRequest::context carry.
  virtual std::string render_chat(const ChatPrompt& chat) const = 0;
  virtual ChatFormat chat_format() const = 0;

  // What the model computed so far; a server backend cannot know and reports zeros.
  virtual ComputeCounters compute_counters() const { return {}; }

  // Number of tokens of text as this model tokenises it (no BOS): prompt budgets, truncation.
  virtual int32_t count_tokens(std::string_view text) const = 0;

  // The longest prefix of text that is at most max_tokens tokens, cut at a UTF-8 character
  // boundary (prompt budgets: a document cut to fit the context, never silently). The default
  // searches with count_tokens; a backend with its own tokenizer can do better.
  virtual std::string truncate_to_tokens(std::string_view text, int32_t max_tokens) const;
};

// --- construction ---------------------------------------------------------------------------

enum class FlashAttention { automatic, on, off };

// How llama.cpp spreads one model over several GPUs (its --split-mode): whole layers per GPU
// (layer, the default), each weight matrix's rows over the GPUs (row), or one GPU only (none).
// Only a GPU build with gpu_layers != 0 uses it.
enum class SplitMode { layer, row, none };
const char* split_mode_name(SplitMode mode);  // "layer" | "row" | "none"
std::optional<SplitMode> split_mode_parse(std::string_view name);

struct BackendOptions {
  int32_t threads = 0;          // 0 = all cores
  int32_t context_length = 0;   // 0 = the model's trained context (results.json records which)
  int32_t batch_size = 512;     // tokens per llama_decode call
  int32_t parallel = 8;         // sequences generated at once
  int32_t kv_size = 0;          // KV cache cells; 0 = max(window, 4096, parallel * 1024)
  int32_t gpu_layers = -1;      // -1 = all that fit (only with a GPU build)
  // Several GPUs (a GPU build only): how the model is split, each GPU's share of it (any scale,
  // e.g. {3, 1}; empty = by free memory), and the GPU that holds the model with split_mode none
  // or the intermediate results with row.
  SplitMode split_mode = SplitMode::layer;
  std::vector<float> tensor_split;
  int32_t main_gpu = 0;
  // automatic: on where it is exact (the CPU with an f32 cache, on clinbench's patched llama.cpp);
  // on: also on a GPU, where it rounds K and V to f16 (scores then vary ~1e-3 nats with batching).
  FlashAttention flash_attention = FlashAttention::automatic;
  bool kv_cache_f16 = false;    // half the KV memory; makes scores depend slightly on batching

  // How chats are rendered (both backends). Unset: from the model's template (none = base; a
  // template that raises on a system message or drops it = instruct-no-system; else instruct);
  // a server backend, which cannot see the template, then assumes instruct.
  std::optional<ChatFormat> prompt_format;
  // Embedded backend: Jinja text used instead of the GGUF's chat template ("" = the GGUF's).
  std::string chat_template;
  // Where chat_template came from (a file or a template name), for results.json.
  std::string chat_template_source;

  // Server backend (openai:URL) only.
  // The "model" field of every request. Empty = the one model the server lists (an Error names
  // the choices when it lists several).
  std::string model_name;
  // The environment variable that holds the API key (sent as a Bearer token; no key = no
  // header). Only the variable's name is kept here; the key is never stored, logged or written.
  std::string api_key_env = "OPENAI_API_KEY";
  // Where the server cannot return prompt log-probs (llama-server), score continuations of one
  // token (letter answers) from the top log-probs of the first generated token instead of
  // stopping. A continuation not among them gets a backend_error status, counted, never guessed.
  bool first_token_logprobs = false;
  int32_t concurrency = 32;               // requests in flight at once
  double request_timeout_seconds = 600;   // one attempt, from connecting to the last byte
  int32_t max_retries = 6;                // after 429, 5xx, timeouts and dropped connections
  double retry_base_delay_seconds = 1.0;  // first backoff; doubles per retry up to 60 s, jittered
};

// --- model specs ----------------------------------------------------------------------------

// What a model spec names: SCHEME:TARGET, optionally SCHEME[KEY=VALUE,...]:TARGET. The scheme
// picks the backend (one row of backend_schemes()); the target is everything after the first
// colon, taken as is (a file path for gguf:, the API base URL for openai:); parameters, in the
// order given, are settings of that backend (none of today's backends takes any).
//   gguf:/models/llama3.gguf    openai:http://127.0.0.1:8080/v1
struct ModelSpec {
  std::string scheme;
  std::string target;
  std::vector<std::pair<std::string, std::string>> parameters;

  // Throws Error quoting the text and saying what is wrong: no scheme, a scheme no backend
  // registers (naming the ones there are), an empty target, malformed or unknown parameters.
  static ModelSpec parse(std::string_view text);
  // The text parse() reads back to this spec; format(parse(s)) == s byte for byte.
  std::string format() const;

  bool operator==(const ModelSpec&) const = default;
};

// The same checks as ModelSpec::parse, as a value: nullopt and the message in *error.
std::optional<ModelSpec> model_spec_try_parse(std::string_view text, std::string* error = nullptr);

// One row of the table of backends: everything the harness needs to know about a scheme.
struct BackendScheme {
  const char* scheme;       // "gguf"
  const char* target;       // how the target is written in help and errors: "PATH", "URL"
  const char* description;  // one line for --help and errors
  // The target is a local file: the suite reader resolves it against the suite's folder and
  // checks it exists, and its file stem names the model in reports.
  bool target_is_file;
  // The parameter keys the backend reads, comma-separated ("" or nullptr: none); parse()
  // refuses any other.
  const char* parameters;
  // Opens the backend; spec is the whole spec as given (ModelInfo::spec).
  std::unique_ptr<Backend> (*open)(const ModelSpec& spec, const std::string& text,
                                   const BackendOptions& options);
  // Opens the scheme's embedding model (Backend::embed); nullptr: the scheme serves none.
  std::unique_ptr<Backend> (*open_embedder)(const ModelSpec& spec, const std::string& text,
                                            const EmbeddingOptions& options) = nullptr;
};

// Every scheme, in the order help texts list them.
std::span<const BackendScheme> backend_schemes();
// The row of a scheme; nullptr when no backend registers it.
const BackendScheme* backend_scheme_find(std::string_view scheme);
// "gguf:PATH or openai:URL": the forms a spec may take, for help and error messages.
std::string backend_scheme_forms();

// The name a report gives the model when it has nothing better: a file target's stem
// (gguf:/m/llama3.gguf -> "llama3"), else server_model_name (may be empty).
std::string model_spec_display_name(const ModelSpec& spec, std::string_view server_model_name = "");

// Opens the backend a model spec names: "gguf:PATH" (embedded llama.cpp) or "openai:URL" (an
// OpenAI-compatible server; URL is the API base, e.g. http://127.0.0.1:8080/v1); see
// backend_schemes(). Throws Error naming the file (missing, not a GGUF, truncated), the server's
// answer, or the spec when it cannot.
std::unique_ptr<Backend> open_backend(const std::string& spec, const BackendOptions& options);

// Opens the embedding model a spec names (gguf:PATH of a BERT-architecture GGUF): a Backend whose
// embed() answers; its loglikelihood and generate answer backend_error. Its ModelInfo::details
// hold what produced the vectors (path, sha256, architecture, name, layers, dimension, ...), and
// its fingerprint covers the file and the layer, so cached vectors of one layer never answer
// another. Throws Error naming the spec or the file when it cannot.
std::unique_ptr<Backend> open_embedding_backend(const std::string& spec, const EmbeddingOptions& options);

// Every response of backend.embed(requests), in request order (no scheduler, no cache).
std::vector<EmbeddingResponse> embed_all(Backend& backend, std::span<const EmbeddingRequest> requests,
                                         const ProgressCallback& progress = {});

// How embedding requests reach a model: one response per request, in request order, from
// embedder (an embedding backend); progress gets (done, total). Code that embeds texts (BERTScore,
// dense retrieval) takes one of these from its caller, so that the caller, which owns the
// response cache, picks the route: embed_all straight to the model (the default wherever one is
// not given), or the engine's schedule_embedding (identical texts embedded once, vectors cached
// under the embedder's fingerprint).
using EmbeddingFunction = std::function<std::vector<EmbeddingResponse>(
    Backend& embedder, std::span<const EmbeddingRequest> requests, const ProgressCallback& progress)>;

}  // namespace clinbench
