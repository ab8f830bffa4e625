// The fuzzers link the parsing stages without llama.cpp and libcurl (fuzz/CMakeLists.txt), but the
// backend table (src/backends/backend_registry.cpp), which model specs, suite files and task
// files reach, names the functions that open each backend. No fuzz target opens a model; these
// stand in for the real openers so the table links, and refuse if one ever is called.
#include "backends/llama/embedding_backend.h"
#include "backends/llama/llama_backend.h"
#include "backends/openai/openai_backend.h"

namespace clinbench {

std::unique_ptr<Backend> open_llama_backend(const std::filesystem::path&, const std::string& spec,
                                            const BackendOptions&) {
  throw Error("fuzz build: no embedded llama.cpp to open " + spec);
}

std::unique_ptr<Backend> open_llama_embedding_backend(const std::filesystem::path&, const std::string& spec,
                                                      const EmbeddingOptions&) {
  throw Error("fuzz build: no embedded llama.cpp to open " + spec);
}

std::unique_ptr<Backend> open_openai_backend(const std::string&, const std::string& spec, const BackendOptions&) {
  throw Error("fuzz build: no HTTP client to open " + spec);
}

}  // namespace clinbench
