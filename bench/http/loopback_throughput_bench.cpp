// Requests per second through the server backend's HTTP client against a loopback server that
// answers at once (target: >= 2,000/s on a 2-core machine, so that the client is never what
// limits a run). The server runs in this process and shares the cores with the client.
//
//   bench_http_loopback [requests=20000] [concurrency=32]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "clinbench/backends.h"
#include "fake_openai_server.h"

int main(int argc, char** argv) {
  using namespace clinbench;
  size_t count = argc > 1 ? size_t(std::atol(argv[1])) : 20000;
  int32_t concurrency = argc > 2 ? std::atoi(argv[2]) : 32;

  testing::FakeServerOptions server_options;
  server_options.threads = size_t(concurrency) + 8;  // a thread per kept-alive connection
  testing::FakeOpenaiServer server(server_options);
  BackendOptions options;
  options.model_name = "test";
  options.api_key_env = "CLINBENCH_BENCH_NO_KEY";
  options.concurrency = concurrency;
  auto backend = open_backend("openai:" + server.api_url(), options);

  std::vector<GenerationRequest> requests(count);
  for (size_t i = 0; i < count; ++i) {
    if (i % 2) {
      requests[i].chat.messages = {{"system", "You are a careful clinician."},
                                   {"user", "Question " + std::to_string(i) + ": which drug reverses heparin?"}};
    } else {
      requests[i].prompt = "Question " + std::to_string(i) + ": which drug reverses heparin?\nAnswer:";
    }
    requests[i].max_tokens = 8;
  }

  for (int round = 0; round < 3; ++round) {
    size_t ok = 0;
    auto start = std::chrono::steady_clock::now();
    backend->generate(requests, [&](size_t, GenerationResponse&& r) { ok += r.status == RequestStatus::ok; }, {});
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("loopback, instant answers: %zu requests (%zu ok), concurrency %d: %.2f s, %.0f requests/s "
                "(target >= 2000)\n", count, ok, concurrency, seconds, double(count) / seconds);
  }
  return 0;
}
