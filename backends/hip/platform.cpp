// HIP: candidates built by hipcc (clang) for the device's gfx architecture.

#include "backends/gpu_platform.hpp"

#include "templates/templates.hpp"

namespace kevolve::backends::hip {

namespace {

class HipPlatform : public GpuPlatform {
 public:
  HipPlatform() : GpuPlatform({"HIP", "hipcc", "HIPCXX", "ROCM_PATH", "/opt/rocm"}) {}

  Backend backend() const override { return Backend::hip; }
  std::vector<std::string_view> source_suffixes() const override { return {".hip"}; }
  std::string_view generated_suffix() const override { return ".hip"; }

  std::vector<std::string> architecture_flags(const std::string& arch) const override {
    if (arch.empty()) return {};
    return {"--offload-arch=" + arch};
  }

  CompileStyle compile_style(const std::string& arch) const override {
    CompileStyle s;
    s.compile = {"-x", "hip", "-fPIC"};  // clang emits no GNU-unique symbols
    s.preprocess = {"-E", "-P"};
    s.link = {"-shared"};
    s.entry_template = templates::candidate_entry_cpp;
    s.entry_file = "kevolve_entry.hip";
    s.unit_template = templates::candidate_unit_cpp;
    s.unit_file = "kevolve_unit.hip";
    s.artifact_suffix = ".so";
    s.direct_keys = true;
    s.drops_target_architectures = true;
    std::vector<std::string> flags = architecture_flags(arch);
    s.compile.insert(s.compile.end(), flags.begin(), flags.end());
    s.link.insert(s.link.end(), flags.begin(), flags.end());
    return s;
  }
};

}  // namespace

const Platform& platform() {
  static const HipPlatform hip;
  return hip;
}

}  // namespace kevolve::backends::hip
