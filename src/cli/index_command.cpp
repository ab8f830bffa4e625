// clinbench index build|search|eval: a retrieval index over a corpus for `run --rag`, looking
// into it, and how well it finds documents whose gold is known.
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "cli/option_ranges.h"
#include "clinbench/engine.h"
#include "clinbench/rag.h"
#include "cli/progress_bar.h"

namespace clinbench::cli {

namespace {

struct IndexBuildSettings {
  RagBuildOptions options;
  std::string corpus_format = "jsonl";
  std::filesystem::path out;
  std::filesystem::path cache;  // passage vectors stored and read back; empty = none
};

struct IndexSearchSettings {
  std::filesystem::path index;
  std::string query;
  int32_t k = 5;
  std::string mode = "bm25";
  RagOpenOptions open;
};

struct IndexEvalSettings {
  std::filesystem::path index;
  std::filesystem::path queries;
  std::string queries_format = "jsonl";
  std::string query_field;
  std::string id_field;
  std::string gold_field;
  std::string mode = "bm25";
  std::vector<int32_t> ks = {1, 5, 10, 20};
  int32_t depth = 100;
  int64_t limit = -1;
  std::filesystem::path output;
  RagOpenOptions open;
};

void add_open_options(CLI::App& app, RagOpenOptions& open) {
  app.add_option("--rag-embed-model", open.embed_model,
                 "dense/hybrid: gguf:PATH of the index's embedding model when it has moved (its SHA-256 must "
                 "match the manifest's)");
  app.add_option("--threads", open.threads, "CPU threads for the embedding model (0 = all cores)")
      ->check(option_at_least(0))->capture_default_str();
}

int run_build(IndexBuildSettings& settings) {
  settings.options.corpus.format = dataset_format_from_name(settings.corpus_format);
  // Passages go through the scheduler like every embedding request: identical ones are embedded
  // once, and with --cache each is stored as it comes (task "index:OUT"), so a killed build of a
  // large corpus resumes where it stopped.
  std::unique_ptr<ResponseCache> cache;
  if (!settings.cache.empty()) {
    if (settings.options.embed_model.empty()) {
      throw Error("index build: --cache holds passage vectors; it needs --embed-model");
    }
    cache = std::make_unique<ResponseCache>(settings.cache);
  }
  std::filesystem::path out_name = settings.out.filename().empty() ? settings.out.parent_path().filename()
                                                                   : settings.out.filename();
  const std::string cache_task = "index:" + out_name.string();
  ScheduleCounts passage_counts;
  settings.options.embed = [&](Backend& embedder, std::span<const EmbeddingRequest> requests,
                               const ProgressCallback& progress) {
    EmbeddingResults embedded = schedule_embedding(embedder, cache.get(), cache_task, requests, progress);
    passage_counts.total += embedded.counts.total;
    passage_counts.computed += embedded.counts.computed;
    passage_counts.from_cache += embedded.counts.from_cache;
    return std::move(embedded.responses);
  };
  std::map<std::string, std::unique_ptr<ProgressBar>> bars;
  RagBuildResult result = rag_index_build(settings.options, settings.out,
                                          [&bars](std::string_view stage, int64_t done, int64_t total) {
                                            std::unique_ptr<ProgressBar>& bar = bars[std::string(stage)];
                                            if (!bar) bar = std::make_unique<ProgressBar>("index " + std::string(stage), "passages");
                                            bar->update(done, total);
                                          });
  bars.clear();  // finishes the bars' lines before the summary
  const nlohmann::json& manifest = result.manifest;
  int64_t passages = manifest["passages"].get<int64_t>();
  std::printf("index: %s\n", settings.out.c_str());
  std::printf("documents %lld, passages %lld (chunking: %s)\n", (long long)manifest["corpus"]["documents"].get<int64_t>(),
              (long long)passages, manifest["chunking"]["tokenizer"].get<std::string>().c_str());
  std::printf("BM25 %.2f s (%.0f passages/s)", result.seconds_bm25,
              result.seconds_bm25 > 0 ? double(passages) / result.seconds_bm25 : 0.0);
  if (manifest["dense"].is_object()) {
    std::printf(", dense %.2f s (%.1f passages/s, %lld cut to the model's length)", result.seconds_dense,
                result.seconds_dense > 0 ? double(passages) / result.seconds_dense : 0.0,
                (long long)manifest["dense"]["truncated_passages"].get<int64_t>());
  }
  std::printf(", total %.2f s\n", result.seconds_total);
  if (manifest["dense"].is_object()) {
    std::printf("passage vectors: %lld distinct texts, %lld embedded, %lld from the cache%s\n",
                (long long)passage_counts.total, (long long)passage_counts.computed,
                (long long)passage_counts.from_cache, cache ? (" " + settings.cache.string()).c_str() : " (no --cache)");
  }
  return 0;
}

int run_search(const IndexSearchSettings& settings) {
  RagIndex index(settings.index, settings.open);
  std::vector<std::string> queries = {settings.query};
  std::vector<RagHit> hits = index.search(queries, rag_mode_from_name(settings.mode), settings.k)[0];
  if (hits.empty()) std::printf("no passage matches\n");
  for (size_t h = 0; h < hits.size(); ++h) {
    RagPassage passage = index.passage(hits[h].passage);
    std::string preview = passage.text.substr(0, 160);
    for (char& c : preview) c = c == '\n' ? ' ' : c;
    std::printf("%zu. %s#%d  score %.6g\n   %s%s%s\n", h + 1, passage.document_id.c_str(), passage.chunk, hits[h].score,
                passage.title.empty() ? "" : (passage.title + " | ").c_str(), preview.c_str(),
                passage.text.size() > 160 ? "..." : "");
  }
  return 0;
}

int run_eval(const IndexEvalSettings& settings) {
  RagMode mode = rag_mode_from_name(settings.mode);
  std::vector<Record> records = read_dataset(settings.queries, {dataset_format_from_name(settings.queries_format), {}});
  if (settings.limit >= 0 && int64_t(records.size()) > settings.limit) records.resize(size_t(settings.limit));
  std::vector<std::string> queries;
  std::vector<std::string> gold;
  for (const Record& record : records) {
    queries.push_back(record_field_string(record, settings.query_field));
    if (!settings.gold_field.empty()) {
      gold.push_back(record_field_string(record, settings.gold_field));
    } else {
      // The id the document got when the same file was indexed (rag_corpus_read's rule).
      std::string own = record.key.empty() ? std::to_string(record.position) : record.key;
      gold.push_back(settings.id_field.empty() ? own : record_field_string(record, settings.id_field));
    }
  }
  int32_t max_k = settings.depth;
  for (int32_t k : settings.ks) max_k = std::max(max_k, k);
  RagIndex index(settings.index, settings.open);
  index.prepare(mode);  // the model loads outside the timing
  auto start = std::chrono::steady_clock::now();
  std::vector<std::vector<RagHit>> hits;
  {
    ProgressBar bar("retrieval " + settings.mode, "queries");
    hits = index.search(queries, mode, max_k, [&bar](int64_t done, int64_t total) { bar.update(done, total); });
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<std::vector<std::string>> ranked(hits.size());
  for (size_t q = 0; q < hits.size(); ++q) {
    for (const RagHit& hit : hits[q]) ranked[q].push_back(hit.document_id);
  }
  RagQualityResult quality = rag_quality(ranked, gold, settings.ks, settings.depth);

  std::printf("index %s, mode %s, %lld queries from %s\n", settings.index.c_str(), settings.mode.c_str(),
              (long long)quality.queries, settings.queries.c_str());
  nlohmann::json recall = nlohmann::json::object();
  for (size_t i = 0; i < quality.ks.size(); ++i) {
    std::printf("recall@%-4d %.4f\n", quality.ks[i], quality.recall[i]);
    recall[std::to_string(quality.ks[i])] = quality.recall[i];
  }
  double per_second = seconds > 0 ? double(quality.queries) / seconds : 0.0;
  std::printf("MRR@%-7d %.4f\n", quality.depth, quality.mrr);
  std::printf("%.1f queries/s (%.3f s for %lld queries, %d passages each)\n", per_second, seconds,
              (long long)quality.queries, max_k);
  if (!settings.output.empty()) {
    nlohmann::json report = {{"index", settings.index.string()},
                             {"manifest", index.manifest()},
                             {"mode", settings.mode},
                             {"queries_file", settings.queries.string()},
                             {"query_field", settings.query_field},
                             {"queries", quality.queries},
                             {"recall_at", recall},
                             {"mrr", quality.mrr},
                             {"mrr_depth", quality.depth},
                             {"seconds", seconds},
                             {"queries_per_second", per_second}};
    write_file_atomic(settings.output, report.dump(2) + "\n");
    std::printf("written: %s\n", settings.output.c_str());
  }
  return 0;
}

}  // namespace

Command add_index_command(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "index",
      "Retrieval indexes for retrieval-augmented runs (docs/rag.md): `index build` indexes a corpus,\n"
      "`index search` shows what a query finds, `index eval` measures recall@k and MRR where each\n"
      "query's gold document is known. Then: clinbench run ... --rag DIR");
  app->require_subcommand(1);

