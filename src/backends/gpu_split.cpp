// Names of llama.cpp's split modes, as `--split-mode` and suites spell them.
#include "clinbench/backends.h"
#include "clinbench/enum_names.h"

namespace clinbench {

namespace {

constexpr EnumName<SplitMode> kSplitModes[] = {
    {SplitMode::layer, "layer"}, {SplitMode::row, "row"}, {SplitMode::none, "none"}};

}  // namespace

// The names are string literals, so the view's data is a terminated C string.
const char* split_mode_name(SplitMode mode) { return enum_name(kSplitModes, mode).data(); }

std::optional<SplitMode> split_mode_parse(std::string_view name) { return enum_from_name(kSplitModes, name); }

}  // namespace clinbench
