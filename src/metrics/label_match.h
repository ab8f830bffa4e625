// Label-matching internals, exposed for tests.
#pragma once

#include <cstdint>
#include <string_view>

namespace clinbench {

// Non-overlapping occurrences of `needle` in `haystack`, scanning left to right and resuming
// after each match (what re.findall does with a literal pattern). 0 for an empty needle.
int64_t label_count_occurrences(std::string_view haystack, std::string_view needle);

}  // namespace clinbench
