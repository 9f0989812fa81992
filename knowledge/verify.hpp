#pragma once

// `kevolve knowledge verify`: reads every file of a knowledge directory the way kevolve would
// and reports every problem with its file, instead of stopping at the first.

#include <filesystem>
#include <string>
#include <vector>

namespace kevolve::knowledge {

struct Problem {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  std::filesystem::path file;
  int line = 0;  // for line-oriented files (trials); 0 when not applicable
  std::string message;
};

struct VerifyReport {
  std::vector<Problem> problems;
  int files_checked = 0;

  int errors() const;
  int warnings() const;
};

VerifyReport verify(const std::filesystem::path& root);

}  // namespace kevolve::knowledge
