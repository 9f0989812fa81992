#include "tool/tune/apply.hpp"

#include "analyzers/compile_args.hpp"
#include "knowledge/recorded_point.hpp"
#include "space/parser.hpp"
#include "tool/tune/injection.hpp"
#include "tool/tune/points.hpp"
#include "tool/tune/variant_apply.hpp"
#include "util/files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

namespace kevolve::tune {

namespace fs = std::filesystem;

std::string_view backend_of(const analyzers::Unit& unit) {
  auto language = analyzers::language_of_file(unit.kernel.name.file);
  if (language == analyzers::Language::cuda) return "cuda";
  if (language == analyzers::Language::hip) return "hip";
  return "cpu";
}

knowledge::DeviceId device_for(const analyzers::Unit& unit, const std::string& choice,
                               const backends::Inventory& inventory) {
  std::string_view backend = backend_of(unit);
  if (choice != "auto" && !choice.empty()) {
    if (auto id = knowledge::DeviceId::parse(choice); id && id->backend == backend) return *id;
  }
  for (const backends::Device& d : inventory.devices) {
    if (backends::name_of(d.backend) == backend) return d.id;
  }
  return knowledge::DeviceId{std::string(backend), "", ""};
}

// What a chosen device (DEVICE, KEVOLVE_DEVICE, --device) means for this target's header when
// it is not this machine's: said at every apply, since the build then injects winners found
// elsewhere, or ignores a choice that names no device (docs/cmake.md, "Checks").
std::optional<std::string> device_warning(const std::vector<std::string_view>& backends,
                                          const std::string& choice,
                                          const backends::Inventory& inventory) {
  if (choice.empty() || choice == "auto") return std::nullopt;
  auto id = knowledge::DeviceId::parse(choice);
  if (!id) return fmt::format("{}; each unit uses this machine's device", id.error());
  if (backends.empty()) return std::nullopt;
  if (std::find(backends.begin(), backends.end(), id->backend) == backends.end()) {
    return fmt::format(
        "device {} is a {} device and no unit here is a {} kernel; each unit uses "
        "this machine's device",
        choice, id->backend, id->backend);
  }
  std::vector<std::string> here;
  for (const backends::Device& d : inventory.devices) {
    if (d.id == *id) return std::nullopt;
    if (d.id.backend == id->backend) here.push_back(d.id.str());
  }
  return fmt::format(
      "device {} is not on this machine ({}): the header is for another device, "
      "with the winners tuned there",
      choice,
      here.empty() ? fmt::format("no {} device here", id->backend)
                   : fmt::format("this machine's: {}", fmt::join(here, ", ")));
}

const space::Facts* facts_of(const knowledge::DeviceId& device,
                             const backends::Inventory& inventory) {
  for (const backends::Device& d : inventory.devices) {
    if (d.id == device) return &d.facts;
  }
  return nullptr;
}

namespace {

// The point `params` (`what`: "the winner", ...) names in the unit's current space. Where they
// name none, the defaults are used and `w.refused` says why; unless they are the defaults
// themselves (the defaults stood when tuning, and may lie outside the space): nothing to say.
std::optional<space::Point> usable_point(UnitWisdom& w, const analyzers::Unit& unit,
                                         const space::Space& space,
                                         const knowledge::ParamValues& params,
                                         std::string_view what) {
  auto point = knowledge::recorded_point(space, params);
  if (point) return std::move(*point);
  if (params == defaults_params(unit)) return std::nullopt;
  w.refused = fmt::format(
      "{} in {} is not a point of the unit's current space ({}); the "
      "defaults are used",
      what, w.lookup.file.string(), point.error());
  return std::nullopt;
}

void use(UnitWisdom& w, const space::Space& space, space::Point point) {
  w.injected = params_of(space, point);
  w.point = std::move(point);
  w.injectable = true;
}

// A winner that waits for review is not used: the previous winner is, where it still fits the
// space, else the defaults.
void use_instead_of_pending(UnitWisdom& w, const analyzers::Unit& unit, const space::Space& space,
                            const knowledge::SizeRecord& record, const std::string& device_id) {
  w.review = true;
  std::string reasons;
  for (const std::string& r : record.review->reasons) reasons += (reasons.empty() ? "" : "; ") + r;
  w.review_reason = reasons;
  std::string instead = "the defaults";
  if (record.fallback) {
    if (auto point = usable_point(w, unit, space, record.fallback->best, "the previous winner")) {
      use(w, space, std::move(*point));
      instead = fmt::format("the previous winner {}", params_text_of(w.injected));
    } else {
      instead = "the defaults (the previous winner is outside the current space)";
    }
  }
  w.note =
      fmt::format("its winner {} waits for review ({}); using {} (kevolve accept {} --device {})",
                  knowledge::form_problem(record.best) ? "(not of the contract's form)"
                                                       : params_text_of(record.best),
                  reasons, instead, unit.name, device_id);
}

}  // namespace

void fall_back_from_variant(UnitWisdom& w, const analyzers::Unit& unit, const space::Space& space,
                            const std::string& why) {
  w.variant.reset();
  w.note.clear();
  w.injectable = false;
  w.injected.clear();
  std::string instead = "its defaults";
  const knowledge::SizeRecord* record = w.lookup.wisdom ? w.lookup.wisdom->primary() : nullptr;
  if (record && record->variant && !record->variant->original_best.empty()) {
    const knowledge::ParamValues& best = record->variant->original_best;
    if (auto point = knowledge::recorded_point(space, best)) {
      use(w, space, std::move(*point));
      instead = "the original's best " + params_text_of(w.injected);
    } else if (best != defaults_params(unit)) {
      instead = fmt::format(
          "its defaults (the original's best {} is not a point of its current "
          "space: {})",
          params_text_of(best), point.error());
    }
  }
  w.refused = fmt::format("{}; the original kernel is built with {}", why, instead);
}

util::Expected<UnitWisdom> find_wisdom(const knowledge::KnowledgeDir* knowledge,
                                       const analyzers::Unit& unit, const space::Space& space,
                                       const knowledge::DeviceId& device,
                                       const BuildConfig* build) {
  UnitWisdom w;
  w.unit = unit.name;
  w.asked = device;
  if (!knowledge) return w;
  auto lookup = knowledge->lookup(unit.name, device);
  if (!lookup) return util::unexpected(lookup.error());
  w.lookup = std::move(*lookup);
  if (!w.lookup.wisdom) return w;
  const knowledge::Wisdom& wisdom = *w.lookup.wisdom;
  const knowledge::SizeRecord* record = wisdom.primary();
  if (!record) {
    w.note = "its wisdom holds no record";
    return w;
  }
  // A build cares whether the kernel changed; tuning also cares about the harness, which apply
  // does not read (status does).
  w.stale = wisdom.kernel_hash != unit.kernel_hash;
  w.retune = wisdom.source_hash != unit.hash;
  if (build) {
    w.build_changes = build_changes(wisdom, *build);
    if (!w.build_changes.empty()) {
      w.retune = true;
      std::string changes;
      for (const std::string& c : w.build_changes) changes += (changes.empty() ? "" : "; ") + c;
      w.note = "built differently since tuning (" + changes +
               "); the winner is still used (tune this build again)";
    }
  }
  if (record->pending_review()) {
    use_instead_of_pending(w, unit, space, *record, wisdom.device_id);
    return w;
  }
  if (record->variant) {
    // A code variant replaces the kernel's text: never used once that text changed.
    const knowledge::VariantRef& ref = *record->variant;
    if (!knowledge::variant_fits(wisdom, ref, unit.kernel_hash)) {
      fall_back_from_variant(
          w, unit, space,
          fmt::format("its code variant {}/variants/{} is stale: the kernel in {} or its space "
                      "changed since tuning",
                      unit.name, ref.file_name(), unit.kernel.name.file));
      return w;
    }
    w.variant = ref;
    w.note =
        fmt::format("its winner is the code variant {}/variants/{}", unit.name, ref.file_name());
    return w;
  }
  auto point =
      usable_point(w, unit, space, record->best, w.stale ? "the stale winner" : "the winner");
  if (!point) return w;
  if (w.stale) {
    w.note =
        "stale: the sources changed since tuning; the winner is still in the space and is used "
        "(tune again)";
  }
  use(w, space, std::move(*point));
  return w;
}

namespace {

// Text for a // comment: a control character (a newline would end it) becomes '?'.
std::string comment_text(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return text;
}

}  // namespace

std::string header_prologue(const TargetConfig& config) {
  return fmt::format(
      "// Generated by kevolve apply for target {} from {}.\n// Do not edit: it is rewritten when "
      "the knowledge or the sources change.\n#pragma once\n",
      comment_text(config.target), comment_text(config.knowledge_dir.string()));
}

fs::path all_units_header(const TargetConfig& config) {
  return config.header.parent_path() / "kevolve_all_units.h";
}

namespace {

// Defined (-D) for each source that has a header of its own, so the shared header skips the
// all-units one: the source's compile then reads no other unit's winner.
constexpr std::string_view k_own_header_macro = "KEVOLVE_SOURCE_INJECTED";

std::string shared_header_text(const TargetConfig& config) {
  return header_prologue(config) +
         fmt::format(
             "// Each source kevolve_tune() saw is compiled with -D{0} and its own header (the\n"
             "// winners of the units it reaches); any other source gets every unit's.\n"
             "#ifndef {0}\n#include \"{1}\"\n#endif\n",
             k_own_header_macro, all_units_header(config).filename().string());
}

const analyzers::SourceUnits* reach_of(const std::vector<analyzers::SourceUnits>& reach,
                                       const fs::path& source) {
  for (const analyzers::SourceUnits& r : reach) {
    if (fs::path(r.file).lexically_normal() == source.lexically_normal()) return &r;
  }
  return nullptr;
}

std::string source_header_text(const TargetConfig& config, const fs::path& source,
                               const analyzers::SourceUnits* reached,
                               const std::vector<UnitBlock>& blocks) {
  // The same words whether or not the scan parsed it: the first winner changes only the
  // headers of the sources that reach it.
  std::string text =
      header_prologue(config) +
      fmt::format("// The winners of the units that {} reaches.\n", comment_text(source.string()));
  for (const UnitBlock& b : blocks) {
    if (!reached ||
        std::find(reached->units.begin(), reached->units.end(), b.unit) != reached->units.end())
      text += b.text;
  }
  return text;
}

}  // namespace

std::vector<HeaderFile> build_headers(const TargetConfig& config,
                                      const std::vector<analyzers::SourceUnits>& reach,
                                      const std::vector<UnitBlock>& blocks) {
  std::vector<HeaderFile> out;
  out.push_back({config.header, shared_header_text(config)});
  std::string all = header_prologue(config);
  for (const UnitBlock& b : blocks) all += b.text;
  out.push_back({all_units_header(config), std::move(all)});
  for (const InjectedSource& s : config.injected) {
    out.push_back(
        {s.header, source_header_text(config, s.source, reach_of(reach, s.source), blocks)});
  }
  return out;
}

bool has_wisdom(const fs::path& knowledge_dir) {
  return !knowledge::list_wisdom(knowledge_dir, {}).files.empty();
}

namespace {

// Splices the unit's variant in: its own unit and space, and the winner as a point of it. On any
// failure the original kernel is built (fall_back_from_variant). Returns the #define lines.
std::optional<std::string> ship_variant(UnitWisdom& w, const analyzers::Unit& unit,
                                        const space::Space& space,
                                        const knowledge::KnowledgeDir& knowledge,
                                        const TargetConfig& config, const VariantContext* context,
                                        const space::Facts* facts, Injection& out,
                                        std::vector<ShippedVariant>& shipped) {
  const knowledge::VariantRef ref = *w.variant;
  std::string file = fmt::format("{}/variants/{}", unit.name, ref.file_name());
  out.inputs.push_back((knowledge.root() / file).string());
  if (!context || config.wrapped.empty()) {
    // Without a variant file the build wraps nothing: say what is wrong with the file first.
    auto code = knowledge.read_variant(unit.name, ref);
    std::string why = code ? fmt::format(
                                 "{} compiles no kevolve wrapper (configure the build "
                                 "again)",
                                 config.target)
                           : code.error();
    fall_back_from_variant(w, unit, space,
                           fmt::format("its code variant {} is not built: {}", file, why));
    return std::nullopt;
  }
  for (const ShippedVariant& other : shipped) {
    if (other.original.lexically_normal() == fs::path(unit.kernel.name.file).lexically_normal()) {
      fall_back_from_variant(
          w, unit, space,
          fmt::format("its code variant {} is not built: the variant of unit {} is already "
                      "built in {} (one variant per file)",
                      file, other.unit.name, unit.kernel.name.file));
      return std::nullopt;
    }
  }
  auto variant = prepare_variant(knowledge, config, unit, ref, *context);
  if (!variant) {
    fall_back_from_variant(
        w, unit, space, fmt::format("its code variant {} is not built: {}", file, variant.error()));
    return std::nullopt;
  }
  auto variant_space = unit_space(variant->unit, facts);
  if (!variant_space) {
    fall_back_from_variant(
        w, unit, space,
        fmt::format("its code variant {} is not built: {}", file, variant_space.error()));
    return std::nullopt;
  }
  const knowledge::SizeRecord& record = *w.lookup.wisdom->primary();
  auto point = knowledge::recorded_point(*variant_space, record.best);
  std::optional<std::string> defines;
  std::string why;
  if (!point) {
    why = fmt::format("the winner is not a point of the variant's space ({})", point.error());
  } else if (auto rendered = render_unit(variant->unit, *variant_space, *point); !rendered) {
    why = rendered.error();
  } else {
    defines = std::move(*rendered);
  }
  if (!defines) {
    fall_back_from_variant(w, unit, space,
                           fmt::format("its code variant {} is not built: {}", file, why));
    return std::nullopt;
  }
  w.injected = params_of(*variant_space, *point);
  w.note.clear();
  shipped.push_back(std::move(*variant));
  return defines;
}

// Every wrapped source's wrapper: the original, or the variant of its kernel spliced in.
util::Expected<void> render_wrappers(const TargetConfig& config,
                                     const std::vector<ShippedVariant>& shipped, Injection& out) {
  for (const WrappedSource& wrapped : config.wrapped) {
    const ShippedVariant* variant = nullptr;
    for (const ShippedVariant& v : shipped) {
      if (v.original.lexically_normal() == wrapped.source.lexically_normal()) variant = &v;
    }
    auto text = wrapper_text(wrapped.source, variant);
    if (!text) return util::unexpected(text.error());
    out.wrappers.push_back({wrapped.wrapper, std::move(*text)});
  }
  return {};
}

}  // namespace

util::Expected<Injection> render_injection(const analyzers::TargetScan& scan,
                                           const TargetConfig& config,
                                           const std::string& device_choice,
                                           const backends::Inventory& inventory,
                                           const VariantContext* variants) {
  std::optional<knowledge::KnowledgeDir> knowledge;
  std::error_code ec;
  // A marker that is a link counts as present: opening it then refuses it by name.
  if (fs::exists(
          fs::symlink_status(config.knowledge_dir / knowledge::KnowledgeDir::k_marker, ec))) {
    auto opened = knowledge::KnowledgeDir::open(config.knowledge_dir);
    if (!opened) return util::unexpected(opened.error());
    knowledge = std::move(*opened);
  }
  Injection out;
  out.header = header_prologue(config);
  std::vector<ShippedVariant> shipped;
  std::vector<std::string_view> backends;
  for (const analyzers::Unit& unit : scan.units) {
    if (!config.units.empty() &&
        std::find(config.units.begin(), config.units.end(), unit.name) == config.units.end()) {
      continue;
    }
    backends.push_back(backend_of(unit));
    knowledge::DeviceId device = device_for(unit, device_choice, inventory);
    const space::Facts* facts = facts_of(device, inventory);
    auto space = unit_space(unit, facts);
    if (!space) return util::unexpected(space.error());
    auto w = find_wisdom(knowledge ? &*knowledge : nullptr, unit, *space, device);
    if (!w) return util::unexpected(w.error());
    std::optional<std::string> defines;
    std::string variant_hash;
    if (w->variant) {
      variant_hash = w->variant->hash;
      defines = ship_variant(*w, unit, *space, *knowledge, config, variants, facts, out, shipped);
      if (!defines) variant_hash.clear();
    }
    if (!w->note.empty()) out.notes.push_back(fmt::format("unit {}: {}", unit.name, w->note));
    if (!w->refused.empty())
      out.warnings.push_back(fmt::format("unit {}: {}", unit.name, w->refused));
    if (!defines) {
      if (!w->injectable) continue;
      auto rendered = render_unit(unit, *space, w->point);
      if (!rendered) {
        out.warnings.push_back(fmt::format("unit {}: not injected ({}); the defaults are used",
                                           unit.name, rendered.error()));
        continue;
      }
      defines = std::move(*rendered);
    }
    const knowledge::Wisdom& wisdom = *w->lookup.wisdom;
    const knowledge::SizeRecord& record = *wisdom.primary();
    double speedup = w->review ? record.fallback->speedup : record.speedup;
    if (w->lookup.match != knowledge::Match::exact) {
      out.notes.push_back(
          fmt::format("unit {}: no wisdom for {}; using {}'s ({})", unit.name,
                      w->asked.slug.empty() ? w->asked.backend + " devices" : w->asked.str(),
                      wisdom.device_id, knowledge::describe(w->lookup.match)));
    }
    std::string what = !variant_hash.empty() ? fmt::format(", code variant {}", variant_hash)
                       : record.variant      ? ", the original kernel (its variant is not built)"
                                             : "";
    std::string block =
        fmt::format("\n// {}: {} ({}), {:.2f}x{}{}{}\n", unit.name, wisdom.device_id,
                    knowledge::describe(w->lookup.match), speedup, w->stale ? ", stale" : "",
                    w->review ? ", the previous winner (the new one waits for review)" : "", what);
    block += *defines;
    out.header += block;
    out.blocks.push_back({unit.name, std::move(block)});
  }
  if (auto warning = device_warning(backends, device_choice, inventory))
    out.warnings.push_back(std::move(*warning));
  if (auto wrappers = render_wrappers(config, shipped, out); !wrappers)
    return util::unexpected(wrappers.error());
  return out;
}

std::vector<std::string> knowledge_inputs(const fs::path& knowledge_dir,
                                          const std::vector<std::string>& units) {
  std::error_code ec;
  std::vector<std::string> out;
  if (!fs::is_directory(knowledge_dir, ec)) {
    out.push_back(knowledge_dir.parent_path().string());
    return out;
  }
  out.push_back(knowledge_dir.string());
  if (units.empty()) return out;
  knowledge::WisdomEntries entries = knowledge::list_wisdom(knowledge_dir, units);
  for (const fs::path& dir : entries.unit_dirs) out.push_back(dir.string());
  for (const fs::path& file : entries.files) out.push_back(file.string());
  return out;
}

util::Expected<void> replaceable(const fs::path& file) {
  std::error_code ec;
  fs::file_status status = fs::symlink_status(file, ec);
  if (!fs::exists(status) || fs::is_regular_file(status)) return {};
  std::string_view what = fs::is_symlink(status)     ? "a symbolic link"
                          : fs::is_directory(status) ? "a directory"
                          : fs::is_fifo(status)      ? "a FIFO"
                          : fs::is_socket(status)    ? "a socket"
                                                     : "a device or other special file";
  return util::unexpected(
      fmt::format("cannot write {}: it is {}, not a regular file; kevolve replaces only regular "
                  "files (name another path, or - for stdout)",
                  file.string(), what));
}

util::Expected<bool> write_if_changed(const fs::path& file, const std::string& text) {
  if (auto checked = replaceable(file); !checked) return util::unexpected(checked.error());
  return util::write_file_if_changed(file, text);  // "-o kevolve_tuned.h": here
}

}  // namespace kevolve::tune