  auto build = std::make_shared<IndexBuildSettings>();
  CLI::App* build_app = app->add_subcommand(
      "build",
      "Index a corpus: BM25 (Xapian), and with --embed-model also dense vectors (HNSW). One document\n"
      "a record; with --chunk-tokens each document is cut into passages of whole words. Without an\n"
      "embedding model tokens are whitespace-separated words; with one, the model's word pieces.\n"
      "The index is written to OUT.tmp-* and renamed to OUT when complete: an interrupted build\n"
      "leaves no folder that opens as an index.\n"
      "Example: clinbench index build --corpus data/medquad/medquad.jsonl --text-field answer \\\n"
      "           --title-field question --out indexes/medquad   (MedQuAD repeats ids: numbered by line)");
  build_app->add_option("--corpus", build->options.corpus.path, "the documents: one JSON object a line (see --corpus-format)")
      ->required()
      ->check(CLI::ExistingFile);
  build_app->add_option("--corpus-format", build->corpus_format,
                        "jsonl, json_array, json_object (records keyed by id, e.g. PubMedQA's ori_pqal.json), csv")
      ->check(CLI::IsMember({"jsonl", "json_array", "json_object", "csv"}))
      ->capture_default_str();
  build_app->add_option("--id-field", build->options.corpus.id_field,
                        "field holding each document's unique id; default: the record's key (json_object), else its\n"
                        "0-based position in the file");
  build_app->add_option("--text-field", build->options.corpus.text_field,
                        "field holding the text (a string, or a list of strings joined by newlines)")
      ->required();
  build_app->add_option("--title-field", build->options.corpus.title_field,
                        "optional field holding a title, indexed and shown with the text");
  build_app->add_option("--out", build->out, "the index folder to write")->required();
  build_app->add_option("--chunk-tokens", build->options.chunking.tokens,
                        "passage length in tokens (0 = whole documents, one passage each)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  build_app->add_option("--chunk-overlap", build->options.chunking.overlap,
                        "tokens shared by consecutive passages of a document (below --chunk-tokens)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  build_app->add_option("--embed-model", build->options.embed_model,
                        "gguf:PATH of a BERT-style embedding GGUF: adds dense vectors (mean-pooled, normalised) for\n"
                        "--rag-mode dense and hybrid");
  build_app->add_flag("--overwrite", build->options.overwrite, "replace an existing index at --out");
  build_app->add_option("--cache", build->cache,
                        "response cache file (SQLite) for the passage vectors: each is stored as it is embedded, so\n"
                        "a killed build resumes; several builds may share it (entries' task: index:OUT)");
  build_app->add_option("--threads", build->options.threads, "CPU threads for the embedding model (0 = all cores)")
      ->check(option_at_least(0))->capture_default_str();
  build_app->add_option("--gpu-layers", build->options.gpu_layers, "embedding model layers on the GPU (-1 = all)")
      ->check(option_at_least(-1, "at least 0 (or -1: all)"))->capture_default_str();

