#include "backends/build.hpp"

// How this works (after ccache's preprocessor mode): each translation unit is preprocessed
// with the candidate's header forced in (no line markers, so scratch paths do not matter), and
// the object is cached under the hash of compiler, flags and preprocessed text.
// A source that does not read the tuned parameters therefore compiles once for all
// candidates (the generated main always does). The executable is cached under the hash of
// its objects and link flags. Cache entries appear by rename, so parallel builds and killed
// builds never leave a half-written entry.

#include "backends/install_paths.hpp"
#include "backends/platform.hpp"
#include "util/environment.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"
#include "util/process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <unistd.h>

#include "templates/templates.hpp"

namespace kevolve::backends {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

std::string scratch_name(std::string_view tag, std::string_view what) {
  static std::atomic<unsigned> counter{0};
  return fmt::format("{}.{}.{}.{}", tag, what, ::getpid(), counter++);
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

struct Step {
  bool ok = false;
  std::string log;
};

util::ProcessOptions tool_options(const CandidateRecipe& r) {
  util::ProcessOptions options;
  if (!r.compiler_temp_dir.empty())
    options.environment = {"TMPDIR=" + r.compiler_temp_dir.string()};
  options.timeout = r.compile_timeout;
  return options;
}

// What a tool printed, and why it was stopped when it was: the compile timeout, or a signal
// (the OOM killer's SIGKILL says nothing in the output itself).
std::string tool_log(const util::ProcessResult& result) {
  if (!result.timed_out && result.signal == 0) return result.output;
  const char* separator = result.output.empty() || result.output.back() == '\n' ? "" : "\n";
  if (!result.timed_out)
    return fmt::format("{}{}stopped: {}", result.output, separator, result.describe());
  return fmt::format("{}{}stopped: it ran past the compile timeout ({})", result.output, separator,
                     result.describe());
}

Step run_tool(const CandidateRecipe& r, const std::vector<std::string>& argv) {
  auto result = util::run_process(argv, tool_options(r));
  if (!result) return {false, result.error()};
  return {result->ok(), tool_log(*result)};
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

// A key for this process alone (see `direct` below).
const std::string& process_nonce() {
  static const std::string nonce =
      fmt::format("{}.{}", ::getpid(), std::chrono::steady_clock::now().time_since_epoch().count());
  return nonce;
}

// Compiles `source` into the cache; returns the object's path. A `direct` source is keyed by
// its own text, the header's and this process instead of its preprocessed text: on GPUs
// preprocessing costs a fifth of a compile, the sources that read the parameters never hit the
// cache from one candidate to the next, and the generated entry and a harness that reads no
// parameter always do. The process is in the
// key because a header such a source includes may change between runs, not within one.
// What a compile makes: an object (-c), or a device-only candidate's cubin (-cubin).
struct Phase {
  const char* flag = "-c";
  const char* suffix = ".o";
};
constexpr Phase k_object{};
constexpr Phase k_cubin{"-cubin", ".cubin"};

util::Expected<fs::path> compile(const CandidateRecipe& r, const CompileStyle& style,
                                 const fs::path& source, const std::vector<std::string>& flags,
                                 const fs::path& header, std::string_view tag, bool direct,
                                 bool& cached, Phase phase = k_object) {
  std::vector<std::string> base = {r.compiler};
  std::vector<std::string> own =
      style.drops_target_architectures ? without_gpu_architectures(flags) : flags;
  base.insert(base.end(), own.begin(), own.end());
  base.insert(base.end(), style.compile.begin(), style.compile.end());
  base.push_back("-I" + kevolve_include_dir().string());
  std::vector<std::string> with_header = base;
  if (!header.empty()) {
    with_header.push_back("-include");
    with_header.push_back(header.string());
  }
  util::Hasher key;
  key.add("object").add(r.compiler).add(r.compiler_version);  // the suffix tells the phase
  for (const std::string& f : base) key.add(f);  // the header's path is not part of the key
  if (direct) {
    auto text = util::read_file(source);
    if (!text) return util::unexpected(text.error());
    key.add("direct").add(process_nonce()).add(source.string()).add(*text);
    if (!header.empty()) {
      auto injected = util::read_file(header);
      if (!injected) return util::unexpected(injected.error());
      key.add(*injected);
    }
  } else {
    std::vector<std::string> preprocess = with_header;
    preprocess.insert(preprocess.end(), style.preprocess.begin(), style.preprocess.end());
    preprocess.push_back(source.string());
    util::ProcessOptions options = tool_options(r);
    options.max_output = std::size_t{1} << 30;  // preprocessed sources are large
    auto pre = util::run_process(preprocess, options);
    if (!pre) return util::unexpected(pre.error());
    if (!pre->ok())
      return util::unexpected(fmt::format("$ {}\n{}", command_line(preprocess), tool_log(*pre)));
    key.add(pre->output);
  }
  fs::path object = r.cache_dir / "objects" / (key.digest().substr(5) + phase.suffix);
  std::error_code ec;
  if (fs::exists(object, ec)) {
    cached = true;
    return object;
  }
  cached = false;
  if (auto made = util::ensure_directory(object.parent_path()); !made)
    return util::unexpected(made.error());
  fs::path temporary = object.parent_path() / scratch_name(tag, phase.suffix + 1);
  std::vector<std::string> cmd = with_header;
  cmd.insert(cmd.end(), {phase.flag, source.string(), "-o", temporary.string()});
  auto start = Clock::now();
  Step step = run_tool(r, cmd);
  KEVOLVE_LOG("build: {} {} compiled {} in {:.2f} s", r.unit, tag, source.filename().string(),
              std::chrono::duration<double>(Clock::now() - start).count());
  if (!step.ok) {
    fs::remove(temporary, ec);
    return util::unexpected(fmt::format("$ {}\n{}", command_line(cmd), step.log));
  }
  fs::rename(temporary, object, ec);
  if (ec)
    return util::unexpected(fmt::format("cannot store {}: {}", object.string(), ec.message()));
  return object;
}

// For a link that failed on a missing symbol: the first one, what the link took from the
// unit's target and how to give it the rest.
std::string missing_symbol_hint(const CandidateRecipe& r, const std::string& log) {
  // GNU ld: undefined reference to `f(int)'; lld: undefined symbol: f(int)
  std::string symbol;
  if (std::size_t at = log.find("undefined reference to `"); at != std::string::npos) {
    at += 24;
    symbol = log.substr(at, log.find('\'', at) - at);
  } else if (at = log.find("undefined symbol: "); at != std::string::npos) {
    at += 18;
    symbol = log.substr(at, log.find('\n', at) - at);
  } else {
    return {};
  }
  return fmt::format(
      "kevolve: the candidate of {} lacks `{}`. It links {}. Define it in the kernel's "
      "source or in a library that the kernel's target links (target_link_libraries), or keep "
      "the kernel in a library target with it (docs/cmake.md, \"Kernels in a library\")\n",
      r.unit, symbol, r.link_origin.empty() ? "the unit's sources and its harness" : r.link_origin);
}

// A generated file, written when its text changed (builders of one tune may write it at once).
util::Expected<fs::path> generated(const fs::path& file, const std::string& text) {
  if (auto written = util::write_file_if_changed(file, text); !written)
    return util::unexpected(written.error());
  return file;
}

// The generated main (or entry point) and the file that names the unit's harness to it. The
// main is the same for every unit and lives in the cache directory, so that its object's key
// (which holds a source's path where keys are direct) is too.
util::Expected<std::vector<fs::path>> generated_main(const CandidateRecipe& r,
                                                     const CompileStyle& style) {
  auto entry = generated(r.cache_dir / "entry" / style.entry_file, style.entry_template);
  if (!entry) return util::unexpected(entry.error());
  auto unit =
      generated(r.work_dir / style.unit_file, replace_all(style.unit_template, "@UNIT@", r.unit));
  if (!unit) return util::unexpected(unit.error());
  return std::vector<fs::path>{*entry, *unit};
}

// A candidate's objects: its sources (the harness last, shared by all candidates when it reads
// no parameter), the target's companion sources, and the generated main.
struct Objects {
  std::vector<fs::path> paths;
  bool all_cached = true;  // the unit's sources and companions (the generated ones are shared)
};

util::Expected<Objects> compile_objects(const CandidateRecipe& r, const CompileStyle& style,
                                        const fs::path& header,
                                        const std::vector<fs::path>& generated_sources,
                                        std::string_view tag) {
  Objects out;
  // KEVOLVE_CACHE_KEYS=preprocessed keys every object by its preprocessed text (to compare, or
  // to rule the direct keys out when a cache looks wrong).
  const bool direct =
      style.direct_keys && util::environment("KEVOLVE_CACHE_KEYS") != "preprocessed";
  auto add = [&](const SourceFile& s, const fs::path& with_header, bool direct_key,
                 bool counts) -> util::Expected<void> {
    bool cached = false;
    auto object = compile(r, style, s.path, s.flags, with_header, tag, direct_key, cached);
    if (!object) return util::unexpected(object.error());
    if (counts) out.all_cached = out.all_cached && cached;
    out.paths.push_back(*object);
    return {};
  };
  for (std::size_t i = 0; i < r.sources.size(); ++i) {
    bool harness = i + 1 == r.sources.size();  // the recipe lists it last
    bool same_for_all = harness && !r.harness_reads_params;
    if (auto added = add(r.sources[i], same_for_all ? fs::path{} : header,
                         direct && (!harness || same_for_all), true);
        !added)
      return util::unexpected(added.error());
  }
  for (const SourceFile& s : r.companions) {
    if (auto added = add(s, {}, direct, true); !added) return util::unexpected(added.error());
  }
  for (const fs::path& g : generated_sources) {
    if (auto added = add({g, r.main_flags}, {}, direct, false); !added)
      return util::unexpected(added.error());
  }
  return out;
}

// The executable (or library) linked from `objects`, kept in the cache by what went into it;
// `cached` says it was there already.
util::Expected<fs::path> link_objects(const CandidateRecipe& r, const CompileStyle& style,
                                      const std::vector<fs::path>& objects, std::string_view tag,
                                      bool& cached, double& link_s) {
  util::Hasher key;
  key.add("executable").add(r.compiler).add(r.compiler_version);
  for (const fs::path& o : objects) key.add(o.filename().string());
  for (const std::string& f : r.link_flags) key.add(f);
  for (const std::string& f : style.link) key.add(f);
  fs::path executable =
      r.cache_dir / "executables" / (key.digest().substr(5) + style.artifact_suffix);
  std::error_code ec;
  cached = fs::exists(executable, ec);
  if (cached) return executable;
  if (auto made = util::ensure_directory(executable.parent_path()); !made)
    return util::unexpected(made.error());
  fs::path temporary =
      executable.parent_path() / (scratch_name(tag, "exe") + style.artifact_suffix);
  std::vector<std::string> link = {r.compiler};
  link.insert(link.end(), style.link.begin(), style.link.end());
  for (const fs::path& o : objects) link.push_back(o.string());
  link.insert(link.end(), {"-o", temporary.string()});
  link.insert(link.end(), r.link_flags.begin(), r.link_flags.end());
  auto link_start = Clock::now();
  Step step = run_tool(r, link);
  link_s = std::chrono::duration<double>(Clock::now() - link_start).count();
  if (!step.ok) {
    fs::remove(temporary, ec);
    return util::unexpected(
        fmt::format("$ {}\n{}{}", command_line(link), step.log, missing_symbol_hint(r, step.log)));
  }
  fs::rename(temporary, executable, ec);
  if (ec)
    return util::unexpected(fmt::format("cannot store {}: {}", executable.string(), ec.message()));
  return executable;
}

// The candidate's scratch directory, its injected header and the generated main.
util::Expected<std::pair<fs::path, std::vector<fs::path>>> prepare_candidate(
    const CandidateRecipe& r, const CompileStyle& style, const std::string& header_text,
    std::string_view tag) {
  fs::path scratch = r.work_dir / "candidates" / std::string(tag);
  if (auto made = util::ensure_directory(scratch); !made) return util::unexpected(made.error());
  fs::path header = scratch / "kevolve_tuned.h";
  if (auto written = util::write_file_atomically(header, header_text); !written)
    return util::unexpected(written.error());
  auto entry = generated_main(r, style);
  if (!entry) return util::unexpected(entry.error());
  return std::make_pair(header, *entry);
}

// Device-only candidates (docs/device-only.md): the host library of the unit, built once,
// each candidate's cubins and the manifest that ties them together for the runner.

// The host side: every source and the generated host entry, without the candidate's header
// (so cached for all candidates).
util::Expected<fs::path> build_host_library(const CandidateRecipe& r, const CompileStyle& style,
                                            std::string_view tag, bool& cached) {
  // Built once per tune: its entry names the unit itself.
  auto entry = generated(r.work_dir / "kevolve_host.cu",
                         replace_all(templates::candidate_host_cpp, "@UNIT@", r.unit));
  if (!entry) return util::unexpected(entry.error());
  CandidateRecipe host = r;
  host.harness_reads_params = false;
  auto objects = compile_objects(host, style, {}, {*entry}, tag);
  if (!objects) return util::unexpected(objects.error());
  bool linked_before = false;
  double link_s = 0;
  auto library = link_objects(host, style, objects->paths, tag, linked_before, link_s);
  cached = linked_before && objects->all_cached;
  return library;
}

// The host library, built by one builder while the others wait, and then kept for the
// process by the recipe's sources and their text (headers they include do not change within a
// tune, as the `direct` keys assume): checking the cache would preprocess every source under
// KEVOLVE_CACHE_KEYS=preprocessed.
util::Expected<fs::path> shared_host_library(const CandidateRecipe& r, const CompileStyle& style,
                                             std::string_view tag, bool& cached) {
  util::Hasher hasher;
  hasher.add(r.unit).add(r.work_dir.string()).add(r.cache_dir.string());
  for (const auto* list : {&r.sources, &r.companions}) {
    for (const SourceFile& f : *list) {
      auto text = util::read_file(f.path);
      if (!text) return util::unexpected(text.error());
      hasher.add(f.path.string()).add(*text);
      for (const std::string& flag : f.flags) hasher.add(flag);
    }
  }
  const std::string key = hasher.digest();
  static std::mutex mutex;
  static std::map<std::string, fs::path> built;
  std::lock_guard<std::mutex> lock(mutex);
  std::error_code ec;
  if (auto found = built.find(key); found != built.end() && fs::exists(found->second, ec)) {
    cached = true;
    return found->second;
  }
  auto host = build_host_library(r, style, tag, cached);
  if (host) built[key] = *host;
  return host;
}

// The candidate's values by name, from its injected header: "KEVOLVE_TUNED_<unit>_NAME ~, v"
// or, for `inject: macros` units, "NAME v".
std::vector<std::pair<std::string, std::string>> header_params(const CandidateRecipe& r,
                                                               const std::string& header) {
  const std::string prefix = "KEVOLVE_TUNED_" + r.unit + "_";
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t at = 0;
  while (at < header.size()) {
    std::size_t end = std::min(header.find('\n', at), header.size());
    std::string line = header.substr(at, end - at);
    at = end + 1;
    if (line.rfind("#define ", 0) != 0) continue;
    std::size_t space = line.find(' ', 8);
    if (space == std::string::npos) continue;
    std::string name = line.substr(8, space - 8);
    std::string value = line.substr(space + 1);
    if (name.rfind(prefix, 0) == 0) {
      name = name.substr(prefix.size());
      if (value.rfind("~, ", 0) == 0) value = value.substr(3);
    }
    out.emplace_back(name, value);
  }
  return out;
}

// `from` as `to`, by a hard link (a copy where none can be made), appearing by rename.
util::Expected<void> place(const fs::path& from, const fs::path& to, std::string_view tag) {
  std::error_code ec;
  if (fs::exists(to, ec)) return {};
  fs::path temporary = to.parent_path() / scratch_name(tag, "link");
  fs::create_hard_link(from, temporary, ec);
  if (ec) {
    ec.clear();
    fs::copy_file(from, temporary, ec);
  }
  if (!ec) fs::rename(temporary, to, ec);
  if (ec) {
    fs::remove(temporary, ec);
    return util::unexpected(fmt::format("cannot place {} as {}", from.string(), to.string()));
  }
  return {};
}

// The manifest and what it names, in a directory of their own keyed by all of it: the
// candidate's sandbox lets it read the directory of its artifact only (tool/eval/evaluator.cpp).
util::Expected<fs::path> write_manifest(const CandidateRecipe& r, const fs::path& host,
                                        const std::vector<fs::path>& cubins,
                                        const std::string& header, std::string_view tag,
                                        bool& cached) {
  std::string params;
  for (const auto& [name, value] : header_params(r, header))
    params += fmt::format("param {} {}\n", name, value);
  util::Hasher key;
  key.add("manifest").add(r.unit).add(host.filename().string()).add(params);
  for (const fs::path& c : cubins) key.add(c.filename().string());
  fs::path dir = r.cache_dir / "device-only" / key.digest().substr(5);
  fs::path manifest = dir / "candidate.kvc";
  std::error_code ec;
  cached = fs::exists(manifest, ec);
  if (cached) return manifest;
  if (auto made = util::ensure_directory(dir); !made) return util::unexpected(made.error());
  std::string text =
      fmt::format("kevolve-cubin 1\nhost {}\nunit {}\n", (dir / "host.so").string(), r.unit);
  if (auto placed = place(host, dir / "host.so", tag); !placed)
    return util::unexpected(placed.error());
  for (std::size_t i = 0; i < cubins.size(); ++i) {
    fs::path local = dir / fmt::format("kernel{}.cubin", i);
    if (auto placed = place(cubins[i], local, tag); !placed)
      return util::unexpected(placed.error());
    text += fmt::format("cubin {}\n", local.string());
  }
  if (auto written = util::write_file_atomically(manifest, text + params); !written)
    return util::unexpected(written.error());
  return manifest;
}

// How a build ends: with its log (empty when it succeeded) and the seconds since it began.
auto finisher(Build& build) {
  return [&build, start = Clock::now()](std::string log = {}) {
    build.log = std::move(log);
    build.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return build;
  };
}

Build build_device_only(const CandidateRecipe& r, const std::string& header_text,
                        std::string_view tag) {
  Build build;
  auto finish = finisher(build);
  CompileStyle style = platform_of(r.backend).compile_style(r.gpu_arch);
  auto prepared = prepare_candidate(r, style, header_text, tag);
  if (!prepared) return finish(prepared.error());
  bool all_cached = true;
  std::vector<fs::path> cubins;
  for (std::size_t i = 0; i + 1 < r.sources.size(); ++i) {  // the harness (last) is host code
    bool cached = false;
    auto cubin = compile(r, style, r.sources[i].path, r.sources[i].flags, prepared->first, tag,
                         style.direct_keys, cached, k_cubin);
    if (!cubin) return finish(cubin.error());
    all_cached = all_cached && cached;
    cubins.push_back(*cubin);
  }
  bool host_cached = false;
  auto host = shared_host_library(r, style, tag, host_cached);
  if (!host) return finish(host.error());
  bool manifest_cached = false;
  auto manifest = write_manifest(r, *host, cubins, header_text, tag, manifest_cached);
  if (!manifest) return finish(manifest.error());
  build.ok = true;
  build.executable = *manifest;
  build.cached = all_cached && host_cached && manifest_cached;
  Build done = finish();
  if (!done.cached) KEVOLVE_LOG("build: {} {} device-only in {:.2f} s", r.unit, tag, done.seconds);
  return done;
}

// A source's text without its comments, for the opt-in scan (string literals are kept: a
// "<<<" inside one is rare enough to be reported and reworded).
std::string without_comments(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "//") == 0) {
      i = text.find('\n', i);
      if (i == std::string::npos) break;
    } else if (text.compare(i, 2, "/*") == 0) {
      i = text.find("*/", i + 2);
      if (i == std::string::npos) break;
      ++i;
      continue;
    }
    out += text[i];
  }
  return out;
}

}  // namespace

