// Cache keys must separate every request that can get a different answer and join every one that
// cannot; stored responses must come back bit for bit.
#include "engine/cache_codec.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>

#include "engine_test_util.h"

namespace clinbench {
namespace {

GenerationRequest sample_generation_request() {
  GenerationRequest request;
  request.prompt = "<|user|>Which drug reverses heparin?<|assistant|>Answer:";
  request.chat.messages = {{"system", "You are a clinician."},
                           {"user", "Which drug reverses heparin?"}};
  request.chat.answer_prefix = "Answer:";
  request.stop = {"\n\n", "Question:"};
  request.max_tokens = 64;
  request.sampling.temperature = 0.7f;
  request.sampling.top_k = 40;
  request.sampling.top_p = 0.9f;
  request.sampling.seed = 1234;
  request.grammar = "root ::= [A-E]";
  return request;
}

// The canonical form is the cache's file format: changing it orphans every stored entry, so it
// is pinned here and any change must come with a ResponseCache::format_version bump.
TEST(CacheKey, CanonicalFormIsPinned) {
  ModelInfo model = testing::fake_model("f00d");
  CacheKey key = cache_key(model, LoglikelihoodRequest{"Question: x?\nAnswer:", " B"});
  EXPECT_EQ(
      key.canonical_request,
      R"({"context":"Question: x?\nAnswer:","continuation":" B","kind":"loglikelihood","model":"f00d"})");
  EXPECT_EQ(key.hash, "7a55157860c92e4cdc9ffcc55d753021");
  EXPECT_EQ(key.kind, RequestKind::loglikelihood);
  EXPECT_EQ(key.model_fingerprint, "f00d");

  GenerationRequest greedy;
  greedy.prompt = "p";
  EXPECT_EQ(cache_key(model, greedy).canonical_request,
            R"({"chat":{"answer_prefix":"","messages":[]},"grammar":"","kind":"generation",)"
            R"("max_tokens":256,"model":"f00d","prompt":"p","sampling":{"seed":null,)"
            R"("temperature":0.0,"top_k":0,"top_p":1.0},"stop":[]})");
}

TEST(CacheKey, SameRequestSameKey) {
  ModelInfo model = testing::fake_model("f00d");
  EXPECT_EQ(cache_key(model, sample_generation_request()).hash,
            cache_key(model, sample_generation_request()).hash);
  // The context window is not hashed: it only qualifies stored context_overflow answers.
  EXPECT_EQ(cache_key(testing::fake_model("f00d", 512), sample_generation_request()).hash,
            cache_key(testing::fake_model("f00d", 8192), sample_generation_request()).hash);
  EXPECT_EQ(cache_key(testing::fake_model("f00d", 512), sample_generation_request()).context_length,
            512);
}

TEST(CacheKey, LoglikelihoodKeyChangesWithEveryIngredient) {
  ModelInfo model = testing::fake_model("f00d");
  const LoglikelihoodRequest base{"Question: Which vitamin?\nAnswer:", " Vitamin C"};
  const std::string base_hash = cache_key(model, base).hash;
  EXPECT_NE(cache_key(testing::fake_model("beef"), base).hash, base_hash) << "model";
  EXPECT_NE(cache_key(model, LoglikelihoodRequest{base.context + " ", base.continuation}).hash,
            base_hash)
      << "context";
  EXPECT_NE(cache_key(model, LoglikelihoodRequest{base.context, " Vitamin B12"}).hash, base_hash)
      << "continuation";
  // The same joined text split elsewhere is another request (the continuation is what is scored).
  EXPECT_NE(cache_key(model, LoglikelihoodRequest{base.context + " Vitamin", " C"}).hash, base_hash)
      << "split point";
  // The same text as a generation prompt is another kind of request.
  GenerationRequest generation;
  generation.prompt = base.context + base.continuation;
  EXPECT_NE(cache_key(model, generation).hash,
            cache_key(model, LoglikelihoodRequest{generation.prompt, ""}).hash)
      << "kind";
}

TEST(CacheKey, GenerationKeyChangesWithEveryIngredient) {
  ModelInfo model = testing::fake_model("f00d");
  const GenerationRequest base = sample_generation_request();
  const std::string base_hash = cache_key(model, base).hash;
  const std::vector<std::pair<std::string, std::function<void(GenerationRequest&)>>> changes = {
      {"prompt", [](GenerationRequest& r) { r.prompt += " "; }},
      {"message content", [](GenerationRequest& r) { r.chat.messages[1].content += "?"; }},
      {"message role", [](GenerationRequest& r) { r.chat.messages[0].role = "user"; }},
      {"message added",
       [](GenerationRequest& r) {
         r.chat.messages.push_back({"assistant", ""});
       }},
      {"answer prefix", [](GenerationRequest& r) { r.chat.answer_prefix = "Answer: "; }},
      {"stop string", [](GenerationRequest& r) { r.stop[1] = "Question"; }},
      {"stop added", [](GenerationRequest& r) { r.stop.push_back("</s>"); }},
      {"max_tokens", [](GenerationRequest& r) { r.max_tokens = 65; }},
      {"temperature", [](GenerationRequest& r) { r.sampling.temperature = 0.8f; }},
      {"top_k", [](GenerationRequest& r) { r.sampling.top_k = 41; }},
      {"top_p", [](GenerationRequest& r) { r.sampling.top_p = 0.95f; }},
      {"seed", [](GenerationRequest& r) { r.sampling.seed = 1235; }},
      {"grammar", [](GenerationRequest& r) { r.grammar = "root ::= [A-D]"; }},
  };
  for (const auto& [name, change] : changes) {
    GenerationRequest changed = base;
    change(changed);
    EXPECT_NE(cache_key(model, changed).hash, base_hash) << name;
  }
  EXPECT_NE(cache_key(testing::fake_model("beef"), base).hash, base_hash) << "model";
}

TEST(CacheKey, SeedIgnoredWhenGreedy) {
  ModelInfo model = testing::fake_model("f00d");
  GenerationRequest a = sample_generation_request();
  a.sampling.temperature = 0.0f;
  GenerationRequest b = a;
  b.sampling.seed = 99;
  EXPECT_EQ(cache_key(model, a).hash, cache_key(model, b).hash);
}

TEST(CacheKey, InvalidUtf8IsKeptExactly) {
  ModelInfo model = testing::fake_model("f00d");
  // Two different invalid byte strings must not collapse to one replacement character.
  CacheKey a = cache_key(model, LoglikelihoodRequest{"caf\xC3", " x"});
  CacheKey b = cache_key(model, LoglikelihoodRequest{"caf\xC4", " x"});
  EXPECT_NE(a.hash, b.hash);
  EXPECT_NE(a.canonical_request.find(R"({"hex":"636166c3"})"), std::string::npos)
      << a.canonical_request;
}

TEST(CacheCodec, LoglikelihoodResponseRoundTrip) {
  for (int i = 0; i < 4; ++i) {
    LoglikelihoodResponse response = testing::sample_loglikelihood_response(i);
    nlohmann::json json = nlohmann::json::parse(response_to_json(response).dump());
    testing::expect_same_response(response, loglikelihood_response_from_json(json));
  }
  LoglikelihoodResponse overflow;
  overflow.status = RequestStatus::context_overflow;
  overflow.error = "9000 tokens do not fit";
  overflow.logprob = std::numeric_limits<double>::quiet_NaN();
  nlohmann::json json = nlohmann::json::parse(response_to_json(overflow).dump());
  LoglikelihoodResponse back = loglikelihood_response_from_json(json);
  EXPECT_EQ(back.status, RequestStatus::context_overflow);
  EXPECT_TRUE(std::isnan(back.logprob));
}

TEST(CacheCodec, GenerationResponseRoundTrip) {
  for (int i = 0; i < 4; ++i) {
    GenerationResponse response = testing::sample_generation_response(i);
    nlohmann::json json = nlohmann::json::parse(response_to_json(response).dump());
    testing::expect_same_response(response, generation_response_from_json(json));
  }
  GenerationResponse empty;
  empty.status = RequestStatus::empty_continuation;
  empty.finish = FinishReason::error;
  testing::expect_same_response(empty, generation_response_from_json(response_to_json(empty)));
}

TEST(CacheCodec, MalformedResponsesAreErrorsNamingTheField) {
  nlohmann::json good = response_to_json(testing::sample_generation_response(1));
  auto message_for = [](const nlohmann::json& json) -> std::string {
    try {
      generation_response_from_json(json);
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  };
  nlohmann::json missing = good;
  missing.erase("tokens");
  EXPECT_NE(message_for(missing).find("'tokens'"), std::string::npos) << message_for(missing);
  nlohmann::json wrong = good;
  wrong["prompt_tokens"] = "many";
  EXPECT_NE(message_for(wrong).find("'prompt_tokens'"), std::string::npos);
  nlohmann::json too_big = good;
  too_big["tokens"] = {int64_t(1) << 40};
  EXPECT_NE(message_for(too_big).find("out of range"), std::string::npos);
  nlohmann::json status = good;
  status["status"] = "maybe";
  EXPECT_NE(message_for(status).find("unknown status 'maybe'"), std::string::npos);
  nlohmann::json hex = good;
  hex["text"] = {{"hex", "zz"}};
  EXPECT_NE(message_for(hex).find("'text'"), std::string::npos);
  EXPECT_NE(message_for(nlohmann::json::array()).find("not a JSON object"), std::string::npos);
}

TEST(CacheCodec, CacheableStatuses) {
  EXPECT_TRUE(response_is_cacheable(RequestStatus::ok));
  EXPECT_TRUE(response_is_cacheable(RequestStatus::context_overflow));
  EXPECT_TRUE(response_is_cacheable(RequestStatus::empty_continuation));
  EXPECT_FALSE(response_is_cacheable(RequestStatus::backend_error));
}

}  // namespace
}  // namespace clinbench
