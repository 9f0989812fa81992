#include "analyzers/compile_args.hpp"

#include "util/environment.hpp"
#include "util/files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <regex>

namespace kevolve::analyzers {

namespace fs = std::filesystem;

namespace {

// CUDA architectures of libclang 16 (clang/Basic/Cuda.h), newest last.
constexpr std::array<int, 20> k_cuda_archs = {20, 21, 30, 32, 35, 37, 50, 52, 53, 60,
                                              61, 62, 70, 72, 75, 80, 86, 87, 89, 90};
// AMD targets libclang 16 parses HIP for; newer ones (gfx941, gfx942, gfx1150, ...) are not.
constexpr std::array<std::string_view, 14> k_hip_archs = {
    "gfx803",  "gfx900",  "gfx906",  "gfx908",  "gfx90a",  "gfx90c",  "gfx940",
    "gfx1010", "gfx1030", "gfx1031", "gfx1100", "gfx1101", "gfx1102", "gfx1103"};

// The directory holding <kevolve/kevolve.hpp>: next to an installed binary (<prefix>/include),
// else the source tree kevolve was built from.
fs::path kevolve_include_dir() {
  return util::installed_dir("include", "kevolve/bench.hpp").value_or(KEVOLVE_SOURCE_INCLUDE_DIR);
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// kevolve_tune's directory of the injected header: the scanner reads the defaults as written,
// and leaving the build's own path out keeps the scan cache shared between build directories.
bool injects_winners(const std::string& dir) {
  std::error_code ec;
  return fs::exists(fs::path(dir) / "kevolve_tuned.h", ec);
}

// The flags of a compile command that change what the parser sees and that clang accepts.
// Everything else (optimization, code generation, nvcc's own options) is dropped.
void keep_parser_flags(const std::vector<std::string>& fragments, std::vector<std::string>& out,
                       std::string& standard) {
  for (std::size_t i = 0; i < fragments.size(); ++i) {
    const std::string& f = fragments[i];
    bool has_next = i + 1 < fragments.size();
    if (f == "-include" && has_next && fs::path(fragments[i + 1]).filename() == "kevolve_tuned.h") {
      ++i;  // the build's injected winners: the scanner reads the defaults as written
    } else if (f == "-D" || f == "-U" || f == "-I" || f == "-isystem" || f == "-iquote" ||
               f == "-idirafter" || f == "-include") {
      if (has_next) {
        out.push_back(f);
        out.push_back(fragments[++i]);
      }
    } else if (starts_with(f, "-I") && injects_winners(f.substr(2))) {
      continue;
    } else if (starts_with(f, "-D") || starts_with(f, "-U") || starts_with(f, "-I") ||
               starts_with(f, "-isystem") || starts_with(f, "-iquote")) {
      out.push_back(f);
    } else if (starts_with(f, "-std=") || starts_with(f, "--std=")) {
      standard = f.substr(f.find('=') + 1);
    } else if (f == "-std" && has_next) {
      standard = fragments[++i];
    } else if (f == "-fexceptions" || f == "-fno-exceptions" || f == "-frtti" || f == "-fno-rtti" ||
               f == "-fopenmp" || f == "-pthread" || f == "-fPIC" || f == "-fno-char8_t" ||
               f == "-fchar8_t" || starts_with(f, "-march=") || starts_with(f, "-mtune=") ||
               starts_with(f, "-mavx") || starts_with(f, "-msse") || f == "-mfma" ||
               f == "-mf16c" || f == "-mbmi2") {
      out.push_back(f);
    }
  }
}

std::string standard_flag(Language language, std::string standard) {
  if (standard.empty()) return language == Language::c ? "-std=c11" : "-std=c++17";
  if (std::isdigit(static_cast<unsigned char>(standard[0]))) {
    standard = (language == Language::c ? "c" : "c++") + standard;
  }
  return "-std=" + standard;
}

std::string directory_of_compiler(const std::string& compiler) {
  if (compiler.empty()) return {};
  fs::path bin = fs::path(compiler).parent_path();
  return bin.filename() == "bin" ? bin.parent_path().string() : std::string();
}

std::string first_existing(std::initializer_list<std::string> candidates, std::string_view marker) {
  std::error_code ec;
  for (const std::string& c : candidates) {
    if (!c.empty() && fs::exists(fs::path(c) / marker, ec)) return c;
  }
  return {};
}

}  // namespace

std::string_view name_of(Language language) {
  switch (language) {
    case Language::c:
      return "C";
    case Language::cxx:
      return "CXX";
    case Language::cuda:
      return "CUDA";
    case Language::hip:
      return "HIP";
  }
  return "?";
}

std::optional<Language> language_named(std::string_view name) {
  if (name == "C") return Language::c;
  if (name == "CXX") return Language::cxx;
  if (name == "CUDA") return Language::cuda;
  if (name == "HIP") return Language::hip;
  return std::nullopt;
}

std::optional<Language> language_of_file(const fs::path& file) {
  std::string ext = file.extension().string();
  if (ext == ".cu" || ext == ".cuh") return Language::cuda;
  if (ext == ".hip") return Language::hip;
  if (ext == ".c") return Language::c;
  if (ext == ".cpp" || ext == ".cc" || ext == ".cxx" || ext == ".C" || ext == ".c++" ||
      ext == ".hpp" || ext == ".h" || ext == ".hh") {
    return Language::cxx;
  }
  return std::nullopt;
}

std::string cuda_arch_for(const std::vector<std::string>& fragments) {
  static const std::regex k_arch("(?:sm|compute)_([0-9]+)");
  int best = 0;
  for (const std::string& f : fragments) {
    for (std::sregex_iterator it(f.begin(), f.end(), k_arch), end; it != end; ++it) {
      int arch = std::atoi((*it)[1].str().c_str());
      if (std::find(k_cuda_archs.begin(), k_cuda_archs.end(), arch) != k_cuda_archs.end()) {
        best = std::max(best, arch);
      }
    }
  }
  return fmt::format("sm_{}", best == 0 ? 90 : best);
}

std::string hip_arch_for(const std::vector<std::string>& fragments) {
  static const std::regex k_arch("gfx[0-9a-f]+");
  for (const std::string& f : fragments) {
    std::smatch m;
    if (std::regex_search(f, m, k_arch) &&
        std::find(k_hip_archs.begin(), k_hip_archs.end(), m.str()) != k_hip_archs.end()) {
      return m.str();
    }
  }
  return "gfx90a";
}

util::Expected<ScanEnvironment> make_environment(const BuildInfo* build, const fs::path& work_dir) {
  ScanEnvironment env;
  auto cache = [&](std::string_view name) {
    return build ? build->cache_value(name) : std::string();
  };
  auto compiler = [&](std::string_view language) {
    const Toolchain* t = build ? build->toolchain(language) : nullptr;
    return t ? t->compiler : std::string();
  };
  env.cuda_path =
      first_existing({directory_of_compiler(compiler("CUDA")), cache("CUDAToolkit_ROOT"),
                      directory_of_compiler(cache("CMAKE_CUDA_COMPILER")),
                      util::environment("CUDA_PATH").value_or(""), "/usr/local/cuda"},
                     "include/cuda_runtime.h");
  env.rocm_path = first_existing({cache("ROCM_PATH"), directory_of_compiler(compiler("HIP")),
                                  util::environment("ROCM_PATH").value_or(""), "/opt/rocm", "/usr"},
                                 "include/hip/hip_runtime.h");
  env.shim_dir = work_dir / "shim";
  if (auto made = util::ensure_directory(env.shim_dir); !made)
    return util::unexpected(made.error());
  fs::path shim = env.shim_dir / "texture_fetch_functions.h";
  std::error_code ec;
  if (!fs::exists(shim, ec)) {
    // CUDA 13's texture fetch header does not parse with clang 16 and declares nothing a
    // kernel marker needs.
    if (auto written = util::write_file_atomically(shim, "#pragma once\n"); !written) {
      return util::unexpected(written.error());
    }
  }
  env.kevolve_include = kevolve_include_dir();
  return env;
}

util::Expected<std::vector<std::string>> clang_args(const CompileGroup& group, Language language,
                                                    const ScanEnvironment& env) {
  std::vector<std::string> args;
  std::vector<std::string> kept;
  std::string standard = group.standard;
  keep_parser_flags(group.fragments, kept, standard);

  switch (language) {
    case Language::c:
      args = {"-x", "c"};
      break;
    case Language::cxx:
      args = {"-x", "c++"};
      break;
    case Language::cuda:
      if (env.cuda_path.empty()) {
        return util::unexpected(std::string(
            "no CUDA toolkit found to parse CUDA sources (set CUDA_PATH or CUDAToolkit_ROOT)"));
      }
      args = {"-x",
              "cuda",
              "--cuda-path=" + env.cuda_path,
              "--cuda-gpu-arch=" + cuda_arch_for(group.fragments),
              "--cuda-host-only",
              "-nocudalib",
              "-Wno-unknown-cuda-version",
              "-I" + env.shim_dir.string(),
              "-isystem",
              env.cuda_path + "/include/cccl",
              "-Xclang",
              "-fcuda-allow-variadic-functions"};
      break;
    case Language::hip:
      if (env.rocm_path.empty()) {
        return util::unexpected(
            std::string("no HIP headers found to parse HIP sources (set ROCM_PATH)"));
      }
      args = {"-x",
              "hip",
              "--offload-arch=" + hip_arch_for(group.fragments),
              "--rocm-path=" + env.rocm_path,
              "-nogpulib",
              "--cuda-host-only"};
      break;
  }
  args.push_back(standard_flag(language, standard));
  args.push_back("-ferror-limit=0");
  args.push_back("-w");  // warnings are the compiler's business, not the scanner's
  args.push_back("-DKEVOLVE_SCAN");
  if (!group.sysroot.empty()) args.push_back("--sysroot=" + group.sysroot);
  for (const std::string& d : group.defines) args.push_back("-D" + d);
  for (const IncludeDir& inc : group.includes) {
    if (injects_winners(inc.path)) continue;
    if (inc.system) {
      args.push_back("-isystem");
      args.push_back(inc.path);
    } else {
      args.push_back("-I" + inc.path);
    }
  }
  args.insert(args.end(), kept.begin(), kept.end());
  if (!env.kevolve_include.empty()) {
    args.push_back("-idirafter");
    args.push_back(env.kevolve_include.string());
  }
  return args;
}

}  // namespace kevolve::analyzers
