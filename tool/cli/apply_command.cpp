// `kevolve apply -B <build> --target T`: write the target's injected headers from the knowledge
// directory. The build runs it; it changes a header only when its content changes.

#include "analyzers/scan_cache.hpp"
#include "backends/device.hpp"
#include "tool/cli/commands.hpp"
#include "tool/cli/report.hpp"
#include "tool/tune/apply.hpp"
#include "tool/tune/depfile.hpp"
#include "tool/tune/variant_apply.hpp"
#include "tool/tune/workspace.hpp"
#include "util/environment.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>

namespace kevolve::tool {

namespace {

namespace fs = std::filesystem;

struct ApplyOptions {
  std::string build;
  std::string target;
  std::string knowledge;
  std::string device;
  std::string output;
  std::string stamp;
  std::string depfile;
  std::string configuration;
  bool quiet = false;
};

// The wrappers the target compiles in place of its marked sources, rewritten only when their
// content changes (a no-op build recompiles nothing).
void write_wrappers(const std::vector<tune::WrapperFile>& wrappers) {
  for (const tune::WrapperFile& w : wrappers) {
    if (auto written = tune::write_if_changed(w.path, w.text); !written)
      throw Error(written.error());
  }
}

// Each wrapper an #include of its original: nothing is recorded to splice in.
std::vector<tune::WrapperFile> plain_wrappers(const tune::TargetConfig& config) {
  std::vector<tune::WrapperFile> out;
  for (const tune::WrappedSource& w : config.wrapped) {
    auto text = tune::wrapper_text(w.source, nullptr);
    if (!text) throw Error(text.error());
    out.push_back({w.wrapper, std::move(*text)});
  }
  return out;
}

// Every unit's winners in one header to `output` ("-": stdout); without it, the build's headers
// where kevolve_tune() puts them (one per source, tune/apply.hpp), each rewritten only when its
// text changes.
void write_headers(const std::string& output, const tune::TargetConfig& config,
                   const std::string& header, const std::vector<analyzers::SourceUnits>& reach,
                   const std::vector<tune::UnitBlock>& blocks) {
  if (output == "-") {
    fmt::print("{}", header);
    return;
  }
  if (!output.empty()) {
    if (auto written = tune::write_if_changed(output, header); !written)
      throw Error(written.error());
    return;
  }
  for (const tune::HeaderFile& h : tune::build_headers(config, reach, blocks)) {
    if (auto written = tune::write_if_changed(h.path, h.text); !written)
      throw Error(written.error());
  }
}

void touch_stamp(const std::string& stamp, const std::string& target) {
  if (stamp.empty()) return;
  if (fs::path dir = fs::path(stamp).parent_path(); !dir.empty()) {
    if (auto made = util::ensure_directory(dir); !made) throw Error(made.error());
  }
  if (auto checked = tune::replaceable(stamp); !checked) throw Error(checked.error());
  std::ofstream(stamp, std::ios::trunc) << "kevolve apply " << target << "\n";
}

int run_apply(const ApplyOptions& o) {
  // Nothing recorded: the header injects nothing, and the build need not be read (on CMake
  // before 3.27, the first build has no File API reply yet).
  if (o.knowledge.empty()) {
    auto configs = tune::read_configs(o.build);
    if (!configs) throw Error(configs.error());
    for (const tune::TargetConfig& config : *configs) {
      if (config.target != o.target || tune::has_wisdom(config.knowledge_dir)) continue;
      write_headers(o.output, config, tune::header_prologue(config), {}, {});
      write_wrappers(plain_wrappers(config));
      std::vector<std::string> inputs = {
          (tune::config_dir(o.build) / (config.target + ".json")).string()};
      for (std::string& k : tune::knowledge_inputs(config.knowledge_dir, {}))
        inputs.push_back(std::move(k));
      if (!o.depfile.empty()) {
        if (auto written = tune::write_depfile(o.depfile, o.build, o.stamp, inputs); !written)
          throw Error(written.error());
      }
      touch_stamp(o.stamp, config.target);
      return 0;
    }
  }
  auto ws = tune::open_workspace(o.build, o.configuration, /*may_configure=*/false);
  if (!ws) throw Error(ws.error());
  tune::TargetSelection selection;
  selection.target = o.target;
  if (!o.knowledge.empty()) selection.knowledge_dir = o.knowledge;
  auto targets = tune::select_targets(*ws, selection);
  if (!targets) throw Error(targets.error());
  const tune::TargetConfig& config = targets->front();

  // One precedence: --device, then KEVOLVE_DEVICE, then kevolve_tune's DEVICE, then auto.
  std::string device = o.device;
  if (device.empty()) device = util::environment("KEVOLVE_DEVICE").value_or(config.device);
  analyzers::TargetScan scan = tune::scan(*ws, config, 0, /*with_harness=*/false);
  if (scan.errors() > 0) {
    print_problems(scan, ws->build.source_dir);
    throw Error(
        fmt::format("cannot inject winners into {}: its sources have errors", config.target));
  }
  std::optional<tune::VariantContext> variants;
  if (!config.wrapped.empty()) {
    auto requests = analyzers::plan_scan(ws->build, ws->env, config.target, {});
    if (!requests || requests->empty())
      throw Error(requests ? "nothing to scan in " + config.target : requests.error());
    variants = tune::VariantContext{requests->front(), {}, {}};
    variants->options.work_dir = ws->build.build_dir / "kevolve" / "scan";
    variants->options.cache_dir = analyzers::default_scan_cache();
    variants->work_dir = ws->build.build_dir / "kevolve" / config.target / "variants";
  }
  auto injection = tune::render_injection(scan, config, device, backends::detect_devices(),
                                          variants ? &*variants : nullptr);
  if (!injection) throw Error(injection.error());
  write_wrappers(injection->wrappers);
  write_headers(o.output, config, injection->header, scan.reach, injection->blocks);
  for (const std::string& warning : injection->warnings)
    fmt::print(stderr, "kevolve: warning: {}: {}\n", config.target, warning);
  if (!o.quiet) {
    for (const std::string& note : injection->notes)
      fmt::print(stderr, "kevolve: {}: {}\n", config.target, note);
  }
  if (!o.depfile.empty()) {
    std::vector<std::string> inputs = scan.inputs;
    inputs.push_back((tune::config_dir(ws->build.build_dir) / (config.target + ".json")).string());
    std::vector<std::string> units;
    for (const analyzers::Unit& u : scan.units) units.push_back(u.name);
    for (std::string& k : tune::knowledge_inputs(config.knowledge_dir, units))
      inputs.push_back(std::move(k));
    for (const std::string& v : injection->inputs) inputs.push_back(v);
    if (auto written = tune::write_depfile(o.depfile, o.build, o.stamp, inputs); !written)
      throw Error(written.error());
  }
  touch_stamp(o.stamp, config.target);
  return 0;
}

}  // namespace

void add_apply_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ApplyOptions>();
  CLI::App* cmd =
      app.add_subcommand("apply", "Write a target's injected header from the knowledge directory");
  cmd->add_option("-B,--build", o->build, "The CMake build directory")->required();
  cmd->add_option("--target", o->target, "The target")->required();
  cmd->add_option("--knowledge", o->knowledge, "The knowledge directory (default: kevolve_tune's)");
  cmd->add_option("--device", o->device,
                  "Whose winners: a device id or auto (default: KEVOLVE_DEVICE, then "
                  "kevolve_tune's DEVICE)");
  cmd->add_option("-o,--output", o->output,
                  "Where to write the header; - for stdout (default: kevolve_tune's)");
  cmd->add_option("--stamp", o->stamp, "A file to touch when done (for the build)");
  cmd->add_option("--depfile", o->depfile,
                  "Write the files the result depends on, for the build (with --stamp)");
  cmd->add_option("--config", o->configuration, "Multi-config generators: the configuration");
  cmd->add_flag("-q,--quiet", o->quiet, "Do not print notes about stale or borrowed winners");
  cmd->callback([o, &action] { action = [o] { return run_apply(*o); }; });
}

}  // namespace kevolve::tool
