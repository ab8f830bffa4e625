// Writes a llama- or BERT-architecture GGUF with random weights through ggml's gguf API: the
// header and tensor infos first, then each tensor's data streamed in order, so a model of
// hundreds of MB never sits in memory twice.
#include "clinbench/test_model.h"

#include <ggml.h>
#include <gguf.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <memory>
#include <vector>

#include "clinbench/study_models.h"
#include "clinbench/core.h"

namespace clinbench {

namespace {

// SplitMix64 then Box-Muller: deterministic on every platform, unlike <random> distributions.
class NormalGenerator {
 public:
  explicit NormalGenerator(uint64_t seed) : state_(seed) {}
  float next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = (double(next_u64() >> 11) + 1.0) * 0x1.0p-53;
    double u2 = double(next_u64() >> 11) * 0x1.0p-53;
    double radius = std::sqrt(-2.0 * std::log(u1));
    spare_ = float(radius * std::sin(2.0 * M_PI * u2));
    has_spare_ = true;
    return float(radius * std::cos(2.0 * M_PI * u2));
  }

 private:
  uint64_t next_u64() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t state_;
  float spare_ = 0;
  bool has_spare_ = false;
};

struct TensorPlan {
  std::string name;
  int64_t columns;  // ne0: the input dimension
  int64_t rows;     // ne1 (1 for vectors)
  bool is_norm;     // norms are f32 and all ones
  bool is_bias = false;  // biases are f32, small and random (bert only)
};

std::vector<TensorPlan> llama_tensor_plan(const TestModelOptions& o, int64_t vocab_size) {
  int64_t head_dim = o.embedding / o.heads;
  int64_t kv_dim = head_dim * o.kv_heads;
  std::vector<TensorPlan> plan = {
      {"token_embd.weight", o.embedding, vocab_size, false},
      {"output_norm.weight", o.embedding, 1, true},
      {"output.weight", o.embedding, vocab_size, false},
  };
  for (int32_t layer = 0; layer < o.layers; ++layer) {
    std::string prefix = "blk." + std::to_string(layer) + ".";
    plan.push_back({prefix + "attn_norm.weight", o.embedding, 1, true});
    plan.push_back({prefix + "attn_q.weight", o.embedding, o.embedding, false});
    plan.push_back({prefix + "attn_k.weight", o.embedding, kv_dim, false});
    plan.push_back({prefix + "attn_v.weight", o.embedding, kv_dim, false});
    plan.push_back({prefix + "attn_output.weight", o.embedding, o.embedding, false});
    plan.push_back({prefix + "ffn_norm.weight", o.embedding, 1, true});
    plan.push_back({prefix + "ffn_gate.weight", o.embedding, o.feed_forward, false});
    plan.push_back({prefix + "ffn_up.weight", o.embedding, o.feed_forward, false});
    plan.push_back({prefix + "ffn_down.weight", o.feed_forward, o.embedding, false});
  }
  return plan;
}

// llama.cpp's BERT layout (src/models/bert.cpp): learned token, token-type and position
// embeddings, an embedding layer norm, then post-norm blocks with biases everywhere.
std::vector<TensorPlan> bert_tensor_plan(const TestModelOptions& o, int64_t vocab_size,
                                         int64_t token_types) {
  std::vector<TensorPlan> plan = {
      {"token_embd.weight", o.embedding, vocab_size, false},
      {"token_types.weight", o.embedding, token_types, false},
      {"position_embd.weight", o.embedding, o.context_length, false},
      {"token_embd_norm.weight", o.embedding, 1, true},
      {"token_embd_norm.bias", o.embedding, 1, false, true},
  };
  for (int32_t layer = 0; layer < o.layers; ++layer) {
    std::string prefix = "blk." + std::to_string(layer) + ".";
    for (const char* name : {"attn_q", "attn_k", "attn_v", "attn_output"}) {
      plan.push_back({prefix + name + ".weight", o.embedding, o.embedding, false});
      plan.push_back({prefix + name + ".bias", o.embedding, 1, false, true});
    }
    plan.push_back({prefix + "attn_output_norm.weight", o.embedding, 1, true});
    plan.push_back({prefix + "attn_output_norm.bias", o.embedding, 1, false, true});
    plan.push_back({prefix + "ffn_up.weight", o.embedding, o.feed_forward, false});
    plan.push_back({prefix + "ffn_up.bias", o.feed_forward, 1, false, true});
    plan.push_back({prefix + "ffn_down.weight", o.feed_forward, o.embedding, false});
    plan.push_back({prefix + "ffn_down.bias", o.embedding, 1, false, true});
    plan.push_back({prefix + "layer_output_norm.weight", o.embedding, 1, true});
    plan.push_back({prefix + "layer_output_norm.bias", o.embedding, 1, false, true});
  }
  return plan;
}

void validate(const TestModelOptions& o) {
  auto fail = [&](const std::string& message) { throw Error("make-test-model: " + message); };
  const bool bert = o.architecture == "bert";
  if (o.architecture != "llama" && !bert) {
    fail("architecture must be llama or bert, not '" + o.architecture + "'");
  }
  if (o.layers < 1 || o.embedding < 8 || o.heads < 1 || o.kv_heads < 1 || o.feed_forward < 1) {
    fail("layers, embedding, heads, kv-heads and ff must be positive (embedding at least 8)");
  }
  if (o.embedding % o.heads != 0) fail("embedding must be a multiple of heads");
  if (!bert && o.heads % o.kv_heads != 0) fail("kv-heads must divide heads");
  if (!bert && (o.embedding / o.heads) % 2 != 0) {
    fail("embedding / heads must be even (rotary embedding)");
  }
  if (bert && (o.context_length < 8 || o.context_length > 65536)) {
    // Every position is a row of position_embd, so the context is also a size.
    fail("a bert context must be 8 to 65536 tokens (one learned position embedding each)");
  }
  if (o.type != "f32" && o.type != "f16") fail("type must be f32 or f16, not '" + o.type + "'");
}

// Norms and biases stay f32 in every type, as llama.cpp's converter keeps 1-D tensors. BERT's
// token-type table stays f32 too: its graph adds a row of it to f32 activations directly.
bool stored_as_f32(const TensorPlan& t, bool f16) {
  return !f16 || t.is_norm || t.is_bias || t.name == "token_types.weight";
}

using GgufPtr = std::unique_ptr<gguf_context, decltype(&gguf_free)>;

}  // namespace

