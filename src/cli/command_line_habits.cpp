#include "cli/command_line_habits.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

namespace clinbench::cli {

namespace {

// Other harnesses' names for options clinbench shares with them, where the meaning is the same.
// (lm-eval's --batch_size counts requests and clinbench's --batch-size tokens: not listed.)
struct ForeignSpelling {
  const char* foreign;
  const char* ours;
};
constexpr ForeignSpelling kForeignSpellings[] = {
    {"--output_path", "--output-dir"},        // lm-eval (a folder there too when it has no .json)
    {"--output-path", "--output-dir"},
    {"--use_cache", "--cache"},               // lm-eval: the SQLite file of responses
    {"--log-dir", "--output-dir"},            // inspect_ai
    {"--max-connections", "--concurrency"},   // inspect_ai: requests in flight to a server
    {"--max_connections", "--concurrency"},
};

bool looks_like_number(const std::string& token) {
  char* end = nullptr;
  std::strtod(token.c_str(), &end);
  return end != token.c_str() && *end == '\0';
}

bool is_option_token(const std::string& token) {
  return token.size() >= 2 && token[0] == '-' && token != "--" && !looks_like_number(token);
}

// The subcommand the arguments choose (nested ones included) and where its arguments start.
CLI::App* chosen_subcommand(CLI::App& app, const std::vector<std::string>& args) {
  CLI::App* current = &app;
  for (const std::string& token : args) {
    if (token == "--") break;
    if (is_option_token(token)) continue;
    for (CLI::App* sub : current->get_subcommands([](CLI::App*) { return true; })) {
      if (sub->check_name(token)) {
        current = sub;
        break;
      }
    }
  }
  return current;
}

std::set<std::string> option_names(CLI::App& app) {
  std::set<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames()) names.insert("--" + name);
    for (const std::string& name : option->get_snames()) names.insert("-" + name);
  }
  return names;
}

std::string command_path(const CLI::App& app) {
  std::string path;
  for (const CLI::App* at = &app; at != nullptr && at->get_parent() != nullptr; at = at->get_parent()) {
    path = at->get_name() + (path.empty() ? "" : " " + path);
  }
  return "clinbench" + (path.empty() ? "" : " " + path);
}

// Edit distance with transpositions (optimal string alignment), case-insensitive.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                            std::tolower(static_cast<unsigned char>(b[j - 1]))
                        ? 0
                        : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string name_part(const std::string& token) { return token.substr(0, token.find('=')); }

}  // namespace

std::string model_spec_with_scheme(const std::string& spec) {
  if (spec.size() < 5 || spec.find(':') != std::string::npos) return spec;
  std::string tail = spec.substr(spec.size() - 5);
  std::transform(tail.begin(), tail.end(), tail.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return tail == ".gguf" ? "gguf:" + spec : spec;
}

std::vector<std::string> command_line_translate_spellings(CLI::App& app, std::vector<std::string>& args) {
  CLI::App* sub = chosen_subcommand(app, args);
  std::set<std::string> known = option_names(*sub);
  std::vector<std::string> rewrites;
  for (std::string& token : args) {
    if (token == "--") break;
    if (token.rfind("--", 0) != 0 || looks_like_number(token)) continue;
    std::string name = name_part(token);
    if (known.count(name)) continue;
    std::string ours;
    std::string dashed = name;
    std::replace(dashed.begin(), dashed.end(), '_', '-');
    if (known.count(dashed)) ours = dashed;
    for (const ForeignSpelling& spelling : kForeignSpellings) {
      if (ours.empty() && name == spelling.foreign && known.count(spelling.ours)) ours = spelling.ours;
    }
    if (ours.empty()) continue;
    rewrites.push_back(name + " -> " + ours);
    token = ours + token.substr(name.size());
  }
  return rewrites;
}

std::vector<std::string> command_line_unknown_option_hints(CLI::App& app, const std::vector<std::string>& args) {
  CLI::App* sub = chosen_subcommand(app, args);
  std::set<std::string> known = option_names(*sub);
  std::vector<std::string> hints;
  for (const std::string& token : args) {
    if (token == "--") break;
    if (!is_option_token(token)) continue;
    std::string name = name_part(token);
    if (known.count(name)) continue;
    std::string best;
    size_t best_distance = SIZE_MAX;
    for (const std::string& candidate : known) {
      if (candidate.rfind("--", 0) != 0) continue;
      size_t distance = edit_distance(name, candidate);
      if (distance < best_distance) {
        best_distance = distance;
        best = candidate;
      }
    }
    // Close enough to be a slip, not a different word: at most a third of the name.
    bool close = !best.empty() && best_distance <= std::max<size_t>(2, name.size() / 3);
    hints.push_back("unknown option " + name + " for `" + command_path(*sub) + "`" +
                    (close ? "; did you mean " + best + "?" : "; see `" + command_path(*sub) + " --help`"));
  }
  return hints;
}

ItemLimit item_limit_parse(const std::string& text) {
  const std::string range =
      "--limit must be a number of items (a whole number, 1 or more) or a fraction of each task's "
      "items between 0 and 1 (e.g. 0.1), not '" + text + "'";
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end == text.c_str() || *end != '\0' || !std::isfinite(value) || value <= 0) {
    throw CLI::ValidationError(range);
  }
  ItemLimit limit;
  if (value < 1) {
    limit.fraction = value;
  } else {
    if (value != std::floor(value) || value > 9.0e15) throw CLI::ValidationError(range);
    limit.items = int64_t(value);
  }
  return limit;
}

}  // namespace clinbench::cli
