#include "backends/gpu_platform.hpp"

#include "backends/build.hpp"
#include "backends/install_paths.hpp"
#include "util/environment.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <unistd.h>

#include "templates/templates.hpp"

namespace kevolve::backends {

namespace fs = std::filesystem;

namespace {

bool executable(const fs::path& p) { return !p.empty() && ::access(p.c_str(), X_OK) == 0; }

// Removes the probe's scratch directory however measuring ends.
struct Cleanup {
  fs::path dir;
  ~Cleanup() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

util::Expected<Peaks> peaks_from(const util::ProcessResult& ran, const Device& device) {
  constexpr std::string_view marker = "kevolve-peaks: ";
  auto at = ran.output.find(marker);
  if (!ran.ok() || at == std::string::npos) {
    return util::unexpected(
        fmt::format("the probe failed ({}): {}", ran.describe(), util::trim(ran.output)));
  }
  std::string line = ran.output.substr(at + marker.size());
  auto json = util::parse_json(line.substr(0, line.find('\n')), "the probe's result");
  if (!json) return util::unexpected(json.error());
  Peaks p;
  p.raw = *json;
  p.copy_bytes_per_s = json->value("copy_bytes_per_s", 0.0);
  p.fma_flops_per_s = json->value("fma_flops_per_s", 0.0);
  p.date = util::now_utc();
  p.raw["device_id"] = device.id.str();
  return p;
}

}  // namespace

std::string GpuPlatform::find_compiler() const {
  std::string variable(m_toolkit.compiler_variable);
  if (auto env = util::environment(variable); env && executable(*env)) return *env;
  auto root = util::environment(m_toolkit.root_variable);
  std::string name(m_toolkit.compiler);
  for (fs::path dir : {root ? fs::path(*root) : fs::path(), fs::path(m_toolkit.default_root)}) {
    if (!dir.empty() && executable(dir / "bin" / name)) return (dir / "bin" / name).string();
  }
  return util::find_on_path(name).string();
}

// Device code is optimised unless built for device debugging (-G) or with -O0 (hipcc).
bool GpuPlatform::optimised(const std::vector<std::string>& flags) const {
  for (const std::string& f : flags) {
    if (f == "-G" || f == "--device-debug") return false;
  }
  std::string_view level = last_optimisation_flag(flags);
  return level != "-O0";
}

std::string GpuPlatform::recorded_arch(const Device& /*device*/,
                                       const CandidateRecipe& recipe) const {
  return recipe.gpu_arch;
}

util::Expected<Launchers> GpuPlatform::launchers(const CandidateRecipe& recipe) const {
  auto runner = build_runner(recipe);
  if (!runner) return util::unexpected(runner.error());
  Launchers l;
  l.search = std::make_unique<FreshRunner>(*runner);
  l.fresh = std::make_unique<FreshRunner>(*runner);
  return l;
}

util::Expected<Peaks> GpuPlatform::measure_peaks(const Device& device,
                                                 const std::string& compiler) const {
  if (compiler.empty()) {
    return util::unexpected(fmt::format("no {} compiler found to build the probe (set {})",
                                        m_toolkit.name, m_toolkit.compiler_variable));
  }
  fs::path dir = fs::temp_directory_path() / fmt::format("kevolve-peaks-{}", ::getpid());
  if (auto made = util::ensure_directory(dir); !made) return util::unexpected(made.error());
  Cleanup cleanup{dir};
  fs::path source = dir / fmt::format("peaks{}", generated_suffix());
  if (auto written = util::write_file_atomically(source, templates::peaks_gpu_cpp); !written)
    return util::unexpected(written.error());
  std::vector<std::string> cmd = {compiler, "-O3", "-std=c++17",
                                  "-I" + kevolve_include_dir().string()};
  for (const std::string& f : architecture_flags(device.arch)) cmd.push_back(f);
  cmd.insert(cmd.end(), {source.string(), "-o", (dir / "peaks").string()});
  auto built = util::run_process(cmd);
  if (!built) return util::unexpected(built.error());
  if (!built->ok())
    return util::unexpected(fmt::format("the probe does not build:\n{}", built->output));
  util::ProcessOptions options;
  options.timeout = std::chrono::minutes(5);
  auto ran = util::run_process({(dir / "peaks").string()}, options);
  if (!ran) return util::unexpected(ran.error());
  return peaks_from(*ran, device);
}

util::Expected<Profiler> GpuPlatform::profiler(const CandidateRecipe& /*recipe*/) const {
  return util::unexpected(std::string("only CUDA candidates are profiled (Nsight Compute)"));
}

}  // namespace kevolve::backends
