// The embedded llama.cpp backend (model spec gguf:PATH).
#pragma once

#include <filesystem>
#include <memory>

#include "clinbench/backends.h"

namespace clinbench {

// Throws Error naming the file when the model cannot be loaded.
std::unique_ptr<Backend> open_llama_backend(const std::filesystem::path& path, const std::string& spec,
                                            const BackendOptions& options);

}  // namespace clinbench
