// Embeddings as the backend's third request kind: the llama embedding backend answers what the
// TokenEmbedder computes, the scheduler deduplicates and caches them like the other kinds, a
// cached vector comes back bit for bit, and BERTScore through the cache equals BERTScore without.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "backends/llama/token_embedder.h"
#include "clinbench/engine.h"
#include "engine/cache_codec.h"
#include "metrics/bertscore.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::string tiny_bert_spec() { return "gguf:" + testing::tiny_bert_model().string(); }

std::unique_ptr<Backend> tiny_embedder(int32_t layer = 0) {
  EmbeddingOptions options;
  options.threads = 2;
  options.layer = layer;
  return open_embedding_backend(tiny_bert_spec(), options);
}

std::vector<EmbeddingRequest> requests() {
  return {{"What are the side effects of metformin?"},
          {"chest pain"},
          {"What are the side effects of metformin?"},  // a duplicate: embedded once
          {"\xc3\xa4rztliche Diagnose"}};
}

void expect_same(const EmbeddingResponse& a, const EmbeddingResponse& b) {
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.dimension, b.dimension);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.scored_begin, b.scored_begin);
  EXPECT_EQ(a.scored_end, b.scored_end);
  EXPECT_EQ(a.truncated, b.truncated);
  ASSERT_EQ(a.vectors.size(), b.vectors.size());
  for (size_t i = 0; i < a.vectors.size(); ++i) ASSERT_EQ(a.vectors[i], b.vectors[i]) << i;  // bit for bit
}

TEST(EmbeddingRequests, TheBackendAnswersWhatTheTokenEmbedderComputes) {
  auto backend = tiny_embedder();
  std::vector<EmbeddingRequest> asked = requests();
  std::vector<EmbeddingResponse> responses = embed_all(*backend, asked);
  EmbeddingOptions options;
  options.threads = 2;
  TokenEmbedder embedder(testing::tiny_bert_model(), tiny_bert_spec(), options);
  std::vector<std::string> texts;
  for (const EmbeddingRequest& request : asked) texts.push_back(request.text);
  std::vector<TokenEmbeddings> direct = embedder.embed(texts);
  ASSERT_EQ(responses.size(), direct.size());
  for (size_t i = 0; i < direct.size(); ++i) {
    EXPECT_EQ(responses[i].status, RequestStatus::ok);
    EXPECT_EQ(responses[i].dimension, direct[i].dimension);
    EXPECT_EQ(responses[i].tokens, std::vector<int32_t>(direct[i].tokens.begin(), direct[i].tokens.end()));
    EXPECT_EQ(responses[i].vectors, direct[i].vectors);
    EXPECT_EQ(responses[i].scored_begin, direct[i].scored_begin);
    EXPECT_EQ(responses[i].scored_end, direct[i].scored_end);
  }
  const ModelInfo& info = backend->info();
  EXPECT_EQ(info.spec, tiny_bert_spec());
  EXPECT_EQ(info.details["sha256"], embedder.info().fingerprint);
  EXPECT_EQ(info.details["layer"], 2);
  EXPECT_EQ(info.details["dimension"], 64);
  // The layer is part of the identity of a vector, so of the cache key.
  EXPECT_NE(tiny_embedder(1)->info().fingerprint, info.fingerprint);
}

TEST(EmbeddingRequests, TheSchedulerDeduplicatesAndTheCacheAnswersARerunBitForBit) {
  std::filesystem::path file = testing::work_dir("embedding_cache") / "cache.sqlite";
  std::filesystem::remove(file);
  auto backend = tiny_embedder();
  std::vector<EmbeddingRequest> asked = requests();
  EmbeddingResults first, second;
  {
    ResponseCache cache(file);
    first = schedule_embedding(*backend, &cache, "meqsum", asked);
    EXPECT_EQ(first.counts.total, 4);
    EXPECT_EQ(first.counts.deduplicated, 1);
    EXPECT_EQ(first.counts.computed, 3);
    EXPECT_EQ(first.counts.from_cache, 0);
  }
  {
    ResponseCache cache(file, CacheOpenMode::must_exist);
    second = schedule_embedding(*backend, &cache, "meqsum", asked);
    EXPECT_EQ(second.counts.from_cache, 3);
    EXPECT_EQ(second.counts.computed, 0);
    CacheStats stats = cache.stats();
    ASSERT_EQ(stats.groups.size(), 1u);
    EXPECT_EQ(stats.groups[0].embedding, 3);
    EXPECT_EQ(stats.groups[0].loglikelihood, 0);
    CacheVerifyReport report = cache.verify();
    EXPECT_TRUE(report.problems.empty()) << report.problems[0].problem;
  }
  ASSERT_EQ(second.responses.size(), asked.size());
  for (size_t i = 0; i < asked.size(); ++i) expect_same(first.responses[i], second.responses[i]);
  expect_same(first.responses[0], first.responses[2]);
}