  auto search = std::make_shared<IndexSearchSettings>();
  CLI::App* search_app = app->add_subcommand(
      "search", "Print the best passages for one query.\nExample: clinbench index search --index indexes/medquad --query \"What causes gout?\"");
  search_app->add_option("--index", search->index, "an index folder written by `index build`")->required();
  search_app->add_option("--query", search->query, "the text to search for")->required();
  search_app->add_option("--k", search->k, "passages to show")->check(CLI::Range(1, 1000))->capture_default_str();
  search_app->add_option("--mode", search->mode, "bm25, dense or hybrid (reciprocal rank fusion of both)")
      ->check(CLI::IsMember({"bm25", "dense", "hybrid"}))
      ->capture_default_str();
  add_open_options(*search_app, search->open);

  auto eval = std::make_shared<IndexEvalSettings>();
  CLI::App* eval_app = app->add_subcommand(
      "eval",
      "Retrieval quality where each query's gold document is known: recall@k (the gold among the first\n"
      "k documents) and MRR (mean of 1/rank of the gold within --depth passages), over documents (a\n"
      "document ranks by its best passage), and queries per second.\n"
      "Example (PubMedQA, each question's own abstract among all 1,000):\n"
      "  clinbench index build --corpus data/pubmedqa/ori_pqal.json --corpus-format json_object \\\n"
      "    --text-field CONTEXTS --out indexes/pubmedqa\n"
      "  clinbench index eval --index indexes/pubmedqa --queries data/pubmedqa/ori_pqal.json \\\n"
      "    --queries-format json_object --query-field QUESTION");
  eval_app->add_option("--index", eval->index, "an index folder written by `index build`")->required();
  eval_app->add_option("--queries", eval->queries, "records holding a query and its gold document id")
      ->required()
      ->check(CLI::ExistingFile);
  eval_app->add_option("--queries-format", eval->queries_format, "jsonl, json_array, json_object or csv")
      ->check(CLI::IsMember({"jsonl", "json_array", "json_object", "csv"}))
      ->capture_default_str();
  eval_app->add_option("--query-field", eval->query_field, "field holding the query text")->required();
  eval_app->add_option("--gold-field", eval->gold_field, "field holding the id of the document the query should find");
  eval_app->add_option("--id-field", eval->id_field,
                       "without --gold-field the query's own id is its gold: this field, else the record's key\n"
                       "(json_object) or its 0-based position, as `index build` numbers documents");
  eval_app->add_option("--mode", eval->mode, "bm25, dense or hybrid")
      ->check(CLI::IsMember({"bm25", "dense", "hybrid"}))
      ->capture_default_str();
  eval_app->add_option("--k", eval->ks, "recall cut-offs, comma-separated")->delimiter(',')->check(CLI::Range(1, 10000));
  eval_app->add_option("--depth", eval->depth, "passages read per query for MRR")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  eval_app->add_option("--limit", eval->limit, "only the first N queries");
  eval_app->add_option("--output", eval->output, "also write the figures as JSON to this file");
  add_open_options(*eval_app, eval->open);

  return {app, [build_app, build, search_app, search, eval_app, eval] {
            if (build_app->parsed()) return run_build(*build);
            if (search_app->parsed()) return run_search(*search);
            if (eval_app->parsed()) return run_eval(*eval);
            return 1;
          }};
}

}  // namespace clinbench::cli