std::string builtin_chat_template(const std::string& name) {
  bool found = false;
  std::string text = study_chat_template(name, found);
  return found ? text : "";
}

void test_model_apply_twin(TestModelOptions& options, const StudyModelTwin& twin,
                           const std::filesystem::path& vocab_dir) {
  options.vocab_path = vocab_dir / ("ggml-vocab-" + std::string(twin.vocab) + ".gguf");
  options.architecture = "llama";
  options.context_length = twin.context_length;
  options.chat_template = twin.chat_template ? twin.chat_template : "none";
  options.eos_token = twin.eos_token;
  options.eot_token = twin.eot_token;
  // Every study model's Hugging Face tokenizer adds BOS (add_special_tokens), as the study's
  // server tokenised its prompts; llama-bpe's vocab file leaves the flag out.
  options.add_bos = true;
  options.name = std::string("clinbench twin of ") + twin.hugging_face_id;
}

void write_test_model(const TestModelOptions& o) {
  validate(o);
  if (!std::filesystem::exists(o.vocab_path)) throw_input_error(o.vocab_path, 0, "", "vocab file not found");

  gguf_init_params read_params{/*no_alloc=*/true, /*ctx=*/nullptr};
  GgufPtr vocab(gguf_init_from_file(o.vocab_path.c_str(), read_params), gguf_free);
  if (!vocab) throw_input_error(o.vocab_path, 0, "", "not a readable GGUF file");
  int64_t tokens_key = gguf_find_key(vocab.get(), "tokenizer.ggml.tokens");
  if (tokens_key < 0) throw_input_error(o.vocab_path, 0, "tokenizer.ggml.tokens", "missing: not a vocab GGUF");
  int64_t vocab_size = int64_t(gguf_get_arr_n(vocab.get(), tokens_key));

  GgufPtr out(gguf_init_empty(), gguf_free);
  gguf_set_kv(out.get(), vocab.get());
  // Keep only the tokenizer; everything else describes the model we are writing.
  for (int64_t i = gguf_get_n_kv(out.get()) - 1; i >= 0; --i) {
    std::string key = gguf_get_key(out.get(), i);
    if (key.rfind("tokenizer.", 0) != 0) gguf_remove_key(out.get(), key.c_str());
  }
  if (o.chat_template == "none") {
    gguf_remove_key(out.get(), "tokenizer.chat_template");
  } else if (!o.chat_template.empty()) {
    bool builtin = false;
    std::string text = study_chat_template(o.chat_template, builtin);
    if (!builtin) text = o.chat_template;
    gguf_set_val_str(out.get(), "tokenizer.chat_template", text.c_str());
  }
  auto set_token = [&](const char* key, int32_t id) {
    if (id < 0) return;
    if (id >= vocab_size) throw_input_error(o.vocab_path, 0, key, "token " + std::to_string(id) + " is not in the vocab");
    gguf_set_val_u32(out.get(), key, uint32_t(id));
  };
  set_token("tokenizer.ggml.eos_token_id", o.eos_token);
  set_token("tokenizer.ggml.eot_token_id", o.eot_token);
  if (o.add_bos) gguf_set_val_bool(out.get(), "tokenizer.ggml.add_bos_token", *o.add_bos);

  const bool f16 = o.type == "f16";
  std::vector<TensorPlan> plan;
  if (o.architecture == "bert") {
    // llama.cpp refuses a BERT without token types; BERT vocabs declare 2 (sentence A and B).
    int64_t types_key = gguf_find_key(out.get(), "tokenizer.ggml.token_type_count");
    bool declared = types_key >= 0 && gguf_get_kv_type(out.get(), types_key) == GGUF_TYPE_UINT32;
    uint32_t token_types = declared ? gguf_get_val_u32(out.get(), types_key) : 2;
    gguf_set_val_u32(out.get(), "tokenizer.ggml.token_type_count", token_types);
    gguf_set_val_str(out.get(), "general.architecture", "bert");
    gguf_set_val_str(out.get(), "general.name", "clinbench test embedding model");
    gguf_set_val_u32(out.get(), "general.file_type", f16 ? 1 : 0);
    gguf_set_val_u32(out.get(), "bert.context_length", uint32_t(o.context_length));
    gguf_set_val_u32(out.get(), "bert.embedding_length", uint32_t(o.embedding));
    gguf_set_val_u32(out.get(), "bert.feed_forward_length", uint32_t(o.feed_forward));
    gguf_set_val_u32(out.get(), "bert.block_count", uint32_t(o.layers));
    gguf_set_val_u32(out.get(), "bert.attention.head_count", uint32_t(o.heads));
    gguf_set_val_f32(out.get(), "bert.attention.layer_norm_epsilon", 1e-12f);
    gguf_set_val_bool(out.get(), "bert.attention.causal", false);
    gguf_set_val_u32(out.get(), "bert.pooling_type", 0);  // LLAMA_POOLING_TYPE_NONE
    plan = bert_tensor_plan(o, vocab_size, int64_t(std::max<uint32_t>(token_types, 1)));
  } else {
    gguf_set_val_str(out.get(), "general.architecture", "llama");
    gguf_set_val_str(out.get(), "general.name", o.name.empty() ? "clinbench test model" : o.name.c_str());
    gguf_set_val_u32(out.get(), "general.file_type", f16 ? 1 : 0);
    gguf_set_val_u32(out.get(), "llama.context_length", uint32_t(o.context_length));
    gguf_set_val_u32(out.get(), "llama.embedding_length", uint32_t(o.embedding));
    gguf_set_val_u32(out.get(), "llama.block_count", uint32_t(o.layers));
    gguf_set_val_u32(out.get(), "llama.feed_forward_length", uint32_t(o.feed_forward));
    gguf_set_val_u32(out.get(), "llama.attention.head_count", uint32_t(o.heads));
    gguf_set_val_u32(out.get(), "llama.attention.head_count_kv", uint32_t(o.kv_heads));
    gguf_set_val_u32(out.get(), "llama.rope.dimension_count", uint32_t(o.embedding / o.heads));
    gguf_set_val_f32(out.get(), "llama.rope.freq_base", 10000.0f);
    gguf_set_val_f32(out.get(), "llama.attention.layer_norm_rms_epsilon", 1e-5f);
    gguf_set_val_u32(out.get(), "llama.vocab_size", uint32_t(vocab_size));
    plan = llama_tensor_plan(o, vocab_size);
  }

  // Tensor infos: a no_alloc ggml context gives shapes without data.
  ggml_init_params tensor_params{ggml_tensor_overhead() * (plan.size() + 1), nullptr, true};
  std::unique_ptr<ggml_context, decltype(&ggml_free)> tensors(ggml_init(tensor_params), ggml_free);
  for (const auto& t : plan) {
    ggml_type type = stored_as_f32(t, f16) ? GGML_TYPE_F32 : GGML_TYPE_F16;
    ggml_tensor* tensor = t.rows == 1 ? ggml_new_tensor_1d(tensors.get(), type, t.columns)
                                      : ggml_new_tensor_2d(tensors.get(), type, t.columns, t.rows);
    ggml_set_name(tensor, t.name.c_str());
    gguf_add_tensor(out.get(), tensor);
  }

  std::filesystem::path temporary = o.out_path.string() + ".partial-" + std::to_string(::getpid());
  std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(temporary.c_str(), "wb"), std::fclose);
  if (!file) throw_input_error(o.out_path, 0, "", std::string("cannot write: ") + std::strerror(errno));
  if (!gguf_write_to_file_ptr(out.get(), file.get(), /*only_meta=*/true)) {
    throw_input_error(o.out_path, 0, "", "failed to write the GGUF header");
  }

  // Weights ~ N(0, 1/fan_in): logits of unit scale, so greedy choices are well separated. The
  // projections back into the residual stream are scaled down by sqrt(2 * layers) (GPT-2's
  // initialisation) so that rounding differences are not amplified layer after layer.
  NormalGenerator normal(o.seed);
  const size_t alignment = gguf_get_alignment(out.get());
  std::vector<float> values;
  std::vector<ggml_fp16_t> halves;
  for (const auto& t : plan) {
    size_t count = size_t(t.columns * t.rows);
    values.resize(count);
    float scale = t.name == "token_embd.weight" ? 1.0f : 1.0f / std::sqrt(float(t.columns));
    // BERT's post-norm blocks renormalise every layer, so they need no depth scaling, and
    // without it a shallower bert model is exactly the first layers of a deeper one.
    if (o.architecture != "bert" &&
        (t.name.ends_with("attn_output.weight") || t.name.ends_with("ffn_down.weight"))) {
      scale /= std::sqrt(2.0f * float(o.layers));
    }
    // BERT sums three embeddings before its layer norm; biases stay small beside the weights.
    if (t.name == "token_types.weight" || t.name == "position_embd.weight") scale = 1.0f;
    if (t.is_bias) scale = 0.1f;
    for (float& v : values) v = t.is_norm ? 1.0f : normal.next() * scale;
    size_t bytes;
    if (stored_as_f32(t, f16)) {
      bytes = count * sizeof(float);
      std::fwrite(values.data(), 1, bytes, file.get());
    } else {
      halves.resize(count);
      ggml_fp32_to_fp16_row(values.data(), halves.data(), int64_t(count));
      bytes = count * sizeof(ggml_fp16_t);
      std::fwrite(halves.data(), 1, bytes, file.get());
    }
    static const char zeros[64] = {};
    size_t padding = (alignment - bytes % alignment) % alignment;
    std::fwrite(zeros, 1, padding, file.get());
  }
  if (std::ferror(file.get()) || std::fflush(file.get()) != 0) {
    throw_input_error(o.out_path, 0, "", "write failed (disk full?)");
  }
  file.reset();
  std::filesystem::rename(temporary, o.out_path);
}

}  // namespace clinbench
