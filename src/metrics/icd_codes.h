// ICD-10 internals: the packed form of a code used by IcdCodeSet, exposed for tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace clinbench {

// Packs a code of 1 to 7 characters from [0-9A-Z] into the high bytes of a uint64, first
// character highest, so that packed order is the codes' lexicographic order and "A00" differs
// from "A000". Nothing for an empty, longer or otherwise spelled code (lower case, dots).
std::optional<uint64_t> icd_code_pack(std::string_view code);

}  // namespace clinbench
