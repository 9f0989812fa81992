#pragma once

// Errors in a space: where (byte offset into the space text) and what was expected. The
// scanner adds the marker's file position; the CLI prints "space:LINE:COL".

#include <string>
#include <string_view>

namespace kevolve::space {

struct SpaceError {
  std::size_t offset = 0;
  std::string message;
  std::string note;  // optional second line: what would help
};

// "<origin>:<line>:<col>: <message>", then the offending line with a caret under the column,
// then the note. `origin` names the text: a file position, or "space" on the command line.
std::string format_error(const SpaceError& error, std::string_view text, std::string_view origin);

}  // namespace kevolve::space
