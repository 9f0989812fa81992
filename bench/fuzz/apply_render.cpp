// Fuzz target: the apply renderer. Each input is a wisdom file's text for one fixed unit; apply's
// rendering (tune::render_injection, through tune::find_wisdom and tune::injected_defines) must
// produce only the contract's form (docs/design.md §2) and only points of the unit's space
// (issue 17, item 1), in both inject modes. The wisdom file is written into a scratch knowledge
// directory because that is what the renderer reads.

#include "bench/fuzz/apply_render.hpp"

#include "space/parser.hpp"
#include "space/space.hpp"
#include "tool/tune/apply.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include "bench/fuzz/fuzz.hpp"

namespace kevolve::fuzz {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_unit = "saxpy";
constexpr std::string_view k_space =
    "BLOCK: 32..1024 pow2; ITEMS: 1, 2, 4, 8; T: float, double; require BLOCK * ITEMS <= 4096";
constexpr std::string_view k_device = "cuda-sm_90-nvidia-h100-80gb-hbm3";
// The hashes the seeds carry: a wisdom with them is fresh, anything else is stale.
constexpr std::string_view k_kernel_hash = "xxh3:41d0be0c3aa7f1e2";
constexpr std::string_view k_source_hash = "xxh3:9f1c2a7b44e0d513";

// A scratch knowledge directory for this process, removed at exit.
const fs::path& knowledge_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("kevolve-fuzz-apply-" + std::to_string(getpid()));
    fs::create_directories(d / std::string(k_unit));
    std::ofstream(d / "KNOWLEDGE.json") << "{\"schema\": 1}\n";
    return d;
  }();
  static const bool cleanup = [] {
    return std::atexit([] {
             std::error_code ec;
             fs::remove_all(dir, ec);
           }) == 0;
  }();
  (void)cleanup;
  return dir;
}

const space::Space& fuzz_space_built() {
  static const space::Space s = *space::make_space(k_space, space::Facts{});
  return s;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool is_integer(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A comment line holds no control character and does not continue onto the next line.
void check_comment(std::string_view line) {
  for (char c : line) {
    auto u = static_cast<unsigned char>(c);
    check(u >= 0x20 && u != 0x7f, "a comment line holds no control character", line);
  }
  check(line.back() != '\\', "a comment line does not continue onto the next", line);
}

// "#define KEVOLVE_TUNED_<unit>_<param> ~, <value>" (param mode) or "#define <param> <value>"
// (macros mode); returns the parameter and its value.
std::pair<std::string, std::string> check_define(std::string_view line, space::InjectMode mode) {
  constexpr std::string_view k_define = "#define ";
  check(line.substr(0, k_define.size()) == k_define, "a line is blank, a comment or a #define",
        line);
  std::string_view rest = line.substr(k_define.size());
  if (mode == space::InjectMode::param) {
    std::string prefix = "KEVOLVE_TUNED_" + std::string(k_unit) + "_";
    check(rest.substr(0, prefix.size()) == prefix, "a define is KEVOLVE_TUNED_<unit>_<param>",
          line);
    rest.remove_prefix(prefix.size());
  }
  auto gap = rest.find(' ');
  check(gap != std::string_view::npos, "a define has a body", line);
  std::string_view name = rest.substr(0, gap);
  std::string_view body = rest.substr(gap + 1);
  if (mode == space::InjectMode::param) {
    check(body.substr(0, 3) == "~, ", "a param-mode body is \"~, <value>\"", line);
    body.remove_prefix(3);
  }
  check(is_integer(body) || is_identifier(body), "a value is an integer literal or an identifier",
        line);
  auto names = fuzz_parameters();
  check(std::find(names.begin(), names.end(), name) != names.end(),
        "a define names one of the unit's parameters", line);
  return {std::string(name), std::string(body)};
}

// The defines make a point of the space, or there are none.
void check_point(const std::map<std::string, std::string>& defined, std::string_view header) {
  if (defined.empty()) return;
  const space::Space& s = fuzz_space_built();
  space::Point point;
  for (const space::Parameter& p : s.parameters()) {
    auto it = defined.find(p.name);
    check(it != defined.end(), "every parameter is defined, or none", header);
    std::size_t index = 0;
    while (index < p.values.size() && p.values[index].to_string() != it->second) ++index;
    check(index < p.values.size(), "a value is one of its parameter's list", header);
    point.push_back(static_cast<std::uint16_t>(index));
  }
  check(s.contains(point), "the point satisfies the space's constraints", header);
}

}  // namespace

std::string_view fuzz_unit() { return k_unit; }
std::string_view fuzz_space() { return k_space; }

std::vector<std::string> fuzz_parameters() {
  std::vector<std::string> names;
  for (const space::Parameter& p : fuzz_space_built().parameters()) names.push_back(p.name);
  return names;
}

std::vector<std::pair<std::string, bool>> fuzz_parameters_kinds() {
  std::vector<std::pair<std::string, bool>> kinds;
  for (const space::Parameter& p : fuzz_space_built().parameters()) {
    kinds.emplace_back(p.name, p.is_integer());
  }
  return kinds;
}

std::optional<RenderedUnit> render(std::string_view wisdom_text, space::InjectMode mode) {
  const fs::path& dir = knowledge_dir();
  std::ofstream(dir / std::string(k_unit) / (std::string(k_device) + ".json"), std::ios::binary)
      .write(wisdom_text.data(), static_cast<std::streamsize>(wisdom_text.size()));

  analyzers::TargetScan scan;
  scan.target = "app";
  analyzers::Unit& unit = scan.units.emplace_back();
  unit.name = std::string(k_unit);
  unit.kernel.name.file = "/fuzz/saxpy.cu";  // a CUDA unit: the device below is its backend's
  unit.space = std::string(k_space);
  unit.inject = mode;
  unit.kernel_hash = std::string(k_kernel_hash);
  unit.hash = std::string(k_source_hash);
  tune::TargetConfig config;
  config.target = "app";
  config.knowledge_dir = dir;

  auto injection = tune::render_injection(scan, config, std::string(k_device), {});
  if (!injection) return std::nullopt;
  return RenderedUnit{injection->header, tune::header_prologue(config)};
}

void check_rendered(const RenderedUnit& rendered, space::InjectMode mode) {
  const std::string& header = rendered.header;
  check(header.compare(0, rendered.prologue.size(), rendered.prologue) == 0,
        "the header opens with the prologue", header);
  std::string_view rest = std::string_view(header).substr(rendered.prologue.size());
  check(rest.empty() || rest.back() == '\n', "the header ends with a newline", header);
  std::map<std::string, std::string> defined;
  while (!rest.empty()) {
    std::string_view line = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(line.size() + 1);
    if (line.empty()) continue;
    if (line.substr(0, 3) == "// ") {
      check_comment(line);
      continue;
    }
    auto [name, value] = check_define(line, mode);
    check(defined.emplace(name, value).second, "each parameter is defined once", header);
  }
  check_point(defined, header);
}

}  // namespace kevolve::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kevolve;
  for (space::InjectMode mode : {space::InjectMode::param, space::InjectMode::macros}) {
    auto rendered = fuzz::render(fuzz::text_of(data, size), mode);
    if (rendered) fuzz::check_rendered(*rendered, mode);
  }
  return 0;
}
