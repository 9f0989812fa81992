#include "knowledge/wisdom.hpp"

#include "knowledge/schema.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kevolve::knowledge {

namespace {

using util::Json;

// Walks one JSON object, taking the known keys out of a copy so the rest becomes `extra`, and
// noting every missing or mistyped field with its path.
class ObjectReader {
 public:
  ObjectReader(const Json& object, std::string path, std::vector<std::string>& problems)
      : m_rest(object.is_object() ? object : Json::object()),
        m_path(std::move(path)),
        m_problems(problems) {
    if (!object.is_object()) note("", "expected an object");
  }

  void note(std::string_view key, std::string_view what) {
    std::string at = key.empty() ? m_path : path_of(key);
    m_problems.push_back(fmt::format("{}: {}", at.empty() ? "(top level)" : at, what));
  }

  std::string path_of(std::string_view key) const {
    return m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
  }

  std::optional<Json> take(std::string_view key, bool required = true) {
    auto it = m_rest.find(key);
    if (it == m_rest.end()) {
      if (required) note(key, "missing");
      return std::nullopt;
    }
    Json value = std::move(*it);
    m_rest.erase(it);
    return value;
  }

  std::string string(std::string_view key, bool required = true) {
    auto v = take(key, required);
    if (!v) return {};
    if (!v->is_string()) {
      note(key, "expected a string");
      return {};
    }
    return v->get<std::string>();
  }

  std::int64_t integer(std::string_view key) {
    auto v = take(key);
    if (!v) return 0;
    if (!v->is_number_integer()) {
      note(key, "expected an integer");
      return 0;
    }
    return v->get<std::int64_t>();
  }

  double number(std::string_view key, bool required = true) {
    auto v = take(key, required);
    if (!v) return 0;
    if (!v->is_number()) {
      note(key, "expected a number");
      return 0;
    }
    return v->get<double>();
  }

  std::optional<double> optional_number(std::string_view key) {
    auto v = take(key, false);
    if (!v) return std::nullopt;
    if (!v->is_number()) {
      note(key, "expected a number");
      return std::nullopt;
    }
    return v->get<double>();
  }

  bool boolean(std::string_view key) {
    auto v = take(key);
    if (!v) return false;
    if (!v->is_boolean()) {
      note(key, "expected true or false");
      return false;
    }
    return v->get<bool>();
  }

  Json rest() && { return std::move(m_rest); }

