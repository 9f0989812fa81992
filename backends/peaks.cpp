#include "backends/peaks.hpp"

#include "backends/build.hpp"
#include "backends/install_paths.hpp"
#include "knowledge/device_id.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>
#include <unistd.h>

#include "templates/templates.hpp"

namespace kevolve::backends {

namespace fs = std::filesystem;

namespace {

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buffer;
}

bool executable(const fs::path& p) { return !p.empty() && ::access(p.c_str(), X_OK) == 0; }

std::string on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return {};
  for (std::string_view dir : util::split(path, ':')) {
    if (!dir.empty() && executable(fs::path(dir) / name)) return (fs::path(dir) / name).string();
  }
  return {};
}

}  // namespace

util::Json to_json(const Peaks& p) {
  util::Json out = p.raw.is_object() ? p.raw : util::Json::object();
  out["copy_bytes_per_s"] = p.copy_bytes_per_s;
  out["fma_flops_per_s"] = p.fma_flops_per_s;
  out["date"] = p.date;
  return out;
}

fs::path peaks_file(const Device& device) {
  fs::path root = util::user_cache_dir();
  return root.empty() ? root : root / "peaks" / (knowledge::device_slug(device.id.str()) + ".json");
}

util::Expected<std::optional<Peaks>> load_peaks(const Device& device) {
  fs::path file = peaks_file(device);
  std::error_code ec;
  if (file.empty() || !fs::exists(file, ec)) return std::optional<Peaks>();
  auto text = util::read_file(file);
  if (!text) return util::unexpected(text.error());
  auto json = util::parse_json(*text, file.string());
  if (!json) return util::unexpected(json.error());
  if (!json->is_object() || !(*json)["copy_bytes_per_s"].is_number() ||
      !(*json)["fma_flops_per_s"].is_number()) {
    return util::unexpected(
        fmt::format("{}: not a peaks record; measure again with kevolve hw "
                    "--measure",
                    file.string()));
  }
  Peaks p;
  p.raw = *json;
  p.copy_bytes_per_s = (*json)["copy_bytes_per_s"].get<double>();
  p.fma_flops_per_s = (*json)["fma_flops_per_s"].get<double>();
  p.date = json->value("date", "");
  return std::optional<Peaks>(p);
}

util::Expected<void> save_peaks(const Device& device, const Peaks& peaks) {
  fs::path file = peaks_file(device);
  if (file.empty())
    return util::unexpected(std::string("no cache directory (set KEVOLVE_CACHE_DIR)"));
  if (auto made = util::ensure_directory(file.parent_path()); !made) return made;
  return util::write_file_atomically(file, util::dump_json(to_json(peaks)));
}

std::string find_gpu_compiler(Backend backend) {
  bool cuda = backend == Backend::cuda;
  if (const char* env = std::getenv(cuda ? "CUDACXX" : "HIPCXX"); env && executable(env))
    return env;
  const char* root = std::getenv(cuda ? "CUDA_PATH" : "ROCM_PATH");
  std::string name = cuda ? "nvcc" : "hipcc";
  for (fs::path dir :
       {root ? fs::path(root) : fs::path(), fs::path(cuda ? "/usr/local/cuda" : "/opt/rocm")}) {
    if (!dir.empty() && executable(dir / "bin" / name)) return (dir / "bin" / name).string();
  }
  return on_path(name);
}

util::Expected<Peaks> measure_peaks(const Device& device, const std::string& compiler) {
  if (device.backend == Backend::cpu)
    return util::unexpected(std::string("peaks are measured for GPUs only (CPU: not yet)"));
  if (compiler.empty()) {
    return util::unexpected(fmt::format("no {} compiler found to build the probe (set {})",
                                        device.backend == Backend::cuda ? "CUDA" : "HIP",
                                        device.backend == Backend::cuda ? "CUDACXX" : "HIPCXX"));
  }
  fs::path dir = fs::temp_directory_path() / fmt::format("kevolve-peaks-{}", ::getpid());
  if (auto made = util::ensure_directory(dir); !made) return util::unexpected(made.error());
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{dir};
  fs::path source = dir / (device.backend == Backend::cuda ? "peaks.cu" : "peaks.hip");
  if (auto written = util::write_file_atomically(source, templates::peaks_gpu_cpp); !written)
    return util::unexpected(written.error());
  std::vector<std::string> cmd = {compiler, "-O3", "-std=c++17",
                                  "-I" + kevolve_include_dir().string()};
  for (const std::string& f : gpu_architecture_flags(device.backend, device.arch)) cmd.push_back(f);
  cmd.insert(cmd.end(), {source.string(), "-o", (dir / "peaks").string()});
  auto built = util::run_process(cmd);
  if (!built) return util::unexpected(built.error());
  if (!built->ok())
    return util::unexpected(fmt::format("the probe does not build:\n{}", built->output));
  util::ProcessOptions options;
  options.timeout = std::chrono::minutes(5);
  auto ran = util::run_process({(dir / "peaks").string()}, options);
  if (!ran) return util::unexpected(ran.error());
  constexpr std::string_view marker = "kevolve-peaks: ";
  auto at = ran->output.find(marker);
  if (!ran->ok() || at == std::string::npos) {
    return util::unexpected(
        fmt::format("the probe failed ({}): {}", ran->describe(), util::trim(ran->output)));
  }
  std::string line = ran->output.substr(at + marker.size());
  auto json = util::parse_json(line.substr(0, line.find('\n')), "the probe's result");
  if (!json) return util::unexpected(json.error());
  Peaks p;
  p.raw = *json;
  p.copy_bytes_per_s = json->value("copy_bytes_per_s", 0.0);
  p.fma_flops_per_s = json->value("fma_flops_per_s", 0.0);
  p.date = now_utc();
  p.raw["device_id"] = device.id.str();
  return p;
}

}  // namespace kevolve::backends