util::Expected<BuildPath> build_path(const CandidateRecipe& r) {
  // Opt-in by the environment too, until the path has run on a GPU (docs/device-only.md).
  if (r.backend != Backend::cuda || util::environment("KEVOLVE_DEVICE_ONLY") != "on")
    return BuildPath::whole;
  std::string launching, chevrons;  // a source that uses KEVOLVE_LAUNCH, one that uses <<<
  for (const SourceFile& s : r.sources) {
    auto text = util::read_file(s.path);
    if (!text) return util::unexpected(text.error());
    std::string code = without_comments(*text);
    if (launching.empty() && code.find("KEVOLVE_LAUNCH(") != std::string::npos)
      launching = s.path.filename().string();
    if (chevrons.empty() && code.find("<<<") != std::string::npos)
      chevrons = s.path.filename().string();
  }
  if (launching.empty()) return BuildPath::whole;
  if (!chevrons.empty())
    return util::unexpected(fmt::format(
        "unit {} opts in to device-only candidates ({} launches through KEVOLVE_LAUNCH), but {} "
        "launches with <<<>>>, which would run the host's kernel with the default parameters: "
        "launch every kernel of the unit through KEVOLVE_LAUNCH, or none (docs/device-only.md)",
        r.unit, launching, chevrons));
  if (r.sources.size() < 2)
    return util::unexpected(fmt::format(
        "unit {} opts in to device-only candidates, but its kernel is in its harness ({}): "
        "device-only candidates compile the unit's kernel sources apart from the harness; move "
        "the kernel into its own source (docs/device-only.md)",
        r.unit, launching));
  return BuildPath::device_only;
}

