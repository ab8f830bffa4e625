// Cells of the CSV files `clinbench compare` writes (RFC 4180), shared by its tables.
#pragma once

#include <string>

namespace clinbench {

// The text as one CSV field: quoted when it holds a comma, quote or line break, quotes doubled.
std::string csv_field(const std::string& text);

// The shortest decimal text that reads back as the same double (full precision for R and
// spreadsheets, no noise digits).
std::string csv_number(double value);

}  // namespace clinbench