 private:
  Json m_rest;
  std::string m_path;
  std::vector<std::string>& m_problems;
};

ParamValues params_from_json(const std::optional<Json>& json, const std::string& path,
                             std::vector<std::string>& problems) {
  ParamValues params;
  if (!json) return params;
  if (!json->is_object()) {
    problems.push_back(path + ": expected an object of parameter values");
    return params;
  }
  for (const auto& [name, value] : json->items()) {
    if (value.is_number_integer()) {
      params.emplace_back(name, space::Value(value.get<std::int64_t>()));
    } else if (value.is_string()) {
      params.emplace_back(name, space::Value(value.get<std::string>()));
    } else {
      problems.push_back(fmt::format("{}.{}: expected an integer or a string", path, name));
    }
  }
  return params;
}

void append_extra(Json& out, const Json& extra) {
  for (const auto& [key, value] : extra.items()) {
    if (!out.contains(key)) out[key] = value;
  }
}

Fingerprint fingerprint_from_json(const Json& json, std::vector<std::string>& problems) {
  ObjectReader r(json, "device", problems);
  Fingerprint f;
  f.name = r.string("name");
  f.arch = r.string("arch");
  f.driver = r.string("driver");
  f.toolkit = r.string("toolkit");
  f.compiler = r.string("compiler");
  f.extra = std::move(r).rest();
  return f;
}

ReviewEvidence evidence_from_json(const Json& json, const std::string& path,
                                  std::vector<std::string>& problems) {
  ObjectReader r(json, path, problems);
  ReviewEvidence e;
  e.speedup = r.number("speedup");
  e.time_s = r.number("time_s");
  e.baseline_s = r.number("baseline_s");
  e.bytes_per_s = r.optional_number("bytes_per_s");
  e.peak_bytes_per_s = r.optional_number("peak_bytes_per_s");
  e.memory_level = r.string("memory_level", false);
  e.flops_per_s = r.optional_number("flops_per_s");
  e.peak_flops_per_s = r.optional_number("peak_flops_per_s");
  return e;
}

Review review_from_json(const Json& json, const std::string& path,
                        std::vector<std::string>& problems) {
  ObjectReader r(json, path, problems);
  Review review;
  std::string state = r.string("state");
  if (state == "accepted") {
    review.state = ReviewState::accepted;
  } else if (state != "pending" && json.is_object() && json.value("state", Json()).is_string()) {
    r.note("state", fmt::format("'{}' is neither \"pending\" nor \"accepted\"", state));
  }
  if (auto reasons = r.take("reasons")) {
    if (!reasons->is_array() || reasons->empty()) {
      r.note("reasons", "expected a non-empty array of strings");
    } else {
      for (std::size_t i = 0; i < reasons->size(); ++i) {
        if (!(*reasons)[i].is_string()) {
          r.note(fmt::format("reasons[{}]", i), "expected a string");
          continue;
        }
        review.reasons.push_back((*reasons)[i].get<std::string>());
      }
    }
  }
  if (auto evidence = r.take("evidence"))
    review.evidence = evidence_from_json(*evidence, r.path_of("evidence"), problems);
  const bool accepted = review.state == ReviewState::accepted;
  review.accepted_by = r.string("accepted_by", accepted);
  review.accepted_at = r.string("accepted_at", accepted);
  if (!accepted && (!review.accepted_by.empty() || !review.accepted_at.empty()))
    r.note("accepted_by", "only an accepted review says who accepted it and when");
  return review;
}

Fallback fallback_from_json(const Json& json, const std::string& path,
                            std::vector<std::string>& problems) {
  ObjectReader r(json, path, problems);
  Fallback f;
  f.best = params_from_json(r.take("best"), r.path_of("best"), problems);
  f.time_s = r.number("time_s");
  f.speedup = r.number("speedup");
  f.date = r.string("date");
  return f;
}

Json review_json(const Review& review) {
  const ReviewEvidence& e = review.evidence;
  Json evidence = Json{{"speedup", e.speedup}, {"time_s", e.time_s}, {"baseline_s", e.baseline_s}};
  if (e.bytes_per_s) evidence["bytes_per_s"] = *e.bytes_per_s;
  if (e.peak_bytes_per_s) evidence["peak_bytes_per_s"] = *e.peak_bytes_per_s;
  if (!e.memory_level.empty()) evidence["memory_level"] = e.memory_level;
  if (e.flops_per_s) evidence["flops_per_s"] = *e.flops_per_s;
  if (e.peak_flops_per_s) evidence["peak_flops_per_s"] = *e.peak_flops_per_s;
  Json out = Json{{"state", name_of(review.state)},
                  {"reasons", review.reasons},
                  {"evidence", std::move(evidence)}};
  if (review.state == ReviewState::accepted) {
    out["accepted_by"] = review.accepted_by;
    out["accepted_at"] = review.accepted_at;
  }
  return out;
}

// The variant a record refers to; its hash and extension name a file, so they are checked as
// names before anything uses them.
VariantRef variant_from_json(const Json& json, const std::string& path,
                             std::vector<std::string>& problems) {
  ObjectReader r(json, path, problems);
  VariantRef v;
  v.hash = r.string("hash");
  if (!v.hash.empty() && !is_variant_hash(v.hash)) r.note("hash", "expected 32 hex digits");
  v.ext = r.string("ext");
  if (!v.ext.empty() && !is_variant_ext(v.ext)) r.note("ext", "expected cpp, cc, cxx, cu or hip");
  v.parent = r.string("parent");
  v.provider = r.string("provider");
  v.model = r.string("model");
  v.prompt_hash = r.string("prompt_hash");
  v.space = r.string("space", false);  // absent in the first variant records
  if (auto tokens = r.take("tokens")) {
    ObjectReader t(*tokens, r.path_of("tokens"), problems);
    v.prompt_tokens = t.integer("prompt");
    v.answer_tokens = t.integer("answer");
  }
  v.original_best = params_from_json(r.take("original_best"), r.path_of("original_best"), problems);
  if (!std::move(r).rest().empty()) problems.push_back(path + ": unknown fields");
  return v;
}

Json variant_json(const VariantRef& v) {
  return Json{{"hash", v.hash},
              {"ext", v.ext},
              {"parent", v.parent},
              {"provider", v.provider},
              {"model", v.model},
              {"prompt_hash", v.prompt_hash},
              {"space", v.space},
              {"tokens", Json{{"prompt", v.prompt_tokens}, {"answer", v.answer_tokens}}},
              {"original_best", params_json(v.original_best)}};
}

SizeRecord record_from_json(const Json& json, const std::string& path,
                            std::vector<std::string>& problems) {
  ObjectReader r(json, path, problems);
  SizeRecord rec;
  if (auto problem = r.take("problem")) {
    if (!problem->is_object()) r.note("problem", "expected an object of problem sizes");
    for (const auto& [name, value] : problem->items()) {
      if (!value.is_number_integer()) {
        r.note("problem." + name, "expected an integer");
        continue;
      }
      rec.problem.emplace_back(name, value.get<std::int64_t>());
    }
  }
  rec.primary = r.boolean("primary");
  rec.best = params_from_json(r.take("best"), r.path_of("best"), problems);
  if (auto variant = r.take("variant", false); variant && !variant->is_null()) {
    rec.variant = variant_from_json(*variant, r.path_of("variant"), problems);
  }
  if (auto trial = r.take("trial", false); trial && !trial->is_null()) {
    ObjectReader t(*trial, r.path_of("trial"), problems);
    rec.trial = TrialRef{t.string("id"), t.number("time_s"), t.string("status")};
  }
  rec.time_s = r.number("time_s");
  rec.baseline_s = r.number("baseline_s");
  if (auto speedup = r.take("speedup")) {
    ObjectReader s(*speedup, r.path_of("speedup"), problems);
    rec.speedup = s.number("value");
    rec.speedup_low = s.number("low");
    rec.speedup_high = s.number("high");
  }
  if (auto peak = r.take("peak", false); peak && !peak->is_null()) {
    ObjectReader p(*peak, r.path_of("peak"), problems);
    rec.peak_percent = p.number("percent");
    rec.bound = p.string("bound");
  }
  if (auto top = r.take("top")) {
    if (!top->is_array()) r.note("top", "expected an array");
    for (std::size_t i = 0; top->is_array() && i < top->size(); ++i) {
      std::string at = fmt::format("{}[{}]", r.path_of("top"), i);
      ObjectReader t((*top)[i], at, problems);
      Ranked ranked;
      ranked.params = params_from_json(t.take("params"), at + ".params", problems);
      ranked.time_s = t.number("time_s");
      rec.top.push_back(std::move(ranked));
    }
  }
  rec.evaluations = r.integer("evaluations");
  rec.strategy = r.string("strategy");
  rec.date = r.string("date");
  rec.kevolve_version = r.string("kevolve_version");
  // Before the gates bound, a review was a string note; it stays one, among the extra fields.
  bool note = json.is_object() && json.contains("review") && json["review"].is_string();
  if (auto review = note ? std::nullopt : r.take("review", false))
    rec.review = review_from_json(*review, r.path_of("review"), problems);
  if (auto fallback = r.take("fallback", false))
    rec.fallback = fallback_from_json(*fallback, r.path_of("fallback"), problems);
  rec.extra = std::move(r).rest();
  return rec;
}

}  // namespace

