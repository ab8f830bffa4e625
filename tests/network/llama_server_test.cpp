// The server backend against a real llama-server built from the same pinned llama.cpp, serving
// the same generated model as the embedded backend: greedy answers must be identical, for raw
// completions and for chats (which the server templates itself), with and without grammars.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "clinbench/backends.h"
#include "backend_fixtures.h"
#include "llama_server_process.h"
#include "test_support.h"

namespace clinbench {
namespace {

constexpr int32_t kContext = 4096;  // the test model's trained context: the embedded window

class LlamaServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::filesystem::path binary = testing::llama_server_binary();
    if (binary.empty()) return;
    try {
      // ChatML writes no BOS text. A template that does (Llama-3) is rendered alike by both, but
      // llama-server then strips that BOS text and adds one, while clinbench keeps it and adds
      // one, as the study's server (TGI) did: one prompt token more, by design (docs/tasks.md).
      model_ = new std::filesystem::path(testing::tiny_model("llama-bpe", "chatml"));
      server_ = new testing::LlamaServerProcess(binary, *model_,
                                                testing::llama_server_matching_arguments(8, kContext, 2),
                                                testing::work_dir("network_llama_server") / "llama-server.log");
    } catch (const std::exception& error) {
      start_error_ = new std::string(error.what());
    }
  }

  static void TearDownTestSuite() {
    delete server_;  // stops llama-server
    server_ = nullptr;
    delete model_;
    delete start_error_;
  }

