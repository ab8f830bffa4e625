#include "audit/text_normalization.h"

#include <utf8proc.h>

#include <cstdlib>

#include "audit/ngram_stream.h"
#include "clinbench/audit.h"

namespace clinbench::audit {

namespace {

bool is_word_category(utf8proc_category_t category) {
  switch (category) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

// The run with every byte that does not start a valid UTF-8 character replaced by a space.
std::string valid_utf8(std::string_view run) {
  std::string out;
  out.reserve(run.size());
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(run.data());
  utf8proc_ssize_t size = utf8proc_ssize_t(run.size());
  for (utf8proc_ssize_t at = 0; at < size;) {
    utf8proc_int32_t code_point = 0;
    utf8proc_ssize_t length = utf8proc_iterate(bytes + at, size - at, &code_point);
    if (length <= 0) {
      out += ' ';
      at += 1;
    } else {
      out.append(run.data() + at, size_t(length));
      at += length;
    }
  }
  return out;
}

}  // namespace

void normalize_run(std::string_view run, std::string& words) {
  words.clear();
  const int options = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD;
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(run.data()),
                                         utf8proc_ssize_t(run.size()), &mapped, utf8proc_option_t(options));
  if (length < 0) {
    std::string cleaned = valid_utf8(run);
    length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(cleaned.data()),
                          utf8proc_ssize_t(cleaned.size()), &mapped, utf8proc_option_t(options));
    if (length < 0) return;  // only out of memory is left; the run then holds no words
  }
  bool separated = true;
  for (utf8proc_ssize_t at = 0; at < length;) {
    utf8proc_int32_t code_point = 0;
    utf8proc_ssize_t bytes = utf8proc_iterate(mapped + at, length - at, &code_point);
    if (bytes <= 0) {
      bytes = 1;
      code_point = -1;
    }
    if (code_point >= 0 && is_word_category(utf8proc_category(code_point))) {
      if (separated && !words.empty()) words += ' ';
      words.append(reinterpret_cast<const char*>(mapped + at), size_t(bytes));
      separated = false;
    } else {
      separated = true;
    }
    at += bytes;
  }
  std::free(mapped);
}

}  // namespace clinbench::audit

namespace clinbench {

std::string audit_normalize(std::string_view text) {
  audit::NgramStream stream(1);
  std::string out;
  stream.set_word_sink([&out](std::string_view word) {
    if (!out.empty()) out += ' ';
    out += word;
  });
  stream.feed(text);
  stream.end_document();
  return out;
}

}  // namespace clinbench
