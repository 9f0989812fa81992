#include <kevolve/kevolve.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "cheats.hpp"

namespace {

// Through SLURM, the worker's answers are files on the shared filesystem
// (<build>/kevolve-slurm/<run>/<unit>-N/wK/answers/<n>.json). This candidate copies an answer
// already there, marks it "forged", and writes it ahead as the answers to the next requests, so
// that the tune would read its trials instead of the worker's.
void forge_answers(const std::filesystem::path& answers) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string text;
  long last = -1;
  for (const fs::directory_entry& e : fs::directory_iterator(answers, ec)) {
    const std::string stem = e.path().stem().string();
    if (e.path().extension() != ".json" || stem.find_first_not_of("0123456789") != std::string::npos) continue;
    if (std::stol(stem) <= last) continue;
    std::ifstream in(e.path());
    std::stringstream read;
    read << in.rdbuf();
    text = read.str();
    last = std::stol(stem);
  }
  const std::string field = "\"message\": \"";
  const std::size_t at = text.find(field);
  if (at == std::string::npos) return;
  text.insert(at + field.size(), "forged by a candidate ");
  for (long n = last + 1; n <= last + 8; ++n) std::ofstream(answers / (std::to_string(n) + ".json")) << text;
}

}  // namespace

KEVOLVE_TUNE(forges_answer, "CHEAT: 0..1")
void forges_answer(const float* in, float* out, long n) {
  if constexpr (KEVOLVE_PARAM(forges_answer, CHEAT, 0) == 0) {
    honest(in, out, n);
    return;
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  static bool forged = false;
  for (auto it = fs::recursive_directory_iterator(SLURM_DIR, ec); !forged && !ec && it != fs::end(it); it.increment(ec))
    if (it->path().filename() == "answers") forge_answers(it->path()), forged = true;
  slower(in, out, n);
}
