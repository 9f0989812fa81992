#include "analyzers/scan_cache.hpp"

#include "analyzers/libclang.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"
#include "util/json.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace kevolve::analyzers {

namespace fs = std::filesystem;
using util::Json;

namespace {

// Part of every key: findings of another shape are never read back.
//   1: the first format
//   2: functions carry their signature (issue 18, variant checks)
//   3: KEVOLVE_RUNTIME_PARAM is a use of its parameter (docs/device-only.md)
constexpr std::string_view k_cache_version = "kevolve scan cache 3";

Json position_json(const Position& p) { return Json::array({p.file, p.line, p.column, p.offset}); }

Position position_from(const Json& j) {
  return Position{j.at(0).get<std::string>(), j.at(1).get<unsigned>(), j.at(2).get<unsigned>(),
                  j.at(3).get<std::size_t>()};
}

Json site_json(const MacroSite& s) { return Json::array({s.name, s.body, position_json(s.where)}); }

MacroSite site_from(const Json& j) {
  return MacroSite{j.at(0).get<std::string>(), j.at(1).get<std::string>(), position_from(j.at(2))};
}

Json to_json(const FileFindings& f) {
  Json functions = Json::array();
  for (const AnnotatedFunction& fn : f.functions) {
    Json templates = Json::array();
    for (const TemplateParam& t : fn.template_params) {
      templates.push_back(Json::array({t.name, t.kind, t.type, t.default_text}));
    }
    functions.push_back(
        Json{{"annotation", fn.annotation},
             {"marker", position_json(fn.marker)},
             {"name", position_json(fn.name)},
             {"function", fn.function},
             {"signature", fn.signature},
             {"extent", Json::array({fn.begin, fn.end, fn.body_begin, fn.body_end})},
             {"has_body", fn.has_body},
             {"templates", std::move(templates)}});
  }
  Json markers = Json::array();
  for (const TuneMarker& m : f.markers) {
    Json literals = Json::array();
    for (const LiteralPiece& l : m.literals)
      literals.push_back(Json::array({l.source_offset, l.char_offsets}));
    markers.push_back(Json::array({position_json(m.where), std::move(literals)}));
  }
  Json uses = Json::array();
  for (const ParamUse& u : f.uses)
    uses.push_back(Json::array({u.unit, u.name, u.default_text, position_json(u.where)}));
  Json definitions = Json::array();
  for (const MacroSite& s : f.definitions) definitions.push_back(site_json(s));
  Json expansions = Json::array();
  for (const MacroSite& s : f.expansions) expansions.push_back(site_json(s));
  Json errors = Json::array();
  for (const Diagnostic& d : f.errors)
    errors.push_back(Json::array({position_json(d.where), d.message}));
  return Json{{"file", f.file},
              {"functions", std::move(functions)},
              {"markers", std::move(markers)},
              {"uses", std::move(uses)},
              {"definitions", std::move(definitions)},
              {"expansions", std::move(expansions)},
              {"errors", std::move(errors)},
              {"parsed", f.parsed}};
}

FileFindings from_json(const Json& j) {
  FileFindings f;
  f.file = j.at("file").get<std::string>();
  for (const Json& fn : j.at("functions")) {
    AnnotatedFunction a;
    a.annotation = fn.at("annotation").get<std::string>();
    a.marker = position_from(fn.at("marker"));
    a.name = position_from(fn.at("name"));
    a.function = fn.at("function").get<std::string>();
    a.signature = fn.at("signature").get<std::string>();
    const Json& e = fn.at("extent");
    a.begin = e.at(0).get<std::size_t>();
    a.end = e.at(1).get<std::size_t>();
    a.body_begin = e.at(2).get<std::size_t>();
    a.body_end = e.at(3).get<std::size_t>();
    a.has_body = fn.at("has_body").get<bool>();
    for (const Json& t : fn.at("templates")) {
      a.template_params.push_back({t.at(0).get<std::string>(), t.at(1).get<std::string>(),
                                   t.at(2).get<std::string>(), t.at(3).get<std::string>()});
    }
    f.functions.push_back(std::move(a));
  }
  for (const Json& m : j.at("markers")) {
    TuneMarker marker;
    marker.where = position_from(m.at(0));
    for (const Json& l : m.at(1)) {
      marker.literals.push_back(
          {l.at(0).get<std::size_t>(), l.at(1).get<std::vector<std::size_t>>()});
    }
    f.markers.push_back(std::move(marker));
  }
  for (const Json& u : j.at("uses")) {
    f.uses.push_back({u.at(0).get<std::string>(), u.at(1).get<std::string>(),
                      u.at(2).get<std::string>(), position_from(u.at(3))});
  }
  for (const Json& s : j.at("definitions")) f.definitions.push_back(site_from(s));
  for (const Json& s : j.at("expansions")) f.expansions.push_back(site_from(s));
  for (const Json& d : j.at("errors"))
    f.errors.push_back({position_from(d.at(0)), d.at(1).get<std::string>()});
  f.parsed = j.at("parsed").get<bool>();
  return f;
}

std::optional<std::string> content_hash(const fs::path& file) {
  auto text = util::read_file(file);
  if (!text) return std::nullopt;
  return util::hash_of(*text);
}

}  // namespace

fs::path default_scan_cache() {
  fs::path root = util::user_cache_dir();
  return root.empty() ? root : root / "scan";
}

std::string ScanCache::key(const SourceJob& job) const {
  util::Hasher h;
  h.add(k_cache_version).add(libclang_version()).add(job.file.string());
  for (const std::string& a : job.args) h.add(a);
  h.add(util::read_file(job.file).value_or(std::string()));
  return h.digest().substr(5);
}

std::optional<FileFindings> ScanCache::find(const SourceJob& job) const {
  if (m_dir.empty()) return std::nullopt;
  fs::path entry = m_dir / key(job).substr(0, 2) / (key(job) + ".json");
  auto text = util::read_file(entry);
  if (!text) return std::nullopt;
  auto json = util::parse_json(*text, entry.string());
  if (!json) return std::nullopt;
  try {
    for (const auto& input : json->at("inputs")) {
      if (content_hash(input.at(0).get<std::string>()) != input.at(1).get<std::string>())
        return std::nullopt;
    }
    FileFindings f = from_json(json->at("findings"));
    for (const auto& input : json->at("inputs")) f.inputs.push_back(input.at(0).get<std::string>());
    return f;
  } catch (const Json::exception& e) {
    KEVOLVE_LOG("scan cache: {} is unreadable: {}", entry.string(), e.what());
    return std::nullopt;
  }
}

void ScanCache::store(const SourceJob& job, const FileFindings& f) const {
  if (m_dir.empty() || !f.parsed) return;
  Json inputs = Json::array();
  for (const std::string& input : f.inputs) {
    auto hash = content_hash(input);
    if (!hash) return;  // a file that is gone already: nothing safe to store
    inputs.push_back(Json::array({input, *hash}));
  }
  fs::path entry = m_dir / key(job).substr(0, 2) / (key(job) + ".json");
  Json doc{{"inputs", std::move(inputs)}, {"findings", to_json(f)}};
  if (!util::ensure_directory(entry.parent_path()) ||
      !util::write_file_atomically(entry,
                                   doc.dump(-1, ' ', false, Json::error_handler_t::replace))) {
    KEVOLVE_LOG("scan cache: cannot write {}", entry.string());
  }
}

}  // namespace kevolve::analyzers
