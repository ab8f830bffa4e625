#include "report_browser.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "clinbench/core.h"

namespace clinbench::testing {

namespace {

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Launch {
  std::string stdout_text;
  std::string stderr_text;
};

Launch chromium_launch(const std::filesystem::path& html, const std::filesystem::path& work,
                       int width, int height, const std::string& action) {
  static int launches = 0;
  std::filesystem::path profile = work / ("chromium-profile-" + std::to_string(++launches));
  std::filesystem::remove_all(profile);
  std::filesystem::create_directories(profile);
  std::filesystem::path err = work / ("chromium-" + std::to_string(launches) + ".log");
  std::filesystem::path out = work / ("chromium-" + std::to_string(launches) + ".out");
  std::string command =
      shell_quote(chromium_binary().string()) +
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
      " --disable-background-networking --disable-component-update --disable-sync"
      " --disable-default-apps --disable-extensions --mute-audio --hide-scrollbars"
      " --force-device-scale-factor=1 --host-resolver-rules='MAP * ~NOTFOUND'"
      " --enable-logging=stderr --v=0 --virtual-time-budget=20000"
      " --user-data-dir=" +
      shell_quote(profile.string()) + " --window-size=" + std::to_string(width) + "," +
      std::to_string(height) + " " + action + " " +
      shell_quote("file://" + std::filesystem::absolute(html).string()) + " > " +
      shell_quote(out.string()) + " 2> " + shell_quote(err.string());
  int status = std::system(("timeout 120 " + command).c_str());
  Launch launch;
  launch.stdout_text = std::filesystem::exists(out) ? read_file(out) : "";
  launch.stderr_text = std::filesystem::exists(err) ? read_file(err) : "";
  EXPECT_EQ(status, 0) << command << "\n" << launch.stderr_text;
  std::filesystem::remove_all(profile);
  return launch;
}

}  // namespace

std::filesystem::path chromium_binary() {
  if (const char* value = std::getenv("CLINBENCH_CHROMIUM"); value && *value) return value;
  if (std::filesystem::exists("/usr/bin/chromium")) return "/usr/bin/chromium";
  return {};
}

ChromiumPage chromium_dump_dom(const std::filesystem::path& html, const std::filesystem::path& work,
                               int width, int height) {
  Launch launch = chromium_launch(html, work, width, height, "--dump-dom");
  ChromiumPage page;
  page.dom = launch.stdout_text;
  page.log = launch.stderr_text;
  size_t start = 0;
  while (start < page.log.size()) {
    size_t end = page.log.find('\n', start);
    if (end == std::string::npos) end = page.log.size();
    std::string line = page.log.substr(start, end - start);
    if (line.find(":CONSOLE") != std::string::npos) page.console.push_back(line);
    start = end + 1;
  }
  return page;
}

PngImage chromium_screenshot(const std::filesystem::path& html, const std::filesystem::path& work,
                             int width, int height) {
  std::filesystem::path png = work / "screenshot.png";
  std::filesystem::remove(png);
  chromium_launch(html, work, width, height, "--screenshot=" + shell_quote(png.string()));
  return png_read(png);
}

std::optional<std::array<int, 4>> dom_rect(const std::string& dom, const std::string& id) {
  size_t at = dom.find("id=\"" + id + "\"");
  if (at == std::string::npos) return std::nullopt;
  std::string tag = dom.substr(at, dom.find('>', at) - at);
  size_t value = tag.find("data-rect=\"");
  if (value == std::string::npos) return std::nullopt;
  std::array<int, 4> rect{};
  const char* cursor = tag.c_str() + value + 11;
  for (int& number : rect) {
    char* end = nullptr;
    number = int(std::strtol(cursor, &end, 10));
    if (end == cursor) return std::nullopt;
    cursor = *end == ',' ? end + 1 : end;
  }
  return rect;
}

void report_expect_browser_passes(const std::filesystem::path& html,
                                  const std::filesystem::path& work,
                                  const std::vector<std::string>& chart_ids) {
  ASSERT_FALSE(chromium_binary().empty())
      << "Chromium is missing: scripts/setup.sh --test installs it";
  const int width = 1280;
  ChromiumPage page = chromium_dump_dom(html, work, width, 1600);
  ASSERT_FALSE(page.dom.empty()) << page.log;

  // (a) No console message at all (errors, warnings, CSP reports), nothing in the page's own
  // error list, and the drawing finished.
  for (const std::string& line : page.console) ADD_FAILURE() << "console: " << line;
  // The page's error box, up to the navigation after it (std::regex would recurse over the
  // megabytes of inlined script, so plain finds).
  size_t box = page.dom.find("<div id=\"report-errors\"");
  ASSERT_NE(box, std::string::npos) << page.dom.substr(0, 2000);
  std::string errors = page.dom.substr(box, page.dom.find("<nav", box) - box);
  EXPECT_NE(errors.substr(0, errors.find('>')).find("hidden"), std::string::npos)
      << "the page listed errors: " << errors;
  EXPECT_EQ(errors.find("error-line"), std::string::npos) << errors;
  EXPECT_NE(page.dom.find("data-charts-rendered=\"" + std::to_string(chart_ids.size()) + "\""),
            std::string::npos)
      << "not every chart finished drawing";

  // (c) The planted markup is on the page as text, and none of it ran.
  size_t title = page.dom.find("<title>");
  ASSERT_NE(title, std::string::npos);
  std::string title_text = page.dom.substr(title, page.dom.find("</title>", title) - title);
  EXPECT_EQ(title_text.find("PWNED"), std::string::npos) << title_text;
  EXPECT_EQ(page.dom.find("id=\"pwned-script\""), std::string::npos);
  EXPECT_EQ(page.dom.find("id=\"pwned-img\""), std::string::npos);
  EXPECT_EQ(page.dom.find("<img src=\"x\""), std::string::npos);
  EXPECT_NE(page.dom.find("&lt;script&gt;document.title='PWNED'"), std::string::npos)
      << "the planted script should be visible as text in the sample browser";
  EXPECT_NE(page.dom.find("&lt;img src=x onerror=\"document.title='PWNED'"), std::string::npos)
      << "the planted image should be visible as text in the sample browser";

  // (b) Each chart's area of a screenshot holds a drawing: enough ink and several colours.
  int bottom = 0;
  std::vector<std::array<int, 4>> rects;
  for (const std::string& id : chart_ids) {
    std::optional<std::array<int, 4>> rect = dom_rect(page.dom, id);
    ASSERT_TRUE(rect) << id << " has no data-rect: it did not render";
    EXPECT_GT((*rect)[2], 200) << id;
    EXPECT_GT((*rect)[3], 80) << id;
    rects.push_back(*rect);
    bottom = std::max(bottom, (*rect)[1] + (*rect)[3]);
  }
  PngImage shot = chromium_screenshot(html, work, width, bottom + 40);
  ASSERT_EQ(shot.width, width);
  for (size_t i = 0; i < rects.size(); ++i) {
    const auto& [x, y, w, h] = rects[i];
    int64_t ink = png_count_ink(shot, x, y, w, h);
    int64_t colours = png_count_colours(shot, x, y, w, h);
    EXPECT_GT(ink, int64_t(w) * h / 100) << chart_ids[i] << ": the chart area is (nearly) blank";
    EXPECT_GE(colours, 4) << chart_ids[i] << ": the chart area has too few colours to be a chart";
  }
}

}  // namespace clinbench::testing
