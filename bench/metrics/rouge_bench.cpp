// Times metric_rouge on 100,000 pairs built from MeQSum, on one thread, and prints pairs per
// second. Two shapes of pair:
//   summary-summary: each reference summary against the next line's (~10 tokens each), the
//                    size of a model's summary against its reference;
//   summary-question: each summary against its patient question (CHQ, ~60 tokens, up to ~380),
//                    a longer LCS table.
// Also times loading the ICD-10-CM order file. A program, not a test: it asserts nothing.
//
//   bench_rouge [meqsum.jsonl] [icd10cm_order.txt] [pairs]
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clinbench/core.h"
#include "clinbench/metrics.h"

namespace {

struct Pair {
  std::string prediction;
  std::string reference;
};

struct MeqsumItem {
  std::string question;
  std::string summary;
};

std::vector<MeqsumItem> read_meqsum(const std::filesystem::path& path) {
  std::vector<MeqsumItem> items;
  const std::string content = clinbench::read_file(path);
  size_t begin = 0;
  while (begin < content.size()) {
    size_t end = content.find('\n', begin);
    if (end == std::string::npos) end = content.size();
    if (end > begin) {
      nlohmann::json row = nlohmann::json::parse(content.begin() + static_cast<long>(begin),
                                                 content.begin() + static_cast<long>(end));
      items.push_back({row.at("CHQ").get<std::string>(), row.at("Summary").get<std::string>()});
    }
    begin = end + 1;
  }
  return items;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU time of this thread: on a shared machine wall time also counts the time other processes
// held the core, which says nothing about this code.
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

void time_pairs(const char* name, const std::vector<Pair>& pairs) {
  // One untimed pass warms the thread-local buffers and the caches.
  for (size_t i = 0; i < pairs.size() && i < 1000; ++i) {
    clinbench::metric_rouge(pairs[i].prediction, pairs[i].reference);
  }
  double checksum = 0.0;
  auto start = std::chrono::steady_clock::now();
  double cpu_start = thread_cpu_seconds();
  for (const Pair& pair : pairs) {
    clinbench::RougeScores scores = clinbench::metric_rouge(pair.prediction, pair.reference);
    checksum += scores.rouge1.f + scores.rouge2.f + scores.rouge_l.f;
  }
  double cpu_seconds = thread_cpu_seconds() - cpu_start;
  double seconds = seconds_since(start);
  const double count = static_cast<double>(pairs.size());
  std::printf(
      "%-17s %zu pairs: %.3f s CPU = %.0f pairs/s (%.2f us/pair), %.3f s wall; "
      "mean F1+F2+FL %.4f\n",
      name, pairs.size(), cpu_seconds, count / cpu_seconds, 1e6 * cpu_seconds / count, seconds,
      checksum / count);
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path shared = CLINBENCH_SHARED_DATA_DIR;
  const std::filesystem::path meqsum_path =
      argc > 1 ? std::filesystem::path(argv[1]) : shared / "meqsum" / "meqsum.jsonl";
  const std::filesystem::path icd_path =
      argc > 2 ? std::filesystem::path(argv[2]) : shared / "icd10cm" / "icd10cm_order_2019.txt";
  const size_t pair_count = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 100000;

  try {
    const std::vector<MeqsumItem> items = read_meqsum(meqsum_path);
    if (items.size() < 2) {
      std::fprintf(stderr, "%s: need at least 2 items\n", meqsum_path.c_str());
      return 1;
    }
    std::vector<Pair> summary_pairs;
    std::vector<Pair> question_pairs;
    summary_pairs.reserve(pair_count);
    question_pairs.reserve(pair_count);
    for (size_t i = 0; i < pair_count; ++i) {
      const MeqsumItem& item = items[i % items.size()];
      const MeqsumItem& next = items[(i + 1) % items.size()];
      summary_pairs.push_back({item.summary, next.summary});
      question_pairs.push_back({item.summary, item.question});
    }
    std::printf("MeQSum: %zu items from %s; one thread\n", items.size(), meqsum_path.c_str());
    time_pairs("summary-summary", summary_pairs);
    time_pairs("summary-question", question_pairs);

    auto start = std::chrono::steady_clock::now();
    clinbench::IcdCodeSet code_set = clinbench::icd_code_set_load(icd_path);
    double seconds = seconds_since(start);
    std::printf("ICD-10-CM order file: %lld codes (%lld billable) loaded in %.3f s\n",
                static_cast<long long>(clinbench::icd_code_set_size(code_set)),
                static_cast<long long>(code_set.billable_count), seconds);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "bench_rouge: %s\n", error.what());
    return 1;
  }
  return 0;
}
