#include "rag/bm25_index.h"

#include <stdexcept>

namespace clinbench {

namespace {

constexpr Xapian::valueno kDocumentIdSlot = 0;
constexpr Xapian::valueno kChunkSlot = 1;

// Xapian's defaults, spelt out so that a change of default cannot change rankings unnoticed.
Xapian::BM25Weight bm25_weight() { return Xapian::BM25Weight(1.0, 0.0, 1.0, 0.5, 0.5); }

void configure(Xapian::TermGenerator& generator) {
  generator.set_stemmer(Xapian::Stem("english"));
  generator.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
}

[[noreturn]] void fail(const std::filesystem::path& dir, const std::string& what, const Xapian::Error& e) {
  throw_input_error(dir, 0, "", "BM25 index (Xapian): " + what + ": " + e.get_description());
}

}  // namespace

std::string bm25_description() {
  return "Xapian " + std::string(Xapian::version_string()) +
         " BM25Weight(k1=1, k2=0, k3=1, b=0.5, min_normlen=0.5); TermGenerator words, english stems "
         "(STEM_ALL_Z), no stop words";
}

Bm25Writer::Bm25Writer(const std::filesystem::path& dir) : dir_(dir) {
  try {
    database_ = Xapian::WritableDatabase(dir.string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
  } catch (const Xapian::Error& e) {
    fail(dir, "cannot create", e);
  }
  configure(generator_);
}

void Bm25Writer::add(const RagPassage& passage) {
  try {
    Xapian::Document document;
    generator_.set_document(document);
    if (!passage.title.empty()) {
      generator_.index_text_without_positions(passage.title);
    }
    generator_.index_text_without_positions(passage.text);
    nlohmann::json data = {{"id", passage.document_id}, {"chunk", passage.chunk},
                           {"title", passage.title}, {"text", passage.text}};
    document.set_data(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    document.add_value(kDocumentIdSlot, passage.document_id);
    document.add_value(kChunkSlot, std::to_string(passage.chunk));
    database_.add_document(document);
  } catch (const Xapian::Error& e) {
    fail(dir_, "cannot add passage " + passage.document_id + "#" + std::to_string(passage.chunk), e);
  }
}

void Bm25Writer::finish() {
  try {
    database_.commit();
    database_.close();
  } catch (const Xapian::Error& e) {
    fail(dir_, "cannot commit (disk full?)", e);
  }
}

Bm25Searcher::Bm25Searcher(const std::filesystem::path& dir) : dir_(dir) {
  try {
    database_ = Xapian::Database(dir.string());
  } catch (const Xapian::Error& e) {
    fail(dir, "cannot open", e);
  }
  configure(generator_);
}

int64_t Bm25Searcher::passages() const { return int64_t(database_.get_doccount()); }

std::vector<RagHit> Bm25Searcher::search(const std::string& query, int32_t k) {
  std::vector<RagHit> hits;
  if (k <= 0) return hits;
  try {
    // The query's words as the passages' were made; a word said twice counts twice (BM25's k3).
    Xapian::Document words;
    generator_.set_document(words);
    generator_.index_text_without_positions(query);
    std::vector<Xapian::Query> parts;
    for (auto term = words.termlist_begin(); term != words.termlist_end(); ++term) {
      parts.emplace_back(*term, term.get_wdf());
    }
    if (parts.empty()) return hits;
    Xapian::Enquire enquire(database_);
    enquire.set_weighting_scheme(bm25_weight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()));
    Xapian::MSet matches = enquire.get_mset(0, Xapian::doccount(k));
    for (auto match = matches.begin(); match != matches.end(); ++match) {
      Xapian::Document document = match.get_document();
      hits.push_back({int64_t(*match) - 1, document.get_value(kDocumentIdSlot),
                      int32_t(std::stol(document.get_value(kChunkSlot))), match.get_weight()});
    }
  } catch (const Xapian::Error& e) {
    fail(dir_, "search failed", e);
  }
  return hits;
}

void Bm25Searcher::identify(RagHit& hit) const {
  if (hit.passage < 0 || hit.passage >= passages()) {
    throw std::out_of_range("passage " + std::to_string(hit.passage) + " of " + std::to_string(passages()));
  }
  try {
    Xapian::Document document = database_.get_document(Xapian::docid(hit.passage + 1));
    hit.document_id = document.get_value(kDocumentIdSlot);
    hit.chunk = int32_t(std::stol(document.get_value(kChunkSlot)));
  } catch (const Xapian::Error& e) {
    fail(dir_, "cannot read passage " + std::to_string(hit.passage), e);
  }
}

RagPassage Bm25Searcher::passage(int64_t ordinal) const {
  if (ordinal < 0 || ordinal >= passages()) {
    throw std::out_of_range("passage " + std::to_string(ordinal) + " of " + std::to_string(passages()));
  }
  try {
    nlohmann::json data = nlohmann::json::parse(database_.get_document(Xapian::docid(ordinal + 1)).get_data());
    return {data.at("id").get<std::string>(), data.at("chunk").get<int32_t>(), data.at("title").get<std::string>(),
            data.at("text").get<std::string>()};
  } catch (const Xapian::Error& e) {
    fail(dir_, "cannot read passage " + std::to_string(ordinal), e);
  } catch (const nlohmann::json::exception& e) {
    throw_input_error(dir_, 0, "", "passage " + std::to_string(ordinal) + " is damaged: " + e.what());
  }
}

}  // namespace clinbench
