#include "tool/tune/build_check.hpp"

#include "backends/platform.hpp"
#include "util/hash.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace kevolve::tune {

namespace {

struct CodegenFlag {
  std::string_view spelling;
  bool prefix;      // the flag starts with `spelling` (else it is exactly that)
  bool takes_next;  // spelt exactly, its value is the next argument
};

// The one table of flags that change the generated code (docs/knowledge-format.md,
// "device.build"). Flags outside it (include paths, most defines, warnings, -g, -std, -fPIC)
// do not make a recorded winner stale.
constexpr std::array<CodegenFlag, 43> k_codegen_flags = {{
    // Optimisation level: -O0 .. -O3, -Os, -Oz, -Og, -Ofast.
    {"-O", true, false},
    // Target machine and instruction sets: -march=, -mtune=, -mcpu=, -mavx2, -mfma, -mno-...,
    // -mprefer-vector-width=, -mllvm <option>.
    {"-mllvm", false, true},
    {"-m", true, false},
    // Floating-point model.
    {"-ffast-math", false, false},
    {"-fno-fast-math", false, false},
    {"-funsafe-math-optimizations", false, false},
    {"-fno-unsafe-math-optimizations", false, false},
    {"-fassociative-math", false, false},
    {"-freciprocal-math", false, false},
    {"-ffinite-math-only", false, false},
    {"-fno-finite-math-only", false, false},
    {"-fno-math-errno", false, false},
    {"-fno-signed-zeros", false, false},
    {"-fno-trapping-math", false, false},
    {"-ffp-", true, false},  // -ffp-contract=, -ffp-model=
    {"-fexcess-precision=", true, false},
    // Vectorisation and unrolling.
    {"-ftree-vectorize", false, false},
    {"-fno-tree-vectorize", false, false},
    {"-fvectorize", false, false},
    {"-fno-vectorize", false, false},
    {"-funroll-", true, false},  // -funroll-loops, -funroll-all-loops
    {"-fno-unroll-loops", false, false},
    // Parallelism, whole-program optimisation, profiles.
    {"-fopenmp", true, false},  // -fopenmp, -fopenmp-simd
    {"-flto", true, false},
    {"-fprofile-", true, false},
    // Assertions compiled in or out.
    {"-DNDEBUG", false, false},
    // nvcc and hipcc: the GPU architecture, fast math, registers, device debug code, and the
    // options handed to ptxas and to the host compiler.
    {"-arch", true, true},
    {"--gpu-architecture", true, true},
    {"-gencode", true, true},
    {"--generate-code", true, true},
    {"--offload-arch=", true, false},
    {"--cuda-gpu-arch=", true, false},
    {"-use_fast_math", false, false},
    {"--use_fast_math", false, false},
    {"-ftz", true, false},
    {"--ftz", true, true},
    {"--prec-", true, true},  // --prec-div, --prec-sqrt
    {"--fmad", true, true},
    {"-maxrregcount", true, true},
    {"--maxrregcount", true, true},
    {"-G", false, false},
    {"--device-debug", false, false},
    {"-Xptxas", true, true},
}};

const CodegenFlag* codegen_row(std::string_view flag) {
  for (const CodegenFlag& row : k_codegen_flags) {
    if (row.prefix ? flag.rfind(row.spelling, 0) == 0 : flag == row.spelling) return &row;
  }
  return nullptr;
}

// The flags of the recipe's kernel sources (every source but the harness, which comes last).
std::vector<std::string> kernel_flags(const backends::CandidateRecipe& recipe) {
  std::vector<std::string> flags;
  std::size_t kernels = recipe.sources.size() > 1 ? recipe.sources.size() - 1 : 1;
  for (std::size_t i = 0; i < kernels && i < recipe.sources.size(); ++i)
    flags.insert(flags.end(), recipe.sources[i].flags.begin(), recipe.sources[i].flags.end());
  return flags;
}

bool recorded_optimised(const knowledge::Wisdom& wisdom) {
  const util::Json& build = wisdom.device.extra.value("build", util::Json::object());
  return build.value("optimised", true);
}

std::string joined(const std::vector<std::string>& flags) {
  if (flags.empty()) return "(none)";
  std::string out;
  for (const std::string& f : flags) out += (out.empty() ? "" : " ") + f;
  return out;
}

std::string shown(const std::string& text) { return text.empty() ? "(none)" : text; }

}  // namespace

