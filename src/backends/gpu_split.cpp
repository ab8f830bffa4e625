// Names of llama.cpp's split modes, as `--split-mode` and suites spell them.
#include "clinbench/backends.h"

namespace clinbench {

const char* split_mode_name(SplitMode mode) {
  switch (mode) {
    case SplitMode::row: return "row";
    case SplitMode::none: return "none";
    case SplitMode::layer: break;
  }
  return "layer";
}

std::optional<SplitMode> split_mode_parse(std::string_view name) {
  for (SplitMode mode : {SplitMode::layer, SplitMode::row, SplitMode::none}) {
    if (name == split_mode_name(mode)) return mode;
  }
  return std::nullopt;
}

}  // namespace clinbench
