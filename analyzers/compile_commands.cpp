#include "analyzers/compile_commands.hpp"

#include "analyzers/compile_args.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <map>

namespace kevolve::analyzers {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> arguments_of(const util::Json& entry) {
  if (entry.contains("arguments")) return entry["arguments"].get<std::vector<std::string>>();
  return util::split_command_line(entry.value("command", ""));
}

// The command's flags with the compiler, its output, -c and the source taken out, and relative
// include paths made absolute.
std::vector<std::string> flags_of(const std::vector<std::string>& argv, const fs::path& directory,
                                  const fs::path& source) {
  std::vector<std::string> flags;
  auto absolute = [&](const std::string& path) {
    fs::path p(path);
    return (p.is_absolute() ? p : directory / p).lexically_normal().string();
  };
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "-o" || a == "-MF" || a == "-MT" || a == "-MQ") {
      ++i;
    } else if (a == "-c" || fs::path(a).lexically_normal() == source ||
               absolute(a) == source.string()) {
      continue;
    } else if ((a == "-I" || a == "-isystem" || a == "-iquote" || a == "-include") &&
               i + 1 < argv.size()) {
      flags.push_back(a);
      flags.push_back(absolute(argv[++i]));
    } else if (a.size() > 2 && a.rfind("-I", 0) == 0) {
      flags.push_back("-I" + absolute(a.substr(2)));
    } else {
      flags.push_back(a);
    }
  }
  return flags;
}

}  // namespace

bool has_file_api_reply(const fs::path& build_dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(build_dir / ".cmake/api/v1/reply", ec)) {
    if (entry.path().filename().string().rfind("index-", 0) == 0) return true;
  }
  return false;
}

util::Expected<BuildInfo> read_compile_commands(const fs::path& build_dir,
                                                const fs::path& source_dir,
                                                const std::vector<TargetSources>& targets) {
  fs::path file = build_dir / "compile_commands.json";
  auto json = util::read_json_file(file);
  if (!json) {
    return util::unexpected(
        fmt::format("{} (the File API has not answered yet, and kevolve_tune's targets "
                    "export their compile commands)",
                    json.error()));
  }
  std::map<fs::path, const util::Json*> by_file;
  for (const util::Json& entry : *json) {
    fs::path directory = entry.value("directory", "");
    fs::path source = fs::path(entry.value("file", ""));
    if (!source.is_absolute()) source = directory / source;
    by_file[source.lexically_normal()] = &entry;
  }
  BuildInfo info;
  info.build_dir = build_dir;
  info.source_dir = source_dir;
  for (const TargetSources& t : targets) {
    Target target;
    target.name = t.target;
    for (const fs::path& s : t.sources) {
      auto it = by_file.find(s.lexically_normal());
      auto language = language_of_file(s);
      if (it == by_file.end() || !language) continue;
      std::vector<std::string> argv = arguments_of(*it->second);
      if (argv.empty()) continue;
      CompileGroup group;
      group.language = std::string(name_of(*language));
      group.fragments = flags_of(argv, it->second->value("directory", ""), s.lexically_normal());
      target.groups.push_back(std::move(group));
      target.sources.push_back({s.lexically_normal(), std::string(name_of(*language)),
                                static_cast<int>(target.groups.size() - 1)});
      Toolchain& tc = info.toolchains[std::string(name_of(*language))];
      tc.language = name_of(*language);
      if (tc.compiler.empty()) tc.compiler = argv.front();
    }
    info.targets.push_back(std::move(target));
  }
  return info;
}

}  // namespace kevolve::analyzers
