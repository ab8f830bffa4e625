// The table of data sets `clinbench data fetch` knows: published locations pinned to commits,
// the layout the task files expect, and the SHA-256 of each published file (checked against the
// repositories at those commits). Sets that cannot be fetched say where to get them.
#include <nlohmann/json.hpp>

#include "clinbench/fetch.h"

namespace clinbench {

namespace {

constexpr const char* kPubmedqa =
    "https://raw.githubusercontent.com/pubmedqa/pubmedqa/1cbae8e92f72f20c8d3747cbb3bf5bc53554d997/data/";
constexpr const char* kMirage =
    "https://raw.githubusercontent.com/Teddy-XiongGZ/MIRAGE/392943af99cd94cafd50a0de2e7fca24bbf65494/rawdata/";
constexpr const char* kMedbullets =
    "https://raw.githubusercontent.com/HanjieChen/ChallengeClinicalQA/ef3c9da03fc17f46fbd95ce860e0a55c51ed3606/"
    "medbullets/";

bool is_sha256_hex(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string path_problem(const std::string& path) {
  std::filesystem::path p(path);
  if (path.empty()) return "is empty";
  if (p.is_absolute()) return "must be relative to the data folder";
  for (const auto& part : p) {
    if (part == "..") return "must not climb out of the data folder with ..";
  }
  return "";
}

// Brackets nested deeper than a manifest needs (a recursion risk, never a real table).
bool nested_too_deep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > 16) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

std::vector<DataSource> builtin_sources() {
  const std::string pubmedqa = kPubmedqa, mirage = kMirage, medbullets = kMedbullets;
  std::vector<DataSource> sources;
  sources.push_back(
      {"pubmedqa",
       {"pubmedqa", "pubmedqa_gen"},
       {{pubmedqa + "ori_pqal.json", "pubmedqa/ori_pqal.json",
         "8b3276be8942ebbd77f3ddcda12c1749bf0e490045a736fd8438ee40cf37a41d"},
        {pubmedqa + "test_ground_truth.json", "pubmedqa/test_ground_truth.json",
         "939fe566f09017d13b1ca64d2ddfee0bc2374b366048152997669cccedc44d51"}},
       "",
       "MIT (github.com/pubmedqa/pubmedqa)"});
  sources.push_back(
      {"medqa",
       {"medqa", "medqa_gen"},
       {{mirage + "medqa/data_clean/questions/US/4_options/phrases_no_exclude_test.jsonl",
         "medqa/US_4_options_test.jsonl", "c3b905ccfa66152dc25afbcb2c10e86c0bdb208824f0658fcdb2c040f60a2beb"}},
       "",
       "MIT (github.com/jind11/MedQA; the copy in github.com/Teddy-XiongGZ/MIRAGE)"});
  DataSource mmlu{"mmlu_medical", {"mmlu_medical", "mmlu_medical_gen"}, {}, "", "MIT (github.com/hendrycks/test)"};
  const std::pair<const char*, const char*> subjects[] = {
      {"anatomy", "966dfd5c4579885ebdb8c05d6754ae5834f672632586d8595be3c0f9360e6f4e"},
      {"clinical_knowledge", "06a1ea973000d5ef5d2664c4ac1c68d0423f1cab6b3b682be7942633740811f1"},
      {"college_biology", "e1204cb9d19887ea266145f038b5d4cc1fbc33d7efce186259c4ecca1cbe3119"},
      {"college_medicine", "9c533cfff89edaa317b2e79bbabcdd5e2e522e019679cb4a6475e5f2a1861b1e"},
      {"medical_genetics", "cc30c698e94f12c00e610a39c62d1a1d9587fa53c005359317346081f722c5e6"},
      {"professional_medicine", "a034bf0dda10cb0848bdd3097eb1547d61ca2dac9e9b871563691621c38d51e9"},
  };
  for (const auto& [subject, sha256] : subjects) {
    std::string file = std::string(subject) + "_test.csv";
    mmlu.files.push_back({mirage + "mmlu/data/test/" + file, "mmlu_medical/" + file, sha256});
  }
  sources.push_back(mmlu);
  sources.push_back(
      {"medbullets",
       {"medbullets_op4", "medbullets_op4_gen", "medbullets_op5", "medbullets_op5_gen"},
       {{medbullets + "medbullets_op4.csv", "medbullets/medbullets_op4.csv",
         "f35c24c7940fd3fd28594a4081e66bded3718cd98b4491d0f307d34ceb945893"},
        {medbullets + "medbullets_op5.csv", "medbullets/medbullets_op5.csv",
         "7da4b1397418b4bd15074066ea6a377ac44a599794a959cd8ebc76937ea597e6"}},
       "",
       "see github.com/HanjieChen/ChallengeClinicalQA"});
  sources.push_back({"medmcqa", {"medmcqa", "medmcqa_gen"}, {},
                     "MedMCQA's dev split is published on Google Drive, linked from github.com/medmcqa/medmcqa "
                     "(no stable file URL to pin): download it and put dev.json at medmcqa/dev.json",
                     "MIT"});
  sources.push_back({"meqsum", {"meqsum"}, {},
                     "MeQSum is published as an Excel file (MeQSum_ACL2019_BenAbacha_Demner-Fushman.xlsx, "
                     "github.com/abachaa/MeQSum); clinbench reads meqsum/meqsum.jsonl, one JSON object a line with "
                     "the spreadsheet's columns File, CHQ and Summary (as tasks/meqsum.yaml reads them)",
                     "CC BY 4.0"});
  sources.push_back({"longhealth", {"longhealth_task1", "longhealth_task2", "longhealth_task3"}, {},
                     "LongHealth is public (github.com/kbressem/LongHealth, data/benchmark_v5.json) but no checksum is "
                     "pinned here yet, so clinbench does not download it: put the file at "
                     "longhealth/benchmark_v5.json",
                     "see github.com/kbressem/LongHealth"});
  sources.push_back({"icd10cm", {"medisumcode"}, {},
                     "the ICD-10-CM 2019 code set comes from CMS (cms.gov, ICD-10-CM code descriptions in tabular "
                     "order, a zip file): put icd10cm_order_2019.txt from it at icd10cm/icd10cm_order_2019.txt",
                     "US government work, public domain"});
  const char* physionet =
      " is credentialed: PhysioNet requires an account, a training course and a signed data use agreement, so "
      "each user downloads it: ";
  sources.push_back({"mednli", {"mednli"}, {}, std::string("MedNLI") + physionet + "physionet.org/content/mednli/", "PhysioNet Credentialed Health Data License"});
  sources.push_back({"problem_summary", {"problem_summary"}, {},
                     std::string("The BioNLP 2023 problem-list summaries (MIMIC-III)") + physionet +
                         "physionet.org/content/bionlp-workshop-2023-task-1a/",
                     "PhysioNet Credentialed Health Data License"});
  sources.push_back({"medisumqa", {"medisumqa"}, {}, std::string("MeDiSumQA (MIMIC-IV)") + physionet + "physionet.org/",
                     "PhysioNet Credentialed Health Data License"});
  sources.push_back({"medisumcode", {"medisumcode"}, {}, std::string("MeDiSumCode (MIMIC-IV)") + physionet + "physionet.org/",
                     "PhysioNet Credentialed Health Data License"});
  sources.push_back({"nejm", {"nejm_case_challenges"}, {},
                     "The NEJM case challenges are copyrighted: use your own licensed copy (nejm.org), in the layout "
                     "tasks/nejm_case_challenges.yaml reads",
                     "copyright NEJM"});
  sources.push_back({"jama", {"jama_case_challenges"}, {},
                     "The JAMA case challenges are copyrighted: use your own licensed copy (jamanetwork.com), in the "
                     "layout tasks/jama_case_challenges.yaml reads",
                     "copyright JAMA"});
  return sources;
}

}  // namespace

const std::vector<DataSource>& data_sources() {
  static const std::vector<DataSource> sources = builtin_sources();
  return sources;
}

std::vector<DataSource> data_sources_read(const std::filesystem::path& manifest) {
  return data_sources_parse(read_file(manifest), manifest);
}

std::vector<DataSource> data_sources_parse(std::string_view manifest_text, const std::filesystem::path& manifest) {
  if (nested_too_deep(manifest_text)) throw_input_error(manifest, 0, "", "nested deeper than a data-set table can be");
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(manifest_text);
  } catch (const nlohmann::json::parse_error& e) {
    throw_input_error(manifest, 0, "", std::string("not valid JSON: ") + e.what());
  }
  if (!root.is_array()) throw_input_error(manifest, 0, "", "must be a JSON array of data sets");
  std::vector<DataSource> sources;
  for (size_t i = 0; i < root.size(); ++i) {
    const nlohmann::json& entry = root[i];
    const std::string where = "[" + std::to_string(i) + "]";
    auto text = [&](const nlohmann::json& object, const char* key, const std::string& at, bool required) {
      if (!object.is_object()) throw_input_error(manifest, 0, at, "must be an object");
      auto found = object.find(key);
      if (found == object.end()) {
        if (required) throw_input_error(manifest, 0, at + "." + key, "is missing");
        return std::string();
      }
      if (!found->is_string()) throw_input_error(manifest, 0, at + "." + key, "must be a string");
      return found->get<std::string>();
    };
    DataSource source;
    source.name = text(entry, "name", where, true);
    source.manual = text(entry, "manual", where, false);
    source.license = text(entry, "license", where, false);
    if (entry.contains("tasks")) {
      if (!entry["tasks"].is_array()) throw_input_error(manifest, 0, where + ".tasks", "must be a list of task names");
      for (const nlohmann::json& task : entry["tasks"]) {
        if (!task.is_string()) throw_input_error(manifest, 0, where + ".tasks", "must be a list of task names");
        source.tasks.push_back(task.get<std::string>());
      }
    }
    if (entry.contains("files")) {
      if (!entry["files"].is_array()) throw_input_error(manifest, 0, where + ".files", "must be a list");
      for (size_t f = 0; f < entry["files"].size(); ++f) {
        const std::string at = where + ".files[" + std::to_string(f) + "]";
        DataSourceFile file{text(entry["files"][f], "url", at, true), text(entry["files"][f], "path", at, true),
                            text(entry["files"][f], "sha256", at, true)};
        if (std::string problem = path_problem(file.path); !problem.empty()) {
          throw_input_error(manifest, 0, at + ".path", problem);
        }
        if (!is_sha256_hex(file.sha256)) throw_input_error(manifest, 0, at + ".sha256", "must be 64 lower-case hex digits");
        source.files.push_back(std::move(file));
      }
    }
    if (source.files.empty() && source.manual.empty()) {
      throw_input_error(manifest, 0, where, "needs files to fetch or a 'manual' sentence saying where to get it");
    }
    sources.push_back(std::move(source));
  }
  return sources;
}

const DataSource* data_source_find(const std::vector<DataSource>& sources, const std::string& name) {
  for (const DataSource& source : sources) {
    if (source.name == name) return &source;
  }
  for (const DataSource& source : sources) {
    for (const std::string& task : source.tasks) {
      if (task == name) return &source;
    }
  }
  return nullptr;
}

}  // namespace clinbench
