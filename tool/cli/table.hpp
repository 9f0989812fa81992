#pragma once

// Aligned text columns for human-readable results.

#include <cstdio>
#include <string>
#include <vector>

namespace kevolve::tool {

class Table {
 public:
  void add(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
  // Columns separated by two spaces, the last one not padded.
  void print(std::FILE* out, std::string_view indent = "") const;
  bool empty() const { return m_rows.empty(); }

 private:
  std::vector<std::vector<std::string>> m_rows;
};

}  // namespace kevolve::tool