std::string_view name_of(ReviewState state) {
  return state == ReviewState::accepted ? "accepted" : "pending";
}

util::Json value_json(const space::Value& value) {
  return value.is_integer() ? Json(value.integer()) : Json(value.identifier());
}

util::Json params_json(const ParamValues& params) {
  Json out = Json::object();
  for (const auto& [name, value] : params) out[name] = value_json(value);
  return out;
}

const SizeRecord* Wisdom::primary() const {
  for (const SizeRecord& r : records) {
    if (r.primary) return &r;
  }
  return records.empty() ? nullptr : &records.front();
}

Json to_json(const Wisdom& w) {
  Json out = Json::object();
  out["schema"] = k_schema;
  out["unit"] = w.unit;
  out["device_id"] = w.device_id;
  Json device = Json::object();
  device["name"] = w.device.name;
  device["arch"] = w.device.arch;
  device["driver"] = w.device.driver;
  device["toolkit"] = w.device.toolkit;
  device["compiler"] = w.device.compiler;
  append_extra(device, w.device.extra);
  out["device"] = std::move(device);
  out["source_hash"] = w.source_hash;
  out["kernel_hash"] = w.kernel_hash;
  out["space"] = w.space;
  Json records = Json::array();
  for (const SizeRecord& r : w.records) {
    Json rec = Json::object();
    Json problem = Json::object();
    for (const auto& [name, value] : r.problem) problem[name] = value;
    rec["problem"] = std::move(problem);
    rec["primary"] = r.primary;
    rec["best"] = params_json(r.best);
    rec["variant"] = r.variant ? variant_json(*r.variant) : Json(nullptr);
    if (r.trial) {
      rec["trial"] =
          Json{{"id", r.trial->id}, {"time_s", r.trial->time_s}, {"status", r.trial->status}};
    }
    rec["time_s"] = r.time_s;
    rec["baseline_s"] = r.baseline_s;
    rec["speedup"] = Json{{"value", r.speedup}, {"low", r.speedup_low}, {"high", r.speedup_high}};
    rec["peak"] =
        r.peak_percent ? Json{{"percent", *r.peak_percent}, {"bound", r.bound}} : Json(nullptr);
    Json top = Json::array();
    for (const Ranked& t : r.top) {
      top.push_back(Json{{"params", params_json(t.params)}, {"time_s", t.time_s}});
    }
    rec["top"] = std::move(top);
    rec["evaluations"] = r.evaluations;
    rec["strategy"] = r.strategy;
    rec["date"] = r.date;
    rec["kevolve_version"] = r.kevolve_version;
    if (r.review) rec["review"] = review_json(*r.review);
    if (r.fallback) {
      rec["fallback"] = Json{{"best", params_json(r.fallback->best)},
                             {"time_s", r.fallback->time_s},
                             {"speedup", r.fallback->speedup},
                             {"date", r.fallback->date}};
    }
    append_extra(rec, r.extra);
    records.push_back(std::move(rec));
  }
  out["records"] = std::move(records);
  append_extra(out, w.extra);
  return out;
}

