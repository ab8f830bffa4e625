// The embedded llama.cpp as an embedding backend (Backend::embed): a TokenEmbedder behind the
// public Backend interface, so BERTScore and dense retrieval reach it through the scheduler and
// the response cache like every other request.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "clinbench/backends.h"

namespace clinbench {

// Throws Error naming the file when it is not a usable embedding GGUF (see TokenEmbedder).
std::unique_ptr<Backend> open_llama_embedding_backend(const std::filesystem::path& path, const std::string& spec,
                                                      const EmbeddingOptions& options);

}  // namespace clinbench
