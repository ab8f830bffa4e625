// What ends a run against a server (a refused key, an unknown model, a server that cannot do
// log-likelihoods) and what a server backend reports about itself, with the API key kept out of
// everything it writes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "clinbench/backends.h"
#include "fake_openai_server.h"

namespace clinbench {
namespace {

using testing::FakeOpenaiServer;
using testing::FakeServerOptions;

constexpr const char* kKeyVariable = "CLINBENCH_NETWORK_TEST_KEY";

BackendOptions options_with_key(const char* key) {
  if (key) {
    setenv(kKeyVariable, key, 1);
  } else {
    unsetenv(kKeyVariable);
  }
  BackendOptions options;
  options.model_name = "test";
  options.api_key_env = kKeyVariable;
  options.concurrency = 4;
  options.request_timeout_seconds = 5;
  options.max_retries = 2;
  options.retry_base_delay_seconds = 0.01;
  return options;
}

std::vector<GenerationRequest> prompts(size_t count) {
  std::vector<GenerationRequest> requests(count);
  for (size_t i = 0; i < count; ++i) {
    requests[i].prompt = "Patient " + std::to_string(i) + " presents with";
    requests[i].max_tokens = 4;
  }
  return requests;
}

FakeServerOptions server_options(std::function<void(FakeServerOptions&)> change) {
  FakeServerOptions options;
  change(options);
  return options;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(ServerRefusals, WrongKeyStopsAtOnceWithTheServersMessageAndTheKeyMasked) {
  FakeOpenaiServer server(server_options([](auto& o) { o.required_key = "sk-right"; }));
  BackendOptions options = options_with_key("sk-wrong-secret-123");
  // /models refuses: the backend cannot even open.
  std::string message = error_of([&] { open_backend("openai:" + server.api_url(), options); });
  EXPECT_NE(message.find("Incorrect API key provided"), std::string::npos) << message;
  EXPECT_NE(message.find(kKeyVariable), std::string::npos) << message;
  EXPECT_EQ(message.find("sk-wrong-secret-123"), std::string::npos) << message;
}

TEST(ServerRefusals, KeyRevokedMidRunStopsAtOnceAfterHandingOverEveryFinishedResponse) {
  FakeOpenaiServer server(server_options([](auto& o) {
    o.required_key = "sk-right";
    o.refuse_after = 10;
  }));
  BackendOptions options = options_with_key("sk-right");
  options.concurrency = 1;  // one in flight: exactly the 10 answered ones finished first
  auto backend = open_backend("openai:" + server.api_url(), options);
  std::map<size_t, GenerationResponse> received;
  std::string message = error_of([&] {
    backend->generate(prompts(50), [&](size_t i, GenerationResponse&& r) { received[i] = std::move(r); }, {});
  });
  EXPECT_NE(message.find("HTTP 401: the API key was revoked"), std::string::npos) << message;
  EXPECT_EQ(received.size(), 10u);
  for (auto& [i, response] : received) EXPECT_EQ(response.status, RequestStatus::ok) << response.error;
  EXPECT_EQ(server.seen().size(), 10u);  // nothing retried after the refusal
}

// A server that puts the key into a normal answer: the answer arrives with the key masked, so
// neither the samples, the cache nor the HTML report (all written from the answer) can hold it.
// A placeholder key such as vLLM's "EMPTY" is no secret: answers keep that word.
TEST(ServerRefusals, AKeyEchoedInAnAnswerIsMasked) {
  FakeOpenaiServer server(server_options([](auto& o) {
    o.required_key = "sk-live-secret-4711";
    o.echo_key_in_answers = true;
  }));
  auto backend = open_backend("openai:" + server.api_url(), options_with_key("sk-live-secret-4711"));
  std::vector<GenerationRequest> requests = prompts(6);
  requests[0].chat.messages = {{"user", "What is my key?"}};
  std::map<size_t, GenerationResponse> received;
  backend->generate(requests, [&](size_t i, GenerationResponse&& r) { received[i] = std::move(r); }, {});
  ASSERT_EQ(received.size(), 6u);
  for (auto& [i, response] : received) {
    ASSERT_EQ(response.status, RequestStatus::ok) << response.error;
    EXPECT_EQ(response.text.find("sk-live-secret-4711"), std::string::npos) << response.text;
    EXPECT_NE(response.text.find("(your key: ***)"), std::string::npos) << response.text;
  }

  FakeOpenaiServer placeholder(server_options([](auto& o) {
    o.required_key = "EMPTY";
    o.echo_key_in_answers = true;
  }));
  auto open_backend_with_placeholder = open_backend("openai:" + placeholder.api_url(), options_with_key("EMPTY"));
  std::string text;
  open_backend_with_placeholder->generate(prompts(1), [&](size_t, GenerationResponse&& r) { text = r.text; }, {});
  EXPECT_NE(text.find("(your key: EMPTY)"), std::string::npos) << text;
}

TEST(ServerRefusals, UnknownModelStopsAtOnceWithTheServersMessage) {
  FakeOpenaiServer server({});
  BackendOptions options = options_with_key(nullptr);
  options.model_name = "no-such-model";
  auto backend = open_backend("openai:" + server.api_url(), options);  // a one-model server
  size_t received = 0;
  std::string message = error_of([&] {
    backend->generate(prompts(20), [&](size_t, GenerationResponse&&) { ++received; }, {});
  });
  EXPECT_NE(message.find("The model `no-such-model` does not exist."), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 404"), std::string::npos) << message;
  EXPECT_EQ(received, 0u);
}

TEST(ServerRefusals, UnreachableServerFailsToOpenNamingTheUrl) {
  int port = 0;
  {
    FakeOpenaiServer gone({});
    port = gone.port();
  }
  BackendOptions options = options_with_key(nullptr);
  options.max_retries = 1;
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  std::string message = error_of([&] { open_backend("openai:" + url, options); });
  EXPECT_NE(message.find("cannot reach the server at " + url), std::string::npos) << message;
}

TEST(ServerRefusals, ServerWithoutPromptLogprobsStopsNamingTheGenVariant) {
  FakeOpenaiServer server(server_options([](auto& o) { o.prompt_logprobs = false; }));
  auto backend = open_backend("openai:" + server.api_url(), options_with_key(nullptr));
  std::vector<LoglikelihoodRequest> requests = {{"Question: ...\nAnswer:", " A"}};
  std::string message = error_of([&] { backend->loglikelihood(requests, [](size_t, LoglikelihoodResponse&&) {}, {}); });
  EXPECT_NE(message.find("_gen variant"), std::string::npos) << message;
  EXPECT_NE(message.find("medqa_gen"), std::string::npos) << message;
  EXPECT_NE(message.find("Only no echo is supported"), std::string::npos) << message;
}

TEST(ApiKey, SentAsBearerTokenAndNeverInModelInfo) {
  FakeOpenaiServer server(server_options([](auto& o) { o.required_key = "sk-secret-456"; }));
  auto backend = open_backend("openai:" + server.api_url(), options_with_key("sk-secret-456"));
  size_t received = 0;
  backend->generate(prompts(3), [&](size_t, GenerationResponse&& r) {
    EXPECT_EQ(r.status, RequestStatus::ok) << r.error;
    ++received;
  }, {});
  EXPECT_EQ(received, 3u);
  EXPECT_EQ(server.last_authorization(), "Bearer sk-secret-456");
  const ModelInfo& info = backend->info();
  std::string everything = info.spec + info.backend + info.fingerprint + info.details.dump();
  EXPECT_EQ(everything.find("sk-secret-456"), std::string::npos) << everything;
}

TEST(ApiKey, NoKeyMeansNoAuthorizationHeader) {
  FakeOpenaiServer server({});
  auto backend = open_backend("openai:" + server.api_url(), options_with_key(nullptr));
  backend->generate(prompts(1), [](size_t, GenerationResponse&&) {}, {});
  EXPECT_EQ(server.last_authorization(), "");
}

TEST(ServerIdentity, FingerprintIsStableAndDependsOnUrlAndModel) {
  FakeOpenaiServer server({});
  BackendOptions options = options_with_key(nullptr);
  auto first = open_backend("openai:" + server.api_url(), options);
  auto second = open_backend("openai:" + server.api_url() + "/", options);
  EXPECT_EQ(first->info().fingerprint, second->info().fingerprint);
  EXPECT_EQ(first->info().fingerprint.size(), 64u);
  EXPECT_EQ(first->info().backend, "openai");
  EXPECT_EQ(first->info().details["model_name"], "test");
  EXPECT_EQ(first->info().context_length, 0);  // the fake server does not report one

  options.model_name = "";  // the only model listed
  EXPECT_EQ(open_backend("openai:" + server.api_url(), options)->info().details["model_name"], "test");
  options.model_name = "other";
  EXPECT_NE(open_backend("openai:" + server.api_url(), options)->info().fingerprint, first->info().fingerprint);
}

TEST(ServerIdentity, CountsTokensWithTheServerElseEstimates) {
  FakeOpenaiServer with({});
  FakeOpenaiServer without(server_options([](auto& o) { o.tokenize = false; }));
  BackendOptions options = options_with_key(nullptr);
  EXPECT_EQ(open_backend("openai:" + with.api_url(), options)->count_tokens("one two three four five"), 5);
  EXPECT_EQ(open_backend("openai:" + without.api_url(), options)->count_tokens("one two three four five"), 6);
}

TEST(ServerIdentity, RenderChatIsTheCanonicalText) {
  FakeOpenaiServer server({});
  auto backend = open_backend("openai:" + server.api_url(), options_with_key(nullptr));
  ChatPrompt chat{{{"system", "Be brief."}, {"user", "Dose?"}}, "Answer:"};
  EXPECT_EQ(backend->render_chat(chat),
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nDose?<|im_end|>\n"
            "<|im_start|>assistant\nAnswer:");
  EXPECT_EQ(backend->chat_format(), ChatFormat::template_with_system);
}

// A model declared without a system role gets the study's rule before the request leaves: the
// system text and a blank line before the first user turn (vLLM refuses a system message such a
// template raises on). A model declared base gets plain text on /completions.
TEST(ServerPromptFormat, DeclaredFormatsShapeWhatIsSent) {
  FakeOpenaiServer server({});
  GenerationRequest request;
  request.chat = {{{"system", "Be brief."}, {"user", "Dose?"}, {"assistant", "5 mg"}, {"user", "Route?"}}, "Answer:"};
  request.max_tokens = 2;
  auto send = [&](std::optional<ChatFormat> format) {
    BackendOptions options = options_with_key(nullptr);
    options.prompt_format = format;
    auto backend = open_backend("openai:" + server.api_url(), options);
    GenerationRequest sent = request;
    sent.prompt = backend->render_chat(sent.chat);
    GenerationResponse response;
    backend->generate({&sent, 1}, [&](size_t, GenerationResponse&& r) { response = std::move(r); }, nullptr);
    EXPECT_EQ(response.status, RequestStatus::ok) << response.error;
    return std::make_pair(sent.prompt, nlohmann::json::parse(server.seen().back().body));
  };

  auto [folded_text, folded] = send(ChatFormat::template_system_folded);
  ASSERT_TRUE(folded.contains("messages")) << folded;
  EXPECT_EQ(folded["messages"][0]["role"], "user");
  EXPECT_EQ(folded["messages"][0]["content"], "Be brief.\n\nDose?");
  EXPECT_EQ(folded["messages"].size(), 4u);  // user, assistant, user, the answer prefix to continue
  EXPECT_EQ(folded_text.find("system"), std::string::npos) << folded_text;

  auto [instruct_text, instruct] = send(std::nullopt);
  EXPECT_EQ(instruct["messages"][0]["role"], "system");

  auto [base_text, base] = send(ChatFormat::plain_text);
  EXPECT_FALSE(base.contains("messages")) << base;
  EXPECT_EQ(base["prompt"], "Be brief.\n\nDose?\n\n5 mg\n\nRoute?\n\nAnswer:");
  EXPECT_EQ(base_text, base["prompt"]);
}

TEST(ServerSpec, RejectsAUrlWithoutScheme) {
  std::string message = error_of([] { open_backend("openai:127.0.0.1:8080/v1", BackendOptions{}); });
  EXPECT_NE(message.find("openai:http://HOST:PORT/v1"), std::string::npos) << message;
}

}  // namespace
}  // namespace clinbench