std::string serialize(const Wisdom& wisdom) { return util::dump_json(to_json(wisdom)); }

Wisdom wisdom_from_json(const Json& document, std::vector<std::string>& problems) {
  ObjectReader r(document, "", problems);
  Wisdom w;
  r.take("schema");  // checked and upgraded by the caller
  w.unit = r.string("unit");
  w.device_id = r.string("device_id");
  if (auto device = r.take("device")) w.device = fingerprint_from_json(*device, problems);
  w.source_hash = r.string("source_hash");
  w.kernel_hash = r.string("kernel_hash");
  w.space = r.string("space");
  if (auto records = r.take("records")) {
    if (!records->is_array()) r.note("records", "expected an array");
    for (std::size_t i = 0; records->is_array() && i < records->size(); ++i) {
      w.records.push_back(record_from_json((*records)[i], fmt::format("records[{}]", i), problems));
    }
  }
  w.extra = std::move(r).rest();
  return w;
}

util::Expected<Wisdom> parse_wisdom(std::string_view text, std::string_view origin) {
  auto document = util::parse_json(text, origin);
  if (!document) return util::unexpected(document.error());
  if (auto version = upgrade(*document, origin); !version) {
    return util::unexpected(version.error());
  }
  std::vector<std::string> problems;
  Wisdom wisdom = wisdom_from_json(*document, problems);
  if (!problems.empty()) {
    std::string all;
    for (const std::string& p : problems) all += "\n  " + p;
    return util::unexpected(fmt::format("{}: not a valid wisdom file:{}", origin, all));
  }
  return wisdom;
}

util::Expected<Wisdom> read_wisdom_file(const std::filesystem::path& file) {
  auto text = util::read_regular_file(file, k_max_wisdom_bytes);
  if (!text) return util::unexpected(text.error());
  return parse_wisdom(*text, file.string());
}

std::string variant_hash(std::string_view code) {
  std::string digest = util::hash_of(code);
  return digest.substr(digest.find(':') + 1);
}

bool variant_fits(const Wisdom& wisdom, const VariantRef& ref, std::string_view kernel_hash) {
  return wisdom.kernel_hash == kernel_hash && ref.parent == kernel_hash;
}

bool is_variant_hash(std::string_view text) {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_variant_ext(std::string_view text) {
  return text == "cpp" || text == "cc" || text == "cxx" || text == "cu" || text == "hip";
}

}  // namespace kevolve::knowledge
