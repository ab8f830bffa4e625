#include <gtest/gtest.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include "backends/llama/token_embedder.h"
#include "metrics/bertscore.h"
#include "test_support.h"
namespace clinbench {
TEST(Timing, Throughput) {
  const char* override_path = std::getenv("TIMING_MODEL");
  std::string model = override_path ? override_path : testing::tiny_bert_model().string();
  int n = std::getenv("TIMING_N") ? std::atoi(std::getenv("TIMING_N")) : 1000;
  std::vector<std::string> words = {"patient", "reports", "chest", "pain", "with", "dyspnea", "and", "fever", "since", "yesterday", "metformin", "dose", "what", "is", "the", "risk", "of", "hypertension", "?", "."};
  std::vector<std::string> preds, refs;
  uint32_t state = 1;
  auto next = [&] { state = state * 1664525u + 1013904223u; return state >> 8; };
  long tokens_guess = 0;
  for (int i = 0; i < n; ++i) {
    std::string a, b;
    int la = 15 + int(next() % 20), lb = 10 + int(next() % 15);
    for (int k = 0; k < la; ++k) a += words[next() % words.size()] + " ";
    for (int k = 0; k < lb; ++k) b += words[next() % words.size()] + " ";
    preds.push_back(a); refs.push_back(b); tokens_guess += la + lb + 4;
  }
  std::vector<int> batches;
  { std::string list = std::getenv("TIMING_BATCHES") ? std::getenv("TIMING_BATCHES") : "512,2048";
    size_t at = 0; while (at < list.size()) { size_t comma = list.find(',', at); if (comma == std::string::npos) comma = list.size(); batches.push_back(std::atoi(list.substr(at, comma - at).c_str())); at = comma + 1; } }
  for (int batch : batches) {
    TokenEmbedderOptions o; o.batch_tokens = batch;
    auto t0 = std::chrono::steady_clock::now();
    auto e = open_token_embedder("gguf:" + model, o);
    auto t1 = std::chrono::steady_clock::now();
    std::vector<std::string> all = preds; all.insert(all.end(), refs.begin(), refs.end());
    auto emb = e->embed(all);
    auto t2 = std::chrono::steady_clock::now();
    long tokens = 0; for (auto& x : emb) tokens += long(x.tokens.size());
    auto scores = std::getenv("TIMING_PAIRS") ? bertscore_pairs(*e, preds, refs) : std::vector<BertScore>{};
    auto t3 = std::chrono::steady_clock::now();
    double load = std::chrono::duration<double>(t1 - t0).count(), embed = std::chrono::duration<double>(t2 - t1).count(), pairs = std::chrono::duration<double>(t3 - t2).count();
    std::printf("batch %d: load %.2fs; embed %zu texts %ld tokens in %.2fs = %.0f tokens/s %.0f texts/s; bertscore_pairs %d pairs %.2fs; meanF %.4f\n", batch, load, all.size(), tokens, embed, tokens / embed, all.size() / embed, n, pairs, metric_bertscore_mean(scores).f);
  }
  {
    auto e = open_token_embedder("gguf:" + model, {});
    int m = std::min(n, std::getenv("TIMING_ALONE") ? std::atoi(std::getenv("TIMING_ALONE")) : 200);
    auto t0 = std::chrono::steady_clock::now();
    long tokens = 0;
    for (int i = 0; i < m; ++i) tokens += long(e->embed(std::span<const std::string>(&preds[i], 1))[0].tokens.size());
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("one at a time: %d texts %ld tokens %.2fs = %.0f tokens/s\n", m, tokens, s, tokens / s);
  }
  if (std::getenv("TIMING_LAYER")) {
    TokenEmbedderOptions o; o.layer = std::atoi(std::getenv("TIMING_LAYER"));
    auto t0 = std::chrono::steady_clock::now();
    auto e = open_token_embedder("gguf:" + model, o);
    std::printf("open with layer %d: %.2fs\n", o.layer, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
}
}
namespace clinbench {
TEST(Timing, PerBatchComposition) {
  const char* override_path = std::getenv("TIMING_MODEL");
  std::string model = override_path ? override_path : testing::tiny_bert_model().string();
  std::vector<std::string> texts;
  for (int i = 0; i < 256; ++i) texts.push_back("The patient reports chest pain radiating to the left arm since this morning and fever " + std::to_string(i));
  auto e = open_token_embedder("gguf:" + model, {});
  for (int k : {1, 2, 4, 8, 16, 32, 64, 128}) {
    auto t0 = std::chrono::steady_clock::now();
    long tokens = 0;
    for (int start = 0; start + k <= 256; start += k) {
      auto r = e->embed(std::span<const std::string>(texts.data() + start, size_t(k)));
      for (auto& x : r) tokens += long(x.tokens.size());
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("texts per call %d: %ld tokens %.2fs = %.0f tokens/s\n", k, tokens, s, tokens / s);
  }
}
}
