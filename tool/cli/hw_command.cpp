// `kevolve hw`: the devices of this machine, their ids and the facts constraints can use.

#include "backends/device.hpp"
#include "backends/peaks.hpp"
#include "backends/platform.hpp"
#include "tool/cli/commands.hpp"
#include "tool/cli/table.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

#include <fmt/format.h>

#include <map>

namespace kevolve::tool {

namespace {

struct HwOptions {
  bool json = false;
  bool measure = false;
};

// Peaks by device id, and why a recorded file could not be read.
struct FoundPeaks {
  std::map<std::string, backends::Peaks> known;
  std::map<std::string, std::string> unreadable;
};

// Measures (with --measure) or reads the peaks of each device whose platform has them.
FoundPeaks peaks_of(const backends::Inventory& inventory, bool measure) {
  FoundPeaks out;
  for (const backends::Device& d : inventory.devices) {
    const backends::Platform& platform = backends::platform_of(d.backend);
    if (!platform.has_peaks()) continue;
    if (measure) {
      auto measured = platform.measure_peaks(d, platform.find_compiler());
      if (!measured) throw Error(fmt::format("{}: {}", d.id.str(), measured.error()));
      if (auto saved = backends::save_peaks(d, *measured); !saved) throw Error(saved.error());
      out.known[d.id.str()] = *measured;
    } else if (auto known = backends::load_peaks(d); !known) {
      out.unreadable[d.id.str()] = known.error();
    } else if (*known) {
      out.known[d.id.str()] = **known;
    }
  }
  return out;
}

std::string facts_text(const space::Facts& facts) {
  std::string out;
  for (const auto& [name, value] : facts.values)
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", name, value);
  return out.empty() ? "(none known)" : out;
}

void add_cpu_rows(Table& t, const backends::Device& d) {
  const auto& x = d.details;
  auto fact = [&](const char* name) { return d.facts.get(name).value_or(0); };
  t.add(
      {"cores", fmt::format("{} physical, {} logical usable", fact("cores"), fact("max_threads"))});
  std::string caches;
  for (const auto& c : x["caches"]) {
    std::string type = c["type"].get<std::string>();
    std::string kind = type == "Data" ? "d" : type == "Instruction" ? "i" : "";
    caches += fmt::format("{}L{}{} {}", caches.empty() ? "" : ", ", c["level"].get<int>(), kind,
                          util::format_bytes(c["size"].get<std::uint64_t>()));
    if (int shared = c["shared_by"].get<int>(); shared > 1)
      caches += fmt::format(" (per {} CPUs)", shared);
  }
  if (!caches.empty()) t.add({"caches", caches});
  std::string isa;
  for (const auto& f : x["isa"]) isa += (isa.empty() ? "" : " ") + f.get<std::string>();
  if (!isa.empty()) t.add({"isa", isa});
}

void add_gpu_rows(Table& t, const backends::Device& d) {
  const auto& x = d.details;
  if (!d.driver.empty()) t.add({"driver", d.driver});
  if (x.contains("memory_bytes")) {
    t.add({"memory", util::format_bytes(x["memory_bytes"].get<std::uint64_t>())});
  }
  auto fact = [&](const char* name) { return d.facts.get(name).value_or(0); };
  t.add({"units", fmt::format("{} {}", fact("sm_count"),
                              d.backend == backends::Backend::cuda ? "SMs" : "CUs")});
  if (x.contains("compute_capability")) {
    t.add({"capability", x["compute_capability"].get<std::string>()});
  }
  if (x.contains("pci")) t.add({"pci", x["pci"].get<std::string>()});
}

std::string peaks_text(const backends::Peaks& p) {
  std::string memory = "copy " + util::format_rate(p.copy_bytes_per_s, "B/s");
  if (!p.caches.empty()) {
    memory = "memory " + util::format_rate(p.copy_bytes_per_s, "B/s");
    for (const backends::MemoryLevel& c : p.caches)
      memory += fmt::format(", {} {}", c.name, util::format_rate(c.bytes_per_s, "B/s"));
  }
  return fmt::format("{}; fp32 FMA {} (measured {})", memory,
                     util::format_rate(p.fma_flops_per_s, "FLOP/s"), p.date);
}

int run_hw(const HwOptions& o) {
  auto inventory = backends::detect_devices();
  FoundPeaks found = peaks_of(inventory, o.measure);
  const auto& peaks = found.known;
  if (o.json) {
    util::Json out = util::Json::object();
    out["schema"] = 1;
    util::Json devices = util::Json::array();
    for (const auto& d : inventory.devices) {
      devices.push_back(backends::to_json(d));
      if (auto p = peaks.find(d.id.str()); p != peaks.end())
        devices.back()["peaks"] = backends::to_json(p->second);
      if (auto e = found.unreadable.find(d.id.str()); e != found.unreadable.end())
        devices.back()["peaks_error"] = e->second;
    }
    out["devices"] = std::move(devices);
    util::Json absent = util::Json::array();
    for (const auto& a : inventory.absent) {
      absent.push_back(util::Json{{"backend", backends::name_of(a.backend)}, {"reason", a.reason}});
    }
    out["absent"] = std::move(absent);
    fmt::print("{}", util::dump_json(out));
    return 0;
  }
  bool first = true;
  for (const auto& d : inventory.devices) {
    fmt::print("{}{}\n", first ? "" : "\n", d.id.str());
    first = false;
    Table t;
    t.add({"backend", std::string(backends::name_of(d.backend))});
    t.add({"name", d.name});
    if (!d.vendor.empty()) t.add({"vendor", d.vendor});
    t.add({"arch", d.arch});
    if (d.backend == backends::Backend::cpu) {
      add_cpu_rows(t, d);
    } else {
      add_gpu_rows(t, d);
    }
    t.add({"facts", facts_text(d.facts)});
    if (auto p = peaks.find(d.id.str()); p != peaks.end()) {
      t.add({"peaks", peaks_text(p->second)});
    } else if (auto e = found.unreadable.find(d.id.str()); e != found.unreadable.end()) {
      t.add({"peaks", "unreadable: " + e->second});
    } else if (backends::platform_of(d.backend).has_peaks()) {
      t.add({"peaks", "not measured (kevolve hw --measure)"});
    }
    t.print(stdout, "  ");
  }
  if (!inventory.absent.empty()) {
    fmt::print("\nnot found\n");
    Table t;
    for (const auto& a : inventory.absent)
      t.add({std::string(backends::name_of(a.backend)), a.reason});
    t.print(stdout, "  ");
  }
  return 0;
}

}  // namespace

void add_hw_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<HwOptions>();
  CLI::App* cmd = app.add_subcommand("hw", "Show this machine's devices: ids, facts, details");
  cmd->add_flag("--json", o->json, "Print JSON");
  cmd->add_flag("--measure", o->measure,
                "Measure and record each device's memory bandwidth and FMA throughput");
  cmd->callback([o, &action] { action = [o] { return run_hw(*o); }; });
}

}  // namespace kevolve::tool
