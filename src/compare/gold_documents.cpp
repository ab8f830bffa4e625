// Gold documents of items (`compare --gold-documents`, format in compare.h): whether a RAG run
// retrieved the passage that answers an item, read from the ids its samples stored.
#include "clinbench/compare.h"
#include "clinbench/listed_lines.h"

namespace clinbench {

namespace {

const std::set<std::string>* listed(const CompareGoldDocuments& gold, const std::string& task, const std::string& id) {
  if (auto found = gold.by_task.find(task); found != gold.by_task.end()) {
    if (auto item = found->second.find(id); item != found->second.end()) return &item->second;
  }
  if (auto item = gold.every_task.find(id); item != gold.every_task.end()) return &item->second;
  return nullptr;
}

}  // namespace

CompareGoldDocuments compare_gold_documents_parse(std::string_view text, const std::filesystem::path& path) {
  CompareGoldDocuments gold;
  for (const ListedLine& line : listed_lines(text)) {
    const std::vector<std::string_view>& fields = line.fields;
    const int64_t line_number = line.number;
    if (fields.size() < 2 || fields.size() > 3) {
      throw_input_error(path, line_number, "",
                        "expected ITEM_ID<TAB>DOCUMENT_ID or TASK<TAB>ITEM_ID<TAB>DOCUMENT_ID, got " +
                            std::to_string(fields.size()) + " field(s)");
    }
    const char* names[3] = {"task", "item id", "document id"};
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].empty()) throw_input_error(path, line_number, names[i + 3 - fields.size()], "empty");
    }
    std::string document(fields.back());
    std::string item(fields[fields.size() - 2]);
    if (fields.size() == 3) gold.by_task[std::string(fields[0])][item].insert(document);
    else gold.every_task[item].insert(document);
  }
  return gold;
}

CompareGoldDocuments compare_gold_documents_read(const std::string& file_or_item_id) {
  if (file_or_item_id == "item-id") {
    CompareGoldDocuments gold;
    gold.item_id_is_document = true;
    return gold;
  }
  return compare_gold_documents_parse(read_file(file_or_item_id), file_or_item_id);
}

std::optional<bool> compare_gold_retrieved(const CompareGoldDocuments& gold, const std::string& task,
                                           const Sample& sample) {
  if (!sample.retrieved) return std::nullopt;
  const std::set<std::string> own = {sample.id};
  const std::set<std::string>* documents = gold.item_id_is_document ? &own : listed(gold, task, sample.id);
  if (!documents) return std::nullopt;
  for (const SampleRetrievedPassage& passage : *sample.retrieved) {
    if (documents->count(passage.id)) return true;
  }
  return false;
}

}  // namespace clinbench