std::vector<std::string> code_generation_flags(const std::vector<std::string>& flags) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    const std::string& f = flags[i];
    // nvcc's host compiler options: "-Xcompiler -fopenmp,-O3" counts for the host flags in it.
    if ((f == "-Xcompiler" || f == "--compiler-options") && i + 1 < flags.size()) {
      std::vector<std::string> host;
      for (std::string_view piece : util::split(flags[i + 1], ','))
        host.emplace_back(util::trim(piece));
      if (!code_generation_flags(host).empty()) out.insert(out.end(), {f, flags[i + 1]});
      ++i;
      continue;
    }
    const CodegenFlag* row = codegen_row(f);
    if (!row) continue;
    out.push_back(f);
    if (row->takes_next && f == row->spelling && i + 1 < flags.size()) out.push_back(flags[++i]);
  }
  return out;
}

std::string build_type_of(const analyzers::BuildInfo& build) {
  return build.configuration.empty() ? build.cache_value("CMAKE_BUILD_TYPE") : build.configuration;
}

std::string BuildConfig::key() const {
  util::Hasher hasher;
  hasher.add("build").add(compiler).add(build_type);
  for (const std::string& f : flags) hasher.add(f);
  return hasher.digest();
}

BuildConfig build_config(const backends::CandidateRecipe& recipe, std::string build_type) {
  BuildConfig config;
  std::vector<std::string> all = kernel_flags(recipe);
  config.compiler = recipe.compiler_version;
  config.build_type = std::move(build_type);
  config.flags = code_generation_flags(all);
  config.optimised = backends::platform_of(recipe.backend).optimised(all);
  std::string_view level = backends::last_optimisation_flag(all);
  config.optimisation = level.empty() ? "none" : std::string(level);
  return config;
}

util::Json build_json(const BuildConfig& config) {
  return util::Json{{"optimised", config.optimised},
                    {"optimisation", config.optimisation},
                    {"build_type", config.build_type},
                    {"flags", config.flags}};
}

std::vector<std::string> build_changes(const knowledge::Wisdom& wisdom, const BuildConfig& now) {
  std::vector<std::string> changes;
  if (wisdom.device.compiler != now.compiler) {
    changes.push_back(
        fmt::format("compiler {} -> {}", shown(wisdom.device.compiler), shown(now.compiler)));
  }
  const util::Json& build = wisdom.device.extra.value("build", util::Json::object());
  if (auto it = build.find("build_type"); it != build.end() && it->is_string()) {
    std::string was = it->get<std::string>();
    if (was != now.build_type)
      changes.push_back(fmt::format("build type {} -> {}", shown(was), shown(now.build_type)));
  }
  if (auto it = build.find("flags"); it != build.end() && it->is_array()) {
    std::vector<std::string> was;
    for (const util::Json& f : *it) {
      if (f.is_string()) was.push_back(f.get<std::string>());
    }
    if (was != now.flags)
      changes.push_back(fmt::format("flags {} -> {}", joined(was), joined(now.flags)));
  }
  return changes;
}

BuildCheck check_build(const BuildConfig& config,
                       const std::optional<knowledge::Wisdom>& existing) {
  BuildCheck check;
  if (config.optimised) return check;
  std::string why =
      fmt::format("this build's kernel sources are not optimised ({})",
                  config.optimisation == "none" ? std::string("no -O flag") : config.optimisation);
  if (existing && recorded_optimised(*existing)) {
    check.refusal = why +
                    ": its timings would replace a winner measured in an optimised build; tune a "
                    "Release build (or remove that wisdom file to replace it)";
  } else {
    check.warning = why + ": its winners describe this build only";
  }
  return check;
}

}  // namespace kevolve::tune
