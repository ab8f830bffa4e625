#include "cli/progress_bar.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace clinbench {

namespace {

std::atomic<ProgressStyle> g_style{ProgressStyle::human};

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

void progress_style_set(ProgressStyle style) { g_style.store(style); }
ProgressStyle progress_style() { return g_style.load(); }

ProgressBar::ProgressBar(std::string label, std::string unit, ProgressFormat format)
    : label_(std::move(label)), unit_(std::move(unit)), format_(format), start_(std::chrono::steady_clock::now()),
      terminal_(::isatty(STDERR_FILENO) == 1), style_(progress_style()) {}

ProgressBar::~ProgressBar() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (drawn_ && !final_drawn_) draw(last_done_, last_total_, true);
}

void ProgressBar::update(int64_t done, int64_t total) { update(done, total, problems_); }

void ProgressBar::update(int64_t done, int64_t total, ProgressProblems problems) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (style_ == ProgressStyle::quiet) return;
  bool new_failures = problems.failures != problems_.failures;
  last_done_ = done;
  last_total_ = total;
  problems_ = problems;
  auto now = std::chrono::steady_clock::now();
  if (style_ == ProgressStyle::json) {
    if (done < total && drawn_ && now - last_draw_ < std::chrono::seconds(1)) return;
    last_draw_ = now;
    draw(done, total, done >= total);
    return;
  }
  if (terminal_) {
    if (done < total && drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  } else {
    // A log gets a line per 10% (retries so far on it), and one when requests fail for good (at
    // most one such extra line in 10 s, so a failing server cannot flood the log).
    int decile = total > 0 ? int(done * 10 / total) : 10;
    bool problem_line = new_failures && now - last_draw_ >= std::chrono::seconds(10);
    if (decile == last_decile_ && !problem_line) return;
    last_decile_ = decile;
  }
  last_draw_ = now;
  draw(done, total, false);
}

void ProgressBar::draw(int64_t done, int64_t total, bool final) {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = elapsed > 0 ? double(done) / elapsed : 0;
  double eta = rate > 0 ? double(total - done) / rate : -1;
  if (style_ == ProgressStyle::json) {
    nlohmann::json event = {{"event", "progress"},
                            {"task", label_},
                            {"unit", format_ == ProgressFormat::bytes ? "bytes" : unit_},
                            {"done", done},
                            {"total", total},
                            {"rate", rate},
                            {"elapsed_s", elapsed},
                            {"eta_s", final ? 0.0 : eta},
                            {"retries", problems_.retries},
                            {"failures", problems_.failures},
                            {"finished", final}};
    std::fprintf(stderr, "%s\n", event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::fflush(stderr);
    drawn_ = true;
    final_drawn_ = final;
    return;
  }
  double fraction = total > 0 ? double(done) / double(total) : 1.0;
  const int width = 24;
  std::string bar(size_t(width), ' ');
  for (int i = 0; i < int(fraction * width); ++i) bar[size_t(i)] = '#';
  char line[320];
  if (format_ == ProgressFormat::bytes) {
    std::snprintf(line, sizeof line, "%-18s [%s] %.1f/%.1f MB  %.1f MB/s  elapsed %s  eta %s", label_.c_str(),
                  bar.c_str(), double(done) / 1e6, double(total) / 1e6, rate / 1e6,
                  format_duration(elapsed).c_str(), final ? "00:00" : format_duration(eta).c_str());
  } else {
    std::snprintf(line, sizeof line, "%-18s [%s] %lld/%lld %s  %.1f/s  elapsed %s  eta %s", label_.c_str(),
                  bar.c_str(), (long long)done, (long long)total, unit_.c_str(), rate,
                  format_duration(elapsed).c_str(), final ? "00:00" : format_duration(eta).c_str());
  }
  std::string text = line;
  // Shown only when there is something to see: a clean run's line stays as it was.
  if (problems_.retries > 0) text += "  retries " + std::to_string(problems_.retries);
  if (problems_.failures > 0) text += "  failed " + std::to_string(problems_.failures);
  if (terminal_) {
    std::fprintf(stderr, "\r%s\033[K%s", text.c_str(), final ? "\n" : "");
  } else if (!final) {
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace clinbench
