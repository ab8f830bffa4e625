// Assembling the HTML report: inlined libraries, the data block, and a Content-Security-Policy
// that lets only these scripts run.
#include "report/html_report.h"

#include <cstdlib>

namespace clinbench {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

// A library that contained "</script" would end its own block; "<!--" changes how the HTML
// parser reads the rest of a script. The pinned builds hold neither; a future one might.
void check_inlinable(const std::string& script, const std::filesystem::path& file) {
  std::string text = lower(script);
  if (text.find("</script") != std::string::npos || text.find("<!--") != std::string::npos) {
    throw Error(file.string() +
                " contains \"</script\" or \"<!--\" and cannot be inlined into the report");
  }
}

std::string base64(const std::string& bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 |
                 uint8_t(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += alphabet[(v >> shift) & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 |
                 (i + 1 < bytes.size() ? uint32_t(uint8_t(bytes[i + 1])) << 8 : 0);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// CSP source expression of an inline script: 'sha256-BASE64' of its exact bytes.
std::string script_hash_source(std::string_view script) {
  std::string hex = sha256_hex(script);
  std::string digest;
  for (size_t i = 0; i < hex.size(); i += 2)
    digest += char(std::stoi(hex.substr(i, 2), nullptr, 16));
  return "'sha256-" + base64(digest) + "'";
}

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::filesystem::path report_assets_default_dir() {
  if (const char* value = std::getenv("CLINBENCH_VEGA_DIR"); value && *value) return value;
  return user_cache_dir() / "vega";
}

ReportAssets report_assets_load(const std::filesystem::path& dir) {
  ReportAssets assets;
  auto load = [&dir](const char* name) {
    std::filesystem::path file = dir / name;
    if (!std::filesystem::exists(file)) {
      throw Error("the HTML report needs " + file.string() +
                  " (Vega chart library, inlined so the report opens offline); run "
                  "scripts/fetch-vega.sh, or set "
                  "CLINBENCH_VEGA_DIR to a folder holding vega.min.js, vega-lite.min.js and "
                  "vega-embed.min.js");
    }
    std::string text = read_file(file);
    check_inlinable(text, file);
    return text;
  };
  assets.vega = load("vega.min.js");
  assets.vega_lite = load("vega-lite.min.js");
  assets.vega_embed = load("vega-embed.min.js");
  if (std::filesystem::exists(dir / "versions.txt"))
    assets.versions = read_file(dir / "versions.txt");
  return assets;
}

std::string report_json_in_script(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      // U+2028 and U+2029 end a line inside a JavaScript string literal in older engines.
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string report_html(const std::vector<CompareRun>& runs, const CompareResult& result,
                        const ReportAssets& assets, const ReportOptions& options) {
  const std::string_view hook = report_page_error_hook();
  const std::string_view script = report_page_script();
  // No network at all (default-src 'none'); scripts only these four, by hash, so neither an
  // injected <script> nor an onerror= attribute could run, and no 'unsafe-eval': Vega would
  // compile its expressions with Function(), so the page asks vega-embed for its expression
  // interpreter instead (ast: true). vega-embed adds a <style> element, hence 'unsafe-inline'
  // for styles. Images only from data: and blob: (vega's own PNG/SVG export).
  std::string policy =
      "default-src 'none'; script-src " + script_hash_source(hook) + " " +
      script_hash_source(assets.vega) + " " + script_hash_source(assets.vega_lite) + " " +
      script_hash_source(assets.vega_embed) + " " + script_hash_source(script) +
      "; style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
      "base-uri 'none'; form-action 'none'";
  std::string html;
  html.reserve(assets.vega.size() + assets.vega_lite.size() + assets.vega_embed.size() + (1 << 20));
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + policy + "\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<meta name=\"generator\" content=\"clinbench " CLINBENCH_VERSION "\">\n";
  html += "<title>" + html_escape(options.title) + "</title>\n";
  html += "<style>\n" + std::string(report_page_style()) + "</style>\n";
  html += "<script>" + std::string(hook) + "</script>\n";
  html += "<script>" + assets.vega + "</script>\n";
  html += "<script>" + assets.vega_lite + "</script>\n";
  html += "<script>" + assets.vega_embed + "</script>\n";
  html += "</head>\n<body>\n";
  html += report_page_body();
  html += "<script type=\"application/json\" id=\"report-data\">";
  html += report_json_in_script(report_data(runs, result, options));
  html += "</script>\n<script>" + std::string(script) + "</script>\n</body>\n</html>\n";
  return html;
}

}  // namespace clinbench