  void SetUp() override {
    if (start_error_) FAIL() << "llama-server did not start: " << *start_error_;
    if (!server_) {
      GTEST_SKIP() << "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                   << "!!! SKIPPED: no llama-server at $CLINBENCH_LLAMA_SERVER ('"
                   << (std::getenv("CLINBENCH_LLAMA_SERVER") ? std::getenv("CLINBENCH_LLAMA_SERVER") : "")
                   << "').\n!!! Build it with scripts/build-llama.sh --tools, then rerun cmake.\n"
                   << "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!";
    }
  }

  static std::unique_ptr<Backend> open_server_backend(bool first_token_logprobs = false) {
    BackendOptions options;
    options.first_token_logprobs = first_token_logprobs;
    options.model_name = "test";  // llama-server answers to any name
    options.api_key_env = "CLINBENCH_NETWORK_TEST_NO_KEY";
    options.concurrency = 16;
    options.request_timeout_seconds = 120;
    return open_backend("openai:" + server_->api_url(), options);
  }

  static std::unique_ptr<Backend> open_embedded_backend() {
    BackendOptions options;
    options.threads = 2;
    return open_backend("gguf:" + model_->string(), options);
  }

  static std::map<size_t, GenerationResponse> run(Backend& backend, const std::vector<GenerationRequest>& requests) {
    std::map<size_t, GenerationResponse> out;
    backend.generate(requests, [&](size_t i, GenerationResponse&& r) {
      EXPECT_FALSE(out.count(i));
      out[i] = std::move(r);
    }, {});
    EXPECT_EQ(out.size(), requests.size());
    return out;
  }

  // What text looks like after a JSON round trip: a server must send valid UTF-8, so
  // llama-server replaces each invalid sequence (a multi-byte character cut between tokens,
  // common with random weights) with U+FFFD, as nlohmann::json's "replace" does. The embedded
  // backend keeps the raw bytes.
  static std::string as_json_text(const std::string& text) {
    using nlohmann::json;
    return json::parse(json(text).dump(-1, ' ', false, json::error_handler_t::replace)).get<std::string>();
  }

  // Same text, same end, same counts; the embedded backend knows token ids, the server counts.
  static void expect_same_generations(const std::vector<GenerationRequest>& requests,
                                      std::map<size_t, GenerationResponse>& embedded,
                                      std::map<size_t, GenerationResponse>& served) {
    int non_empty = 0;
    for (size_t i = 0; i < requests.size(); ++i) {
      ASSERT_EQ(embedded[i].status, RequestStatus::ok) << embedded[i].error;
      ASSERT_EQ(served[i].status, RequestStatus::ok) << "request " << i << ": " << served[i].error;
      EXPECT_EQ(served[i].text, as_json_text(embedded[i].text)) << "request " << i;
      EXPECT_EQ(served[i].finish, embedded[i].finish) << "request " << i;
      EXPECT_EQ(served[i].prompt_tokens, embedded[i].prompt_tokens) << "request " << i;
      if (embedded[i].finish == FinishReason::length) {
        EXPECT_EQ(served[i].completion_tokens, int32_t(embedded[i].tokens.size())) << "request " << i;
      }
      non_empty += !embedded[i].text.empty();
    }
    EXPECT_GT(non_empty, int(requests.size()) / 2);  // the comparison compared something
  }

  static std::filesystem::path* model_;
  static testing::LlamaServerProcess* server_;
  static std::string* start_error_;
};

std::filesystem::path* LlamaServerTest::model_ = nullptr;
testing::LlamaServerProcess* LlamaServerTest::server_ = nullptr;
std::string* LlamaServerTest::start_error_ = nullptr;

const std::vector<std::string> kClinicalTexts = testing::clinical_prompt_texts_and({
    "Question: A 45-year-old man presents with crushing chest pain. First test?\nAnswer:",
    "Findings: no acute intracranial abnormality.\nImpression:",
    "The mechanism of action of metformin is",
    "Chief complaint: shortness of breath. History of present illness:",
    "Medication list: lisinopril 10 mg daily, atorvastatin 40 mg nightly,",
    "Q: What is the antidote for acetaminophen overdose?\nA:",
    "Patient: I have had a headache for two weeks.\nDoctor:",
    "Translate to plain language: bilateral lower extremity edema.",
    "Allergies: penicillin (rash). Plan:",
    "Laboratory values: potassium 6.1 mmol/L, creatinine 2.3 mg/dL. Assessment:",
    "Which vaccine is recommended for adults over 65? Options: A) BCG B) PCV20 C) MMR D) Yellow fever\nAnswer:",
    "Äußerst seltene Nebenwirkungen (≤ 1/10 000): Übelkeit — 頭痛",
    "Question: Is aspirin indicated for primary prevention in low-risk adults?\nAnswer (yes/no/maybe):",
    "Operative note: laparoscopic cholecystectomy was performed",
    "Radiology: chest X-ray shows",
    "The differential diagnosis of acute abdominal pain includes",
});

TEST_F(LlamaServerTest, GreedyRawCompletionsEqualTheEmbeddedBackend) {
  std::vector<GenerationRequest> requests;
  for (size_t i = 0; i < kClinicalTexts.size(); ++i) {
    GenerationRequest request;
    request.prompt = kClinicalTexts[i];
    request.max_tokens = 8 + int32_t(i % 5) * 3;
    if (i % 6 == 0) request.stop = {"\n", "."};
    requests.push_back(request);
  }
  auto embedded = run(*open_embedded_backend(), requests);
  auto served = run(*open_server_backend(), requests);
  expect_same_generations(requests, embedded, served);
}

TEST_F(LlamaServerTest, GreedyChatsEqualTheEmbeddedBackendOnItsRenderedChat) {
  auto embedded_backend = open_embedded_backend();
  std::vector<GenerationRequest> requests;
  for (size_t i = 0; i < kClinicalTexts.size(); ++i) {
    GenerationRequest request;
    request.chat.messages = {{"user", kClinicalTexts[i]}};
    if (i % 2 == 0) request.chat.messages.insert(request.chat.messages.begin(), {"system", "You are a careful clinician."});
    if (i % 3 == 0) request.chat.answer_prefix = "The answer is";  // continued by the server
    request.prompt = embedded_backend->render_chat(request.chat);
    request.max_tokens = 8 + int32_t(i % 4) * 4;
    requests.push_back(request);
  }
  auto embedded = run(*embedded_backend, requests);
  auto served = run(*open_server_backend(), requests);
  expect_same_generations(requests, embedded, served);
}

TEST_F(LlamaServerTest, GrammarConstrainsChatsAsInTheEmbeddedBackend) {
  auto embedded_backend = open_embedded_backend();
  std::vector<GenerationRequest> requests;
  for (size_t i = 0; i < 8; ++i) {
    GenerationRequest request;
    request.chat.messages = {{"user", kClinicalTexts[i] + "\nAnswer with one letter, A to D."}};
    request.chat.answer_prefix = i % 2 ? "Answer: " : "";
    request.prompt = embedded_backend->render_chat(request.chat);
    request.grammar = "root ::= [A-D]";
    request.max_tokens = 4;
    requests.push_back(request);
  }
  auto embedded = run(*embedded_backend, requests);
  auto served = run(*open_server_backend(), requests);
  expect_same_generations(requests, embedded, served);
  for (auto& [i, response] : served) {
    ASSERT_EQ(response.text.size(), 1u) << "request " << i << ": '" << response.text << "'";
    EXPECT_TRUE(response.text[0] >= 'A' && response.text[0] <= 'D') << response.text;
  }
}

TEST_F(LlamaServerTest, ReportsItselfAndCountsTokensLikeTheEmbeddedBackend) {
  auto served = open_server_backend();
  auto embedded = open_embedded_backend();
  const ModelInfo& info = served->info();
  EXPECT_EQ(info.context_length, kContext);
  EXPECT_EQ(info.details["server_properties"]["model_path"], model_->string());
  EXPECT_EQ(info.details["token_counts"], "server /tokenize");
  // --concurrency 16 against 8 slots: 8 in flight (more only queue on connections of their own,
  // which llama-server's thread per connection leaves waiting for seconds).
  EXPECT_EQ(info.details["requests_in_flight"], 8);
  EXPECT_EQ(open_server_backend()->info().fingerprint, info.fingerprint);  // stable between opens
  for (const std::string& text : kClinicalTexts) {
    EXPECT_EQ(served->count_tokens(text), embedded->count_tokens(text)) << text;
  }
}

TEST_F(LlamaServerTest, LoglikelihoodStopsAndNamesTheGenVariant) {
  auto served = open_server_backend();
  std::vector<LoglikelihoodRequest> requests = {{"Question: Which drug reverses heparin?\nAnswer:", " Protamine"}};
  try {
    served->loglikelihood(requests, [](size_t, LoglikelihoodResponse&&) { FAIL() << "no response expected"; }, {});
    FAIL() << "llama-server cannot return prompt log-probs; loglikelihood() must throw";
  } catch (const Error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("the task's _gen variant"), std::string::npos) << message;
    EXPECT_NE(message.find("medqa_gen"), std::string::npos) << message;
  }
}

