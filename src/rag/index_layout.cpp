#include "rag/index_layout.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "clinbench/rag.h"

namespace clinbench {

namespace {

std::string temporary_prefix(const std::filesystem::path& out_dir) {
  return out_dir.filename().string() + ".tmp-";
}

// out_dir without a trailing slash, so that filename() and parent_path() name the folder.
std::filesystem::path folder_path(const std::filesystem::path& dir) {
  std::filesystem::path normal = dir.lexically_normal();
  if (!normal.has_filename()) normal = normal.parent_path();
  return normal;
}

}  // namespace

nlohmann::json rag_manifest_read(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw_input_error(dir, 0, "", "no retrieval index here (build one with `clinbench index build`)");
  }
  std::filesystem::path file = dir / kRagManifestFile;
  if (!std::filesystem::exists(file, ec)) {
    bool temporary = folder_path(dir).filename().string().find(".tmp-") != std::string::npos;
    throw_input_error(dir, 0, "",
                      std::string("not a complete retrieval index: it has no ") + kRagManifestFile +
                          (temporary ? " (this is the temporary folder of a build that did not finish; "
                                       "it is never used: build the index again)"
                                     : " (build it with `clinbench index build`)"));
  }
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(read_file(file));
  } catch (const nlohmann::json::parse_error& e) {
    throw_input_error(file, 0, "", std::string("not valid JSON: ") + e.what());
  }
  if (!manifest.is_object() || manifest.value("format", "") != kRagManifestKind) {
    throw_input_error(file, 0, "format", std::string("not a clinbench retrieval index manifest (expected \"") +
                                             kRagManifestKind + "\")");
  }
  const nlohmann::json& version = manifest["format_version"];
  if (!version.is_number_integer()) throw_input_error(file, 0, "format_version", "missing or not an integer");
  if (version.get<int>() > kRagIndexFormatVersion) {
    throw_input_error(file, 0, "format_version",
                      "written by a newer clinbench (format " + std::to_string(version.get<int>()) +
                          "; this one reads up to " + std::to_string(kRagIndexFormatVersion) + "): build it again");
  }
  for (const char* key : {"passages", "corpus", "chunking"}) {
    if (!manifest.contains(key)) throw_input_error(file, 0, key, "missing");
  }
  if (!manifest["passages"].is_number_integer()) throw_input_error(file, 0, "passages", "not an integer");
  return manifest;
}

std::filesystem::path rag_temporary_dir(const std::filesystem::path& out_dir) {
  std::filesystem::path out = folder_path(out_dir);
  std::random_device device;
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "%ld-%08x", long(::getpid()), unsigned(device()));
  std::filesystem::path dir = out.parent_path() / (temporary_prefix(out) + suffix);
  std::error_code ec;
  if (!std::filesystem::create_directories(dir, ec) || ec) {
    throw_input_error(dir, 0, "", "cannot create the build folder: " + (ec ? ec.message() : "it exists"));
  }
  return dir;
}

int rag_remove_stale_temporary_dirs(const std::filesystem::path& out_dir) {
  std::filesystem::path out = folder_path(out_dir);
  std::filesystem::path parent = out.parent_path().empty() ? "." : out.parent_path();
  std::string prefix = temporary_prefix(out);
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(parent, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || !entry.is_directory(ec)) continue;
    long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid <= 0) continue;
    // A folder whose build is still running (or whose pid is reused) is left alone.
    if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;
    std::filesystem::remove_all(entry.path(), ec);
    if (!ec) ++removed;
  }
  return removed;
}

void rag_publish(const std::filesystem::path& temporary, const std::filesystem::path& out_dir, bool replace) {
  std::filesystem::path out = folder_path(out_dir);
  std::error_code ec;
  bool exists = std::filesystem::exists(out, ec);
  if (exists && !replace) {
    throw_input_error(out, 0, "", "already exists (give --overwrite to replace the index there)");
  }
  if (!exists) {
    if (::rename(temporary.c_str(), out.c_str()) != 0) {
      throw_input_error(out, 0, "", std::string("cannot move the finished index into place: ") + std::strerror(errno));
    }
    return;
  }
  // Readers see the old index or the new one, never neither.
  if (::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) != 0) {
    throw_input_error(out, 0, "", std::string("cannot swap the new index into place: ") + std::strerror(errno));
  }
  std::filesystem::remove_all(temporary, ec);  // now the old index
}

}  // namespace clinbench
