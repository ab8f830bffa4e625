// read_dataset on bytes already in memory: what read_dataset does after reading the file, for
// callers that hold the text (the fuzz targets, which must not touch the file system per input).
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "clinbench/data.h"

namespace clinbench {

// Exactly read_dataset(path, options) for a file holding `text`; path only names the file in
// records (Record::source) and errors. Throws Error as read_dataset does, and nothing else.
std::vector<Record> read_dataset_text(std::string_view text, const std::filesystem::path& path,
                                      const DatasetReadOptions& options);

}  // namespace clinbench
