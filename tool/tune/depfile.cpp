#include "tool/tune/depfile.hpp"

// How this works: both build tools read the depfile in GCC's form, where a space is written
// "\ ", a hash "\#" and a dollar "$$". Ninja reads it itself (kevolve_tune sets CMake's policy
// CMP0116 to OLD: the copy CMake would rewrite is named unescaped in build.ninja, so a `$` in the
// build directory lost it); the Makefile generators read it with CMake's own depfile reader.
// Ninja before 1.13 ends a name at a quote, `&`, `?` and other characters that no escape can
// write, so an input whose path has one is named through a symbolic link, `inputs/<hash of the
// path>` beside the depfile: the tools stat through the link and see a change to the file, or
// its removal, all the same. A link stays when no input needs it any more: the Makefile
// generators remember the inputs they have seen, and one that is gone would run apply on every
// build. Ninja takes the depfile's output for its own only when the names
// match: relative to the build directory, as CMake writes it.

#include "tool/tune/apply.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>

#include <cstring>

namespace kevolve::tune {

namespace fs = std::filesystem;

namespace {

// Characters every depfile reader takes as they are.
bool plain(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80 ||
         (c != 0 && std::strchr("/_.-+,~@=", c) != nullptr);
}

// `path` relative to `base` when it lies under it, else as it is.
std::string under(const fs::path& path, const fs::path& base) {
  fs::path rel = path.lexically_normal().lexically_relative(base);
  if (rel.empty() || *rel.begin() == "..") return path.string();
  return rel.string();
}

// Makes `link` point at `target` (it may already).
util::Expected<void> ensure_link(const fs::path& link, const fs::path& target) {
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(link, ec)) && fs::read_symlink(link, ec) == target)
    return {};
  fs::remove(link, ec);
  fs::create_symlink(target, link, ec);
  if (ec)
    return util::unexpected(
        fmt::format("cannot link {} to {}: {}", link.string(), target.string(), ec.message()));
  return {};
}

}  // namespace

std::optional<std::string> depfile_escape(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::string out;
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ' || c == '#')
      out += '\\';
    else if (c == '$')
      out += '$';
    else if (!plain(c))
      return std::nullopt;
    out += ch;
  }
  return out;
}

util::Expected<void> write_depfile(const fs::path& depfile, const fs::path& build_dir,
                                   const fs::path& output, const std::vector<std::string>& inputs) {
  fs::path base = fs::absolute(build_dir).lexically_normal();
  if (base.filename().empty()) base = base.parent_path();
  auto target = depfile_escape(under(output, base));
  if (!target)
    return util::unexpected(
        fmt::format("cannot write {} into the depfile {}: a build tool cannot read its name there",
                    output.string(), depfile.string()));
  const fs::path links = depfile.parent_path() / "inputs";
  std::string text = *target + ":";
  for (const std::string& input : inputs) {
    auto name = depfile_escape(under(input, base));
    if (!name) {
      fs::path link = links / util::hash_of(input).substr(5, 16);  // after "xxh3:"
      if (auto made = util::ensure_directory(links); !made) return made;
      if (auto made = ensure_link(link, input); !made) return made;
      name = depfile_escape(under(link.string(), base));
      if (!name)
        return util::unexpected(fmt::format(
            "cannot name {} in the depfile {}, not even through a link: a build tool cannot "
            "read its name there",
            input, depfile.string()));
    }
    text += " \\\n  " + *name;
  }
  text += "\n";
  if (auto written = write_if_changed(depfile, text); !written)
    return util::unexpected(written.error());
  return {};
}

}  // namespace kevolve::tune
