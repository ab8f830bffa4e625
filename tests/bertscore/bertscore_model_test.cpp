// BERTScore through llama.cpp on a generated BERT-architecture GGUF (random weights, the real
// WordPiece vocab of llama.cpp's models/ggml-vocab-bert-bge.gguf).
#include <gguf.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "backends/llama/token_embedder.h"
#include "clinbench/core.h"
#include "clinbench/metrics.h"
#include "metrics/bertscore.h"
#include "test_support.h"

namespace clinbench {
namespace {

constexpr llama_token kCls = 101;  // the bge vocab's [CLS] and [SEP]
constexpr llama_token kSep = 102;

std::unique_ptr<TokenEmbedder> open_tiny(const TokenEmbedderOptions& options = {},
                                         const testing::TinyModelShape& shape = {}) {
  return open_token_embedder("gguf:" + testing::tiny_bert_model(shape).string(), options);
}

// The same model as the embedding backend BERTScore runs on (Backend::embed).
std::unique_ptr<Backend> open_tiny_backend(const EmbeddingOptions& options = {},
                                           const testing::TinyModelShape& shape = {}) {
  return open_embedding_backend("gguf:" + testing::tiny_bert_model(shape).string(), options);
}

TokenEmbeddingsView view(const TokenEmbeddings& embeddings) {
  return TokenEmbeddingsView{.vectors = embeddings.vectors,
                             .dimension = embeddings.dimension,
                             .scored_begin = embeddings.scored_begin,
                             .scored_end = embeddings.scored_end};
}

const std::vector<std::string>& clinical_texts() {
  static const std::vector<std::string> texts = {
      "What are the side effects of metformin?",
      "The patient reports chest pain radiating to the left arm since this morning.",
      "",
      "Hypertension, type 2 diabetes mellitus; chronic kidney disease stage 3.",
      "Is it safe to take ibuprofen with lisinopril?",
      "   ",
      "Diagnoses/Patient problems: acute on chronic systolic heart failure, atrial fibrillation",
      "no",
      "Can a 4-year-old get the MMR vaccine early because of travel to an area with measles?",
      "CT abdomen: no free air. Labs: WBC 14.2, lactate 3.1 mmol/L; started on piperacillin.",
      "Ünïcödé résumé naïve café — 東京 🙂",
      "What is the prognosis of glioblastoma after resection and temozolomide?",
  };
  return texts;
}

TEST(BertScoreModel, GeneratedBertModelLoadsWithItsShape) {
  auto embedder = open_tiny();
  const TokenEmbedderInfo& info = embedder->info();
  EXPECT_EQ(info.architecture, "bert");
  EXPECT_EQ(info.dimension, 64);
  EXPECT_EQ(info.model_layers, 2);
  EXPECT_EQ(info.layer, 2);
  EXPECT_EQ(info.max_text_tokens, 512);
  EXPECT_EQ(info.fingerprint.size(), 64u);
  EXPECT_NE(info.note.find("layer 2 of 2"), std::string::npos) << info.note;
  EXPECT_NE(info.note.find("SciBERT"), std::string::npos) << info.note;
  nlohmann::json config = bertscore_config(open_tiny_backend()->info());
  EXPECT_EQ(config["layer"], 2);
  EXPECT_EQ(config["idf"], false);
  EXPECT_EQ(config["rescale_with_baseline"], false);
  EXPECT_EQ(config["layer_note"], info.note);
}

TEST(BertScoreModel, SpecialTokensSurroundTheScoredWordPieces) {
  auto embedder = open_tiny();
  std::vector<std::string> texts = {"chest pain", ""};
  std::vector<TokenEmbeddings> embedded = embedder->embed(texts);
  ASSERT_EQ(embedded.size(), 2u);
  // "chest pain" is two WordPiece tokens: [CLS] chest pain [SEP].
  EXPECT_EQ(embedded[0].tokens, (std::vector<llama_token>{kCls, 3108, 3255, kSep}));
  EXPECT_EQ(embedded[0].scored_begin, 1);
  EXPECT_EQ(embedded[0].scored_end, 3);
  EXPECT_EQ(embedded[0].vectors.size(), 4u * 64u);
  EXPECT_FALSE(embedded[0].truncated);
  // An empty text is still [CLS] [SEP], with nothing to score.
  EXPECT_EQ(embedded[1].tokens, (std::vector<llama_token>{kCls, kSep}));
  EXPECT_EQ(embedded[1].scored_begin, embedded[1].scored_end);
  for (float value : embedded[0].vectors) ASSERT_TRUE(std::isfinite(value));
}

TEST(BertScoreModel, IdenticalTextsScoreOne) {
  auto embedder = open_tiny_backend();
  std::vector<std::string> texts;
  for (const std::string& text : clinical_texts()) {
    if (text.find_first_not_of(' ') != std::string::npos) texts.push_back(text);
  }
  std::vector<BertScore> scores = bertscore_pairs(embed_texts_directly(*embedder), texts, texts);
  ASSERT_EQ(scores.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_NEAR(scores[i].precision, 1.0, 1e-6) << texts[i];
    EXPECT_NEAR(scores[i].recall, 1.0, 1e-6) << texts[i];
    EXPECT_NEAR(scores[i].f, 1.0, 1e-6) << texts[i];
    EXPECT_GT(scores[i].candidate_tokens, 0) << texts[i];
  }
}

TEST(BertScoreModel, DifferentTextsScoreBelowOneAndSwapSwapsPrecisionAndRecall) {
  auto embedder = open_tiny_backend();
  std::vector<std::string> predictions = {"What are the side effects of metformin?",
                                          "chest pain", "Is ibuprofen safe with lisinopril?"};
  std::vector<std::string> references = {"Which adverse effects does metformin have?",
                                          "The patient reports chest pain radiating to the left arm.",
                                          "Is it safe to take ibuprofen with lisinopril?"};
  std::vector<BertScore> forward = bertscore_pairs(embed_texts_directly(*embedder), predictions, references);
  std::vector<BertScore> backward = bertscore_pairs(embed_texts_directly(*embedder), references, predictions);
  for (size_t i = 0; i < predictions.size(); ++i) {
    EXPECT_LT(forward[i].f, 1.0 - 1e-3) << i;
    EXPECT_GT(forward[i].f, -1.0) << i;
    EXPECT_NEAR(forward[i].precision, backward[i].recall, 1e-6) << i;
    EXPECT_NEAR(forward[i].recall, backward[i].precision, 1e-6) << i;
    EXPECT_NEAR(forward[i].f, backward[i].f, 1e-6) << i;
  }
  // A short prediction inside a long reference: every prediction piece finds itself there
  // (high precision) while most reference pieces are unmatched (lower recall).
  EXPECT_GT(forward[1].precision, forward[1].recall);
}

TEST(BertScoreModel, EmptyPredictionOrReferenceScoresZero) {
  auto embedder = open_tiny_backend();
  std::vector<std::string> predictions = {"", "  \n ", "chest pain"};
  std::vector<std::string> references = {"chest pain", "chest pain", ""};
  std::vector<BertScore> scores = bertscore_pairs(embed_texts_directly(*embedder), predictions, references);
  EXPECT_TRUE(scores[0].empty_candidate);
  EXPECT_TRUE(scores[1].empty_candidate);
  EXPECT_TRUE(scores[2].empty_reference);
  for (const BertScore& score : scores) {
    EXPECT_EQ(score.precision, 0.0);
    EXPECT_EQ(score.recall, 0.0);
    EXPECT_EQ(score.f, 0.0);
  }
  BertScoreMean mean = metric_bertscore_mean(scores);
  EXPECT_EQ(mean.empty_candidates, 2);
  EXPECT_EQ(mean.empty_references, 1);
}

double max_difference(const TokenEmbeddings& a, const TokenEmbeddings& b) {
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.vectors.size(), b.vectors.size());
  double worst = 0;
  for (size_t k = 0; k < std::min(a.vectors.size(), b.vectors.size()); ++k) {
    worst = std::max(worst, double(std::fabs(a.vectors[k] - b.vectors[k])));
  }
  return worst;
}

// The largest ‖a − b‖ / ‖a‖ over the token vectors of one text.
double max_relative_difference(const TokenEmbeddings& a, const TokenEmbeddings& b) {
  EXPECT_EQ(a.tokens, b.tokens);
  if (a.vectors.size() != b.vectors.size() || a.dimension <= 0) return 1.0;
  double worst = 0;
  for (size_t row = 0; row < a.tokens.size(); ++row) {
    double difference = 0;
    double length = 0;
    for (int32_t d = 0; d < a.dimension; ++d) {
      size_t k = row * size_t(a.dimension) + size_t(d);
      difference += double(a.vectors[k] - b.vectors[k]) * double(a.vectors[k] - b.vectors[k]);
      length += double(a.vectors[k]) * double(a.vectors[k]);
    }
    worst = std::max(worst, std::sqrt(difference / length));
  }
  return worst;
}

std::vector<std::string> batching_texts() {
  std::vector<std::string> texts;
  for (int round = 0; round < 4; ++round) {
    for (const std::string& text : clinical_texts()) texts.push_back(text + std::string(size_t(round), '!'));
  }
  return texts;
}

std::vector<TokenEmbeddings> embed_one_at_a_time(const std::string& spec, std::span<const std::string> texts) {
  auto embedder = open_token_embedder(spec, {});
  std::vector<TokenEmbeddings> alone;
  for (const std::string& text : texts) {
    alone.push_back(std::move(embedder->embed(std::span<const std::string>(&text, 1))[0]));
  }
  return alone;
}

// A copy of the model whose feed-forward input weights and biases are 0, so every GELU reads 0.
std::filesystem::path model_without_gelu_inputs(const std::filesystem::path& source) {
  std::filesystem::path path = testing::work_dir("bertscore_no_gelu") / "model.gguf";
  std::filesystem::copy_file(source, path);
  gguf_init_params params{/*no_alloc=*/true, /*ctx=*/nullptr};
  std::unique_ptr<gguf_context, decltype(&gguf_free)> gguf(gguf_init_from_file(path.c_str(), params), gguf_free);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  for (int64_t i = 0; i < gguf_get_n_tensors(gguf.get()); ++i) {
    if (std::string(gguf_get_tensor_name(gguf.get(), i)).find(".ffn_up.") == std::string::npos) continue;
    std::vector<char> zeros(gguf_get_tensor_size(gguf.get(), i), 0);
    file.seekp(std::streamoff(gguf_get_data_offset(gguf.get()) + gguf_get_tensor_offset(gguf.get(), i)));
    file.write(zeros.data(), std::streamsize(zeros.size()));
  }
  return path;
}

TEST(BertScoreModel, BatchedEmbeddingEqualsOneTextAtATime) {
  // Many texts of different lengths, packed into batches of several sizes: each text's vectors
  // must not depend on its neighbours. Each text runs on its own sequence id, so batching may
  // change only the order of float sums (longer masked attention rows, other matrix kernels).
  // That is checked to 1e-5 on a model whose GELUs all read 0: ggml's CPU GELU looks its result
  // up in an f16 table, so elsewhere a 1e-7 change that moves a GELU input across an f16
  // rounding step moves that activation by up to ~1e-3 of its size. With real GELU inputs, a few
  // elements then differ by some 1e-4 (vectors have length 8 here); the vectors agree to 5e-4 of
  // their length and the scores to 1e-5 (measured: 3.7e-4, 1.6e-4 and 1.2e-6 at most).
  std::vector<std::string> texts = batching_texts();
  std::filesystem::path model = testing::tiny_bert_model();
  std::filesystem::path without_gelu = model_without_gelu_inputs(model);
  for (const std::filesystem::path& path : {without_gelu, model}) {
    const bool exact = path == without_gelu;
    std::vector<TokenEmbeddings> alone = embed_one_at_a_time("gguf:" + path.string(), texts);
    for (int32_t batch_tokens : {64, 300, 4096}) {
      TokenEmbedderOptions options;
      options.batch_tokens = batch_tokens;
      options.max_text_tokens = 64;
      auto embedder = open_token_embedder("gguf:" + path.string(), options);
      int64_t calls = 0;
      std::vector<TokenEmbeddings> batched =
          embedder->embed(texts, [&](int64_t done, int64_t total) {
            ++calls;
            EXPECT_LE(done, total);
          });
      ASSERT_EQ(batched.size(), texts.size());
      EXPECT_EQ(calls > 1, batch_tokens < 4096);  // 4096: every text in one llama_encode
      for (size_t i = 0; i < texts.size(); ++i) {
        SCOPED_TRACE((exact ? "no GELU, " : "") + std::to_string(batch_tokens) + ": " + texts[i]);
        EXPECT_LT(max_difference(batched[i], alone[i]), exact ? 1e-5 : 2e-3);
        EXPECT_LT(max_relative_difference(batched[i], alone[i]), exact ? 1e-6 : 5e-4);
        for (size_t j : {size_t(0), size_t(1), size_t(8)}) {
          BertScore from_batch = metric_bertscore(view(batched[i]), view(batched[j]));
          BertScore from_alone = metric_bertscore(view(alone[i]), view(alone[j]));
          EXPECT_NEAR(from_batch.precision, from_alone.precision, 1e-5);
          EXPECT_NEAR(from_batch.recall, from_alone.recall, 1e-5);
          EXPECT_NEAR(from_batch.f, from_alone.f, 1e-5);
        }
      }
    }
  }
}

TEST(BertScoreModel, LongTextsAreCutAtTheContextAndFlagged) {
  std::string long_text;
  for (int i = 0; i < 700; ++i) long_text += "fever ";
  auto embedder = open_tiny();
  std::vector<std::string> texts = {long_text, "fever"};
  std::vector<TokenEmbeddings> embedded = embedder->embed(texts);
  EXPECT_TRUE(embedded[0].truncated);
  EXPECT_EQ(embedded[0].tokens.size(), 512u);  // bert_score: [CLS] + 510 pieces + [SEP]
  EXPECT_EQ(embedded[0].tokens.front(), kCls);
  EXPECT_EQ(embedded[0].tokens.back(), kSep);
  EXPECT_EQ(embedded[0].scored_end - embedded[0].scored_begin, 510);
  EXPECT_FALSE(embedded[1].truncated);

  std::vector<std::string> predictions = {"fever"};
  std::vector<std::string> references = {long_text};
  BertScore score = bertscore_pairs(embed_texts_directly(*open_tiny_backend()), predictions, references)[0];
  EXPECT_FALSE(score.candidate_truncated);
  EXPECT_TRUE(score.reference_truncated);
  EXPECT_EQ(score.reference_tokens, 510);
}

TEST(BertScoreModel, ChosenLayerIsTheOutputOfThatLayer) {
  // Weights are drawn layer after layer, so the 2-layer model is the 3-layer one's first two
  // layers: layer 2 of the deep model must equal the shallow model's last layer (bert_score's
  // num_layers=2 on the deep model).
  testing::TinyModelShape deep;
  deep.layers = 3;
  testing::TinyModelShape shallow;
  shallow.layers = 2;
  TokenEmbedderOptions layer_two;
  layer_two.layer = 2;
  auto cut = open_tiny(layer_two, deep);
  auto last_of_deep = open_tiny({}, deep);
  auto last_of_shallow = open_tiny({}, shallow);
  EXPECT_EQ(cut->info().layer, 2);
  EXPECT_EQ(cut->info().model_layers, 3);
  EXPECT_EQ(cut->info().fingerprint, last_of_deep->info().fingerprint);  // the file given, not the copy
  EXPECT_NE(cut->info().note.find("layer 2 of 3"), std::string::npos) << cut->info().note;
  EXPECT_NE(last_of_deep->info().note.find("layer 3 of 3"), std::string::npos);

  std::vector<TokenEmbeddings> from_cut = cut->embed(clinical_texts());
  std::vector<TokenEmbeddings> from_shallow = last_of_shallow->embed(clinical_texts());
  std::vector<TokenEmbeddings> from_deep = last_of_deep->embed(clinical_texts());
  double deep_difference = 0;
  for (size_t i = 0; i < from_cut.size(); ++i) {
    EXPECT_LT(max_difference(from_cut[i], from_shallow[i]), 1e-5) << clinical_texts()[i];
    deep_difference = std::max(deep_difference, max_difference(from_cut[i], from_deep[i]));
  }
  EXPECT_GT(deep_difference, 1e-2);  // the third layer does change the vectors

  TokenEmbedderOptions last;
  last.layer = 3;
  auto explicit_last = open_tiny(last, deep);
  EXPECT_LT(max_difference(explicit_last->embed(clinical_texts())[1], from_deep[1]), 1e-6);
}

std::string open_error(const std::string& spec, const TokenEmbedderOptions& options = {}) {
  try {
    open_token_embedder(spec, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(BertScoreModel, LayerOutOfRangeIsAClearError) {
  std::string model = testing::tiny_bert_model().string();
  for (int32_t layer : {-1, 3, 12}) {
    TokenEmbedderOptions options;
    options.layer = layer;
    std::string error = open_error("gguf:" + model, options);
    EXPECT_NE(error.find(model), std::string::npos) << error;
    EXPECT_NE(error.find("the model has 2 layers"), std::string::npos) << error;
  }
}

TEST(BertScoreModel, CausalDecoderIsNotAnEmbeddingModel) {
  std::string model = testing::tiny_model("llama-spm").string();
  std::string error = open_error("gguf:" + model);
  EXPECT_NE(error.find(model), std::string::npos) << error;
  EXPECT_NE(error.find("not an embedding encoder"), std::string::npos) << error;
  EXPECT_NE(error.find("'llama'"), std::string::npos) << error;
}

TEST(BertScoreModel, VocabOnlyGgufIsNotAnEmbeddingModel) {
  std::string vocab = testing::llama_vocab("bert-bge").string();
  std::string error = open_error("gguf:" + vocab);
  EXPECT_NE(error.find(vocab), std::string::npos) << error;
  EXPECT_NE(error.find("has no weights"), std::string::npos) << error;
}

TEST(BertScoreModel, BadFilesAndSpecsAreClearErrors) {
  std::filesystem::path dir = testing::work_dir("bertscore_bad_files");
  std::string missing = (dir / "absent.gguf").string();
  EXPECT_NE(open_error("gguf:" + missing).find("not found"), std::string::npos);
  std::filesystem::path text = dir / "notes.gguf";
  std::ofstream(text) << "Discharge summary, not a model.";
  std::string error = open_error("gguf:" + text.string());
  EXPECT_NE(error.find(text.string()), std::string::npos) << error;
  EXPECT_NE(error.find("not a GGUF"), std::string::npos) << error;

  std::filesystem::path cut = dir / "cut.gguf";
  std::filesystem::path source = testing::tiny_bert_model();
  {
    std::ifstream in(source, std::ios::binary);
    std::string bytes(size_t(std::filesystem::file_size(source) / 2), '\0');
    in.read(bytes.data(), std::streamsize(bytes.size()));
    std::ofstream(cut, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  }
  error = open_error("gguf:" + cut.string());
  EXPECT_NE(error.find(cut.string()), std::string::npos) << error;

  error = open_error("hf:allenai/scibert_scivocab_uncased");
  EXPECT_NE(error.find("hf:allenai/scibert_scivocab_uncased"), std::string::npos) << error;
  EXPECT_NE(error.find("gguf:PATH"), std::string::npos) << error;
}

TEST(BertScoreModel, HalfPrecisionModelWorks) {
  testing::TinyModelShape shape;
  shape.type = "f16";
  auto embedder = open_tiny_backend({}, shape);
  std::vector<std::string> texts = {"Is it safe to take ibuprofen with lisinopril?"};
  BertScore score = bertscore_pairs(embed_texts_directly(*embedder), texts, texts)[0];
  EXPECT_NEAR(score.f, 1.0, 1e-6);
}

}  // namespace
}  // namespace clinbench