// --first-token-logprobs on a server without prompt log-probs: a one-token continuation gets the
// log-prob the embedded backend computes for it on the same model; one the server does not list
// gets an error status, never a made-up number.
TEST_F(LlamaServerTest, FirstTokenLogprobsEqualTheEmbeddedLoglikelihoods) {
  auto embedded = open_embedded_backend();
  std::vector<GenerationRequest> firsts;
  for (size_t i = 0; i < 12; ++i) {
    GenerationRequest request;
    request.prompt = kClinicalTexts[i];
    request.max_tokens = 1;
    firsts.push_back(request);
  }
  auto greedy = run(*embedded, firsts);
  std::vector<LoglikelihoodRequest> requests;
  for (size_t i = 0; i < firsts.size(); ++i) {
    // The top token as the continuation; a context ending in whitespace would give that
    // whitespace to the continuation (the harness's rule), making it more than one token.
    if (greedy[i].text.empty() || std::isspace(static_cast<unsigned char>(kClinicalTexts[i].back()))) continue;
    requests.push_back({kClinicalTexts[i], greedy[i].text});
  }
  const size_t listed = requests.size();
  requests.push_back({kClinicalTexts[0], " zzzz-not-a-first-token"});

  auto score = [&](Backend& backend) {
    std::vector<LoglikelihoodResponse> out(requests.size());
    backend.loglikelihood(requests, [&](size_t i, LoglikelihoodResponse&& r) { out[i] = std::move(r); }, {});
    return out;
  };
  std::vector<LoglikelihoodResponse> reference = score(*embedded);
  std::vector<LoglikelihoodResponse> served = score(*open_server_backend(true));
  int compared = 0;
  for (size_t r = 0; r < listed; ++r) {
    ASSERT_EQ(served[r].status, RequestStatus::ok) << "request " << r << ": " << served[r].error;
    EXPECT_TRUE(served[r].is_greedy) << "request " << r;
    // Comparable where the harness's joint encoding also ends in that one top token (it can
    // merge the context's last characters with the continuation's first into other tokens).
    if (reference[r].continuation_tokens != 1 || !reference[r].is_greedy) continue;
    EXPECT_NEAR(served[r].logprob, reference[r].logprob, 1e-3) << "request " << r;
    ++compared;
  }
  EXPECT_GE(compared, 6);
  EXPECT_EQ(served[listed].status, RequestStatus::backend_error);
  EXPECT_NE(served[listed].error.find("not among the server's top"), std::string::npos) << served[listed].error;
}

}  // namespace
}  // namespace clinbench
