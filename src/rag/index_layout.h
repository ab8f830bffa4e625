// What an index folder holds and how its manifest is read back. The manifest is written last,
// inside the temporary build folder, which is renamed into place only when complete.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace clinbench {

inline constexpr char kRagManifestFile[] = "manifest.json";
inline constexpr char kRagBm25Folder[] = "bm25";
inline constexpr char kRagDenseFile[] = "dense.hnsw";
inline constexpr char kRagManifestKind[] = "clinbench-rag-index";

// Reads DIR/manifest.json and checks its kind and format version. Throws Error naming what is
// wrong: no folder, no manifest (an interrupted build's OUT.tmp-* folder has none), not JSON,
// another kind of file, a newer format.
nlohmann::json rag_manifest_read(const std::filesystem::path& dir);

// A fresh temporary folder beside out_dir for a build: OUT.tmp-PID-RANDOM.
std::filesystem::path rag_temporary_dir(const std::filesystem::path& out_dir);

// Removes OUT.tmp-PID-* folders beside out_dir whose process PID is gone (builds that were
// killed). Returns how many.
int rag_remove_stale_temporary_dirs(const std::filesystem::path& out_dir);

// Puts the finished temporary folder at out_dir: a rename when out_dir does not exist; with
// replace, an atomic exchange with the existing folder, which is then removed. Throws Error
// when out_dir exists and replace is false, or the rename fails.
void rag_publish(const std::filesystem::path& temporary, const std::filesystem::path& out_dir, bool replace);

}  // namespace clinbench
