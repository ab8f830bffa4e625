// Streams a generated multi-hundred-MB corpus through the audit's n-gram index (MedQA, PubMedQA
// and MMLU medical items, as `clinbench audit --tasks medqa,pubmedqa,mmlu_medical` builds it)
// and prints MB/s beside peers timed on the same files in the same run:
//   plain text and JSONL:   cat FILE > /dev/null   and   wc -l FILE
//   zstd:                   zstdcat FILE > /dev/null
// The issue asks for at least 50 MB/s. Files are read once untimed first, so every figure is
// from the page cache: the comparison is of CPU work, not of the disk. The corpus is MedQuAD
// answer sentences in seeded random order, 20 MedQA items planted whole; the bench checks that
// those 20 come out flagged. A program, not a test: it asserts nothing else.
//
//   bench_audit_scan [MB of text, default 300] [work folder]
// Without a work folder the files go to /tmp/clinbench-audit-bench and are removed at the end;
// a folder given is kept (to rerun on the same files or try `clinbench audit` on them).
#include <time.h>
#include <zstd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinbench/audit.h"
#include "clinbench/core.h"
#include "clinbench/kinds.h"

namespace {

using clinbench::AuditNgramIndex;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return double(now.tv_sec) + 1e-9 * double(now.tv_nsec);
}

std::vector<std::string> medquad_sentences(const std::filesystem::path& path) {
  std::vector<std::string> sentences;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json row = nlohmann::json::parse(line);
    std::string answer = row.value("answer", "");
    size_t start = 0;
    for (size_t i = 0; i < answer.size(); ++i) {
      if ((answer[i] == '.' || answer[i] == '\n') && i > start + 20) {
        sentences.push_back(answer.substr(start, i + 1 - start));
        start = i + 1;
      }
    }
  }
  return sentences;
}

void compress_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary);
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 3);
  std::vector<char> input(ZSTD_CStreamInSize()), output(ZSTD_CStreamOutSize());
  while (true) {
    in.read(input.data(), std::streamsize(input.size()));
    size_t got = size_t(in.gcount());
    bool last = got < input.size();
    ZSTD_inBuffer buffer_in{input.data(), got, 0};
    bool finished = false;
    while (!finished) {
      ZSTD_outBuffer buffer_out{output.data(), output.size(), 0};
      size_t remaining = ZSTD_compressStream2(context, &buffer_out, &buffer_in, last ? ZSTD_e_end : ZSTD_e_continue);
      out.write(output.data(), std::streamsize(buffer_out.pos));
      finished = last ? remaining == 0 : buffer_in.pos == buffer_in.size;
    }
    if (last) break;
  }
  ZSTD_freeCCtx(context);
}

// Wall seconds of a shell command (its output discarded).
double time_command(const std::string& command) {
  double start = now_seconds();
  int status = std::system((command + " > /dev/null").c_str());
  if (status != 0) std::fprintf(stderr, "warning: '%s' exited with %d\n", command.c_str(), status);
  return now_seconds() - start;
}

