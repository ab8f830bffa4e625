// Items planted in synthetic corpora are found however they were copied; absent items are not.
#include <gtest/gtest.h>
#include <zstd.h>

#include <fstream>
#include <random>

#include "clinbench/audit.h"
#include "test_support.h"

namespace clinbench {
namespace {

// 13-gram items of known length: the question has 30 words (18 13-grams), the options fewer
// than 13 words (none).
const std::string kFoundVerbatim =
    "A 23-year-old pregnant woman at 22 weeks gestation presents with burning upon urination. She states it "
    "started 1 day ago and has been worsening despite drinking more water.";
const std::string kFoundRecased =
    "A 61-year-old man with a history of hypertension is brought to the emergency department because of "
    "sudden weakness of his left arm that began two hours before arrival today.";
const std::string kFoundRepunctuated =
    "An 8-year-old girl is evaluated for recurrent nosebleeds; her mother reports easy bruising, gum bleeding "
    "after brushing, and heavy bleeding after a tooth extraction last spring.";
const std::string kFoundInJsonEscapes =
    "A 45-year-old caf\xc3\xa9 owner reports \"crushing\" chest pain radiating to the jaw;\nit began at rest "
    "thirty minutes ago and is not relieved by sublingual nitroglycerin tablets.";
const std::string kHalfPlanted =
    "A 70-year-old woman has progressive memory loss over three years with getting lost in familiar places, "
    "word-finding pauses, and new visual hallucinations of small animals at night.";
const std::string kAbsent =
    "A 30-year-old marathon runner collapses at the finish line with confusion, a core temperature of 41 "
    "degrees, hot dry skin and dark urine after running in humid weather.";
const std::string kAbsentNestedOnly =
    "A 52-year-old farmer presents with miosis, bradycardia, bronchorrhea, wheezing and muscle fasciculations "
    "after spraying his orchard with an insecticide without protective equipment.";

int32_t words_of(const std::string& text) {
  std::string normalized = audit_normalize(text);
  return normalized.empty() ? 0 : int32_t(std::count(normalized.begin(), normalized.end(), ' ') + 1);
}

// Filler of words no item uses.
std::string filler(size_t words, uint32_t seed) {
  static const char* vocabulary[] = {"zorp", "quix", "blen", "travo", "mek", "ulsa", "drin", "fopple", "krat", "wim"};
  std::mt19937 random(seed);
  std::string out;
  for (size_t i = 0; i < words; ++i) out += std::string(vocabulary[random() % 10]) + (i % 17 == 16 ? ".\n" : " ");
  return out;
}

std::string first_words(const std::string& text, int32_t count) {
  size_t at = 0;
  for (int32_t seen = 0; seen < count && at != std::string::npos; ++seen) at = text.find(' ', at + 1);
  return text.substr(0, at);
}

std::string upper(std::string text) {
  for (char& c : text) c = char(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Commas, dashes for spaces, quotes and line breaks, as a scraper or an editor might leave them.
std::string repunctuated(std::string text) {
  std::string out;
  int spaces = 0;
  for (char c : text) {
    if (c == ';' || c == ',') continue;
    if (c == ' ') {
      ++spaces;
      out += spaces % 5 == 0 ? " -- " : spaces % 7 == 0 ? "\n" : spaces % 3 == 0 ? ", " : " ";
    } else if (c == '-') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return "\"" + out + "\"...";
}

// JSON string body of text with every non-ASCII character as a \u escape, quotes and newlines escaped.
std::string json_escaped(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else if (c == 0xc3 && i + 1 < text.size()) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", 0xc0 + (static_cast<unsigned char>(text[++i]) & 0x3f));
      out += buffer;
    } else out += char(c);
  }
  return out;
}

void write(const std::filesystem::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// zstd in several frames, so a planted item can straddle a frame boundary.
std::string zstd_frames(const std::string& content, size_t frame_bytes) {
  std::string out;
  for (size_t at = 0; at < content.size(); at += frame_bytes) {
    std::string piece = content.substr(at, frame_bytes);
    std::string frame(ZSTD_compressBound(piece.size()), '\0');
    size_t size = ZSTD_compress(frame.data(), frame.size(), piece.data(), piece.size(), 3);
    frame.resize(size);
    out += frame;
  }
  return out;
}

class CorpusScan : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::work_dir(std::string("audit_corpus_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (const std::string& question : {kFoundVerbatim, kFoundRecased, kFoundRepunctuated, kFoundInJsonEscapes,
                                        kHalfPlanted, kAbsent, kAbsentNestedOnly}) {
      items_.push_back({question, "Ampicillin Ceftriaxone Doxycycline Nitrofurantoin"});
    }
  }

  // Overlap of every item after scanning the files with the given buffer size.
  std::vector<AuditItemOverlap> scan(const std::vector<std::filesystem::path>& files, size_t buffer_bytes,
                                     std::vector<AuditCorpusStats>* stats = nullptr) {
    AuditNgramIndex index(13);
    for (const auto& texts : items_) index.add_item(texts);
    AuditCorpusOptions options;
    options.read_buffer_bytes = buffer_bytes;
    for (const auto& file : files) {
      AuditCorpusStats one = audit_corpus_scan(file, index, options);
      if (stats) stats->push_back(one);
    }
    std::vector<AuditItemOverlap> overlaps;
    for (size_t i = 0; i < items_.size(); ++i) overlaps.push_back(index.item_overlap(i));
    return overlaps;
  }

  std::string plain_corpus() const {
    return filler(3000, 1) + kFoundVerbatim + " " + filler(500, 2) + upper(kFoundRecased) + "\n\n" + filler(700, 3) +
           repunctuated(kFoundRepunctuated) + filler(200, 4) + kFoundInJsonEscapes + " " + filler(100, 5) +
           first_words(kHalfPlanted, 21) + " " + filler(3000, 6) + "\n";
  }

  std::string jsonl_corpus() const {
    return "{\"id\": 1, \"text\": \"" + json_escaped(filler(2000, 7)) + "\", \"meta\": {\"source\": \"x\", \"n\": [1, 2.5e3, true, null]}}\n" +
           "{\"meta\": {\"text\": \"" + kAbsentNestedOnly + "\"}, \"tags\": [\"a\", {\"b\": \"}\"}], \"text\": \"" +
           json_escaped(filler(50, 8)) + " " + json_escaped(kFoundVerbatim) + " \\ud83d\\ude00 " + "\"}\n" +
           "\n" +
           "{\"text\":\"" + json_escaped(upper(kFoundRecased)) + "\"}\r\n" +
           "{\"title\": \"no text here\"}\n" +
           "{\"text\": null}\n" +
           "  {\"text\": \"" + json_escaped(repunctuated(kFoundRepunctuated)) + "\" , \"n\" : -1 }  \n" +
           "{\"text\": \"" + json_escaped(kFoundInJsonEscapes) + "\"}\n" +
           "{\"text\": \"" + json_escaped(first_words(kHalfPlanted, 21)) + "\", \"\\u0074ext2\": \"" + kAbsent + "\"}";
  }

  void expect_planted_found(const std::vector<AuditItemOverlap>& overlaps, const std::string& where) {
    ASSERT_EQ(overlaps.size(), items_.size());
    for (size_t i = 0; i < 4; ++i) {
      EXPECT_EQ(overlaps[i].ngrams, words_of(items_[i][0]) - 12) << where << " item " << i;
      EXPECT_EQ(overlaps[i].found, overlaps[i].ngrams) << where << " item " << i;
      EXPECT_DOUBLE_EQ(*overlaps[i].overlap(), 1.0) << where << " item " << i;
    }
    // Its first 21 words planted, which normalise to 24 ("70-year-old" is three words,
    // "word-finding" two): 24 - 12 = 12 of its 13-grams.
    EXPECT_EQ(overlaps[4].found, 12) << where;
    EXPECT_EQ(overlaps[4].ngrams, words_of(kHalfPlanted) - 12) << where;
    EXPECT_EQ(overlaps[5].found, 0) << where;
    EXPECT_EQ(overlaps[6].found, 0) << where;
  }

  std::filesystem::path dir_;
  std::vector<std::vector<std::string>> items_;
};

TEST_F(CorpusScan, FindsPlantedItemsInPlainText) {
  write(dir_ / "corpus.txt", plain_corpus());
  std::vector<AuditCorpusStats> stats;
  expect_planted_found(scan({dir_ / "corpus.txt"}, 1 << 20, &stats), "plain");
  EXPECT_FALSE(stats[0].kind.zstd);
  EXPECT_EQ(stats[0].kind.format, AuditCorpusFormat::text);
  EXPECT_EQ(stats[0].documents, 1);
  EXPECT_EQ(stats[0].text_bytes, int64_t(plain_corpus().size()));
}

TEST_F(CorpusScan, FindsPlantedItemsInJsonLinesTextFieldsOnly) {
  write(dir_ / "corpus.jsonl", jsonl_corpus());
  std::vector<AuditCorpusStats> stats;
  expect_planted_found(scan({dir_ / "corpus.jsonl"}, 1 << 20, &stats), "jsonl");
  EXPECT_EQ(stats[0].kind.format, AuditCorpusFormat::jsonl);
  EXPECT_EQ(stats[0].documents, 6);
  EXPECT_EQ(stats[0].missing_text_field, 2);  // the title-only line and the null text
}

TEST_F(CorpusScan, FindsPlantedItemsAcrossZstdFramesAndReadBuffers) {
  write(dir_ / "corpus.txt.zst", zstd_frames(plain_corpus(), 4099));
  write(dir_ / "corpus.jsonl.zst", zstd_frames(jsonl_corpus(), 1031));
  // zstd is recognised by content, whatever the name; jsonl by the name without .zst.
  write(dir_ / "misnamed.txt", zstd_frames(plain_corpus(), 1 << 20));
  EXPECT_TRUE(audit_corpus_kind(dir_ / "misnamed.txt").zstd);
  EXPECT_EQ(audit_corpus_kind(dir_ / "corpus.jsonl.zst").format, AuditCorpusFormat::jsonl);
  for (size_t buffer : {size_t(1), size_t(7), size_t(4096), size_t(1) << 20}) {
    std::string where = "buffer " + std::to_string(buffer);
    expect_planted_found(scan({dir_ / "corpus.txt.zst"}, buffer), "zstd text, " + where);
    expect_planted_found(scan({dir_ / "corpus.jsonl.zst"}, buffer), "zstd jsonl, " + where);
    expect_planted_found(scan({dir_ / "misnamed.txt"}, buffer), "misnamed zstd, " + where);
  }
}

TEST_F(CorpusScan, NgramsSpanningReadBuffersAreFoundAtEveryOffset) {
  // One planted item, the corpus cut into 13-byte reads, the item shifted byte by byte so that
  // every boundary falls at every position inside it (words, spaces, UTF-8 characters).
  for (size_t shift = 0; shift < 13; ++shift) {
    std::string corpus = std::string(shift, ' ') + "zorp " + kFoundInJsonEscapes + " quix";
    write(dir_ / "shift.txt", corpus);
    write(dir_ / "shift.jsonl", "{\"text\": \"" + std::string(shift, ' ') + json_escaped(kFoundInJsonEscapes) + "\"}\n");
    for (const char* name : {"shift.txt", "shift.jsonl"}) {
      std::vector<AuditItemOverlap> overlaps = scan({dir_ / name}, 13);
      EXPECT_EQ(overlaps[3].found, overlaps[3].ngrams) << name << " shift " << shift;
      EXPECT_EQ(overlaps[0].found, 0) << name << " shift " << shift;
    }
  }
}

TEST_F(CorpusScan, SeveralCorporaAddUp) {
  write(dir_ / "a.txt", kFoundVerbatim);
  write(dir_ / "b.jsonl", "{\"text\": \"" + kFoundRecased + "\"}\n");
  std::vector<AuditItemOverlap> overlaps = scan({dir_ / "a.txt", dir_ / "b.jsonl"}, 64);
  EXPECT_DOUBLE_EQ(*overlaps[0].overlap(), 1.0);
  EXPECT_DOUBLE_EQ(*overlaps[1].overlap(), 1.0);
  EXPECT_EQ(overlaps[2].found, 0);
}

TEST_F(CorpusScan, ItemsShorterThanTheNgramHaveNoOverlap) {
  AuditNgramIndex index(13);
  size_t item = index.add_item({"Which drug?", "A B C D"});
  write(dir_ / "c.txt", "Which drug? A B C D");
  audit_corpus_scan(dir_ / "c.txt", index, {});
  EXPECT_EQ(index.item_overlap(item).ngrams, 0);
  EXPECT_FALSE(index.item_overlap(item).overlap().has_value());
}

std::string error_of(const std::filesystem::path& path) {
  AuditNgramIndex index(3);
  index.add_item({"one two three four"});
  try {
    audit_corpus_scan(path, index, {});
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST_F(CorpusScan, BadInputNamesFileAndLine) {
  write(dir_ / "bad.jsonl", "{\"text\": \"ok\"}\n{\"text\": \"ok\"}\nnot json\n");
  EXPECT_EQ(error_of(dir_ / "bad.jsonl"), (dir_ / "bad.jsonl").string() + ":3: expected a JSON object, found 'n'");
  write(dir_ / "number.jsonl", "{\"text\": \"ok\"}\n\n{\"id\": 3, \"text\": 5}\n");
  EXPECT_EQ(error_of(dir_ / "number.jsonl"),
            (dir_ / "number.jsonl").string() + ":3: field 'text': expected a string, found '5'");
  write(dir_ / "cut.jsonl", "{\"text\": \"one two three\"}\n{\"text\": \"one two");
  EXPECT_EQ(error_of(dir_ / "cut.jsonl"), (dir_ / "cut.jsonl").string() + ":2: the file ends inside a JSON object (truncated?)");
  write(dir_ / "broken_line.jsonl", "{\"text\": \"one\ntwo\"}\n");
  EXPECT_NE(error_of(dir_ / "broken_line.jsonl").find("broken_line.jsonl:1: field 'text': string not closed"), std::string::npos);
  write(dir_ / "two.jsonl", "{\"text\": \"a\"} {\"text\": \"b\"}\n");
  EXPECT_NE(error_of(dir_ / "two.jsonl").find("two.jsonl:1: more than one JSON value"), std::string::npos);
  write(dir_ / "escape.jsonl", "{\"text\": \"a \\x b\"}\n");
  EXPECT_NE(error_of(dir_ / "escape.jsonl").find("escape.jsonl:1: invalid escape"), std::string::npos);

  std::string frames = zstd_frames(filler(5000, 9), 1 << 20);
  write(dir_ / "cut.txt.zst", frames.substr(0, frames.size() / 2));
  EXPECT_EQ(error_of(dir_ / "cut.txt.zst"),
            (dir_ / "cut.txt.zst").string() + ": the zstd stream ends inside a frame: the file is truncated");
  std::string damaged = frames;
  damaged[4] = char(damaged[4] | 0x08);  // a reserved bit of the frame header descriptor
  write(dir_ / "damaged.txt.zst", damaged);
  EXPECT_NE(error_of(dir_ / "damaged.txt.zst").find("damaged zstd data"), std::string::npos);
  EXPECT_NE(error_of(dir_ / "missing.txt").find("missing.txt"), std::string::npos);
}

}  // namespace
}  // namespace clinbench
