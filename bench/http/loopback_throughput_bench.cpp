// The server backend's HTTP client against loopback servers in this process (sharing the cores
// with the client):
// 1. a server that answers at once: requests per second through the client (target: >= 2,000/s
//    on a 2-core machine, so that the client is never what limits a run);
// 2. a model of a GPU server with 8 parallel slots, each answer taking 50 ms however many slots
//    are busy: 64 prompts one at a time against clinbench's client (ideal ratio: 8). This
//    isolates the client's part of the llama-server figure (bench_http_llama_server), which on
//    a small CPU machine is bounded by the server's compute instead.
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

  testing::FakeServerOptions slotted_options;
  slotted_options.answer_delay_seconds = 0.05;
  slotted_options.slots = 8;
  testing::FakeOpenaiServer slotted(slotted_options);
  std::vector<GenerationRequest> prompts(requests.begin(), requests.begin() + 64);
  options.concurrency = 1;
  auto one_at_a_time = open_backend("openai:" + slotted.api_url(), options);
  options.concurrency = 32;
  auto many = open_backend("openai:" + slotted.api_url(), options);
  auto time_run = [&](Backend& client) {
    auto start = std::chrono::steady_clock::now();
    client.generate(prompts, [](size_t, GenerationResponse&&) {}, {});
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (int round = 0; round < 3; ++round) {
    double sequential = time_run(*one_at_a_time);
    double concurrent = time_run(*many);
    std::printf("8-slot server model, 50 ms per answer, 64 prompts: one at a time %.2f s, clinbench client %.2f s, "
                "ratio %.2f (ideal 8)\n", sequential, concurrent, sequential / concurrent);
  }
  return 0;
}
