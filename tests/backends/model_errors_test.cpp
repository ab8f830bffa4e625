// Bad model files end with a clear error naming the file, never a crash.
#include <gtest/gtest.h>

#include <fstream>

#include "clinbench/backends.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::string open_error(const std::filesystem::path& path) {
  try {
    open_backend("gguf:" + path.string(), BackendOptions{});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ModelErrors, MissingFile) {
  std::filesystem::path path = testing::work_dir("model_errors_missing") / "absent.gguf";
  std::string error = open_error(path);
  EXPECT_NE(error.find(path.string()), std::string::npos) << error;
  EXPECT_NE(error.find("not found"), std::string::npos) << error;
}

TEST(ModelErrors, NotAGguf) {
  std::filesystem::path path = testing::work_dir("model_errors_text") / "notes.gguf";
  std::ofstream(path) << "This is a discharge letter, not a model.";
  std::string error = open_error(path);
  EXPECT_NE(error.find(path.string()), std::string::npos) << error;
  EXPECT_NE(error.find("not a GGUF"), std::string::npos) << error;
}

TEST(ModelErrors, TruncatedGguf) {
  std::filesystem::path source = testing::tiny_model("llama-spm");
  std::filesystem::path path = testing::work_dir("model_errors_truncated") / "cut.gguf";
  for (uintmax_t keep : {uintmax_t(3), uintmax_t(100), std::filesystem::file_size(source) / 2}) {
    std::ifstream in(source, std::ios::binary);
    std::string bytes(size_t(keep), '\0');
    in.read(bytes.data(), std::streamsize(keep));
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(keep));
    std::string error = open_error(path);
    EXPECT_NE(error.find(path.string()), std::string::npos) << keep << ": " << error;
  }
}

TEST(ModelErrors, UnknownSpec) {
  try {
    open_backend("onnx:/models/x.onnx", BackendOptions{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("onnx:/models/x.onnx"), std::string::npos);
  }
}

TEST(ModelFingerprint, IsTheSha256OfTheFileAndIsRemembered) {
  std::filesystem::path model = testing::tiny_model("llama-spm");
  auto backend = open_backend("gguf:" + model.string(), BackendOptions{});
  EXPECT_EQ(backend->info().fingerprint, sha256_file_hex(model));
  EXPECT_EQ(file_fingerprint(model), backend->info().fingerprint);
  EXPECT_EQ(backend->info().details["sha256"], backend->info().fingerprint);
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

}  // namespace
}  // namespace clinbench
