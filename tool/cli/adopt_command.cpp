// `kevolve adopt [-B build] <unit> [--device ID]`: the winning code variant becomes the source.
// The kernel's extent in the original file is replaced by the variant's text (no #line), the
// diff is printed for review, and that device's wisdom is updated so that the adopted code is
// the new original: the variant is cleared, the winner's parameters are kept, and the hashes are
// those of a scan of the rewritten source, so the next tune is a cache hit and the next build
// injects the winner into the original kernel. The variant file stays until `knowledge gc`.

#include "knowledge/store.hpp"
#include "tool/cli/code_diff.hpp"
#include "tool/cli/commands.hpp"
#include "tool/tune/points.hpp"
#include "tool/tune/target_config.hpp"
#include "tool/tune/workspace.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kevolve::tool {

namespace {

namespace fs = std::filesystem;

struct AdoptOptions {
  std::string unit;
  std::string build;
  std::string knowledge;
  std::string device;
};

// The wisdom whose primary winner is a variant: --device's, else the one such device.
knowledge::Wisdom wisdom_to_adopt(const AdoptOptions& o, const knowledge::KnowledgeDir& knowledge) {
  std::vector<knowledge::Wisdom> with_variant;
  std::string devices;
  for (const knowledge::DeviceId& id : knowledge.devices(o.unit)) {
    if (!o.device.empty() && id.str() != o.device) continue;
    auto wisdom = knowledge.read(o.unit, id);
    if (!wisdom) throw Error(wisdom.error());
    const knowledge::SizeRecord* r = (*wisdom)->primary();
    if (r && r->variant) {
      devices += (devices.empty() ? "" : ", ") + id.str();
      with_variant.push_back(std::move(**wisdom));
    }
  }
  std::string where = o.device.empty() ? "" : " on " + o.device;
  if (with_variant.empty()) {
    throw Error(fmt::format("{}: the winner of unit '{}'{} is no code variant; nothing to adopt",
                            knowledge.root().string(), o.unit, where));
  }
  if (with_variant.size() > 1) {
    throw Error(
        fmt::format("unit '{}' has a winning variant on several devices ({}); name one "
                    "with --device",
                    o.unit, devices));
  }
  const knowledge::SizeRecord& r = *with_variant.front().primary();
  if (r.pending_review()) {
    throw Error(
        fmt::format("the winner of unit '{}' on {} waits for review; kevolve accept it "
                    "first",
                    o.unit, with_variant.front().device_id));
  }
  return std::move(with_variant.front());
}

// Writes `text` over `file` atomically, keeping its permissions.
void rewrite_source(const fs::path& file, const std::string& text) {
  std::error_code ec;
  fs::perms mode = fs::status(file, ec).permissions();
  if (ec) throw Error(fmt::format("{}: {}", file.string(), ec.message()));
  auto out = util::AtomicFile::create(file);
  if (!out) throw Error(out.error());
  if (auto w = out->write(text); !w) throw Error(w.error());
  fs::permissions(out->temporary(), mode, ec);
  if (ec) throw Error(fmt::format("{}: {}", out->temporary().string(), ec.message()));
  if (auto c = out->commit(); !c) throw Error(c.error());
}

// The other devices' wisdom tuned the kernel as it was: stale for them now.
void say_stale_elsewhere(const knowledge::KnowledgeDir& knowledge, const AdoptOptions& o,
                         const knowledge::Wisdom& adopted, const std::string& before) {
  for (const knowledge::DeviceId& id : knowledge.devices(o.unit)) {
    if (id.str() == adopted.device_id) continue;
    auto wisdom = knowledge.read(o.unit, id);
    if (!wisdom || !*wisdom || (*wisdom)->kernel_hash != before) continue;
    fmt::print(stderr,
               "kevolve: the wisdom of unit {} on {} was tuned for the kernel before adoption: it "
               "is stale now (builds fall back; tune again on that device)\n",
               o.unit, id.str());
  }
}

int run_adopt(const AdoptOptions& o) {
  std::string build = o.build.empty() ? "build" : o.build;
  auto dir = tune::knowledge_dir_for(build, o.knowledge);
  if (!dir) throw Error(dir.error());
  auto knowledge = knowledge::KnowledgeDir::open(*dir);
  if (!knowledge) throw Error(knowledge.error());
  auto lock = knowledge->lock("kevolve adopt " + o.unit);
  if (!lock) throw Error(lock.error());
  knowledge::Wisdom wisdom = wisdom_to_adopt(o, *knowledge);
  knowledge::SizeRecord& record =
      wisdom.records[static_cast<std::size_t>(wisdom.primary() - wisdom.records.data())];
  const knowledge::VariantRef ref = *record.variant;

  auto ws = tune::open_workspace(build, "");
  if (!ws) throw Error(ws.error());
  auto found = tune::find_unit(*ws, o.unit);
  if (!found) throw Error(found.error());
  const analyzers::Unit& unit = found->unit;
  fs::path file = unit.kernel.name.file;
  if (!knowledge::variant_fits(wisdom, ref, unit.kernel_hash)) {
    throw Error(
        fmt::format("the code variant {}/variants/{} is stale: the kernel in {} or its "
                    "space changed since tuning; nothing adopted (tune again)",
                    o.unit, ref.file_name(), file.string()));
  }
  auto code = knowledge->read_variant(o.unit, ref);
  if (!code) throw Error(fmt::format("{}; nothing adopted", code.error()));
  auto source = util::read_file(file);
  if (!source) throw Error(source.error());
  if (unit.kernel.begin > unit.kernel.end || unit.kernel.end > source->size())
    throw Error(fmt::format("{}: the kernel's extent is not in the file", file.string()));
  // The variant's text ends with its line; the original's extent ends at the closing brace.
  std::string_view text = *code;
  if (!text.empty() && text.back() == '\n' && source->compare(unit.kernel.end, 1, "\n") == 0)
    text.remove_suffix(1);
  std::string adopted =
      source->substr(0, unit.kernel.begin) + std::string(text) + source->substr(unit.kernel.end);
  rewrite_source(file, adopted);
  fmt::print("{}", unified_diff(*source, adopted, file.string(), file.string()));

  // The adopted code is the original now: hashes from a scan of it.
  auto rescanned = tune::find_unit(*ws, o.unit);
  if (!rescanned) {
    throw Error(fmt::format("{} was rewritten, but it does not scan ({}); the wisdom is unchanged",
                            file.string(), rescanned.error()));
  }
  std::string before = wisdom.kernel_hash;
  wisdom.kernel_hash = rescanned->unit.kernel_hash;
  wisdom.source_hash = rescanned->unit.hash;
  wisdom.space = rescanned->unit.space;
  record.variant.reset();
  if (auto written = knowledge->write(wisdom); !written) throw Error(written.error());
  fmt::print(stderr,
             "kevolve: adopted {}/variants/{} into {}; the wisdom of {} now names it as the "
             "original (winner {}); review and commit both\n",
             o.unit, ref.file_name(), file.string(), wisdom.device_id,
             tune::params_text_of(record.best));
  say_stale_elsewhere(*knowledge, o, wisdom, before);
  return 0;
}

}  // namespace

void add_adopt_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<AdoptOptions>();
  CLI::App* cmd = app.add_subcommand(
      "adopt", "Rewrite a unit's source with its winning code variant and update its wisdom");
  cmd->add_option("unit", o->unit, "The unit")->required();
  cmd->add_option("-B,--build", o->build, "The CMake build directory (default: build)");
  cmd->add_option("--knowledge", o->knowledge,
                  "The knowledge directory (default: that of the build's targets)");
  cmd->add_option("--device", o->device,
                  "Whose winner (default: the one device whose winner is a variant)");
  cmd->callback([o, &action] { action = [o] { return run_adopt(*o); }; });
}

}  // namespace kevolve::tool
