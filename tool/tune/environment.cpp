#include "tool/tune/environment.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace kevolve::tune {

namespace {

struct Pattern {
  std::string_view cause;
  // A line shows the failure when it holds any of these (case-sensitive: they are the
  // messages of strerror, the GCC and Clang drivers, binutils, util/process and backends/build).
  std::vector<std::string_view> texts;
  bool candidate_can_cause;
};

// The one table of environment failures (docs/cli.md, "When the environment fails").
const std::array<Pattern, 9>& patterns() {
  static const std::array<Pattern, 9> table = {{
      // util/process cannot start the program at all: not found, not executable, exec format,
      // no process left.
      {"the compiler or linker cannot be run",
       {"cannot run ", "cannot execute '", "error trying to exec '",
        "execvp: ", ": command not found", "Exec format error"},
       false},
      {"no space left on device", {"No space left on device", "Disk quota exceeded"}, false},
      {"read-only file system", {"Read-only file system"}, false},
      {"too many open files", {"Too many open files"}, false},
      {"input/output error", {"Input/output error", "Stale file handle"}, false},
      // The OOM killer sends SIGKILL; GCC reports a killed cc1plus in its own words.
      {"out of memory",
       {"Cannot allocate memory", "virtual memory exhausted", "out of memory allocating",
        "Killed signal terminated program", "internal compiler error: Killed",
        "killed by signal 9 ("},
       true},
      {"the compile timeout", {"ran past the compile timeout"}, true},
      // A shell script standing in for the compiler (ccache-like wrappers) that lost its tool:
      // "sh: 1: g++: not found".
      {"the compiler or linker cannot be run", {": not found"}, false},
      // tool/executor/slurm.cpp: a build whose job the cluster lost, retries included.
      {"the cluster lost the build's job", {"kevolve: the cluster lost this build's job"}, false},
  }};
  return table;
}

bool contains(std::string_view line, std::string_view text) {
  return line.find(text) != std::string_view::npos;
}

// A line the candidate's source can write into its own diagnostics, or GCC's echo of a source
// line and its caret ("   12 | #include ...", "      |  ^~~").
bool source_controlled(std::string_view line) {
  static const std::array<std::string_view, 5> written = {"#error", "#warning", "#pragma message",
                                                          "static assertion", "static_assert"};
  for (std::string_view w : written) {
    if (contains(line, w)) return true;
  }
  std::string_view rest = util::trim(line);
  std::size_t digits = 0;
  while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
  rest = util::trim(rest.substr(digits));
  return !rest.empty() && rest.front() == '|';
}

bool is_command_echo(std::string_view line) { return line.rfind("$ ", 0) == 0; }

std::string lowercase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Paths and numbers differ between candidates (scratch directories, temporary files, line
// numbers of a generated file); the rest of the message says how it failed.
std::string normalised(std::string_view line) {
  std::string out;
  for (std::string_view word : util::split(util::trim(line), ' ')) {
    if (word.empty()) continue;
    if (!out.empty()) out += ' ';
    if (contains(word, "/")) {
      out += "<path>";
      continue;
    }
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (std::isdigit(static_cast<unsigned char>(word[i]))) {
        out += 'N';
        while (i + 1 < word.size() && std::isdigit(static_cast<unsigned char>(word[i + 1]))) ++i;
      } else {
        out += word[i];
      }
    }
  }
  return out;
}

}  // namespace

std::optional<EnvironmentFailure> environment_failure(std::string_view log) {
  for (std::string_view line : util::split(log, '\n')) {
    if (is_command_echo(line) || source_controlled(line)) continue;
    for (const Pattern& p : patterns()) {
      for (std::string_view text : p.texts) {
        if (contains(line, text))
          return EnvironmentFailure{std::string(p.cause), std::string(util::trim(line)),
                                    p.candidate_can_cause};
      }
    }
  }
  return std::nullopt;
}

std::string first_error_line(std::string_view log) {
  std::string_view first;
  for (std::string_view line : util::split(log, '\n')) {
    if (is_command_echo(line) || util::trim(line).empty()) continue;
    if (first.empty()) first = line;
    std::string lower = lowercase(line);
    if (contains(lower, "error") || contains(lower, "fatal")) return normalised(line);
  }
  return normalised(first);
}

std::string log_excerpt(std::string_view log, std::size_t lines) {
  std::string out;
  std::size_t n = 0;
  for (std::string_view line : util::split(util::trim(log), '\n')) {
    if (n++ == lines) return out + "  ...\n";
    out += "  ";
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace kevolve::tune
