#pragma once

// A knowledge directory (docs/design.md §7): the committed record of what tuning found.
//
//   KNOWLEDGE.json                   {"schema": 1}
//   <unit>/<device-id>.json          wisdom, one file per unit and device
//   <unit>/variants/<hash>.<ext>     code variants the wisdom refers to
//   trials/<unit>/<device-id>.jsonl  every evaluation, append-only (git-ignored)
//   trials/llm-answers/<hash>.json   the LLM's answers kept by prompt (git-ignored)
//   skills/, docs/                   material for the LLM
//
// Writes are atomic; a tune run holds `.lock` for its whole duration.
//
// The directory is committed and changed by pull requests, so it is read as untrusted input:
// everything beneath the root goes through util::ConfinedDir, which refuses a symbolic link
// (naming it and its target) instead of following it, reads only regular files, and never more
// than k_max_wisdom_bytes (k_max_trial_log_bytes for a trial log). The root itself is opened as
// named: where the knowledge lives is the user's or the build's choice.

#include "knowledge/device_id.hpp"
#include "knowledge/trials.hpp"
#include "knowledge/wisdom.hpp"
#include "util/expected.hpp"
#include "util/files.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::knowledge {

// How close the wisdom a lookup found is to the device asked for.
enum class Match { exact, arch, backend, defaults };
std::string_view describe(Match match);

struct Lookup {
  Match match = Match::defaults;
  std::optional<Wisdom> wisdom;  // none at Match::defaults
  std::filesystem::path file;
};

class KnowledgeDir {
 public:
  // An existing directory: KNOWLEDGE.json must be there and of a schema this kevolve reads.
  static util::Expected<KnowledgeDir> open(const std::filesystem::path& root);
  // Opens it, creating the directory, KNOWLEDGE.json and .gitignore if absent.
  static util::Expected<KnowledgeDir> open_or_create(const std::filesystem::path& root);

  const std::filesystem::path& root() const { return m_root; }
  std::filesystem::path wisdom_file(std::string_view unit, const DeviceId& device) const;
  util::PathBeneath trials_file(std::string_view unit, const DeviceId& device) const;
  // Where the LLM's answers are kept by prompt (tool/llm/cache.hpp): `trials/llm-answers` of
  // the knowledge directory `root`, a name no unit can have (a unit name is an identifier).
  // Nothing is opened or created.
  static util::PathBeneath answers_dir(const std::filesystem::path& root);

  // Units with at least one wisdom file, sorted; a unit directory that is a link is left out.
  std::vector<std::string> units() const;
  // Device ids with wisdom for `unit`, sorted: the `<device-id>.json` entries that are not
  // directories (a link among them is listed, and refused when read).
  std::vector<DeviceId> devices(std::string_view unit) const;

  util::Expected<std::optional<Wisdom>> read(std::string_view unit, const DeviceId& device) const;
  util::Expected<void> write(const Wisdom& wisdom) const;

  // The wisdom to use for `device`: the exact device, else one of the same backend and arch,
  // else one of the same backend (the first by id), else none (the defaults).
  util::Expected<Lookup> lookup(std::string_view unit, const DeviceId& device) const;

  // A code variant's text, content-addressed: `<unit>/variants/<hash>.<ext>` (committed, the
  // winners), or `trials/<unit>/variants/<hash>.<ext>` (git-ignored: every variant a tune
  // tried, for reading what failed). Writing the same text again changes nothing.
  enum class VariantPlace { committed, trials };
  util::Expected<std::filesystem::path> write_variant(std::string_view unit, std::string_view code,
                                                      std::string_view ext,
                                                      VariantPlace place) const;
  // The text `ref` names (committed, or kept in trials/ by a tune); an error when it is missing,
  // a link, too large, or not the text its name is the hash of (an edited variant is refused,
  // never built).
  util::Expected<std::string> read_variant(std::string_view unit, const VariantRef& ref,
                                           VariantPlace place = VariantPlace::committed) const;

  // Removes the committed variants of units with wisdom that no wisdom of theirs refers to
  // (after adopt, or a later tune); returns them. A wisdom file that cannot be read is an
  // error, and nothing of its unit is removed. Links and unexpected entries are left alone.
  util::Expected<std::vector<std::filesystem::path>> remove_unreferenced_variants() const;

  // Held by a tune run for its whole duration; a second run gets an error naming the first.
  util::Expected<util::LockFile> lock(std::string_view purpose) const;

  static constexpr const char* k_marker = "KNOWLEDGE.json";
  static constexpr const char* k_answers = "llm-answers";  // in trials/

 private:
  explicit KnowledgeDir(std::filesystem::path root) : m_root(std::move(root)) {}
  util::Expected<std::vector<DeviceId>> list_devices(std::string_view unit) const;
  std::filesystem::path m_root;
};

// Checks the text of KNOWLEDGE.json (JSON of a schema this kevolve reads); errors name `origin`.
util::Expected<void> check_marker(std::string_view text, std::string_view origin);

// What apply reads without opening the directory as a knowledge directory (its no-op check and
// its depfile): the unit directories of `units` (all when empty) that are real directories, and
// their `*.json` entries that are not directories. A unit entry that is a link is not entered;
// it is listed among `files`, so that the build reads it and refuses it by name.
struct WisdomEntries {
  std::vector<std::filesystem::path> unit_dirs;
  std::vector<std::filesystem::path> files;
};
WisdomEntries list_wisdom(const std::filesystem::path& root, const std::vector<std::string>& units);

// A unit name is a C identifier (it is pasted into macro names).
bool is_unit_name(std::string_view name);

}  // namespace kevolve::knowledge
