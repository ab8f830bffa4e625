// A retrieval corpus: documents read with the data stage's readers, so that every problem names
// the file, line and field.
#include <map>

#include "clinbench/rag.h"

namespace clinbench {

namespace {

bool is_blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

std::string document_text(const Record& record, const std::string& field) {
  if (record_field_exists(record, field) && record.fields[field].is_array()) {
    std::string joined;
    for (const std::string& piece : record_field_string_list(record, field)) {
      joined += (joined.empty() ? "" : "\n") + piece;
    }
    return joined;
  }
  return record_field_string(record, field);
}

}  // namespace

std::vector<RagDocument> rag_corpus_read(const RagCorpusOptions& options) {
  if (options.text_field.empty()) throw Error("the corpus needs a text field (--text-field)");
  std::vector<Record> records = read_dataset(options.path, DatasetReadOptions{options.format, {}});
  std::vector<RagDocument> documents;
  documents.reserve(records.size());
  std::map<std::string, int64_t> line_of_id;
  bool any_title = false;
  for (const Record& record : records) {
    RagDocument document;
    const std::string id_field = options.id_field.empty() ? "id" : options.id_field;
    if (!options.id_field.empty()) {
      document.id = record_field_string(record, options.id_field);
    } else {
      document.id = record.key.empty() ? std::to_string(record.position) : record.key;
    }
    if (is_blank(document.id)) throw_input_error(record.source, record.line, id_field, "empty document id");
    auto [earlier, inserted] = line_of_id.emplace(document.id, record.line);
    if (!inserted) {
      throw_input_error(record.source, record.line, id_field,
                        "duplicate document id '" + document.id + "' (also on line " +
                            std::to_string(earlier->second) +
                            "): ids must name one document each; without --id-field documents are numbered "
                            "by their position in the file");
    }
    document.text = document_text(record, options.text_field);
    if (is_blank(document.text)) {
      throw_input_error(record.source, record.line, options.text_field, "empty text: nothing to index");
    }
    if (!options.title_field.empty() && record_field_exists(record, options.title_field)) {
      document.title = record_field_string(record, options.title_field);
      any_title = true;
    }
    documents.push_back(std::move(document));
  }
  // Titles are optional per document, but a title field no document has is a misspelt one.
  if (!options.title_field.empty() && !any_title) {
    throw_input_error(options.path, 0, options.title_field, "no document has this title field");
  }
  return documents;
}

}  // namespace clinbench
