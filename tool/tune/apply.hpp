#pragma once

// The build's side (docs/design.md §5): the header that injects a target's recorded winners, looked
// up for the device the build targets. No GPU, no network, no search; an empty header (the untuned
// build) when nothing is recorded.

#include "analyzers/scan.hpp"
#include "backends/device.hpp"
#include "knowledge/store.hpp"
#include "space/space.hpp"
#include "tool/tune/build_check.hpp"
#include "tool/tune/target_config.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kevolve::tune {

// Whose winners a unit gets: `choice` is "auto" or a device id. For "auto", the local device
// of the unit's backend, or, where this machine has none (a build without a GPU), any device of
// that backend (the lookup's backend level).
knowledge::DeviceId device_for(const analyzers::Unit& unit, const std::string& choice,
                               const backends::Inventory& inventory);
std::string_view backend_of(const analyzers::Unit& unit);  // cpu, cuda, hip: by the kernel's file

// The hardware facts of `device` where this machine has it, else none.
const space::Facts* facts_of(const knowledge::DeviceId& device,
                             const backends::Inventory& inventory);

// What the lookup found for one unit, for apply's notes and for status.
struct UnitWisdom {
  std::string unit;
  knowledge::DeviceId asked;
  knowledge::Lookup lookup;
  bool stale = false;   // the kernel or its space changed since tuning (a build's view)
  bool retune = false;  // anything tuning measured changed, the harness or the build included
  std::vector<std::string> build_changes;  // how this build differs from the one measured
  bool injectable = false;  // `point` is used (fresh, or stale but inside the current space)
  space::Point point;       // the winner, or while it waits for review the previous one
  knowledge::ParamValues injected;  // `point`'s values, as the space declares them
  std::string refused;        // why a recorded point is not used (names the file), for a warning
  bool review = false;        // the winner waits for review (tune/review.hpp)
  std::string review_reason;  // why, one line
  std::string note;
  // The winner is this code variant, fresh (made from the current kernel, not waiting for
  // review): apply splices it in (tune/variant_apply.hpp) or falls back (fall_back_from_variant).
  std::optional<knowledge::VariantRef> variant;
};

// The winner is a code variant the build cannot use (`why`: stale, missing, edited, ...): the
// original kernel is built with the original's own best parameters where they are a point of
// `space`, else with its defaults; `w.refused` says so, naming the unit's file and why.
void fall_back_from_variant(UnitWisdom& w, const analyzers::Unit& unit, const space::Space& space,
                            const std::string& why);

// `space`: the unit's current space (unit_space); a recorded point is used only when it is one
// of its points (knowledge/recorded_point.hpp), else the defaults are, and `refused` says why.
// `build`: this build's configuration, when known (status); a winner measured in another
// configuration is still injected (its parameters are values of the same space) but needs
// tuning again.
util::Expected<UnitWisdom> find_wisdom(const knowledge::KnowledgeDir* knowledge,
                                       const analyzers::Unit& unit, const space::Space& space,
                                       const knowledge::DeviceId& device,
                                       const BuildConfig* build = nullptr);

// A wrapper source the build compiles in place of a marked source (docs/cmake.md, "Code variants").
struct WrapperFile {
  std::filesystem::path path;
  std::string text;
};

// One unit's lines of the injected header: a comment saying whose winner, then its #defines.
struct UnitBlock {
  std::string unit;
  std::string text;
};

struct Injection {
  std::string header;             // every unit's block: `kevolve apply -o`
  std::vector<UnitBlock> blocks;  // the same blocks, by unit, for the build's per-source headers
  std::vector<WrapperFile> wrappers;  // one per wrapped source of the target
  std::vector<std::string> inputs;    // the variant files read, for the depfile
  std::vector<std::string> notes;     // stale winners, fallbacks: printed by apply unless quiet
  std::vector<std::string> warnings;  // recorded points refused: always printed
};

// The header's opening lines; alone, it injects nothing.
std::string header_prologue(const TargetConfig& config);

// The headers a kevolve_tune() build compiles with (docs/cmake.md, "What is injected where"):
// `config.header`, force-included into every source, fixed text that includes the all-units
// header only where the source has no header of its own; the all-units header; and for each
// source of `config.injected` its own header with the blocks of the units it reaches (`reach`,
// from the scan: a source the scan did not parse gets every block). Each is rewritten only when
// its text changes, so a new winner recompiles only the sources that reach its unit.
struct HeaderFile {
  std::filesystem::path path;
  std::string text;
};
std::filesystem::path all_units_header(const TargetConfig& config);
std::vector<HeaderFile> build_headers(const TargetConfig& config,
                                      const std::vector<analyzers::SourceUnits>& reach,
                                      const std::vector<UnitBlock>& blocks);

// Whether the knowledge directory holds any wisdom file (without it, there is nothing to
// inject and no need to read the build).
bool has_wisdom(const std::filesystem::path& knowledge_dir);

// `variants`: how to check a spliced copy (the build's apply step); without it, or where the
// target compiles no wrapper, a variant winner falls back to the original kernel.
struct VariantContext;
util::Expected<Injection> render_injection(const analyzers::TargetScan& scan,
                                           const TargetConfig& config,
                                           const std::string& device_choice,
                                           const backends::Inventory& inventory,
                                           const VariantContext* variants = nullptr);

// The knowledge paths whose change must rerun apply for these units: the directory (or, before
// it exists, its parent), each unit's directory and wisdom files that exist.
std::vector<std::string> knowledge_inputs(const std::filesystem::path& knowledge_dir,
                                          const std::vector<std::string>& units);

// Whether writing `file` may replace what is there: nothing, or a regular file. A symbolic link
// (/dev/stdout), a directory, a FIFO or a device is refused, never replaced by a regular file.
util::Expected<void> replaceable(const std::filesystem::path& file);

// Writes `text` unless the file already holds it, so the build does not recompile for nothing;
// refuses a `file` that is not replaceable().
util::Expected<bool> write_if_changed(const std::filesystem::path& file, const std::string& text);

}  // namespace kevolve::tune
