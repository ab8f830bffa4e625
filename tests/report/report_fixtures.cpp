#include "report_fixtures.h"

#include "report_browser.h"
#include "run_fixtures.h"

namespace clinbench::testing {

namespace {

// A fixed, portable stream of 0..999 (no std:: distributions: the same on every platform).
struct Draws {
  uint64_t state;
  int next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return int((state >> 33) % 1000);
  }
};

FixtureTask task_with(const std::string& name, std::vector<std::string> metrics, int items,
                      uint64_t seed, double accuracy, double failure) {
  Draws draws{seed};
  FixtureTask task{name, metrics, {}};
  for (int i = 0; i < items; ++i) {
    FixtureSample sample;
    // A task's generation twin (medqa_gen) asks the same items: the same ids.
    sample.id = (name.ends_with("_gen") ? name.substr(0, name.size() - 4) : name) + "-" + std::to_string(i + 1);
    sample.prompt =
        "Question " + std::to_string(i + 1) + ": a 54-year-old man presents with chest pain...";
    bool failed = draws.next() < failure * 1000;
    bool right = !failed && draws.next() < accuracy * 1000;
    for (const std::string& metric : metrics) {
      if (metric == "extraction_failure")
        sample.scores[metric] = failed ? 1 : 0;
      else if (metric.find("hallucination") != std::string::npos)
        sample.scores[metric] = right ? 0 : 1;
      else if (metric.rfind("rouge", 0) == 0)
        sample.scores[metric] = failed ? 0 : accuracy * draws.next() / 1000.0;
      else
        sample.scores[metric] = right ? 1 : 0;
    }
    sample.extracted = failed ? "" : std::string(1, char('A' + draws.next() % 4));
    sample.response = failed ? "I am not sure." : "The correct answer is " + sample.extracted + ".";
    if (failed) sample.status = "extraction_failed";
    if (name == "medqa") {
      // Four options, the gold one ("A") highest exactly when the item is right.
      for (int option = 0; option < 4; ++option) sample.option_loglikelihoods.push_back(-2.0 - draws.next() / 250.0);
      if (right) sample.option_loglikelihoods[0] = 0.5;
      else sample.option_loglikelihoods[1 + draws.next() % 3] = 0.5;
    }
    // LongHealth asks each question 5 times: the draws of a question are one cluster.
    if (name.rfind("longhealth", 0) == 0) sample.cluster = name + "/q" + std::to_string(i / 5);
    task.samples.push_back(sample);
  }
  return task;
}

void plant(FixtureTask& task) {
  FixtureSample& first = task.samples.front();
  first.response = std::string("Model output: ") + kPlantedScript + " and " + kPlantedImage;
  first.prompt = std::string("Dataset text with ") + kPlantedImage;
  first.target = std::string("</script><script>document.title='PWNED'</script>");
  first.extracted = kPlantedImage;
}

std::vector<FixtureTask> model_tasks(uint64_t seed, double skill, double failure) {
  std::vector<FixtureTask> tasks = {
      task_with("medqa", {"acc", "acc_norm"}, 120, seed + 1, skill, 0),
      task_with("medqa_gen", {"acc", "extraction_failure"}, 120, seed + 2, skill, failure),
      task_with("meqsum", {"rouge1", "rouge2", "rougeL"}, 60, seed + 3, skill, failure / 2),
      task_with("longhealth_task3", {"acc", "hallucination_rate"}, 80, seed + 4, skill, 0),
  };
  plant(tasks[0]);  // the first sample of the first run is what the browser opens with
  return tasks;
}

}  // namespace

std::vector<std::filesystem::path> report_fixture_runs(const std::filesystem::path& dir) {
  // The same seeds per task keep the items' ids equal; skills differ so some pairs differ.
  fixture_run_write(dir / "base", "Meta-Llama-3-8B-Instruct", model_tasks(100, 0.62, 0.05));
  fixture_run_write(dir / "tuned-a", "Llama3-OpenBioLLM-8B", model_tasks(200, 0.35, 0.25));
  fixture_run_write(dir / "tuned-b", "Llama3-Aloe-8B-Alpha", model_tasks(300, 0.60, 0.08));
  return {dir / "base", dir / "tuned-a", dir / "tuned-b"};
}

}  // namespace clinbench::testing
