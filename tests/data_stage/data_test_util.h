// Helpers for the data stage tests: scratch files and the message of an expected Error.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench::testing {

// A scratch folder for the running test (suite.name), emptied on its first use in this run.
inline std::filesystem::path data_test_dir() {
  static std::map<std::string, std::filesystem::path> dirs;
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string name =
      "data_stage/" + std::string(info->test_suite_name()) + "." + info->name();
  auto found = dirs.find(name);
  if (found != dirs.end()) return found->second;
  return dirs.emplace(name, work_dir(name)).first->second;
}

// Writes bytes exactly as given (no newline translation) into the scratch folder.
inline std::filesystem::path write_data_file(const std::string& name, std::string_view bytes) {
  std::filesystem::path path = data_test_dir() / name;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  return path;
}

// The message of the clinbench::Error that action throws; a test failure if it throws none.
inline std::string error_message(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected a clinbench::Error, none was thrown";
  return {};
}

// "PATH:LINE: field 'FIELD': " as format_input_error writes it.
inline std::string error_prefix(const std::filesystem::path& path, int64_t line,
                                std::string_view field) {
  return format_input_error(path, line, field, "");
}

}  // namespace clinbench::testing
