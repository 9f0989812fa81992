#include "backends/cpu/build.hpp"

// How this works (after ccache's preprocessor mode): each translation unit is preprocessed
// with the candidate's header forced in (`-E -P`, no line markers, so scratch paths do not
// matter), and the object is cached under the hash of compiler, flags and preprocessed text.
// A source that does not read the tuned parameters therefore compiles once for all
// candidates (the generated main always does). The executable is cached under the hash of
// its objects and link flags. Cache entries appear by rename, so parallel builds and killed
// builds never leave a half-written entry.

#include "backends/install_paths.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"
#include "util/process.hpp"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <unistd.h>

#include "templates/templates.hpp"

namespace kevolve::backends::cpu {

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

Step run_tool(const std::vector<std::string>& argv) {
  auto result = util::run_process(argv);
  if (!result) return {false, result.error()};
  return {result->ok(), result->output};
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

// Compiles `source` into the cache; returns the object's path.
util::Expected<fs::path> compile(const CandidateRecipe& r, const fs::path& source,
                                 const std::vector<std::string>& flags, const fs::path& header,
                                 std::string_view tag, bool& cached) {
  std::vector<std::string> base = {r.compiler};
  base.insert(base.end(), flags.begin(), flags.end());
  base.push_back("-I" + kevolve_include_dir().string());
  std::vector<std::string> with_header = base;
  if (!header.empty()) {
    with_header.push_back("-include");
    with_header.push_back(header.string());
  }
  std::vector<std::string> preprocess = with_header;
  preprocess.insert(preprocess.end(), {"-E", "-P", source.string()});
  util::ProcessOptions options;
  options.max_output = std::size_t{1} << 30;  // preprocessed sources are large
  auto pre = util::run_process(preprocess, options);
  if (!pre) return util::unexpected(pre.error());
  if (!pre->ok())
    return util::unexpected(fmt::format("$ {}\n{}", command_line(preprocess), pre->output));

  util::Hasher key;
  key.add("object").add(r.compiler).add(r.compiler_version);
  for (const std::string& f : base) key.add(f);  // the header's path is not part of the key
  key.add(pre->output);
  fs::path object = r.cache_dir / "objects" / (key.digest().substr(5) + ".o");
  std::error_code ec;
  if (fs::exists(object, ec)) {
    cached = true;
    return object;
  }
  cached = false;
  if (auto made = util::ensure_directory(object.parent_path()); !made)
    return util::unexpected(made.error());
  fs::path temporary = object.parent_path() / scratch_name(tag, "o");
  std::vector<std::string> cmd = with_header;
  cmd.insert(cmd.end(), {"-c", source.string(), "-o", temporary.string()});
  Step step = run_tool(cmd);
  if (!step.ok) {
    fs::remove(temporary, ec);
    return util::unexpected(fmt::format("$ {}\n{}", command_line(cmd), step.log));
  }
  fs::rename(temporary, object, ec);
  if (ec)
    return util::unexpected(fmt::format("cannot store {}: {}", object.string(), ec.message()));
  return object;
}

// The generated main for the unit, written once per work directory.
util::Expected<fs::path> generated_main(const CandidateRecipe& r) {
  fs::path file = r.work_dir / "kevolve_main.cpp";
  std::string text = replace_all(templates::candidate_main_cpp, "@UNIT@", r.unit);
  if (auto current = util::read_file(file); current && *current == text) return file;
  if (auto made = util::ensure_directory(r.work_dir); !made) return util::unexpected(made.error());
  if (auto written = util::write_file_atomically(file, text); !written)
    return util::unexpected(written.error());
  return file;
}

}  // namespace

Build build_candidate(const CandidateRecipe& r, const std::string& header_text,
                      std::string_view tag) {
  Build build;
  auto start = Clock::now();
  auto finish = [&](Build& b) -> Build& {
    b.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return b;
  };
  fs::path scratch = r.work_dir / "candidates" / std::string(tag);
  if (auto made = util::ensure_directory(scratch); !made) {
    build.log = made.error();
    return finish(build);
  }
  fs::path header = scratch / "kevolve_tuned.h";
  if (auto written = util::write_file_atomically(header, header_text); !written) {
    build.log = written.error();
    return finish(build);
  }
  auto main_source = generated_main(r);
  if (!main_source) {
    build.log = main_source.error();
    return finish(build);
  }

  std::vector<fs::path> objects;
  bool all_cached = true;
  for (const SourceFile& s : r.sources) {
    bool cached = false;
    auto object = compile(r, s.path, s.flags, header, tag, cached);
    if (!object) {
      build.log = object.error();
      return finish(build);
    }
    all_cached = all_cached && cached;
    objects.push_back(*object);
  }
  bool cached = false;
  auto main_object = compile(r, *main_source, r.main_flags, {}, tag, cached);
  if (!main_object) {
    build.log = main_object.error();
    return finish(build);
  }
  objects.push_back(*main_object);

  util::Hasher key;
  key.add("executable").add(r.compiler).add(r.compiler_version);
  for (const fs::path& o : objects) key.add(o.filename().string());
  for (const std::string& f : r.link_flags) key.add(f);
  fs::path executable = r.cache_dir / "executables" / key.digest().substr(5);
  std::error_code ec;
  if (fs::exists(executable, ec)) {
    build.ok = true;
    build.cached = all_cached;
    build.executable = executable;
    return finish(build);
  }
  if (auto made = util::ensure_directory(executable.parent_path()); !made) {
    build.log = made.error();
    return finish(build);
  }
  fs::path temporary = executable.parent_path() / scratch_name(tag, "exe");
  std::vector<std::string> link = {r.compiler};
  for (const fs::path& o : objects) link.push_back(o.string());
  link.insert(link.end(), {"-o", temporary.string()});
  link.insert(link.end(), r.link_flags.begin(), r.link_flags.end());
  Step step = run_tool(link);
  if (!step.ok) {
    fs::remove(temporary, ec);
    build.log = fmt::format("$ {}\n{}", command_line(link), step.log);
    return finish(build);
  }
  fs::rename(temporary, executable, ec);
  if (ec) {
    build.log = fmt::format("cannot store {}: {}", executable.string(), ec.message());
    return finish(build);
  }
  build.ok = true;
  build.executable = executable;
  KEVOLVE_LOG("build: {} {} in {:.2f} s", r.unit, tag,
              std::chrono::duration<double>(Clock::now() - start).count());
  return finish(build);
}

}  // namespace kevolve::backends::cpu
