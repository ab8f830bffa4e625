// The browser test of the HTML report, shared by the fixture test and the test-model test:
// Debian's Chromium, headless, loads the file with a fresh profile and no network.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "png_reader.h"

namespace clinbench::testing {

// /usr/bin/chromium, or $CLINBENCH_CHROMIUM. Empty when neither exists.
std::filesystem::path chromium_binary();

struct ChromiumPage {
  std::string dom;                   // document.documentElement.outerHTML after scripts ran
  std::vector<std::string> console;  // every console message the page logged (any level)
  std::string log;                   // Chromium's whole stderr, for failure messages
};

// Loads the file in headless Chromium (fresh --user-data-dir under work, every host resolving to
// nothing, 20 s of virtual time for scripts and timers) and dumps the DOM.
ChromiumPage chromium_dump_dom(const std::filesystem::path& html, const std::filesystem::path& work,
                               int width, int height);

// The same load, as a PNG screenshot of width x height CSS pixels (device scale 1).
PngImage chromium_screenshot(const std::filesystem::path& html, const std::filesystem::path& work,
                             int width, int height);

// x, y, width, height of the element with this id, from the data-rect attribute the report's
// script writes once its charts are drawn.
std::optional<std::array<int, 4>> dom_rect(const std::string& dom, const std::string& id);

// The planted strings and what their execution would leave behind.
inline constexpr const char* kPlantedScript =
    "<script>document.title='PWNED';var p=document.createElement('p');p.id='pwned-script';"
    "document.body.appendChild(p)</script>";
inline constexpr const char* kPlantedImage =
    "<img src=x onerror=\"document.title='PWNED';var "
    "p=document.createElement('p');p.id='pwned-img';"
    "document.body.appendChild(p)\">";

// Runs every check of the browser test with gtest expectations: no console message and no
// error listed by the page, every chart drawn (non-blank in the screenshot), the planted
// strings shown as text and never run. chart_ids: the charts that must be drawn.
void report_expect_browser_passes(const std::filesystem::path& html,
                                  const std::filesystem::path& work,
                                  const std::vector<std::string>& chart_ids);

}  // namespace clinbench::testing
