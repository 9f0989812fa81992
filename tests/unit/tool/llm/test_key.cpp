#include "test_key.hpp"

#include "util/files.hpp"
#include "util/log.hpp"

#include <cstdlib>
#include <filesystem>

#include "temp_dir.hpp"

namespace kevolve::test {

namespace {

const std::filesystem::path& log_file() {
  static TempDir dir;
  static const std::filesystem::path file = [] {
    std::filesystem::path path = dir / "llm.log";
    ::setenv("KEVOLVE_LOG_FILE", path.c_str(), 1);
    util::log::configure(false);
    return path;
  }();
  return file;
}

constexpr const char* k_variables[] = {"OPENAI_API_KEY", "ANTHROPIC_API_KEY",
                                       "KEVOLVE_TEST_LLM_KEY"};

}  // namespace

TestKeys::TestKeys() {
  log_file();
  const std::string key(k_test_key);
  for (const char* name : k_variables) ::setenv(name, key.c_str(), 1);
}

TestKeys::~TestKeys() {
  for (const char* name : k_variables) ::unsetenv(name);
}

std::string llm_log() {
  auto text = util::read_file(log_file());
  return text ? *text : std::string();
}

}  // namespace kevolve::test
