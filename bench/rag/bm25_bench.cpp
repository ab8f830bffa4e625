// clinbench's BM25 retrieval on MedQuAD (16,407 answers, titled by their questions) against
// Xapian used directly, in one run on one thread:
//   build   rag_index_build (corpus read, passages, Xapian with stored passages, id and chunk
//           values, manifest, atomic rename) against a bare Xapian loop over the same documents
//           (TermGenerator with the same stemming, the text as document data, one commit);
//   search  RagIndex::search over every MedQuAD question (k = 5, what `run --rag` asks, and
//           k = 100, what `index eval` reads) against Xapian::QueryParser + Enquire, the way a
//           Xapian user writes it, reading each hit's document as clinbench reads its id.
// Prints CPU seconds (this thread) and wall seconds of each side and their ratio. A program, not
// a test: it asserts nothing. bench/rag/run.sh runs it beside the CLI figures.
//
//   bench_rag_bm25 [medquad.jsonl] [work folder]
#include <time.h>
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "clinbench/rag.h"

namespace {

struct Timing {
  double cpu = 0;
  double wall = 0;
};

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return double(now.tv_sec) + 1e-9 * double(now.tv_nsec);
}

template <typename Work>
Timing timed(Work&& work) {
  auto start = std::chrono::steady_clock::now();
  double cpu_start = thread_cpu_seconds();
  work();
  return {thread_cpu_seconds() - cpu_start,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

// count items in each side's time: CPU seconds, items per CPU second, and the ratios.
void print_row(const char* what, double count, Timing ours, Timing peer) {
  std::printf("%-22s %10.3f %10.3f %10.0f %10.0f %8.2f %8.2f\n", what, ours.cpu, peer.cpu, count / ours.cpu,
              count / peer.cpu, ours.cpu / peer.cpu, ours.wall / peer.wall);
}

Xapian::TermGenerator generator() {
  Xapian::TermGenerator terms;
  terms.set_stemmer(Xapian::Stem("english"));
  terms.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
  return terms;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::filesystem::path corpus = argc > 1 ? argv[1] : std::filesystem::path(CLINBENCH_SHARED_DATA_DIR) / "medquad/medquad.jsonl";
    std::filesystem::path work = argc > 2 ? argv[2] : std::filesystem::temp_directory_path() / "clinbench-bench-rag";
    std::filesystem::remove_all(work);
    std::filesystem::create_directories(work);

    clinbench::RagBuildOptions options;
    options.corpus.path = corpus;
    options.corpus.text_field = "answer";
    options.corpus.title_field = "question";
    std::vector<clinbench::RagDocument> documents = clinbench::rag_corpus_read(options.corpus);
    std::vector<std::string> questions;
    for (const clinbench::RagDocument& document : documents) questions.push_back(document.title);
    const double count = double(documents.size());

    Timing ours_build = timed([&] { clinbench::rag_index_build(options, work / "clinbench"); });
    Timing peer_build = timed([&] {
      Xapian::WritableDatabase database((work / "xapian").string(), Xapian::DB_CREATE);
      Xapian::TermGenerator terms = generator();
      for (const clinbench::RagDocument& document : documents) {
        Xapian::Document row;
        terms.set_document(row);
        terms.index_text_without_positions(document.title);
        terms.index_text_without_positions(document.text);
        row.set_data(document.text);
        database.add_document(row);
      }
      database.commit();
    });

    clinbench::RagIndex index(work / "clinbench");
    Xapian::Database database((work / "xapian").string());
    Xapian::QueryParser parser;
    parser.set_stemmer(Xapian::Stem("english"));
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_ALL_Z);
    parser.set_default_op(Xapian::Query::OP_OR);
    std::printf("MedQuAD: %zu documents, %zu questions as queries, one thread\n", documents.size(), questions.size());
    std::printf("%-22s %10s %10s %10s %10s %8s %8s\n", "", "cpu s", "peer cpu", "per s", "peer /s", "ratio", "wall r.");
    print_row("build (documents)", count, ours_build, peer_build);
    for (int32_t k : {5, 100}) {
      size_t found = 0;
      Timing ours = timed([&] {
        for (const auto& hits : index.search(questions, clinbench::RagMode::bm25, k)) found += hits.size();
      });
      size_t peer_found = 0;
      Timing peer = timed([&] {
        Xapian::Enquire enquire(database);
        for (const std::string& question : questions) {
          enquire.set_query(parser.parse_query(question));
          Xapian::MSet matches = enquire.get_mset(0, Xapian::doccount(k));
          for (auto match = matches.begin(); match != matches.end(); ++match) {
            peer_found += match.get_document().get_data().empty() ? 0 : 1;
          }
        }
      });
      std::string label = "search k=" + std::to_string(k) + " (queries)";
      print_row(label.c_str(), count, ours, peer);
      std::printf("  hits: clinbench %zu, peer %zu\n", found, peer_found);
    }
    std::printf("ratio: clinbench cpu / peer cpu (below 1: clinbench faster); wall r.: the same in wall time\n");
    std::filesystem::remove_all(work);
  } catch (const clinbench::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  } catch (const Xapian::Error& e) {
    std::fprintf(stderr, "xapian: %s\n", e.get_description().c_str());
    return 1;
  }
  return 0;
}
