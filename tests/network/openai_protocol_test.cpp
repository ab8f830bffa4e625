// The request bodies clinbench sends and how it reads replies, on hand-written server answers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "backends/openai/canonical_chat.h"
#include "backends/openai/openai_replies.h"
#include "backends/openai/openai_requests.h"

namespace clinbench {
namespace {

using nlohmann::json;

TEST(OpenaiRequests, GreedyChatSendsOnlyWhatItSets) {
  GenerationRequest request;
  request.chat.messages = {{"system", "Be brief."}, {"user", "Dose?"}};
  request.max_tokens = 8;
  json body = json::parse(chat_completion_body("m", request));
  EXPECT_EQ(body["model"], "m");
  EXPECT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][1]["content"], "Dose?");
  EXPECT_EQ(body["temperature"], 0.0);
  EXPECT_EQ(body["max_tokens"], 8);
  for (const char* absent : {"top_p", "top_k", "seed", "stop", "grammar", "continue_final_message", "prompt"}) {
    EXPECT_FALSE(body.contains(absent)) << absent;
  }
}

TEST(OpenaiRequests, AnswerPrefixIsAFinalAssistantMessageToContinue) {
  GenerationRequest request;
  request.chat.messages = {{"user", "Dose?"}};
  request.chat.answer_prefix = "The answer is";
  request.stop = {"\n"};
  request.grammar = "root ::= [A-D]";
  request.sampling.temperature = 0.7f;
  request.sampling.top_k = 40;
  request.sampling.top_p = 0.9f;
  request.sampling.seed = 5;
  json body = json::parse(chat_completion_body("m", request));
  EXPECT_EQ(body["messages"].back(), json({{"role", "assistant"}, {"content", "The answer is"}}));
  EXPECT_EQ(body["continue_final_message"], true);
  EXPECT_EQ(body["add_generation_prompt"], false);
  EXPECT_EQ(body["stop"], json::array({"\n"}));
  EXPECT_EQ(body["grammar"], "root ::= [A-D]");
  EXPECT_EQ(body["top_k"], 40);
  EXPECT_EQ(body["seed"], 5);
}

TEST(OpenaiRequests, CompletionAndLogprobBodies) {
  GenerationRequest request;
  request.prompt = "Q: x\nA:";
  json body = json::parse(completion_body("m", request));
  EXPECT_EQ(body["prompt"], "Q: x\nA:");
  EXPECT_FALSE(body.contains("messages"));
  json logprobs = json::parse(prompt_logprobs_body("m", "ctx cont"));
  EXPECT_EQ(logprobs["echo"], true);
  EXPECT_EQ(logprobs["logprobs"], 1);
  EXPECT_EQ(logprobs["max_tokens"], 1);
  EXPECT_EQ(logprobs["prompt"], "ctx cont");
  json llama_server = json::parse(tokenize_body("m", "a b", true));
  EXPECT_EQ(llama_server, json({{"content", "a b"}, {"add_special", false}}));
  json vllm = json::parse(tokenize_body("m", "a b", false));
  EXPECT_EQ(vllm, json({{"model", "m"}, {"prompt", "a b"}, {"add_special_tokens", false}}));
  // Invalid UTF-8 does not end a run.
  request.prompt = "bad \xff byte";
  EXPECT_NO_THROW(completion_body("m", request));
}

TEST(OpenaiReplies, ReadsChatAndCompletionReplies) {
  GenerationResponse response;
  std::string chat = R"({"choices":[{"message":{"role":"assistant","content":" B. Protamine\nmore"},
                          "finish_reason":"length"}],"usage":{"prompt_tokens":12,"completion_tokens":6}})";
  EXPECT_EQ(read_generation_reply(chat, true, "", {}, response), "");
  EXPECT_EQ(response.text, " B. Protamine\nmore");
  EXPECT_EQ(response.finish, FinishReason::length);
  EXPECT_EQ(response.prompt_tokens, 12);
  EXPECT_EQ(response.completion_tokens, 6);
  EXPECT_EQ(read_generation_reply(chat, true, "", {"\n"}, response), "");
  EXPECT_EQ(response.text, " B. Protamine");  // cut at the stop string, finished by it
  EXPECT_EQ(response.finish, FinishReason::stop);

  // llama-server repeats the continued answer prefix; a stop string inside it does not count.
  std::string echoed = R"({"choices":[{"message":{"content":"Answer: B"},"finish_reason":"stop"}]})";
  EXPECT_EQ(read_generation_reply(echoed, true, "Answer:", {":"}, response), "");
  EXPECT_EQ(response.text, " B");
  EXPECT_EQ(read_generation_reply(echoed, true, "Other:", {}, response), "");
  EXPECT_EQ(response.text, "Answer: B");  // not repeated: kept whole

  std::string completion = R"({"choices":[{"text":"42","finish_reason":"stop"}]})";
  EXPECT_EQ(read_generation_reply(completion, false, "", {}, response), "");
  EXPECT_EQ(response.text, "42");
  std::string null_content = R"({"choices":[{"message":{"content":null},"finish_reason":"stop"}]})";
  EXPECT_EQ(read_generation_reply(null_content, true, "", {}, response), "");
  EXPECT_EQ(response.text, "");
}

