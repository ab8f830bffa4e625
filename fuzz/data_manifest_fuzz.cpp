// Data-set tables (`clinbench data fetch --manifest FILE`): data_sources_parse either returns
// sets it checked or throws an Error naming the file.
#include <filesystem>

#include "clinbench/fetch.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clinbench;
  const char* target = "data_manifest";
  const std::filesystem::path source = "/nonexistent-clinbench-fuzz/manifest.json";
  std::vector<DataSource> sources;
  try {
    sources = data_sources_parse(fuzz::input_text(data, size), source);
  } catch (const Error& e) {
    fuzz::require_names_source(e, source.string(), target);
    return 0;
  }
  for (const DataSource& set : sources) {
    fuzz::require(!set.files.empty() || !set.manual.empty(), target, "a set has files or says where to get it");
    for (const DataSourceFile& file : set.files) {
      fuzz::require(file.sha256.size() == 64, target, "a pinned checksum has 64 hex digits");
      std::filesystem::path path(file.path);
      fuzz::require(!file.path.empty() && !path.is_absolute(), target, "a file's path is relative: " + file.path);
      for (const auto& part : path) fuzz::require(part != "..", target, "a file's path stays in the data folder: " + file.path);
    }
  }
  return 0;
}
