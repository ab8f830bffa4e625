#include "engine_test_util.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace clinbench::testing {

ModelInfo fake_model(const std::string& fingerprint, int32_t context_length) {
  ModelInfo model;
  model.spec = "fake:" + fingerprint;
  model.backend = "fake";
  model.fingerprint = fingerprint;
  model.context_length = context_length;
  return model;
}

LoglikelihoodResponse sample_loglikelihood_response(int i) {
  LoglikelihoodResponse response;
  response.status = RequestStatus::ok;
  response.error = "note " + std::to_string(i);
  response.token_logprobs = {-0.1f * float(i + 1), -2.5f, -1e-7f, -17.25f};
  if (i % 3 == 0) response.token_logprobs.push_back(-std::numeric_limits<float>::infinity());
  double sum = 0;
  for (float logprob : response.token_logprobs) sum += logprob;
  response.logprob = i % 3 == 0 ? -std::numeric_limits<double>::infinity() : sum;
  response.is_greedy = true;
  response.context_tokens = 100 + i;
  response.continuation_tokens = int32_t(response.token_logprobs.size());
  return response;
}

GenerationResponse sample_generation_response(int i) {
  GenerationResponse response;
  response.status = RequestStatus::ok;
  response.error = "warning " + std::to_string(i);
  // Generations are token pieces joined: the text can end inside a UTF-8 character.
  response.text = "Troponin I rises first, \xE2\x80\x94 then CK-MB \xF0\x9F" + std::to_string(i);
  response.tokens = {1, 2, 30000 + i, 0, 31999};
  response.finish = FinishReason::length;
  response.prompt_tokens = 42 + i;
  return response;
}

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

void expect_same_response(const LoglikelihoodResponse& expected, const LoglikelihoodResponse& got) {
  EXPECT_EQ(got.status, expected.status);
  EXPECT_EQ(got.error, expected.error);
  EXPECT_TRUE(same_bits(got.logprob, expected.logprob))
      << "logprob " << got.logprob << " vs " << expected.logprob;
  ASSERT_EQ(got.token_logprobs.size(), expected.token_logprobs.size());
  for (size_t t = 0; t < got.token_logprobs.size(); ++t) {
    EXPECT_TRUE(same_bits(got.token_logprobs[t], expected.token_logprobs[t]))
        << "token " << t << ": " << got.token_logprobs[t] << " vs " << expected.token_logprobs[t];
  }
  EXPECT_EQ(got.is_greedy, expected.is_greedy);
  EXPECT_EQ(got.context_tokens, expected.context_tokens);
  EXPECT_EQ(got.continuation_tokens, expected.continuation_tokens);
}

void expect_same_response(const GenerationResponse& expected, const GenerationResponse& got) {
  EXPECT_EQ(got.status, expected.status);
  EXPECT_EQ(got.error, expected.error);
  EXPECT_EQ(got.text, expected.text);
  EXPECT_EQ(got.tokens, expected.tokens);
  EXPECT_EQ(got.finish, expected.finish);
  EXPECT_EQ(got.prompt_tokens, expected.prompt_tokens);
}

namespace {

sqlite3* open_raw(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("sqlite3_open " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

}  // namespace

void sqlite_exec(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = open_raw(path);
  char* error = nullptr;
  int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  if (code != SQLITE_OK) throw std::runtime_error("sqlite: " + sql + ": " + message);
}

int64_t sqlite_int64(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = open_raw(path);
  sqlite3_stmt* statement = nullptr;
  int64_t value = -1;
  int code = sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr);
  if (code == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW) {
    value = sqlite3_column_int64(statement, 0);
  }
  std::string message = sqlite3_errmsg(db);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  if (code != SQLITE_OK) throw std::runtime_error("sqlite: " + sql + ": " + message);
  return value;
}

}  // namespace clinbench::testing
