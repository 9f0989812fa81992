#include "temp_dir.hpp"

#include <fstream>
#include <stdexcept>
#include <stdlib.h>
#include <string>

namespace kevolve::test {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "kevolve-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::permissions(m_path, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ec);
  std::filesystem::remove_all(m_path, ec);
}

std::filesystem::path TempDir::write(std::string_view relative, std::string_view content) const {
  std::filesystem::path file = m_path / relative;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << content;
  return file;
}

}  // namespace kevolve::test
