// Reading the clock and formatting times, in one place (clinbench/core.h, "time").
#include <ctime>

#include "clinbench/core.h"

namespace clinbench {

namespace {

std::string format_time(std::time_t time, const char* format, bool utc) {
  std::tm parts{};
  if (utc) {
    gmtime_r(&time, &parts);
  } else {
    localtime_r(&time, &parts);
  }
  char buffer[32];
  std::strftime(buffer, sizeof buffer, format, &parts);
  return buffer;
}

}  // namespace

std::string utc_timestamp() { return format_time(std::time(nullptr), "%Y-%m-%dT%H:%M:%SZ", true); }

std::string local_timestamp() { return format_time(std::time(nullptr), "%Y-%m-%d %H:%M", false); }

std::string utc_date(int64_t unix_seconds) { return format_time(std::time_t(unix_seconds), "%Y-%m-%d", true); }

}  // namespace clinbench