TEST(EmbeddingRequests, BertScoreThroughTheCacheEqualsBertScoreWithout) {
  std::filesystem::path file = testing::work_dir("embedding_bertscore") / "cache.sqlite";
  std::filesystem::remove(file);
  auto backend = tiny_embedder();
  std::vector<std::string> predictions = {"What are the side effects of metformin?", "chest pain", ""};
  std::vector<std::string> references = {"Which adverse effects does metformin have?",
                                         "The patient reports chest pain radiating to the left arm.", "x"};
  std::vector<BertScore> direct = bertscore_pairs(embed_texts_directly(*backend), predictions, references);
  ResponseCache cache(file);
  EmbedTexts through_cache = [&](std::span<const EmbeddingRequest> texts) {
    return schedule_embedding(*backend, &cache, "meqsum", texts).responses;
  };
  for (int run = 0; run < 2; ++run) {  // computed, then read back from the cache
    std::vector<BertScore> cached = bertscore_pairs(through_cache, predictions, references);
    ASSERT_EQ(cached.size(), direct.size());
    for (size_t i = 0; i < direct.size(); ++i) {
      EXPECT_EQ(cached[i].precision, direct[i].precision) << run << " " << i;
      EXPECT_EQ(cached[i].recall, direct[i].recall) << run << " " << i;
      EXPECT_EQ(cached[i].f, direct[i].f) << run << " " << i;
    }
  }
}

TEST(EmbeddingRequests, CodecRoundTripsAndRefusesMalformedResponses) {
  EmbeddingResponse response;
  response.dimension = 2;
  response.tokens = {101, 7, 102};
  response.vectors = {0.1f, -2.5e-8f, std::numeric_limits<float>::quiet_NaN(), 1e30f, 0.0f, -0.0f};
  response.scored_begin = 1;
  response.scored_end = 2;
  response.truncated = true;
  EmbeddingResponse back = embedding_response_from_json(response_to_json(response));
  EXPECT_EQ(back.tokens, response.tokens);
  EXPECT_EQ(back.vectors[0], 0.1f);
  EXPECT_EQ(back.vectors[1], -2.5e-8f);
  EXPECT_TRUE(std::isnan(back.vectors[2]));
  EXPECT_EQ(back.vectors[3], 1e30f);
  EXPECT_TRUE(back.truncated);
  nlohmann::json short_of_floats = response_to_json(response);
  short_of_floats["vectors"].erase(0);
  EXPECT_THROW(embedding_response_from_json(short_of_floats), Error);
  EXPECT_NE(canonical_request_json("m", EmbeddingRequest{"a"}), canonical_request_json("m", EmbeddingRequest{"b"}));
  EXPECT_EQ(canonical_request_json("m", EmbeddingRequest{"a"}), R"({"kind":"embedding","model":"m","text":"a"})");
  EXPECT_TRUE(request_kind_from_name("embedding") == RequestKind::embedding);
}

TEST(EmbeddingRequests, OnlyEmbeddingBackendsEmbed) {
  try {
    open_embedding_backend("openai:http://127.0.0.1:1/v1", {});
    FAIL() << "opened an embedding backend on a server";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected gguf:PATH"), std::string::npos) << e.what();
  }
  BackendOptions options;
  options.threads = 2;
  auto language_model = open_backend("gguf:" + testing::tiny_model("llama-spm").string(), options);
  std::vector<EmbeddingRequest> asked = {{"x"}};
  EXPECT_THROW(embed_all(*language_model, asked), Error);
}

}  // namespace
}  // namespace clinbench
