#include "tool/retrieval/skills.hpp"

#include "knowledge/store.hpp"
#include "knowledge/wisdom.hpp"
#include "tool/retrieval/passage.hpp"
#include "tool/retrieval/rank.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kevolve::retrieval {
namespace {

// Text for a front matter value or a line of the body: one line, valid UTF-8, at most `max`.
std::string one_line(std::string_view text, std::size_t max) {
  std::string s = clean_text(text);
  std::replace_if(
      s.begin(), s.end(), [](char c) { return c == '\n' || c == '\t'; }, ' ');
  return std::string(cut_utf8(util::trim(s), max));
}

bool is_known(std::string_view value, std::initializer_list<std::string_view> known) {
  return std::find(known.begin(), known.end(), value) != known.end();
}

bool is_arch(std::string_view arch) {
  return std::all_of(arch.begin(), arch.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

util::Expected<void> check(const Skill& skill) {
  if (!knowledge::is_unit_name(skill.unit))
    return util::unexpected(
        fmt::format("skill: `{}` is not a unit name (a C identifier)", one_line(skill.unit, 100)));
  if (!knowledge::is_variant_hash(skill.variant))
    return util::unexpected(fmt::format("skill of {}: `{}` is not a variant hash (32 hex digits)",
                                        skill.unit, one_line(skill.variant, 100)));
  if (!is_known(skill.backend, {"cpu", "cuda", "hip"}))
    return util::unexpected(
        fmt::format("skill of {}: unknown backend `{}` (expected cpu, cuda "
                    "or hip)",
                    skill.unit, one_line(skill.backend, 100)));
  if (!is_arch(skill.arch))
    return util::unexpected(
        fmt::format("skill of {}: `{}` is not an architecture (lower-case "
                    "letters, digits, '_' and '.')",
                    skill.unit, one_line(skill.arch, 100)));
  for (const std::string* bound : {&skill.bound_before, &skill.bound_after})
    if (!bound->empty() && !is_known(*bound, {"memory", "compute", "latency"}))
      return util::unexpected(
          fmt::format("skill of {}: unknown bound `{}` (expected memory, "
                      "compute, latency or nothing)",
                      skill.unit, one_line(*bound, 100)));
  bool finite = std::isfinite(skill.speedup) && skill.speedup > 0;
  for (const auto* peak : {&skill.peak_before, &skill.peak_after})
    finite = finite && (!*peak || std::isfinite(**peak));
  if (!finite)
    return util::unexpected(
        fmt::format("skill of {}: the speedup and the peaks must be finite "
                    "(a positive speedup)",
                    skill.unit));
  return {};
}

// "memory-bound at 41% of the measured peak", "memory-bound", "not known".
std::string diagnosis(const std::string& bound, const std::optional<double>& peak) {
  std::string out = bound.empty() ? "bound not known" : bound + "-bound";
  if (peak) out += fmt::format(" at {:.0f}% of the measured peak", *peak);
  return out;
}

// The explanation as a block quote: every line starts with "> ", so no line of it is a `---`
// rule or a `key: value` line at the start of a line.
std::string block_quote(std::string_view explanation) {
  std::string text = clean_text(explanation);
  std::string_view cut = util::trim(cut_utf8(util::trim(text), k_max_explanation_bytes));
  if (cut.empty()) return "> (no explanation given)\n";
  std::string out;
  for (std::string_view line : util::split(cut, '\n')) {
    std::string_view trimmed = util::trim(line);
    out += trimmed.empty()
               ? ">\n"
               : fmt::format("> {}\n", line.substr(0, line.find_last_not_of(" \t") + 1));
  }
  return out;
}

// The words of the unit's name, the tags that let other units' searches find the skill.
std::string unit_tags(const std::string& unit) {
  std::vector<std::string> words = tokenize(unit);
  std::vector<std::string> tags;
  for (std::string& w : words)
    if (std::find(tags.begin(), tags.end(), w) == tags.end()) tags.push_back(std::move(w));
  return fmt::format("{}", fmt::join(tags, ", "));
}

}  // namespace

util::Expected<std::string> skill_text(const Skill& skill) {
  if (auto ok = check(skill); !ok) return util::unexpected(ok.error());
  std::string before = diagnosis(skill.bound_before, skill.peak_before);
  std::string after = diagnosis(skill.bound_after, skill.peak_after);
  std::string text = "---\n";
  text += fmt::format("title: {}: {}, {:.2f}x faster ({}{}{})\n", skill.unit,
                      skill.bound_before.empty() ? "a variant" : skill.bound_before + "-bound",
                      skill.speedup, skill.backend, skill.arch.empty() ? "" : ", ", skill.arch);
  text += fmt::format("backend: {}\n", skill.backend);
  if (!skill.arch.empty()) text += fmt::format("arch: {}\n", skill.arch);
  if (!skill.bound_before.empty()) text += fmt::format("bound: {}\n", skill.bound_before);
  text += fmt::format("tags: {}\n", unit_tags(skill.unit));
  text += fmt::format("unit: {}\nvariant: {}\n", skill.unit, skill.variant);
  text += "---\n";
  std::string device = one_line(skill.device, 200);
  std::string date = one_line(skill.date, 40);
  text += fmt::format("A variant of `{}`{} ran {:.2f}x as fast as the original's best{}.\n\n",
                      skill.unit, device.empty() ? "" : " on " + device, skill.speedup,
                      date.empty() ? "" : " (" + date + ")");
  text += fmt::format("- Before: {}.\n- After: {}.\n", before, after);
  std::string summary = one_line(skill.diff_summary, k_max_summary_bytes);
  if (!summary.empty()) text += fmt::format("- Change: {}\n", summary);
  text += "\nWhat changed, in the model's words:\n\n";
  text += block_quote(skill.explanation);
  return text;
}

util::Expected<std::filesystem::path> write_skill(const std::filesystem::path& skills_dir,
                                                  const Skill& skill) {
  auto text = skill_text(skill);
  if (!text) return util::unexpected(text.error());
  std::filesystem::path folder = skills_dir.has_filename() ? skills_dir : skills_dir.parent_path();
  std::filesystem::path parent = folder.parent_path();
  if (parent.empty()) parent = ".";
  if (auto made = util::ensure_directory(parent); !made) return util::unexpected(made.error());
  auto root = util::ConfinedDir::open(parent);
  if (!root) return util::unexpected(root.error());
  auto dir = root->make(folder.filename());
  if (!dir) return util::unexpected(dir.error());
  std::string name = fmt::format("{}-{}.md", skill.unit, skill.variant.substr(0, 8));
  if (auto written = util::write_file_atomically(*dir, name, *text); !written)
    return util::unexpected(written.error());
  return folder / name;
}

}  // namespace kevolve::retrieval
