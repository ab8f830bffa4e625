// ModelSpec round trip, tested the way FAISS tests index_factory / reverse_index_factory: every
// well-formed spec string parses and formats back byte for byte, and every malformed one fails
// with a message that quotes it and says what is wrong.
#include <gtest/gtest.h>

#include <string>

#include "clinbench/backends.h"

namespace clinbench {
namespace {

TEST(ModelSpec, WellFormedSpecsRoundTripByteForByte) {
  for (const char* text : {
           "gguf:/models/llama3.gguf",
           "gguf:model.gguf",
           "gguf:relative/dir/x",
           "gguf:/path with spaces/m.gguf",
           "gguf:/m/any=thing[1]:v2.gguf",  // the target is everything after the first colon
           "gguf:C:\\models\\m.gguf",
           "gguf:/m/\xc3\xa4rzte.gguf",
           "openai:http://127.0.0.1:8080/v1",
           "openai:https://api.example.org/v1?key=a,b",
           "openai:x",
       }) {
    ModelSpec spec = ModelSpec::parse(text);
    EXPECT_EQ(spec.format(), text);
    EXPECT_EQ(ModelSpec::parse(spec.format()), spec) << text;
  }
}

TEST(ModelSpec, PartsAreSchemeTargetAndParameters) {
  ModelSpec spec = ModelSpec::parse("openai:http://h:1/v1");
  EXPECT_EQ(spec.scheme, "openai");
  EXPECT_EQ(spec.target, "http://h:1/v1");
  EXPECT_TRUE(spec.parameters.empty());
  // A spec built in code formats to what parse reads back.
  ModelSpec built{"gguf", "/m/x.gguf", {}};
  EXPECT_EQ(built.format(), "gguf:/m/x.gguf");
  EXPECT_EQ(ModelSpec::parse(built.format()), built);
}

std::string parse_error(const std::string& text) {
  try {
    ModelSpec::parse(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "(parsed)";
}

TEST(ModelSpec, MalformedSpecsFailWithAClearMessage) {
  // Unknown or missing schemes name the forms there are.
  EXPECT_EQ(parse_error("onnx:x"), "'onnx:x': expected gguf:PATH or openai:URL");
  EXPECT_EQ(parse_error("/models/x.gguf"), "'/models/x.gguf': expected gguf:PATH or openai:URL");
  EXPECT_EQ(parse_error(""), "'': expected gguf:PATH or openai:URL");
  EXPECT_EQ(parse_error("GGUF:/m.gguf"), "'GGUF:/m.gguf': expected gguf:PATH or openai:URL");
  EXPECT_EQ(parse_error(":x"), "':x': expected gguf:PATH or openai:URL");
  EXPECT_EQ(parse_error("gguf"), "'gguf': expected gguf:PATH or openai:URL");
  // An empty target.
  EXPECT_EQ(parse_error("gguf:"), "'gguf:': expected gguf:PATH, with a PATH after the colon");
  EXPECT_EQ(parse_error("openai:"), "'openai:': expected openai:URL, with a URL after the colon");
  // Parameters: the syntax, then whether the backend reads them (today's backends take none).
  EXPECT_EQ(parse_error("gguf[layer=8]:/m.gguf"), "'gguf[layer=8]:/m.gguf': the gguf: backend takes no parameters, not 'layer'");
  EXPECT_EQ(parse_error("gguf[]:/m.gguf"),
            "'gguf[]:/m.gguf': parameter 1: expected KEY=VALUE (KEY of a-z, 0-9, '_', '-'), inside [ ] before the ':'");
  EXPECT_EQ(parse_error("gguf[a=1,b]:/m"),
            "'gguf[a=1,b]:/m': parameter 2: expected KEY=VALUE (KEY of a-z, 0-9, '_', '-'), inside [ ] before the ':'");
  EXPECT_EQ(parse_error("gguf[a=]:/m"), "'gguf[a=]:/m': parameter 'a' has an empty value");
  EXPECT_EQ(parse_error("gguf[a=1=2]:/m"), "'gguf[a=1=2]:/m': parameter 'a': expected ',' or ']' after its value");
  EXPECT_EQ(parse_error("gguf[a=1"), "'gguf[a=1': parameter 'a': expected ',' or ']' after its value");
  EXPECT_EQ(parse_error("gguf[a=1,a=2]:/m"), "'gguf[a=1,a=2]:/m': parameter 'a' is given twice");
  EXPECT_EQ(parse_error("gguf[a=1]/m"), "'gguf[a=1]/m': expected ':' and the target after the parameters");
  EXPECT_FALSE(model_spec_try_parse("onnx:x").has_value());
}

TEST(ModelSpec, OpenBackendNamesTheSpecItCannotOpen) {
  try {
    open_backend("onnx:x", BackendOptions{});
    FAIL() << "opened onnx:x";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "model spec 'onnx:x': expected gguf:PATH or openai:URL");
  }
}

TEST(BackendTable, OneRowPerScheme) {
  ASSERT_EQ(backend_schemes().size(), 2u);
  EXPECT_STREQ(backend_schemes()[0].scheme, "gguf");
  EXPECT_STREQ(backend_schemes()[1].scheme, "openai");
  for (const BackendScheme& row : backend_schemes()) {
    EXPECT_EQ(backend_scheme_find(row.scheme), &row);
    EXPECT_NE(row.open, nullptr) << row.scheme;
  }
  EXPECT_EQ(backend_scheme_find("onnx"), nullptr);
  EXPECT_EQ(backend_scheme_forms(), "gguf:PATH or openai:URL");
}

TEST(BackendTable, DisplayNameIsTheFileStemOrTheServersName) {
  EXPECT_EQ(model_spec_display_name(ModelSpec::parse("gguf:/m/Llama-3-8B.Q4_K_M.gguf")), "Llama-3-8B.Q4_K_M");
  EXPECT_EQ(model_spec_display_name(ModelSpec::parse("gguf:/m/Llama-3-8B.Q4_K_M.gguf"), "served"), "Llama-3-8B.Q4_K_M");
  EXPECT_EQ(model_spec_display_name(ModelSpec::parse("openai:http://h/v1"), "meditron"), "meditron");
  EXPECT_EQ(model_spec_display_name(ModelSpec::parse("openai:http://h/v1")), "");
}

}  // namespace
}  // namespace clinbench