TEST(OpenaiReplies, UnusableBodiesSayWhy) {
  GenerationResponse response;
  EXPECT_NE(read_generation_reply(R"({"choices":[{"message":{"con)", true, "", {}, response), "");
  EXPECT_NE(read_generation_reply(R"({"choices":[]})", false, "", {}, response), "");
  EXPECT_NE(read_generation_reply(R"({"choices":[{"text":"x"}]})", true, "", {}, response), "");
  EXPECT_NE(read_generation_reply(R"([1,2])", false, "", {}, response), "");
}

// vLLM-shaped echo reply for "<s>" + "Answer:" + " Pro" + "tamine" + one generated token.
const char* kEchoReply = R"({"choices":[{"text":"Answer: Protamine.","logprobs":{
    "tokens":["<s>","Answer:"," Pro","tamine","."],
    "token_logprobs":[null,-2.0,-0.5,-0.25,-3.0],
    "top_logprobs":[null,{"Answer:":-2.0,"Q":-1.0},{" Pro":-0.5},{"tamine":-0.25,"x":-4.0},{".":-3.0}],
    "text_offset":[0,3,10,14,20]}}],"usage":{"prompt_tokens":4,"completion_tokens":1}})";

TEST(OpenaiReplies, ContinuationLogprobsByWalkingBackFromThePromptEnd) {
  LoglikelihoodResponse response;
  EXPECT_EQ(read_prompt_logprobs_reply(kEchoReply, utf8_characters(" Protamine"), response), "");
  EXPECT_EQ(response.status, RequestStatus::ok);
  EXPECT_EQ(response.continuation_tokens, 2);
  EXPECT_EQ(response.context_tokens, 2);  // BOS + "Answer:"
  EXPECT_EQ(response.token_logprobs, (std::vector<float>{-0.5f, -0.25f}));
  EXPECT_DOUBLE_EQ(response.logprob, -0.75);
  EXPECT_TRUE(response.is_greedy);

  // "Answer:" as continuation: a likelier alternative ("Q") makes it not greedy.
  EXPECT_EQ(read_prompt_logprobs_reply(kEchoReply, utf8_characters("Answer: Protamine"), response), "");
  EXPECT_EQ(response.continuation_tokens, 3);
  EXPECT_FALSE(response.is_greedy);

  // Reaching the BOS, whose log-prob is null: marked on the sample, not retried.
  EXPECT_EQ(read_prompt_logprobs_reply(kEchoReply, 20, response), "");
  EXPECT_EQ(response.status, RequestStatus::backend_error);
  EXPECT_TRUE(reply_has_prompt_logprobs(kEchoReply));
}

TEST(OpenaiReplies, RecognisesRepliesWithoutPromptLogprobs) {
  EXPECT_FALSE(reply_has_prompt_logprobs(R"({"choices":[{"text":"x","logprobs":null}]})"));
  EXPECT_FALSE(reply_has_prompt_logprobs(R"({"choices":[{"text":"x","logprobs":{"tokens":["x"],
      "token_logprobs":[-1.0]}}],"usage":{"prompt_tokens":3,"completion_tokens":1}})"));
}

// The two shapes servers use for the first generated token's alternatives (vLLM's legacy
// completions object; llama-server's chat-style list, as the pinned build sends it), best first.
TEST(OpenaiReplies, FirstTokenAlternativesInBothShapes) {
  std::vector<std::pair<std::string, double>> top;
  EXPECT_EQ(read_first_token_logprobs_reply(R"({"choices":[{"text":" B","logprobs":{"tokens":[" B"],
      "token_logprobs":[-0.5],"top_logprobs":[{" A":-1.5," B":-0.5," C":-3.0}]}}]})", top), "");
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0], (std::pair<std::string, double>{" B", -0.5}));
  EXPECT_EQ(top[2], (std::pair<std::string, double>{" C", -3.0}));
  EXPECT_EQ(read_first_token_logprobs_reply(R"({"choices":[{"text":" dioc","logprobs":{"content":[{"id":22386,
      "token":" dioc","logprob":-6.4,"top_logprobs":[{"id":22386,"token":" dioc","logprob":-6.4},
      {"id":1910,"token":"је","logprob":-7.1}]}]}}]})", top), "");
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].first, " dioc");
  EXPECT_EQ(top[1].first, "\xD1\x98\xD0\xB5");
  EXPECT_NE(read_first_token_logprobs_reply(R"({"choices":[{"text":"x","logprobs":null}]})", top), "");
  EXPECT_NE(read_first_token_logprobs_reply(R"({"choices":[{"text":"x","logprobs":{"content":[{"token":"x",
      "top_logprobs":[{"token":"x"}]}]}}]})", top), "");
}

TEST(OpenaiReplies, TokenizeAndFailureStatus) {
  EXPECT_EQ(read_tokenize_reply(R"({"tokens":[1,2,3]})"), 3);
  EXPECT_EQ(read_tokenize_reply(R"({"count":7,"tokens":[1],"max_model_len":4096})"), 7);
  EXPECT_FALSE(read_tokenize_reply("nope"));
  EXPECT_EQ(status_of_failure("HTTP 400: This model's maximum context length is 4096 tokens"),
            RequestStatus::context_overflow);
  EXPECT_EQ(status_of_failure("HTTP 400: the request exceeds the available context size"),
            RequestStatus::context_overflow);
  EXPECT_EQ(status_of_failure("HTTP 503: busy (after 7 attempts)"), RequestStatus::backend_error);
  EXPECT_EQ(utf8_characters("é ü"), 3u);
}

TEST(CanonicalChat, OneBlockPerMessageThenTheAssistantTurn) {
  EXPECT_EQ(render_canonical_chat({{{"user", "Hi"}}, ""}), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

}  // namespace
}  // namespace clinbench
