// Fixtures shared by the engine tests: responses with every field set, field-by-field
// comparison, and raw SQLite access to a cache file (to age, damage or re-version it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "clinbench/backends.h"
#include "clinbench/engine.h"

namespace clinbench::testing {

// A model as the cache sees it: only the fingerprint and context window matter.
ModelInfo fake_model(const std::string& fingerprint, int32_t context_length = 4096);

// Responses that differ from a default-constructed one in every field; i varies them.
LoglikelihoodResponse sample_loglikelihood_response(int i);
GenerationResponse sample_generation_response(int i);

// Every field equal, floats bit for bit (ADD_FAILURE naming the field otherwise).
void expect_same_response(const LoglikelihoodResponse& expected, const LoglikelihoodResponse& got);
void expect_same_response(const GenerationResponse& expected, const GenerationResponse& got);

// A raw SQLite connection of its own, for what the cache API deliberately cannot do.
void sqlite_exec(const std::filesystem::path& path, const std::string& sql);
int64_t sqlite_int64(const std::filesystem::path& path, const std::string& sql);

}  // namespace clinbench::testing
