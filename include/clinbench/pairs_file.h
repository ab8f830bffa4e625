// Pairs of runs (fine-tune → base) read from YAML: the pairs file of `clinbench compare` and the
// `pairs:` list of a suite share this reader, so both say the same thing about the same mistake.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string_view>
#include <vector>

#include "clinbench/compare.h"

namespace clinbench {

// Reads a YAML sequence of pair maps. `field_prefix` names the list in messages ("pairs" gives
// "pairs[2].base"). Throws Error "PATH:LINE: field 'PREFIX[I].KEY': ..." for anything but a
// list of maps with non-empty fine_tune and base (and optional fine_tune_name, base_name), for
// unknown keys and for a run paired with itself.
std::vector<ComparePairEntry> compare_pairs_from_yaml(const YAML::Node& list,
                                                      const std::filesystem::path& path,
                                                      std::string_view field_prefix);

}  // namespace clinbench
