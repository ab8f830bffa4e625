#include "core/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace clinbench {

namespace {

std::string format_duration(double seconds) {
  if (seconds < 0 || seconds > 360000) return "--:--";
  int64_t total = int64_t(seconds + 0.5);
  char buffer[32];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", (long long)(total / 3600),
                  (long long)(total / 60 % 60), (long long)(total % 60));
  } else {
    std::snprintf(buffer, sizeof buffer, "%02lld:%02lld", (long long)(total / 60), (long long)(total % 60));
  }
  return buffer;
}

}  // namespace

ProgressBar::ProgressBar(std::string label, std::string unit, ProgressFormat format)
    : label_(std::move(label)), unit_(std::move(unit)), format_(format), start_(std::chrono::steady_clock::now()),
      terminal_(::isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (drawn_) draw(last_done_, last_total_, true);
}

void ProgressBar::update(int64_t done, int64_t total) {
  std::lock_guard<std::mutex> lock(mutex_);
  last_done_ = done;
  last_total_ = total;
  auto now = std::chrono::steady_clock::now();
  if (terminal_) {
    if (done < total && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  } else {
    int decile = total > 0 ? int(done * 10 / total) : 10;
    if (decile == last_decile_) return;
    last_decile_ = decile;
  }
  last_draw_ = now;
  draw(done, total, false);
}

void ProgressBar::draw(int64_t done, int64_t total, bool final) {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = elapsed > 0 ? double(done) / elapsed : 0;
  double eta = rate > 0 ? double(total - done) / rate : -1;
  double fraction = total > 0 ? double(done) / double(total) : 1.0;
  const int width = 24;
  std::string bar(size_t(width), ' ');
  for (int i = 0; i < int(fraction * width); ++i) bar[size_t(i)] = '#';
  char line[256];
  if (format_ == ProgressFormat::bytes) {
    std::snprintf(line, sizeof line, "%-18s [%s] %.1f/%.1f MB  %.1f MB/s  elapsed %s  eta %s", label_.c_str(),
                  bar.c_str(), double(done) / 1e6, double(total) / 1e6, rate / 1e6,
                  format_duration(elapsed).c_str(), final ? "00:00" : format_duration(eta).c_str());
  } else {
    std::snprintf(line, sizeof line, "%-18s [%s] %lld/%lld %s  %.1f/s  elapsed %s  eta %s", label_.c_str(),
                  bar.c_str(), (long long)done, (long long)total, unit_.c_str(), rate,
                  format_duration(elapsed).c_str(), final ? "00:00" : format_duration(eta).c_str());
  }
  if (terminal_) {
    std::fprintf(stderr, "\r%s\033[K%s", line, final ? "\n" : "");
  } else if (!final) {
    std::fprintf(stderr, "%s\n", line);
  }
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace clinbench