struct Row {
  std::string file;
  double file_mb = 0, text_mb = 0;
  std::string peer;
  double peer_seconds = 0;
  double scan_seconds = 0, scan_cpu_seconds = 0;
  int64_t matches = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const double target_mb = argc > 1 ? std::atof(argv[1]) : 300;
  const std::filesystem::path dir = argc > 2 ? argv[2] : "/tmp/clinbench-audit-bench";
  const std::filesystem::path shared = CLINBENCH_SHARED_DATA_DIR;
  try {
    std::filesystem::create_directories(dir);
    // The items.
    double start = now_seconds();
    AuditNgramIndex index(clinbench::kAuditDefaultNgram);
    std::vector<std::string> medqa_texts;
    size_t items = 0;
    for (const char* name : {"medqa", "pubmedqa", "mmlu_medical"}) {
      clinbench::TaskSpec spec = clinbench::task_spec_find(name);
      clinbench::TaskData data = clinbench::task_data_load(spec, clinbench::TaskDataOptions{shared, -1, 0, 1234});
      for (const clinbench::Example& example : data.examples) {
        std::vector<std::string> texts = clinbench::audit_item_texts(spec, data, example);
        index.add_item(texts);
        ++items;
        if (std::string(name) == "medqa") {
          std::string joined;
          for (const std::string& text : texts) joined += text + "\n";
          medqa_texts.push_back(joined);
        }
      }
    }
    std::printf("index: %zu items, %lld distinct 13-grams, built in %.2f s\n", items,
                (long long)index.distinct_ngrams(), now_seconds() - start);

    // The corpus: documents of 20-60 MedQuAD sentences; every 1/20 of the way a MedQA item.
    start = now_seconds();
    std::vector<std::string> sentences = medquad_sentences(shared / "medquad" / "medquad.jsonl");
    std::mt19937_64 random(42);
    std::ofstream text_out(dir / "corpus.txt", std::ios::binary), jsonl_out(dir / "corpus.jsonl", std::ios::binary);
    const double target_bytes = target_mb * 1e6;
    double written = 0;
    int planted = 0;
    for (int64_t document = 0; written < target_bytes; ++document) {
      std::string text;
      size_t count = 20 + random() % 41;
      for (size_t s = 0; s < count; ++s) text += sentences[random() % sentences.size()] + " ";
      if (written >= target_bytes * planted / 20 && planted < 20) {
        text += medqa_texts[size_t(planted) * (medqa_texts.size() / 20)];
        ++planted;
      }
      text_out << text << "\n\n";
      jsonl_out << nlohmann::json{{"id", document}, {"text", text}}.dump() << "\n";
      written += double(text.size());
    }
    text_out.close();
    jsonl_out.close();
    compress_file(dir / "corpus.txt", dir / "corpus.txt.zst");
    compress_file(dir / "corpus.jsonl", dir / "corpus.jsonl.zst");
    std::printf("corpus: %.0f MB of text, %d MedQA items planted, written and compressed in %.1f s\n",
                written / 1e6, planted, now_seconds() - start);

    std::vector<Row> rows;
    for (const char* name : {"corpus.txt", "corpus.jsonl", "corpus.txt.zst", "corpus.jsonl.zst"}) {
      std::filesystem::path file = dir / name;
      bool zstd = std::string(name).ends_with(".zst");
      time_command("cat '" + file.string() + "'");  // into the page cache, untimed
      std::vector<std::pair<std::string, std::string>> peers;
      if (zstd) {
        peers = {{"zstdcat", "zstdcat '" + file.string() + "'"}};
      } else {
        peers = {{"cat", "cat '" + file.string() + "'"}, {"wc -l", "wc -l '" + file.string() + "'"}};
      }
      double scan_start = now_seconds(), cpu_start = thread_cpu_seconds();
      clinbench::AuditCorpusStats stats = clinbench::audit_corpus_scan(file, index, {});
      double scan_seconds = now_seconds() - scan_start, scan_cpu = thread_cpu_seconds() - cpu_start;
      for (const auto& [peer, command] : peers) {
        Row row;
        row.file = name;
        row.file_mb = double(stats.file_bytes) / 1e6;
        row.text_mb = double(stats.text_bytes) / 1e6;
        row.peer = peer;
        row.peer_seconds = time_command(command);
        row.scan_seconds = scan_seconds;
        row.scan_cpu_seconds = scan_cpu;
        row.matches = stats.matches;
        rows.push_back(row);
      }
    }

    std::printf("\n%-17s %8s %8s  %-8s %10s %12s %12s %12s  %s\n", "file", "disk MB", "text MB", "peer",
                "peer MB/s", "audit MB/s", "audit s", "audit CPU s", "audit / peer");
    for (const Row& row : rows) {
      // Both in MB of text per second: what cat or zstdcat writes out, what the audit reads.
      double peer_rate = row.text_mb / row.peer_seconds;
      double scan_rate = row.text_mb / row.scan_seconds;
      double ratio = scan_rate / peer_rate;
      std::printf("%-17s %8.1f %8.1f  %-8s %10.1f %12.1f %12.2f %12.2f  %.3f\n", row.file.c_str(), row.file_mb,
                  row.text_mb, row.peer.c_str(), peer_rate, scan_rate, row.scan_seconds, row.scan_cpu_seconds, ratio);
    }
    std::printf("(MB/s: MB of text, decompressed, per second of wall time; audit CPU s: this thread's CPU time)\n");

    // The planted items are found; every scan marks the same ones.
    int flagged = 0;
    for (size_t i = 0; i < medqa_texts.size(); ++i) {
      std::optional<double> overlap = index.item_overlap(i).overlap();
      flagged += overlap && *overlap >= clinbench::kAuditDefaultThreshold;
    }
    std::printf("MedQA items flagged: %d (planted %d)\n", flagged, planted);
    if (argc <= 2) std::filesystem::remove_all(dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
