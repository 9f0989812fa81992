// Writes the header apply renders for each wisdom input (files or directories), in both inject
// modes, as <out>/<input>.<mode>.h: the compile check (compile_rendered.bash) builds them with the
// C++ compiler, which the fuzzer cannot afford per input.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bench/fuzz/apply_render.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  using namespace kevolve;
  if (argc < 3) {
    std::fprintf(stderr, "usage: render_corpus <out-dir> <wisdom file or directory>...\n");
    return 2;
  }
  fs::path out = argv[1];
  fs::create_directories(out);
  std::vector<fs::path> inputs;
  for (int i = 2; i < argc; ++i) {
    if (!fs::is_directory(argv[i])) {
      inputs.emplace_back(argv[i]);
      continue;
    }
    for (const auto& entry : fs::directory_iterator(argv[i])) {
      if (entry.is_regular_file() && entry.path().filename() != ".gitkeep") {
        inputs.push_back(entry.path());
      }
    }
  }
  std::sort(inputs.begin(), inputs.end());
  // What the compile check needs to know of the unit: its name, then one parameter a line with
  // the kind of its values.
  std::ofstream unit(out / "unit.txt");
  unit << fuzz::fuzz_unit() << "\n";
  for (const auto& [name, integer] : fuzz::fuzz_parameters_kinds()) {
    unit << name << (integer ? " integer\n" : " identifier\n");
  }
  int written = 0;
  for (const fs::path& input : inputs) {
    std::ifstream in(input, std::ios::binary);
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    for (auto [mode, name] : {std::pair{space::InjectMode::param, "param"},
                              std::pair{space::InjectMode::macros, "macros"}}) {
      auto rendered = fuzz::render(text, mode);
      if (!rendered) continue;
      std::ofstream(out / (input.filename().string() + "." + name + ".h"), std::ios::binary)
          << rendered->header;
      ++written;
    }
  }
  std::printf("render_corpus: %zu inputs, %d headers\n", inputs.size(), written);
  return 0;
}