Build build_candidate(const CandidateRecipe& r, const std::string& header_text,
                      std::string_view tag) {
  Build build;
  auto finish = finisher(build);
  auto path = build_path(r);
  if (!path) return finish(path.error());
  if (*path == BuildPath::device_only) return build_device_only(r, header_text, tag);
  CompileStyle style = platform_of(r.backend).compile_style(r.gpu_arch);
  auto prepared = prepare_candidate(r, style, header_text, tag);
  if (!prepared) return finish(prepared.error());
  auto objects = compile_objects(r, style, prepared->first, prepared->second, tag);
  if (!objects) return finish(objects.error());
  bool linked_before = false;
  double link_s = 0;
  auto executable = link_objects(r, style, objects->paths, tag, linked_before, link_s);
  if (!executable) return finish(executable.error());
  build.ok = true;
  build.executable = *executable;
  build.cached = linked_before && objects->all_cached;
  Build done = finish();
  if (!linked_before)
    KEVOLVE_LOG("build: {} {} in {:.2f} s (link {:.2f} s)", r.unit, tag, done.seconds, link_s);
  return done;
}

util::Expected<fs::path> build_runner(const CandidateRecipe& r) {
  if (r.backend == Backend::cpu)
    return util::unexpected(std::string("CPU candidates need no runner"));
  const Platform& platform = platform_of(r.backend);
  CompileStyle style = platform.compile_style(r.gpu_arch);
  std::vector<std::string> cmd = {r.compiler, "-std=c++17", "-O2"};
  cmd.insert(cmd.end(), style.compile.begin(), style.compile.end());
  cmd.push_back("-I" + kevolve_include_dir().string());
  util::Hasher key;
  key.add("runner").add(r.compiler).add(r.compiler_version).add(templates::runner_main_cpp);
  for (const std::string& f : cmd) key.add(f);
  std::string digest = key.digest().substr(5);
  fs::path runner = r.cache_dir / "runners" / digest;
  std::error_code ec;
  if (fs::exists(runner, ec)) return runner;
  if (auto made = util::ensure_directory(runner.parent_path()); !made)
    return util::unexpected(made.error());
  fs::path source = runner.parent_path() / (digest + std::string(platform.generated_suffix()));
  if (auto written = util::write_file_atomically(source, templates::runner_main_cpp); !written)
    return util::unexpected(written.error());
  fs::path temporary = runner.parent_path() / scratch_name("runner", "exe");
  cmd.insert(cmd.end(), {source.string(), "-o", temporary.string(), "-ldl"});
  cmd.insert(cmd.end(), style.runner_link.begin(), style.runner_link.end());
  Step step = run_tool(r, cmd);
  if (!step.ok) {
    fs::remove(temporary, ec);
    return util::unexpected(
        fmt::format("the runner does not build:\n$ {}\n{}", command_line(cmd), step.log));
  }
  fs::rename(temporary, runner, ec);
  if (ec)
    return util::unexpected(fmt::format("cannot store {}: {}", runner.string(), ec.message()));
  return runner;
}

std::vector<std::string> without_gpu_architectures(const std::vector<std::string>& flags) {
  // Spelled with a value after '=' or as the next argument.
  static const std::vector<std::string> joined = {
      "--generate-code=", "-gencode=",   "-arch=",          "--gpu-architecture=",
      "-code=",           "--gpu-code=", "--offload-arch=", "--cuda-gpu-arch="};
  static const std::vector<std::string> separate = {"--generate-code",    "-gencode", "-arch",
                                                    "--gpu-architecture", "-code",    "--gpu-code",
                                                    "--offload-arch"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    const std::string& f = flags[i];
    if (std::find(separate.begin(), separate.end(), f) != separate.end()) {
      ++i;
      continue;
    }
    bool drop = false;
    for (const std::string& prefix : joined) drop = drop || f.rfind(prefix, 0) == 0;
    if (f.rfind("-arch", 0) == 0 && f.size() > 5 && f[5] != '=') drop = true;  // -archsm_90
    if (!drop) out.push_back(f);
  }
  return out;
}

std::vector<std::string> gpu_architecture_flags(Backend backend, const std::string& arch) {
  return platform_of(backend).architecture_flags(arch);
}

}  // namespace kevolve::backends
